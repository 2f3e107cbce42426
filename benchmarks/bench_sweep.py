"""Sweep benchmark: parallel speed-up, cached rerun, dask overhead, runs saved by screening.

Run from the repository root::

    python benchmarks/bench_sweep.py            # ~2.5 minutes on 2 cores
    python benchmarks/bench_sweep.py --quick    # smaller sweep, ~40 s
    python benchmarks/bench_sweep.py --full-default   # also time scenarios/sweeps/default.yaml

Figures
-------
throughput
    The same sweep (default scenario shortened to ``--horizon-days``; screening and cache
    off) with 1 and 2 worker processes, alternated ``--rounds`` times: runs per second and
    their ratio (target >= 1.8), from the best round (the least disturbed by other users of
    the machine) and the median. End to end: the 2-worker figure pays for starting the pool.
cached rerun
    The sweep run once into an empty cache, then again: the rerun's wall time as a fraction
    of the first (target < 5 %).
dask overhead
    The sweep on a dask ``LocalCluster`` with 2 single-threaded worker processes: cluster
    start-up, and the per-run overhead over the process pool (both with 2 workers).
screening
    Variants and runs that screening removes from ``scenarios/sweeps/default.yaml``.

The machine is shared, so the load average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tierwise.simulation.experiments.screening import screen_variants  # noqa: E402
from tierwise.simulation.experiments.sweep import run_sweep  # noqa: E402
from tierwise.simulation.experiments.sweep_spec import SweepPlan, load_sweep, plan_sweep  # noqa: E402


def bench_plan(variants: int, replications: int, horizon_days: float) -> SweepPlan:
    """Variants of the default scenario that differ in pickers (all stable)."""
    pickers = list(range(11, 11 + variants))
    spec = {
        "name": "bench",
        "base": "default.yaml",
        "axes": {
            "picking.pickers": pickers,
            "horizon_days": [horizon_days],
            "warmup_days": [1],
        },
        "replications": replications,
        "screening": False,
    }
    return plan_sweep(spec, REPO / "scenarios", source="bench")


def timed(**kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run_sweep(**kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sweep")
    parser.add_argument("--horizon-days", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3, help="repeats of the 1/2-worker timing")
    parser.add_argument(
        "--full-default",
        action="store_true",
        help="also run scenarios/sweeps/default.yaml with 2 workers",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)

    variants, reps = (4, 4) if args.quick else (6, 6)
    if args.quick:
        args.rounds = min(args.rounds, 2)
    plan = bench_plan(variants, reps, args.horizon_days)
    runs = len(plan.variants) * plan.replications
    figures: dict[str, Any] = {"runs": runs, "load_before": os.getloadavg()}
    print(
        f"benchmark sweep: {len(plan.variants)} variants x {plan.replications} replications "
        f"= {runs} runs, default scenario, horizon {args.horizon_days:g} days; "
        f"load average {figures['load_before'][0]:.2f}"
    )

    serial_times: list[float] = []
    pooled_times: list[float] = []
    for _ in range(args.rounds):  # alternate, so a burst of load hits both alike
        t1, serial = timed(spec=plan, workers=1, cache_dir=None)
        t2, pooled = timed(spec=plan, workers=2, cache_dir=None)
        serial_times.append(t1)
        pooled_times.append(t2)
        assert serial.table.equals(pooled.table), "tables differ between 1 and 2 workers"
    t1, t2 = min(serial_times), min(pooled_times)
    figures.update(
        serial_s=serial_times,
        pooled_s=pooled_times,
        serial_runs_per_s=runs / t1,
        pooled_runs_per_s=runs / t2,
        speedup=t1 / t2,
        speedup_median=statistics.median(serial_times) / statistics.median(pooled_times),
    )
    print(
        f"throughput   1 worker : {t1:6.1f} s  {runs / t1:5.2f} runs/s   "
        f"(best of {args.rounds}: {', '.join(f'{t:.1f}' for t in serial_times)})"
    )
    print(
        f"             2 workers: {t2:6.1f} s  {runs / t2:5.2f} runs/s   "
        f"(best of {args.rounds}: {', '.join(f'{t:.1f}' for t in pooled_times)})"
    )
    print(
        f"             speed-up {t1 / t2:.2f}x best, {figures['speedup_median']:.2f}x median "
        "(target >= 1.8)"
    )

    with tempfile.TemporaryDirectory() as cache:
        first, _ = timed(spec=plan, workers=2, cache_dir=cache)
        again, rerun = timed(spec=plan, workers=2, cache_dir=cache)
    assert rerun.executed == 0 and rerun.cached == runs
    figures.update(cache_first_s=first, cache_rerun_s=again, cache_fraction=again / first)
    print(
        f"cache        first {first:.2f} s, rerun {again:.3f} s = {again / first:.2%} of "
        "the first (target < 5 %)"
    )

    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    # warm the workers like the pool's fork server
    client.run(lambda: __import__("tierwise.simulation.experiments.tasks"))
    startup = time.perf_counter() - start
    try:
        td, on_dask = timed(
            spec=plan, backend="dask", scheduler=cluster.scheduler_address, cache_dir=None
        )
    finally:
        client.close()
        cluster.close()
    assert on_dask.table.equals(serial.table), "tables differ between dask and processes"
    per_run_ms = (td - t2) / runs * 1000
    figures.update(dask_startup_s=startup, dask_s=td, dask_overhead_ms_per_run=per_run_ms)
    print(
        f"dask         LocalCluster start-up {startup:.1f} s; sweep {td:.1f} s vs pool "
        f"{t2:.1f} s: {per_run_ms:+.0f} ms per run"
    )

    default = load_sweep(REPO / "scenarios" / "sweeps" / "default.yaml")
    start = time.perf_counter()
    report = screen_variants(default.variants, runs=default.replications)
    screen_s = time.perf_counter() - start
    saved = len(report.screened_out) * default.replications
    total = len(default.variants) * default.replications
    figures.update(
        default_variants=len(default.variants),
        default_screened=len(report.screened_out),
        default_runs_saved=saved,
        default_runs_total=total,
        screening_s=screen_s,
    )
    rules: dict[str, int] = {}
    for s in report.screened_out:
        rules[s.rule] = rules.get(s.rule, 0) + 1
    print(
        f"screening    default sweep: {len(report.screened_out)} of {len(default.variants)} "
        f"variants screened out ({', '.join(f'{k} {v}' for k, v in rules.items())}), "
        f"{saved} of {total} runs saved, in {screen_s:.2f} s"
    )

    if args.full_default:
        with tempfile.TemporaryDirectory() as cache:
            tf, full = timed(spec=default, workers=2, cache_dir=cache)
        figures.update(default_sweep_s=tf, default_sweep_runs=full.executed)
        print(f"default sweep, 2 workers: {full.executed} runs in {tf:.1f} s")

    figures["load_after"] = os.getloadavg()
    print(f"load average after: {figures['load_after'][0]:.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
