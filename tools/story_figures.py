"""Write the model's figures for the app's first screen (Preston's story).

Run: ``.venv/bin/python tools/story_figures.py [--runs 40] [--workers 2] [--out PATH]``.
Runs ``preston-backcast`` over ``--runs`` seeds three ways (at its fitted central
values, on posterior draws of the three fitted tendering parameters, and with tenders
on price only), 4 years each, and writes ``cwbsim/viz/story_figures.json``
(:func:`cwbsim.viz.story.compute`). Seeds: run ``i`` of each kind uses child ``i`` of
``SeedSequence(201617)``; the draws are a Latin hypercube from the same root.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cwbsim.scenarios import evaluators
from cwbsim.viz import story


def main(argv: list[str] | None = None) -> None:
    """Compute the figures, write them, and print the headline numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=story.RUNS, help="runs of each kind")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    parser.add_argument("--out", type=Path, default=story.FIGURES, help="JSON file to write")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error(f"--runs {args.runs}: expected a whole number >= 2 (a spread needs two)")
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} runs", end="", file=sys.stderr, flush=True)

    with evaluators.make(args.workers, preload=("cwbsim.viz.story",)) as evaluator:
        figures = story.compute(args.runs, story.ROOT, evaluator, progress)
    story.write(figures, args.out)
    seconds = time.perf_counter() - start
    print(f"\nwrote {args.out} in {seconds:.0f} s ({2 * args.runs} runs)", file=sys.stderr)
    for label, published, model in story.outcome_rows(figures):
        print(f"{label}: published {published}; model {model}")


if __name__ == "__main__":
    main()
