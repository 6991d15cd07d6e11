"""Evaluators: the one way a batch of simulations is run (serially, in local processes, or on Dask).

Modelled on the EMA Workbench's evaluators: the code that knows *what* to run
(a comparison, a sweep, a calibration) hands an evaluator a picklable
function and a list of :class:`~cwbsim.scenarios.evaluation.Task` (a payload
and its seed); the evaluator knows *how* to run them. The backends:
:class:`~cwbsim.scenarios.evaluation.Evaluator` (serial, in this process),
:class:`~cwbsim.scenarios.local_processes.ProcessEvaluator` and
:class:`~cwbsim.scenarios.dask_cluster.DaskEvaluator`. Every evaluator

- gives each task its seed (:class:`~cwbsim.scenarios.seeds.Seed`, made by one
  recipe) and calls ``function(payload, seed)``;
- sends tasks to workers in batches sized from the measured run time, so a
  batch runs for about a second (fewer round trips), and shrinks towards
  the end (no worker idles while another finishes a long batch);
- reports progress as ``progress(done, total)`` and hands each finished
  batch to ``on_batch`` (for results written as they go);
- keeps its workers for every ``map`` until it is closed (``with`` block),
  so a calibration's hundreds of small batches start the workers once;
- on Ctrl-C cancels what has not run, stops its workers and re-raises
  ``KeyboardInterrupt``; its workers ignore Ctrl-C themselves and exit on
  their own within a second if the parent dies (even by SIGKILL).
"""

from __future__ import annotations

import os

from cwbsim.model.errors import InputError
from cwbsim.scenarios.evaluation import Evaluator
from cwbsim.scenarios.local_processes import ProcessEvaluator


def make(
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    preload: tuple[str, ...] = (),
    worker_memory: str | int | None = None,
) -> Evaluator:
    """The evaluator the command-line options ask for.

    ``--scheduler ADDRESS`` uses an existing Dask cluster, ``--dask-local N`` starts
    one of N workers (each limited to ``worker_memory``, e.g. ``"8GB"``; default:
    the machine's memory shared equally), ``--workers 1`` runs in this process, and
    anything else uses local processes (default: one per core). ``preload`` names
    the modules of the functions to be mapped, for local workers to import once.
    """
    if scheduler and dask_local:
        raise InputError("--scheduler and --dask-local: give one or the other, not both")
    if worker_memory is not None and not dask_local:
        raise InputError(
            "--worker-memory: only with --dask-local (an existing cluster's workers keep "
            "the limit they were started with: dask worker --memory-limit)"
        )
    if dask_local is not None and dask_local < 1:
        raise InputError(f"--dask-local: {dask_local} (allowed: a whole number >= 1)")
    if workers is not None and workers < 1:
        raise InputError(f"--workers: {workers} (allowed: a whole number >= 1)")
    if scheduler or dask_local:
        from cwbsim.scenarios.dask_cluster import DaskEvaluator, parse_memory  # slow import

        return DaskEvaluator(scheduler, dask_local, parse_memory(worker_memory))
    if (workers or os.cpu_count() or 1) == 1:
        return Evaluator()
    return ProcessEvaluator(workers, preload)
