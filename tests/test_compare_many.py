"""Several scenarios against one baseline: shared baseline runs, results per arm, paired draws."""

import pandas as pd
import pytest
import tomli_w
from economies import SMALL

from cwbsim.model.errors import InputError
from cwbsim.scenarios.compare import MAX_SCENARIOS, compare, compare_many
from cwbsim.scenarios.evaluation import Evaluator

SHARE = {
    "path": "spec.households.0.local_share",
    "distribution": "uniform",
    "low": 0.2,
    "high": 0.5,
    "source": "assumption (test)",
}


@pytest.fixture
def economy(tmp_path):
    data = dict(SMALL)
    data["behaviour"] = {**SMALL["behaviour"], "sector_table": "uniform", "size_bands": {}}
    path = tmp_path / "small.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def scenario(tmp_path, economy, name, interventions, uncertain=()):
    data = {
        "name": name,
        "base": str(economy),
        "years": 1,
        "seeds": 2,
        "intervention": list(interventions),
        "uncertain": list(uncertain),
    }
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return str(path)


class Counting(Evaluator):
    """The serial evaluator, remembering which scenario each run was."""

    def __init__(self):
        super().__init__()
        self.ran: list[str] = []

    def _run(self, function, indexed):
        for index, task in indexed:
            self.ran.append(task.payload[0]["name"])
            yield from super()._run(function, [(index, task)])


@pytest.fixture
def three(tmp_path, economy):
    base = scenario(tmp_path, economy, "base", [])
    buy = scenario(tmp_path, economy, "buy", [{"type": "buy_local", "shift": 0.05}])
    hire = scenario(tmp_path, economy, "hire", [{"type": "local_hiring", "share": 0.8}])
    return base, buy, hire


def test_several_scenarios_share_the_baseline_run_once_per_seed(three):
    base, buy, hire = three
    evaluator = Counting()
    results = compare_many(base, [buy, hire], seeds=2, years=1, evaluator=evaluator)
    assert sorted(evaluator.ran) == ["base", "base", "buy", "buy", "hire", "hire"]
    assert [r.names for r in results] == [("base", "buy"), ("base", "hire")]
    first, second = (r.runs[r.runs.arm == "baseline"] for r in results)
    pd.testing.assert_frame_equal(first, second)
    # each scenario's comparison is the one-scenario comparison, bit for bit (same seeds)
    alone = compare(base, hire, seeds=2, years=1)
    pd.testing.assert_frame_equal(results[1].table, alone.table)
    assert (results[1].table.diff_mean != 0).any()


def test_results_arrive_per_arm_before_the_end_and_progress_counts_runs(three):
    base, buy, hire = three
    progress, arrived = [], []
    results = compare_many(
        base, [buy, hire], seeds=2, years=1,
        progress=lambda done, total: progress.append((done, total)),
        on_arm=lambda k, comparison: arrived.append((k, comparison, progress[-1][0])),
    )  # fmt: skip
    assert progress == [(n, 6) for n in range(7)]  # from 0, one step per run
    assert [k for k, _, _ in arrived] == [0, 1]
    assert arrived[0][2] < 6  # the first arm came with runs still to go
    assert arrived[0][1] is results[0] and arrived[1][1] is results[1]


def test_one_draw_per_seed_serves_every_arm(tmp_path, economy):
    base = scenario(tmp_path, economy, "base", [])
    buy = scenario(tmp_path, economy, "buy", [{"type": "buy_local", "shift": 0.05}], [SHARE])
    budget = {**SHARE, "path": "scenario.intervention.0.percent_per_year", "low": -5.0,
              "high": 5.0}  # fmt: skip
    grow = scenario(
        tmp_path, economy, "grow", [{"type": "anchor_budget", "percent_per_year": 3.0}], [budget]
    )
    evaluator = Counting()
    results = compare_many(base, [buy, grow], seeds=2, years=1, evaluator=evaluator)
    assert evaluator.ran.count("base") == 4  # two seeds, central and drawn: once each
    buy_result, grow_result = results
    # the economy's parameter is drawn for every arm (pairing); the policy one where declared
    assert list(buy_result.draws.columns) == ["spec.households.0.local_share"]
    assert set(grow_result.draws.columns) == {
        "spec.households.0.local_share",
        "scenario.intervention.0.percent_per_year",
    }
    pd.testing.assert_series_equal(
        buy_result.draws["spec.households.0.local_share"],
        grow_result.draws["spec.households.0.local_share"],
    )
    shared = [r.drawn[r.drawn.arm == "baseline"].reset_index(drop=True) for r in results]
    pd.testing.assert_frame_equal(*shared)
    assert "param_lo" in grow_result.table.columns


