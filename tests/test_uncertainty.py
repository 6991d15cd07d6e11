"""Uncertain parameters: declared, drawn per replicate, paired across arms, in a second interval."""

import re

import numpy as np
import pandas as pd
import pytest
import tomli_w
from economies import SMALL

from cwbsim.model.errors import InputError
from cwbsim.model.spec.uncertain import UncertainParameter
from cwbsim.scenarios.compare import compare
from cwbsim.scenarios.schema import load_scenario
from cwbsim.scenarios.uncertainty import draw, with_draw


@pytest.fixture
def economy(tmp_path):
    data = dict(SMALL)
    data["households"] = [{"area": "L1", "count": 400}]
    data["behaviour"] = {**SMALL["behaviour"], "sector_table": "uniform", "size_bands": {}}
    path = tmp_path / "small.toml"
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.fixture
def base(tmp_path, economy):
    """The baseline scenario: the small economy without a policy."""
    return scenario(tmp_path, economy, [], name="base", policy=False)


def scenario(tmp_path, economy, uncertain, name="policy", policy=True):
    data = {
        "name": name,
        "base": str(economy),
        "years": 2,
        "seeds": 6,
        "intervention": [{"type": "anchor_budget", "percent_per_year": 5.0}] if policy else [],
        "uncertain": uncertain,
    }
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return path


BUDGET = {
    "path": "scenario.intervention.0.percent_per_year",
    "distribution": "uniform",
    "low": -10.0,
    "high": 20.0,
    "source": "assumption (test)",
}


def test_draws_follow_their_distributions_and_are_reproducible():
    items = [
        UncertainParameter(**BUDGET),
        UncertainParameter(
            path="spec.x", distribution="triangular", low=1, mode=2, high=5, source="a"
        ),
        UncertainParameter(path="spec.y", distribution="normal", mean=0, sd=1, low=-1, source="a"),
    ]
    draws = draw(items, 400, root=11).values
    assert draws.equals(draw(items, 400, root=11).values)
    budget = draws["scenario.intervention.0.percent_per_year"]
    assert budget.between(-10, 20).all()
    # a Latin hypercube puts exactly one draw in each of 400 equal slices
    assert sorted(np.floor((budget + 10) / 30 * 400).astype(int)) == list(range(400))
    assert draws["spec.x"].between(1, 5).all() and abs(draws["spec.x"].mean() - 8 / 3) < 0.02
    assert draws["spec.y"].min() >= -1
    assert not draws.equals(draw(items, 400, root=12).values)


def test_joint_draws_keep_rows_together(tmp_path):
    table = pd.DataFrame({"spec.a": [1.0, 2.0, 3.0], "spec.b": [10.0, 20.0, 30.0],
                          "weight": [0.0, 1.0, 3.0]})  # fmt: skip
    path = tmp_path / "posterior.csv"
    table.to_csv(path, index=False)
    items = [
        UncertainParameter(path=p, distribution="draws", draws=str(path), source="posterior")
        for p in ("spec.a", "spec.b")
    ]
    values = draw(items, 400, root=3).values
    assert (values["spec.b"] == 10 * values["spec.a"]).all()
    assert 1.0 not in set(values["spec.a"])  # weight 0 is never drawn
    assert abs((values["spec.a"] == 3.0).mean() - 0.75) < 0.01


def test_compare_reports_a_wider_interval_when_the_effect_depends_on_an_unknown(
    tmp_path, economy, base
):
    path = scenario(tmp_path, economy, [BUDGET])
    result = compare(str(base), str(path), seeds=6, years=2)
    row = result.table[(result.table.metric == "local_income") & (result.table.year == 2)].iloc[0]
    seed_width = row.diff_hi - row.diff_lo
    parameter_width = row.param_hi - row.param_lo
    assert parameter_width > 2 * seed_width
    assert row.param_share > 0.5
    assert row.param_lo <= row.param_mean <= row.param_hi
    # the central runs are the comparison without uncertainty, bit for bit
    plain = compare(str(base), str(path), seeds=6, years=2, uncertain=False)
    pd.testing.assert_frame_equal(result.runs, plain.runs)
    assert "param_lo" not in plain.table.columns
    # both arms of a replicate share its seed; only the scenario arm has the shift
    drawn = result.drawn
    assert set(drawn.seed_index) == set(range(6))
    sens = result.sensitivity
    assert set(sens.parameter) == {"scenario.intervention.0.percent_per_year"}


def test_a_spec_parameter_is_drawn_in_both_arms(tmp_path, economy, base):
    path = scenario(
        tmp_path,
        economy,
        [
            {
                "path": "spec.households.0.local_share",
                "distribution": "uniform",
                "low": 0.2,
                "high": 0.5,
                "source": "assumption",
            }
        ],
    )
    arms = [load_scenario(str(base)), load_scenario(str(path))]
    both = with_draw(arms, {"spec.households.0.local_share": 0.33})
    assert [s.households[0].local_share for _, s in both] == [0.33, 0.33]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({**BUDGET, "path": "scenario.intervention.3.percent_per_year"}, "no item '3'"),
        ({**BUDGET, "path": "spec.behaviour.tenders"}, "is not a number"),
        ({**BUDGET, "distribution": "draws"}, "draws file"),
    ],
)
def test_bad_declarations_are_one_line_errors(tmp_path, economy, base, entry, expected):
    path = scenario(tmp_path, economy, [entry])
    with pytest.raises(InputError) as error:
        compare(str(base), str(path), seeds=2, years=1)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_draw_out_of_bounds_names_the_parameter(tmp_path, economy, base):
    entry = {**BUDGET, "low": 40.0, "high": 90.0}
    path = scenario(tmp_path, economy, [entry])
    with pytest.raises(InputError, match=re.escape("scenario.intervention.0.percent_per_year")):
        compare(str(base), str(path), seeds=2, years=1)
