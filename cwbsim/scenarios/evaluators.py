"""Evaluators: the one way a batch of simulations is run (serially, in local processes, or on Dask).

Modelled on the EMA Workbench's evaluators: the code that knows *what* to run
(a comparison, a sweep, a calibration) hands an evaluator a picklable
function and a list of :class:`Task` (a payload and its :class:`Seed`);
the evaluator knows *how* to run them. Every evaluator

- gives each task its seed (:class:`~cwbsim.scenarios.seeds.Seed`, made by one
  recipe) and calls ``function(payload, seed)``;
- sends tasks to workers in batches sized from the measured run time, so a
  batch runs for about :data:`BATCH_SECONDS` (fewer round trips) and shrinks
  towards the end (no worker idles while another finishes a long batch);
- reports progress as ``progress(done, total)`` and hands each finished
  batch to ``on_batch`` (for results written as they go);
- keeps its workers for every ``map`` until it is closed (``with`` block),
  so a calibration's hundreds of small batches start the workers once;
- on Ctrl-C cancels what has not run, stops its workers and re-raises
  ``KeyboardInterrupt``; its workers ignore Ctrl-C themselves and exit on
  their own within a second if the parent dies (even by SIGKILL).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent import futures as cf
from dataclasses import dataclass
from typing import Any

from cwbsim.model.errors import InputError
from cwbsim.scenarios.seeds import Seed

BATCH_SECONDS = 1.0
"""Wanted run time of one batch (s): long enough that sending it costs little."""
WATCH_SECONDS = 0.5
"""How often a worker checks that its parent is alive (s)."""
PRELOAD = ("cwbsim.scenarios.sweep_run", "cwbsim.scenarios.compare")
"""Modules the local workers' parent imports once, before the workers are forked from it."""


@dataclass(frozen=True)
class Task:
    """One run: what to run (a picklable payload) and its seed."""

    payload: Any
    seed: Seed


def run_batch(function: Callable, batch: list[tuple[int, Task]]) -> list[tuple[int, Any, float]]:
    """Run a batch in a worker: ``(index, function(payload, seed), seconds)`` for each task."""
    out = []
    for index, task in batch:
        start = time.perf_counter()
        result = function(task.payload, task.seed)
        out.append((index, result, time.perf_counter() - start))
    return out


def watch_parent(lifeline=None) -> None:
    """Exit this process soon after its parent dies (a daemon thread watches).

    With a ``lifeline`` (the read end of a pipe whose only write end the parent
    holds) the end of the pipe says so at once; without one, a change of parent
    process, checked every :data:`WATCH_SECONDS`. Local workers need the
    lifeline: they are children of the forkserver, which outlives a killed parent
    for as long as any worker lives.
    """
    parent = os.getppid()

    def watch() -> None:
        if lifeline is not None:
            try:
                lifeline.recv()
            except (EOFError, OSError):
                pass
        else:
            while os.getppid() == parent:
                time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="cwbsim-watch-parent", daemon=True).start()


def _start_worker(ready, lifeline) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    watch_parent(lifeline)
    ready.set()


def _in_thread(function: Callable, *args) -> cf.Future:
    """Run ``function(*args)`` in a daemon thread of this process (it never delays an exit)."""
    future: cf.Future = cf.Future()

    def work() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(function(*args))
            except BaseException as error:
                future.set_exception(error)

    threading.Thread(target=work, name="cwbsim-local-task", daemon=True).start()
    return future


