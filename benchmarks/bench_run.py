"""Wall time of the main job (``tierwise run``) with 1 and 2 workers, measured in one run.

Run: ``python benchmarks/bench_run.py [--quick] [--rounds N]``. Each measurement starts from an
empty cache (a fresh temporary folder) so nothing is reused between them; the 1- and 2-worker
jobs alternate round by round, and the best and median speed-up are printed with the load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from harness import emit, interleaved, load_text, ratio_figures

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
    parser.add_argument("--rounds", type=int, default=1, help="interleaved 1 / 2-worker rounds")
    args = parser.parse_args()
    modes = [True] if args.quick else [True, False]
    print(f"start: {load_text()}")
    for quick in modes:
        name = "quick" if quick else "full"
        times = interleaved(
            {1: lambda q=quick: timed_run(q, 1)[0], 2: lambda q=quick: timed_run(q, 2)[0]},
            args.rounds,
        )
        ratio = ratio_figures(times[1], times[2], higher_is_better=True)
        print(
            f"{name:<6} 1 worker {', '.join(f'{t:.1f}' for t in times[1])} s; 2 workers "
            f"{', '.join(f'{t:.1f}' for t in times[2])} s; speed-up best {ratio['best']:.2f}x, "
            f"median {ratio['median']:.2f}x; {load_text()}",
            flush=True,
        )
        emit(f"run.{name}", serial_s=times[1], pooled_s=times[2], **ratio)


if __name__ == "__main__":
    main()
