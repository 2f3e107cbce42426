"""Solving: MILP optimum equals brute force, analytic optimum, statuses, verification."""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import tierwise.optimization.milp.solve as solve_mod
from tierwise.optimization.milp.check import check_plan
from tierwise.optimization.milp.model import build_model
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.result import PlanResult, PlanStatus
from tierwise.optimization.milp.solve import PlanVerificationError, solve
from tierwise.optimization.milp.solvers import (
    SolverRun,
    _cbc_status,
    _highs_status,
    available_solvers,
    run_model,
)

SOLVERS = ["cbc", "highs"]


def test_both_solvers_are_available() -> None:
    assert set(available_solvers()) == {"cbc", "highs"}


# --------------------------------------------------------------------------- brute force


def brute_force(p: PlanProblem, tol: float = 1e-9) -> float | None:
    """Best objective over every combination of one option per tier (None if none fits)."""
    best: float | None = None
    for combo in itertools.product(*(p.options_for(t) for t in p.tiers)):
        by_tier = {o.tier: o for o in combo}
        units = {
            r.name: (max if r.pooled else sum)(o.resources.get(r.name, 0) for o in combo)
            for r in p.resources
        }
        if any(
            r.capacity_units is not None and units[r.name] > r.capacity_units for r in p.resources
        ):
            continue
        cost = sum(o.cost_per_day_usd for o in combo) + sum(
            r.cost_per_unit_day_usd * units[r.name] for r in p.resources
        )
        if p.budget_per_day_usd is not None and cost > p.budget_per_day_usd + tol:
            continue
        if any(p.effective_service(by_tier[t]) < m - tol for t, m in p.min_service.items()):
            continue
        if any(
            by_tier[a].service_level < by_tier[b].service_level - tol for a, b in p.ordered_pairs()
        ):
            continue
        orders = sum(o.orders_per_day for o in combo)
        m = p.max_cost_per_order_usd
        if m is not None and cost > m * orders + tol:
            continue
        value = sum(o.revenue_per_day_usd for o in combo) - cost
        if p.objective == "cost":
            value = -cost
        best = value if best is None else max(best, value)
    if best is not None and p.objective == "cost":
        return -best
    return best


@st.composite
def instances(draw: st.DrawFn) -> PlanProblem:
    n_tiers = draw(st.integers(2, 4))
    n_res = draw(st.integers(1, 2))
    res_names = ["agents", "pickers"][:n_res]
    tiers = ["A", "B", "C", "D"][:n_tiers]
    milli = st.integers(500, 1000).map(lambda v: v / 1000)  # service on a 0.001 grid
    options = []
    for t in tiers:
        for k in range(draw(st.integers(2, 5))):
            options.append(
                TierOption(
                    tier=t,
                    option_id=f"{t}{k}",
                    service_level=draw(milli),
                    service_half_width=draw(st.integers(0, 30)) / 1000,
                    cost_per_day_usd=draw(st.integers(0, 1000)),
                    revenue_per_day_usd=draw(st.integers(0, 2000)),
                    resources={r: draw(st.integers(0, 4)) for r in res_names},
                    orders_per_day=draw(st.integers(0, 50)),
                )
            )
    resources = [
        ResourceSpec(
            name=r,
            capacity_units=draw(st.none() | st.integers(n_tiers, 4 * n_tiers)),
            cost_per_unit_day_usd=draw(st.sampled_from([0, 0, 10, 25])),
            pooled=draw(st.booleans()),
        )
        for r in res_names
    ]
    loose = st.integers(500, 950).map(lambda v: v / 1000)
    min_service = {t: draw(loose) for t in tiers if draw(st.integers(0, 2)) == 0}
    return PlanProblem(
        options=options,
        resources=resources,
        budget_per_day_usd=draw(st.none() | st.integers(200 * n_tiers, 1000 * n_tiers)),
        min_service=min_service,
        tier_order=draw(st.none() | st.just(tiers)),
        max_cost_per_order_usd=draw(
            st.none() | st.none() | st.integers(0, 6000).map(lambda v: v / 100)
        ),
        objective=draw(st.sampled_from(["profit", "cost"])),
        min_service_basis=draw(st.sampled_from(["mean", "lower_bound"])),
    )


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances())
def test_milp_optimum_equals_brute_force_for_cbc_and_highs(p: PlanProblem) -> None:
    expected = brute_force(p)
    for solver in SOLVERS:
        res = solve(p, solver=solver, mip_gap=0.0, explain=False, shadow_prices=False)
        if expected is None:
            assert res.status == PlanStatus.INFEASIBLE, (solver, res.message)
            continue
        assert res.status == PlanStatus.OPTIMAL, (solver, res.message)
        assert res.objective_value == pytest.approx(expected, abs=1e-6), solver
        assert check_plan(p, res) == []


