"""A minimal per-agent Mesa 3 model of cwbsim's money flows, as a fair speed baseline.

Run: ``.venv/bin/python benchmarks/mesa_minimal.py [--spec preston-2012] [--steps 5]
[--reference]``. Prints the minimal model's build time and ms per step, the vectorised
engine's money step (``engine.step``) and a bare sparse mat-vec of the same flows, and
the ratios; ``--reference`` also times one step of the reference engine.

The reference engine is a checking engine (it also books the ledger, LM3 rounds and
traced money, over a networkx graph), so it is not what a Mesa user would write. This
model is (issue 15): one agent per economy row; each agent keeps its out-edges of the
five edge channels as Python lists; its ``step()`` pays ``x * share`` into each payee's
``next_inbox``, where ``x`` is its inbox plus its injection; then every agent's
``advance()`` moves ``next_inbox`` into ``inbox``. What has no edge (the leak) is simply
not paid on. :func:`check_same_flows` checks that its inboxes equal the vectorised
engine's ``state.cash`` step by step, so both time the same flows.

Another script in ``benchmarks/`` can ``from mesa_minimal import speed_ratio``: running a
script puts its folder on ``sys.path``.
"""

from __future__ import annotations

import argparse
import copy
import time

import mesa
import numpy as np

from cwbsim.model.codes import EDGE_CHANNELS
from cwbsim.model.economy import LocalEconomy


class Payer(mesa.Agent):
    """An agent that pays out everything it holds along its out-edges each step.

    Parameters
    ----------
    model : MinimalMoneyModel
        The model.
    injection : float
        Money arriving from outside each step, £ per step.
    cash : float
        Opening inbox: received in step 0, spent in step 1, £.
    """

    def __init__(self, model, injection: float, cash: float):
        super().__init__(model)
        self.injection = injection
        self.payees: list[Payer] = []
        self.shares: list[float] = []
        self.inbox = cash
        self.next_inbox = 0.0

    def step(self) -> None:
        """Spend this step's inbox plus injection: each payee gets ``share`` of it next step."""
        x = self.inbox + self.injection
        for payee, share in zip(self.payees, self.shares, strict=True):
            payee.next_inbox += x * share

    def advance(self) -> None:
        """Make what arrived this step the money to spend next step."""
        self.inbox = self.next_inbox
        self.next_inbox = 0.0


class MinimalMoneyModel(mesa.Model):
    """Money flowing along fixed edges, agent by agent, as a Mesa user would write it.

    Parameters
    ----------
    payer, payee : numpy.ndarray of int, shape (edges,)
        Agent rows (0..n-1) at each end of every edge, all channels together.
    share : numpy.ndarray, shape (edges,)
        Share of the payer's outflow paid to the payee.
    injection : numpy.ndarray, shape (n,)
        Money arriving from outside, £ per step.
    cash : numpy.ndarray, shape (n,)
        Opening inboxes, £.
    rng : int, optional
        Seed (nothing is drawn: ``do`` runs the agents in creation order).

    Notes
    -----
    One step: ``receipts = sum over edges (payee <- share * (cash + injection)[payer])``,
    that is ``P @ (cash + injection)`` with ``P[payee, payer] = share``.
    """

    def __init__(
        self,
        payer: np.ndarray,
        payee: np.ndarray,
        share: np.ndarray,
        injection: np.ndarray,
        cash: np.ndarray,
        rng: int | None = None,
    ):
        super().__init__(rng=rng)
        self.by_row = list(
            Payer.create_agents(self, len(cash), injection=injection.tolist(), cash=cash.tolist())
        )
        for i, j, s in zip(payer.tolist(), payee.tolist(), share.tolist(), strict=True):
            agent = self.by_row[i]
            agent.payees.append(self.by_row[j])
            agent.shares.append(s)

    def step(self) -> None:
        """Everyone pays, then everyone moves what arrived into its inbox."""
        self.agents.do("step")
        self.agents.do("advance")

    def cash(self) -> np.ndarray:
        """Inboxes in row order: what each agent received last step, £."""
        return np.array([agent.inbox for agent in self.by_row])


def minimal_model(economy_model: LocalEconomy, cash: np.ndarray | None = None) -> MinimalMoneyModel:
    """The minimal model of ``economy_model``'s current edges, injections and balances.

    Parameters
    ----------
    economy_model : LocalEconomy
        Source of the edges (``economy.edges[channel]`` for each edge channel), the
        per-step injection and, unless ``cash`` is given, the opening balances.
    cash : numpy.ndarray, shape (n,), optional
        Opening balances to use instead of ``economy_model.state.cash``, £.
    """
    economy, engine = economy_model.economy, economy_model.engine
    edges = [economy.edges[channel] for channel in EDGE_CHANNELS]
    return MinimalMoneyModel(
        np.concatenate([e.payer for e in edges]),
        np.concatenate([e.payee for e in edges]),
        np.concatenate([e.share for e in edges]),
        engine.injection_step,
        economy_model.state.cash if cash is None else cash,
        rng=0,
    )


