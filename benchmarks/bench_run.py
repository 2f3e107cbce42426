"""Wall time of the main job (``tierwise run``) with 1 and 2 workers, measured in one run.

Run: ``python benchmarks/bench_run.py [--quick]``. Each measurement starts from an empty cache
(a fresh temporary folder) so nothing is reused between them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tierwise.pipeline import PipelineConfig, run_pipeline

SCENARIO = "default"  # the bundled scenario (tierwise.simulation.scenario.library)


def timed_run(quick: bool, workers: int) -> tuple[float, int, str]:
    """Seconds, simulated runs and plan status of one end-to-end job."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = run_pipeline(
            SCENARIO, Path(tmp) / "out", PipelineConfig(quick=quick, workers=workers)
        )
        elapsed = time.perf_counter() - t0
    return elapsed, report.sweep.executed, report.plan.status.value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the --quick job")
    args = parser.parse_args()
    modes = [True] if args.quick else [True, False]
    print(f"{'job':<8} {'workers':>7} {'runs':>5} {'wall_s':>8} {'status':<10}")
    for quick in modes:
        times = {}
        for workers in (1, 2):
            elapsed, runs, status = timed_run(quick, workers)
            times[workers] = elapsed
            name = "quick" if quick else "full"
            print(f"{name:<8} {workers:>7} {runs:>5} {elapsed:>8.1f} {status:<10}", flush=True)
        print(f"{'':<8} speed-up 2 vs 1 workers: {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    main()
