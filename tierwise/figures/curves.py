"""Figures a planner can read without help: cost vs service, and revenue/cost/profit.

Figures are built on :class:`matplotlib.figure.Figure` directly (Agg canvas, no pyplot
state), so they are safe in worker processes and tests.  Service is shown in percent, money
in USD per day; every figure has a title, axis labels with units and a legend.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.container import Container
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation

from tierwise.artifacts import Kind, OutputFolder
from tierwise.common.formatting import pct, usd
from tierwise.figures.intervals import rate_interval
from tierwise.figures.labels import decision_columns, decision_label
from tierwise.figures.placement import place_annotation
from tierwise.figures.style import (
    COST_COLOUR,
    NOTE_COLOUR,
    PROFIT_COLOUR,
    REFERENCE_COLOUR,
    REVENUE_COLOUR,
    apply_style,
    axis_label,
    legend_outside,
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
    VARIANT_ID,
)

__all__ = ["plot_cost_service", "plot_revenue_cost_profit", "write_curves"]

logger = logging.getLogger(__name__)


_FRONTIER_MS = 6.5
_DOMINATED_ALPHA = 0.35


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
        x: service level (%), y: cost (USD per day). Frontier variants: strong markers joined
        by a line, with error bars (service: the logit-scale interval of
        :func:`tierwise.figures.intervals.rate_interval`, inside 0–100 %; cost: the Student-t
        interval). Dominated variants: small faint markers without error bars, so that a sweep
        of many variants stays readable. The legend sits to the right of the axes.
    """
    if not frontier_by_tier:
        raise ValueError("frontier_by_tier is empty; nothing to plot")
    fig = Figure(figsize=(10.5, 6.5), layout="constrained")
    ax = fig.add_subplot()
    metric: str | None = None
    confidence: float | None = None
    n_failed = 0
    handles: list[Artist | Container] = []
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
        off = frame.loc[~on]
        if not off.empty:
            (faint,) = ax.plot(
                100.0 * off[SERVICE_MEAN], off[COST_MEAN], "o", color=colour, ms=4.5,
                alpha=_DOMINATED_ALPHA, mew=0, zorder=2,
                label=f"Tier {tier}: dominated ({len(off)})",
            )  # fmt: skip
        pts = frame.loc[on].sort_values(SERVICE_MEAN)
        if pts.empty:
            continue
        s = pts[SERVICE_MEAN].to_numpy(dtype=float)
        low, high = rate_interval(s, pts[SERVICE_HALF_WIDTH].to_numpy(dtype=float))
        xerr = 100.0 * np.vstack([s - low, high - s])
        hw_c = pts[COST_HALF_WIDTH] if COST_HALF_WIDTH in pts else 0.0 * pts[COST_MEAN]
        bars = ax.errorbar(
            100.0 * s, pts[COST_MEAN], xerr=xerr, yerr=hw_c.fillna(0.0).to_numpy(dtype=float),
            fmt="o-", color=colour, ms=_FRONTIER_MS, mec="white", mew=0.8, lw=2.2,
            elinewidth=1.0, capsize=2.5, zorder=4, label=f"Tier {tier}: frontier ({len(pts)})",
        )  # fmt: skip
        handles.append(bars)
        if not off.empty:
            handles.append(faint)
    _style_axes(ax, service_label or axis_label(metric), axis_label("cost_per_day_usd"))
    ax.set_title(title, fontsize=13, loc="left")
    legend_outside(ax, handles, fontsize=9)
    level = f"{100 * confidence:g}%" if confidence else "confidence"
    note = (
        f"Error bars: {level} intervals over replications (service on the logit scale, so "
        "within 0–100%). Faint markers: variants not significantly better in service than a "
        "cheaper frontier variant."
    )
    if n_failed:
        note += f" {n_failed} failed run(s) excluded."
    fig.supxlabel(note, fontsize=8, color=NOTE_COLOUR, x=0.01, ha="left")
    return fig


