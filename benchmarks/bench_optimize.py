"""Optimisation benchmark: build and solve times of the tier-planning MILP, CBC vs HiGHS.

Run: ``python benchmarks/bench_optimize.py`` (``--repeat 3`` for the median of 3 runs,
``--hard`` to add a random multi-dimensional knapsack that neither solver proves quickly).

Instances (seeded, deterministic):

* ``default-3tier``: tiers A, B, C with 25 frontier options each, 2 resources (agents,
  pickers) with capacities, a budget, minimum service for A and B, order A >= B >= C.
* ``stress-100x20x5``: 100 segments x 20 frontier options x 5 capacitated resources
  (2,000 binaries), a budget, minimums on 10 segments and an order over 3 of them.
  Options lie on increasing cost-service frontiers as simulated options do.
* ``random-100x20x5`` (``--hard``): same size, unstructured random data.

Target: build + solve < 5 s for each of the first two, with both solvers.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from harness import emit

from tierwise.optimization.milp.model import build_model
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.solve import solve


def default_like(seed: int = 11) -> PlanProblem:
    """Three tiers, 25 options each along a cost-service frontier."""
    rng = np.random.default_rng(seed)
    options = []
    tiers = {"A": (120.0, 9000.0), "B": (400.0, 12000.0), "C": (900.0, 10000.0)}
    for t, (orders, value) in tiers.items():
        for k in range(25):
            agents, pickers = 2 + k // 3, 3 + k // 2
            s = min(0.999, 0.80 + 0.0075 * k + rng.normal(0, 0.002))
            cost = 250 * agents + 220 * pickers + rng.normal(0, 30)
            revenue = value / (1 + np.exp(-30 * (s - 0.88)))
            options.append(
                TierOption(
                    tier=t,
                    option_id=f"{t}{k:02d}",
                    service_level=float(s),
                    service_half_width=0.004,
                    cost_per_day_usd=float(max(cost, 0.0)),
                    revenue_per_day_usd=float(revenue),
                    resources={"agents": agents, "pickers": pickers},
                    orders_per_day=orders,
                )
            )
    return PlanProblem(
        options=options,
        resources=[
            ResourceSpec(name="agents", capacity_units=22),
            ResourceSpec(name="pickers", capacity_units=30),
        ],
        budget_per_day_usd=13_000.0,
        min_service={"A": 0.95, "B": 0.9},
        tier_order=["A", "B", "C"],
        service_metric="perfect-order",
    )


def stress(seed: int = 3, segments: int = 100, k_opts: int = 20, n_res: int = 5) -> PlanProblem:
    """Many segments, frontier-shaped options, several shared capacities."""
    rng = np.random.default_rng(seed)
    options = []
    max_need = np.zeros(n_res)
    total_cost_top = 0.0
    for t in range(segments):
        base = rng.uniform(0.5, 3.0, size=n_res)
        wage = rng.uniform(150, 300, size=n_res)
        value = rng.uniform(6000, 20000)
        s_levels = np.sort(rng.uniform(0.80, 0.995, size=k_opts))
        needs = []
        for k in range(k_opts):
            need = np.maximum(0, np.round(base * (1 + k / 4) + rng.normal(0, 0.4, size=n_res)))
            needs.append(need)
            cost = float(wage @ need + rng.normal(0, 20))
            revenue = value / (1 + np.exp(-25 * (s_levels[k] - 0.88)))
            options.append(
                TierOption(
                    tier=f"seg{t:03d}",
                    option_id=f"o{k:02d}",
                    service_level=float(s_levels[k]),
                    cost_per_day_usd=max(cost, 0.0),
                    revenue_per_day_usd=float(revenue),
                    resources={f"r{r}": int(need[r]) for r in range(n_res)},
                    orders_per_day=float(rng.uniform(50, 500)),
                )
            )
        max_need += np.max(needs, axis=0)
        total_cost_top += max(o.cost_per_day_usd for o in options[-k_opts:])
    return PlanProblem(
        options=options,
        resources=[
            ResourceSpec(name=f"r{r}", capacity_units=int(0.6 * max_need[r])) for r in range(n_res)
        ],
        budget_per_day_usd=0.55 * total_cost_top,
        min_service={f"seg{t:03d}": 0.85 for t in range(0, segments, 10)},
        tier_order=["seg000", "seg001", "seg002"],
    )


def random_hard(
    seed: int = 1, segments: int = 100, k_opts: int = 20, n_res: int = 5
) -> PlanProblem:
    """Unstructured multi-dimensional multiple-choice knapsack (hard to prove optimal)."""
    rng = np.random.default_rng(seed)
    need = rng.integers(0, 10, size=(segments, k_opts, n_res))
    cost = rng.uniform(100, 1000, size=(segments, k_opts)) + need.sum(axis=2) * 30
    rev = cost * rng.uniform(1.0, 1.5, size=(segments, k_opts))
    options = [
        TierOption(
            tier=f"seg{t:03d}",
            option_id=f"o{k:02d}",
            service_level=0.9,
            cost_per_day_usd=float(cost[t, k]),
            revenue_per_day_usd=float(rev[t, k]),
            resources={f"r{r}": int(need[t, k, r]) for r in range(n_res)},
        )
        for t in range(segments)
        for k in range(k_opts)
    ]
    return PlanProblem(
        options=options,
        resources=[
            ResourceSpec(name=f"r{r}", capacity_units=int(0.7 * need[:, :, r].sum() / k_opts))
            for r in range(n_res)
        ],
        budget_per_day_usd=float(cost.mean() * segments * 0.9),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per cell (median reported)")
    ap.add_argument("--time-limit", type=float, default=30.0, help="solver limit, s")
    ap.add_argument("--mip-gap", type=float, default=1e-4, help="relative MIP gap")
    ap.add_argument("--hard", action="store_true", help="add the random hard instance")
    ap.add_argument("--quick", action="store_true", help="accepted for run_all (same run)")
    args = ap.parse_args()

    instances = [("default-3tier", default_like()), ("stress-100x20x5", stress())]
    if args.hard:
        instances.append(("random-100x20x5", random_hard()))

    header = (
        f"{'instance':<17} {'solver':<6} {'vars':>5} {'rows':>5} {'build_s':>8} "
        f"{'solve_s':>8} {'total_s':>8} {'status':<20} {'gap':>9} {'profit_usd_day':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, problem in instances:
        model = build_model(problem)
        n_vars, n_rows = len(model.prob.variables()), len(model.prob.constraints())
        for solver in ("cbc", "highs"):
            builds, solves, res = [], [], None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                res = solve(
                    problem,
                    solver=solver,
                    time_limit_s=args.time_limit,
                    mip_gap=args.mip_gap,
                    shadow_prices=False,
                )
                total = time.perf_counter() - t0
                builds.append(res.build_time_s)
                solves.append(total - res.build_time_s)
            assert res is not None
            b, s = statistics.median(builds), statistics.median(solves)
            gap = "-" if res.mip_gap is None else f"{res.mip_gap:.2e}"
            value = "-" if res.objective_value is None else f"{res.objective_value:,.0f}"
            print(
                f"{name:<17} {solver:<6} {n_vars:>5} {n_rows:>5} {b:>8.3f} {s:>8.3f} "
                f"{b + s:>8.3f} {res.status.value:<20} {gap:>9} {value:>15}"
            )
            emit(
                f"optimize.{name}.{solver}",
                variables=n_vars,
                build_s=b,
                solve_s=s,
                total_s=b + s,
                status=res.status.value,
            )
    print(
        "\nsolve_s = wall time of solve() minus model build: solver call, status mapping, "
        "plan verification; CBC includes writing the MPS file and starting its process."
    )


if __name__ == "__main__":
    main()
