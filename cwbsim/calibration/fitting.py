"""Fit the behaviour spend data cannot show, by simulated method of moments.

Parameters: households' local share of consumption, Flegg's delta (how much
of their inputs firms of a small area buy outside it), and the anchors'
local-resident share of staff. Targets (a TOML file) are moments a strategist
can source, such as NEF's 76p re-spent locally per £ by Northumberland County
Council's local suppliers (a supplier-level figure, not an anchor's LM3), or
FSB/CLES's local re-spend of 63p per £ by SMEs and 40p by large firms. Every evaluation simulates the same seeds
(common random numbers); the loss is the sum of squared relative misses,
minimised with scipy.optimize (Powell's method within bounds, robust to the
small steps that whole jobs and contracts put in the moments). The report
gives fitted values, the loss, each target against its simulated mean and
spread over seeds, and warns when a parameter barely moves any target
(not identified) or two move them alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.errors import InputError
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import parameters
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.seeds import Seed

PARAMETERS = ("household_local_share", "flq_delta", "anchor_local_staff_share")
RESPEND = ("respend_sme", "respend_large", "respend_local_suppliers", "respend_nonlocal_suppliers")
"""Supplier-level re-spend moments: the metric registry's (FSB/CLES 2013; NEF 2005)."""
MOMENTS = ("lm3", "local_multiplier", *RESPEND, "local_consumption_share",
           "anchor_local_wage_share")  # fmt: skip
MOMENT_RANGES = {
    "lm3": (1.0, 3.0),
    "local_multiplier": (1.0, 100.0),
    **dict.fromkeys(RESPEND, (0.0, 1.0)),
    "local_consumption_share": (0.0, 1.0),
    "anchor_local_wage_share": (0.0, 1.0),
}
"""What each target can be: LM3 counts three rounds of £1 (1 to 3, NEF 2002); a multiplier
is at least 1; the rest are shares."""
BOUNDS = (0.01, 0.95)
SIM_MONTHS = 3


PATHS = {
    "household_local_share": ("spec.households.*.local_share", "region_share"),
    "flq_delta": ("spec.behaviour.regional_inputs.flq_delta", None),
    "anchor_local_staff_share": ("spec.anchors.*.local_staff_share", None),
}  # fmt: skip
"""Each fitted parameter's path (:mod:`cwbsim.scenarios.parameters`) and the share beside it
whose sum with it may not pass 1 (the value is capped at 1 minus that share)."""


def with_parameters(spec: EconomySpec, theta: dict[str, float]) -> EconomySpec:
    """A copy of ``spec`` with the fitted parameters set, through the parameter paths."""
    spec = spec.model_copy(deep=True)
    for name, value in theta.items():
        path, beside = PATHS[name]
        for concrete in parameters.expand(None, spec, path):
            cap = 1.0
            if beside:
                sibling = concrete.rsplit(".", 1)[0] + "." + beside
                cap = 1.0 - parameters.get_value(None, spec, sibling)
            parameters.set_value(None, spec, concrete, min(value, cap))
    return spec


def moments(model: LocalEconomy) -> dict[str, float]:
    """Moments of a model after a short run: the metrics' ratios over its steps."""
    economy, engine = model.economy, model.engine
    values = model.recorder.values

    def ratio(name: str) -> float:
        metric = METRICS[name]
        top = sum(v[metric.numerator] for v in values)
        bottom = sum(v[metric.denominator] for v in values)
        return float(top / bottom) if bottom else np.nan

    consumption = engine.matrices["consumption"]
    households = economy.household_idx
    spent = engine.economy.budget["consumption"][households]
    to_local = np.asarray(consumption[economy.tier == LOCAL][:, households].sum(axis=0)).ravel()
    wages = engine.matrices["wages"]
    anchors = economy.anchor_idx
    anchor_wages = economy.budget["wages"][anchors]
    to_residents = np.asarray(wages[economy.tier == LOCAL][:, anchors].sum(axis=0)).ravel()
    return {
        "lm3": ratio("lm3"),
        "local_multiplier": ratio("local_multiplier"),
        **{name: ratio(name) for name in RESPEND},
        "local_consumption_share": float(to_local.sum() / spent.sum()) if spent.sum() else np.nan,
        "anchor_local_wage_share": float(to_residents.sum() / anchor_wages.sum())
        if anchor_wages.sum()
        else np.nan,
    }


def simulate_one(task: tuple[EconomySpec, dict[str, float]], seed: Seed) -> list[float]:
    """The moments (``MOMENTS`` order) of one run of ``(spec, theta)`` over ``SIM_MONTHS``."""
    spec, theta = task
    model = LocalEconomy(with_parameters(spec, theta), rng=seed.rng())
    for _ in range(SIM_MONTHS):
        model.step()
    found = moments(model)
    return [found[m] for m in MOMENTS]