# --------------------------------------------------------------------------- analytic


def test_single_tier_grid_picks_analytic_profit_maximiser() -> None:
    # profit(s) = 10000 s - 1000 Phi^-1(s); d/ds = 0  <=>  phi(Phi^-1(s)) = 0.1
    z_star = math.sqrt(-2.0 * math.log(0.1 * math.sqrt(2.0 * math.pi)))
    s_star = float(norm.cdf(z_star))
    step = 1e-4
    grid = np.round(np.arange(0.5 + step, 0.9999, step), 6)
    options = [
        TierOption(
            tier="A",
            option_id=f"s{i}",
            service_level=float(s),
            revenue_per_day_usd=10000 * float(s),
            cost_per_day_usd=1000 * float(norm.ppf(s)),
        )
        for i, s in enumerate(grid)
    ]
    p = PlanProblem(options=options)
    for solver in SOLVERS:
        res = solve(p, solver=solver, mip_gap=0.0, shadow_prices=False)
        assert res.status == PlanStatus.OPTIMAL
        s = res.chosen["A"].service_level
        assert abs(s - s_star) <= step, (solver, s, s_star)
        assert res.objective_value == pytest.approx(10000 * s_star - 1000 * z_star, abs=1e-3)


# --------------------------------------------------------------------------- statuses


