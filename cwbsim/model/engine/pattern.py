"""Refreshing a sparse matrix's values in place while its sparsity pattern holds.

Rebuilding a channel's matrices from its edges sorts every column again. When only the
shares changed (households revising their spending each year, a wage floor, an anchor's
new budget), the payer and payee of every edge are as they were, so each edge still adds
to the same stored entry: the new values are one ``bincount`` over the kept entry of
each edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


def entry_of(matrix: sp.csc_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """Index into ``matrix.data`` of the entry at each (row, column) pair.

    ``matrix`` must be canonical (sorted indices, no duplicates), as scipy leaves a CSC
    matrix built from (data, (row, col)). ``None`` if some pair has no entry.
    """
    n_rows = matrix.shape[0]
    column = np.repeat(np.arange(matrix.shape[1], dtype=np.int64), np.diff(matrix.indptr))
    key = column * n_rows + matrix.indices
    wanted = cols.astype(np.int64) * n_rows + rows
    entry = np.searchsorted(key, wanted)
    if len(key) == 0 or np.any(key[np.minimum(entry, len(key) - 1)] != wanted):
        return None if len(wanted) else entry
    return entry


@dataclass
class KeptPattern:
    """One channel's edges and budgets when its matrices were last built or refreshed.

    Attributes
    ----------
    payer, payee, share : numpy.ndarray
        The edges (ends as ``int32`` copies).
    pays : numpy.ndarray of bool
        Which agents have a column.
    budget : numpy.ndarray
        The channel budget of each column's agent.
    leakers : numpy.ndarray
        Columns with a leak entry in the grouped matrix.
    entries : tuple of numpy.ndarray, optional
        For each edge, its entry in the channel matrix and in the grouped matrix, and
        each leaker's entry in the grouped matrix; found on the first refresh that
        can use them.
    """

    payer: np.ndarray
    payee: np.ndarray
    share: np.ndarray
    pays: np.ndarray
    budget: np.ndarray
    leakers: np.ndarray
    entries: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def of(cls, payer, payee, share, pays, budget, leakers) -> KeptPattern:
        """Remember the edges and budgets behind matrices just built."""
        return cls(
            payer.astype(np.int32),
            payee.astype(np.int32),
            share.copy(),
            pays.copy(),
            budget.copy(),
            leakers.copy(),
        )

    def comparable(self, payer: np.ndarray, pays: np.ndarray) -> bool:
        """Whether edges and paying agents line up with the kept ones (same count, same columns)."""
        return len(payer) == len(self.payer) and np.array_equal(pays, self.pays)

    def moved(self, payer: np.ndarray, payee: np.ndarray) -> np.ndarray:
        """Which edges changed an end, shape (edges,)."""
        return (payer != self.payer) | (payee != self.payee)


FEW_COLUMNS = 1_000
"""Up to this many replaced columns, the kept ones are copied as runs (a loop per column)."""


def replace_columns(
    matrix: sp.csc_matrix, patch: sp.csc_matrix, columns: np.ndarray
) -> sp.csc_matrix:
    """``matrix`` with its ``columns`` (a mask over columns) taken from ``patch`` instead.

    Both are canonical CSC of the same shape; so is the result, entry for entry what a
    rebuild gives (explicit zeros kept). Few replaced columns: the runs of kept columns
    are copied whole; many: each entry goes to its column's new start plus its place in
    the column. No sorting either way.
    """
    counts = np.where(columns, np.diff(patch.indptr), np.diff(matrix.indptr))
    indptr = np.concatenate([[0], np.cumsum(counts)])
    replaced = np.flatnonzero(columns)
    if len(replaced) <= FEW_COLUMNS:  # copy the runs of kept columns whole
        pieces, start = [], 0
        for c in replaced:
            pieces.append((matrix, matrix.indptr[start], matrix.indptr[c]))
            pieces.append((patch, patch.indptr[c], patch.indptr[c + 1]))
            start = c + 1
        pieces.append((matrix, matrix.indptr[start], matrix.indptr[-1]))
        data = np.concatenate([m.data[a:b] for m, a, b in pieces])
        indices = np.concatenate([m.indices[a:b] for m, a, b in pieces])
        return sp.csc_matrix((data, indices, indptr), shape=matrix.shape)
    data = np.empty(indptr[-1], dtype=matrix.data.dtype)
    indices = np.empty(indptr[-1], dtype=np.result_type(matrix.indices, patch.indices))
    for source, keep in ((matrix, ~columns), (patch, columns)):
        column = np.repeat(np.arange(source.shape[1]), np.diff(source.indptr))
        taken = np.flatnonzero(keep[column])
        at = indptr[column[taken]] + taken - source.indptr[column[taken]]
        data[at] = source.data[taken]
        indices[at] = source.indices[taken]
    return sp.csc_matrix((data, indices, indptr), shape=matrix.shape)
