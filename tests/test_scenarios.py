"""Interventions move their targets, money stays conserved, and pairing narrows intervals."""

import numpy as np
import pytest
import tomli_w
from conftest import ACCOUNTING, STANDARD_ERRORS
from economies import SMALL
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.errors import InputError
from cwbsim.model.spec.behaviour import FirmCosts
from cwbsim.scenarios.compare import compare
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import load_scenario, parse_scenario
from cwbsim.scenarios.seeds import replicates

YEARS = 3


@pytest.fixture
def small_base(tmp_path):
    data = dict(SMALL)
    data["households"] = [{"area": "L1", "count": 600}]
    # one cost structure for every sector and no size differences: the levers' mechanics
    # alone (sectors that differ are tested by the input-output oracle and on Preston)
    data["behaviour"] = {
        **SMALL["behaviour"],
        "adaptation": {"review_months": 1},
        "sector_table": "uniform",
        "size_bands": {},
    }
    path = tmp_path / "small.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def _scenario(tmp_path, base, interventions, name="s", years=YEARS, seeds=4):
    data = {
        "name": name,
        "base": str(base),
        "years": years,
        "seeds": seeds,
        "intervention": interventions,
    }
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return path


SEEDS = replicates(7, 8)


def _run_years(tmp_path, base, items, seed):
    scenario, spec = load_scenario(_scenario(tmp_path, base, items, name="arm"))
    return run_scenario(scenario, spec, seed)


# Each case: the intervention, then (metric, direction, the most it can move it) where the
# bound is the money the intervention moves in the last year (from the baseline year ``b``
# and its closed-form local multiplier ``m``): an effect beyond it would create money.
CASES = {
    "procurement_preference": (
        {"type": "procurement_preference", "weight": 4.0},
        [
            ("anchor_spend_local", +1, lambda b, m: b["anchor_spend"] - b["anchor_spend_local"]),
            ("local_share", +1, lambda b, m: 1.0 - b["local_share"]),
        ],
    ),
    "local_hiring": (
        {"type": "local_hiring", "share": 1.0, "include_suppliers": True},
        [
            ("leakage_wages", -1, lambda b, m: b["leakage_wages"]),
            ("local_wages", +1, lambda b, m: b["leakage_wages"] * m),
        ],
    ),
    "wage_floor": (
        {"type": "wage_floor", "hourly": 20.0},
        [
            ("leakage_other", -1, lambda b, m: b["leakage_other"]),
            ("local_wages", +1, lambda b, m: (b["leakage_other"] + b["leakage_profit"]) * m),
        ],
    ),
    "cooperative_conversion": (
        {"type": "cooperative_conversion", "share": 1.0},
        [
            ("leakage_profit", -1, lambda b, m: b["leakage_profit"]),
            ("local_income", +1, lambda b, m: b["leakage_profit"] * m),
        ],
    ),
    "anchor_budget": (
        {"type": "anchor_budget", "percent_per_year": -20.0},
        [("local_wages", -1, lambda b, m: b["anchor_income"] * (1 - BUDGET_FACTOR) * m)],
    ),
    "buy_local": (
        {"type": "buy_local", "shift": 0.2},
        [
            ("leakage_consumption", -1, lambda b, m: b["leakage_consumption"]),
            ("local_income", +1, lambda b, m: b["leakage_consumption"] * m),
        ],
    ),
    "local_investment": (
        {"type": "local_investment", "amount": 5e6, "ramp_years": 3, "sectors": ["G"]},
        [
            # £5m over 3 years is revenue: jobs at output per job, then re-spent locally
            ("local_jobs", +1, lambda b, m: 5e6 / 3 / FirmCosts().turnover_per_employee * m),
            ("local_income", +1, lambda b, m: 5e6 / 3 * m),
        ],
    ),
}
BUDGET_FACTOR = float(np.mean(0.8 ** (np.arange(25, 37) / 12)))
"""Anchor income in year 3 of a 20%-a-year cut from month 1, as a share of the baseline's."""


@pytest.mark.parametrize("case", CASES)
def test_each_intervention_moves_its_target_by_a_bounded_amount_on_every_seed(
    tmp_path, small_base, case
):
    """On each of eight paired seeds the effect has its sign and stays within the money the
    intervention moves (times the local multiplier); its mean is 3 standard errors from 0."""
    item, expectations = CASES[case]
    changes = {metric: [] for metric, _, _ in expectations}
    for seed in SEEDS:
        base = _run_years(tmp_path, small_base, [], seed)
        policy = _run_years(tmp_path, small_base, [item], seed)
        before, after = base.years[-1], policy.years[-1]
        multiplier = base.analytic["local_multiplier"]
        for metric, sign, most in expectations:
            change = sign * (after[metric] - before[metric])
            assert 0 < change <= most(before, multiplier), (
                metric, seed, before[metric], after[metric], most(before, multiplier)
            )  # fmt: skip
            changes[metric].append(change)
    for metric, found in changes.items():
        error = np.std(found, ddof=1) / np.sqrt(len(found))
        assert np.mean(found) > STANDARD_ERRORS * error, (metric, found)


