"""The evaluator interface: tasks, batches, and the serial evaluator every backend builds on.

See :mod:`cwbsim.scenarios.evaluators` for what every evaluator promises.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent import futures as cf
from dataclasses import dataclass
from typing import Any

from cwbsim.scenarios.seeds import Seed

BATCH_SECONDS = 1.0
"""Wanted run time of one batch (s): long enough that sending it costs little."""
WARM_CHECK_SECONDS = 0.1
"""While workers start, how often the evaluator looks whether they are ready (s)."""


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

    def memory_limit(self) -> int | None:
        """The memory each worker may use, bytes, where the backend sets one (else ``None``)."""
        return None

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
            for future in self._wait(list(in_flight), None if warm else WARM_CHECK_SECONDS):
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
