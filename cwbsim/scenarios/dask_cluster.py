"""A Dask cluster as an evaluator: an existing one (a scheduler address) or a local one."""

from __future__ import annotations

import os

from cwbsim.model.errors import InputError
from cwbsim.scenarios.evaluation import PoolEvaluator, run_batch
from cwbsim.scenarios.local_processes import watch_parent


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
