"""``LocalEconomy``: the Mesa model of money flowing through a place."""

from __future__ import annotations

from functools import partial

import mesa
import networkx as nx
import numpy as np

from cwbsim.model.agents import Anchor, Firm, Household
from cwbsim.model.build.builder import build_economy, household_income
from cwbsim.model.build.consumption import apply_spending
from cwbsim.model.build.contracts import procurement_edges
from cwbsim.model.build.networks import profit_edges
from cwbsim.model.build.sectors import sector_table
from cwbsim.model.build.size import check_fits
from cwbsim.model.codes import CHANNELS, EDGE_CHANNELS, STEPS_PER_YEAR
from cwbsim.model.engine.flows import AreaFlows
from cwbsim.model.engine.graph import build_graph, sync_channel
from cwbsim.model.engine.reference import ReferenceEngine
from cwbsim.model.engine.vectorised import VectorisedEngine, opening_state
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.record.recorder import Recorder
from cwbsim.model.record.views import View
from cwbsim.model.rules.firms import FirmDynamics
from cwbsim.model.rules.jobs import LabourMarket
from cwbsim.model.rules.tenders import Tendering
from cwbsim.model.spec.areas import resolve_area
from cwbsim.model.spec.files import load_spec
from cwbsim.model.spec.schema import EconomySpec

ENGINES = ("vectorised", "reference")


def _metric(name: str, model: LocalEconomy) -> float:
    return model.recorder.current.get(name, float("nan"))


class ConservationError(AssertionError):
    """Money was created or destroyed: held + sent outside != injected."""


