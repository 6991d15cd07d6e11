"""Economy construction from spend files, and fitting by simulated method of moments."""

import json
from pathlib import Path

import pytest
from economies import small_data
from typer.testing import CliRunner

from cwbsim.calibration.analysis import analyse
from cwbsim.calibration.construct import Construction, build_spec
from cwbsim.calibration.fitting import MOMENTS, fit, simulate
from cwbsim.calibration.geography import PostcodeLookup, resolve_districts
from cwbsim.calibration.placement import Sources
from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.calibration.suppliers import read_supplier_lookup
from cwbsim.cli import app
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.files import load_spec
from cwbsim.model.spec.schema import parse_spec

DATA = Path(__file__).parent / "data" / "spend"
HYNDBURN = "E07000120"
RECOVERY_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def constructed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("construct")
    lookup = folder / "suppliers.csv"
    lookup.write_text(
        "supplier,postcode,sector\nCALVERTON FINANCE LTD,BB1 2BY,K\nTRIO TRAINING,BB1 2DB,P\n"
    )
    data = read_spend_files([DATA / "1701.csv"])
    region = [c for c in resolve_districts(["lancashire"], "--region") if c != HYNDBURN]
    analysis = analyse(
        data,
        [HYNDBURN],
        region,
        Sources(read_supplier_lookup(lookup, PostcodeLookup())),
        "Hyndburn",
    )
    spec, notes = build_spec(
        analysis,
        [HYNDBURN],
        region,
        Construction(name="hyndburn", start="2017-01", household_weight=25),
    )
    return spec, notes, analysis


def test_constructed_economy_reproduces_the_spend_it_was_built_from(constructed):
    spec, notes, analysis = constructed
    assert notes["months_of_data"] == 1 and notes["annualised_by"] == 12
    anchor = spec.anchors[0]
    base = analysis.payments[analysis.payments["in_base"]]  # procurement only: no HMRC, councils
    yearly = 12 * base.groupby("supplier").amount.sum()
    assert sum(c.value for c in anchor.contracts) == pytest.approx(yearly[yearly > 0].sum())
    assert notes["not_procurement"] == pytest.approx(
        {t: 12 * v for t, v in analysis.excluded.items()}
    )
    names = {s.name: s for s in spec.suppliers}
    assert (
        names["CALVERTON FINANCE LTD"].area == HYNDBURN
        and names["CALVERTON FINANCE LTD"].sector == "K"
    )
    model = LocalEconomy(spec, rng=1, check_conservation=True)
    model.run_years(1)
    year = model.recorder.years()[0]
    assert year["anchor_spend"] == pytest.approx(sum(c.value for c in anchor.contracts), rel=1e-9)
    local = sum(c.value for c in anchor.contracts if names[c.supplier].area == HYNDBURN)
    assert year["anchor_spend_local"] == pytest.approx(local, rel=0.05)


def test_parameter_recovery():
    data = small_data()
    data["households"] = [{"area": "L1", "count": 600}]
    spec = parse_spec(data, "small")
    truth = {
        "household_local_share": 0.45,
        "flq_delta": 0.3,
        "anchor_local_staff_share": 0.6,
    }
    seeds = [1, 2]
    simulated = simulate(spec, truth, seeds).mean(axis=0)
    names = ("local_consumption_share", "anchor_local_wage_share", "lm3", "respend_sme")
    targets = {k: float(simulated[MOMENTS.index(k)]) for k in names}
    result = fit(spec, targets, seeds=seeds)
    for name, value in truth.items():
        assert abs(result.parameters[name] - value) < RECOVERY_TOLERANCE, (name, result.parameters)
    assert result.loss < 1e-2 and not result.warnings


def test_unidentified_parameter_is_warned():
    data = small_data()
    data["households"] = [{"area": "L1", "count": 300}]
    spec = parse_spec(data, "small")
    result = fit(
        spec,
        {"anchor_local_wage_share": 0.5},
        ["anchor_local_staff_share", "flq_delta"],
        seeds=[1],
        max_evaluations=30,
    )
    assert any("flq_delta is not identified" in w for w in result.warnings)


