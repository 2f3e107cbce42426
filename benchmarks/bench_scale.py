"""Scale: ``scenarios/sweeps/scale.yaml`` (1,000 variants x 5 one-week runs) on dask vs the pool.

Run from the repository root::

    python benchmarks/bench_scale.py --variants 100     # a 100-variant slice (~5 min, 2 cores)
    python benchmarks/bench_scale.py --variants 1000    # the whole sweep (~20 min per backend)
    python benchmarks/bench_scale.py --quick            # 10 variants

The first ``--variants`` variants of the spec run on a dask ``LocalCluster`` of 2
single-threaded workers with a progress bar (as ``tierwise sweep --backend dask`` shows it),
then again from the cache just written (the cached rerun), then on the 2-worker process pool.
Printed: runs/s of each, the cached rerun's time, dask's per-run overhead over the pool, and
the time the whole 5,000-run sweep would take at the measured rate. On a real cluster the same
spec runs with ``tierwise sweep scenarios/sweeps/scale.yaml --backend dask --scheduler
tcp://HOST:8786 --cache /shared/cache`` (docs/commands/sweep.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import tempfile
import time
from typing import Any

from harness import REPO, emit, load_text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from tierwise.simulation.experiments.sweep import SweepProgress, run_sweep
from tierwise.simulation.experiments.sweep_spec import SweepPlan, load_sweep

SPEC = REPO / "scenarios" / "sweeps" / "scale.yaml"


def sliced(plan: SweepPlan, variants: int) -> SweepPlan:
    """The plan with only its first ``variants`` variants."""
    return dataclasses.replace(plan, variants=tuple(plan.variants[:variants]))


def timed_sweep(plan: SweepPlan, label: str, **kwargs: Any) -> tuple[float, Any]:
    """Wall seconds and result of one sweep, with a progress bar."""
    total = len(plan.variants) * plan.replications
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def step(state: SweepProgress) -> None:
            bar.update(task, completed=state.done, total=state.total)

        start = time.perf_counter()
        result = run_sweep(plan, progress=step, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="10 variants")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    full = load_sweep(SPEC)
    plan = sliced(full, 10 if args.quick else args.variants)
    runs = len(plan.variants) * plan.replications
    full_runs = len(full.variants) * full.replications
    print(
        f"scale sweep: {len(plan.variants)} of {len(full.variants)} variants x "
        f"{plan.replications} replications = {runs} runs, {args.workers} workers; {load_text()}"
    )
    with tempfile.TemporaryDirectory() as cache:
        dask_s, on_dask = timed_sweep(
            plan, "dask", backend="dask", workers=args.workers, cache_dir=cache
        )
        logging.getLogger("distributed").setLevel(logging.ERROR)
        rerun_s, again = timed_sweep(plan, "cached", workers=args.workers, cache_dir=cache)
    assert on_dask.executed == runs and again.cached == runs and again.executed == 0
    pool_s, on_pool = timed_sweep(plan, "processes", workers=args.workers, cache_dir=None)
    assert on_pool.table.equals(on_dask.table), "dask and the process pool differ"
    overhead_ms = (dask_s - pool_s) / runs * 1000
    figures = {
        "variants": len(plan.variants),
        "runs": runs,
        "workers": args.workers,
        "dask_s": dask_s,
        "dask_runs_per_s": runs / dask_s,
        "pool_s": pool_s,
        "pool_runs_per_s": runs / pool_s,
        "cached_rerun_s": rerun_s,
        "dask_overhead_ms_per_run": overhead_ms,
        "full_runs": full_runs,
        "full_dask_s_projected": full_runs / (runs / dask_s),
    }
    print(
        f"dask       {dask_s:7.1f} s  {runs / dask_s:5.2f} runs/s (cluster start-up included)\n"
        f"processes  {pool_s:7.1f} s  {runs / pool_s:5.2f} runs/s\n"
        f"dask overhead {overhead_ms:+.0f} ms per run over the process pool\n"
        f"cached rerun {rerun_s:.2f} s ({rerun_s / runs * 1000:.1f} ms per run)\n"
        f"whole sweep ({full_runs} runs) at the dask rate: "
        f"{figures['full_dask_s_projected'] / 60:.0f} min on {args.workers} workers; "
        f"{load_text()}"
    )
    emit("scale.sweep", **figures)


if __name__ == "__main__":
    main()
