"""Economies of several places: accounting, the one-place case, closed forms, per-area sums."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ANALYTIC, ENGINES
from economies import places_data, places_spec

from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.engine import analytic
from cwbsim.model.errors import InputError
from cwbsim.model.spec.areas import resolve_area
from cwbsim.model.spec.schema import parse_spec
from cwbsim.scenarios.running import run_economy

GOLDEN = Path(__file__).parent / "data" / "golden" / "preston-2012-seed1-3y.json"
ADDITIVE = (
    "anchor_spend_local", "local_income", "local_wages", "local_jobs", "local_firms",
    "lm3_round2", "multiplier_receipts",
)  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_money_is_conserved_with_many_places_and_every_rule_on(seed):
    rng = np.random.default_rng(seed)
    data = places_data(places=int(rng.integers(2, 6)), region=bool(seed % 2))
    data["behaviour"]["places"] = {
        "commuting_km": float(rng.uniform(3, 40)),
        "shopping_km": float(rng.uniform(3, 40)),
        "commuters_from_places": float(rng.uniform(0, 1)),
    }
    model = LocalEconomy(parse_spec(data, "random places"), rng=seed, check_conservation=True)
    model.run_years(2)  # ConservationError if any step loses or makes money
    assert model.state.imbalance() < 1e-9
    homes = model.economy.area[model.economy.household_idx]
    assert len(np.unique(homes)) == sum(a["tier"] == "local" for a in data["areas"])


def test_the_one_place_case_reproduces_preston_2012_bit_for_bit():
    golden = json.loads(GOLDEN.read_text())
    result = run_economy("preston-2012", 3, 1)
    assert result.years == golden["years"]
    assert result.per_anchor == golden["per_anchor"]


def test_engines_agree_with_several_places():
    spec = places_spec(places=2)
    fast = LocalEconomy(spec, rng=3, areas=["P0", "P1", "places"])
    slow = LocalEconomy(spec, rng=3, engine="reference", areas=["P0", "P1", "places"])
    for _ in range(4):
        fast.step()
        slow.step()
    for name in fast.recorders:
        for a, b in zip(fast.recorders[name].values, slow.recorders[name].values, strict=True):
            for metric, value in a.items():
                np.testing.assert_allclose(b[metric], value, rtol=ENGINES, atol=1e-6)


def test_two_places_match_closed_form_multipliers_for_each_place_and_the_union():
    spec = places_spec(places=2, region=False)
    model = LocalEconomy(spec, rng=7, adaptive=False, areas=["P0", "P1", "P0,P1"])
    engine = model.engine
    transition = engine.transition()
    model.run_years(1)
    for view in model.views:
        local = view.agent_tier(model.economy) == LOCAL
        values = model.recorders[view.name].values[-1]
        expected = analytic.local_multiplier(transition, engine.funding_step, local)
        np.testing.assert_allclose(values["local_multiplier"], expected, rtol=ANALYTIC)
        np.testing.assert_allclose(
            values["lm3"], analytic.lm3(transition, engine.funding_step, local), rtol=ANALYTIC
        )
    union = model.recorders[model.views[2].name].values[-1]["local_multiplier"]
    parts = [model.recorders[v.name].values[-1]["local_multiplier"] for v in model.views[:2]]
    assert union == pytest.approx(sum(parts) - 1.0, rel=1e-9)  # receipts add; round 1 once


def test_additive_metrics_over_a_partition_of_places_sum_to_the_union():
    spec = places_spec(places=4)
    names = ["P0", "P1", "P2", "P3"]
    model = LocalEconomy(spec, rng=11, areas=[*names, ",".join(names)])
    model.run_years(1)
    union = model.recorders[model.views[-1].name]
    parts = [model.recorders[v.name] for v in model.views[:-1]]
    for step, whole in enumerate(union.values):
        for metric in ADDITIVE:
            total = sum(p.values[step][metric] for p in parts)
            if metric == "multiplier_receipts":  # each part counts the anchor income once
                total -= (len(parts) - 1) * whole["anchor_income"]
            assert total == pytest.approx(whole[metric], rel=1e-9, abs=1e-6), metric


def test_asking_about_other_areas_never_changes_the_run():
    spec = places_spec(places=3)
    one = LocalEconomy(spec, rng=5, areas=["P0"])
    two = LocalEconomy(spec, rng=5, areas=["P2", "places"])
    one.run_years(1)
    two.run_years(1)
    np.testing.assert_array_equal(one.state.cash, two.state.cash)
    assert one.recorder.values[-1]["anchor_spend"] == two.recorder.values[-1]["anchor_spend"]


def test_areas_resolve_by_code_name_group_and_list_and_refuse_unknown_ones():
    data = places_data(places=3)
    data["groups"] = {"North": ["P1", "P2"]}
    spec = parse_spec(data, "groups")
    assert resolve_area(spec, "place 1") == ("Place 1", ["P1"])
    assert resolve_area(spec, "north")[1] == ["P1", "P2"]
    assert resolve_area(spec, "P0, North")[1] == ["P0", "P1", "P2"]
    assert resolve_area(spec, "places")[1] == ["P0", "P1", "P2"]
    with pytest.raises(InputError, match=r"--area: 'Nowhere' is not an area or group"):
        resolve_area(spec, "Nowhere")
    data["report"] = ["Atlantis"]
    with pytest.raises(InputError, match=r"report\[0\]"):
        parse_spec(data, "bad report")


def test_each_place_shops_and_works_mostly_at_home():
    model = LocalEconomy(places_spec(places=3), rng=2)
    economy = model.economy
    edges = economy.edges["consumption"]
    same = economy.area[edges.payer] == economy.area[edges.payee]
    assert edges.share[same].sum() > edges.share[~same].sum()
    workforce = economy.workforce
    employed = workforce.employer >= 0
    home = economy.area[workforce.owner[employed]]
    work = economy.area[workforce.employer[employed]]
    assert np.mean(home == work) > 0.5


def test_hiring_after_the_start_keeps_people_working_near_home():
    """New hires come from where the employer's staff commute from, not a pooled county:
    with pooled hiring the share working in their own place fell from 87% to 64% in four
    years here."""

    def own_place(model):
        workforce, area = model.economy.workforce, model.economy.area
        employed = workforce.employer >= 0
        return np.mean(area[workforce.owner[employed]] == area[workforce.employer[employed]])

    model = LocalEconomy(places_spec(places=3), rng=2)
    opening = own_place(model)
    model.run_years(4)  # four years of turnover, lay-offs and hiring
    assert own_place(model) == pytest.approx(opening, abs=0.03)
