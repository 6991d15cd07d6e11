"""With adaptive rules off the engine is the linear system x(t+1) = P x(t) + b."""

import numpy as np
import pytest
from conftest import ANALYTIC, ENGINES
from economies import small_spec

from cwbsim.model.codes import LOCAL, OUTSIDE_GROUP
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.engine import analytic


def _from_zero(model):
    """Empty every balance, as if the economy had just been switched on."""
    state = model.state
    state.cash[:] = 0.0
    state.traced[:] = 0.0
    state.round2_value = np.zeros(0)
    state.round2_anchor = state.round2_payee = np.zeros(0, np.int64)
    state.injected = 0.0


def test_flows_converge_to_leontief_steady_state_from_zero():
    model = LocalEconomy(small_spec(), rng=5, adaptive=False)
    engine = model.engine
    steady = analytic.steady_state_direct(engine.transition(), engine.injection_step)
    _from_zero(model)
    for _ in range(240):
        model.step()
    spent = model.state.cash + engine.injection_step
    np.testing.assert_allclose(spent, steady, rtol=ANALYTIC, atol=ANALYTIC * steady.max())
    # what reaches the outside account per step equals the injection per step
    sent_out = model.recorder.ledgers[-1][:, :OUTSIDE_GROUP, OUTSIDE_GROUP].sum()
    np.testing.assert_allclose(sent_out, engine.injection_step.sum(), rtol=ANALYTIC)


def test_cumulative_leakage_approaches_the_analytic_path():
    model = LocalEconomy(small_spec(), rng=6, adaptive=False)
    engine = model.engine
    transition = engine.transition()
    b = engine.injection_step
    _from_zero(model)
    steps = 60
    for _ in range(steps):
        model.step()
    # cumulative money injected minus what is still held = what left; analytically
    # held after t steps is P * sum_{k<t} P^k b
    held = np.zeros_like(b)
    spent = np.zeros_like(b)
    for _ in range(steps):
        spent = held + b
        held = transition @ spent
    np.testing.assert_allclose(model.state.cash, held, rtol=ENGINES, atol=1e-6)
    left = sum(ledger[:, :OUTSIDE_GROUP, OUTSIDE_GROUP].sum() for ledger in model.recorder.ledgers)
    np.testing.assert_allclose(left, steps * b.sum() - held.sum(), rtol=ENGINES)


def test_local_multiplier_and_lm3_match_closed_forms_at_steady_state():
    model = LocalEconomy(small_spec(), rng=7, adaptive=False)
    engine = model.engine
    local = model.economy.tier == LOCAL
    transition = engine.transition()
    expected_multiplier = analytic.local_multiplier(transition, engine.funding_step, local)
    expected_lm3 = analytic.lm3(transition, engine.funding_step, local)
    model.run_years(1)
    for values in model.recorder.values:
        np.testing.assert_allclose(values["local_multiplier"], expected_multiplier, rtol=ANALYTIC)
        np.testing.assert_allclose(values["lm3"], expected_lm3, rtol=ANALYTIC)
    assert expected_multiplier > expected_lm3 > 1.0


def test_steady_state_solvers_agree():
    model = LocalEconomy(small_spec(), rng=8)
    transition = model.engine.transition()
    b = model.engine.injection_step
    direct = analytic.steady_state_direct(transition, b)
    np.testing.assert_allclose(
        analytic.steady_state_iterative(transition, b), direct, rtol=1e-12, atol=1e-9
    )
    np.testing.assert_allclose(direct - transition @ direct, b, rtol=1e-12, atol=1e-9)


def test_no_local_spending_gives_multiplier_one():
    spec = small_spec()
    for anchor in spec.anchors:
        anchor.local_staff_share = 0.0
        anchor.procurement.local_share = 0.0
        anchor.procurement.region_share = 0.0
    model = LocalEconomy(spec, rng=9, adaptive=False)
    model.run_years(1)
    assert model.recorder.values[-1]["local_multiplier"] == pytest.approx(1.0, abs=1e-12)
    assert model.recorder.values[-1]["lm3"] == pytest.approx(1.0, abs=1e-12)
