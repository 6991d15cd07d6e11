"""The vectorised engine equals the plain reference engine, step by step."""

import numpy as np
import pandas as pd
from conftest import ENGINES
from economies import small_spec

from cwbsim.model.economy import LocalEconomy


def test_vectorised_and_reference_engines_agree_over_24_steps():
    spec = small_spec()
    fast = LocalEconomy(spec, rng=11, engine="vectorised")
    slow = LocalEconomy(spec, rng=11, engine="reference")
    for _ in range(24):
        fast.step()
        slow.step()
        np.testing.assert_allclose(slow.state.cash, fast.state.cash, rtol=ENGINES, atol=1e-6)
        np.testing.assert_allclose(slow.state.traced, fast.state.traced, rtol=ENGINES, atol=1e-6)
        np.testing.assert_allclose(
            slow.recorder.ledgers[-1], fast.recorder.ledgers[-1], rtol=ENGINES, atol=1e-6
        )
        np.testing.assert_array_equal(
            slow.economy.contracts.supplier, fast.economy.contracts.supplier
        )
    a = pd.DataFrame(fast.recorder.values)
    b = pd.DataFrame(slow.recorder.values)
    pd.testing.assert_frame_equal(a, b, rtol=ENGINES, atol=1e-6)
    # The comparison covered re-tendered contracts, not just a static structure.
    assert not np.array_equal(
        fast.economy.contracts.supplier, LocalEconomy(spec, rng=11).economy.contracts.supplier
    )


def test_graph_follows_retendered_contracts():
    model = LocalEconomy(small_spec(), rng=4)
    graph = model.graph
    model.run_years(2)
    proc = model.economy.edges["procurement"]
    for k in range(len(proc)):
        data = graph.get_edge_data(int(proc.payer[k]), int(proc.payee[k]), key=("contract", k))
        assert data is not None and data["share"] == proc.share[k]
    assert sum(1 for *_, c in graph.edges(data="channel") if c == "procurement") == len(proc)
