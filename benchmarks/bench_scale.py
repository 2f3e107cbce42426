"""Scale: ``scenarios/sweeps/scale.yaml`` (1,000 variants x 5 one-week runs) on dask vs the pool.

Run from the repository root::

    python benchmarks/bench_scale.py --variants 100     # a 100-variant slice (~5 min, 2 cores)
    python benchmarks/bench_scale.py --variants 1000    # the whole sweep (~30 min per backend)
    python benchmarks/bench_scale.py --quick            # 10 variants
    python benchmarks/bench_scale.py --variants 1000 --dask-only   # the whole sweep on dask

With ``--dask-only`` the slice runs once, on dask only (no pool side, no chunks), as
``tierwise sweep scenarios/sweeps/scale.yaml --backend dask --cache DIR`` runs it, then once
more from its cache; printed: runs/s, the cached rerun's time, and every table row checked
against a rerun of a sample of variants on the process pool.

The first ``--variants`` variants of the spec are cut into ``--rounds`` chunks; each chunk
runs on a dask ``LocalCluster`` of 2 single-threaded workers (into a fresh cache) and on the
2-worker process pool, alternating which goes first, each with a progress bar (as ``tierwise
sweep --backend dask`` shows it); then the whole slice is rerun from the cache. Printed:
cluster start-up, runs/s of each backend, dask / pool time per chunk (best, median) and the
per-run overhead, the cached rerun's time, and the time the whole 5,000-run sweep would take
at the measured dask rate. On a real cluster the same
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

from harness import REPO, emit, interleaved, load_text, ratio_figures
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from tierwise.simulation.experiments.executor import make_executor
from tierwise.simulation.experiments.sweep import SweepProgress, run_sweep
from tierwise.simulation.experiments.sweep_spec import SweepPlan, load_sweep
from tierwise.simulation.experiments.tasks import one_line

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


def dask_only(plan: SweepPlan, dask: Any, startup_s: float, workers: int) -> None:
    """The whole slice once on dask into a fresh cache, then its cached rerun; a sample of 10
    variants rerun on the process pool must give the same rows."""
    runs = len(plan.variants) * plan.replications
    with tempfile.TemporaryDirectory() as cache:
        dask_s, result = timed_sweep(plan, "dask", executor=dask, cache_dir=cache)
        rerun_s, again = timed_sweep(plan, "cached", executor=dask, cache_dir=cache)
    dask.close()
    assert result.executed == runs and again.cached == runs and again.executed == 0
    step = max(len(plan.variants) // 10, 1)
    sample = dataclasses.replace(plan, variants=plan.variants[::step][:10])
    with make_executor("processes", workers) as pool:
        _, check = timed_sweep(sample, "pool sample", executor=pool)
    ids = set(check.table["variant_id"])
    mine = result.table[result.table["variant_id"].isin(ids)].reset_index(drop=True)
    assert mine.equals(check.table.reset_index(drop=True)), "dask and the process pool differ"
    figures = {
        "variants": len(plan.variants),
        "runs": runs,
        "workers": workers,
        "dask_startup_s": startup_s,
        "dask_s": dask_s,
        "dask_runs_per_s": runs / dask_s,
        "cached_rerun_s": rerun_s,
        "pool_sample_variants": len(ids),
    }
    print(
        f"dask LocalCluster start-up {startup_s:.1f} s; {runs} runs in {dask_s / 60:.1f} min, "
        f"{runs / dask_s:.2f} runs/s on {workers} workers; cached rerun {rerun_s:.1f} s; "
        f"{len(ids)} sampled variants equal on the process pool; {load_text()}"
    )
    emit("scale.full", **figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="10 variants")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="interleaved chunks")
    parser.add_argument("--dask-only", action="store_true", help="the slice on dask only, once")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    full = load_sweep(SPEC)
    plan = sliced(full, 10 if args.quick else args.variants)
    rounds = 2 if args.quick else args.rounds
    runs = len(plan.variants) * plan.replications
    full_runs = len(full.variants) * full.replications
    print(
        f"scale sweep: {len(plan.variants)} of {len(full.variants)} variants x "
        f"{plan.replications} replications = {runs} runs, {args.workers} workers, "
        f"{rounds} interleaved chunks; {load_text()}"
    )
    start = time.perf_counter()
    dask = make_executor("dask", args.workers)
    # the cluster is up and its workers have imported the engine (the pool's fork server
    # preloads it), so that start-up is not counted per run
    dask.map(one_line, [("warm",)] * 4 * args.workers)
    logging.getLogger("distributed").setLevel(logging.ERROR)  # dask's import reset it
    startup_s = time.perf_counter() - start
    if args.dask_only:
        dask_only(plan, dask, startup_s, args.workers)
        return
    pool = make_executor("processes", args.workers)
    pool.map(one_line, [("warm",)] * 4 * args.workers)
    size = -(-len(plan.variants) // rounds)
    chunks = [
        dataclasses.replace(plan, variants=plan.variants[k : k + size])
        for k in range(0, len(plan.variants), size)
    ]
    tables: dict[str, list[Any]] = {"dask": [], "processes": []}
    with tempfile.TemporaryDirectory() as cache:

        def side(name: str, chunk: SweepPlan) -> Any:
            def measure() -> float:
                elapsed, result = timed_sweep(
                    chunk,
                    name,
                    executor=dask if name == "dask" else pool,
                    cache_dir=cache if name == "dask" else None,
                )
                tables[name].append(result.table)
                return elapsed

            return measure

        times: dict[str, list[float]] = {"dask": [], "processes": []}
        for k, chunk in enumerate(chunks):
            order = ["dask", "processes"] if k % 2 == 0 else ["processes", "dask"]
            measured = interleaved({name: side(name, chunk) for name in order}, 1)
            for name, values in measured.items():
                times[name] += values
        rerun_s, again = timed_sweep(plan, "cached", executor=pool, cache_dir=cache)
    dask.close()
    pool.close()
    assert again.cached == runs and again.executed == 0
    for a, b in zip(tables["dask"], tables["processes"], strict=True):
        assert a.equals(b), "dask and the process pool differ"
    dask_s, pool_s = sum(times["dask"]), sum(times["processes"])
    ratio = ratio_figures(times["dask"], times["processes"])
    overhead_ms = (dask_s - pool_s) / runs * 1000
    figures = {
        "variants": len(plan.variants),
        "runs": runs,
        "workers": args.workers,
        "dask_startup_s": startup_s,
        "dask_s": dask_s,
        "dask_runs_per_s": runs / dask_s,
        "pool_s": pool_s,
        "pool_runs_per_s": runs / pool_s,
        "dask_over_pool_best": ratio["best"],
        "dask_over_pool_median": ratio["median"],
        "cached_rerun_s": rerun_s,
        "dask_overhead_ms_per_run": overhead_ms,
        "full_runs": full_runs,
        "full_dask_s_projected": startup_s + full_runs / (runs / dask_s),
    }
    print(
        f"dask       LocalCluster start-up {startup_s:.1f} s; {dask_s:7.1f} s  "
        f"{runs / dask_s:5.2f} runs/s\n"
        f"processes  {pool_s:7.1f} s  {runs / pool_s:5.2f} runs/s\n"
        f"dask / pool time per chunk: best {ratio['best']:.3f}, median {ratio['median']:.3f}; "
        f"overhead {overhead_ms:+.0f} ms per run\n"
        f"cached rerun {rerun_s:.2f} s ({rerun_s / runs * 1000:.1f} ms per run)\n"
        f"whole sweep ({full_runs} runs) at the dask rate: "
        f"{figures['full_dask_s_projected'] / 60:.0f} min on {args.workers} workers; "
        f"{load_text()}"
    )
    emit("scale.sweep", **figures)


if __name__ == "__main__":
    main()