def check_same_flows(economy_model: LocalEconomy, steps: int = 3, rng: int = 0) -> float:
    """Check that the minimal model and the vectorised engine move the same money.

    Both start from the model's opening balances scaled agent by agent by a factor
    drawn in [0.5, 1.5) (the opening state is a steady state, where receipts never
    change, so an unperturbed start would check one step only), then run ``steps``
    steps.

    Parameters
    ----------
    economy_model : LocalEconomy
        Built with the vectorised engine and ``adaptive=False``; not advanced.
    steps : int
        Steps compared.
    rng : int
        Seed of the perturbation.

    Returns
    -------
    float
        Largest relative gap seen, ``max |minimal - engine| / max |engine|`` over agents
        and steps.

    Raises
    ------
    AssertionError
        If any step's receipts differ by more than 1e-9 relative (``rtol=1e-9``,
        ``atol=1e-9 * max |engine|``).
    """
    state = copy.deepcopy(economy_model.state)
    state.cash = state.cash * np.random.default_rng(rng).uniform(0.5, 1.5, len(state.cash))
    minimal = minimal_model(economy_model, cash=state.cash)
    worst = 0.0
    for _ in range(steps):
        economy_model.engine.step(state)
        minimal.step()
        got, want = minimal.cash(), state.cash
        scale = np.abs(want).max()
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * scale)
        worst = max(worst, float(np.abs(got - want).max() / scale))
    return worst


def time_steps(minimal: MinimalMoneyModel, steps: int) -> float:
    """Run ``steps`` steps of a built minimal model; seconds per step."""
    started = time.perf_counter()
    for _ in range(steps):
        minimal.step()
    return (time.perf_counter() - started) / steps


def time_minimal(economy_model: LocalEconomy, steps: int) -> float:
    """Seconds per step of the minimal model of ``economy_model`` (its build not timed)."""
    return time_steps(minimal_model(economy_model), steps)


def time_money_step(economy_model: LocalEconomy, steps: int) -> float:
    """Seconds per step of ``engine.step`` (the money step) on a copy of the model's state.

    The engine's step also books the ledger by area group, LM3 rounds 2 and 3 and the
    traced money, which the minimal model does not.
    """
    state = copy.deepcopy(economy_model.state)
    step = economy_model.engine.step
    started = time.perf_counter()
    for _ in range(steps):
        step(state)
    return (time.perf_counter() - started) / steps


def time_matvec(economy_model: LocalEconomy, steps: int) -> float:
    """Seconds per step of the bare flows: one CSR mat-vec ``P @ (cash + injection)``."""
    transition = economy_model.engine.transition()
    injection = economy_model.engine.injection_step
    cash = economy_model.state.cash.copy()
    started = time.perf_counter()
    for _ in range(steps):
        cash = transition @ (cash + injection)
    return (time.perf_counter() - started) / steps


def speed_ratio(economy_model: LocalEconomy, steps: int = 5) -> dict:
    """Time the minimal model, the money step and the bare mat-vec on one economy.

    Parameters
    ----------
    economy_model : LocalEconomy
        Built with the vectorised engine and ``adaptive=False``; not advanced.
    steps : int
        Steps timed for each.

    Returns
    -------
    dict
        ``agents``, ``edges``; ``build_s`` (building the minimal model, s);
        ``minimal_ms``, ``money_step_ms``, ``matvec_ms`` (ms per step); ``ratio``
        (minimal / money step) and ``matvec_ratio`` (minimal / mat-vec).
    """
    started = time.perf_counter()
    minimal = minimal_model(economy_model)
    build = time.perf_counter() - started
    minimal_s = time_steps(minimal, steps)
    edges = sum(len(pair) for pair in (a.payees for a in minimal.by_row))
    del minimal
    money_s = time_money_step(economy_model, steps)
    matvec_s = time_matvec(economy_model, max(steps, 20))
    return {
        "agents": int(economy_model.economy.n),
        "edges": int(edges),
        "build_s": build,
        "minimal_ms": 1e3 * minimal_s,
        "money_step_ms": 1e3 * money_s,
        "matvec_ms": 1e3 * matvec_s,
        "ratio": minimal_s / money_s,
        "matvec_ratio": minimal_s / matvec_s,
    }


def time_reference(spec, steps: int = 1, seed: int = 1) -> float:
    """Seconds per step of the reference engine's money step (graph built untimed)."""
    model = LocalEconomy(spec, rng=seed, engine="reference", adaptive=False)
    return time_money_step(model, steps)


def main() -> None:
    """Check the flows agree, then print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="preston-2012")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reference", action="store_true", help="also time the reference engine's step"
    )
    args = parser.parse_args()
    model = LocalEconomy(args.spec, rng=args.seed, adaptive=False)
    gap = check_same_flows(model, steps=3)
    r = speed_ratio(model, args.steps)
    print(f"Minimal Mesa model vs cwbsim, {args.spec}, seed {args.seed}, {args.steps} steps")
    print(f"  agents, edges          {r['agents']:,}, {r['edges']:,}")
    print(f"  same flows             max relative gap {gap:.1e} over 3 steps (<= 1e-9)")
    print(f"  minimal model build    {r['build_s']:.2f} s")
    print(f"  minimal model step     {r['minimal_ms']:.1f} ms")
    print(f"  money step             {r['money_step_ms']:.2f} ms (engine.step, with the ledger)")
    print(f"  bare mat-vec           {r['matvec_ms']:.2f} ms (P @ x)")
    print(f"  minimal / money step   {r['ratio']:.0f}x")
    print(f"  minimal / mat-vec      {r['matvec_ratio']:.0f}x")
    if args.reference:
        reference_ms = 1e3 * time_reference(args.spec, seed=args.seed)
        print(f"  reference engine step  {reference_ms:.0f} ms (1 step)")
        print(f"  reference / minimal    {reference_ms / r['minimal_ms']:.1f}x")


if __name__ == "__main__":
    main()
