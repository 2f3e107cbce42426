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

It then solves an **elastic relaxation**: every relaxable row gets a slack
:math:`e \\ge 0` with a penalty, and :math:`\\min \\sum w e` says which constraints must
be relaxed, and by how much, to restore feasibility. Default weights make one
percentage point of service, 1 % of the budget, 1 % of a capacity and 1 % of the
cost-per-order limit cost the same. Each constraint group is also relaxed alone, to
show single-group fixes.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping

from tierwise.optimization.milp.model import (
    GROUP_BUDGET,
    GROUP_CAPACITY,
    GROUP_COST_PER_ORDER,
    GROUP_MIN_SERVICE,
    GROUP_TIER_ORDER,
    RELAXABLE_GROUPS,
    ConstraintRow,
    ObjectiveSpec,
    build_model,
    constraint_rows,
    plan_units,
)
from tierwise.optimization.milp.problem import (
    Finding,
    InfeasibilityReport,
    PlanProblem,
    PlanStatus,
    Relaxation,
    TierOption,
    _fmt,
)
from tierwise.optimization.milp.solvers import SolverRun, chosen_from_run, run_model

__all__ = [
    "cheapest_plan_cost",
    "default_elastic_weights",
    "elastic_relaxation",
    "explain_infeasibility",
    "min_cost_per_order",
    "min_resource_units",
]

log = logging.getLogger(__name__)

_EPS_SERVICE = 1e-9
_SUB_GAP = 1e-9  # sub-problems are solved to (near) proven optimality


