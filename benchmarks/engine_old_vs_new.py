"""Old engine against new in one interleaved run: two checkouts, a fresh process per side and round.

Run: ``python benchmarks/engine_old_vs_new.py --old /work/main --new . [--rounds 9]``.

Each round runs, for each side in turn (the side that goes first alternates), one fresh Python
process with ``PYTHONPATH`` and the working directory set to that side's checkout; the process
times (CPU time) the benchmarks of ``bench_engine.py`` of that checkout: the default scenario
over 12 days (orders per CPU second), the M/M/c and the priority queue (calls per CPU second).
Printed: per benchmark the median and best rate of each side and the median, best and worst
of the round-by-round ratio new / old, with the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from harness import load_text

#: What one side's process runs (in its checkout), printing one JSON object of rates.
CHILD = r"""
import json, sys
sys.path.insert(0, "benchmarks")
import bench_engine as b
runs = {
    "default": lambda: b.default_orders(12),
    "mmc": lambda: b.engine_mmc(6),
    "priority": lambda: b.engine_priority(18),
}
print(json.dumps({name: b.cpu_rate(runs[name]) for name in sys.argv[1].split(",")}))
"""


def side_rates(checkout: Path, benchmarks: str) -> dict[str, float]:
    """The rates of one fresh process in ``checkout``."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, benchmarks],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old engine")
    parser.add_argument("--new", type=Path, default=Path("."), help="checkout of the new one")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--benchmarks", default="default,mmc,priority")
    args = parser.parse_args()
    sides = {"old": args.old.resolve(), "new": args.new.resolve()}
    rates: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    print(f"start: {load_text()}")
    for k in range(args.rounds):
        for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
            rates[side].append(side_rates(sides[side], args.benchmarks))
    print(f"end: {load_text()}")
    for name in args.benchmarks.split(","):
        old = [r[name] for r in rates["old"]]
        new = [r[name] for r in rates["new"]]
        ratios = [n / o for n, o in zip(new, old, strict=True)]
        print(
            f"{name}: old median {statistics.median(old):,.0f} best {max(old):,.0f}; new median "
            f"{statistics.median(new):,.0f} best {max(new):,.0f} per CPU s; new/old median "
            f"{statistics.median(ratios):.2f}, best {max(ratios):.2f}, worst {min(ratios):.2f} "
            f"over {len(ratios)} rounds"
        )


if __name__ == "__main__":
    main()
