"""The profit-versus-budget figure of a ``profit_vs_budget`` table (USD/day).

Three panels over the budgets the table has: the best profit, what the plan spends against
the budget, and the service level chosen per tier. The smallest budget reaching the maximum
profit is marked; budgets beyond it are shaded as "more budget adds no profit".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from tierwise.common.formatting import usd
from tierwise.figures.placement import place_annotation
from tierwise.figures.style import (
    COST_COLOUR,
    PROFIT_COLOUR,
    REFERENCE_COLOUR,
    apply_style,
    legend_outside,
    money_axis,
    service_axis,
    tier_colour,
)
from tierwise.optimization.milp.result import PlanStatus

__all__ = ["plot_profit_vs_budget", "saturation_budget"]

_INFEASIBLE_SHADE = "0.85"
_SATURATED_SHADE = "#E8F1E8"
_PLANNED = (PlanStatus.OPTIMAL.value, PlanStatus.FEASIBLE_NOT_PROVEN.value)


def saturation_budget(budget: np.ndarray, profit: np.ndarray) -> tuple[float, float]:
    """Smallest budget reaching the maximum profit, and that profit (USD/day).

    Profits within ``1e-6`` (relative) of the maximum count as the maximum (solver noise).
    NaN profits (no plan) are ignored; ``(nan, nan)`` when there is none.
    """
    ok = np.isfinite(profit)
    if not ok.any():
        return float("nan"), float("nan")
    top = float(np.max(profit[ok]))
    tol = 1e-6 * max(1.0, abs(top))
    reached = ok & (profit >= top - tol)
    return float(budget[np.argmax(reached)]), top


def _runs(budget: np.ndarray, mask: np.ndarray, step: float) -> list[tuple[float, float]]:
    """``(start, end)`` of each run of consecutive budgets where ``mask`` holds, each budget
    widened by half a ``step`` on either side (one shaded span per run, no seams)."""
    runs: list[tuple[float, float]] = []
    start: float | None = None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = float(budget[i]) - step / 2
        if start is not None and (not flag or i == len(mask) - 1):
            end = float(budget[i if flag else i - 1]) + step / 2
            runs.append((start, end))
            start = None
    return runs


def plot_profit_vs_budget(df: pd.DataFrame, title: str = "Profit vs daily budget") -> Figure:
    """Plot a :func:`profit_vs_budget` table.

    Top panel: best profit (USD/day) at each budget (USD/day), infeasible budgets shaded, the
    smallest budget reaching the maximum profit marked and the budgets beyond it shaded ("more
    budget adds no profit"). Middle panel: the plan's cost against the budget line (cost below
    the line: money left unspent). Bottom panel: chosen service level per tier (%).

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`tierwise.optimization.milp.sensitivity.profit_vs_budget`, any range
        of budgets.
    title : str, default "Profit vs daily budget"
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save with :func:`tierwise.figures.files.save_figure`).
    """
    fig = Figure(figsize=(9.0, 7.8), layout="constrained")
    ax, ax_c, ax_s = fig.subplots(3, 1, sharex=True, height_ratios=(3, 2, 2))
    d = df.sort_values("budget_per_day_usd")
    b = d["budget_per_day_usd"].to_numpy(dtype=float)
    ok = d["status"].isin(_PLANNED).to_numpy()
    profit = np.where(ok, d["profit_per_day_usd"].to_numpy(dtype=float), np.nan)
    cost = np.where(ok, d["cost_per_day_usd"].to_numpy(dtype=float), np.nan)
    step = float(np.median(np.diff(b))) if len(b) > 1 else max(1.0, 0.05 * abs(b[0]))
    panels = (ax, ax_c, ax_s)

    handles: list[Artist] = []
    (profit_line,) = ax.plot(
        b[ok], profit[ok], "o-", color=PROFIT_COLOUR, ms=4, lw=2, label="best profit at the budget"
    )
    handles.append(profit_line)
    if (~ok).any():
        for lo, hi in _runs(b, ~ok, step):
            for panel in panels:
                panel.axvspan(lo, hi, color=_INFEASIBLE_SHADE, lw=0, zorder=0)
        handles.append(Patch(color=_INFEASIBLE_SHADE, label="no feasible plan"))
    first, top = saturation_budget(b, profit)
    if np.isfinite(first):
        for panel in panels:
            panel.axvline(first, color=PROFIT_COLOUR, lw=1.0, ls="--", zorder=1)
        handles.append(
            Line2D([], [], color=PROFIT_COLOUR, lw=1.0, ls="--", label="max profit reached")
        )
        if b[-1] > first:
            for panel in panels:
                panel.axvspan(first, b[-1] + step / 2, color=_SATURATED_SHADE, lw=0, zorder=0)
            handles.append(Patch(color=_SATURATED_SHADE, label="more budget adds no profit"))
    apply_style(ax, title=title, ylabel="Profit (USD/day)")
    money_axis(ax, "y")
    legend_outside(ax, handles)

    ax_c.plot(b[ok], cost[ok], "o-", color=COST_COLOUR, ms=3, lw=1.6, label="plan cost")
    ax_c.plot(b, b, ":", color=REFERENCE_COLOUR, lw=1.2, label="budget (all spent)")
    apply_style(ax_c, ylabel="Cost (USD/day)")
    money_axis(ax_c, "y")
    legend_outside(ax_c)

    tiers = [c[len("service_") :] for c in d.columns if c.startswith("service_")]
    for i, t in enumerate(tiers):
        ax_s.plot(
            b, 100.0 * d[f"service_{t}"].to_numpy(dtype=float), "o-", drawstyle="steps-post",
            color=tier_colour(t, i), ms=3, lw=1.6, label=f"tier {t}",
        )  # fmt: skip
    apply_style(ax_s, xlabel="Daily budget (USD/day)", ylabel="Chosen service level (%)")
    service_axis(ax_s, "y")
    money_axis(ax_s, "x")
    legend_outside(ax_s)
    ax_s.set_xlim(b[0] - step / 2, b[-1] + step / 2)

    if np.isfinite(first):
        note = ax.annotate(
            f"Max profit {usd(top)}/day,\nreached at a budget of {usd(first)}/day",
            xy=(first, top),
            xytext=(0.0, 0.0),
            textcoords="axes fraction",
            ha="left",
            va="bottom",
            fontsize=8.5,
            color="black",
            bbox={"boxstyle": "round,pad=0.35", "fc": "white", "ec": "#999999"},
            arrowprops={"arrowstyle": "->", "color": REFERENCE_COLOUR, "lw": 0.9},
            zorder=7,
        )
        place_annotation(ax, note)
    return fig