def hard_instance(seed: int = 1, T: int = 100, K: int = 20, R: int = 5) -> PlanProblem:
    """Random multi-dimensional multiple-choice knapsack: hard to prove optimal."""
    rng = np.random.default_rng(seed)
    need = rng.integers(0, 10, size=(T, K, R))
    cost = rng.uniform(100, 1000, size=(T, K)) + need.sum(axis=2) * 30
    rev = cost * rng.uniform(1.0, 1.5, size=(T, K))
    options = [
        TierOption(
            tier=f"seg{t}",
            option_id=f"o{k}",
            service_level=0.9,
            cost_per_day_usd=float(cost[t, k]),
            revenue_per_day_usd=float(rev[t, k]),
            resources={f"r{r}": int(need[t, k, r]) for r in range(R)},
        )
        for t in range(T)
        for k in range(K)
    ]
    resources = [
        ResourceSpec(name=f"r{r}", capacity_units=int(0.7 * need[:, :, r].sum() / K))
        for r in range(R)
    ]
    return PlanProblem(
        options=options, resources=resources, budget_per_day_usd=float(cost.mean() * T * 0.9)
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limited_solve_never_claims_unproven_optimality(solver: str) -> None:
    p = hard_instance()
    res = solve(p, solver=solver, time_limit_s=0.3, mip_gap=0.0, shadow_prices=False)
    assert res.status in {PlanStatus.OPTIMAL, PlanStatus.FEASIBLE_NOT_PROVEN, PlanStatus.NOT_SOLVED}
    if res.status == PlanStatus.FEASIBLE_NOT_PROVEN:
        assert res.mip_gap is not None and res.mip_gap > 0
        assert res.best_bound is not None and res.objective_value is not None
        assert res.best_bound >= res.objective_value
        assert check_plan(p, res) == []
        assert "not proven" in res.message
    if res.status == PlanStatus.OPTIMAL:  # only if proven within the (zero) gap
        assert res.mip_gap is not None and res.mip_gap <= 1e-9


def test_cbc_log_stopped_on_time_with_incumbent_is_feasible_not_proven() -> None:
    log_text = (
        "Result - Stopped on time limit\n\nObjective value:                49565.07545685\n"
        "Upper bound:                    49938.669\nGap:                            -0.01\n"
    )
    status, raw, bound = _cbc_status(1, 2, log_text)
    assert status == PlanStatus.FEASIBLE_NOT_PROVEN
    assert raw == "Stopped on time limit" and bound == pytest.approx(49938.669)
    # even if PuLP said "optimal solution", a stopped result is not proven
    assert _cbc_status(1, 1, log_text)[0] == PlanStatus.FEASIBLE_NOT_PROVEN


def test_cbc_statuses_map_to_plan_statuses() -> None:
    assert _cbc_status(1, 1, "Result - Optimal solution found\n")[0] == PlanStatus.OPTIMAL
    gap_stop = "Result - Optimal solution found (within gap tolerance)\nLower bound: 12.5\n"
    assert _cbc_status(1, 1, gap_stop) == (
        PlanStatus.OPTIMAL,
        "Optimal solution found (within gap tolerance)",
        12.5,
    )
    assert _cbc_status(-1, -1, "")[0] == PlanStatus.INFEASIBLE
    assert _cbc_status(0, 0, "Result - Stopped on time limit\n")[0] == PlanStatus.NOT_SOLVED
    assert _cbc_status(-2, -2, "")[0] == PlanStatus.UNBOUNDED
    assert _cbc_status(-3, 0, "")[0] == PlanStatus.ERROR


def test_highs_statuses_map_to_plan_statuses() -> None:
    assert _highs_status("kOptimal", True) == PlanStatus.OPTIMAL
    assert _highs_status("kTimeLimit", True) == PlanStatus.FEASIBLE_NOT_PROVEN
    assert _highs_status("kTimeLimit", False) == PlanStatus.NOT_SOLVED
    assert _highs_status("kSolutionLimit", True) == PlanStatus.FEASIBLE_NOT_PROVEN
    assert _highs_status("kInfeasible", False) == PlanStatus.INFEASIBLE
    assert _highs_status("kUnboundedOrInfeasible", False) == PlanStatus.INFEASIBLE
    assert _highs_status("kSolveError", False) == PlanStatus.ERROR


def test_optimal_claim_with_gap_above_tolerance_is_downgraded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = three_tier_problem()
    real = run_model

    def fake(model, **kw):  # type: ignore[no-untyped-def]
        run = real(model, **kw)
        if model.relaxed:
            return run
        return dataclasses.replace(run, best_bound=(run.objective_value or 0.0) * 1.5)

    monkeypatch.setattr(solve_mod, "run_model", fake)
    res = solve(p, mip_gap=1e-4)
    assert res.status == PlanStatus.FEASIBLE_NOT_PROVEN
    assert res.mip_gap == pytest.approx(0.5)


# --------------------------------------------------------------------------- feasible plan


def three_tier_problem(**kw: object) -> PlanProblem:
    options = []
    for t, base, orders in (("A", 3000.0, 100.0), ("B", 2000.0, 300.0), ("C", 1000.0, 600.0)):
        for k, s in enumerate((0.90, 0.95, 0.98, 0.99)):
            options.append(
                TierOption(
                    tier=t,
                    option_id=f"{t}{k}",
                    service_level=s,
                    cost_per_day_usd=base * (1 + 5 * (s - 0.9)),
                    revenue_per_day_usd=base * 1.2 * (1 + 8 * (s - 0.9)),
                    resources={"agents": k + 1, "pickers": k},
                    orders_per_day=orders,
                    params={"agents": k + 1, "seed": np.int64(7)},
                )
            )
    args: dict[str, object] = {
        "options": options,
        "resources": [
            ResourceSpec(name="agents", capacity_units=8),
            ResourceSpec(name="pickers", capacity_units=6),
        ],
        "budget_per_day_usd": 8000.0,
        "min_service": {"A": 0.95},
        "tier_order": ["A", "B", "C"],
        "service_metric": "perfect-order",
    }
    args.update(kw)
    return PlanProblem(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize("solver", SOLVERS)
def test_feasible_plan_reports_totals_binding_constraints_and_frame(solver: str) -> None:
    p = three_tier_problem()
    res = solve(p, solver=solver)
    assert res.status == PlanStatus.OPTIMAL and res.has_plan
    assert res.objective_value == pytest.approx(brute_force(p))
    assert {t: o.option_id for t, o in res.chosen.items()} == {"A": "A2", "B": "B2", "C": "C0"}
    assert res.resource_units == {"agents": 7, "pickers": 4}
    assert res.total_cost_per_day_usd == pytest.approx(4200 + 2800 + 1000)
    assert res.total_revenue_per_day_usd is not None
    assert res.total_cost_per_day_usd is not None
    assert res.total_profit_per_day_usd == pytest.approx(
        res.total_revenue_per_day_usd - res.total_cost_per_day_usd
    )
    assert res.total_orders_per_day == 1000
    assert res.cost_per_order_usd == pytest.approx(8.0)
    assert res.mip_gap is not None and res.mip_gap <= 1e-4
    assert set(res.binding_constraints) == {"budget", "order_A_ge_B"}
    assert res.solver == solver and res.solve_time_s > 0 and res.build_time_s > 0
    frame = res.to_frame()
    assert list(frame.columns) == [
        "tier",
        "option_id",
        "service_level",
        "service_half_width",
        "cost_per_day_usd",
        "revenue_per_day_usd",
        "profit_per_day_usd",
        "orders_per_day",
        "agents_units",
        "pickers_units",
    ]
    assert frame["cost_per_day_usd"].sum() == pytest.approx(res.total_cost_per_day_usd)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["status"] == "optimal" and d["chosen"]["A"]["params"]["seed"] == 7


@pytest.mark.parametrize("solver", SOLVERS)
def test_budget_shadow_price_equals_lp_relaxation_finite_difference(solver: str) -> None:
    p = three_tier_problem(budget_per_day_usd=7000.0, tier_order=None, min_service={})

    def lp_value(budget: float) -> float:
        q = dataclasses.replace(p, budget_per_day_usd=budget)
        run = run_model(build_model(q, relax_integrality=True), solver=solver)
        assert run.status == PlanStatus.OPTIMAL and run.objective_value is not None
        return run.objective_value

    res = solve(p, solver=solver)
    slope = (lp_value(7010.0) - lp_value(6990.0)) / 20.0
    assert slope > 0
    assert res.shadow_prices["budget"] == pytest.approx(slope, rel=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_cost_objective_picks_cheapest_plan_meeting_minimums(solver: str) -> None:
    p = three_tier_problem(objective="cost", budget_per_day_usd=None)
    res = solve(p, solver=solver)
    assert res.objective_value == pytest.approx(brute_force(p))
    assert res.objective_value == pytest.approx(res.total_cost_per_day_usd)
    assert res.chosen["A"].service_level == 0.95


def test_resource_unit_cost_is_added_to_plan_cost() -> None:
    p = three_tier_problem(
        resources=[
            ResourceSpec(name="agents", capacity_units=8, cost_per_unit_day_usd=40.0),
            ResourceSpec(name="pickers", capacity_units=6),
        ],
    )
    res = solve(p)
    opts = res.chosen.values()
    assert res.total_cost_per_day_usd == pytest.approx(
        sum(o.cost_per_day_usd for o in opts) + 40.0 * res.resource_units["agents"]
    )
    assert res.objective_value == pytest.approx(brute_force(p))


@pytest.mark.parametrize("solver", SOLVERS)
def test_solver_log_goes_to_logging_not_stdout(
    solver: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="tierwise.optimization"):
        solve(three_tier_problem(), solver=solver, msg=True)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert any(f"[{solver}]" in r.getMessage() for r in caplog.records)


def test_unknown_solver_and_bad_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="allowed: 'cbc' or 'highs'"):
        solve(three_tier_problem(), solver="gurobi")
    with pytest.raises(ValueError, match="time_limit_s"):
        solve(three_tier_problem(), time_limit_s=0)
    with pytest.raises(ValueError, match="mip_gap"):
        solve(three_tier_problem(), mip_gap=1.5)


# --------------------------------------------------------------------------- verification


def test_solver_plan_breaking_a_constraint_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    p = three_tier_problem()

    def bad_run(model, **kw):  # type: ignore[no-untyped-def]
        # picks the best-service option everywhere: over budget and capacity
        x = {k: 1.0 if k[1].endswith("3") else 0.0 for k in model.x}
        return SolverRun(
            status=PlanStatus.OPTIMAL,
            solver="cbc",
            raw_status="fake",
            objective_value=0.0,
            x=x,
            y={"agents": 12.0, "pickers": 9.0},
        )

    monkeypatch.setattr(solve_mod, "run_model", bad_run)
    with pytest.raises(PlanVerificationError, match="budget") as err:
        solve(p)
    assert err.value.result is not None and err.value.result.status == PlanStatus.ERROR
    flagged = solve(p, strict=False)
    assert flagged.status == PlanStatus.ERROR
    assert {"budget", "capacity_agents"} <= {v.constraint for v in flagged.violations}


def test_infeasible_result_has_no_plan_and_is_json_serialisable() -> None:
    p = three_tier_problem(budget_per_day_usd=100.0)
    res: PlanResult = solve(p, explain=False)
    assert res.status == PlanStatus.INFEASIBLE and not res.has_plan
    assert res.to_frame().empty
    assert json.loads(json.dumps(res.to_dict()))["status"] == "infeasible"


def test_pooled_resource_needs_the_largest_pool_not_the_sum() -> None:
    """A shared desk: each option states the desk size it was simulated with."""
    options = [
        TierOption(
            tier="A",
            option_id="a6",
            service_level=0.90,
            cost_per_day_usd=100,
            revenue_per_day_usd=1000,
            resources={"agents": 6},
        ),
        TierOption(
            tier="A",
            option_id="a8",
            service_level=0.97,
            cost_per_day_usd=120,
            revenue_per_day_usd=1100,
            resources={"agents": 8},
        ),
        TierOption(
            tier="B",
            option_id="b6",
            service_level=0.85,
            cost_per_day_usd=50,
            revenue_per_day_usd=400,
            resources={"agents": 6},
        ),
        TierOption(
            tier="B",
            option_id="b8",
            service_level=0.95,
            cost_per_day_usd=60,
            revenue_per_day_usd=480,
            resources={"agents": 8},
        ),
    ]
    pooled = PlanProblem(
        options=options,
        resources=[
            ResourceSpec(name="agents", capacity_units=8, cost_per_unit_day_usd=10, pooled=True)
        ],
    )
    result = solve(pooled)
    assert result.status == PlanStatus.OPTIMAL
    assert {t: o.option_id for t, o in result.chosen.items()} == {"A": "a8", "B": "b8"}
    assert result.resource_units["agents"] == 8
    side_by_side = PlanProblem(
        options=options,
        resources=[ResourceSpec(name="agents", capacity_units=8, cost_per_unit_day_usd=10)],
    )
    assert solve(side_by_side).status == PlanStatus.INFEASIBLE  # 6 + 6 agents > 8
