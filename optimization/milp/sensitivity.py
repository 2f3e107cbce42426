"""Sensitivity of the optimal tier plan: profit vs budget, value of extra capacity.

Both analyses re-solve the MILP (no LP-dual approximation), so they are exact for the
discrete option sets: :func:`profit_vs_budget` sweeps the daily budget,
:func:`marginal_resource_value` adds one unit of capacity.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import PlanResult, PlanStatus
from tierwise.optimization.milp.solve import solve

__all__ = [
    "marginal_resource_value",
    "marginal_resource_values",
    "profit_vs_budget",
]

log = logging.getLogger(__name__)


def _solve_quiet(
    problem: PlanProblem, solver: str, time_limit_s: float, mip_gap: float
) -> PlanResult:
    return solve(
        problem,
        solver=solver,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
        explain=False,
        shadow_prices=False,
        strict=False,
    )


def profit_vs_budget(
    problem: PlanProblem,
    budgets: Iterable[float],
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-6,
) -> pd.DataFrame:
    """Re-solve the profit-maximising plan over a range of daily budgets.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem; its budget is replaced by each value and its objective
        is set to ``"profit"``.
    budgets : Iterable[float]
        Daily budgets :math:`B`, USD/day.
    solver : {"cbc", "highs"}, default "cbc"
        Solver.
    time_limit_s : float, default 30
        Time limit per solve, seconds.
    mip_gap : float, default 1e-6
        Relative MIP gap per solve.

    Returns
    -------
    pandas.DataFrame
        One row per budget, sorted by budget: ``budget_per_day_usd``, ``status``,
        ``profit_per_day_usd``, ``cost_per_day_usd``, ``revenue_per_day_usd``,
        ``mip_gap``, ``budget_binding`` and, per tier ``t``, ``service_<t>`` (chosen
        mean service level, fraction) and ``option_<t>``. Rows without a plan have NaN
        money and service columns.
    """
    if problem.objective != "profit":
        log.info("profit_vs_budget: objective %r replaced by 'profit'", problem.objective)
    rows = []
    for b in sorted(float(v) for v in budgets):
        variant = dataclasses.replace(problem, budget_per_day_usd=b, objective="profit")
        res = _solve_quiet(variant, solver, time_limit_s, mip_gap)
        row: dict[str, object] = {
            "budget_per_day_usd": b,
            "status": res.status.value,
            "profit_per_day_usd": np.nan,
            "cost_per_day_usd": np.nan,
            "revenue_per_day_usd": np.nan,
            "mip_gap": np.nan if res.mip_gap is None else res.mip_gap,
            "budget_binding": "budget" in res.binding_constraints,
        }
        if res.has_plan:
            row["profit_per_day_usd"] = res.total_profit_per_day_usd
            row["cost_per_day_usd"] = res.total_cost_per_day_usd
            row["revenue_per_day_usd"] = res.total_revenue_per_day_usd
        for t in problem.tiers:
            opt = res.chosen.get(t) if res.has_plan else None
            row[f"service_{t}"] = np.nan if opt is None else opt.service_level
            row[f"option_{t}"] = None if opt is None else opt.option_id
        rows.append(row)
        log.debug("budget %.2f: %s", b, res.message)
    return pd.DataFrame(rows)


def _objective_value(res: PlanResult) -> float:
    if not res.has_plan or res.objective_value is None:
        return math.nan
    return res.objective_value if res.objective == "profit" else -res.objective_value


def marginal_resource_value(
    problem: PlanProblem,
    resource: str,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-6,
) -> float:
    """Objective gain from one more unit of ``resource`` capacity, USD/day.

    Solves the problem as given and with ``capacity_units + 1``; the gain is
    :math:`z(\\mathrm{cap}+1) - z(\\mathrm{cap})` for profit, or the cost saving for a
    cost objective.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    resource : str
        Name of a declared resource.
    solver : {"cbc", "highs"}, default "cbc"
        Solver.
    time_limit_s : float, default 30
        Time limit per solve, seconds.
    mip_gap : float, default 1e-6
        Relative MIP gap per solve.

    Returns
    -------
    float
        USD/day per extra unit (>= 0 up to solver tolerance). ``0.0`` for an
        uncapacitated resource; ``inf`` when the extra unit turns an infeasible
        problem feasible; ``nan`` when both are infeasible or unsolved.
    """
    spec = problem.resource(resource)
    if spec.capacity_units is None:
        return 0.0
    more = dataclasses.replace(spec, capacity_units=spec.capacity_units + 1)
    variant = dataclasses.replace(
        problem, resources=[more if r.name == resource else r for r in problem.resources]
    )
    base = _solve_quiet(problem, solver, time_limit_s, mip_gap)
    plus = _solve_quiet(variant, solver, time_limit_s, mip_gap)
    for r in (base, plus):
        if r.status == PlanStatus.FEASIBLE_NOT_PROVEN:
            log.warning(
                "marginal value of %s uses a plan not proven optimal (gap %s)", resource, r.mip_gap
            )
    z0, z1 = _objective_value(base), _objective_value(plus)
    if math.isnan(z0):
        return math.inf if not math.isnan(z1) else math.nan
    if math.isnan(z1):
        return math.nan
    return z1 - z0


def marginal_resource_values(
    problem: PlanProblem,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-6,
) -> dict[str, float]:
    """:func:`marginal_resource_value` of every capacitated resource, USD/day per unit."""
    return {
        r.name: marginal_resource_value(
            problem, r.name, solver=solver, time_limit_s=time_limit_s, mip_gap=mip_gap
        )
        for r in problem.resources
        if r.capacity_units is not None
    }
