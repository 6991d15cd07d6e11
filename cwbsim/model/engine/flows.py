"""What one step of either engine produces, and the money state both engines advance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cwbsim.model.codes import LEDGER_CHANNELS, N_GROUPS, N_TIERS, area_groups


@dataclass
class StepFlows:
    """All money that moved in one step, £ per step.

    Attributes
    ----------
    ledger : numpy.ndarray, shape (len(LEDGER_CHANNELS), N_GROUPS, N_GROUPS)
        Flows by channel, payer group and payee group (group = kind * N_TIERS + tier, :func:`cwbsim.model.codes.group_of`);
        injections have the outside as payer, leakage the outside as payee.
    household_income : numpy.ndarray, shape (households,)
        Income of each household agent this step (all its households).
    anchor_procurement : numpy.ndarray, shape (anchors, N_TIERS)
        Each anchor's contract payments by supplier tier; unallocated procurement is "outside".
    anchor_income : numpy.ndarray, shape (anchors,)
        Round 1 of LM3: each anchor's income this step.
    round2 : numpy.ndarray, shape (anchors,)
        Round 2: each anchor's payments to local agents this step.
    round3 : numpy.ndarray, shape (anchors,)
        Round 3 of the previous step's round-2 money: what its holders paid to
        local agents this step.
    traced_local : float
        Receipts of local agents this step from money the anchors brought in (all rounds).
    spent : numpy.ndarray, shape (n,)
        What each agent paid out this step (its outflow, including injections spent).
    """

    ledger: np.ndarray
    household_income: np.ndarray
    anchor_procurement: np.ndarray
    anchor_income: np.ndarray
    round2: np.ndarray
    round3: np.ndarray
    traced_local: float
    spent: np.ndarray

    @classmethod
    def zeros(cls, anchors: int, households: int, n: int = 0) -> StepFlows:
        """An empty record."""
        return cls(
            ledger=np.zeros((len(LEDGER_CHANNELS), N_GROUPS, N_GROUPS)),
            household_income=np.zeros(households),
            anchor_procurement=np.zeros((anchors, N_TIERS)),
            anchor_income=np.zeros(anchors),
            round2=np.zeros(anchors),
            round3=np.zeros(anchors),
            traced_local=0.0,
            spent=np.zeros(n),
        )


@dataclass
class AreaFlows:
    """All money that moved in one step, by area, £ per step (what the engines produce).

    Any group of areas can be asked for afterwards: :meth:`cwbsim.model.record.views.View.fold`
    turns these into the :class:`StepFlows` of that group as "local".

    Attributes
    ----------
    ledger : numpy.ndarray, shape (len(LEDGER_CHANNELS), G, G)
        Flows by channel, payer and payee area group (``G = area_groups(n_areas)``,
        :func:`cwbsim.model.codes.area_group`); the last group is the rest of the world.
    household_income : numpy.ndarray, shape (households,)
        Income of each household agent this step (all its households).
    anchor_procurement : numpy.ndarray, shape (anchors, n_areas + 1)
        Each anchor's contract payments by supplier area; the last column is procurement
        with no supplier (it leaks).
    anchor_income : numpy.ndarray, shape (anchors,)
        Round 1 of LM3: each anchor's income this step.
    round2 : numpy.ndarray, shape (anchors, n_areas)
        Each anchor's payments (procurement and wages) to agents of each area this step.
    round3 : numpy.ndarray, shape (anchors, n_areas, n_areas)
        The previous step's round-2 money held in area ``j``, paid to agents of area ``k``
        this step.
    traced : numpy.ndarray, shape (n_areas,)
        Receipts of each area's agents this step from money the anchors brought in.
    spent : numpy.ndarray, shape (n,)
        What each agent paid out this step (its outflow, including injections spent).
    """

    ledger: np.ndarray
    household_income: np.ndarray
    anchor_procurement: np.ndarray
    anchor_income: np.ndarray
    round2: np.ndarray
    round3: np.ndarray
    traced: np.ndarray
    spent: np.ndarray

    @classmethod
    def zeros(cls, anchors: int, households: int, n_areas: int, n: int = 0) -> AreaFlows:
        """An empty record."""
        groups = area_groups(n_areas)
        return cls(
            ledger=np.zeros((len(LEDGER_CHANNELS), groups, groups)),
            household_income=np.zeros(households),
            anchor_procurement=np.zeros((anchors, n_areas + 1)),
            anchor_income=np.zeros(anchors),
            round2=np.zeros((anchors, n_areas)),
            round3=np.zeros((anchors, n_areas, n_areas)),
            traced=np.zeros(n_areas),
            spent=np.zeros(n),
        )


@dataclass
class MoneyState:
    """Money held and accounted for, £.

    Attributes
    ----------
    cash : numpy.ndarray, shape (n,)
        Received in the last step, to be spent in the next.
    traced : numpy.ndarray, shape (n,)
        The part of ``cash`` that the anchors' income brought in (any round >= 2).
    round2_payee, round2_anchor, round2_value : numpy.ndarray
        Round-2 money of LM3: agents holding what an anchor paid them last step.
    injected : float
        Everything that ever arrived from outside, including the opening balances.
    outside : float
        Everything that ever left to the outside.
    """

    cash: np.ndarray
    traced: np.ndarray
    round2_payee: np.ndarray
    round2_anchor: np.ndarray
    round2_value: np.ndarray
    injected: float
    outside: float

    def imbalance(self) -> float:
        """Relative gap in ``held + sent outside = injected`` (0 when money is conserved)."""
        held = float(self.cash.sum())
        return abs(held + self.outside - self.injected) / max(abs(self.injected), 1e-300)