def test_calibrate_command_writes_a_spec_that_runs(tmp_path):
    targets = tmp_path / "targets.toml"
    targets.write_text(
        "[targets]\nlocal_consumption_share = 0.4\n[fit]\n"
        'parameters = ["household_local_share"]\nseeds = [1]\nmax_evaluations = 20\n'
    )
    out = tmp_path / "economy.toml"
    result = CliRunner().invoke(
        app,
        [
            "calibrate", str(DATA / "1701.csv"), "--local", HYNDBURN, "--region", "lancashire",
            "--targets", str(targets), "--out", str(out), "--household-weight", "50",
            "--body", "Hyndburn Borough Council", "--start", "2017-01", "--households", "5000",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spec = load_spec(out)
    assert spec.households[0].count == 5000
    assert abs(spec.households[0].local_share - 0.4) < 0.05
    report = json.loads(out.with_suffix(".calibration.json").read_text())
    assert "local_consumption_share" in report["fit"]["targets"]
    run = CliRunner().invoke(app, ["run", str(out), "--years", "1", "--out", str(tmp_path / "r")])
    assert run.exit_code == 0, run.output
    year = json.loads((tmp_path / "r" / "summary.json").read_text())["years"][0]
    procurement = sum(a.income * a.procurement_share for a in spec.anchors)
    assert year["anchor_spend"] == pytest.approx(procurement, rel=0.02)  # the spend files' £
    tier = {a.code: a.tier for a in spec.areas}
    area = {s.name: s.area for s in spec.suppliers}
    contracts = [c for a in spec.anchors for c in a.contracts]
    local = sum(c.value for c in contracts if tier[area[c.supplier]] == "local")
    assert year["local_share"] == pytest.approx(local / procurement, abs=0.02)  # the files' share


def test_bad_targets_exit_2(tmp_path):
    targets = tmp_path / "targets.toml"
    targets.write_text("[targets]\nhappiness = 3.0\n")
    result = CliRunner().invoke(
        app,
        ["calibrate", str(DATA / "1701.csv"), "--local", HYNDBURN, "--targets", str(targets),
         "--out", str(tmp_path / "x.toml")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "unknown target 'happiness'" in result.output and "allowed: lm3" in result.output


def test_undated_spend_needs_months(tmp_path):
    path = tmp_path / "undated.csv"
    path.write_text("Supplier,Amount\nAcme Ltd,1000\nBeta Ltd,500\n")
    data = read_spend_files([path])
    analysis = analyse(data, [HYNDBURN], [], Sources({}), "Council")
    with pytest.raises(Exception, match="no payment has a readable date"):
        build_spec(analysis, [HYNDBURN], [], Construction())
    spec, notes = build_spec(analysis, [HYNDBURN], [], Construction(months=12, household_weight=50))
    assert sorted(c.value for c in spec.anchors[0].contracts) == [500, 1000]
    assert notes["annualised_by"] == 1


def test_suppliers_without_a_location_stay_unknown(tmp_path):
    lookup = tmp_path / "lookup.csv"
    lookup.write_text("supplier,area\nBeta Ltd,Hyndburn\n")
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "Supplier,Amount,Date\nAlpha,100,01/01/2024\nBeta Ltd,50,01/01/2024\nGamma,70,01/01/2024\n"
    )
    analysis = analyse(
        read_spend_files([spend]),
        [HYNDBURN],
        [],
        Sources(read_supplier_lookup(lookup, PostcodeLookup())),
    )
    tiers = analysis.by_tier.set_index("tier").spend
    assert tiers["unknown"] == 170 and tiers["local"] == 50 and "outside" not in tiers
    bad = tmp_path / "bad.csv"
    bad.write_text("supplier,area\nBeta Ltd,Accrington\n")
    with pytest.raises(Exception, match=r"bad\.csv: row 2: area: unknown area 'Accrington'"):
        read_supplier_lookup(bad, PostcodeLookup())
