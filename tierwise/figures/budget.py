"""The profit-versus-budget figure of a ``profit_vs_budget`` table (USD/day)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tierwise.common.formatting import usd
from tierwise.figures.style import (
    COST_COLOUR,
    PROFIT_COLOUR,
    REFERENCE_COLOUR,
    REVENUE_COLOUR,
    apply_style,
    money_axis,
    tier_colour,
)
from tierwise.optimization.milp.result import PlanStatus

__all__ = ["plot_profit_vs_budget"]

_INFEASIBLE_SHADE = "0.88"


def plot_profit_vs_budget(df: pd.DataFrame, title: str = "Profit vs daily budget") -> Figure:
    """Plot a :func:`profit_vs_budget` table.

    Top panel: profit, cost and revenue (USD/day) against the budget (USD/day), with
    infeasible budgets shaded and the smallest budget reaching the maximum profit
    marked. Bottom panel: chosen service level per tier (a fraction in [0, 1]).

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`tierwise.optimization.milp.sensitivity.profit_vs_budget`.
    title : str, default "Profit vs daily budget"
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save with :func:`tierwise.figures.files.save_figure`).
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
        color=PROFIT_COLOUR,
        ms=3,
        label="profit (revenue − cost)",
    )
    ax.plot(
        b[ok_arr], d.loc[ok, "revenue_per_day_usd"], "-", color=REVENUE_COLOUR, lw=1,
        label="revenue",
    )  # fmt: skip
    ax.plot(b[ok_arr], d.loc[ok, "cost_per_day_usd"], "--", color=COST_COLOUR, lw=1, label="cost")
    ax.plot(b, b, ":", color=REFERENCE_COLOUR, lw=0.8, label="budget (cost = budget)")
    if (~ok_arr).any():
        bad = b[~ok_arr]
        step = float(np.median(np.diff(b))) if len(b) > 1 else 0.0
        for x in bad:
            ax.axvspan(x - step / 2, x + step / 2, color=_INFEASIBLE_SHADE, lw=0)
            ax_s.axvspan(x - step / 2, x + step / 2, color=_INFEASIBLE_SHADE, lw=0)
        ax.plot([], [], "s", color=_INFEASIBLE_SHADE, label="no feasible plan")
    if ok_arr.any():
        profit = d.loc[ok, "profit_per_day_usd"].to_numpy(dtype=float)
        top = float(np.nanmax(profit))
        tol = 1e-6 * max(1.0, abs(top))
        first = float(b[ok_arr][np.argmax(profit >= top - tol)])
        ax.axvline(first, color=PROFIT_COLOUR, lw=0.8, ls="-.")
        ax.annotate(
            f"max profit {usd(top)}/day\nfrom budget {usd(first)}/day",
            xy=(first, top),
            xytext=(6, 8),
            textcoords="offset points",
            fontsize=8,
            color=PROFIT_COLOUR,
        )
    apply_style(ax, ylabel="Profit, revenue, cost (USD/day)")
    ax.set_title(title, fontsize=12)
    money_axis(ax, "y")
    ax.legend(loc="best", fontsize=8, frameon=False)

    tiers = [c[len("service_") :] for c in d.columns if c.startswith("service_")]
    for i, t in enumerate(tiers):
        ax_s.step(b, d[f"service_{t}"], where="post", color=tier_colour(t, i), label=f"tier {t}")
    apply_style(ax_s, xlabel="Daily budget (USD/day)", ylabel="Chosen service level (fraction)")
    money_axis(ax_s, "x")
    if tiers:
        ax_s.legend(loc="best", fontsize=8, frameon=False)
    return fig
