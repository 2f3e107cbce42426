"""Plain-Python evaluation of a plan: the units it needs, its totals, the constraints it breaks.

Everything here is written from the problem definition alone, without the constraint rows
of :mod:`tierwise.optimization.milp.rows` or PuLP, so it also catches formulation and
solver errors. A pooled resource needs the largest of the chosen options' units, any
other resource their sum. Money is USD/day, service levels are fractions, resources are
units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tierwise.common.formatting import compact, usd
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.result import ConstraintViolation, PlanResult
from tierwise.optimization.milp.rows import OptionKey, safe_name

__all__ = ["PlanTotals", "check_assignment", "check_plan", "plan_totals", "plan_units", "selection"]


@dataclass(frozen=True)
class PlanTotals:
    """Totals of a choice of one option per tier.

    Attributes
    ----------
    cost_per_day_usd : float
        Option costs plus per-unit resource costs, USD/day.
    revenue_per_day_usd : float
        Revenue of the chosen options, USD/day.
    orders_per_day : float
        Orders per day over all tiers.
    """

    cost_per_day_usd: float
    revenue_per_day_usd: float
    orders_per_day: float

    @property
    def profit_per_day_usd(self) -> float:
        """Revenue minus cost, USD/day."""
        return self.revenue_per_day_usd - self.cost_per_day_usd

    @property
    def cost_per_order_usd(self) -> float:
        """Cost / orders, USD/order (``inf`` without orders)."""
        return self.cost_per_day_usd / self.orders_per_day if self.orders_per_day > 0 else math.inf


def plan_units(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[str, int]:
    """Units of every declared resource a choice needs: the sum over tiers, or the largest
    for a pooled resource."""
    units: dict[str, int] = {}
    for r in problem.resources:
        needs = [int(o.resources.get(r.name, 0)) for o in chosen.values()]
        units[r.name] = max(needs, default=0) if r.pooled else sum(needs)
    return units


def plan_totals(
    problem: PlanProblem,
    chosen: Mapping[str, TierOption],
    units: Mapping[str, float] | None = None,
) -> PlanTotals:
    """Cost, revenue and orders of a choice.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem (for per-unit resource costs).
    chosen : Mapping[str, TierOption]
        One option per tier.
    units : Mapping[str, float] or None
        Resource units the plan provides; default :func:`plan_units` (what it needs).
    """
    provided = plan_units(problem, chosen) if units is None else units
    cost = math.fsum(
        [o.cost_per_day_usd for o in chosen.values()]
        + [r.cost_per_unit_day_usd * provided.get(r.name, 0) for r in problem.resources]
    )
    return PlanTotals(
        cost_per_day_usd=cost,
        revenue_per_day_usd=math.fsum(o.revenue_per_day_usd for o in chosen.values()),
        orders_per_day=math.fsum(o.orders_per_day for o in chosen.values()),
    )


def selection(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[OptionKey, float]:
    """The option binaries of a choice: 1 for each chosen option, 0 for every other."""
    return {(o.tier, o.option_id): 1.0 if chosen.get(o.tier) == o else 0.0 for o in problem.options}


def check_assignment(
    problem: PlanProblem,
    x: Mapping[OptionKey, float],
    y: Mapping[str, float],
    *,
    tol: float = 1e-6,
) -> list[ConstraintViolation]:
    """Check an assignment against every constraint, in plain Python.

    Independent of :func:`constraint_rows` and PuLP: the checks are written from the
    problem definition, so they also catch formulation or solver errors.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    x : Mapping[OptionKey, float]
        Value of each option binary (missing keys count as 0).
    y : Mapping[str, float]
        Units of each resource (missing resources count as 0).
    tol : float, default 1e-6
        Absolute tolerance for integrality and service rows; relative (times
        ``max(1, |rhs|)``) for money and unit rows.

    Returns
    -------
    list[ConstraintViolation]
        Empty when the assignment is a valid plan.
    """
    out: list[ConstraintViolation] = []
    known = {(o.tier, o.option_id) for o in problem.options}
    for k, v in x.items():
        if k not in known and abs(float(v)) > tol:
            out.append(
                ConstraintViolation(
                    constraint="unknown_option",
                    message=f"option {k!r} is not in the problem",
                    amount=abs(float(v)),
                )
            )
    declared = {r.name for r in problem.resources}
    for rname, v in y.items():
        if rname not in declared and abs(float(v)) > tol:
            out.append(
                ConstraintViolation(
                    constraint="unknown_resource",
                    message=f"resource {rname!r} is not declared",
                    amount=abs(float(v)),
                )
            )

    # integrality and exactly one option per tier
    for k in known:
        v = float(x.get(k, 0.0))
        frac = min(abs(v), abs(v - 1.0))
        if frac > tol:
            out.append(
                ConstraintViolation(
                    constraint="integrality",
                    amount=frac,
                    message=f"x[{k[0]!r}, {k[1]!r}] = {compact(v)} is not 0 or 1 "
                    f"(off by {compact(frac)})",
                )
            )
    for r in problem.resources:
        v = float(y.get(r.name, 0.0))
        frac = abs(v - round(v))
        if frac > tol:
            out.append(
                ConstraintViolation(
                    constraint="integrality",
                    amount=frac,
                    message=f"units of {r.name!r} = {compact(v)} is not an integer "
                    f"(off by {compact(frac)})",
                )
            )
        if v < -tol:
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"units_{r.name}"),
                    amount=-v,
                    message=f"units of {r.name!r} = {compact(v)} is negative",
                )
            )
    for t in problem.tiers:
        total = math.fsum(float(x.get((t, o.option_id), 0.0)) for o in problem.options_for(t))
        if abs(total - 1.0) > tol:
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"one_option_{t}"),
                    amount=abs(total - 1.0),
                    message=f"tier {t!r} has {compact(total)} options selected, must be exactly 1",
                )
            )

    def xs(t: str) -> list[tuple[float, TierOption]]:
        return [(float(x.get((t, o.option_id), 0.0)), o) for o in problem.options_for(t)]

    # one shared-lever configuration for all tiers
    if problem.configurations:
        share = {
            t: {
                c: math.fsum(v for v, o in xs(t) if o.configuration == c)
                for c in problem.configurations
            }
            for t in problem.tiers
        }
        first = problem.tiers[0]
        for t in problem.tiers[1:]:
            for c in problem.configurations:
                diff = share[t][c] - share[first][c]
                if abs(diff) > tol:
                    out.append(
                        ConstraintViolation(
                            constraint=safe_name(f"same_config_{c}_{t}"),
                            amount=abs(diff),
                            message=f"tier {t!r} takes configuration {c!r} "
                            f"{compact(share[t][c])} times but tier {first!r} "
                            f"{compact(share[first][c])} times; all tiers must share one "
                            "configuration",
                        )
                    )

    # resources: units cover needs, within capacity
    for r in problem.resources:
        per_tier = [
            math.fsum(v * o.resources.get(r.name, 0) for v, o in xs(t)) for t in problem.tiers
        ]
        need = max(per_tier, default=0.0) if r.pooled else math.fsum(per_tier)
        units = float(y.get(r.name, 0.0))
        if units < need - tol * max(1.0, need):
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"units_{r.name}"),
                    amount=need - units,
                    message=f"{r.name}: plan needs {compact(need)} units but only "
                    f"{compact(units)} are provided",
                )
            )
        if r.capacity_units is not None and units > r.capacity_units + tol * max(
            1.0, r.capacity_units
        ):
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"capacity_{r.name}"),
                    amount=units - r.capacity_units,
                    message=f"{r.name}: {compact(units)} units exceed capacity "
                    f"{compact(r.capacity_units)}",
                )
            )

    uc = math.fsum(r.cost_per_unit_day_usd * float(y.get(r.name, 0.0)) for r in problem.resources)
    cost = math.fsum(v * o.cost_per_day_usd for t in problem.tiers for v, o in xs(t)) + uc
    orders = math.fsum(v * o.orders_per_day for t in problem.tiers for v, o in xs(t))
    b = problem.budget_per_day_usd
    if b is not None and cost > b + tol * max(1.0, b):
        out.append(
            ConstraintViolation(
                constraint="budget",
                amount=cost - b,
                message=f"plan cost {usd(cost, 2)}/day exceeds the budget {usd(b, 2)}/day",
            )
        )
    for t, smin in problem.min_service.items():
        s = math.fsum(v * problem.effective_service(o) for v, o in xs(t))
        if s < smin - tol:
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"min_service_{t}"),
                    amount=smin - s,
                    message=f"tier {t!r} service {compact(s)} is below its minimum {compact(smin)} "
                    f"(short by {compact(smin - s)})",
                )
            )
    for a, bt in problem.ordered_pairs():
        sa = math.fsum(v * o.service_level for v, o in xs(a))
        sb = math.fsum(v * o.service_level for v, o in xs(bt))
        if sa < sb - tol:
            out.append(
                ConstraintViolation(
                    constraint=safe_name(f"order_{a}_ge_{bt}"),
                    amount=sb - sa,
                    message=f"tier {a!r} service {compact(sa)} is below tier {bt!r} service "
                    f"{compact(sb)} "
                    f"(short by {compact(sb - sa)})",
                )
            )
    m = problem.max_cost_per_order_usd
    if m is not None and cost > m * orders + tol * max(1.0, m * orders):
        cpo = cost / orders if orders > 0 else math.inf
        out.append(
            ConstraintViolation(
                constraint="max_cost_per_order",
                amount=cost - m * orders,
                message=f"cost per order {usd(cpo, 2)} exceeds the maximum {usd(m, 2)}",
            )
        )
    return out


def check_plan(
    problem: PlanProblem, plan: PlanResult, *, tol: float = 1e-6
) -> list[ConstraintViolation]:
    """Re-check a :class:`PlanResult` against ``problem`` in plain Python.

    Checks that every tier has exactly one chosen option that belongs to the problem,
    that the reported resource units cover the chosen options' needs within capacity,
    budget, minimum service, tier ordering and cost per order, and that the reported
    totals match the chosen options.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    plan : PlanResult
        A result carrying a plan.
    tol : float, default 1e-6
        Tolerance (absolute for service, relative for money and units).

    Returns
    -------
    list[ConstraintViolation]
        Empty when the plan is valid.
    """
    out: list[ConstraintViolation] = []
    for t, o in plan.chosen.items():
        if t not in problem.tiers:
            out.append(
                ConstraintViolation(
                    constraint="unknown_tier", message=f"plan chooses for unknown tier {t!r}"
                )
            )
        elif o.tier != t or not any(o == p for p in problem.options_for(t)):
            out.append(
                ConstraintViolation(
                    constraint="unknown_option",
                    message=f"tier {t!r}: option {o.option_id!r} is not one of the "
                    "problem's options",
                )
            )
    for t in problem.tiers:
        if t not in plan.chosen:
            out.append(
                ConstraintViolation(
                    constraint=f"one_option_{t}",
                    amount=1.0,
                    message=f"tier {t!r} has no chosen option, must be exactly 1",
                )
            )
    x = {(o.tier, o.option_id): 1.0 for t, o in plan.chosen.items() if o.tier == t}
    y = {r: float(v) for r, v in plan.resource_units.items()}
    out.extend(check_assignment(problem, x, y, tol=tol))
    if plan.chosen and plan.total_cost_per_day_usd is not None:
        units = {r.name: round(y.get(r.name, 0.0)) for r in problem.resources}
        totals = plan_totals(problem, plan.chosen, units)
        for key, reported, actual in (
            ("cost", plan.total_cost_per_day_usd, totals.cost_per_day_usd),
            ("revenue", plan.total_revenue_per_day_usd, totals.revenue_per_day_usd),
            ("profit", plan.total_profit_per_day_usd, totals.profit_per_day_usd),
        ):
            if reported is None or abs(reported - actual) > tol * max(1.0, abs(actual)):
                out.append(
                    ConstraintViolation(
                        constraint=f"total_{key}",
                        amount=abs((reported or 0.0) - actual),
                        message=f"reported total {key} {usd(reported, 2)}/day differs from the "
                        f"chosen options' {usd(actual, 2)}/day",
                    )
                )
    return out
