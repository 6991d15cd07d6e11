"""A Dask cluster as an evaluator: an existing one (a scheduler address) or a local one."""

from __future__ import annotations

import os

from cwbsim.model.errors import InputError
from cwbsim.scenarios.evaluation import PoolEvaluator, run_batch
from cwbsim.scenarios.local_processes import watch_parent


def parse_memory(text: str | int | None, option: str = "--worker-memory") -> int | None:
    """Bytes from a memory size (``8GB``, ``8GiB``, ``8000000000``); ``None`` stays ``None``.

    Raises
    ------
    InputError
        For a text that is not a size, or a size under 100 MB.
    """
    if text is None:
        return None
    from dask.utils import parse_bytes

    try:
        value = parse_bytes(text)
    except (ValueError, TypeError):
        value = None
    if value is None or value < 100e6:
        raise InputError(
            f"{option}: {text!r} (allowed: a memory size of at least 100MB per worker, "
            "e.g. 8GB or 6GiB)"
        )
    return int(value)


def _peak_rss() -> int:
    """Peak resident memory of the calling process so far, bytes (``ru_maxrss``)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # Linux counts KiB


class DaskEvaluator(PoolEvaluator):
    """A Dask cluster: an existing one (``scheduler`` address) or a local one of ``workers``.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:8786``); its workers keep the
        memory limits they were started with (``dask worker --memory-limit``).
    workers : int, optional
        Workers of a local cluster (one thread each; default: one per core).
    memory_limit : int, optional
        Memory limit of each local worker, bytes. Dask pauses a worker at 80% of
        it and restarts the worker at 95% (the run in progress is lost). Default:
        the machine's memory shared equally among the workers.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        memory_limit: int | None = None,
    ):
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
                memory_limit=memory_limit if memory_limit is not None else "auto",
            )
            self._client = Client(self._cluster)
            self._client.run(watch_parent)
        self.workers = max(1, sum(self._client.nthreads().values()))
        self._limit = self.memory_limit()  # for messages once a worker has died

    def memory_limit(self) -> int | None:
        """The smallest memory limit among the workers, bytes (``None`` if none has one)."""
        limits = [int(w.get("memory_limit") or 0) for w in self.workers_info().values()]
        return min((v for v in limits if v), default=None)

    def workers_info(self) -> dict[str, dict]:
        """The scheduler's record of each worker, by address (``memory_limit``, ``metrics``...)."""
        try:
            return self._client.scheduler_info(n_workers=-1)["workers"]  # all, not the first 5
        except TypeError:  # distributed before 2025 lists every worker and has no n_workers
            return self._client.scheduler_info()["workers"]

    def worker_memory(self) -> list[dict]:
        """Each worker's ``address``, memory ``limit``, current ``rss`` and ``peak_rss``, bytes.

        ``rss`` is Dask's own reading of the worker process; ``peak_rss`` the process's
        peak resident memory since it started (``getrusage``'s ``ru_maxrss``), so it
        includes every run the worker has done. ``limit`` is 0 for no limit.
        """
        info = self.workers_info()
        try:
            peaks = self._client.run(_peak_rss)
        except Exception:  # a worker gone while asked; the others still answer next time
            peaks = {}
        return [
            {
                "address": address,
                "limit": int(worker.get("memory_limit") or 0),
                "rss": int(worker.get("metrics", {}).get("memory", 0)),
                "peak_rss": peaks.get(address),
            }
            for address, worker in sorted(info.items())
        ]

    def _submit(self, function, batch):
        return self._client.submit(run_batch, function, batch, pure=False)

    def _wait(self, pending, timeout):
        from distributed import wait

        done = list(wait(pending, timeout, return_when="FIRST_COMPLETED").done)
        for future in done:
            if future.status == "error":
                self._killed(future)
        return done

    def _killed(self, future) -> None:
        """Raise a one-line InputError for a batch whose workers died (a run's own error passes)."""
        from distributed import KilledWorker

        error = future.exception()
        if isinstance(error, KilledWorker):
            limit = self._limit
            within = f" (limit {limit / 1e9:.1f} GB per worker)" if limit else ""
            raise InputError(
                f"a Dask worker died running a batch, every time it was tried: out of "
                f"memory{within}? Finished runs were kept; give each worker more memory "
                "(--worker-memory, or dask worker --memory-limit) or raise household_weight"
            ) from None

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
