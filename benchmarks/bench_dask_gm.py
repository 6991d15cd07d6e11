"""A sweep of Greater Manchester runs on a local Dask cluster, into the resumable store.

Run: ``.venv/bin/python benchmarks/bench_dask_gm.py`` (40 runs of 2 years, one agent per
household, 2 workers of 8 GB each). Options: ``--runs``, ``--years``, ``--levels``,
``--household-weight``, ``--workers``, ``--worker-memory``, ``--scheduler ADDRESS``
(an existing cluster instead of a local one), ``--out``. A quick check:
``--household-weight 50 --years 1 --runs 4``.

What is run: the Greater Manchester city-region as ``cwbsim place "Greater Manchester"
--household-weight W`` builds it (ten places, 1,178,100 households, a council anchor per
district on the default assumptions) under Preston's policy, progressive procurement:
the ten councils weigh local social value in tenders from year 1, at full strength
(a supplier elsewhere in Greater Manchester worth 0.871 of one in the council's own
district, 92.9% of expiring contracts re-tendered: the medians of the Preston back-cast's
posterior). The question a strategist would ask: how strongly must the councils weigh
it to move the share of their procurement kept in Greater Manchester, and what does that
do to its households' income and jobs? The weight (``scenario.intervention.0.weight``)
goes from 0 (price only) to 8 at ``--levels`` levels, with ``runs / levels`` seeds each;
the metrics are Greater Manchester's (the spec's ``report``). The sweep goes through
``run_sweep`` and the Dask evaluator, as ``cwbsim sweep SWEEP --out STORE --dask-local 2
--worker-memory 8GB`` would.

(Sweeping the councils' starting local share, ``spec.anchors.*.procurement.local_share``,
would not answer it: ``region_share`` counts the own district and the rest of the region
together, so raising the local share at a fixed ``region_share`` moves spend from the
other nine districts to the council's own and leaves Greater Manchester's share as it
was.)

Everything lives in ``--out`` (default ``runs/bench-dask-gm``): the spec
``greater-manchester-wW.toml`` (built once, then reused), the sweep file and store
``sweep-wW-yY-rR.toml`` and ``store-wW-yY-rR/`` (``-lL``, ``-sS`` added for other
levels or seeds), and ``bench-wW-yY-rR.json`` (one record per invocation). Ctrl-C or a kill keeps every finished run; the same command resumes.
At the end a second invocation, ``cwbsim sweep`` on the same store, shows that nothing is
run again.

Memory per worker is each worker process's peak resident memory over the sweep
(``getrusage``'s ``ru_maxrss``, read from the workers when the sweep ends); a worker runs
one run at a time, so this is the largest run's peak plus what the worker holds itself
(its peak when the cluster started is printed too; on a local cluster the workers are
new, on an existing one, ``--scheduler``, the peak covers the worker's whole life). The
largest resident memory Dask itself reported for each worker, sampled every second, is
printed beside it.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import tomli_w

from cwbsim.model.errors import InputError
from cwbsim.scenarios.running import versions
from cwbsim.scenarios.sweep_store import Store

PARAMETER = "scenario.intervention.0.weight"
WEIGHTS = (0.0, 8.0)
"""Weight on local social value in tenders: price only, and the highest level swept."""
POLICY = {
    "type": "procurement_preference",
    "start_year": 1,
    "ramp_years": 0,
    "weight": WEIGHTS[1],
    "region_value": 0.871,
    "retender_share": 0.929,
}
"""Preston's policy (preston-procurement-shift: the back-cast posterior's medians), at once."""
METRICS = ["local_share", "region_share", "lm3", "local_income", "local_jobs"]
GB = 1e9


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="Runs in the sweep (default 40).")
    parser.add_argument("--years", type=int, default=2, help="Years per run (default 2).")
    parser.add_argument(
        "--levels", type=int, default=5, help="Levels of the local share (default 5)."
    )
    parser.add_argument(
        "--household-weight", type=int, default=1, help="Households per agent (default 1)."
    )
    parser.add_argument("--workers", type=int, default=2, help="Local Dask workers (default 2).")
    parser.add_argument(
        "--worker-memory", default="8GB", help="Memory limit per local worker (default 8GB)."
    )
    parser.add_argument("--scheduler", help="An existing Dask scheduler, tcp://HOST:8786.")
    parser.add_argument("--seed", type=int, default=2024, help="Root seed of the runs.")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-dask-gm"))
    args = parser.parse_args(argv)
    for name in ("runs", "years", "levels", "household_weight", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')}: at least 1")
    return args


def name(args) -> str:
    """What names a sweep's files: weight, years and runs (levels and seed where not default)."""
    tag = f"w{args.household_weight}-y{args.years}-r{args.runs}"
    tag += f"-l{args.levels}" if args.levels != 5 else ""
    return tag + (f"-s{args.seed}" if args.seed != 2024 else "")


