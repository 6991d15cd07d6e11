"""Memory per agent: build the Preston economy scaled up and run one month, in a fresh process.

Run: ``.venv/bin/python benchmarks/bench_memory.py [SCALES...]`` (default 1 3 10). Prints,
for each scale of households and firms (household weight 1), the agents built and the
peak memory the build and first month added, per agent. ``cwbsim.model.build.size``
refuses, before building, a spec whose estimate passes the memory available.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, resource, sys
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.spec.files import load_spec
k = float(sys.argv[1])
spec = load_spec("preston-2012")
spec = spec.model_copy(update={
    "households": [h.model_copy(update={"count": int(h.count * k), "household_weight": 1})
                   for h in spec.households],
    "firms": [f.model_copy(update={"count": int(f.count * k)}) for f in spec.firms],
})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model = LocalEconomy(spec, rng=1)
model.step()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"agents": model.economy.n, "added_kb": after - before}))
"""


def main(scales: list[float]) -> None:
    from cwbsim.model.build.size import BYTES_PER_AGENT

    print(f"{'scale':>6} {'agents':>10} {'peak added':>12} {'per agent':>10}")
    for scale in scales:
        found = subprocess.run(
            [sys.executable, "-c", CHILD, str(scale)], capture_output=True, text=True, check=True
        )
        row = json.loads(found.stdout)
        per_agent = row["added_kb"] * 1024 / row["agents"]
        print(
            f"{scale:>6g} {row['agents']:>10,} {row['added_kb'] / 1024:>9,.0f} MB "
            f"{per_agent:>8,.0f} B"
        )
    print(f"estimate used before building: {BYTES_PER_AGENT:,} bytes per agent")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1.0, 3.0, 10.0])