def _optimum_text(opt: ProfitOptimum, curve: pd.DataFrame, decisions: Sequence[str]) -> str:
    """The optimum's annotation: profit, service, the variant's decisions and caveats."""
    lines = [f"Max profit {usd(opt.profit_per_day_usd)}/day at {pct(opt.service_level)}"]
    row = curve.loc[curve[VARIANT_ID] == opt.variant_id] if VARIANT_ID in curve else curve.iloc[:0]
    label = decision_label(row.iloc[0], decisions, width=34) if not row.empty else ""
    lines.append(label or f"variant {opt.variant_id}")
    if len(curve) == 1:
        lines.append("Every other simulated variant serves\nthis tier worse and costs more")
    elif opt.mr_equals_mc:
        lines.append(f"MR = MC at {pct(opt.smooth_service_level)}")
    elif opt.at_boundary == "high":
        lines.append(
            "Profit still rising at the highest service\nthe simulated levers reach "
            "(widen a\nlever's range to go higher)"
        )
    elif opt.at_boundary == "low":
        lines.append(
            "Profit falls across the simulated range:\nlower service may pay (not simulated)"
        )
    if opt.near_optimal_variants:
        lines.append(f"{len(opt.near_optimal_variants)} other variant(s) within CI")
    return "\n".join(lines)


def _annotate_optimum(
    ax: Axes, opt: ProfitOptimum, curve: pd.DataFrame, decisions: Sequence[str]
) -> Annotation:
    """Star at the most profitable variant and its (not yet placed) annotation box."""
    x = 100.0 * opt.service_level
    ax.plot(
        [x], [opt.profit_per_day_usd], marker="*", ms=16, color=PROFIT_COLOUR,
        mec="black", mew=0.8, zorder=6, linestyle="none",
    )  # fmt: skip
    if opt.mr_equals_mc:
        xs = 100.0 * opt.smooth_service_level
        ax.axvline(xs, color=REFERENCE_COLOUR, ls="--", lw=1.0, zorder=1)
    return ax.annotate(
        _optimum_text(opt, curve, decisions),
        xy=(x, opt.profit_per_day_usd),
        xytext=(0.0, 0.0),
        textcoords="axes fraction",
        ha="left",
        va="bottom",
        fontsize=8.5,
        bbox={"boxstyle": "round,pad=0.35", "fc": "white", "ec": "#999999"},
        arrowprops={"arrowstyle": "->", "color": REFERENCE_COLOUR, "lw": 0.9},
        zorder=7,
    )


def _panel(
    ax: Axes, tier: str, curve: pd.DataFrame, opt: ProfitOptimum | None, decisions: Sequence[str]
) -> tuple[Annotation | None, set[str]]:
    """Draw one tier's panel; return the optimum's annotation and the kinds of things drawn."""
    drawn: set[str] = set()
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
            if (~inside).any():
                ax.plot(xs, np.where(inside, np.nan, y), color=colour, lw=1.4, ls=":", zorder=2)
                drawn.add("extrapolated")
        ax.set_xlim(xs.min(), xs.max())
    for lo, hi, mid, colour, marker in (
        (COST_LOW, COST_HIGH, COST_MEAN, COST_COLOUR, "s"),
        (REVENUE_LOW, REVENUE_HIGH, REVENUE, REVENUE_COLOUR, "o"),
        (PROFIT_LOW, PROFIT_HIGH, PROFIT, PROFIT_COLOUR, "D"),
    ):
        ax.plot(x, curve[mid], marker=marker, ms=4.5, lw=0, color=colour, zorder=4)
        if len(curve) > 1:
            ax.fill_between(x, curve[lo], curve[hi], color=colour, alpha=0.18, lw=0, zorder=1)
            drawn.add("band")
        else:  # a band needs two points: show the interval as an error bar
            yerr = [curve[mid] - curve[lo], curve[hi] - curve[mid]]
            ax.errorbar(x, curve[mid], yerr=yerr, fmt="none", ecolor=colour, capsize=4, lw=1)
            drawn.add("error bar")
    ax.axhline(0.0, color="#888888", lw=0.8, zorder=1)
    note = None
    if opt is not None:
        note = _annotate_optimum(ax, opt, curve, decisions)
        drawn.add("optimum")
        if opt.mr_equals_mc:
            drawn.add("mr = mc")
    ax.set_title(f"Tier {tier}", fontsize=12, loc="left", fontweight="bold")
    return note, drawn


