"""The vectorised engine equals the plain reference engine, step by step."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import ENGINES
from economies import small_spec

from cwbsim.model.economy import LocalEconomy
from cwbsim.model.engine.pattern import replace_columns
from cwbsim.model.engine.vectorised import VectorisedEngine


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


def test_values_refreshed_on_the_kept_pattern_equal_a_rebuild():
    model = LocalEconomy(small_spec(), rng=5)
    model.run_years(1)  # households revise their spending: a refresh on the kept pattern
    engine, economy = model.engine, model.economy
    rng = np.random.default_rng(0)
    edges = economy.edges["consumption"]
    edges.share = edges.share * rng.uniform(0.5, 1.0, len(edges))  # new shares, same ends
    economy.budget["savings"][economy.household_idx] *= 0.9  # a budget-only channel
    for channel in ("consumption", "savings"):
        engine.refresh(channel)
        assert engine._patterns[channel].entries is not None  # the in-place path ran
    rebuilt = VectorisedEngine(economy)
    for channel in ("consumption", "savings"):
        np.testing.assert_allclose(engine.leaks[channel], rebuilt.leaks[channel], rtol=1e-15)
        np.testing.assert_allclose(
            engine.grouped[channel].toarray(), rebuilt.grouped[channel].toarray(), rtol=1e-15
        )
    np.testing.assert_allclose(
        engine.matrices["consumption"].toarray(), rebuilt.matrices["consumption"].toarray()
    )
    rows = engine.share_rows
    expected = sum(rebuilt._area_shares(c, rows) for c in rebuilt.area_share_by_channel)
    np.testing.assert_allclose(engine.area_receipt_share, expected, rtol=1e-15)


def test_columns_patched_after_edges_move_equal_a_rebuild_exactly():
    model = LocalEconomy(small_spec(), rng=6)
    engine, economy = model.engine, model.economy
    patched = []
    patch = engine._patch_columns
    engine._patch_columns = lambda *args: patched.append(args[0]) or patch(*args)
    rng = np.random.default_rng(1)
    firms = economy.firm_idx
    for channel in ("consumption", "inputs"):
        edges = economy.edges[channel]
        moved = rng.choice(len(edges), 5, replace=False)
        edges.payee[moved] = rng.choice(firms, 5)  # custom redirected to other firms
        reshared = rng.choice(len(edges), 3, replace=False)
        edges.share[reshared] *= 0.5
        engine.refresh(channel)
    assert patched == ["consumption", "inputs"]
    rebuilt = VectorisedEngine(economy)
    for channel in ("consumption", "inputs"):
        np.testing.assert_array_equal(
            engine.matrices[channel].toarray(), rebuilt.matrices[channel].toarray()
        )
        np.testing.assert_array_equal(
            engine.grouped[channel].toarray(), rebuilt.grouped[channel].toarray()
        )
        np.testing.assert_array_equal(engine.leaks[channel], rebuilt.leaks[channel])


@pytest.mark.parametrize("replaced", [5, 1500])
def test_replacing_columns_gives_the_matrix_a_rebuild_gives(replaced):
    rng = np.random.default_rng(replaced)
    shape = (60, 3000)
    matrix = sp.random(*shape, density=0.02, format="csc", random_state=1)
    patch = sp.random(*shape, density=0.02, format="csc", random_state=2)
    columns = np.zeros(shape[1], dtype=bool)
    columns[rng.choice(shape[1], replaced, replace=False)] = True
    got = replace_columns(matrix, patch, columns)
    keep = sp.diags((~columns).astype(float))
    expected = (matrix @ keep + patch @ sp.diags(columns.astype(float))).toarray()
    np.testing.assert_array_equal(got.toarray(), expected)
    assert got.has_sorted_indices and got.nnz == (expected != 0).sum()