class LocalEconomy(mesa.Model):
    """An agent-based model of money flowing through a local economy.

    One step is one month. Each step: money arrives from outside (anchor
    income, transfers, export demand); every agent pays out what it received
    the step before, along its relationships, by channel; what has no local
    counterparty leaks outside; the ledger and metrics record it; contracts
    that end are re-tendered; the DataCollector collects the metrics.

    Parameters
    ----------
    spec : EconomySpec or str
        The economy: a validated spec, a built-in spec name or a TOML path.
    rng : int or numpy.random.Generator, optional
        The run's one seed; every random draw comes from ``model.rng``.
    engine : {"vectorised", "reference"}
        Sparse-matrix engine, or the agent-by-agent reference engine (slow, for checks).
    adaptive : bool
        Whether the adaptive rules act (re-tendering, hiring and lay-offs, firm
        entry and exit, households revising their spending); ``False`` gives
        the linear system of :mod:`cwbsim.model.engine.analytic`.
    check_conservation : bool
        Assert after every step that money is conserved to 1e-9 relative.
    areas : list of str, optional
        Which areas count as local, each an area, group or list
        (:func:`~cwbsim.model.spec.areas.resolve_area`): every one is recorded, the
        first feeds the DataCollector (default: the spec's ``report``, else its
        local-tier areas). Only the metrics depend on it, never the run.
    monthly_distributions : bool
        Compute the residents' median income and Gini every month for the DataCollector
        (a sort of every household each step). Off, they are NaN in the monthly series;
        every yearly record has them either way, from each household's income of the year.
    """

    def __init__(
        self,
        spec: EconomySpec | str = "preston-2012",
        *,
        rng: int | np.random.Generator | None = None,
        engine: str = "vectorised",
        adaptive: bool = True,
        check_conservation: bool = False,
        areas: list[str] | None = None,
        monthly_distributions: bool = False,
    ):
        super().__init__(rng=rng)
        if engine not in ENGINES:
            raise ValueError(f"engine {engine!r} is not one of {ENGINES}")
        self.spec = spec if isinstance(spec, EconomySpec) else load_spec(spec)
        check_fits(self.spec)
        self.economy = build_economy(self.spec, self.rng)
        self.adaptive = adaptive
        self.check_conservation = check_conservation
        self._graph: nx.MultiDiGraph | None = None

        economy = self.economy
        self._agents_made = False

        # Each adaptive process draws, each step, from its own child of the run's seed
        # (stream_of_step), so a policy that changes one process, or how many draws one
        # step takes, leaves the other draws as they were: common random numbers survive
        # in paired comparisons.
        fast = VectorisedEngine(economy)
        self.state = opening_state(fast, economy.extra.pop("steady_spent", None))
        self.engine = fast if engine == "vectorised" else ReferenceEngine(economy)
        self.tendering = Tendering(economy, self.spec.behaviour.tenders)
        rules = self.spec.behaviour.adaptation
        opening_spent = self.state.cash + fast.injection_step
        self.labour = LabourMarket(economy, rules, opening_spent)
        self.firms = FirmDynamics(
            economy, self.spec.behaviour, self.labour, sector_table(self.spec).output_per_job
        )
        self.firms.unmet_tenders = self.tendering.unmet
        n_anchor, n_areas = len(economy.anchor_idx), len(economy.area_codes)
        opening = AreaFlows.zeros(n_anchor, len(economy.household_idx), n_areas)
        opening.anchor_income = fast.funding_step[:n_anchor].copy()
        opening.round2 = fast.by_anchor_and_area(
            self.state.round2_anchor, self.state.round2_payee, self.state.round2_value
        )
        self.views = self._views(areas)
        self.recorders = {
            view.name: Recorder(
                economy, opening, view, distributions=monthly_distributions and k == 0
            )
            for k, view in enumerate(self.views)
        }
        self.recorder = self.recorders[self.views[0].name]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_metric, name) for name in METRICS}
        )

    def _views(self, areas: list[str] | None) -> list[View]:
        """The points of view recorded: the areas asked for, the spec's report, or its places."""
        asked = areas or self.spec.report
        if not asked:
            return [View.default(self.economy)]
        views = []
        for text in asked:
            name, codes = resolve_area(self.spec, text)
            if name not in {v.name for v in views}:
                views.append(View.of(self.economy, codes, name))
        return views

    def _make_agents(self) -> None:
        """Create the Mesa agents, one handle per row of the arrays, on first use.

        The engines never need them, and a million of them take seconds to make, so
        ``model.agents``, ``agents_by_type`` and ``agent_types`` create them when first read
        (in the same order, so with the same ``unique_id`` as if made up front).
        """
        if self._agents_made:
            return
        self._agents_made = True
        economy = self.economy
        Anchor.create_agents(self, len(economy.anchor_idx), idx=economy.anchor_idx.tolist())
        Firm.create_agents(self, len(economy.firm_idx), idx=economy.firm_idx.tolist())
        Household.create_agents(
            self, len(economy.household_idx), idx=economy.household_idx.tolist()
        )

    @property
    def agents(self):
        """Every agent (Mesa's agent set), created on first use."""
        self._make_agents()
        return mesa.Model.agents.fget(self)

    @property
    def agents_by_type(self):
        """Agents by class (Mesa's agent sets), created on first use."""
        self._make_agents()
        return mesa.Model.agents_by_type.fget(self)

    @property
    def agent_types(self) -> list[type]:
        """Agent classes, with the agents created on first use."""
        self._make_agents()
        return mesa.Model.agent_types.fget(self)

    def stream_of_step(self, name: str) -> np.random.Generator:
        """A generator for process ``name`` at this step alone, from the run's seed.

        Its own seed is the process's child of the run's seed and the step number, so a
        policy that shifts how many draws one step takes leaves the next steps' draws
        as they were: paired runs stay paired (common random numbers).
        """
        k = ("tenders", "labour", "firms").index(name)
        seed = self.child_seed(k)
        return np.random.default_rng(
            np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, self.steps))
        )

    def remove_all_agents(self) -> None:
        """Remove every agent (Mesa's), first marking them made so none are made later."""
        self._agents_made = True
        super().remove_all_agents()

    def child_seed(self, k: int) -> np.random.SeedSequence:
        """Child ``k`` of the run's seed, made without changing the seed itself.

        ``SeedSequence.spawn`` would count children on the shared object, so the
        same seed reused for a second run would give other children.
        """
        root = self.rng.bit_generator.seed_seq
        return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k))

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The standing relationships (built on first use, then kept up to date)."""
        if self._graph is None:
            self._graph = build_graph(self.economy)
        return self._graph

    @property
    def year(self) -> int:
        """Year of the step just run (1 for steps 1-12)."""
        return (max(self.steps, 1) - 1) // STEPS_PER_YEAR + 1

    def step(self) -> None:
        """Advance the economy by one month."""
        flows = self.engine.step(self.state)
        for recorder in self.recorders.values():
            recorder.record(flows)
        if self.adaptive:
            self._adapt(flows)
        if self.check_conservation:
            gap = self.state.imbalance()
            if gap > 1e-9:
                raise ConservationError(f"step {self.steps}: money not conserved (gap {gap:.3e})")
        self.datacollector.collect(self)

    def refresh(self, channels: set[str], injections: bool = False) -> None:
        """Rebuild derived relationships and the engine's matrices after a change.

        Wages and co-operative profit derive from the workforce, procurement
        from the contracts; ``injections`` re-reads the injections.
        """
        economy = self.economy
        economy.revision += 1
        if "wages" in channels:
            economy.edges["wages"] = economy.workforce.wage_edges(economy.budget["wages"])
            economy.injection["outside_wages"] = economy.workforce.outside_wages(economy.n)
            channels = channels | {"profit"}
            injections = True
        if "profit" in channels:
            economy.edges["profit"] = profit_edges(economy)
        if "procurement" in channels:
            economy.edges["procurement"] = procurement_edges(
                economy.contracts, economy.anchor_income
            )
        for channel in CHANNELS:
            if channel in channels:
                revisions = economy.channel_revisions
                revisions[channel] = revisions.get(channel, 0) + 1
                self.engine.refresh(channel)
                if self._graph is not None and channel in EDGE_CHANNELS:
                    sync_channel(self._graph, economy, channel)
        if injections:
            self.engine.refresh_injections()

    def update_spending(self) -> None:
        """Households revise their spending from last year's incomes (or the opening ones)."""
        income = self.recorder.last_year_income
        if income is None:
            income = household_income(self.economy)
        apply_spending(self.economy, income)
        self.refresh({"consumption", "savings"})

    def _adapt(self, flows: AreaFlows) -> None:
        """Adaptive rules after the money moved: tenders, firms, jobs, spending."""
        economy = self.economy
        changed: set[str] = set()
        self.labour.observe(flows.spent)
        before = economy.contracts.supplier.copy()
        self.tendering.retender(self.steps, self.stream_of_step("tenders"))
        review = self.steps % self.labour.rules.review_months == 0
        closing = self.firms.exits(self.labour.rules.review_months) if review else []
        firms_stream = self.stream_of_step("firms") if review else None
        if len(closing):
            self.firms.close(closing, firms_stream)
            contracts = economy.contracts
            orphaned = np.isin(contracts.supplier, closing)
            contracts.supplier[orphaned] = -1
            contracts.end_step[orphaned] = self.steps
            self.tendering.refresh_pools()
            self.tendering.retender(self.steps, firms_stream)
            changed |= {"consumption", "inputs", "wages"}
        opened = self.firms.entries(firms_stream) if review else []
        if len(opened):
            self.tendering.refresh_pools()
            changed.add("consumption")
        if len(economy.contracts) != len(before) or np.any(
            economy.contracts.supplier[: len(before)] != before
        ):
            changed.add("procurement")
        if review:
            if self.firms.expand(self.labour.rules.review_months):
                self.tendering.refresh_pools()
            self.labour.adjust(self.stream_of_step("labour"))
            changed.add("wages")
        if self.labour.enforce_wage_floor():
            changed |= {"wages", "other"}
        if changed:
            self.refresh(changed, injections=bool(len(closing)))
        if self.steps % STEPS_PER_YEAR == 0:
            self.update_spending()
            self.tendering.unmet[:] = 0.0  # unmet tender demand counts the last year only

    def run_years(self, years: int, progress=None) -> None:
        """Run ``years`` years of monthly steps, calling ``progress(step)`` after each."""
        for _ in range(years * STEPS_PER_YEAR):
            self.step()
            if progress is not None:
                progress(self.steps)
