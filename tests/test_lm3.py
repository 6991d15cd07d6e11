"""LM3 on a toy economy, against a value computed by hand."""

import pytest
from conftest import ANALYTIC

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.engine import analytic
from cwbsim.model.record.metrics import income_distribution
from cwbsim.model.spec.schema import parse_spec

TOY = {
    "name": "toy",
    "start": "2020-01",
    "areas": [{"code": "T", "name": "Toytown", "tier": "local"}],
    "anchors": [
        {
            "name": "Council",
            "area": "T",
            "income": 1200.0,  # £100 per month
            "staff": 1,
            "wage_share": 0.5,
            "procurement_share": 0.3,
            "local_staff_share": 1.0,
            "contracts": [{"supplier": "Shop", "sector": "G", "value": 360.0, "end": "2099-12"}],
        }
    ],
    "suppliers": [
        {"name": "Shop", "area": "T", "sector": "G", "size_band": "micro", "employees": 1}
    ],
    "households": [
        {
            "area": "T",
            "count": 2,
            "workers": {1: 1.0},
            "unemployment_rate": 0.0,
            "outside_work_share": 0.0,
            "transfers_nonworking": 0.0,
            "transfers_working": 0.0,
            "tax_rate": 0.2,
            "propensity_to_consume": 0.75,
            "local_share": 1.0,
            "region_share": 0.0,
        }
    ],
    "behaviour": {
        "sector_table": "uniform",
        "firm_costs": {"wage_share": 0.4, "input_share": 0.0, "tax_share": 0.1},
        "tiers": {
            "local": {
                "local_staff_share": 1.0,
                "local_input_share": 0.0,
                "region_input_share": 0.0,
            },
            "region": {
                "local_staff_share": 0.0,
                "local_input_share": 0.0,
                "region_input_share": 0.0,
            },
            "outside": {
                "local_staff_share": 0.0,
                "local_input_share": 0.0,
                "region_input_share": 0.0,
            },
        },
        "wage_dispersion": 0.0,
    },
}


def test_lm3_equals_hand_computed_value_on_toy_economy():
    # Round 1: £100 a month. Round 2: £50 wages to the resident employee + £30 to the
    # local shop = £80. Round 3: the employee spends 0.8 x 0.75 = 60% of £50 at the shop
    # (£30); the shop pays 40% of its £30 as wages to its resident employee (£12); its
    # profit goes to an external owner and its tax outside. LM3 = (100 + 80 + 42) / 100.
    hand = 2.22
    model = LocalEconomy(parse_spec(TOY, "toy"), rng=1)
    engine = model.engine
    local = model.economy.tier == 0
    closed = analytic.lm3(engine.transition(), engine.funding_step, local)
    assert closed == pytest.approx(hand, rel=1e-12)
    model.run_years(1)
    for values in model.recorder.values:
        assert values["lm3_round1"] == pytest.approx(100.0, rel=1e-12)
        assert values["lm3_round2"] == pytest.approx(80.0, rel=1e-12)
        assert values["lm3_round3"] == pytest.approx(42.0, rel=1e-12)
        assert values["lm3"] == pytest.approx(hand, rel=ANALYTIC)
    per_anchor = model.recorder.per_anchor(model.economy.anchor_names)["Council"][0]
    assert per_anchor["lm3"] == pytest.approx(hand, rel=ANALYTIC)
    assert model.recorder.years()[0]["lm3"] == pytest.approx(hand, rel=ANALYTIC)


def test_income_distribution_against_brute_force():
    import numpy as np

    rng = np.random.default_rng(0)
    values = rng.lognormal(10, 0.7, 200)
    weights = rng.integers(1, 5, 200).astype(float)
    median, gini = income_distribution(values, weights)
    expanded = np.repeat(values, weights.astype(int))
    pairs = np.abs(expanded[:, None] - expanded[None, :]).sum()
    brute = pairs / (2 * len(expanded) ** 2 * expanded.mean())
    assert gini == pytest.approx(brute, rel=1e-12)
    assert median == np.sort(expanded)[(len(expanded) - 1) // 2]
    assert income_distribution(np.full(10, 5.0), np.ones(10)) == (5.0, 0.0)