def spec_file(folder: Path, weight: int) -> tuple[Path, float | None]:
    """The Greater Manchester spec at ``weight`` households per agent: reused, or built now."""
    path = folder / f"greater-manchester-w{weight}.toml"
    if path.exists():
        return path, None
    from cwbsim.calibration.place import PlaceOptions, build_place, write_place

    started = time.perf_counter()
    spec, notes = build_place("Greater Manchester", PlaceOptions(household_weight=weight))
    write_place(spec, notes, path)
    return path, time.perf_counter() - started


def scenario_file(folder: Path, spec: Path) -> Path:
    """The policy scenario on the spec (its base, by a path relative to the scenario)."""
    scenario = {
        "name": f"gm-progressive-procurement-{spec.stem.rsplit('-', 1)[-1]}",
        "description": "Greater Manchester's ten councils weigh local social value in tenders",
        "base": spec.name,
        "sources": ["Policy parameters: preston-procurement-shift (cwbsim's built-in library)"],
        "assumptions": [
            "Every council anchor is the place default (cwbsim place), not sourced spend.",
            "The policy is at full strength from year 1 (ramp_years = 0).",
        ],
        "intervention": [POLICY],
    }
    path = folder / f"progressive-procurement-{spec.stem.rsplit('-', 1)[-1]}.toml"
    path.write_text(tomli_w.dumps(scenario))
    return path


def sweep_file(folder: Path, scenario: Path, args) -> tuple[Path, int, int]:
    """Write the sweep (levels x seeds); return its path, the levels and the seeds per level."""
    levels = min(args.levels, args.runs)
    seeds = math.ceil(args.runs / levels)
    values = np.linspace(*WEIGHTS, levels) if levels > 1 else np.array(WEIGHTS[1:])
    sweep = {
        "name": f"gm-progressive-procurement-w{args.household_weight}",
        "description": "Greater Manchester: the councils' weight on local social value in "
        f"tenders from {WEIGHTS[0]:g} (price only) to {WEIGHTS[1]:g}",
        "scenario": scenario.name,
        "design": "grid",
        "points": levels,
        "seeds": seeds,
        "seed": args.seed,
        "years": args.years,
        "metrics": METRICS,
        "parameter": [{"path": PARAMETER, "values": [round(float(v), 4) for v in values]}],
    }
    path = folder / f"sweep-{name(args)}.toml"
    path.write_text(tomli_w.dumps(sweep))
    return path, levels, seeds


class MemorySampler:
    """The largest resident memory Dask reports for each worker, sampled every second."""

    def __init__(self, evaluator, seconds: float = 1.0):
        self.evaluator, self.seconds = evaluator, seconds
        self.largest: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                workers = self.evaluator.workers_info()
            except Exception:  # the client closing under us: the sweep is over
                return
            for address, info in workers.items():
                rss = int(info.get("metrics", {}).get("memory", 0))
                self.largest[address] = max(self.largest.get(address, 0), rss)


def outcome(store: Path) -> str:
    """Greater Manchester in the last year, by weight: means over the stored seeds."""
    rows = Store(store).results()
    last = rows[rows.year == rows.year.max()]
    table = last.groupby(f"param:{PARAMETER}").agg(
        seeds=("run", "size"),
        local_share=("local_share", "mean"),
        local_income=("local_income", "mean"),
        local_jobs=("local_jobs", "mean"),
    )
    lines = [f"results     Greater Manchester, year {int(last.year.max())} (mean over seeds):"]
    lines.append("  weight  seeds  procurement kept in GM  household income  jobs")
    for weight, row in table.iterrows():
        lines.append(
            f"  {weight:6.1f}  {int(row.seeds):5d}  {row.local_share:22.1%}  "
            f"{f'£{row.local_income / 1e9:,.2f}bn':>16}  {row.local_jobs:,.0f}"
        )
    return "\n".join(lines)


