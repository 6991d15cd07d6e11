"""Interventions move their targets, money stays conserved, and pairing narrows intervals."""

import numpy as np
import pytest
import tomli_w
from conftest import ACCOUNTING
from economies import SMALL
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.errors import InputError
from cwbsim.scenarios.compare import compare
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import load_scenario, parse_scenario

YEARS = 3


@pytest.fixture
def small_base(tmp_path):
    data = dict(SMALL)
    data["households"] = [{"area": "L1", "count": 600}]
    data["behaviour"] = {**SMALL["behaviour"], "adaptation": {"review_months": 1}}
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


def _final_year(tmp_path, base, interventions, seed=7):
    scenario, spec = load_scenario(_scenario(tmp_path, base, interventions, name="x"))
    result = run_scenario(scenario, spec, np.random.SeedSequence(seed))
    return result.years[-1]


CASES = {
    "procurement_preference": (
        {"type": "procurement_preference", "weight": 4.0},
        [("local_share", +1), ("anchor_spend_local", +1)],
    ),
    "local_hiring": (
        {"type": "local_hiring", "share": 1.0, "include_suppliers": True},
        [("local_wages", +1), ("leakage_wages", -1)],
    ),
    "wage_floor": (
        {"type": "wage_floor", "hourly": 20.0},
        [("local_wages", +1), ("leakage_other", -1)],
    ),
    "cooperative_conversion": (
        {"type": "cooperative_conversion", "share": 1.0},
        [("leakage_profit", -1), ("local_income", +1)],
    ),
    "anchor_budget": (
        {"type": "anchor_budget", "percent_per_year": -20.0},
        [("anchor_spend", -1), ("anchor_income", -1), ("local_wages", -1)],
    ),
    "buy_local": (
        {"type": "buy_local", "shift": 0.2},
        [("leakage_consumption", -1), ("local_income", +1)],
    ),
    "local_investment": (
        {"type": "local_investment", "amount": 5e6, "ramp_years": 3, "sectors": ["G"]},
        [("local_jobs", +1), ("local_wages", +1)],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_intervention_moves_its_target_and_conserves_money(tmp_path, small_base, case):
    item, expectations = CASES[case]
    baseline = _final_year(tmp_path, small_base, [])
    scenario, spec = load_scenario(_scenario(tmp_path, small_base, [item], name=case))
    from cwbsim.model.economy import LocalEconomy
    from cwbsim.scenarios.driver import Driver

    model = LocalEconomy(
        spec, rng=np.random.default_rng(np.random.SeedSequence(7)), check_conservation=True
    )
    driver = Driver(model, scenario.intervention)
    for _ in range(YEARS * 12):
        driver.step()
        assert model.state.imbalance() <= ACCOUNTING
    final = model.recorder.years()[-1]
    for metric, sign in expectations:
        assert sign * (final[metric] - baseline[metric]) > 0, (
            metric,
            baseline[metric],
            final[metric],
        )


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
    assert np.all(np.diff(yearly) > 0)
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
