"""The profit-versus-budget figure of a ``profit_vs_budget`` table (USD/day)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tierwise.optimization.milp.result import PlanStatus

__all__ = ["plot_profit_vs_budget"]


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
