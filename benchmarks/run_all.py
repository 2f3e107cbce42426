"""Run every benchmark and regenerate the performance table of ``docs/benchmarks.md``.

Run from the repository root::

    python benchmarks/run_all.py --quick     # smoke sizes of every benchmark (~6 min, 2 cores)
    python benchmarks/run_all.py             # full sizes (~25 min)
    python benchmarks/run_all.py --only sweep validate

Each benchmark runs in its own process with ``$TIERWISE_BENCH_JSON`` set, so its ``BENCH``
lines (``benchmarks/harness.py``) land in ``benchmarks/results.jsonl`` (replaced by this run);
then ``benchmarks/report.py`` writes the table between the ``bench:start``/``bench:end``
markers of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from harness import REPO, load_text
from report import RESULTS, write_report

#: name → (script, extra arguments with --quick, extra arguments without).
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "engine": ("bench_engine.py", ["--quick"], []),
    "optimize": ("bench_optimize.py", [], []),
    "sweep": ("bench_sweep.py", ["--quick"], []),
    "validate": ("bench_validate.py", ["--quick"], []),
    "scale": ("bench_scale.py", ["--quick"], ["--variants", "100"]),
    "run": ("bench_run.py", ["--quick"], []),
    "optimality": ("bench_optimality.py", ["--quick"], []),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="a subset")
    args = parser.parse_args()
    names = args.only or list(BENCHMARKS)
    if not args.only:
        RESULTS.unlink(missing_ok=True)
    env = {**os.environ, "TIERWISE_BENCH_JSON": str(RESULTS)}
    print(f"benchmarks {', '.join(names)}; {load_text()}", flush=True)
    for name in names:
        script, quick, full = BENCHMARKS[name]
        start = time.perf_counter()
        command = [
            sys.executable,
            str(REPO / "benchmarks" / script),
            *(quick if args.quick else full),
        ]
        print(f"--- {name}: {' '.join(command[1:])}", flush=True)
        subprocess.run(command, cwd=REPO, env=env, check=True)
        print(f"--- {name} done in {time.perf_counter() - start:.0f} s; {load_text()}", flush=True)
    write_report(RESULTS, quick=args.quick)


if __name__ == "__main__":
    main()
