"""Optimality gap of the main job against a long independent reference search.

Run: ``python benchmarks/bench_optimality.py [--quick] [--replications N] [--workers N]``.

1. The main job (``tierwise run``, the same :func:`tierwise.pipeline.run_pipeline`) plans the
   default scenario: a short sweep, a MILP, a verification loop.
2. The reference search is independent of all of that: it enumerates the whole grid of the same
   levers, each integer lever extended by one step on both sides (so a plan at the edge of the
   main job's range can lose to a point outside it), and simulates every candidate on the
   scenario's own horizon with a **fresh seed** and more replications than the main job used.
   Its best candidate by mean total profit (revenue from the tiers' responses − every cost line,
   USD/day) is the reference optimum.
3. The main job's plan is re-scored on the same fresh seed and replications (common random
   numbers), so the gap ``(reference − plan) / reference`` compares like with like; its
   confidence interval comes from the paired per-replication differences.

It prints the gap, the plan's rank among the candidates, and the CPU-time ratio of the main job
to the reference search, and appends the figures to ``benchmarks/results.jsonl``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from harness import cpu_seconds, emit, load_text
from scipy import stats

from tierwise.optimization.economics.tiers import scenario_revenue
from tierwise.optimization.planning.options import RUN_LENGTH_FIELDS
from tierwise.optimization.planning.verify import plan_scenario
from tierwise.pipeline import PipelineConfig, auto_sweep_spec, run_pipeline
from tierwise.simulation.experiments.executor import make_executor
from tierwise.simulation.experiments.replicate import replicate
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario

SCENARIO = "default"
FRESH_SEED_OFFSET = 1_000_003  # the reference search never reuses the main job's random numbers
PROFIT = "total.profit_per_day_usd"


def reference_grid(axes: dict[str, list[Any]], extend: bool) -> dict[str, list[Any]]:
    """The reference search's levers: the main job's decision axes (run-length axes dropped),
    every integer axis extended by one step below (not under 1) and above."""
    grid: dict[str, list[Any]] = {}
    for path, values in axes.items():
        if path in RUN_LENGTH_FIELDS:
            continue
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        if extend and ints:
            lo, hi = min(values), max(values)
            grid[path] = sorted({*values, *(v for v in (lo - 1, hi + 1) if v >= 1)})
        else:
            grid[path] = list(values)
    return grid


def profits(scenario: Scenario, replications: int, executor: Any) -> np.ndarray:
    """Total profit per replication of ``scenario``, USD/day."""
    summary = replicate(
        scenario,
        replications=replications,
        executor=executor,
        revenue=scenario_revenue(scenario),
    )
    return np.array([row[PROFIT] for row in summary.rows()], dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="main job --quick, grid not extended")
    parser.add_argument("--replications", type=int, default=None, help="reference replications")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    replications = args.replications or (3 if args.quick else 6)
    print(f"start: {load_text()}")

    base = load_scenario(SCENARIO)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_pipeline(
            SCENARIO,
            Path(tmp) / "out",
            PipelineConfig(quick=args.quick, workers=args.workers),
        )
    job_cpu_s, job_wall_s = cpu_seconds() - cpu0, time.perf_counter() - t0
    if report.verified is None or not report.plan.status.has_plan:
        raise SystemExit(f"the main job found no plan: {report.plan.status.value}")
    plan_overrides = report.verified.rounds[-1].overrides
    axes = auto_sweep_spec(Path("scenario.yaml"), base, args.quick)["axes"]
    grid = reference_grid(axes, extend=not args.quick)
    fresh_seed = base.seed + FRESH_SEED_OFFSET
    candidates = [
        dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())
    ]
    print(
        f"main job: {job_wall_s:.0f} s, plan {plan_overrides}; reference: "
        f"{len(candidates)} candidates × {replications} replications on seed {fresh_seed}"
    )

    cpu1 = cpu_seconds()
    scored: list[tuple[float, dict[str, Any], np.ndarray]] = []
    with make_executor("processes", args.workers) as pool:
        seed = [("seed", fresh_seed)]
        plan_profit = profits(plan_scenario(base, seed + list(plan_overrides)), replications, pool)
        for i, candidate in enumerate(candidates, 1):
            p = profits(plan_scenario(base, seed + list(candidate.items())), replications, pool)
            scored.append((float(p.mean()), candidate, p))
            if i % 10 == 0 or i == len(candidates):
                print(f"  {i}/{len(candidates)} candidates, best so far ${max(scored)[0]:,.0f}/day")
    ref_cpu_s = cpu_seconds() - cpu1
    scored.sort(key=lambda s: s[0], reverse=True)
    best_profit, best, best_p = scored[0]
    diff = best_p - plan_profit  # paired: same seed, same replications
    half = float(stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff)))
    gap = (best_profit - float(plan_profit.mean())) / abs(best_profit)
    rank = 1 + sum(s[0] > plan_profit.mean() for s in scored)
    print(
        f"plan ${plan_profit.mean():,.0f}/day vs reference best ${best_profit:,.0f}/day "
        f"({best}); gap {100 * gap:.2f} % (paired difference ${diff.mean():,.0f} "
        f"± {half:,.0f}/day, 95 %); the plan ranks {rank} of {len(scored) + 1}"
    )
    print(
        f"CPU: main job {job_cpu_s:.0f} s, reference search {ref_cpu_s:.0f} s "
        f"(ratio {job_cpu_s / ref_cpu_s:.3f}); {load_text()}"
    )
    emit(
        "optimality_quick" if args.quick else "optimality",
        gap_pct=round(100 * gap, 3),
        paired_difference_usd_per_day=round(float(diff.mean()), 1),
        paired_half_width_usd_per_day=round(half, 1),
        plan_profit_usd_per_day=round(float(plan_profit.mean()), 1),
        reference_profit_usd_per_day=round(best_profit, 1),
        plan_rank=rank,
        candidates=len(candidates),
        replications=replications,
        cpu_ratio_job_to_reference=round(job_cpu_s / ref_cpu_s, 4),
    )


if __name__ == "__main__":
    main()