def _usd(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"


def _units_txt(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-6 else f"{v:,.3g}"


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
    run = run_model(model, solver=solver, time_limit_s=time_limit_s, mip_gap=_SUB_GAP)
    if run.status == PlanStatus.FEASIBLE_NOT_PROVEN:
        log.warning("%s: sub-problem not solved to optimality; numbers are bounds", name)
    return run


def _cost_spec(problem: PlanProblem) -> ObjectiveSpec:
    return ObjectiveSpec(
        sense="min",
        x_coeffs={(o.tier, o.option_id): o.cost_per_day_usd for o in problem.options},
        y_coeffs={
            r.name: r.cost_per_unit_day_usd for r in problem.resources if r.cost_per_unit_day_usd
        },
    )


def _plan_cost(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> tuple[float, float]:
    """(cost incl. per-unit resource cost, orders) of a choice, USD/day and orders/day."""
    cost = math.fsum(o.cost_per_day_usd for o in chosen.values())
    for r in problem.resources:
        units = sum(int(o.resources.get(r.name, 0)) for o in chosen.values())
        cost += r.cost_per_unit_day_usd * units
    orders = math.fsum(o.orders_per_day for o in chosen.values())
    return cost, orders


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
        objective=_cost_spec(problem),
        omit=omit,
        solver=solver,
        time_limit_s=time_limit_s,
        name="tierwise_cheapest",
    )
    if not run.status.has_plan:
        return None
    return _plan_cost(problem, chosen_from_run(problem, run))[0]


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
    chosen = chosen_from_run(problem, run)
    needs = {t: {k: float(v) for k, v in o.resources.items()} for t, o in chosen.items()}
    return round(plan_units(problem, needs)[resource])


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
    uc = {r.name: r.cost_per_unit_day_usd for r in problem.resources if r.cost_per_unit_day_usd}
    for _ in range(max_iter):
        spec = ObjectiveSpec(
            sense="min",
            x_coeffs={
                (o.tier, o.option_id): o.cost_per_day_usd - lam * o.orders_per_day
                for o in problem.options
            },
            y_coeffs=uc,
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
        cost, orders = _plan_cost(problem, chosen_from_run(problem, run))
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


# --------------------------------------------------------------------------- elastic


def default_elastic_weights(problem: PlanProblem) -> dict[str, float]:
    """Penalty per unit of slack for each relaxable row.

    One percentage point of service (0.01), 1 % of the budget, 1 % of a capacity and
    1 % of the cost-per-order limit (times typical orders) each cost 1.
    """
    w: dict[str, float] = {}
    typical_orders = math.fsum(
        sum(o.orders_per_day for o in problem.options_for(t)) / len(problem.options_for(t))
        for t in problem.tiers
    )
    for row in constraint_rows(problem):
        if row.group in (GROUP_MIN_SERVICE, GROUP_TIER_ORDER):
            w[row.name] = 100.0
        elif row.group == GROUP_BUDGET or row.group == GROUP_CAPACITY:
            w[row.name] = 100.0 / max(row.rhs, 1.0)
        elif row.group == GROUP_COST_PER_ORDER:
            m = problem.max_cost_per_order_usd or 0.0
            w[row.name] = 100.0 / max(m * typical_orders, 1.0)
    return w


def elastic_relaxation(
    problem: PlanProblem,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    weights: Mapping[str, float] | None = None,
    groups: Collection[str] = RELAXABLE_GROUPS,
) -> tuple[Relaxation, ...] | None:
    """Smallest weighted relaxation of the ``groups`` rows that makes ``problem`` feasible.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    solver : {"cbc", "highs"}, default "cbc"
        Solver.
    time_limit_s : float, default 30
        Time limit, seconds.
    weights : Mapping[str, float] or None
        Penalty per unit of slack by row name (default :func:`default_elastic_weights`).
    groups : Collection[str]
        Constraint groups that may be relaxed; the others stay hard.

    Returns
    -------
    tuple[Relaxation, ...] or None
        One entry per row that must be relaxed (empty if the problem is feasible);
        ``None`` when relaxing these groups alone cannot restore feasibility.
    """
    rows = {r.name: r for r in constraint_rows(problem)}
    base = default_elastic_weights(problem)
    base.update(weights or {})
    w = {n: v for n, v in base.items() if n in rows and rows[n].group in set(groups)}
    if not w:
        return None
    model = build_model(problem, elastic_weights=w, name="tierwise_elastic")
    run = run_model(model, solver=solver, time_limit_s=time_limit_s, mip_gap=_SUB_GAP)
    if not run.status.has_plan:
        return None
    chosen = chosen_from_run(problem, run)
    cost, orders = _plan_cost(problem, chosen)
    units = {
        r.name: sum(int(o.resources.get(r.name, 0)) for o in chosen.values())
        for r in problem.resources
    }
    # Amounts come from the elastic plan itself (exact option data), not from the
    # slack values, which carry solver tolerances.
    x_plan = {(o.tier, o.option_id): 1.0 for o in chosen.values()}
    y_plan = {r: float(u) for r, u in units.items()}
    out: list[Relaxation] = []
    for name in w:
        row = rows[name]
        short = -row.slack(x_plan, y_plan)  # > 0: the plan breaks the row by this much
        if not short > 1e-9 * row.scale():
            continue
        out.append(_relaxation(problem, row, short, cost, orders))
    return tuple(out)


def _relaxation(
    problem: PlanProblem, row: ConstraintRow, short: float, cost: float, orders: float
) -> Relaxation:
    """Describe relaxing ``row`` by ``short`` (row units) as the elastic plan needs."""
    if row.group == GROUP_MIN_SERVICE:
        t = row.subject[0]
        new = row.rhs - short
        return Relaxation(
            constraint=row.name,
            group=row.group,
            current=row.rhs,
            relaxed=new,
            amount=short,
            unit="fraction",
            message=f"lower tier {t} minimum {problem.metric_name(t)} from {_fmt(row.rhs)} "
            f"to {_fmt(new)} (-{_fmt(short)})",
        )
    if row.group == GROUP_TIER_ORDER:
        a, b = row.subject
        return Relaxation(
            constraint=row.name,
            group=row.group,
            current=0.0,
            relaxed=-short,
            amount=short,
            unit="fraction",
            message=f"let tier {b} exceed tier {a} by up to {_fmt(short)} in service",
        )
    if row.group == GROUP_CAPACITY:
        r = row.subject[0]
        new = row.rhs + short
        return Relaxation(
            constraint=row.name,
            group=row.group,
            current=row.rhs,
            relaxed=new,
            amount=short,
            unit="units",
            message=f"raise {r} capacity from {_units_txt(row.rhs)} to {_units_txt(new)} "
            f"units (+{_units_txt(short)})",
        )
    if row.group == GROUP_BUDGET:
        return Relaxation(
            constraint=row.name,
            group=row.group,
            current=row.rhs,
            relaxed=cost,
            amount=cost - row.rhs,
            unit="USD/day",
            message=f"raise the budget from {_usd(row.rhs)} to {_usd(cost)} USD/day "
            f"(+{_usd(cost - row.rhs)})",
        )
    m = problem.max_cost_per_order_usd or 0.0
    cpo = cost / orders if orders > 0 else math.inf
    return Relaxation(
        constraint=row.name,
        group=row.group,
        current=m,
        relaxed=cpo,
        amount=cpo - m,
        unit="USD/order",
        message=f"raise the maximum cost per order from {_usd(m)} to {_usd(cpo)} USD",
    )


# --------------------------------------------------------------------------- diagnostics


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
                Finding(
                    kind="min_service",
                    constraint=_row_name(problem, GROUP_MIN_SERVICE, (t,)),
                    limit=smin,
                    achievable=best,
                    shortfall=smin - best,
                    unit="fraction",
                    message=f"tier {t} minimum {metric} {_fmt(smin)} is above the best option "
                    f"found{basis}, {_fmt(best)} (short by {_fmt(smin - best)})",
                )
            )
    return out


def _order_findings(problem: PlanProblem) -> list[Finding]:
    """Walk the tier order from the worst tier up, keeping each tier as low as allowed."""
    order = list(problem.tier_order or ())
    lower, below = 0.0, ""
    for t in reversed(order):
        smin = problem.min_service.get(t, 0.0)
        meets_min = [
            o for o in problem.options_for(t) if problem.effective_service(o) >= smin - _EPS_SERVICE
        ]
        cands = [o for o in meets_min if o.service_level >= lower - _EPS_SERVICE]
        if not cands:
            best = max(o.service_level for o in meets_min)
            metric = problem.metric_name(t)
            return [
                Finding(
                    kind="tier_order",
                    constraint=_row_name(problem, GROUP_TIER_ORDER, (t, below)),
                    limit=lower,
                    achievable=best,
                    shortfall=lower - best,
                    unit="fraction",
                    message=f"tier order {t} >= {below} cannot hold: tier {below} cannot go below "
                    f"{metric} {_fmt(lower)} while meeting its minimum (and the tiers below it), "
                    f"but the best option of tier {t} reaches {_fmt(best)} "
                    f"(short by {_fmt(lower - best)})",
                )
            ]
        lower, below = min(o.service_level for o in cands), t
    return []


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
        Elastic penalties by row name (default :func:`default_elastic_weights`).
    single_fixes : bool, default True
        Also relax each constraint group alone.

    Returns
    -------
    InfeasibilityReport
        Findings (with numbers), the joint elastic relaxation, single-group fixes and
        the cost of the cheapest plan meeting the minimums. Empty findings and
        relaxations mean the problem is in fact feasible.
    """
    findings = _service_findings(problem)
    if not findings:
        findings += _order_findings(problem)
    structural_ok = not findings

    cheapest: float | None = None
    if structural_ok:
        cheapest = cheapest_plan_cost(problem, solver=solver, time_limit_s=time_limit_s)

        capacity_short = False
        for r in problem.resources:
            if r.capacity_units is None:
                continue
            need = min_resource_units(problem, r.name, solver=solver, time_limit_s=time_limit_s)
            if need is not None and need > r.capacity_units:
                capacity_short = True
                findings.append(
                    Finding(
                        kind="capacity",
                        constraint=_row_name(problem, GROUP_CAPACITY, (r.name,)),
                        limit=float(r.capacity_units),
                        achievable=float(need),
                        shortfall=float(need - r.capacity_units),
                        unit="units",
                        message=f"capacity of {r.name} is {r.capacity_units} units but every plan "
                        f"meeting the minimums needs at least {need} "
                        f"({need - r.capacity_units} short)",
                    )
                )
        capped = [r.name for r in problem.resources if r.capacity_units is not None]
        if len(capped) > 1 and not capacity_short:
            model = build_model(
                problem,
                omit_groups=(GROUP_BUDGET, GROUP_COST_PER_ORDER),
                objective="cost",
                name="tierwise_capacities",
            )
            run = run_model(model, solver=solver, time_limit_s=time_limit_s, mip_gap=1e-4)
            if run.status == PlanStatus.INFEASIBLE:
                findings.append(
                    Finding(
                        kind="combination",
                        constraint=", ".join(f"capacity_{n}" for n in capped),
                        unit="units",
                        message=f"capacities of {', '.join(capped)} cannot all be met by a plan "
                        "meeting the minimums, although each can on its own",
                    )
                )

        b = problem.budget_per_day_usd
        if b is not None and cheapest is not None:
            limited = cheapest_plan_cost(
                problem, with_limits=True, solver=solver, time_limit_s=time_limit_s
            )
            tol = 1e-6 * max(1.0, b)
            if limited is not None and limited > b + tol:
                what = "the cheapest plan meeting the minimums"
                if limited > cheapest + tol:
                    what += " within capacities and the cost-per-order limit"
                findings.append(
                    Finding(
                        kind="budget",
                        constraint="budget",
                        limit=b,
                        achievable=limited,
                        shortfall=limited - b,
                        unit="USD/day",
                        message=f"budget {_usd(b)} USD/day is {_usd(limited - b)} below {what} "
                        f"({_usd(limited)} USD/day)",
                    )
                )
            elif limited is None and cheapest > b + tol:
                findings.append(
                    Finding(
                        kind="budget",
                        constraint="budget",
                        limit=b,
                        achievable=cheapest,
                        shortfall=cheapest - b,
                        unit="USD/day",
                        message=f"budget {_usd(b)} USD/day is {_usd(cheapest - b)} below the "
                        f"cheapest plan meeting the minimums ({_usd(cheapest)} USD/day)",
                    )
                )

        m = problem.max_cost_per_order_usd
        if m is not None:
            best = min_cost_per_order(problem, solver=solver, time_limit_s=time_limit_s)
            if best is not None and best > m * (1 + 1e-9) + 1e-12:
                findings.append(
                    Finding(
                        kind="cost_per_order",
                        constraint="max_cost_per_order",
                        limit=m,
                        achievable=best,
                        shortfall=best - m,
                        unit="USD/order",
                        message=f"maximum cost per order {_usd(m)} USD is below the lowest "
                        f"achievable by plans meeting the minimums within capacities, {_usd(best)} "
                        f"USD (short by {_usd(best - m)})",
                    )
                )

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
