"""Solve a :class:`~tierwise.optimization.milp.problem.PlanProblem` with CBC or HiGHS and verify
the plan.

:func:`solve` builds the MILP (:mod:`tierwise.optimization.milp.model`), runs the solver through
PuLP
(``pulp.PULP_CBC_CMD``, the CBC binary bundled with PuLP, or ``pulp.HiGHS``, the
in-process highspy API), maps the solver's status to :class:`PlanStatus` (never
``OPTIMAL`` unless optimality was proven within the requested relative gap), re-checks
the plan against every constraint in plain Python, reports binding constraints and
LP-relaxation shadow prices, and explains infeasibility
(:func:`tierwise.optimization.milp.explain.explain_infeasibility`).

Solver output is never printed: with ``msg=True`` the solver log is forwarded to this
module's :mod:`logging` logger at INFO level.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from tierwise.optimization.milp.explain import explain_infeasibility
from tierwise.optimization.milp.model import (
    GROUP_CHOOSE_ONE,
    GROUP_RESOURCE_LINK,
    RELAXABLE_GROUPS,
    OptionKey,
    PlanModel,
    build_model,
    check_assignment,
    plan_units,
)
from tierwise.optimization.milp.problem import (
    ConstraintViolation,
    PlanProblem,
    PlanResult,
    PlanStatus,
    TierOption,
)
from tierwise.optimization.milp.solvers import (
    SolverName,
    SolverRun,
    available_solvers,
    chosen_from_run,
    normalise_solver,
    run_model,
)

__all__ = [
    "PlanVerificationError",
    "SolverName",
    "SolverRun",
    "available_solvers",
    "check_plan",
    "chosen_from_run",
    "run_model",
    "solve",
]

log = logging.getLogger(__name__)


class PlanVerificationError(RuntimeError):
    """The solver returned a plan that breaks a constraint (beyond tolerance).

    Attributes
    ----------
    violations : list[ConstraintViolation]
        What the plain-Python checker found.
    result : PlanResult or None
        The flagged result (status ``ERROR``).
    """

    def __init__(
        self, violations: list[ConstraintViolation], result: PlanResult | None = None
    ) -> None:
        self.violations = violations
        self.result = result
        super().__init__(
            "solver plan violates constraints: " + "; ".join(v.message for v in violations)
        )


# --------------------------------------------------------------------------- plans


def _units_of(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[str, int]:
    needs = {t: {k: float(v) for k, v in o.resources.items()} for t, o in chosen.items()}
    return {name: round(v) for name, v in plan_units(problem, needs).items()}


def _totals(
    problem: PlanProblem, chosen: Mapping[str, TierOption], units: Mapping[str, int]
) -> dict[str, float]:
    cost = math.fsum(
        [o.cost_per_day_usd for o in chosen.values()]
        + [r.cost_per_unit_day_usd * units.get(r.name, 0) for r in problem.resources]
    )
    revenue = math.fsum(o.revenue_per_day_usd for o in chosen.values())
    orders = math.fsum(o.orders_per_day for o in chosen.values())
    return {"cost": cost, "revenue": revenue, "profit": revenue - cost, "orders": orders}


def _selection(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[OptionKey, float]:
    return {(o.tier, o.option_id): 1.0 if chosen.get(o.tier) == o else 0.0 for o in problem.options}


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
        tot = _totals(problem, plan.chosen, units)
        for key, reported in (
            ("cost", plan.total_cost_per_day_usd),
            ("revenue", plan.total_revenue_per_day_usd),
            ("profit", plan.total_profit_per_day_usd),
        ):
            if reported is None or abs(reported - tot[key]) > tol * max(1.0, abs(tot[key])):
                out.append(
                    ConstraintViolation(
                        constraint=f"total_{key}",
                        amount=abs((reported or 0.0) - tot[key]),
                        message=f"reported total {key} {reported} USD/day differs from the "
                        f"chosen options' {tot[key]:,.2f} USD/day",
                    )
                )
    return out


def _binding(
    model: PlanModel, x: Mapping[OptionKey, float], y: Mapping[str, float], tol: float
) -> tuple[str, ...]:
    out = []
    for row in model.rows.values():
        if row.group in (GROUP_CHOOSE_ONE, GROUP_RESOURCE_LINK):
            continue
        if abs(row.slack(x, y)) <= tol * row.scale():
            out.append(row.name)
    return tuple(out)


def _gap(objective: str, value: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    diff = bound - value if objective == "profit" else value - bound
    return max(0.0, diff) / max(abs(value), 1e-9)


def _fmt_gap(gap: float | None) -> str:
    if gap is None:
        return "unknown"
    return "0%" if gap < 1e-9 else f"{100 * gap:.3g}%"


def _fmt_money(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"


def solve(
    problem: PlanProblem,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-4,
    msg: bool = False,
    *,
    explain: bool = True,
    shadow_prices: bool = True,
    strict: bool = True,
    tol: float = 1e-6,
) -> PlanResult:
    """Choose one option per tier optimally and verify the plan.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    solver : {"cbc", "highs"}, default "cbc"
        ``"cbc"``: PuLP's bundled CBC binary (``pulp.PULP_CBC_CMD``); ``"highs"``: HiGHS
        through highspy (``pulp.HiGHS``).
    time_limit_s : float, default 30
        Solver wall-clock limit, seconds (``timeLimit``).
    mip_gap : float, default 1e-4
        Relative gap (``gapRel``) at which the search may stop; ``OPTIMAL`` means
        proven within this gap.
    msg : bool, default False
        Forward the solver log to :mod:`logging` (INFO); nothing is printed.
    explain : bool, default True
        When infeasible, attach an :class:`~tierwise.optimization.milp.problem.InfeasibilityReport`
        (extra solves).
    shadow_prices : bool, default True
        Attach LP-relaxation duals (one extra LP solve).
    strict : bool, default True
        Raise :class:`PlanVerificationError` when the solver's plan fails the
        plain-Python check; when False, return it with status ``ERROR`` instead.
    tol : float, default 1e-6
        Verification and binding tolerance.

    Returns
    -------
    PlanResult
        Status, chosen option per tier, resource units, totals (USD/day), gap, timing,
        binding constraints, shadow prices and, when infeasible, the explanation.

    Raises
    ------
    PlanVerificationError
        When ``strict`` and the returned plan breaks a constraint.
    ValueError
        On an unknown solver or invalid limits.
    """
    name = normalise_solver(solver)
    model = build_model(problem)
    run = run_model(model, solver=name, time_limit_s=time_limit_s, mip_gap=mip_gap, msg=msg)
    common: dict[str, Any] = {
        "objective": problem.objective,
        "solver": name,
        "solver_status": run.raw_status,
        "build_time_s": model.build_time_s,
        "solve_time_s": run.solve_time_s,
    }

    if not run.status.has_plan:
        explanation = None
        if run.status == PlanStatus.INFEASIBLE and explain:
            explanation = explain_infeasibility(problem, solver=name, time_limit_s=time_limit_s)
        text = {
            PlanStatus.INFEASIBLE: "no plan satisfies all constraints",
            PlanStatus.UNBOUNDED: "the model is unbounded",
            PlanStatus.NOT_SOLVED: f"the solver stopped without a plan "
            f"(time limit {time_limit_s:g} s)",
            PlanStatus.ERROR: f"the solver failed: {run.raw_status}",
        }.get(run.status, run.status.value)
        if explanation is not None and explanation.findings:
            text += ": " + explanation.findings[0].message
        log.info("solve %s: %s", name, text)
        return PlanResult(status=run.status, explanation=explanation, message=text, **common)

    chosen = chosen_from_run(problem, run)
    units = _units_of(problem, chosen)
    x_plan = _selection(problem, chosen)
    y_plan = {r: float(v) for r, v in units.items()}
    violations: list[ConstraintViolation] = []
    seen: set[tuple[str, str]] = set()
    for v in check_assignment(problem, run.x, run.y, tol=max(tol, 1e-5)) + check_assignment(
        problem, x_plan, y_plan, tol=tol
    ):
        if (v.constraint, v.message) not in seen:
            seen.add((v.constraint, v.message))
            violations.append(v)
    tot = _totals(problem, chosen, units)
    value = tot["profit"] if problem.objective == "profit" else tot["cost"]
    if run.objective_value is not None and abs(run.objective_value - value) > 1e-6 * max(
        1.0, abs(value)
    ):
        log.debug(
            "solver objective %s vs recomputed %s (minimal units)", run.objective_value, value
        )
    gap = _gap(problem.objective, value, run.best_bound)
    status = run.status
    if status == PlanStatus.OPTIMAL:
        if gap is None:
            gap = 0.0
        elif gap > mip_gap * 1.01 + 1e-9:
            log.warning("solver said optimal but gap %.3g > mip_gap %.3g: not proven", gap, mip_gap)
            status = PlanStatus.FEASIBLE_NOT_PROVEN
    elif gap is None:
        log.warning("%s stopped with a plan but reported no bound; gap unknown", name)

    binding = _binding(model, x_plan, y_plan, tol)
    duals: dict[str, float] = {}
    if shadow_prices and not violations:
        lp = run_model(
            build_model(problem, relax_integrality=True, name="tierwise_lp"),
            solver=name,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            msg=msg,
        )
        # duals of the limits a planner can change; choose-one/linking rows are omitted
        duals = {
            k: v
            for k, v in lp.duals.items()
            if model.rows[k].group in RELAXABLE_GROUPS and abs(v) > 1e-9
        }

    if violations:
        status = PlanStatus.ERROR
        text = "solver plan failed verification: " + "; ".join(v.message for v in violations)
        log.error(text)
    elif status == PlanStatus.OPTIMAL:
        text = (
            f"optimal plan: {problem.objective} {_fmt_money(value)} USD/day (gap {_fmt_gap(gap)})"
        )
    else:
        text = (
            f"feasible plan, optimality not proven: {problem.objective} "
            f"{_fmt_money(value)} USD/day, gap {_fmt_gap(gap)} ({run.raw_status})"
        )
    log.info("solve %s: %s", name, text)
    result = PlanResult(
        status=status,
        objective_value=value,
        best_bound=run.best_bound,
        mip_gap=gap,
        chosen=chosen,
        resource_units=units,
        total_cost_per_day_usd=tot["cost"],
        total_revenue_per_day_usd=tot["revenue"],
        total_profit_per_day_usd=tot["profit"],
        total_orders_per_day=tot["orders"],
        binding_constraints=binding,
        shadow_prices=duals,
        violations=tuple(violations),
        message=text,
        **common,
    )
    if violations and strict:
        raise PlanVerificationError(violations, result)
    return result
