"""Running a sweep: tasks carry specs (not models); local processes, serial, or Dask.

Each task is a plain dictionary (the scenario and economy as JSON-ready data,
the parameter values, the run's seed), so any worker can build the model
itself. Results are committed to the store as each run finishes; memory holds
only the runs in flight.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

from cwbsim.model.errors import InputError
from cwbsim.model.spec import EconomySpec
from cwbsim.scenarios.parameters import set_value
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario
from cwbsim.scenarios.sweep_design import design, run_seed, runs
from cwbsim.scenarios.sweep_schema import file_hash, load_sweep
from cwbsim.scenarios.sweep_store import Store


def run_task(task: dict) -> tuple[int, list[dict], float]:
    """Build and run one replication; return its id, rows (one per year) and seconds taken."""
    start = time.perf_counter()
    scenario = Scenario.model_validate(task["scenario"])
    spec = EconomySpec.model_validate(task["spec"])
    for path, value in task["values"].items():
        set_value(scenario, spec, path, value)
    seed = run_seed(task["entropy"], task["run"])
    years = run_scenario(scenario, spec, seed, task["years"]).years
    rows = [
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
    return task["run"], rows, time.perf_counter() - start


def tasks(sweep_path, only: set[int] | None = None):
    """The sweep, its store manifest and design, and the tasks not yet done."""
    sweep, scenario, spec = load_sweep(sweep_path)
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
                "entropy": sweep.seed,
                "values": {k: float(v) for k, v in by_point.loc[row.point].items()},
                "scenario": scenario_data,
                "spec": spec_data,
                "years": sweep.years,
                "metrics": sweep.metrics,
            }
        )
    manifest = {
        "sweep": sweep.model_dump(mode="json"),
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
        digest.update(json.dumps(resolved, sort_keys=True).encode())
    return digest.hexdigest()


def run_sweep(
    sweep_path,
    out,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Run (or resume) a sweep into the store at ``out``; return timing figures."""
    _sweep, manifest, points, todo = tasks(sweep_path)
    store = Store(out)
    store.open(sweep_fingerprint(sweep_path, todo), manifest, points)
    finished = store.done()
    pending = [t for t in todo if t["run"] not in finished]
    total, done = len(todo), len(finished)
    if progress:
        progress(done, total)
    started = time.perf_counter()
    run_seconds = 0.0

    def commit(run: int, rows: list[dict], seconds: float) -> None:
        nonlocal done, run_seconds
        store.write(run, rows)
        done += 1
        run_seconds += seconds
        if progress:
            progress(done, total)

    if scheduler or dask_local:
        workers_used = _run_dask(pending, commit, scheduler, dask_local)
    elif (workers or os.cpu_count() or 1) == 1:
        workers_used = 1
        for task in pending:
            commit(*run_task(task))
    else:
        workers_used = workers or os.cpu_count() or 1
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers_used, mp_context=context) as pool:
            futures = [pool.submit(run_task, task) for task in pending]
            for future in as_completed(futures):
                commit(*future.result())
    wall = time.perf_counter() - started
    return {
        "runs": len(pending),
        "wall_seconds": wall,
        "run_seconds": run_seconds,
        "workers": workers_used,
    }


def _run_dask(pending, commit, scheduler: str | None, dask_local: int | None) -> int:
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise InputError(
                    f"--scheduler: cannot reach {scheduler} within 10 s ({type(error).__name__}); "
                    "expected a running dask scheduler (nothing was changed)"
                ) from None
        else:
            cluster = LocalCluster(
                n_workers=dask_local, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        with client:
            workers = len(client.scheduler_info()["workers"]) or 1
            futures = [client.submit(run_task, task, pure=False) for task in pending]
            for future in dask_completed(futures):
                commit(*future.result())
                future.release()
        return workers
    finally:
        if cluster is not None:
            cluster.close()
