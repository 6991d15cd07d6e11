"""Engine benchmark: full-scale Preston for 10 years, and vectorised vs reference speed.

Run: ``.venv/bin/python benchmarks/bench_engine.py``. Prints figures; asserts nothing.
Targets (issue 2): build + run <= 5 s and peak memory <= 1.5 GB on a 2-core machine;
vectorised >= 100x faster per step than the reference engine, with equal results.
"""

from __future__ import annotations

import resource
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402

from cwbsim.model.economy import LocalEconomy  # noqa: E402
from cwbsim.model.spec.files import load_spec  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - T0


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def full_scale(seed: int = 1) -> None:
    spec = load_spec("preston-2012")
    t = time.perf_counter()
    model = LocalEconomy(spec, rng=seed)
    build = time.perf_counter() - t
    t = time.perf_counter()
    model.run_years(10)
    run = time.perf_counter() - t
    t = time.perf_counter()
    graph = model.graph
    graph_seconds = time.perf_counter() - t
    print("Full-scale Preston (preston-2012), 10 years of monthly steps, vectorised engine")
    print(f"  agents                 {model.economy.n:,}")
    print(f"  edges                  {graph.number_of_edges():,}")
    print(f"  import seconds         {IMPORT_SECONDS:.2f}")
    print(f"  build seconds          {build:.2f}")
    print(f"  run seconds            {run:.2f}  ({1e3 * run / 120:.1f} ms per step)")
    print(f"  build + run seconds    {build + run:.2f}  (target <= 5)")
    print(f"  import+build+run       {IMPORT_SECONDS + build + run:.2f}")
    print(
        f"  graph on demand        {graph_seconds:.2f} s (networkx MultiDiGraph, not needed to run)"
    )
    print(
        f"  peak memory            {peak_memory_mb():,.0f} MB  (target <= 1,536; after the graph)"
    )
    print(f"  conservation gap       {model.state.imbalance():.1e}")


def small_preston(households: int = 2000):
    """Preston scaled down to ``households`` households (firms, staff and contracts alike)."""
    spec = load_spec("preston-2012")
    factor = households / spec.households[0].count
    spec.households[0].count = households
    for firms in spec.firms:
        firms.count = max(10, round(firms.count * factor))
    for anchor in spec.anchors:
        anchor.staff = max(1, round(anchor.staff * factor))
        anchor.procurement.contracts = max(10, round(anchor.procurement.contracts * factor))
    return spec


def engine_ratio(steps: int = 24, seed: int = 3) -> None:
    """Time the vectorised and reference engines on the 2,000-household economy; print.

    Each engine's model runs ``steps`` whole steps through ``model.step()``, with
    ``model.engine.step`` wrapped to time the money step inside it.

    Notes
    -----
    The step counter. An earlier version called ``engine.step``, the recorder,
    ``_adapt`` and the DataCollector by hand, so ``model.steps`` stayed 0 and every
    timed step ran as a quarterly review (``steps % review_months == 0``) and a year
    end (``steps % 12 == 0``): it timed the adaptive rules at their most expensive.
    It now calls ``model.step()``. Mesa 3.5.1's ``Model.__init__`` replaces the
    instance's ``step`` with ``_wrapped_step``, which advances ``model.time`` by one
    through the event list; the scheduled ``_do_step`` adds 1 to ``model.steps``
    before calling ``LocalEconomy.step``, so step ``k`` sees ``model.steps == k``
    and reviews come quarterly, year ends yearly. The check after the loop makes a
    return of the old flaw fail loudly.
    """
    spec = small_preston()
    timings = {}
    models = {}
    for engine in ("vectorised", "reference"):
        model = LocalEconomy(spec, rng=seed, engine=engine)
        if engine == "reference":
            _ = model.graph  # built before timing, so the reference step times its walk only
        engine_seconds = [0.0]
        money_step = model.engine.step

        def timed(state, money_step=money_step, spent=engine_seconds):
            start = time.perf_counter()
            flows = money_step(state)
            spent[0] += time.perf_counter() - start
            return flows

        model.engine.step = timed
        t = time.perf_counter()
        for _ in range(steps):
            model.step()  # Mesa advances model.steps, so reviews come quarterly, years yearly
        if model.steps != steps:
            raise RuntimeError(f"model.steps is {model.steps} after {steps} steps")
        timings[engine] = (engine_seconds[0] / steps, (time.perf_counter() - t) / steps)
        models[engine] = model
    fast, slow = models["vectorised"], models["reference"]
    gap = np.max(
        np.abs(fast.state.cash - slow.state.cash) / np.maximum(np.abs(slow.state.cash), 1.0)
    )
    print(
        f"Vectorised vs reference engine, {fast.economy.n:,} agents (2,000 households), {steps} steps"
    )
    print(f"  reference engine step  {1e3 * timings['reference'][0]:.2f} ms")
    print(f"  vectorised engine step {1e3 * timings['vectorised'][0]:.3f} ms")
    print(
        f"  engine speed ratio     {timings['reference'][0] / timings['vectorised'][0]:.0f}x  (target >= 100)"
    )
    print(
        f"  whole model step ratio {timings['reference'][1] / timings['vectorised'][1]:.0f}x (incl. metrics, tenders, DataCollector)"
    )
    print(f"  max relative cash gap  {gap:.1e}")


if __name__ == "__main__":
    full_scale()
    engine_ratio()
