"""The Explore view's parts without a browser: the baseline run alongside, the lever boxes, saved scenarios."""

import pytest

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import load_spec, parse_toml
from cwbsim.scenarios.schema import load_scenario, parse_scenario
from cwbsim.viz import explorer_view, lever_panel, levers, saved
from cwbsim.viz.explorer import ExplorerEconomy


def _series(recorder, metric):
    return [row[metric] for row in recorder.values]


def test_the_baseline_runs_alongside_with_the_same_seed_and_leaves_the_scenario_alone():
    model = ExplorerEconomy("preston-2012", "preston-cwb", rng=7)
    alone = ExplorerEconomy("preston-2012", "preston-cwb", rng=7, baseline=False)
    plain = LocalEconomy(load_spec("preston-2012"), rng=7, monthly_distributions=True)
    for _ in range(4):
        model.step()
        alone.step()
        plain.step()
    assert alone.baseline is None
    for metric in ("local_share", "local_income", "local_jobs"):
        assert _series(model.recorder, metric) == _series(alone.recorder, metric)
        assert _series(model.baseline_of(None), metric) == _series(plain.recorder, metric)
    # the interventions act: the scenario's local share is above the baseline's
    assert model.recorder.current["local_share"] > model.baseline_of(None).current["local_share"]


def test_each_headline_card_shows_its_change_against_the_baseline():
    model = ExplorerEconomy("preston-2012", "preston-cwb", rng=7)
    for _ in range(13):  # the procurement shift acts as contracts are re-tendered
        model.step()
    html = explorer_view._kpi_html(model)
    now = model.recorder.current["local_share"]
    base = model.baseline_of(None).current["local_share"]
    assert now - base > 0.001
    change = f"+{(now - base) * 100:.1f} pp against no interventions"
    assert change in html and f'data-baseline="{base!r}"' in html
    assert "e+0" not in html and "e-0" not in html
    nothing = ExplorerEconomy("preston-2012", "preston-cwb", rng=7, procurement_preference__weight=0,
                              local_hiring__share=0, wage_floor__hourly=0,
                              cooperative_conversion__share=0)  # fmt: skip
    assert nothing.plan.intervention == [] and nothing.baseline is None
    nothing.step()
    assert "this is the baseline" in explorer_view._kpi_html(nothing)


def test_a_lever_box_refuses_what_the_schema_refuses_in_one_line():
    plan, _ = load_scenario("preston-cwb")
    hiring = levers.LEVERS["local_hiring__share"]
    assert lever_panel.lever_problem(plan, hiring, 35.0) is None
    problem = lever_panel.lever_problem(plan, hiring, 140.0)
    assert problem.startswith("Local hiring: share of new hires: 140 is out of range")
    assert "\n" not in problem and "local_hiring__share" not in problem
    assert "empty" in lever_panel.lever_problem(plan, hiring, None)
    assert hiring.unit == "%" and levers.to_schema(hiring, 35.0) == 0.35
    assert all(lever.unit for lever in levers.LEVERS.values())


def test_a_saved_scenario_loads_again_exactly(tmp_path):
    model = ExplorerEconomy("preston-2012", "preston-cwb", rng=3, local_hiring__share=35,
                            buy_local__shift=4, wage_floor__hourly=9.3)  # fmt: skip
    path = saved.save_scenario(model.plan, "  My   levers ", tmp_path)
    assert path.name == "my-levers.toml"
    listed = saved.saved_scenarios(tmp_path)
    assert listed == {"saved: My levers": path}
    text = path.read_text(encoding="utf-8")
    again, _ = parse_scenario(parse_toml(text, path.name), path.name)
    assert again == model.plan.model_copy(update={"name": "My levers"})
    reloaded = ExplorerEconomy("preston-2012", "saved: My levers", rng=3, scenario_text=text,
                               scenario_file=path.name)  # fmt: skip
    assert reloaded.input_error is None
    assert levers.lever_values(reloaded.plan) == levers.lever_values(model.plan)
    assert reloaded.plan.intervention == model.plan.intervention
    for _ in range(2):
        model.step()
        reloaded.step()
    assert reloaded.recorder.values == model.recorder.values  # the same run, step for step


def test_saving_refuses_a_bad_name_and_lists_an_unreadable_file_by_its_name(tmp_path):
    plan, _ = load_scenario("preston-cwb")
    with pytest.raises(InputError, match="scenario name: empty"):
        saved.save_scenario(plan, "   ", tmp_path)
    with pytest.raises(InputError, match="allowed: up to 80"):
        saved.save_scenario(plan, "x" * 81, tmp_path)
    (tmp_path / "broken.toml").write_text("name = [unclosed\n")
    assert saved.saved_scenarios(tmp_path) == {"saved: broken": tmp_path / "broken.toml"}
    assert saved.saved_scenarios(tmp_path / "none") == {}


def test_the_scenario_folder_follows_the_app_option(tmp_path, monkeypatch):
    monkeypatch.setenv(saved.SCENARIOS_ENV, str(tmp_path / "mine"))
    assert saved.scenario_folder() == tmp_path / "mine"
    monkeypatch.delenv(saved.SCENARIOS_ENV)
    assert saved.scenario_folder().parts[-2:] == ("cwbsim", "scenarios")


