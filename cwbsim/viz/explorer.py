"""The model the app steps: a base economy running a scenario with the levers applied.

Everything the user chooses (economy, scenario, seed, levers) is a keyword
argument of :class:`ExplorerEconomy`; Apply and Reset build a new one. Bad
choices never raise: the model runs the base economy without interventions
(or the default economy) and keeps the one-line reason in ``input_error`` for
the page to show. Alongside it runs its baseline: the same economy and seed
with no interventions, stepped with it, so each headline number can show its
change against doing nothing (common random numbers: the same draws until the
interventions act).

``cwbsim app --area`` chooses the areas the model records (as ``cwbsim run
--area`` does); they reach the app's server process as JSON in the environment
variable :data:`~cwbsim.viz.areas.AREAS_ENV`.
"""

from __future__ import annotations

import threading

from cwbsim.calibration.spend_session import economy_from_text
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.errors import InputError
from cwbsim.model.record.recorder import Recorder
from cwbsim.model.spec.areas import resolve_area
from cwbsim.model.spec.files import builtin_specs, load_spec, parse_toml
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios.driver import Driver
from cwbsim.scenarios.schema import (
    Scenario,
    builtin_scenarios,
    check_scenario,
    load_scenario,
    parse_scenario,
)
from cwbsim.viz.levers import LEVERS, with_levers

DEFAULT_ECONOMY = "preston-2012"
DEFAULT_SCENARIO = "preston-cwb"
DEFAULT_SEED = 20130401
SEED_MAX = 2**63 - 1


