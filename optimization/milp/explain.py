"""Explain why a tier-planning problem has no feasible plan, with numbers.

:func:`explain_infeasibility` runs direct diagnostics, each of which names a constraint
and says by how much it misses:

* **minimum service** per tier against the best option of that tier;
* **tier ordering** (``A >= B >= C``) against the minimums, bottom tier up;
* **capacity** per resource against the fewest units any plan meeting the minimums
  needs (a min-usage MILP), and capacities jointly;
* **budget** against the cheapest plan meeting the minimums (a min-cost MILP without
  the budget);
* **cost per order** against the lowest achievable cost per order (Dinkelbach's
  method on the ratio :math:`\\sum c x / \\sum o x`).

It then solves the **elastic relaxation**
(:func:`tierwise.optimization.milp.relax.elastic_relaxation`), which says which
constraints must be relaxed, and by how much, to restore feasibility, jointly and for
each constraint group alone (single-group fixes).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from tierwise.common.formatting import compact, level
from tierwise.optimization.milp.check import plan_totals, plan_units
from tierwise.optimization.milp.model import build_model
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.relax import elastic_relaxation
from tierwise.optimization.milp.result import Finding, InfeasibilityReport, PlanStatus, Relaxation
from tierwise.optimization.milp.rows import (
    GROUP_BUDGET,
    GROUP_CAPACITY,
    GROUP_COST_PER_ORDER,
    GROUP_MIN_SERVICE,
    GROUP_TIER_ORDER,
    RELAXABLE_GROUPS,
    ObjectiveSpec,
    constraint_rows,
    objective_spec,
)
from tierwise.optimization.milp.solvers import (
    SolverRun,
    chosen_from_run,
    run_model,
    run_to_optimality,
)

__all__ = [
    "cheapest_plan_cost",
    "explain_infeasibility",
    "min_cost_per_order",
    "min_resource_units",
]

log = logging.getLogger(__name__)

_EPS_SERVICE = 1e-9


def _sub(
    problem: PlanProblem,
    *,
    objective: ObjectiveSpec,
    omit: Collection[str],
    solver: str,
    time_limit_s: float,
    name: str,
) -> SolverRun:
    model = build_model(problem, omit_groups=omit, objective=objective, name=name)
    return run_to_optimality(model, solver=solver, time_limit_s=time_limit_s)


# --------------------------------------------------------------------------- sub-problems

_STRUCTURAL_OMIT = (GROUP_BUDGET, GROUP_CAPACITY, GROUP_COST_PER_ORDER)


def cheapest_plan_cost(
    problem: PlanProblem,
    *,
    with_limits: bool = False,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
) -> float | None:
    """Cost of the cheapest plan meeting the minimum service levels and tier order.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem; its budget is ignored.
    with_limits : bool, default False
        Also respect capacities and the cost-per-order limit.
    solver : {"cbc", "highs"}, default "cbc"
        Solver.
    time_limit_s : float, default 30
        Time limit per solve, seconds.

    Returns
    -------
    float or None
        Cost, USD/day (per-unit resource costs included); ``None`` when no plan meets
        the constraints.
    """
    omit = (GROUP_BUDGET,) if with_limits else _STRUCTURAL_OMIT
    run = _sub(
        problem,
        objective=objective_spec(problem, "cost"),
        omit=omit,
        solver=solver,
        time_limit_s=time_limit_s,
        name="tierwise_cheapest",
    )
    if not run.status.has_plan:
        return None
    return plan_totals(problem, chosen_from_run(problem, run)).cost_per_day_usd


def min_resource_units(
    problem: PlanProblem, resource: str, *, solver: str = "cbc", time_limit_s: float = 30.0
) -> int | None:
    """Fewest units of ``resource`` any plan meeting the minimums and tier order needs.

    Capacities, budget and cost per order are ignored.

    Returns
    -------
    int or None
        Units; ``None`` when no plan meets the minimums.
    """
    if problem.resource(resource).pooled:  # y_r is the largest need: minimise y_r itself
        spec = ObjectiveSpec(sense="min", x_coeffs={}, y_coeffs={resource: 1.0})
    else:
        spec = ObjectiveSpec(
            sense="min",
            x_coeffs={
                (o.tier, o.option_id): float(o.resources.get(resource, 0)) for o in problem.options
            },
        )
    run = _sub(
        problem,
        objective=spec,
        omit=_STRUCTURAL_OMIT,
        solver=solver,
        time_limit_s=time_limit_s,
        name=f"tierwise_min_{resource}",
    )
    if not run.status.has_plan:
        return None
    return plan_units(problem, chosen_from_run(problem, run))[resource]


def min_cost_per_order(
    problem: PlanProblem,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    max_iter: int = 60,
) -> float | None:
    """Lowest total cost / total orders over plans meeting minimums, order and capacities.

    Dinkelbach's method: for a ratio :math:`\\lambda`, minimise
    :math:`\\sum (c - \\lambda o) x + \\sum u y`; set :math:`\\lambda` to the ratio of
    the minimiser and repeat until the minimum is 0. Budget and the cost-per-order
    limit itself are ignored.

    Returns
    -------
    float or None
        USD/order (``inf`` when every plan has zero orders and positive cost);
        ``None`` when no plan meets the constraints.
    """
    omit = (GROUP_BUDGET, GROUP_COST_PER_ORDER)
    lam = problem.max_cost_per_order_usd or 0.0
    best: float | None = None
    for _ in range(max_iter):
        spec = ObjectiveSpec(
            sense="min",
            x_coeffs={
                (o.tier, o.option_id): o.cost_per_day_usd - lam * o.orders_per_day
                for o in problem.options
            },
            y_coeffs=problem.unit_costs,
        )
        run = _sub(
            problem,
            objective=spec,
            omit=omit,
            solver=solver,
            time_limit_s=time_limit_s,
            name="tierwise_min_cpo",
        )
        if not run.status.has_plan:
            return None
        totals = plan_totals(problem, chosen_from_run(problem, run))
        cost, orders = totals.cost_per_day_usd, totals.orders_per_day
        f = cost - lam * orders
        if orders <= 0:
            if cost <= 0:
                return 0.0
            # a zero-order plan wins: lambda is too low to value orders; raise it
            lam = max(2.0 * lam, 1.0)
            best = math.inf if best is None else best
            continue
        ratio = cost / orders
        best = ratio if best is None else min(best, ratio)
        if f >= -1e-9 * max(1.0, cost):
            return best
        lam = ratio
    log.warning("Dinkelbach did not converge in %d iterations", max_iter)
    return best


# --------------------------------------------------------------------------- diagnostics


def _shortfall(
    *, kind: str, constraint: str, limit: float, achievable: float, unit: str, message: str
) -> Finding:
    """A finding that a limit and the best any plan achieves are ``|achievable - limit|`` apart."""
    return Finding(
        kind=kind,
        constraint=constraint,
        limit=limit,
        achievable=achievable,
        shortfall=abs(achievable - limit),
        unit=unit,
        message=message,
    )


def _row_name(problem: PlanProblem, group: str, subject: tuple[str, ...]) -> str:
    """Model name of the row of ``group`` about ``subject`` (sanitised, unique)."""
    for row in constraint_rows(problem):
        if row.group == group and row.subject == subject:
            return row.name
    return f"{group}_{'_'.join(subject)}"


def _service_findings(problem: PlanProblem) -> list[Finding]:
    out = []
    basis = " (lower confidence bound)" if problem.min_service_basis == "lower_bound" else ""
    for t, smin in problem.min_service.items():
        best = max(problem.effective_service(o) for o in problem.options_for(t))
        if best < smin - _EPS_SERVICE:
            metric = problem.metric_name(t)
            out.append(
                _shortfall(
                    kind="min_service",
                    constraint=_row_name(problem, GROUP_MIN_SERVICE, (t,)),
                    limit=smin,
                    achievable=best,
                    unit="fraction",
                    message=f"tier {t} minimum {metric} {compact(smin)} is above the best option "
                    f"found{basis}, {compact(best)} (short by {compact(smin - best)})",
                )
            )
    return out


def _order_findings(problem: PlanProblem) -> list[Finding]:
    """Walk the tier order from the worst tier up, keeping each tier as low as allowed; with
    shared-lever configurations, in each configuration (the plan takes every tier from one),
    reporting the closest configuration when none allows the order."""
    configurations = problem.configurations
    if not configurations:
        return _order_walk(problem, problem.options_for, "")
    closest: list[Finding] = []
    for c in configurations:

        def options_in(tier: str, c: str = c) -> tuple[TierOption, ...]:
            return tuple(o for o in problem.options_for(tier) if o.configuration == c)

        if not all(options_in(t) for t in problem.tiers):
            continue  # a configuration some tier has no option in is never a plan
        found = _order_walk(problem, options_in, f" in configuration {c}")
        if not found:
            return []
        if not closest or (found[0].shortfall or 0.0) < (closest[0].shortfall or 0.0):
            closest = found
    if not closest:
        return []
    closest[0] = replace(
        closest[0],
        message=f"{closest[0].message}; no configuration of the shared levers does better",
    )
    return closest


def _order_walk(
    problem: PlanProblem, options_for: Callable[[str], Sequence[TierOption]], where: str
) -> list[Finding]:
    order = list(problem.tier_order or ())
    lower, below = 0.0, ""
    for t in reversed(order):
        options = options_for(t)
        if not options:
            return [
                Finding(
                    kind="tier_order",
                    constraint=_row_name(problem, GROUP_TIER_ORDER, (t, below or t)),
                    message=f"tier {t} has no option{where}",
                )
            ]
        smin = problem.min_service.get(t, 0.0)
        meets_min = [o for o in options if problem.effective_service(o) >= smin - _EPS_SERVICE]
        if not meets_min:
            return [
                Finding(
                    kind="tier_order",
                    constraint=_row_name(problem, GROUP_MIN_SERVICE, (t,)),
                    message=f"tier {t} has no option meeting its minimum{where}",
                )
            ]
        cands = [o for o in meets_min if o.service_level >= lower - _EPS_SERVICE]
        if not cands:
            best = max(o.service_level for o in meets_min)
            metric = problem.metric_name(t)
            return [
                _shortfall(
                    kind="tier_order",
                    constraint=_row_name(problem, GROUP_TIER_ORDER, (t, below)),
                    limit=lower,
                    achievable=best,
                    unit="fraction",
                    message=f"tier order {t} >= {below} cannot hold{where}: tier {below} cannot "
                    f"go below {metric} {compact(lower)} while meeting its minimum (and the "
                    f"tiers below it), but the best option of tier {t} reaches {compact(best)} "
                    f"(short by {compact(lower - best)})",
                )
            ]
        lower, below = min(o.service_level for o in cands), t
    return []


def _capacity_findings(problem: PlanProblem, solver: str, time_limit_s: float) -> list[Finding]:
    """Each capacity against the fewest units a plan meeting the minimums needs, then jointly."""
    out = []
    for r in problem.resources:
        if r.capacity_units is None:
            continue
        need = min_resource_units(problem, r.name, solver=solver, time_limit_s=time_limit_s)
        if need is not None and need > r.capacity_units:
            out.append(
                _shortfall(
                    kind="capacity",
                    constraint=_row_name(problem, GROUP_CAPACITY, (r.name,)),
                    limit=float(r.capacity_units),
                    achievable=float(need),
                    unit="units",
                    message=f"capacity of {r.name} is {compact(r.capacity_units)} units but every "
                    f"plan meeting the minimums needs at least {compact(need)} "
                    f"({compact(need - r.capacity_units)} short)",
                )
            )
    capped = [r.name for r in problem.resources if r.capacity_units is not None]
    if len(capped) > 1 and not out:
        model = build_model(
            problem,
            omit_groups=(GROUP_BUDGET, GROUP_COST_PER_ORDER),
            objective="cost",
            name="tierwise_capacities",
        )
        run = run_model(model, solver=solver, time_limit_s=time_limit_s, mip_gap=1e-4)
        if run.status == PlanStatus.INFEASIBLE:
            out.append(
                Finding(
                    kind="combination",
                    constraint=", ".join(f"capacity_{n}" for n in capped),
                    unit="units",
                    message=f"capacities of {', '.join(capped)} cannot all be met by a plan "
                    "meeting the minimums, although each can on its own",
                )
            )
    return out


def _budget_findings(
    problem: PlanProblem, cheapest: float, solver: str, time_limit_s: float
) -> list[Finding]:
    """The budget against the cheapest plan meeting the minimums (within the other limits)."""
    b = problem.budget_per_day_usd
    if b is None:
        return []
    limited = cheapest_plan_cost(
        problem, with_limits=True, solver=solver, time_limit_s=time_limit_s
    )
    tol = 1e-6 * max(1.0, b)
    what = "the cheapest plan meeting the minimums"
    if limited is not None and limited > cheapest + tol:
        what += " within capacities and the cost-per-order limit"
    achievable = cheapest if limited is None else limited
    if not achievable > b + tol:
        return []
    return [
        _shortfall(
            kind="budget",
            constraint="budget",
            limit=b,
            achievable=achievable,
            unit="USD/day",
            message=f"budget {level(b, 'USD')}/day is {level(achievable - b, 'USD')} below "
            f"{what} ({level(achievable, 'USD')}/day)",
        )
    ]


def _cost_per_order_findings(
    problem: PlanProblem, solver: str, time_limit_s: float
) -> list[Finding]:
    """The cost-per-order limit against the lowest cost per order within the other limits."""
    m = problem.max_cost_per_order_usd
    if m is None:
        return []
    best = min_cost_per_order(problem, solver=solver, time_limit_s=time_limit_s)
    if best is None or not best > m * (1 + 1e-9) + 1e-12:
        return []
    return [
        _shortfall(
            kind="cost_per_order",
            constraint="max_cost_per_order",
            limit=m,
            achievable=best,
            unit="USD/order",
            message=f"maximum cost per order {level(m, 'USD')} is below the lowest achievable "
            f"by plans meeting the minimums within capacities, {level(best, 'USD')} "
            f"(short by {level(best - m, 'USD')})",
        )
    ]


def explain_infeasibility(
    problem: PlanProblem,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    weights: Mapping[str, float] | None = None,
    single_fixes: bool = True,
) -> InfeasibilityReport:
    """Explain why no plan meets every constraint of ``problem``.

    Parameters
    ----------
    problem : PlanProblem
        The (infeasible) planning problem.
    solver : {"cbc", "highs"}, default "cbc"
        Solver for the diagnostic sub-problems.
    time_limit_s : float, default 30
        Time limit per sub-problem, seconds.
    weights : Mapping[str, float] or None
        Elastic penalties by row name (default
        :func:`~tierwise.optimization.milp.relax.default_elastic_weights`).
    single_fixes : bool, default True
        Also relax each constraint group alone.

    Returns
    -------
    InfeasibilityReport
        Findings (with numbers), the joint elastic relaxation, single-group fixes and
        the cost of the cheapest plan meeting the minimums. Empty findings and
        relaxations mean the problem is in fact feasible.
    """
    findings = _service_findings(problem) or _order_findings(problem)
    cheapest: float | None = None
    if not findings:  # every tier can meet its minimum and the order: check the limits
        cheapest = cheapest_plan_cost(problem, solver=solver, time_limit_s=time_limit_s)
        findings += _capacity_findings(problem, solver, time_limit_s)
        if cheapest is not None:
            findings += _budget_findings(problem, cheapest, solver, time_limit_s)
        findings += _cost_per_order_findings(problem, solver, time_limit_s)

    relax = elastic_relaxation(problem, weights=weights, solver=solver, time_limit_s=time_limit_s)
    if not findings and relax:
        findings.append(
            Finding(
                kind="combination",
                constraint=", ".join(r.constraint for r in relax),
                message="no single limit is impossible on its own, but together "
                + ", ".join(r.constraint for r in relax)
                + " cannot all hold; see the relaxation",
            )
        )
    fixes: dict[str, tuple[Relaxation, ...]] = {}
    if single_fixes:
        present = {r.group for r in constraint_rows(problem)}
        for g in RELAXABLE_GROUPS:
            if g in present:
                fix = elastic_relaxation(
                    problem, weights=weights, groups=(g,), solver=solver, time_limit_s=time_limit_s
                )
                if fix:
                    fixes[g] = fix
    report = InfeasibilityReport(
        findings=tuple(findings),
        relaxations=relax or (),
        single_fixes=fixes,
        cheapest_plan_cost_per_day_usd=cheapest,
    )
    for line in report.messages():
        log.info("infeasible: %s", line)
    return report
