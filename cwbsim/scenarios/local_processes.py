"""Local worker processes, forked from one process that imports the model once (a forkserver).

Workers ignore Ctrl-C (the parent stops them) and exit when the parent dies,
even by SIGKILL: each holds the read end of a pipe whose only write end the
parent holds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent import futures as cf

from cwbsim.model.errors import InputError
from cwbsim.scenarios.evaluation import PoolEvaluator, run_batch

WATCH_SECONDS = 0.5
"""How often a worker without a lifeline checks that its parent is alive (s)."""
PRELOAD = ("cwbsim.scenarios.sweep_run", "cwbsim.scenarios.compare")
"""Modules the workers' parent imports once, before the workers are forked from it."""


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
