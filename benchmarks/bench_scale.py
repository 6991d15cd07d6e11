"""City-region scale: build and run time, step costs and peak memory, Preston to Greater Manchester.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--years N] [--cases ...] [--no-minimal]
[--graph]``. Each case runs in a fresh process (so its peak memory is its own), all
adaptive rules on, seed 1:

- Preston alone (``preston-2012``, 59,600 households, one agent each), and Preston with
  its households and firms times 4 and times 16 (one agent per household): step cost
  against agents;
- Lancashire as fourteen places (``lancashire-2012``, 11 households per agent);
- Greater Manchester (``cwbsim place "Greater Manchester"``, ten places, about 1.18
  million households, one agent per household).

For each it prints the build and run seconds, milliseconds per whole step and per money
step (``engine.step``, ledger included, timed inside ``model.step``), their ratio, peak
memory (before the minimal model below is built), and the money step of a minimal
per-agent Mesa 3 model of the same flows (``benchmarks/mesa_minimal.py``: each agent's
``step()`` loops over its out-edges into its payees' next-step inboxes), timed over one
step after the run, with its ratio to the money step. ``--graph`` also builds the
networkx graph of the relationships and prints its seconds and memory. Issue 15's
targets and what limits them are in the README (Benchmarks).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CASES = {
    "Preston": ("preston-2012", None, 1),
    "Preston x4": ("preston-2012", None, 4),
    "Preston x16": ("preston-2012", None, 16),
    "Lancashire (14 places)": ("lancashire-2012", None, 1),
    "Greater Manchester (10 places)": ("Greater Manchester", 1, 1),
}

GRAPH_EDGES_MAX = 3_000_000
"""Larger economies get an estimate of the graph's memory from the smaller ones'."""


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _spec(target: str, weight: int | None, scale: int):
    """The case's spec: built-in, scaled Preston, or a place built from official data."""
    from cwbsim.calibration.place import PlaceOptions, place_spec
    from cwbsim.model.spec.files import load_spec

    if weight is not None:
        return place_spec(target, PlaceOptions(household_weight=weight))
    spec = load_spec(target)
    if scale == 1:
        return spec
    return spec.model_copy(
        update={
            "households": [
                h.model_copy(update={"count": h.count * scale, "household_weight": 1})
                for h in spec.households
            ],
            "firms": [f.model_copy(update={"count": f.count * scale}) for f in spec.firms],
        }
    )


def one(name: str, years: int, minimal: bool, graph: bool) -> dict:
    """Build and run one case in this process; return its figures."""
    from cwbsim.model.economy import LocalEconomy

    target, weight, scale = CASES[name]
    spec = _spec(target, weight, scale)
    started = time.perf_counter()
    model = LocalEconomy(spec, rng=1)
    built = time.perf_counter() - started
    engine_step = model.engine.step
    money = [0.0]

    def timed(state):
        t = time.perf_counter()
        flows = engine_step(state)
        money[0] += time.perf_counter() - t
        return flows

    model.engine.step = timed
    started = time.perf_counter()
    model.run_years(years)
    ran = time.perf_counter() - started
    steps = years * 12
    economy = model.economy
    out = {
        "households": int(economy.weight[economy.household_idx].sum()),
        "agents": int(economy.n),
        "edges": int(sum(len(e) for e in economy.edges.values())),
        "build_s": built,
        "run_s": ran,
        "years": years,
        "step_ms": 1000 * ran / steps,
        "money_step_ms": 1000 * money[0] / steps,
        "peak_gb": _peak_gb(),
    }
    if graph and out["edges"] <= GRAPH_EDGES_MAX:
        started = time.perf_counter()
        size = len(model.graph.edges)
        out["graph_s"] = time.perf_counter() - started
        out["graph_edges"] = size
        out["graph_peak_gb"] = _peak_gb()
    if minimal:
        from mesa_minimal import minimal_model, time_steps

        model.engine.step = engine_step
        started = time.perf_counter()
        plain = minimal_model(model)
        out["minimal_build_s"] = time.perf_counter() - started
        out["minimal_step_ms"] = 1000 * time_steps(plain, 1)
    return out


def main() -> None:
    """Run every case in its own process and print the tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--no-minimal", action="store_true", help="skip the minimal Mesa model")
    parser.add_argument("--graph", action="store_true", help="also build the networkx graph")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(one(args.case, args.years, not args.no_minimal, args.graph)))
        return
    print(
        "| economy | households | agents | build s | run s (years) | build + run s | "
        "ms per step | money step ms | whole / money | peak GB | minimal Mesa step ms | "
        "minimal / money |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = {}
    for name in args.cases:
        command = [sys.executable, __file__, "--case", name, "--years", str(args.years)]
        command += ["--no-minimal"] if args.no_minimal else []
        command += ["--graph"] if args.graph else []
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        r = rows[name] = json.loads(output.strip().splitlines()[-1])
        minimal = (
            f"{r['minimal_step_ms']:,.0f} | {r['minimal_step_ms'] / r['money_step_ms']:.0f}x"
            if "minimal_step_ms" in r
            else "- | -"
        )
        print(
            f"| {name} | {r['households']:,} | {r['agents']:,} | {r['build_s']:.1f} | "
            f"{r['run_s']:.1f} ({r['years']}) | {r['build_s'] + r['run_s']:.1f} | "
            f"{r['step_ms']:.0f} | {r['money_step_ms']:.1f} | "
            f"{r['step_ms'] / r['money_step_ms']:.1f}x | {r['peak_gb']:.2f} | {minimal} |",
            flush=True,
        )
    if args.graph:
        print("\n| economy | graph edges | graph build s | peak GB with graph |")
        print("|---|---|---|---|")
        built = [r for r in rows.values() if "graph_s" in r]
        per_edge = max(
            ((r["graph_peak_gb"] - r["peak_gb"]) / r["graph_edges"] for r in built), default=0.0
        )
        for name, r in rows.items():
            if "graph_s" in r:
                print(
                    f"| {name} | {r['graph_edges']:,} | {r['graph_s']:.1f} | "
                    f"{r['graph_peak_gb']:.2f} |"
                )
            else:
                print(
                    f"| {name} | {r['edges']:,} | not built | about "
                    f"{r['peak_gb'] + per_edge * r['edges']:.1f} (estimate) |"
                )
    scaled = [n for n in ("Preston", "Preston x4", "Preston x16") if n in rows]
    if len(scaled) > 1:
        first = rows[scaled[0]]
        print("\nStep cost against agents (Preston = 1):")
        for name in scaled:
            r = rows[name]
            print(
                f"  {name}: agents x{r['agents'] / first['agents']:.1f}, "
                f"whole step x{r['step_ms'] / first['step_ms']:.1f}, "
                f"money step x{r['money_step_ms'] / first['money_step_ms']:.1f}, "
                f"build x{r['build_s'] / first['build_s']:.1f}"
            )


if __name__ == "__main__":
    main()
