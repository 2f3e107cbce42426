"""Optimality gap of the main job against a long independent reference search.

Run: ``python benchmarks/bench_optimality.py [--quick] [--scenario NAME] [--evaluations N]
[--replications N] [--workers N]``.

1. The main job (``tierwise run``, the same :func:`tierwise.pipeline.run_pipeline`) plans the
   scenario: a staged sweep (staffing grid, range extensions, coordinate search), a MILP and a
   verification loop.
2. The reference search shares nothing with it but the levers. Its space is the *product* of
   every lever's candidates (the staffing ranges extended by two steps on both sides, every
   shipping mode for every tier, every declared candidate), which the main job never
   enumerates. It is a random-restart local search (first improvement over one-lever moves,
   restarts from random points and from the scenario as given) with a budget of
   ``--evaluations`` candidates, each simulated on the scenario's **own horizon** with a
   **fresh seed** and ``--replications`` replications. A candidate the project's stability
   rule refuses (:func:`~tierwise.simulation.theory.loads.check_stability`: a queue whose
   offered load reaches its servers, which the main job's sweep and every CLI command refuse
   too) is no feasible plan. The search ranks candidates by mean total profit (revenue from
   the tiers' responses − every cost line, USD/day).
3. **Both plans are re-scored on a second fresh seed** with ``--final-replications``
   replications (common random numbers): the main job's plan and the reference search's best
   ``--finalists`` candidates. The best of the finalists *on the new seed* is the reference.
   Scoring on numbers the search never saw removes the winner's curse of picking the luckiest
   of hundreds of noisy means (the finalists' re-scoring still favours the reference a
   little: it keeps the best of several). The gap ``(reference − plan) / reference`` and its
   95 % interval come from the paired per-replication differences. A negative gap means the
   main job found a better plan than the reference search did.

The reference is itself a heuristic, so the gap it measures is a lower bound on the true gap;
the longer the search, the tighter. The figures are appended to ``benchmarks/results.jsonl``.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from harness import cpu_seconds, emit, load_text
from scipy import stats

from tierwise.optimization.economics.tiers import scenario_revenue
from tierwise.optimization.planning.search import (
    STAFFING_SUFFIXES,
    lever_base_values,
    lever_space,
)
from tierwise.optimization.planning.verify import plan_scenario
from tierwise.pipeline import PipelineConfig, auto_sweep_spec, run_pipeline
from tierwise.simulation.experiments.executor import Executor, make_executor
from tierwise.simulation.experiments.replicate import replicate
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.theory.loads import UnstableScenarioError, check_stability

FRESH_SEED_OFFSET = 1_000_003  # the reference search never reuses the main job's random numbers
RESCORE_SEED_OFFSET = 2_000_029  # the final re-scoring uses numbers neither search saw
PROFIT = "total.profit_per_day_usd"

Candidate = tuple[tuple[str, Any], ...]


def _key(value: Any) -> Any:
    """A lever value as a hashable key (a list of cut-off hours as a tuple)."""
    return tuple(value) if isinstance(value, list) else value


def reference_levers(scenario_name: str, quick: bool) -> dict[str, list[Any]]:
    """Every lever of the main job with its candidates, the staffing ranges (staff per pool,
    pickers, vehicles, staff per shift block) widened by two steps on both sides (not below 1);
    declared candidates of other levers (reserves, cut-offs) as declared."""
    base = load_scenario(scenario_name)
    space = lever_space(base, auto_sweep_spec(Path("scenario.yaml"), base, quick)["axes"])
    levers: dict[str, list[Any]] = {}
    for path, values in {**space.grid, **space.coordinate}.items():
        staffing = path.endswith(STAFFING_SUFFIXES) or "_by_block." in path
        if staffing and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            lo, hi = min(values), max(values)
            levers[path] = list(range(max(lo - 2, 1), hi + 3))
        else:
            levers[path] = [_key(v) for v in values]
    return levers


class Scorer:
    """Mean total profit of a candidate on the fresh seed, each candidate simulated once; a
    candidate that is no valid scenario or that the stability rule refuses scores −inf."""

    def __init__(self, base: Any, fixed: dict[str, Any], replications: int, pool: Executor):
        self.base, self.fixed, self.replications, self.pool = base, fixed, replications, pool
        self.scores: dict[Candidate, np.ndarray] = {}
        self.refused = 0  # candidates refused as invalid or unstable (never simulated)

    def __call__(self, candidate: Candidate) -> float:
        if candidate not in self.scores:
            overrides = [
                *self.fixed.items(),
                *((p, list(v) if isinstance(v, tuple) else v) for p, v in candidate),
            ]
            try:
                scenario = plan_scenario(self.base, overrides)
                check_stability(scenario)  # the rule the main job's sweep applies
                summary = replicate(
                    scenario,
                    replications=self.replications,
                    executor=self.pool,
                    revenue=scenario_revenue(scenario),
                )
                values = np.array([row[PROFIT] for row in summary.rows()], dtype=float)
            except (ScenarioError, UnstableScenarioError, ValueError):
                values = np.full(self.replications, -math.inf)  # not a feasible plan
                self.refused += 1
            self.scores[candidate] = values
        return float(self.scores[candidate].mean())


def local_search(
    levers: dict[str, list[Any]], start: Candidate, score: Scorer, budget: int, rng: random.Random
) -> None:
    """Random-restart first-improvement local search over one-lever moves, until ``budget``
    candidates have been simulated (every score is kept in ``score.scores``; a refused
    candidate costs no simulation and does not count)."""

    def spent() -> int:
        return len(score.scores) - score.refused

    current = start
    while spent() < budget:
        best = score(current)
        moves = [
            tuple((p, v) if p == path else (p, w) for p, w in current)
            for path, values in levers.items()
            for v in values
            if v != dict(current)[path]
        ]
        rng.shuffle(moves)
        for move in moves:
            if spent() >= budget:
                return
            if score(move) > best:
                current = move
                break
        else:  # a local optimum: restart from a random point
            current = tuple((p, rng.choice(v)) for p, v in levers.items())


def paired_half_width(diff: np.ndarray) -> float:
    """95 % half-width of the mean of paired differences (Student t), USD/day."""
    return float(stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="main job --quick, shorter search")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--evaluations", type=int, default=None, help="reference candidates")
    parser.add_argument("--replications", type=int, default=None, help="per candidate")
    parser.add_argument(
        "--finalists", type=int, default=None, help="reference candidates re-scored"
    )
    parser.add_argument(
        "--final-replications", type=int, default=None, help="re-scoring replications"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    evaluations = args.evaluations or (40 if args.quick else 300)
    replications = args.replications or (3 if args.quick else 10)
    finalists = args.finalists or (2 if args.quick else 5)
    final_replications = args.final_replications or (4 if args.quick else 16)
    print(f"start: {load_text()}")

    base = load_scenario(args.scenario)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_pipeline(
            args.scenario,
            Path(tmp) / "out",
            PipelineConfig(quick=args.quick, workers=args.workers),
        )
    job_cpu_s, job_wall_s = cpu_seconds() - cpu0, time.perf_counter() - t0
    if report.verified is None or not report.plan.status.has_plan:
        raise SystemExit(f"the main job found no plan: {report.plan.status.value}")
    plan = {p: _key(v) for p, v in report.verified.rounds[-1].overrides}
    levers = reference_levers(args.scenario, args.quick)
    fixed = {"seed": base.seed + FRESH_SEED_OFFSET}
    fixed.update({p: v for p, v in plan.items() if p not in levers})  # e.g. a block headcount
    size = math.prod(len(v) for v in levers.values())
    print(
        f"main job: {job_wall_s:.0f} s, {report.sweep.table['variant_id'].nunique()} variants; "
        f"reference: local search over {size:,} combinations of {len(levers)} levers, "
        f"{evaluations} candidates × {replications} replications, seed {fixed['seed']}"
    )
    given = {p: _key(v) for p, v in lever_base_values(base, list(levers)).items()}
    start = tuple((p, given[p]) for p in levers)
    cpu1 = cpu_seconds()
    with make_executor("processes", args.workers) as pool:
        # the plan's levers outside the reference ranges are scored as the plan has them
        plan_key = tuple((p, plan.get(p, given.get(p))) for p in levers)
        score = Scorer(base, fixed, replications, pool)
        search_plan_mean = score(plan_key)
        local_search(levers, start, score, evaluations + 1, random.Random(20261201))
    ref_cpu_s = cpu_seconds() - cpu1  # after the pool has ended: its workers' CPU counts
    # re-score the plan and the search's best finalists on numbers neither search saw
    search_best = sorted(
        (k for k in score.scores if k != plan_key and np.isfinite(score.scores[k]).all()),
        key=lambda k: float(score.scores[k].mean()),
        reverse=True,
    )[:finalists]
    with make_executor("processes", args.workers) as pool:
        rescore = Scorer(
            base, {**fixed, "seed": base.seed + RESCORE_SEED_OFFSET}, final_replications, pool
        )
        plan_profit_mean = rescore(plan_key)
        for key in search_best:
            rescore(key)
    best_key = max(search_best, key=lambda k: float(rescore.scores[k].mean()))
    best_p, plan_p = rescore.scores[best_key], rescore.scores[plan_key]
    diff = best_p - plan_p  # paired: same seed, same replications
    half = paired_half_width(diff)
    best_profit = float(best_p.mean())
    gap = (best_profit - plan_profit_mean) / abs(best_profit)
    rank = 1 + sum(float(rescore.scores[k].mean()) > plan_profit_mean for k in search_best)
    changed = {p: v for p, v in best_key if plan.get(p, given.get(p)) != v}
    # on the search's own seed: how the plan ranks among every candidate the search scored
    search_rank = 1 + sum(float(v.mean()) > search_plan_mean for v in score.scores.values())
    own_key = search_best[0]
    own_profit = float(score.scores[own_key].mean())
    own_gap = (own_profit - search_plan_mean) / abs(own_profit)
    # the sweep's simulated runs (a top-up's cached first replications not counted twice),
    # each verification round's and today's re-simulation (as many replications as the last
    # round's summary has)
    resimulated = len(report.verified.summary.rows()) if report.verified.summary else 0
    job_runs = report.sweep.executed + resimulated * (len(report.verified.rounds) + 1)
    simulated = len(score.scores) - score.refused - 1  # the plan's own scoring left out
    reference_runs = simulated * replications
    print(
        f"plan ${plan_profit_mean:,.0f}/day vs reference best ${best_profit:,.0f}/day; "
        f"gap {100 * gap:.2f} % (paired difference ${diff.mean():,.0f} ± {half:,.0f}/day, 95 %), "
        f"re-scored on seed {base.seed + RESCORE_SEED_OFFSET} with {final_replications} "
        f"replications; the plan ranks {rank} of {len(search_best) + 1} re-scored; the "
        f"reference best differs from the plan in {changed or 'nothing'}"
    )
    print(
        f"on the search's own seed: its best ${own_profit:,.0f}/day, {100 * own_gap:+.2f} % "
        f"against the plan (winner's curse included); the plan ranks {search_rank} of "
        f"{len(score.scores)} scored; {score.refused} candidates refused as unstable or invalid"
    )
    print(
        f"simulation runs: main job ≈ {job_runs} (sweep rows + verification), reference "
        f"{reference_runs} ({100 * job_runs / reference_runs:.0f} %); CPU: main job "
        f"{job_cpu_s:.0f} s, reference search {ref_cpu_s:.0f} s "
        f"(ratio {job_cpu_s / ref_cpu_s:.3f}); {load_text()}"
    )
    emit(
        f"optimality_{args.scenario}" + ("_quick" if args.quick else ""),
        gap_pct=round(100 * gap, 3),
        paired_difference_usd_per_day=round(float(diff.mean()), 1),
        paired_half_width_usd_per_day=round(half, 1),
        plan_profit_usd_per_day=round(plan_profit_mean, 1),
        reference_profit_usd_per_day=round(best_profit, 1),
        plan_rank=rank,
        finalists=len(search_best),
        final_replications=final_replications,
        search_plan_rank=search_rank,
        refused_unstable_or_invalid=score.refused,
        reference_own_best_usd_per_day=round(own_profit, 1),
        reference_own_best_vs_plan_pct=round(100 * own_gap, 3),
        main_job_runs=job_runs,
        main_job_wall_s=round(job_wall_s, 1),
        reference_runs=reference_runs,
        candidates_scored=len(score.scores),
        candidates_simulated=simulated,
        combinations=size,
        replications=replications,
        cpu_ratio_job_to_reference=round(job_cpu_s / ref_cpu_s, 4),
    )


if __name__ == "__main__":
    main()
