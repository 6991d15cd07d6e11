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


def replace_columns(
    matrix: sp.csc_matrix, patch: sp.csc_matrix, columns: np.ndarray
) -> sp.csc_matrix:
    """``matrix`` with its ``columns`` (a mask over columns) taken from ``patch`` instead.

    Both are canonical CSC of the same shape; so is the result, entry for entry what a
    rebuild gives (explicit zeros kept). The two column-sorted runs are merged by a
    stable sort, which finds them as runs.
    """
    old_column = np.repeat(np.arange(matrix.shape[1]), np.diff(matrix.indptr))
    new_column = np.repeat(np.arange(patch.shape[1]), np.diff(patch.indptr))
    keep_old = ~columns[old_column]
    keep_new = columns[new_column]
    column = np.concatenate([old_column[keep_old], new_column[keep_new]])
    order = np.argsort(column, kind="stable")
    data = np.concatenate([matrix.data[keep_old], patch.data[keep_new]])[order]
    indices = np.concatenate([matrix.indices[keep_old], patch.indices[keep_new]])[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(column, minlength=matrix.shape[1]))])
    return sp.csc_matrix((data, indices, indptr), shape=matrix.shape)
