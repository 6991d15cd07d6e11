"""Issue 14: the back-cast in pounds, ABC through the evaluator, out-of-sample measures."""

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from economies import SMALL

from cwbsim.calibration import backcast, validation
from cwbsim.model.codes import LOCAL, REGION
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.record.metrics import income_distribution
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.evaluation import Evaluator
from cwbsim.scenarios.schema import library_folder, load_scenario
from cwbsim.scenarios.seeds import Seed

TOY_PRIORS = (
    backcast.Prior("a", "a", 0.0, 4.0, "test"),
    backcast.Prior("b", "b", 0.0, 4.0, "test"),
)


def toy_model(values: dict) -> dict:
    """y = (a, 2b) plus a little noise from numpy's global generator (as pyabc seeds it)."""
    noise = np.random.normal(0, 0.02, 2)  # noqa: NPY002 (pyabc's generator)
    return {"x": float(values["a"]) + noise[0], "y": 2 * float(values["b"]) + noise[1]}


def toy_distance(simulated: dict, observed: dict) -> float:
    return math.hypot(simulated["x"] - observed["x"], simulated["y"] - observed["y"])


def toy_fit(root: int) -> backcast.Fit:
    return backcast.abc_fit(
        toy_model, TOY_PRIORS, {"x": 1.0, "y": 5.0}, toy_distance, Evaluator(), root,
        population=40, generations=4, minimum_epsilon=0.05, minutes=2.0, initial_epsilon=2.0,
    )  # fmt: skip


def test_abc_through_the_evaluator_recovers_known_parameters_and_is_reproducible():
    fit = toy_fit(5)
    median = fit.quantiles(0.5)
    assert abs(median["a"] - 1.0) < 0.25 and abs(median["b"] - 2.5) < 0.25
    assert math.isclose(fit.particles["weight"].sum(), 1.0)
    assert list(fit.generations.t) == list(range(len(fit.generations)))
    assert fit.generations.epsilon.is_monotonic_decreasing
    again = toy_fit(5)
    pd.testing.assert_frame_equal(fit.particles, again.particles)
    assert not fit.particles.equals(toy_fit(6).particles)


def test_the_distance_is_the_root_of_summed_squared_relative_misses():
    observed = dict(backcast.TARGETS)
    assert backcast.distance(observed, observed) == 0.0
    off = {k: v * 1.1 for k, v in observed.items()}
    assert backcast.distance(off, observed) == pytest.approx(math.sqrt(2) * 0.1)


def test_the_back_cast_follows_the_reported_budget_path():
    """Year 4 (2016/17) totals £617m, down from £750m, whatever the procurement policy."""
    out = backcast.simulate(({}, True), Seed(3))
    assert out["anchor_spend"] == pytest.approx(617.0e6, rel=1e-3)
    assert 0 < out["anchor_spend_local"] < out["anchor_spend_region"] < out["anchor_spend"]


@pytest.fixture
def small_model(tmp_path):
    data = dict(SMALL)
    data["behaviour"] = {**SMALL["behaviour"], "sector_table": "uniform", "size_bands": {}}
    return data


def _model(data, interventions):
    from cwbsim.model.spec.schema import parse_spec
    from cwbsim.scenarios.schema import Scenario

    spec = parse_spec(data, "small")
    plan = Scenario.model_validate(
        {"name": "t", "base": "x", "years": 2, "intervention": interventions}
    )
    model = LocalEconomy(spec, rng=2)
    return model, Driver(model, plan.intervention)


def test_procurement_practice_changes_only_the_named_anchors_and_ramps(small_model):
    anchors = [a["name"] for a in small_model["anchors"]]
    model, driver = _model(
        small_model,
        [
            {
                "type": "procurement_preference",
                "weight": 2.0,
                "region_value": 1.0,
                "retender_share": 1.0,
                "ramp_years": 1,
                "anchors": anchors[:1],
            }
        ],
    )
    tendering = model.tendering
    before_region = tendering.social_value[:, REGION].copy()
    before_renewal = tendering.renewal.copy()
    driver.apply(6)  # half way through the ramp
    assert tendering.renewal[0] == pytest.approx(before_renewal[0] * (1 - 6 / 12))
    assert tendering.social_value[0, REGION] == pytest.approx(
        before_region[0] + (1.0 - before_region[0]) * 6 / 12
    )
    driver.apply(13)
    assert tendering.renewal[0] == 0.0 and tendering.social_value[0, REGION] == 1.0
    if len(anchors) > 1:
        assert tendering.renewal[1] == before_renewal[1]
        assert tendering.social_value[1, REGION] == before_region[1]
    assert tendering.social_value[0, LOCAL] == 1.0


