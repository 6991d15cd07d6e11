"""The built-in Preston 2012/13 baseline reproduces the CLES cohort figures in year 1."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from cwbsim.model.agents import Household
from cwbsim.model.economy import LocalEconomy
from cwbsim.scenarios.running import run_economy


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_preston_year_one_reproduces_spend_analysis(preston_spec, seed):
    model = LocalEconomy(preston_spec, rng=seed)
    model.run_years(1)
    year = model.recorder.years()[0]
    assert year["anchor_spend"] == pytest.approx(750e6, rel=0.01)  # £750m [PSE]
    assert abs(year["local_share"] - 0.05) <= 0.005  # 5% in Preston
    assert abs(year["region_share"] - 0.39) <= 0.01  # 39% in Lancashire
    assert len(model.economy.anchor_idx) == 6


def test_preston_population_and_firms(preston_spec):
    from cwbsim.calibration import place_data

    model = LocalEconomy(preston_spec, rng=1)
    economy = model.economy
    preston = place_data.districts()["E07000123"]
    assert economy.weight[economy.household_idx].sum() == preston.households == 59_600  # Census
    assert len(economy.household_idx) == 59_600  # individual agents
    local_firms = np.sum((economy.tier[economy.firm_idx] == 0) & economy.active)
    units = place_data.units("E07000123").sum()
    assert units == pytest.approx(6_870)  # ONS local units, 2024
    assert local_firms == 6_870 - 6  # less the six anchors' own workplaces
    assert not model._agents_made  # Mesa agents are made on first use
    assert len(model.agents) == economy.n
    assert len(model.agents_by_type[Household]) == 59_600
    first = model.agents.to_list()[0]
    assert first.name == "Lancashire County Council" and first.tier == "local"


def test_same_seed_same_outputs_and_different_seeds_differ(tmp_path):
    a = run_economy("preston-2012", years=1, seed=42)
    b = run_economy("preston-2012", years=1, seed=42)
    c = run_economy("preston-2012", years=1, seed=43)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.ledger, b.ledger, check_exact=True)
    assert a.years == b.years
    assert not a.timeseries.equals(c.timeseries)


def test_same_seed_builds_the_same_graph():
    from economies import small_spec

    g1 = LocalEconomy(small_spec(), rng=7).graph
    g2 = LocalEconomy(small_spec(), rng=7).graph
    g3 = LocalEconomy(small_spec(), rng=8).graph
    assert nx.utils.edges_equal(
        list(g1.edges(keys=True, data=True)), list(g2.edges(keys=True, data=True))
    )
    assert not nx.utils.edges_equal(
        list(g1.edges(keys=True, data=True)), list(g3.edges(keys=True, data=True))
    )
    channels = {c for *_, c in g1.edges(data="channel")}
    assert channels == {"procurement", "wages", "inputs", "consumption", "profit"}