def simulate(
    spec: EconomySpec,
    theta: dict[str, float],
    seeds: list[int],
    evaluator: Evaluator | None = None,
) -> np.ndarray:
    """Moments (rows: seeds; columns: ``MOMENTS``) at ``theta``, same seeds every time."""
    tasks = [Task((spec, theta), Seed(seed)) for seed in seeds]
    return np.array((evaluator or Evaluator()).map(simulate_one, tasks))


@dataclass
class Fit:
    """A calibration result (see the module docstring)."""

    parameters: dict[str, float]
    loss: float
    targets: dict[str, dict[str, float]]
    warnings: list[str]
    evaluations: int

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {
            "parameters": self.parameters,
            "loss": self.loss,
            "targets": self.targets,
            "warnings": self.warnings,
            "evaluations": self.evaluations,
        }


def _to_theta(x: np.ndarray, names: list[str]) -> dict[str, float]:
    lo, hi = BOUNDS
    return {n: float(lo + (hi - lo) / (1 + np.exp(-v))) for n, v in zip(names, x, strict=True)}


def _from_theta(theta: dict[str, float], names: list[str]) -> np.ndarray:
    lo, hi = BOUNDS
    p = np.array([(np.clip(theta[n], lo + 1e-6, hi - 1e-6) - lo) / (hi - lo) for n in names])
    return np.log(p / (1 - p))


def fit(
    spec: EconomySpec,
    targets: dict[str, float],
    parameters: list[str] | None = None,
    seeds: list[int] | None = None,
    start: dict[str, float] | None = None,
    max_evaluations: int = 200,
    evaluator: Evaluator | None = None,
) -> Fit:
    """Fit ``parameters`` so the simulated moments meet ``targets``.

    Each evaluation runs the seeds through ``evaluator`` (default: this process).

    Raises
    ------
    InputError
        For a target or parameter cwbsim cannot simulate.
    """
    names = list(parameters or PARAMETERS)
    for name in names:
        if name not in PARAMETERS:
            raise InputError(
                f"targets: unknown parameter {name!r} (allowed: {', '.join(PARAMETERS)})"
            )
    for name in targets:
        if name not in MOMENTS:
            raise InputError(f"targets: unknown target {name!r} (allowed: {', '.join(MOMENTS)})")
    seeds = seeds or [1, 2]
    columns = [MOMENTS.index(t) for t in targets]
    goal = np.array(list(targets.values()))
    scale = np.maximum(np.abs(goal), 1e-9)
    count = 0

    def loss(x: np.ndarray) -> float:
        nonlocal count
        count += 1
        simulated = simulate(spec, _to_theta(x, names), seeds, evaluator).mean(axis=0)[columns]
        return float(np.sum(((simulated - goal) / scale) ** 2))

    base = start or {n: 0.3 for n in names}
    result = optimize.minimize(
        lambda t: loss(_from_theta(dict(zip(names, t, strict=True)), names)),
        np.array([base[n] for n in names]),
        method="Powell",
        bounds=[BOUNDS] * len(names),
        options={"maxfev": max_evaluations, "xtol": 1e-3, "ftol": 1e-8},
    )
    theta = {n: float(v) for n, v in zip(names, result.x, strict=True)}
    simulated = simulate(spec, theta, seeds, evaluator)[:, columns]
    report = {
        t: {
            "target": float(goal[i]),
            "simulated": float(simulated[:, i].mean()),
            "spread": float(simulated[:, i].std(ddof=1)) if len(seeds) > 1 else 0.0,
        }
        for i, t in enumerate(targets)
    }
    return Fit(
        theta,
        float(result.fun),
        report,
        _identification(spec, theta, names, seeds, columns, scale, evaluator),
        count,
    )


def _identification(spec, theta, names, seeds, columns, scale, evaluator) -> list[str]:
    """Warnings from finite-difference sensitivities of the targets to each parameter."""
    step = 0.02
    base = simulate(spec, theta, seeds, evaluator).mean(axis=0)[columns]
    jacobian = []
    for name in names:
        moved = dict(theta, **{name: min(theta[name] + step, BOUNDS[1])})
        moved_moments = simulate(spec, moved, seeds, evaluator).mean(axis=0)[columns]
        jacobian.append((moved_moments - base) / scale / step)
    jacobian = np.array(jacobian).T  # targets x parameters
    warnings = []
    norms = np.linalg.norm(jacobian, axis=0)
    for name, norm in zip(names, norms, strict=True):
        if norm < 0.05:
            warnings.append(
                f"{name} is not identified by the targets: a 0.02 change moves them by "
                f"{norm * step:.2%} (relative)"
            )
    if len(names) > len(columns):
        warnings.append(
            f"{len(names)} parameters but {len(columns)} targets: some combination is not identified"
        )
    elif np.linalg.matrix_rank(jacobian, tol=0.05 * max(norms.max(), 1e-12)) < len(names):
        warnings.append(
            "the targets move with the parameters in near-equal ways: not all are identified"
        )
    return warnings