def test_retendering_everything_renews_nothing(small_model):
    model, driver = _model(
        small_model,
        [{"type": "procurement_preference", "weight": 0.0, "retender_share": 1.0}],
    )
    contracts = model.economy.contracts
    suppliers = contracts.supplier.copy()
    renewed = 0
    for _ in range(24):
        ending = contracts.end_step == model.steps + 1
        before = contracts.supplier[ending].copy()
        driver.step()
        renewed += int(np.sum(contracts.supplier[ending] == before))
    # a tendered contract can go back to its incumbent, but not every one of them
    assert renewed < np.sum(suppliers >= 0)


def test_job_wages_add_up_to_the_local_employers_wage_bills(preston_spec):
    model = LocalEconomy(preston_spec, rng=1)
    model.run_years(1)
    wages, people, employer = validation.job_wages(model)
    economy = model.economy
    local = np.unique(employer)
    bill = (economy.budget["wages"] * model.labour.revenue)[local].sum()
    assert (wages * people).sum() == pytest.approx(bill, rel=1e-9)
    assert np.all(economy.tier[local] == LOCAL)


def test_the_median_wage_is_the_registry_weighted_median():
    """The validation's median wage uses the metric registry's weighted median."""
    rng = np.random.default_rng(4)
    values = rng.normal(size=101)
    assert income_distribution(values, np.ones(101))[0] == np.median(values)
    assert income_distribution(np.array([1.0, 2.0, 3.0]), np.array([1, 1, 5]))[0] == 3.0


def test_the_library_scenarios_use_the_posterior_the_validation_wrote():
    """Central values are the posterior medians; the same file feeds their uncertainty."""
    particles = pd.read_csv(library_folder() / "preston-posterior.csv")
    fit = backcast.Fit(particles, pd.DataFrame(), 0, [p.path for p in backcast.PRIORS])
    median = fit.quantiles(0.5)
    for name in ("preston-backcast", "preston-procurement-shift", "preston-cwb"):
        plan, _ = load_scenario(name)
        shift = plan.intervention[0]
        assert shift.type == "procurement_preference"
        for prior in backcast.PRIORS:
            key = prior.path.rsplit(".", 1)[1]
            assert getattr(shift, key) == pytest.approx(median[prior.path], abs=5e-3), name
    text = (Path(__file__).parents[1] / "docs" / "validation.md").read_text()
    assert "Written by `cwbsim validate preston`" in text
    weight = median[backcast.PREFIX + "weight"]
    assert f"| {weight:.3f} |" in text


def test_validate_refuses_an_unknown_place():
    from typer.testing import CliRunner

    from cwbsim.cli import app

    result = CliRunner().invoke(app, ["validate", "Prestonn"])
    assert result.exit_code == 2 and "allowed: preston" in result.output


def test_the_whole_pipeline_writes_a_document_from_its_results(tmp_path, monkeypatch):
    """A tiny run of every step: each section is there and holds the computed numbers."""
    from cwbsim.calibration import validation_report

    settings = validation.Settings(
        population=3, generations=1, minutes=1.0, in_sample_seeds=2, predictive_draws=2,
        profile_points=2, profile_seeds=1, compare_seeds=2, headline_seeds=2,
    )  # fmt: skip
    result = validation.validate(Evaluator(), settings)
    text = validation_report.document(result, 60.0)
    for heading in ("## The fitted values", "## In sample", "## Identification",
                    "## Out of sample", "## The procurement shift with what we do not know",
                    "## What the model cannot reproduce"):  # fmt: skip
        assert heading in text
    row = result.in_sample.set_index("measure").loc["anchor_spend"]
    assert f"£{row.median_fit / 1e6:,.1f}m" in text
    assert set(result.out_of_sample.outcome) == {
        "council_local_share", "median_wage", "local_jobs", "employment_rate",
        "living_wage_workers",
    }  # fmt: skip
    assert "e+" not in text and not re.search(r"\bnan\b", text)
