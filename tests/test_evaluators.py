"""The evaluators: the same results serially, in processes and on Dask; seeds by one recipe;
batches; Ctrl-C and a killed parent leave no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import tomli_w

from cwbsim.model.errors import InputError
from cwbsim.scenarios import evaluators
from cwbsim.scenarios.evaluation import Evaluator, Task
from cwbsim.scenarios.local_processes import ProcessEvaluator
from cwbsim.scenarios.seeds import Seed, as_seed, replicate, replicates

BIN = Path(sys.executable).parent
SWEEPS = Path(__file__).resolve().parents[1] / "cwbsim" / "scenarios" / "sweeps"


def draws(payload: int, seed: Seed, seconds: float = 0.0) -> tuple[int, float, int]:
    """A task whose result depends on its payload, its seed and nothing else."""
    time.sleep(seconds)
    rng = np.random.default_rng(seed.sequence())
    return payload, float(rng.random()), os.getpid()


def test_replicate_is_spawning_without_the_shared_counter():
    spawned = np.random.SeedSequence(2024).spawn(5)
    for index, child in enumerate(spawned):
        mine = replicate(2024, index).sequence()
        assert mine.generate_state(4).tolist() == child.generate_state(4).tolist()
    assert replicates(2024, 3) == [replicate(2024, i) for i in range(3)]
    assert as_seed(spawned[2]) == replicate(2024, 2)
    assert replicate(5, 1).record() == {"entropy": 5, "spawn_key": [1]}
    assert Seed(7).rng() == 7 and Seed(7).record() == 7  # a plain seed stays an int


def slow_draws(payload: int, seed: Seed) -> tuple[int, float, int]:
    """``draws`` taking 50 ms, so that workers start before the tasks run out."""
    return draws(payload, seed, 0.05)


def test_processes_give_the_serial_results_in_task_order_and_use_batches():
    tasks = [Task(i, replicate(11, i)) for i in range(60)]
    serial = Evaluator().map(draws, tasks)
    seen = []
    with ProcessEvaluator(2) as evaluator:
        parallel = evaluator.map(slow_draws, tasks, on_batch=lambda b: seen.append(len(b)))
        again = evaluator.map(slow_draws, tasks)  # the same workers, reused
    assert [r[:2] for r in parallel] == [r[:2] for r in serial]
    assert [r[:2] for r in again] == [r[:2] for r in serial]
    assert sum(seen) == 60
    assert len({pid for *_, pid in parallel} - {os.getpid()}) >= 1  # workers did run tasks
    # short tasks go out in batches of many once their run time is known
    assert max(seen) > 1 and evaluator.batches < 120


def test_dask_local_cluster_gives_the_serial_results():
    tasks = [Task(i, replicate(3, i)) for i in range(8)]
    serial = Evaluator().map(draws, tasks)
    with evaluators.make(dask_local=2) as evaluator:
        assert evaluator.workers == 2
        found = evaluator.map(draws, tasks)
    assert [r[:2] for r in found] == [r[:2] for r in serial]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"scheduler": "tcp://127.0.0.1:1", "dask_local": 2}, "not both"),
        ({"dask_local": 0}, "--dask-local: 0"),
        ({"workers": 0}, "--workers: 0"),
        ({"worker_memory": "8GB"}, "--worker-memory: only with --dask-local"),
        ({"dask_local": 2, "worker_memory": "lots"}, "--worker-memory: 'lots'"),
        ({"dask_local": 2, "worker_memory": "1MB"}, "at least 100MB"),
    ],
)
def test_contradictory_options_are_refused(options, message):
    with pytest.raises(InputError, match=message):
        evaluators.make(**options)


def hog(size: int, seed: Seed) -> int:
    """A task that holds ``size`` bytes for two seconds."""
    block = np.ones(size, dtype=np.uint8)
    time.sleep(2)
    return int(block[::4096].sum())


def test_a_worker_killed_for_memory_is_a_one_line_error():
    import dask

    tasks = [Task(10_000_000, Seed(1)), Task(1_500_000_000, Seed(2))]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with evaluators.make(dask_local=1, worker_memory="500MB") as evaluator:
            with pytest.raises(InputError, match=r"Dask worker died.*limit 0.5 GB"):
                evaluator.map(hog, tasks)


SLEEPER = textwrap.dedent(
    """
    import os, sys, time
    from cwbsim.scenarios.evaluation import Task
    from cwbsim.scenarios.local_processes import ProcessEvaluator
    from cwbsim.scenarios.seeds import Seed

    def sleep(payload, seed):
        open(os.path.join(sys.argv[1], f"{os.getpid()}.pid"), "w").close()
        time.sleep(120)

    if __name__ == "__main__":
        with ProcessEvaluator(2) as evaluator:
            evaluator.map(sleep, [Task(i, Seed(i)) for i in range(20)])
    """
)


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to ``pid`` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_die_with_a_killed_parent(tmp_path):
    script = tmp_path / "sleeper.py"
    script.write_text(SLEEPER)
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    deadline = time.time() + 60
    while time.time() < deadline and len(list(tmp_path.glob("*.pid"))) < 2:
        time.sleep(0.1)
    helpers = _descendants(parent.pid)  # workers, their forkserver, the resource tracker
    assert len(helpers) >= 3, helpers
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.1)
    assert not [p for p in helpers if _alive(p)], "processes outlived their parent"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_a_sweep_keeps_its_runs_and_leaves_no_worker(tmp_path):
    sweep = {
        "name": "interrupted",
        "scenario": str(SWEEPS / "small-policy.toml"),
        "design": "lhs",
        "points": 60,
        "seeds": 2,
        "seed": 11,
        "years": 2,
        "metrics": ["local_share"],
        "parameter": [{"path": "scenario.intervention.0.weight", "range": [0.0, 5.0]}],
    }
    path = tmp_path / "sweep.toml"
    path.write_text(tomli_w.dumps(sweep))
    out = tmp_path / "store"
    process = subprocess.Popen(
        [str(BIN / "cwbsim"), "sweep", str(path), "--out", str(out), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job starts with Ctrl-C ignored; give the child the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 120
    while time.time() < deadline and not list((out / "runs").glob("run-*.parquet")):
        time.sleep(0.05)
    helpers = _descendants(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: finished runs are kept" in stderr and "Traceback" not in stderr
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.1)
    assert not [p for p in helpers if _alive(p)]
    assert not list((out / "runs").glob(".*"))  # no half-written file
