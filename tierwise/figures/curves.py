"""Figures a planner can read without help: cost vs service, and revenue/cost/profit.

Figures are built on :class:`matplotlib.figure.Figure` directly (Agg canvas, no pyplot
state), so they are safe in worker processes and tests.  Service is shown in percent, money
in USD per day; every figure has a title, axis labels with units and a legend.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from tierwise.artifacts import Kind, OutputFolder
from tierwise.common.formatting import pct, usd
from tierwise.figures.style import (
    COST_COLOUR,
    NOTE_COLOUR,
    PROFIT_COLOUR,
    REFERENCE_COLOUR,
    REVENUE_COLOUR,
    apply_style,
    axis_label,
    money_axis,
    service_axis,
    tier_colour,
)
from tierwise.optimization.economics.profit import (
    COST_HIGH,
    COST_LOW,
    PROFIT,
    PROFIT_HIGH,
    PROFIT_LOW,
    REVENUE,
    REVENUE_HIGH,
    REVENUE_LOW,
    ProfitOptimum,
)
from tierwise.optimization.planning.curves import CurvesReport
from tierwise.simulation.analysis.frontier import (
    COST_HALF_WIDTH,
    COST_MEAN,
    ON_FRONTIER,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
)

__all__ = ["plot_cost_service", "plot_revenue_cost_profit", "write_curves"]

logger = logging.getLogger(__name__)


def _style_axes(ax: Axes, xlabel: str, ylabel: str) -> None:
    apply_style(ax, xlabel=xlabel, ylabel=ylabel)
    service_axis(ax, "x")
    money_axis(ax, "y")


def plot_cost_service(
    frontier_by_tier: Mapping[str, pd.DataFrame],
    title: str,
    service_label: str | None = None,
) -> Figure:
    """Cost per day against service level for every variant, with the frontier per tier.

    Parameters
    ----------
    frontier_by_tier : Mapping of str to pandas.DataFrame
        ``{tier: cost_service_frontier(...)}`` (all variants, with ``on_frontier``).
    title : str
        Figure title.
    service_label : str, optional
        x-axis label; defaults to the metric recorded in the frames' ``attrs``.

    Returns
    -------
    matplotlib.figure.Figure
        x: service level (%), y: cost (USD per day).  Filled markers joined by a line are
        frontier variants; hollow markers are dominated variants.  Error bars are the
        per-variant confidence intervals.
    """
    if not frontier_by_tier:
        raise ValueError("frontier_by_tier is empty; nothing to plot")
    fig = Figure(figsize=(10.0, 6.5), layout="constrained")
    ax = fig.add_subplot()
    metric: str | None = None
    confidence: float | None = None
    n_failed = 0
    handles: list[Line2D | Patch] = []
    for i, (tier, frame) in enumerate(frontier_by_tier.items()):
        metric = metric or frame.attrs.get("metric")
        confidence = confidence or frame.attrs.get("confidence")
        # tiers come from the same sweep table: its failed runs are counted once
        n_failed = max(n_failed, int(frame.attrs.get("n_failed_rows", 0)))
        colour = tier_colour(tier, i)
        on = (
            frame[ON_FRONTIER].astype(bool)
            if ON_FRONTIER in frame
            else pd.Series(True, index=frame.index)
        )
        hw_c = frame[COST_HALF_WIDTH] if COST_HALF_WIDTH in frame else 0.0 * frame[COST_MEAN]
        x = 100.0 * frame[SERVICE_MEAN]
        xerr = 100.0 * frame[SERVICE_HALF_WIDTH].fillna(0.0)
        yerr = hw_c.fillna(0.0)
        off = ~on
        if off.any():
            ax.errorbar(
                x[off], frame.loc[off, COST_MEAN], xerr=xerr[off], yerr=yerr[off],
                fmt="o", mfc="white", mec=colour, ecolor=colour, alpha=0.55,
                ms=5, elinewidth=0.8, capsize=2, zorder=2,
            )  # fmt: skip
        pts = frame.loc[on].sort_values(SERVICE_MEAN)
        ax.errorbar(
            100.0 * pts[SERVICE_MEAN], pts[COST_MEAN],
            xerr=xerr[on].loc[pts.index], yerr=yerr[on].loc[pts.index],
            fmt="o-", color=colour, ms=6, lw=2.0, elinewidth=1.0, capsize=3, zorder=3,
        )  # fmt: skip
        handles.append(
            Line2D([], [], color=colour, marker="o", lw=2.0, label=f"Tier {tier}: frontier")
        )
        if off.any():
            handles.append(
                Line2D(
                    [], [], color=colour, marker="o", mfc="white", lw=0, alpha=0.7,
                    label=f"Tier {tier}: dominated variants ({int(off.sum())})",
                )
            )  # fmt: skip
    _style_axes(ax, service_label or axis_label(metric), axis_label("cost_per_day_usd"))
    ax.set_title(title, fontsize=13, loc="left")
    ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=9)
    level = f"{100 * confidence:g} %" if confidence else "confidence"
    note = (
        f"Error bars: {level} intervals over replications. Hollow markers: variants not "
        "significantly better in service than a cheaper frontier variant."
    )
    if n_failed:
        note += f" {n_failed} failed run(s) excluded."
    fig.supxlabel(note, fontsize=8, color=NOTE_COLOUR, x=0.01, ha="left")
    return fig


_BOX_W, _BOX_H = 0.47, 0.22  # approximate annotation size, axes fraction


def _emptiest_spot(
    ax: Axes, target: tuple[float, float], vlines: tuple[float, ...] = ()
) -> tuple[float, float]:
    """Lower-left corner (axes fraction) for the annotation box covering fewest points.

    Candidates lie on a grid over the axes; the score is the number of plotted points
    (all lines, incl. the dense smooth curves) under the box plus a small penalty for
    distance to ``target`` (data coordinates), so the arrow stays short.  Boxes crossing
    a vertical line at one of ``vlines`` (data x) are penalised.
    """
    ax.autoscale_view()
    to_axes = ax.transData + ax.transAxes.inverted()
    pts = [
        to_axes.transform(np.column_stack(line.get_data()).astype(float))
        for line in ax.get_lines()
        if np.asarray(line.get_xdata()).size > 0 and line.get_transform() == ax.transData
    ]
    xy = np.concatenate(pts) if pts else np.empty((0, 2))
    xy = xy[np.isfinite(xy).all(axis=1)]
    tx, ty = to_axes.transform(np.array([target], dtype=float))[0]
    vx = [to_axes.transform(np.array([[v, 0.0]]))[0, 0] for v in vlines]
    best: tuple[float, float] = (0.03, 0.76)
    best_score = np.inf
    for y0 in np.linspace(0.76, 0.03, 8):
        for x0 in np.linspace(0.03, 1.0 - _BOX_W - 0.03, 5):
            inside = (
                (xy[:, 0] >= x0 - 0.02)
                & (xy[:, 0] <= x0 + _BOX_W + 0.02)
                & (xy[:, 1] >= y0 - 0.02)
                & (xy[:, 1] <= y0 + _BOX_H + 0.02)
            )
            cx, cy = x0 + _BOX_W / 2, y0 + _BOX_H / 2
            score = float(inside.sum()) + 2.0 * float(np.hypot(cx - tx, cy - ty))
            score += 25.0 * sum(x0 - 0.02 <= v <= x0 + _BOX_W + 0.02 for v in vx)
            if score < best_score:
                best, best_score = (float(x0), float(y0)), score
    return best


def _annotate_optimum(ax: Axes, opt: ProfitOptimum) -> None:
    x = 100.0 * opt.service_level
    ax.plot(
        [x], [opt.profit_per_day_usd], marker="*", ms=16, color=PROFIT_COLOUR,
        mec="black", mew=0.8, zorder=6, linestyle="none",
    )  # fmt: skip
    lines = [
        f"Max profit {usd(opt.profit_per_day_usd)}/day",
        f"at {pct(opt.service_level)} (variant {opt.variant_id})",
    ]
    xs = 100.0 * opt.smooth_service_level
    if opt.mr_equals_mc:
        ax.axvline(xs, color=REFERENCE_COLOUR, ls="--", lw=1.0, zorder=1)
        lines.append(f"MR = MC at {pct(opt.smooth_service_level)}")
    elif opt.at_boundary == "high":
        lines.append(
            "Profit still rising at the top of the\nsimulated range: simulate higher service"
        )
    elif opt.at_boundary == "low":
        lines.append(
            "Profit falls across the simulated range:\nlower service may pay (not simulated)"
        )
    if opt.near_optimal_variants:
        lines.append(f"{len(opt.near_optimal_variants)} other variant(s) within CI")
    vlines = (xs,) if opt.mr_equals_mc else ()
    tx, ty = _emptiest_spot(ax, (x, opt.profit_per_day_usd), vlines)
    ax.annotate(
        "\n".join(lines),
        xy=(x, opt.profit_per_day_usd),
        xytext=(tx, ty),
        textcoords="axes fraction",
        ha="left",
        va="bottom",
        fontsize=8.5,
        bbox={"boxstyle": "round,pad=0.35", "fc": "white", "ec": "#999999", "alpha": 0.92},
        arrowprops={"arrowstyle": "->", "color": REFERENCE_COLOUR, "lw": 0.9},
        zorder=7,
    )


def _panel(ax: Axes, tier: str, curve: pd.DataFrame, opt: ProfitOptimum | None) -> None:
    x = 100.0 * curve[SERVICE_MEAN].to_numpy(dtype=float)
    smooth = opt.curve if opt is not None else pd.DataFrame()
    if not smooth.empty:
        xs = 100.0 * smooth["service"].to_numpy(dtype=float)
        inside = ~smooth["extrapolated"].to_numpy(dtype=bool)
        ax.plot(xs, smooth[REVENUE], color=REVENUE_COLOUR, lw=2.0, zorder=3)
        for col, colour in (
            ("cost_fit_per_day_usd", COST_COLOUR),
            ("profit_fit_per_day_usd", PROFIT_COLOUR),
        ):
            y = smooth[col].to_numpy(dtype=float)
            ax.plot(xs, np.where(inside, y, np.nan), color=colour, lw=2.0, zorder=3)
            ax.plot(xs, y, color=colour, lw=1.4, ls=":", zorder=2)
        ax.set_xlim(xs.min(), xs.max())
    for lo, hi, mid, colour, marker in (
        (COST_LOW, COST_HIGH, COST_MEAN, COST_COLOUR, "s"),
        (REVENUE_LOW, REVENUE_HIGH, REVENUE, REVENUE_COLOUR, "o"),
        (PROFIT_LOW, PROFIT_HIGH, PROFIT, PROFIT_COLOUR, "D"),
    ):
        ax.fill_between(x, curve[lo], curve[hi], color=colour, alpha=0.18, lw=0, zorder=1)
        ax.plot(x, curve[mid], marker=marker, ms=4.5, lw=0, color=colour, zorder=4)
        if len(curve) == 1:  # a band needs two points: show the interval as an error bar
            yerr = [curve[mid] - curve[lo], curve[hi] - curve[mid]]
            ax.errorbar(x, curve[mid], yerr=yerr, fmt="none", ecolor=colour, capsize=4, lw=1)
    ax.axhline(0.0, color="#888888", lw=0.8, zorder=1)
    if opt is not None:
        _annotate_optimum(ax, opt)
    ax.set_title(f"Tier {tier}", fontsize=12, loc="left", fontweight="bold")


def plot_revenue_cost_profit(
    curves_by_tier: Mapping[str, pd.DataFrame],
    optimum_by_tier: Mapping[str, ProfitOptimum],
    scenario_name: str,
    service_label: str | None = None,
) -> Figure:
    """One panel per tier: cost, revenue and profit against service level, peak marked.

    Parameters
    ----------
    curves_by_tier : Mapping of str to pandas.DataFrame
        ``{tier: profit_curve(frontier, response)}``.
    optimum_by_tier : Mapping of str to ProfitOptimum
        ``{tier: optimal_service_level(frontier, response)}``; tiers missing here are drawn
        without smooth curves or peak.
    scenario_name : str
        Named in the title.
    service_label : str, optional
        x-axis label; defaults to the metric recorded in the curves' ``attrs``.

    Returns
    -------
    matplotlib.figure.Figure
        Markers: simulated frontier variants; shaded bands: their confidence intervals;
        solid lines: revenue model and fitted cost/profit in the simulated range; dotted:
        the fit extrapolated; star: most profitable variant; dashed vertical line: the
        service level where marginal revenue equals marginal cost.
    """
    if not curves_by_tier:
        raise ValueError("curves_by_tier is empty; nothing to plot")
    n = len(curves_by_tier)
    fig = Figure(figsize=(5.2 * n + 0.6, 5.6), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    metric: str | None = None
    for ax, (tier, curve) in zip(axes, curves_by_tier.items(), strict=True):
        metric = metric or curve.attrs.get("metric")
        _panel(ax, tier, curve, optimum_by_tier.get(tier))
        _style_axes(ax, service_label or axis_label(metric), "USD per day")
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.suptitle(
        f"Revenue, cost and profit by service level — {scenario_name}",
        fontsize=14,
        x=0.01,
        ha="left",
    )
    handles = [
        Line2D([], [], color=REVENUE_COLOUR, lw=2, marker="o", ms=4.5,
               label="Revenue (response model)"),
        Line2D([], [], color=COST_COLOUR, lw=2, marker="s", ms=4.5,
               label="Cost (simulated; line: fit)"),
        Line2D([], [], color=PROFIT_COLOUR, lw=2, marker="D", ms=4.5,
               label="Profit = revenue − cost"),
        Line2D([], [], color=REFERENCE_COLOUR, lw=1.4, ls=":", label="Fit extrapolated"),
        Patch(color="#999999", alpha=0.3, label="Confidence band"),
        Line2D(
            [], [], color=PROFIT_COLOUR, marker="*", ms=12, mec="black", lw=0,
            label="Most profitable variant",
        ),
        Line2D([], [], color=REFERENCE_COLOUR, lw=1, ls="--", label="MR = MC"),
    ]  # fmt: skip
    fig.legend(
        handles=handles, loc="outside lower center", ncol=7 if n >= 3 else 4, frameon=False,
        fontsize=9,
    )  # fmt: skip
    return fig


def write_curves(report: CurvesReport, out: OutputFolder | str | Path, title: str) -> list[Path]:
    """Write the curve figures (PNG + SVG) and tables (CSV) into an output folder.

    Parameters
    ----------
    report : CurvesReport
        Frontiers, profit curves and optima per tier.
    out : OutputFolder or path
        The folder being written (files are recorded in its manifest); a path opens one and
        finishes it (``manifest.json``) before returning.
    title : str
        Scenario or sweep name shown in the figure titles.

    Returns
    -------
    list of Path
        The files written: ``cost_vs_service.png/svg``, ``revenue_cost_profit.png/svg``,
        ``frontier.csv``, ``profit_curves.csv``, ``optimum.csv``.
    """
    folder = out if isinstance(out, OutputFolder) else OutputFolder(out)
    paths: list[Path] = []
    fig = plot_cost_service(report.frontiers, f"{title}: cost vs service per tier")
    paths += folder.write_figure("cost_vs_service", fig, "cost vs service per tier")
    fig = plot_revenue_cost_profit(report.curves, report.optima, title)
    paths += folder.write_figure("revenue_cost_profit", fig, "revenue, cost, profit per tier")
    frontier = pd.concat([f.assign(tier=t) for t, f in report.frontiers.items()], ignore_index=True)
    paths.append(folder.write_frame("frontier.csv", frontier, Kind.FRONTIER))
    curves = pd.concat([c.assign(tier=t) for t, c in report.curves.items()], ignore_index=True)
    paths.append(folder.write_frame("profit_curves.csv", curves, Kind.PROFIT_CURVES))
    paths.append(folder.write_frame("optimum.csv", report.optimum_table(), Kind.OPTIMUM))
    if folder is not out:
        folder.finish()
    return paths