def test_household_income_by_place_adds_up_and_the_map_shows_each_place():
    import numpy as np

    from cwbsim.model.codes import LOCAL
    from cwbsim.viz import maps

    model = ExplorerEconomy("lancashire-2012", "lancashire-procurement-shift", rng=3)
    assert explorer_view.places_of(model) == 14
    assert explorer_view.places_of(ExplorerEconomy()) == 1  # Preston alone: no map
    model.step()
    now = explorer_view.income_by_place(model)
    base = explorer_view.income_by_place(model.baseline)
    economy = model.economy
    homes = economy.area[economy.household_idx]
    local = np.isin(homes, np.flatnonzero(economy.area_tier == LOCAL))
    paid = model.recorders[model.views[0].name].previous.household_income
    assert np.isclose(now.sum(), paid[local].sum() * 12, rtol=1e-12)
    assert len(now) == 14 and set(now.index) == set(base.index)
    option = maps.district_bubbles(now - base, change=True, base=base)
    assert "e+0" not in str(option) and "Preston" in str(option)


def test_an_economy_built_in_the_page_runs_in_explore_with_any_scenario():
    import tomli_w

    from cwbsim.model.spec.files import builtin_specs

    spec = load_spec("preston-2012")
    text = tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True))
    model = ExplorerEconomy("My place", "preston-procurement-shift", rng=4, economy_text=text)
    assert model.input_error is None and model.economy_name == "My place"
    assert model.plan.base == "My place" and "My place" not in builtin_specs()
    model.step()
    assert model.recorder.current["local_share"] > 0
    broken = ExplorerEconomy("Broken", "preston-cwb", rng=4, economy_text="name = [")
    assert broken.input_error.startswith("Broken:") and "\n" not in broken.input_error
    assert broken.economy_name == "preston-2012"  # runs the default economy meanwhile


def test_an_economy_built_in_the_page_can_be_compared(tmp_path):
    import tomli_w

    from cwbsim.viz.comparing import IN_FORCE, run_comparisons, scenario_choices

    text = tomli_w.dumps(load_spec("preston-2012").model_dump(mode="json", exclude_none=True))
    model = ExplorerEconomy("My place", "preston-procurement-shift", rng=4, economy_text=text)
    choices, _ = scenario_choices(model.plan.base)
    assert list(choices) == [IN_FORCE]  # built-in scenarios are on other economies
    comparisons, files = run_comparisons(
        model.plan, [IN_FORCE], choices, 2, 1, tmp_path, workers=1, economy_text=text
    )
    table = comparisons[0].table
    assert set(table.metric) >= {"local_share", "local_income"}
    assert (tmp_path / "my-place.toml").read_text(encoding="utf-8") == text
    report = files["report.html"].read_text(encoding="utf-8")
    assert str(tmp_path) not in report and "my-place.toml" not in report


def test_the_page_opens_on_the_story_unless_the_address_asks_for_a_view():
    from cwbsim.viz.app import STORY, first_view

    assert first_view(None) == STORY and first_view("") == STORY
    assert first_view("view=explore") == "Explore" and first_view("view=Spend") == "Spend file"
    assert first_view("view=nonsense&x=1") == STORY


def test_a_lever_set_by_hand_drops_the_uncertainty_declared_on_it():
    plan, _ = load_scenario("preston-cwb")
    declared = [u.path for u in plan.uncertain]
    assert "scenario.intervention.0.weight" in declared
    weight = levers.with_levers(plan, {"procurement_preference__weight": 2.0})
    paths = [u.path for u in weight.uncertain]
    assert "scenario.intervention.0.weight" not in paths  # the user's value, not a draw
    assert "scenario.intervention.0.region_value" in paths and "spec.firms.*.capacity" in paths
    off = levers.with_levers(plan, {"procurement_preference__weight": 0})
    assert off.intervention[0].type == "wage_floor"
    assert not [u for u in off.uncertain if u.path.startswith("scenario.")]  # none left dangling
    assert len(off.uncertain) == len([p for p in declared if p.startswith("spec.")])
    big = levers.with_levers(plan, {"local_investment__amount": 1234567})
    assert "Local investment 1,234,567 £m" in big.description and "e+0" not in big.description
    with pytest.raises(InputError, match=r"allowed: 0 or more, or 0 for none"):
        levers.with_levers(plan, {"local_investment__amount": -3})


def test_names_that_share_a_file_stem_do_not_replace_each_other(tmp_path):
    plan, _ = load_scenario("preston-cwb")
    first = saved.save_scenario(plan, "Buy local!", tmp_path)
    second = saved.save_scenario(plan, "buy local", tmp_path)
    again = saved.save_scenario(plan, "Buy local!", tmp_path)
    assert first.name == "buy-local.toml" and second.name == "buy-local-2.toml"
    assert again == first  # saved again under its own name: replaced
    assert set(saved.saved_scenarios(tmp_path)) == {"saved: Buy local!", "saved: buy local"}
