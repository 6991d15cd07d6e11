"""Running a sweep: tasks carry specs (not models), run by an evaluator (serial, processes, Dask).

Each task is a plain dictionary (the scenario and economy as JSON-ready data,
the parameter values, the run's seed), so any worker can build the model
itself. Results are committed to the store as each run finishes; memory holds
only the runs in flight.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from cwbsim.model.spec.schema import EconomySpec
from cwbsim.scenarios import limits
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.parameters import set_value
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario
from cwbsim.scenarios.seeds import replicate
from cwbsim.scenarios.sweep_design import design, runs
from cwbsim.scenarios.sweep_schema import file_hash, load_sweep
from cwbsim.scenarios.sweep_store import Store


def run_task(task: dict, rng) -> list[dict]:
    """Build and run one replication with seed ``rng``; return its rows (one per year)."""
    scenario = Scenario.model_validate(task["scenario"])
    spec = EconomySpec.model_validate(task["spec"])
    for path, value in task["values"].items():
        set_value(scenario, spec, path, value)
    years = run_scenario(scenario, spec, rng, task["years"], areas=task.get("areas")).years
    return [
        {
            "run": task["run"],
            "point": task["point"],
            "replicate": task["replicate"],
            "year": row["year"],
            **{f"param:{k}": v for k, v in task["values"].items()},
            **{m: row[m] for m in task["metrics"]},
        }
        for row in years
    ]


def _sized_specs(todo: list[dict]):
    """The economy of each design point whose ``spec.*`` values differ (sizes may differ)."""
    seen = set()
    for task in todo:
        values = tuple(sorted((k, v) for k, v in task["values"].items() if k.startswith("spec.")))
        if values in seen:
            continue
        seen.add(values)
        spec = EconomySpec.model_validate(task["spec"])
        for path, value in values:
            set_value(None, spec, path, value)
        yield spec


def tasks(sweep_path, only: set[int] | None = None, areas: list[str] | None = None, groups=None):
    """The sweep, its store manifest and design, and the tasks not yet done.

    ``areas``: the group of areas whose metrics are stored (``--area``); ``groups``:
    named groups of area codes added to the economy to serve it.
    """
    sweep, scenario, spec = load_sweep(sweep_path)
    if groups:
        spec = spec.model_copy(update={"groups": {**spec.groups, **groups}})
    points = design(sweep)
    plan = runs(sweep, points)
    scenario_data = scenario.model_dump(mode="json")
    spec_data = spec.model_dump(mode="json")
    by_point = points.set_index("point")
    todo = []
    for row in plan.itertuples(index=False):
        if only is not None and row.run not in only:
            continue
        todo.append(
            {
                "run": int(row.run),
                "point": int(row.point),
                "replicate": int(row.replicate),
                "values": {k: float(v) for k, v in by_point.loc[row.point].items()},
                "scenario": scenario_data,
                "spec": spec_data,
                "years": sweep.years,
                "metrics": sweep.metrics,
                "areas": areas,
            }
        )
    manifest = {
        "sweep": sweep.model_dump(mode="json"),
        "scenario": scenario.name,
        "spec": spec.name,
        "area": (areas or spec.report or ["the local-tier areas"])[0],  # whose metrics
        "design": sweep.design,
        "points": len(points),
        "runs": len(plan),
        "seed_scheme": f"SeedSequence({sweep.seed}, spawn_key=(run,))",
    }
    return sweep, manifest, points, todo


def sweep_fingerprint(sweep_path, todo: list[dict]) -> str:
    """SHA-256 of the sweep file and of the scenario and economy it resolves to.

    A changed scenario or base economy (not only a changed sweep file) makes a
    different sweep, which an existing store then refuses.
    """
    digest = hashlib.sha256(file_hash(sweep_path).encode())
    if todo:
        resolved = {"scenario": todo[0]["scenario"], "spec": todo[0]["spec"]}
        if todo[0].get("areas"):
            resolved["areas"] = todo[0]["areas"]
        digest.update(json.dumps(resolved, sort_keys=True).encode())
    return digest.hexdigest()


def run_sweep(
    sweep_path,
    out,
    evaluator: Evaluator | None = None,
    progress: Callable[[int, int], None] | None = None,
    areas: list[str] | None = None,
    groups: dict[str, list[str]] | None = None,
) -> dict:
    """Run (or resume) a sweep into the store at ``out``; return timing figures.

    Figures: ``runs`` run now, ``skipped`` (already stored), ``wall_seconds``,
    ``run_seconds`` (the runs' own time), ``workers`` and ``batches``.

    ``areas`` chooses whose metrics are stored (default: the economy's headline); the
    manifest names them. On workers with a memory limit (Dask), an economy whose
    estimated memory passes it is refused before anything runs.

    Run ``r`` has seed :func:`~cwbsim.scenarios.evaluators.replicate` ``(sweep.seed, r)``.
    Each finished batch of runs is committed to the store before the next is read.
    """
    sweep, manifest, points, todo = tasks(sweep_path, areas=areas, groups=groups)
    if todo and evaluator is not None:
        for spec in _sized_specs(todo):
            limits.worker_memory(spec, evaluator.memory_limit())
    store = Store(out)
    with store.lock():
        store.open(sweep_fingerprint(sweep_path, todo), manifest, points)
        store.clear_leftovers()
        finished = store.done()
        pending = [
            Task(t, replicate(sweep.seed, t["run"])) for t in todo if t["run"] not in finished
        ]
        owned = evaluator is None
        evaluator = evaluator or Evaluator()
        started = time.perf_counter()
        before = evaluator.run_seconds
        total = len(todo)

        def tick(done: int, _all: int) -> None:
            if progress:
                progress(len(finished) + done, total)

        def commit(batch) -> None:
            store.write([row for _task, rows in batch for row in rows])

        try:
            evaluator.map(run_task, pending, tick, commit)
        finally:
            if owned:
                evaluator.close()
        wall = time.perf_counter() - started
    return {
        "runs": len(pending),
        "skipped": len(todo) - len(pending),
        "wall_seconds": wall,
        "run_seconds": evaluator.run_seconds - before,
        "workers": evaluator.workers,
        "batches": evaluator.batches,
    }
