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
from matplotlib.figure import Figure

from .options import PlanProblem, PlanResult, PlanStatus, ResourceSpec
from .solve import solve

__all__ = [
    "marginal_resource_value",
    "marginal_resource_values",
    "plot_profit_vs_budget",
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


def plot_profit_vs_budget(df: pd.DataFrame, title: str = "Profit vs daily budget") -> Figure:
    """Plot a :func:`profit_vs_budget` table.

    Top panel: profit, cost and revenue (USD/day) against the budget (USD/day), with
    infeasible budgets shaded and the smallest budget reaching the maximum profit
    marked. Bottom panel: chosen service level per tier.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`profit_vs_budget`.
    title : str, default "Profit vs daily budget"
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save with ``fig.savefig``).
    """
    fig = Figure(figsize=(8.0, 6.5), layout="constrained")
    ax, ax_s = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    d = df.sort_values("budget_per_day_usd")
    b = d["budget_per_day_usd"].to_numpy(dtype=float)
    ok = d["status"].isin([PlanStatus.OPTIMAL.value, PlanStatus.FEASIBLE_NOT_PROVEN.value])
    ok_arr = ok.to_numpy()

    ax.plot(
        b[ok_arr],
        d.loc[ok, "profit_per_day_usd"],
        "o-",
        color="C2",
        ms=3,
        label="profit (revenue − cost)",
    )
    ax.plot(b[ok_arr], d.loc[ok, "revenue_per_day_usd"], "-", color="C0", lw=1, label="revenue")
    ax.plot(b[ok_arr], d.loc[ok, "cost_per_day_usd"], "--", color="C3", lw=1, label="cost")
    ax.plot(b, b, ":", color="grey", lw=0.8, label="budget (cost = budget)")
    if (~ok_arr).any():
        bad = b[~ok_arr]
        step = float(np.median(np.diff(b))) if len(b) > 1 else 0.0
        for x in bad:
            ax.axvspan(x - step / 2, x + step / 2, color="0.85", lw=0)
            ax_s.axvspan(x - step / 2, x + step / 2, color="0.85", lw=0)
        ax.plot([], [], "s", color="0.85", label="no feasible plan")
    if ok_arr.any():
        profit = d.loc[ok, "profit_per_day_usd"].to_numpy(dtype=float)
        top = float(np.nanmax(profit))
        tol = 1e-6 * max(1.0, abs(top))
        first = float(b[ok_arr][np.argmax(profit >= top - tol)])
        ax.axvline(first, color="C2", lw=0.8, ls="-.")
        ax.annotate(
            f"max profit {top:,.0f} USD/day\nfrom budget {first:,.0f}",
            xy=(first, top),
            xytext=(6, 8),
            textcoords="offset points",
            fontsize=8,
            color="C2",
        )
    ax.set_ylabel("USD/day")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)

    tiers = [c[len("service_") :] for c in d.columns if c.startswith("service_")]
    for i, t in enumerate(tiers):
        ax_s.step(b, d[f"service_{t}"], where="post", color=f"C{i}", label=f"tier {t}")
    ax_s.set_xlabel("daily budget (USD/day)")
    ax_s.set_ylabel("chosen service level (fraction)")
    ax_s.grid(True, alpha=0.3)
    if tiers:
        ax_s.legend(loc="best", fontsize=8)
    return fig


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
    more = ResourceSpec(
        name=spec.name,
        capacity_units=spec.capacity_units + 1,
        cost_per_unit_day_usd=spec.cost_per_unit_day_usd,
    )
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