def plot_revenue_cost_profit(
    curves_by_tier: Mapping[str, pd.DataFrame],
    optimum_by_tier: Mapping[str, ProfitOptimum],
    scenario_name: str,
    service_label: str | None = None,
    decisions: Sequence[str] | None = None,
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
    decisions : sequence of str, optional
        ``param.*`` columns naming the most profitable variant in its annotation (e.g.
        ``"desk agents 8, pickers 13"``); by default those that differ between the variants
        of ``curves_by_tier`` (:func:`tierwise.figures.labels.decision_columns`).

    Returns
    -------
    matplotlib.figure.Figure
        Markers: simulated frontier variants; shaded bands: their confidence intervals;
        solid lines: revenue model and fitted cost/profit in the simulated range; dotted:
        the fit extrapolated; star: most profitable variant, annotated in a box placed where
        it covers no curve; dashed vertical line: the service level where marginal revenue
        equals marginal cost. The legend below lists only what is drawn.
    """
    if not curves_by_tier:
        raise ValueError("curves_by_tier is empty; nothing to plot")
    if decisions is None:
        decisions = decision_columns(curves_by_tier.values())
    n = len(curves_by_tier)
    fig = Figure(figsize=(5.2 * n + 0.6, 5.8), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    metric: str | None = None
    notes: list[tuple[Axes, Annotation]] = []
    drawn: set[str] = set()
    for ax, (tier, curve) in zip(axes, curves_by_tier.items(), strict=True):
        metric = metric or curve.attrs.get("metric")
        note, kinds = _panel(ax, tier, curve, optimum_by_tier.get(tier), decisions)
        drawn |= kinds
        if note is not None:
            notes.append((ax, note))
        _style_axes(ax, service_label or axis_label(metric), "USD per day")
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.suptitle(
        f"Revenue, cost and profit by service level — {scenario_name}",
        fontsize=14,
        x=0.01,
        ha="left",
    )
    handles: list[Artist] = [
        Line2D([], [], color=REVENUE_COLOUR, lw=2, marker="o", ms=4.5,
               label="Revenue (response model)"),
        Line2D([], [], color=COST_COLOUR, lw=2, marker="s", ms=4.5,
               label="Cost (simulated; line: fit)"),
        Line2D([], [], color=PROFIT_COLOUR, lw=2, marker="D", ms=4.5,
               label="Profit = revenue − cost"),
    ]  # fmt: skip
    if "extrapolated" in drawn:
        handles.append(
            Line2D([], [], color=REFERENCE_COLOUR, lw=1.4, ls=":", label="Fit extrapolated")
        )
    if "band" in drawn or "error bar" in drawn:
        label = "Confidence band" if "band" in drawn else "Confidence interval"
        handles.append(Patch(color="#999999", alpha=0.3, label=label))
    if "optimum" in drawn:
        handles.append(
            Line2D(
                [], [], color=PROFIT_COLOUR, marker="*", ms=12, mec="black", lw=0,
                label="Most profitable variant",
            )
        )  # fmt: skip
    if "mr = mc" in drawn:
        handles.append(Line2D([], [], color=REFERENCE_COLOUR, lw=1, ls="--", label="MR = MC"))
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 7 if n >= 3 else 4),
        frameon=False, fontsize=9,
    )  # fmt: skip
    for ax, note in notes:
        place_annotation(ax, note)
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
    fig = plot_revenue_cost_profit(
        report.curves,
        report.optima,
        title,
        decisions=decision_columns(report.frontiers.values()),
    )
    paths += folder.write_figure("revenue_cost_profit", fig, "revenue, cost, profit per tier")
    frontier = pd.concat([f.assign(tier=t) for t, f in report.frontiers.items()], ignore_index=True)
    paths.append(folder.write_frame("frontier.csv", frontier, Kind.FRONTIER))
    curves = pd.concat([c.assign(tier=t) for t, c in report.curves.items()], ignore_index=True)
    paths.append(folder.write_frame("profit_curves.csv", curves, Kind.PROFIT_CURVES))
    paths.append(folder.write_frame("optimum.csv", report.optimum_table(), Kind.OPTIMUM))
    if folder is not out:
        folder.finish()
    return paths
