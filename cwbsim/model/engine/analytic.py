"""Analytic results of the linear money-flow system, used to start runs and to check them.

With adaptive rules off the engine is ``x(t+1) = P x(t) + b``: ``x`` the money
each agent spends in a step (£ per step), ``P`` the payment shares and ``b``
the injection per step. Its steady state is the Leontief-type solution
``x* = (I - P)^-1 b`` (Leontief 1936; for local multipliers see Armstrong &
Taylor, *Regional Economics and Policy*, ch. 2).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def steady_state_direct(transition: sp.spmatrix, injection: np.ndarray) -> np.ndarray:
    """Solve ``(I - P) x = b`` directly (SuperLU); exact, for checking.

    Parameters
    ----------
    transition : scipy.sparse matrix, shape (n, n)
        Payment shares ``P`` (payee rows, payer columns).
    injection : numpy.ndarray, shape (n,)
        Money injected per step, £.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Money held per agent at the steady state, £ per step.
    """
    n = transition.shape[0]
    system = (sp.identity(n, format="csc") - transition.tocsc()).tocsc()
    return np.asarray(spla.spsolve(system, injection)).ravel()


DIRECT_SOLVE_MAX = 5_000
"""Largest economy solved directly; SuperLU's fill-in makes bigger ones slow."""


def steady_state(transition: sp.spmatrix, injection: np.ndarray) -> np.ndarray:
    """``(I - P)^-1 b``: direct on small economies, GMRES (scipy.sparse.linalg) on large ones."""
    n = transition.shape[0]
    if n <= DIRECT_SOLVE_MAX:
        return steady_state_direct(transition, injection)
    system = sp.identity(n, format="csr") - transition.tocsr()
    start = steady_state_iterative(transition, injection, rtol=1e-10)
    solution, info = spla.gmres(system, injection, x0=start, rtol=1e-14, atol=0.0)
    if info != 0:
        return steady_state_iterative(transition, injection)
    return np.asarray(solution)


def steady_state_iterative(
    transition: sp.spmatrix, injection: np.ndarray, rtol: float = 1e-15, max_iter: int = 10_000
) -> np.ndarray:
    """Solve ``x = P x + b``: BiCGSTAB (scipy.sparse.linalg), else a Neumann series.

    The Neumann series ``b + P b + P^2 b + ...`` converges because every agent
    leaks something, so the spectral radius of ``P`` is below 1; BiCGSTAB
    reaches the same answer (to ``rtol``) in a third of the products on large
    economies, and the series is the fallback when it does not converge.
    """
    if transition.shape[0] > DIRECT_SOLVE_MAX and injection.ndim == 1:
        system = sp.identity(transition.shape[0], format="csr") - transition.tocsr()
        solution, info = spla.bicgstab(system, injection, rtol=max(rtol, 1e-13), atol=0.0)
        if info == 0:
            return np.asarray(solution)
    x = injection.copy()
    scale = max(float(np.abs(injection).sum()), 1e-300)
    for _ in range(max_iter):
        nxt = transition @ x + injection
        if float(np.abs(nxt - x).sum()) <= rtol * scale:
            return nxt
        x = nxt
    raise RuntimeError("steady state did not converge: is some agent leaking nothing?")


def local_multiplier(transition: sp.spmatrix, injection: np.ndarray, local: np.ndarray) -> float:
    """Local receipts generated per £ injected, counting the injection itself as round 1.

    Parameters
    ----------
    transition : scipy.sparse matrix, shape (n, n)
        Payment shares ``P``.
    injection : numpy.ndarray, shape (n,)
        The money traced (for example the anchors' income), £ per step.
    local : numpy.ndarray of bool, shape (n,)
        Which agents are in the local tier.

    Notes
    -----
    ``1 + l' P (I - P)^-1 a / sum(a)``: all later rounds of receipts by local
    agents, per £ of ``a``. The truncation after round 3 is NEF's LM3.
    """
    total = float(injection.sum())
    if total == 0:
        return float("nan")
    held = steady_state(transition, injection)
    receipts = transition @ held
    return 1.0 + float(receipts[local].sum()) / total


def lm3(transition: sp.spmatrix, injection: np.ndarray, local: np.ndarray) -> float:
    """NEF's LM3 for the money ``injection`` (rounds 1 to 3), in closed form.

    ``(sum a + l' P a + l' P (l * P a)) / sum a``: round 2 is what the first
    recipients receive locally, round 3 what local round-2 recipients pay to
    local agents (Sacks 2002, *The Money Trail*, NEF).
    """
    round1 = float(injection.sum())
    if round1 == 0:
        return float("nan")
    received = transition @ injection
    round2_held = np.where(local, received, 0.0)
    round3 = float((transition @ round2_held)[local].sum())
    return (round1 + float(round2_held.sum()) + round3) / round1
