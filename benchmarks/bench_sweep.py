"""Sweep benchmark: parallel speed-up, cached rerun, dask overhead, runs saved by screening.

Run from the repository root::

    python benchmarks/bench_sweep.py            # ~2.5 minutes on 2 cores
    python benchmarks/bench_sweep.py --quick    # smaller sweep, ~40 s
    python benchmarks/bench_sweep.py --full-default   # also time scenarios/sweeps/default.yaml

Figures
-------
throughput
    The same sweep (default scenario shortened to ``--horizon-days``; screening and cache
    off) with 1 worker (in this process), 2 workers on a pool started for the sweep (cold:
    end to end, as ``tierwise sweep``) and 2 workers on a persistent pool started once and
    reused across rounds (warm: as the phases of ``tierwise run`` share one), interleaved
    over ``--rounds`` rounds: wall time ratios 1 / 2 workers (target >= 1.85 warm), best and
    median of the per-round ratios.
pool anatomy
    One sweep's runs on a fresh 2-worker pool, each run timed inside its worker: pool start
    (until the first run begins), the tail (from the first worker running out of work to the
    last run's end) and the workers' busy share of the wall time.
cached rerun
    The sweep run once into an empty cache, then again: the rerun's wall time as a fraction
    of the first (target < 5 %).
dask overhead
    The sweep on a dask ``LocalCluster`` with 2 single-threaded worker processes: cluster
    start-up, and the per-run overhead over the process pool (both with 2 workers).
screening
    Variants and runs that screening removes from ``scenarios/sweeps/default.yaml``.

The machine is shared, so the load average is printed with the figures; every figure ends
with a ``BENCH {json}`` line (``benchmarks/harness.py``) that ``benchmarks/report.py`` reads.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import REPO, cpu_seconds, emit, interleaved, load_text, ratio_figures, timed_outcome

from tierwise.simulation.experiments.executor import make_executor
from tierwise.simulation.experiments.screening import screen_variants
from tierwise.simulation.experiments.sweep import run_sweep
from tierwise.simulation.experiments.sweep_spec import SweepPlan, load_sweep, plan_sweep
from tierwise.simulation.experiments.tasks import longest_first


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


def pool_anatomy(plan: SweepPlan) -> dict[str, float]:
    """Pool start, tail and busy share of the plan's runs on a fresh 2-worker pool."""
    jobs = [
        ((v.index, r), (v.scenario, r)) for v in plan.variants for r in range(plan.replications)
    ]
    start = time.time()
    spans: dict[int, list[tuple[float, float]]] = {}
    with make_executor("processes", 2) as pool:
        for done in pool.submit_all(timed_outcome, longest_first(jobs)):
            assert done.value is not None and done.error is None
            _, began, ended, pid = done.value
            spans.setdefault(pid, []).append((began, ended))
        end = time.time()
    first_begin = min(b for runs in spans.values() for b, _ in runs)
    last_ends = [max(e for _, e in runs) for runs in spans.values()]
    busy = sum(e - b for runs in spans.values() for b, e in runs)
    return {
        "pool_start_s": first_begin - start,
        "tail_s": max(last_ends) - min(last_ends),
        "busy_share": busy / (len(spans) * (end - start)),
        "wall_s": end - start,
        "workers_used": float(len(spans)),
    }


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
    logging.getLogger("distributed").setLevel(logging.ERROR)

    variants, reps = (4, 4) if args.quick else (6, 6)
    if args.quick:
        args.rounds = min(args.rounds, 2)
    plan = bench_plan(variants, reps, args.horizon_days)
    runs = len(plan.variants) * plan.replications
    figures: dict[str, Any] = {"runs": runs, "load_before": os.getloadavg()}
    logging.getLogger("tierwise").setLevel(logging.WARNING)
    print(
        f"benchmark sweep: {len(plan.variants)} variants x {plan.replications} replications "
        f"= {runs} runs, default scenario, horizon {args.horizon_days:g} days; "
        f"load average {figures['load_before'][0]:.2f}"
    )

    warm = make_executor("processes", 2)
    warm.map(abs, [(0,)] * 2)  # start the persistent pool's workers before timing
    tables: dict[str, Any] = {}
    cpu: dict[str, list[float]] = {"serial": [], "cold": [], "warm": []}

    def side(name: str, **kwargs: Any) -> Any:
        def measure() -> float:
            cpu0 = cpu_seconds()
            elapsed, result = timed(spec=plan, cache_dir=None, **kwargs)
            cpu[name].append(cpu_seconds() - cpu0)  # warm: its workers are not counted
            tables[name] = result.table
            return elapsed

        return measure

    times = interleaved(
        {
            "serial": side("serial", workers=1),
            "cold": side("cold", workers=2),
            "warm": side("warm", executor=warm),
        },
        args.rounds,
    )
    warm.close()
    serial = tables["serial"]
    assert serial.equals(tables["cold"]) and serial.equals(tables["warm"]), "tables differ"
    t1, t2 = min(times["serial"]), min(times["cold"])
    for name in ("cold", "warm"):
        ratio = ratio_figures(times["serial"], times[name], higher_is_better=True)
        figures[f"speedup_{name}"] = ratio["best"]
        figures[f"speedup_{name}_median"] = ratio["median"]
        emit(
            f"sweep.speedup_{name}",
            runs=runs,
            serial_s=times["serial"],
            pooled_s=times[name],
            **ratio,
        )
    figures.update(
        serial_s=times["serial"],
        pooled_s=times["cold"],
        warm_s=times["warm"],
        serial_runs_per_s=runs / t1,
        pooled_runs_per_s=runs / t2,
        warm_runs_per_s=runs / min(times["warm"]),
    )
    for name, label in (("serial", "1 worker "), ("cold", "2, cold  "), ("warm", "2, warm  ")):
        best = min(times[name])
        print(
            f"throughput   {label}: {best:6.1f} s  {runs / best:5.2f} runs/s   "
            f"(rounds: {', '.join(f'{t:.1f}' for t in times[name])})"
        )
    print(
        f"             speed-up cold pool {figures['speedup_cold']:.2f}x best, "
        f"{figures['speedup_cold_median']:.2f}x median; warm pool "
        f"{figures['speedup_warm']:.2f}x best, {figures['speedup_warm_median']:.2f}x median "
        f"(target >= 1.85); {load_text()}"
    )

    anatomy = pool_anatomy(plan)
    # what 2 idle cores would give: both workers busy this share of the time, each run
    # costing the pool this much more CPU than in one process (IPC, pickling, start-up)
    cpu_overhead = statistics.median(cpu["cold"]) / statistics.median(cpu["serial"])
    anatomy.update(
        cpu_serial_s=statistics.median(cpu["serial"]),
        cpu_pool_s=statistics.median(cpu["cold"]),
        projected_speedup=2 * anatomy["busy_share"] / cpu_overhead,
    )
    figures.update(anatomy)
    print(
        f"pool         start {anatomy['pool_start_s']:.2f} s, tail {anatomy['tail_s']:.2f} s, "
        f"workers busy {anatomy['busy_share']:.1%} of {anatomy['wall_s']:.1f} s; CPU "
        f"{anatomy['cpu_serial_s']:.1f} s in one process vs {anatomy['cpu_pool_s']:.1f} s on the "
        f"cold pool: {anatomy['projected_speedup']:.2f}x on 2 idle cores"
    )
    emit("sweep.pool", **anatomy)

    with tempfile.TemporaryDirectory() as cache:
        first, _ = timed(spec=plan, workers=2, cache_dir=cache)
        again, rerun = timed(spec=plan, workers=2, cache_dir=cache)
    assert rerun.executed == 0 and rerun.cached == runs
    figures.update(cache_first_s=first, cache_rerun_s=again, cache_fraction=again / first)
    emit("sweep.cache", runs=runs, first_s=first, rerun_s=again, fraction=again / first)
    print(
        f"cache        first {first:.2f} s, rerun {again:.3f} s = {again / first:.2%} of "
        "the first (target < 5 %)"
    )

    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)  # its import reset the level

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
    assert on_dask.table.equals(serial), "tables differ between dask and processes"
    per_run_ms = (td - t2) / runs * 1000
    figures.update(dask_startup_s=startup, dask_s=td, dask_overhead_ms_per_run=per_run_ms)
    emit("sweep.dask", runs=runs, startup_s=startup, dask_s=td, pool_s=t2, ms_per_run=per_run_ms)
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
    emit(
        "sweep.screening",
        variants=len(default.variants),
        screened=len(report.screened_out),
        runs_saved=saved,
        runs_total=total,
        seconds=screen_s,
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
