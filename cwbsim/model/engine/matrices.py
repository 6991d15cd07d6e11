"""Sparse payment matrices built from edges and channel budgets.

Column ``j`` of a channel matrix holds the shares of agent ``j``'s outflow paid
to each payee in that channel, so receipts per step are ``P @ outflow``. The
part of a channel's budget with no counterparty leaks to the outside.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cwbsim.model.codes import CHANNELS, EDGE_CHANNELS
from cwbsim.model.state.edges import Edges
from cwbsim.model.state.structure import Economy


def channel_matrix(edges: Edges, n: int, rows: int | None = None) -> sp.csc_matrix:
    """Payment shares of one channel as a CSC matrix (payee rows, payer columns).

    ``n`` columns (payers) and ``rows`` rows (payees; default ``n``). CSC because a
    payer has few relationships and a payee may have thousands: building it sorts
    short columns, not long rows.
    """
    shape = (n if rows is None else rows, n)
    matrix = sp.csc_matrix((edges.share, (edges.payee, edges.payer)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def leak_shares(
    budget: np.ndarray, matrix: sp.csc_matrix, agents: np.ndarray | None = None
) -> np.ndarray:
    """Share of each payer's outflow leaving to the outside in one channel.

    ``budget - column sums``, with rounding noise below 1e-12 set to zero. ``agents``
    are the agents of the matrix's columns, for the error (default: column ``j`` is
    agent ``j``).
    """
    placed = np.add.reduceat(np.append(matrix.data, 0.0), matrix.indptr[:-1])
    placed[np.diff(matrix.indptr) == 0] = 0.0
    leak = budget - placed
    if np.any(leak < -1e-9):
        worst = int(np.argmin(leak))
        agent = worst if agents is None else int(agents[worst])
        raise ValueError(
            f"agent {agent} pays {placed[worst]:.6g} of its outflow along edges, "
            f"above its channel budget {budget[worst]:.6g}"
        )
    leak[np.abs(leak) < 1e-12] = 0.0
    return np.maximum(leak, 0.0)


def transition_matrix(economy: Economy) -> sp.csr_matrix:
    """The whole-economy matrix ``P`` of ``x(t+1) = P x(t) + injection``."""
    total = sp.csr_matrix((economy.n, economy.n))
    for channel in EDGE_CHANNELS:
        total = total + channel_matrix(economy.edges[channel], economy.n)
    return total.tocsr()


def check_budgets(economy: Economy) -> None:
    """Check that every agent's channel budgets sum to 1 (all outflow is allocated)."""
    total = sum(economy.budget[c] for c in CHANNELS)
    bad = np.flatnonzero(np.abs(total - 1.0) > 1e-9)
    if len(bad):
        raise ValueError(f"channel budgets of agent {bad[0]} sum to {total[bad[0]]!r}, not 1")
