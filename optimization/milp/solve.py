"""Solve a :class:`~tierwise.optimization.milp.problem.PlanProblem` with CBC or HiGHS and
verify the plan.

:func:`solve` builds the MILP (:mod:`tierwise.optimization.milp.model`), runs the solver
through PuLP (:mod:`tierwise.optimization.milp.solvers`: ``pulp.PULP_CBC_CMD``, the CBC
binary bundled with PuLP, or ``pulp.HiGHS``, the in-process highspy API), maps the
solver's status to :class:`~tierwise.optimization.milp.result.PlanStatus` (never
``OPTIMAL`` unless optimality was proven within the requested relative gap), re-checks
the plan against every constraint in plain Python (:mod:`tierwise.optimization.milp.check`),
reports binding constraints and LP-relaxation shadow prices, and explains infeasibility
(:func:`tierwise.optimization.milp.explain.explain_infeasibility`).

Solver output is never printed: with ``msg=True`` the solver log is forwarded to this
module's :mod:`logging` logger at INFO level.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from tierwise.common.formatting import compact, decimals_for, level, pct
from tierwise.optimization.milp.check import check_assignment, plan_totals, plan_units, selection
from tierwise.optimization.milp.explain import explain_infeasibility
from tierwise.optimization.milp.model import PlanModel, build_model
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import ConstraintViolation, PlanResult, PlanStatus
from tierwise.optimization.milp.rows import (
    GROUP_CHOOSE_ONE,
    GROUP_CONFIGURATION,
    GROUP_RESOURCE_LINK,
    RELAXABLE_GROUPS,
    OptionKey,
)
from tierwise.optimization.milp.solvers import chosen_from_run, normalise_solver, run_model

__all__ = ["PlanVerificationError", "solve"]

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


def _binding(
    model: PlanModel, x: Mapping[OptionKey, float], y: Mapping[str, float], tol: float
) -> tuple[str, ...]:
    out = []
    for row in model.rows.values():
        if row.group in (GROUP_CHOOSE_ONE, GROUP_CONFIGURATION, GROUP_RESOURCE_LINK):
            continue
        if abs(row.slack(x, y)) <= tol * row.scale():
            out.append(row.name)
    return tuple(out)


def _gap(objective: str, value: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    diff = bound - value if objective == "profit" else value - bound
    return max(0.0, diff) / max(abs(value), 1e-9)


def _gap_text(gap: float | None) -> str:
    """The relative gap as a percentage with about two significant digits."""
    if gap is None:
        return "unknown"
    return pct(gap, decimals_for(100.0 * gap))


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
        When infeasible, attach an :class:`~tierwise.optimization.milp.result.InfeasibilityReport`
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
            f"(time limit {compact(time_limit_s)} s)",
            PlanStatus.ERROR: f"the solver failed: {run.raw_status}",
        }.get(run.status, run.status.value)
        if explanation is not None and explanation.findings:
            text += ": " + explanation.findings[0].message
        log.info("solve %s: %s", name, text)
        return PlanResult(status=run.status, explanation=explanation, message=text, **common)

    chosen = chosen_from_run(problem, run)
    units = plan_units(problem, chosen)
    x_plan = selection(problem, chosen)
    y_plan = {r: float(v) for r, v in units.items()}
    violations: list[ConstraintViolation] = []
    seen: set[tuple[str, str]] = set()
    for v in check_assignment(problem, run.x, run.y, tol=max(tol, 1e-5)) + check_assignment(
        problem, x_plan, y_plan, tol=tol
    ):
        if (v.constraint, v.message) not in seen:
            seen.add((v.constraint, v.message))
            violations.append(v)
    tot = plan_totals(problem, chosen, units)
    value = tot.profit_per_day_usd if problem.objective == "profit" else tot.cost_per_day_usd
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

    money = level(value, "USD")
    if violations:
        status = PlanStatus.ERROR
        text = "solver plan failed verification: " + "; ".join(v.message for v in violations)
        log.error(text)
    elif status == PlanStatus.OPTIMAL:
        text = f"optimal plan: {problem.objective} {money}/day (gap {_gap_text(gap)})"
    else:
        text = (
            f"feasible plan, optimality not proven: {problem.objective} "
            f"{money}/day, gap {_gap_text(gap)} ({run.raw_status})"
        )
    log.info("solve %s: %s", name, text)
    result = PlanResult(
        status=status,
        objective_value=value,
        best_bound=run.best_bound,
        mip_gap=gap,
        chosen=chosen,
        resource_units=units,
        total_cost_per_day_usd=tot.cost_per_day_usd,
        total_revenue_per_day_usd=tot.revenue_per_day_usd,
        total_profit_per_day_usd=tot.profit_per_day_usd,
        total_orders_per_day=tot.orders_per_day,
        binding_constraints=binding,
        shadow_prices=duals,
        violations=tuple(violations),
        message=text,
        **common,
    )
    if violations and strict:
        raise PlanVerificationError(violations, result)
    return result