class Evaluator:
    """Runs tasks; subclasses say where. Use as a context manager, or call ``close``."""

    name = "serial"
    workers = 1

    def __init__(self) -> None:
        self.run_seconds = 0.0
        self.batches = 0

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (nothing to stop when serial)."""

    def map(
        self,
        function: Callable,
        tasks: Sequence[Task],
        progress: Callable[[int, int], None] | None = None,
        on_batch: Callable[[list[tuple[Task, Any]]], None] | None = None,
    ) -> list:
        """Run ``function(payload, seed)`` for every task; return the results in task order.

        Parameters
        ----------
        function : callable
            A module-level function (workers import it by name).
        tasks : sequence of Task
        progress : callable, optional
            Called with (tasks done, tasks in all) after each batch.
        on_batch : callable, optional
            Called in this process with each finished batch's ``(task, result)`` pairs.
        """
        tasks = list(tasks)
        results: list = [None] * len(tasks)
        done = 0
        if progress:
            progress(0, len(tasks))
        try:
            for finished in self._run(function, list(enumerate(tasks))):
                for index, result, seconds in finished:
                    results[index] = result
                    self.run_seconds += seconds
                self.batches += 1
                if on_batch:
                    on_batch([(tasks[i], r) for i, r, _ in finished])
                done += len(finished)
                if progress:
                    progress(done, len(tasks))
        except KeyboardInterrupt:
            self.abort()
            raise
        return results

    def abort(self) -> None:
        """Stop at once: cancel what has not run and stop the workers."""
        self.close()

    def _run(self, function, indexed):
        for item in indexed:
            yield run_batch(function, [item])


class PoolEvaluator(Evaluator):
    """Shared by local processes and Dask: batches sized from measured run times."""

    def __init__(self) -> None:
        super().__init__()
        self._mean: float | None = None
        self._measured = 0

    def _learn(self, finished) -> None:
        for _, _, seconds in finished:
            self._measured += 1
            mean = self._mean or 0.0
            self._mean = mean + (seconds - mean) / self._measured

    def _size(self, remaining: int) -> int:
        if self._mean is None:
            return 1
        wanted = max(1, math.ceil(BATCH_SECONDS / max(self._mean, 1e-6)))
        fair = max(1, math.ceil(remaining / (2 * self.workers)))
        return min(wanted, fair)

    def _run(self, function, indexed):
        pending = deque(indexed)
        in_flight: dict[Any, list] = {}
        while pending or in_flight:
            warm = self._warm()
            if warm:
                while pending and len(in_flight) < 2 * self.workers:
                    size = min(self._size(len(pending)), len(pending))
                    batch = [pending.popleft() for _ in range(size)]
                    in_flight[self._submit(function, batch)] = batch
            elif pending and not in_flight:  # workers still starting: run one task here
                batch = [pending.popleft()]
                in_flight[_in_thread(run_batch, function, batch)] = batch
            for future in self._wait(list(in_flight), None if warm else WATCH_SECONDS / 5):
                del in_flight[future]
                finished = future.result()
                self._learn(finished)
                yield finished

    def _warm(self) -> bool:
        """Whether the workers are ready (until then this process runs tasks itself)."""
        return True

    def _submit(self, function, batch):  # pragma: no cover - overridden
        raise NotImplementedError

    def _wait(self, pending: list, timeout: float | None) -> list:  # pragma: no cover
        raise NotImplementedError


class ProcessEvaluator(PoolEvaluator):
    """Local worker processes, forked from one process that imports the model once.

    The workers start in the background as soon as the evaluator is made; until
    they are ready, this process runs tasks itself, so their start-up is not lost.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, preload: tuple[str, ...] = ()):
        super().__init__()
        self.workers = workers or os.cpu_count() or 1
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if self._context.get_start_method() == "forkserver":
            self._context.set_forkserver_preload([*PRELOAD, *preload])
        self._ready = self._context.Event()
        self._lifeline, self._holding = self._context.Pipe(duplex=False)
        self._pool: cf.ProcessPoolExecutor | None = None
        self._failed: BaseException | None = None
        self._probes: list[cf.Future] = []
        self._starter = threading.Thread(target=self._start, name="cwbsim-start-workers")
        self._starter.start()

    def _start(self) -> None:
        try:
            pool = cf.ProcessPoolExecutor(
                self.workers,
                mp_context=self._context,
                initializer=_start_worker,
                initargs=(self._ready, self._lifeline),
            )
            # a submission starts a worker; a failed start breaks these probes
            self._probes = [pool.submit(int) for _ in range(self.workers)]
            self._pool = pool
        except BaseException as error:
            self._failed = error

    def _warm(self) -> bool:
        broken = [p.exception() for p in self._probes if p.done() and p.exception()]
        if self._failed is not None or broken:
            reason = str(self._failed or broken[0]).strip().splitlines()[0]
            raise InputError(f"local worker processes could not start ({reason})")
        return self._pool is not None and self._ready.is_set()

    def _submit(self, function, batch):
        return self._pool.submit(run_batch, function, batch)

    def _wait(self, pending, timeout):
        try:
            done, _ = cf.wait(pending, timeout, return_when=cf.FIRST_COMPLETED)
        except cf.process.BrokenProcessPool:
            raise InputError(
                "a worker process died (out of memory?); nothing more was run"
            ) from None
        return list(done)

    def abort(self) -> None:
        """Stop the workers at once (a run in progress is lost; finished ones were handed on)."""
        self._starter.join()
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Stop the workers once they have finished what they hold."""
        self._starter.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEvaluator(PoolEvaluator):
    """A Dask cluster: an existing one (``scheduler`` address) or a local one of ``workers``."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        super().__init__()
        from distributed import Client, LocalCluster

        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise InputError(
                    f"--scheduler: cannot reach {scheduler} within 10 s ({type(error).__name__}); "
                    "expected a running dask scheduler (nothing was changed)"
                ) from None
        else:
            self._cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
            self._client.run(watch_parent)
        self.workers = max(1, sum(self._client.nthreads().values()))

    def _submit(self, function, batch):
        return self._client.submit(run_batch, function, batch, pure=False)

    def _wait(self, pending, timeout):
        from distributed import wait

        return list(wait(pending, timeout, return_when="FIRST_COMPLETED").done)

    def abort(self) -> None:
        """Cancel the cluster's tasks; a local cluster is closed."""
        self.close()

    def close(self) -> None:
        """Close the client (and the local cluster, if this evaluator started one)."""
        client, self._client = getattr(self, "_client", None), None
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make(
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    preload: tuple[str, ...] = (),
) -> Evaluator:
    """The evaluator the command-line options ask for.

    ``--scheduler ADDRESS`` uses an existing Dask cluster, ``--dask-local N`` starts
    one of N workers, ``--workers 1`` runs in this process, and anything else
    uses local processes (default: one per core). ``preload`` names the modules
    of the functions to be mapped, for local workers to import once.
    """
    if scheduler and dask_local:
        raise InputError("--scheduler and --dask-local: give one or the other, not both")
    if dask_local is not None and dask_local < 1:
        raise InputError(f"--dask-local: {dask_local} (allowed: a whole number >= 1)")
    if workers is not None and workers < 1:
        raise InputError(f"--workers: {workers} (allowed: a whole number >= 1)")
    if scheduler or dask_local:
        return DaskEvaluator(scheduler, dask_local)
    if (workers or os.cpu_count() or 1) == 1:
        return Evaluator()
    return ProcessEvaluator(workers, preload)