def resume_check(sweep: Path, store: Path) -> str:
    """What a second ``cwbsim sweep`` on the same store says (it should run nothing)."""
    command = [str(Path(sys.executable).parent / "cwbsim"), "sweep", str(sweep)]
    command += ["--out", str(store), "--workers", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    lines = (done.stdout + done.stderr).split()
    return f"exit {done.returncode}: {' '.join(lines)}"


def main(argv=None) -> int:
    args = arguments(argv)
    from cwbsim.scenarios import evaluators
    from cwbsim.scenarios.sweep_run import run_sweep

    args.out.mkdir(parents=True, exist_ok=True)
    spec, built = spec_file(args.out, args.household_weight)
    scenario = scenario_file(args.out, spec)
    sweep, levels, seeds = sweep_file(args.out, scenario, args)
    tag = name(args)
    store = args.out / f"store-{tag}"
    total = levels * seeds
    before = len(Store(store).done()) if (store / "manifest.json").exists() else 0
    how = f"built in {built:.1f} s" if built else "reused"
    print(f"spec        {spec} ({how})")
    print(f"sweep       {sweep}: {levels} levels of {PARAMETER} x {seeds} seeds = {total} runs")
    print(f"            {args.years} year(s) a run; store {store}")
    if before:
        print(f"resuming    {before} of {total} runs already in the store (skipped)")

    options = {"scheduler": args.scheduler} if args.scheduler else {
        "dask_local": args.workers, "worker_memory": args.worker_memory}  # fmt: skip
    record: dict = {"arguments": {k: str(v) for k, v in vars(args).items()}}
    started = time.perf_counter()
    try:
        with evaluators.make(**options) as evaluator:
            idle = {w["address"]: w["peak_rss"] for w in evaluator.worker_memory()}
            limit = evaluator.memory_limit()
            within = f"memory limit {limit / GB:.1f} GB each" if limit else "no memory limit"
            print(f"cluster     {evaluator.workers} Dask worker(s), {within}")
            last = [0.0]

            def tick(done: int, all_runs: int) -> None:
                now = time.perf_counter()
                if done and (now - last[0] > 30 or done == all_runs):
                    last[0] = now
                    print(f"  {done}/{all_runs} runs stored", flush=True)

            with MemorySampler(evaluator) as sampler:
                figures = run_sweep(sweep, store, evaluator, tick)
            workers = evaluator.worker_memory()
        whole = time.perf_counter() - started
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        stored = len(Store(store).done()) if (store / "manifest.json").exists() else 0
        print(
            f"\ninterrupted: {stored} of {total} runs are in {store}; run the same command to "
            "resume",
            file=sys.stderr,
        )
        return 130

    runs, wall = figures["runs"], figures["wall_seconds"]
    print(f"\nruns        {runs} run now ({before} skipped as already stored), {total} in all")
    print(f"wall        {wall:.1f} s from the first run sent to the last stored")
    print(f"            {whole:.1f} s with the cluster's start and stop")
    if runs:
        print(f"runs/hour   {runs / wall * 3600:.1f} on {figures['workers']} worker(s)")
        print(f"run time    {figures['run_seconds'] / runs:.1f} s per run (build and run, mean)")
        limited = f"limit {limit / GB:.1f} GB" if limit else "no limit"
        print(
            "memory      per worker: peak RSS of the worker process (getrusage ru_maxrss), "
            f"{limited}:"
        )
        for worker in workers:
            address = worker["address"]
            peak, start = worker["peak_rss"] or 0, idle.get(address) or 0
            print(
                f"  {address}: peak {peak / GB:.2f} GB (at start {start / GB:.2f} GB); "
                f"largest Dask reading {sampler.largest.get(address, 0) / GB:.2f} GB"
            )
    check = resume_check(sweep, store)
    print(f"resume      a second invocation (cwbsim sweep on the same store): {check}")
    print(outcome(store))

    record.update(
        {
            "spec": str(spec),
            "scenario": str(scenario),
            "sweep": str(sweep),
            "store": str(store),
            "levels": levels,
            "seeds": seeds,
            "runs_in_sweep": total,
            "runs_skipped": before,
            "runs": runs,
            "wall_seconds": wall,
            "wall_seconds_with_cluster": whole,
            "runs_per_hour": runs / wall * 3600 if runs else None,
            "mean_run_seconds": figures["run_seconds"] / runs if runs else None,
            "workers": figures["workers"],
            "memory_limit_bytes": limit,
            "memory": [
                {
                    **w,
                    "start_peak_rss": idle.get(w["address"]),
                    "dask_largest": sampler.largest.get(w["address"]),
                }
                for w in workers
            ],
            "memory_measure": "peak_rss: getrusage(RUSAGE_SELF).ru_maxrss of each worker "
            "process at the end; dask_largest: largest Dask worker memory reading, each second",
            "resume_check": check,
            "versions": versions(),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )
    log = args.out / f"bench-{tag}.json"
    history = json.loads(log.read_text()) if log.exists() else []
    log.write_text(json.dumps([*history, record], indent=2) + "\n")
    print(f"wrote       {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
