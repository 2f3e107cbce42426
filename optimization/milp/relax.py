"""Elastic relaxation: which limits of an infeasible plan to relax, and by how much.

Every relaxable row (:data:`~tierwise.optimization.milp.rows.RELAXABLE_GROUPS`) gets a
slack :math:`e \\ge 0` with a penalty, and :math:`\\min \\sum w e` says which
constraints must be relaxed, and by how much, to restore feasibility. Default weights make
one percentage point of service, 1 % of the budget, 1 % of a capacity and 1 % of the
cost-per-order limit cost the same. The amounts are read from the elastic plan itself
(exact option data), not from the slack values, which carry solver tolerances.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from tierwise.common.formatting import compact, level
from tierwise.optimization.milp.check import PlanTotals, plan_totals, plan_units, selection
from tierwise.optimization.milp.model import build_model
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import Relaxation
from tierwise.optimization.milp.rows import (
    GROUP_BUDGET,
    GROUP_CAPACITY,
    GROUP_COST_PER_ORDER,
    GROUP_MIN_SERVICE,
    GROUP_TIER_ORDER,
    RELAXABLE_GROUPS,
    ConstraintRow,
    constraint_rows,
)
from tierwise.optimization.milp.solvers import chosen_from_run, run_to_optimality

__all__ = ["default_elastic_weights", "elastic_relaxation"]


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
    run = run_to_optimality(model, solver=solver, time_limit_s=time_limit_s)
    if not run.status.has_plan:
        return None
    chosen = chosen_from_run(problem, run)
    totals = plan_totals(problem, chosen)
    # Amounts come from the elastic plan itself (exact option data, the units it needs),
    # not from the slack values, which carry solver tolerances.
    x_plan = selection(problem, chosen)
    y_plan = {r: float(u) for r, u in plan_units(problem, chosen).items()}
    out: list[Relaxation] = []
    for name in w:
        row = rows[name]
        short = -row.slack(x_plan, y_plan)  # > 0: the plan breaks the row by this much
        if not short > 1e-9 * row.scale():
            continue
        out.append(_relaxation(problem, row, short, totals))
    return tuple(out)


def _relaxation(
    problem: PlanProblem, row: ConstraintRow, short: float, totals: PlanTotals
) -> Relaxation:
    """Describe relaxing ``row`` as far as the elastic plan needs.

    ``short`` is how far the plan breaks the row, in the row's units; ``totals`` are the
    plan's totals (its cost and cost per order are the relaxed money limits).
    """
    current: float
    if row.group == GROUP_MIN_SERVICE:
        (t,) = row.subject
        current, relaxed, amount, unit = row.rhs, row.rhs - short, short, "fraction"
        text = (
            f"lower tier {t} minimum {problem.metric_name(t)} from {compact(current)} "
            f"to {compact(relaxed)} (−{compact(short)})"
        )
    elif row.group == GROUP_TIER_ORDER:
        a, b = row.subject
        current, relaxed, amount, unit = 0.0, -short, short, "fraction"
        text = f"let tier {b} exceed tier {a} by up to {compact(short)} in service"
    elif row.group == GROUP_CAPACITY:
        (r,) = row.subject
        current, relaxed, amount, unit = row.rhs, row.rhs + short, short, "units"
        text = (
            f"raise {r} capacity from {compact(current)} to {compact(relaxed)} units "
            f"(+{compact(short)})"
        )
    elif row.group == GROUP_BUDGET:
        current, relaxed, unit = row.rhs, totals.cost_per_day_usd, "USD/day"
        amount = relaxed - current
        text = (
            f"raise the budget from {level(current, 'USD')}/day to {level(relaxed, 'USD')}/day "
            f"(+{level(amount, 'USD')})"
        )
    else:
        current, relaxed, unit = (
            problem.max_cost_per_order_usd or 0.0,
            totals.cost_per_order_usd,
            "USD/order",
        )
        amount = relaxed - current
        text = (
            f"raise the maximum cost per order from {level(current, 'USD')} "
            f"to {level(relaxed, 'USD')}"
        )
    return Relaxation(
        constraint=row.name,
        group=row.group,
        current=current,
        relaxed=relaxed,
        amount=amount,
        unit=unit,
        message=text,
    )