def test_a_budget_cut_scales_anchor_income_and_spend_exactly(tmp_path, small_base):
    item = {"type": "anchor_budget", "percent_per_year": -20.0}
    for seed in SEEDS:
        base = _run_years(tmp_path, small_base, [], seed).years[-1]
        cut = _run_years(tmp_path, small_base, [item], seed).years[-1]
        for metric in ("anchor_income", "anchor_spend"):
            assert cut[metric] / base[metric] == pytest.approx(BUDGET_FACTOR, rel=1e-9)


def test_every_intervention_conserves_money_at_every_step(small_base, tmp_path):
    from cwbsim.model.economy import LocalEconomy
    from cwbsim.scenarios.driver import Driver

    items = [item for item, _ in CASES.values()]
    scenario, spec = load_scenario(_scenario(tmp_path, small_base, items, name="all"))
    model = LocalEconomy(spec, rng=np.random.default_rng(SEEDS[0].sequence()))
    driver = Driver(model, scenario.intervention)
    for _ in range(YEARS * 12):
        driver.step()
        assert model.state.imbalance() <= ACCOUNTING


def test_procurement_shift_lands_only_as_contracts_expire(tmp_path, small_base):
    path = _scenario(
        tmp_path, small_base, [{"type": "procurement_preference", "weight": 20.0}], years=4
    )
    scenario, spec = load_scenario(path)
    base_scenario, _ = load_scenario(_scenario(tmp_path, small_base, [], name="b", years=4))
    seed = np.random.SeedSequence(3)
    shifted = run_scenario(scenario, spec, seed).timeseries.local_share.to_numpy()
    base = run_scenario(base_scenario, spec, seed).timeseries.local_share.to_numpy()
    # month 1 pays the contracts already in force: no change yet
    assert shifted[0] == pytest.approx(base[0], abs=1e-12)
    yearly = shifted.reshape(4, 12).mean(axis=1)
    assert np.all((np.diff(yearly) > 0) | (yearly[1:] == 1.0))  # rises until all is local
    # a near-total preference still leaves most contracts where they were after 3 months
    assert shifted[2] - base[2] < 0.5 * (yearly[-1] - base[:12].mean())


def test_paired_seeds_give_narrower_intervals_than_independent_seeds(tmp_path, small_base):
    base = _scenario(tmp_path, small_base, [], name="base", years=2)
    policy = _scenario(
        tmp_path, small_base, [{"type": "buy_local", "shift": 0.05}], name="policy", years=2
    )
    paired = compare(str(base), str(policy), seeds=6, years=2)
    independent = compare(str(base), str(policy), seeds=6, years=2, paired=False)

    def width(result, metric):
        row = result.table[(result.table.metric == metric) & (result.table.year == 2)].iloc[0]
        return row.diff_hi - row.diff_lo

    for metric in ("local_income", "local_wages", "local_share"):
        assert width(paired, metric) < width(independent, metric)
    columns = list(paired.table.columns)
    assert columns == [
        "metric",
        "year",
        "baseline_mean",
        "scenario_mean",
        "diff_mean",
        "diff_lo",
        "diff_hi",
        "n_seeds",
    ]


BAD = {
    "unknown type": (
        {"type": "free_money", "amount": 1.0},
        ["intervention[0]", "unknown type 'free_money'", "procurement_preference"],
    ),
    "unknown key": (
        {"type": "buy_local", "shfit": 0.1},
        ["intervention[0].shfit", "unknown key", "allowed keys:", "shift"],
    ),
    "share out of range": (
        {"type": "local_hiring", "share": 1.5},
        ["intervention[0].share", "<= 1"],
    ),
    "start beyond horizon": (
        {"type": "buy_local", "shift": 0.1, "start_year": 9},
        ["intervention[0].start_year", "beyond the horizon", "1 to years = 3"],
    ),
    "unknown anchor": (
        {"type": "wage_floor", "hourly": 10.0, "anchors": ["Hospital"]},
        ["intervention[0].anchors", "'Hospital'", "allowed: Council, College"],
    ),
    "unknown sector": (
        {"type": "local_investment", "amount": 1.0, "sectors": ["B"]},
        ["intervention[0].sectors", "'B'"],
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_scenarios_get_one_line_errors(tmp_path, small_base, case):
    item, fragments = BAD[case]
    path = _scenario(tmp_path, small_base, [item], name="bad")
    with pytest.raises(InputError) as error:
        load_scenario(path)
    message = str(error.value)
    assert "\n" not in message and message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message
    result = CliRunner().invoke(app, ["compare", str(path), str(path), "--seeds", "1"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0


def test_missing_base_and_unknown_scenario(tmp_path):
    with pytest.raises(
        InputError, match=r"base: 'nowhere.toml' is neither a built-in spec nor a file"
    ):
        parse_scenario({"name": "x", "base": "nowhere.toml"}, "x.toml", tmp_path)
    result = CliRunner().invoke(app, ["compare", "preston-2012", "no-such-scenario"])
    assert result.exit_code == 2 and "no such scenario" in result.output


def test_library_scenarios_load_and_list():
    result = CliRunner().invoke(app, ["scenarios"])
    assert result.exit_code == 0
    for name in ("preston-2012", "preston-procurement-shift", "preston-cwb", "austerity"):
        assert name in result.output
        scenario, spec = load_scenario(name)
        assert scenario.sources and spec.name == "preston-2012"