def test_the_same_parameter_declared_twice_differently_is_one_line(tmp_path, economy):
    base = scenario(tmp_path, economy, "base", [])
    one = scenario(tmp_path, economy, "one", [{"type": "buy_local", "shift": 0.05}], [SHARE])
    other = {**SHARE, "high": 0.6}
    two = scenario(tmp_path, economy, "two", [{"type": "buy_local", "shift": 0.1}], [other])
    with pytest.raises(InputError) as error:
        compare_many(base, [one, two], seeds=2, years=1)
    message = str(error.value)
    assert "\n" not in message and "spec.households.0.local_share" in message
    assert "declared differently" in message
    # without parameter uncertainty the two compare as usual
    assert len(compare_many(base, [one, two], seeds=2, years=1, uncertain=False)) == 2


def test_at_most_five_scenarios(three):
    base, buy, _ = three
    with pytest.raises(InputError, match=f"1 to {MAX_SCENARIOS} scenarios"):
        compare_many(base, [buy] * (MAX_SCENARIOS + 1), seeds=2, years=1)


def test_the_app_compares_the_levers_in_force_with_saved_scenarios(tmp_path, economy):
    from cwbsim.scenarios.schema import Scenario, load_scenario
    from cwbsim.viz.comparing import IN_FORCE, run_comparisons

    # the levers in force: local hiring from year 2, a one-year run (it changes nothing)
    plan = Scenario.model_validate(
        {"name": "levers", "base": str(economy), "years": 3,
         "intervention": [{"type": "buy_local", "shift": 0.05},
                          {"type": "local_hiring", "share": 0.5, "start_year": 2}]}
    )  # fmt: skip
    saved = scenario(tmp_path, economy, "mine", [{"type": "local_hiring", "share": 0.8}])
    choices = {IN_FORCE: "", "saved: mine": saved}
    arrived = []
    comparisons, files = run_comparisons(
        plan, [IN_FORCE, "saved: mine"], choices, seeds=2, years=1, folder=tmp_path / "out",
        workers=1, on_arm=lambda k, c: arrived.append(k),
    )  # fmt: skip
    assert arrived == [0, 1]
    assert [c.names for c in comparisons] == [
        ("small baseline", IN_FORCE),
        ("small baseline", "mine"),
    ]
    assert {"comparison.csv", "runs.parquet", "report.html", "levers-in-force.toml"} <= set(files)
    written = load_scenario(files["levers-in-force.toml"])[0]
    assert written.name == IN_FORCE and written.intervention == plan.intervention


def test_compare_charts_put_every_scenario_on_one_chart_per_measure(three):
    from cwbsim.model.record import display
    from cwbsim.viz.comparing import compare_option, results_table_html

    base, buy, hire = three
    results = compare_many(base, [buy, hire], seeds=2, years=2, uncertain=False)
    share = compare_option(results, "local_share")
    assert share["yAxis"][0]["min"] == 0  # shares from 0
    assert share["title"][0]["text"] == f"{display.label('local_share')}, %"
    assert "percentage points" in share["title"][1]["text"]
    names = {s["name"] for s in share["series"]}
    assert names == {"Baseline: base", "buy", "hire"}
    top = [s for s in share["series"] if s["yAxisIndex"] == 0]
    assert len(top) == 3 and all(len(s["data"]) == 2 for s in top)
    values = next(s["data"] for s in top if s["name"] == "buy")
    table = results[0].table
    expected = table[table.metric == "local_share"].sort_values("year").scenario_mean * 100
    assert values == pytest.approx(list(expected), rel=1e-6)
    jobs = compare_option(results, "local_jobs")
    assert jobs["yAxis"][0]["minInterval"] == 1 and jobs["yAxis"][1]["minInterval"] == 1
    tip = share["series"][0]["data"][0]["name"]
    assert "buy:" in tip and " pp" in tip and "e+" not in tip
    html = results_table_html(results, display.headlines())
    assert html.count("data-scenario='buy'") == len(display.headlines())
    assert "local_share" not in html and " pp" in html and "£" in html


def test_a_scenario_on_another_place_is_refused_in_one_line():
    from cwbsim.model.errors import InputError
    from cwbsim.scenarios.compare import resolve_many

    with pytest.raises(InputError) as caught:
        resolve_many("preston-2012", ["preston-cwb", "lancashire-procurement-shift"])
    message = str(caught.value)
    assert "lancashire-procurement-shift" in message and "\n" not in message
    assert "areas differ from the baseline's (preston-2012)" in message