def parse_seed(text) -> int:
    """A seed typed in the page: a whole number from 0 to 2**63 - 1."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise InputError(
            f"seed: {text!r} is not a whole number (allowed: 0 to 2**63 - 1)"
        ) from None
    if not 0 <= seed <= SEED_MAX:
        raise InputError(f"seed: {seed} is out of range (allowed: 0 to 2**63 - 1)")
    return seed


def parse_uploaded_scenario(text: str, source: str) -> Scenario:
    """A scenario file's text, validated like ``cwbsim run`` does; raise a one-line InputError.

    In the app its base must be a built-in economy: a path would read files
    on the server.
    """
    data = parse_toml(text, source)
    base = data.get("base")
    if base not in builtin_specs():
        raise InputError(
            f"{source}: base: {base!r} (allowed in the app: a built-in economy, "
            f"{', '.join(builtin_specs())})"
        )
    scenario, _ = parse_scenario(data, source)
    return scenario


def economy_spec(economy: str, economy_text: str | None = None) -> EconomySpec:
    """A built-in economy spec, or one built in the page (its TOML text); raise InputError."""
    if economy_text is not None:
        return economy_from_text(economy, economy_text)
    if economy not in builtin_specs():
        raise InputError(
            f"economy: {economy!r} is not a built-in economy (allowed: {', '.join(builtin_specs())})"
        )
    return load_spec(economy)


def resolve(
    economy: str,
    scenario_name: str,
    levers: dict,
    scenario_text: str | None = None,
    scenario_file: str = "uploaded scenario",
    economy_text: str | None = None,
) -> tuple[Scenario, object]:
    """The scenario (levers applied) on the chosen base economy; raise InputError on bad input.

    ``scenario_text`` (an uploaded or saved scenario file) takes the place of the
    built-in ``scenario_name``; ``economy_text`` (an economy built in the page,
    named ``economy``) the place of a built-in economy.
    """
    base_spec = economy_spec(economy, economy_text)
    if scenario_text is not None:
        scenario = parse_uploaded_scenario(scenario_text, scenario_file)
        spec = load_spec(scenario.base)
        if scenario.start is not None:  # as load_scenario does for a scenario file
            spec = spec.model_copy(update={"start": scenario.start})
    elif scenario_name in builtin_scenarios():
        scenario, spec = load_scenario(scenario_name)
    else:
        raise InputError(
            f"scenario: {scenario_name!r} is not a built-in scenario "
            f"(allowed: {', '.join(builtin_scenarios())})"
        )
    if scenario.base != economy or economy_text is not None:
        start = scenario.start
        spec = base_spec
        if start is not None:
            spec = spec.model_copy(update={"start": start})
        scenario = scenario.model_copy(update={"base": economy})
    scenario = with_levers(scenario, levers)
    check_scenario(scenario, spec, f"{scenario_name} on {economy}")
    return scenario, spec


class ExplorerEconomy(LocalEconomy):
    """A :class:`LocalEconomy` running a scenario whose levers the user has set.

    Parameters
    ----------
    economy : str
        A built-in economy spec.
    scenario_name : str
        A built-in scenario; its base economy is replaced by ``economy``.
    scenario_text, scenario_file : str, optional
        An uploaded scenario file's text and name, used instead of ``scenario_name``.
    rng : int or str
        The run's one seed (text from the page is parsed).
    areas : list of str, optional
        Areas to record, each an area, group or list of the economy
        (:func:`~cwbsim.model.spec.areas.resolve_area`); default: the economy's
        ``report``, else its local-tier areas. Those the economy does not have are
        left out, with the reason in ``area_error``.
    area_groups : dict, optional
        Named groups of area codes to add, by economy (``{economy: {name: [codes]}}``):
        what ``cwbsim app --area`` adds for a county or combined authority.
    economy_text : str, optional
        An economy spec built in the page (TOML text), named ``economy``.
    baseline : bool
        Run the baseline alongside (the same economy and seed, no interventions).
    **levers : float
        Lever values by key (:data:`cwbsim.viz.levers.LEVERS`), display units.
    """

    def __init__(
        self,
        economy: str = DEFAULT_ECONOMY,
        scenario_name: str = DEFAULT_SCENARIO,
        rng: int | str = DEFAULT_SEED,
        scenario_text: str | None = None,
        scenario_file: str = "uploaded scenario",
        areas: list[str] | None = None,
        area_groups: dict[str, dict[str, list[str]]] | None = None,
        economy_text: str | None = None,
        baseline: bool = True,
        **levers,
    ):
        self.input_error: str | None = None
        self.area_error: str | None = None
        self.lock = threading.RLock()
        try:
            seed = parse_seed(rng)
        except InputError as error:
            self.input_error, seed = str(error), DEFAULT_SEED
        try:
            plan, spec = resolve(
                economy, scenario_name, levers, scenario_text, scenario_file, economy_text
            )
        except InputError as error:
            self.input_error = self.input_error or str(error)
            try:
                spec, base = economy_spec(economy, economy_text), economy
            except InputError:
                spec, base = load_spec(DEFAULT_ECONOMY), DEFAULT_ECONOMY
            plan = Scenario(name=f"{base} (no interventions)", base=base)
        groups = (area_groups or {}).get(spec.name)
        if groups:
            spec = spec.model_copy(update={"groups": {**spec.groups, **groups}})
        self.area_texts = self._area_texts(spec, areas)
        super().__init__(
            spec,
            rng=seed,
            areas=list(self.area_texts.values()) or None,
            monthly_distributions=True,  # the app charts the median and Gini by month
        )
        self._baseline: LocalEconomy | None = None
        self._baseline_build: threading.Thread | None = None
        self._baseline_error: BaseException | None = None
        if baseline and plan.intervention:
            # built in a thread, so the page shows this model while its twin is made
            where = list(self.area_texts.values()) or None
            self._baseline_build = threading.Thread(
                target=self._build_baseline, args=(spec, seed, where), daemon=True,
                name="cwbsim-baseline",
            )  # fmt: skip
            self._baseline_build.start()
        self.areas_asked = areas
        self.area_groups = area_groups
        self.seed = seed
        self.economy_name = plan.base
        self.economy_text = economy_text
        self.scenario_name = scenario_name
        self.scenario_text = scenario_text
        self.scenario_file = scenario_file
        self.plan = plan
        self.levers = {k: float(v) for k, v in levers.items() if k in LEVERS}
        self.driver = Driver(self, plan.intervention)

    def _area_texts(self, spec, areas: list[str] | None) -> dict[str, str]:
        """Each view's name and the text asking for it; what the spec lacks goes to ``area_error``.

        Areas of which the spec has none leave the spec's own views (its ``report``).
        The text is what :func:`~cwbsim.scenarios.compare.compare` is given to report
        the same view (a view's name may not resolve: a list's is "A and B").
        """
        texts: dict[str, str] = {}
        missing = []
        for text in areas or []:
            try:
                texts.setdefault(resolve_area(spec, text)[0], text)
            except InputError as error:
                missing.append(str(error))
        if missing:
            self.area_error = "; ".join(missing)
        if not texts:
            for text in spec.report:
                texts.setdefault(resolve_area(spec, text)[0], text)
        return texts

    def _build_baseline(self, spec: EconomySpec, seed: int, areas: list[str] | None) -> None:
        try:
            self._baseline = LocalEconomy(spec, rng=seed, areas=areas, monthly_distributions=True)
        except BaseException as error:  # re-raised where the baseline is first read
            self._baseline_error = error

    @property
    def has_baseline(self) -> bool:
        """Whether a baseline runs alongside (without waiting for its build)."""
        return (
            self._baseline_build is not None
            or self._baseline is not None
            or self._baseline_error is not None
        )

    @property
    def baseline(self) -> LocalEconomy | None:
        """The baseline run alongside (``None`` when the scenario has no interventions).

        Waits for its build, the first time it is read.
        """
        if self._baseline_build is not None:
            self._baseline_build.join()
            self._baseline_build = None
        if self._baseline_error is not None:  # every time: never "no interventions" instead
            raise self._baseline_error
        return self._baseline

    def shown_area(self, name: str | None) -> str:
        """The view to show: ``name`` if the model records it, else the headline view."""
        return name if name in self.recorders else self.views[0].name

    def recorder_of(self, name: str | None) -> Recorder:
        """The recorder of the view :meth:`shown_area` picks for ``name``."""
        return self.recorders[self.shown_area(name)]

    def baseline_of(self, name: str | None) -> Recorder:
        """The baseline's recorder of the same view (this model's own when it has no interventions)."""
        model = self.baseline if self.baseline is not None else self
        return model.recorders[self.shown_area(name)]

    @property
    def months_run(self) -> int:
        """Steps completed (Mesa counts a step as soon as it starts)."""
        return len(self.recorder.values)

    def step(self) -> None:
        """Apply the interventions for this month (``self.steps``, from 1), then run it.

        Holds ``self.lock``, so the app's chart threads read a consistent state.
        """
        with self.lock:
            self.driver.apply(self.steps)
            super().step()
            if self.baseline is not None:
                self.baseline.step()
