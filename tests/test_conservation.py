"""Money is conserved at every step, on random economies (Hypothesis)."""

import numpy as np
import pytest
from conftest import ACCOUNTING
from economies import small_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwbsim.model.codes import LEDGER_CHANNELS, OUTSIDE_GROUP
from cwbsim.model.economy import ConservationError, LocalEconomy
from cwbsim.model.spec.schema import parse_spec

shares = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def random_economies(draw):
    data = small_data()
    for anchor in data["anchors"]:
        wage = draw(st.floats(0.0, 0.9))
        anchor["wage_share"] = wage
        anchor["procurement_share"] = draw(st.floats(0.0, 1.0 - wage))
        anchor["local_staff_share"] = draw(shares)
        anchor["income"] = draw(st.floats(1e3, 1e9))
        local = draw(st.floats(0.0, 0.5))
        anchor["procurement"]["local_share"] = local
        anchor["procurement"]["region_share"] = draw(st.floats(local, 1.0))
        anchor["procurement"]["contracts"] = draw(st.integers(3, 30))
    households = data["households"][0]
    households["count"] = draw(st.integers(5, 400))
    households["household_weight"] = draw(st.integers(1, 5))
    households["tax_rate"] = draw(shares)
    households["propensity_to_consume"] = draw(shares)
    local = draw(shares)
    households["local_share"] = local
    households["region_share"] = draw(st.floats(0.0, 1.0 - local))
    households["unemployment_rate"] = draw(st.floats(0.0, 0.5))
    data["firms"][0]["count"] = draw(st.integers(1, 60))
    data["firms"][0]["sectors"] = {"F": 0.5, "G": 0.5}  # every anchor can buy from every firm
    data["firms"][0]["ownership"] = {"local": 0.5, "external": 0.3, "cooperative": 0.2}
    wage = draw(st.floats(0.0, 0.6))
    inputs = draw(st.floats(0.0, 1.0 - wage))
    data["behaviour"]["firm_costs"] = {
        "wage_share": wage,
        "input_share": inputs,
        "tax_share": draw(st.floats(0.0, 1.0 - wage - inputs)),
    }
    data["behaviour"]["sector_table"] = draw(st.sampled_from(["uniform", "uk-2017"]))
    data["behaviour"]["regional_inputs"] = {"flq_delta": draw(st.floats(0.0, 0.9))}
    data["behaviour"]["size_bands"] = {
        band: {
            "local_inputs": draw(st.floats(0.0, 3.0)),
            "local_ownership": draw(st.floats(0.0, 2.0)),
        }
        for band in ("micro", "large")
    }
    data["behaviour"]["tenders"]["local_weight"] = draw(st.floats(0.0, 5.0))
    return parse_spec(data, "random economy"), draw(st.integers(0, 2**32 - 1))


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(random_economies())
def test_money_is_conserved_every_step_on_random_economies(case):
    spec, seed = case
    model = LocalEconomy(spec, rng=seed, check_conservation=True)
    for _ in range(24):
        injected = float(model.engine.injection_step.sum())
        spent = float(model.state.cash.sum()) + injected
        model.step()
        assert model.state.imbalance() <= ACCOUNTING
        _assert_ledger_books(model.recorder.ledgers[-1], spent, injected)
    assert np.all(model.state.cash >= -ACCOUNTING * max(model.state.injected, 1.0))


def _assert_ledger_books(ledger, spent, expected):
    """Every pound spent is booked once with a payer and a payee; injections likewise."""
    booked = ledger[:, :OUTSIDE_GROUP].sum()
    scale = max(spent, 1.0)
    np.testing.assert_allclose(booked, spent, rtol=ACCOUNTING, atol=ACCOUNTING * scale)
    injected = ledger[:, OUTSIDE_GROUP].sum()
    np.testing.assert_allclose(injected, expected, rtol=ACCOUNTING, atol=ACCOUNTING * scale)
    assert not ledger[:, OUTSIDE_GROUP, OUTSIDE_GROUP].any()  # the outside never pays itself


def test_ledger_books_every_pound_spent():
    from economies import small_spec

    model = LocalEconomy(small_spec(), rng=3)
    injected = float(model.engine.injection_step.sum())
    spent = float(model.state.cash.sum()) + injected
    model.step()
    _assert_ledger_books(model.recorder.ledgers[-1], spent, injected)
    assert model.recorder.ledgers[-1][LEDGER_CHANNELS.index("wages"), OUTSIDE_GROUP].sum() > 0


def test_conservation_check_catches_created_money():
    from economies import small_spec

    model = LocalEconomy(small_spec(), rng=1, check_conservation=True)
    model.step()
    model.state.cash[5] += 1000.0
    with pytest.raises(ConservationError):
        model.step()
