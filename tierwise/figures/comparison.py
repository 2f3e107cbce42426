"""Figure of a strategy comparison: paired differences to the baseline, per tier, with CIs.

Built on :class:`matplotlib.figure.Figure` directly (Agg canvas, no pyplot state), so it is safe
in worker processes and tests. Rates are shown in percentage points, money in USD per day,
times in their own unit.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from tierwise.common.formatting import signed
from tierwise.figures.files import save_figure
from tierwise.figures.style import (
    GRID_COLOUR,
    NOTE_COLOUR,
    PALETTE,
    apply_style,
    metric_label,
    signed_money_tick,
    unit_label,
)
from tierwise.simulation.experiments.comparison import TOTAL, Comparison
from tierwise.simulation.metrics import METRIC_UNITS, metric_direction

__all__ = ["metric_label", "plot_comparison", "save_comparison_figure", "unit_label"]

logger = logging.getLogger(__name__)

_ZERO_COLOUR = "#333333"


def _scale(metric: str) -> float:
    return 100.0 if METRIC_UNITS.get(metric) == "rate" else 1.0


def _tick(value: float, metric: str) -> str:
    """Signed tick label in the plotted unit: ``+2.0`` (pp), ``−$1,500``, ``+0.25`` h, ``0``."""
    if abs(value) < 1e-9:
        return "0"
    unit = METRIC_UNITS.get(metric, "")
    if unit == "rate":
        return signed(value, 1)
    if unit.startswith("USD"):
        return signed_money_tick(value)
    return signed(value, 2 if abs(value) < 10 else 0)


def plot_comparison(comparison: Comparison, metric: str) -> Figure:
    """Paired differences ``strategy − baseline`` of one metric, per tier, with CI error bars.

    One group of points per tier (and ``total`` for cost, booked revenue, revenue and profit;
    revenue is the tiers' revenue response at the simulated service), one colour per
    strategy; filled markers are significant differences (the interval excludes 0), hollow
    ones are not. The zero line is the baseline.

    Parameters
    ----------
    comparison : Comparison
        Result of :func:`tierwise.simulation.experiments.compare.compare_strategies`.
    metric : str
        A compared metric, e.g. ``"perfect_order_rate"`` (plotted in percentage points) or
        ``"profit_per_day_usd"`` (USD/day).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``metric`` was not compared.
    """
    rows = [r for r in comparison.rows if r.metric == metric]
    if not rows:
        raise ValueError(
            f"metric '{metric}' was not compared (compared: {', '.join(comparison.metrics)})"
        )
    strategies = [s for s in comparison.strategies if s != comparison.baseline]
    scopes = [s for s in (*comparison.tiers, TOTAL) if any(r.scope == s for r in rows)]
    scale = _scale(metric)
    label = metric_label(metric)
    unit = unit_label(metric)

    fig = Figure(figsize=(9.0, 5.2), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / max(len(strategies), 1)
    ax.axhline(0.0, color=_ZERO_COLOUR, linewidth=1.2, zorder=1)
    for index, strategy in enumerate(strategies):
        colour = PALETTE[index % len(PALETTE)]
        for position, scope in enumerate(scopes):
            match = [r for r in rows if r.strategy == strategy and r.scope == scope]
            if not match:
                continue
            d = match[0].difference
            if not math.isfinite(d.mean):
                continue
            x = position - 0.4 + width * (index + 0.5)
            y = d.mean * scale
            err = d.half_width * scale if math.isfinite(d.half_width) else 0.0
            ax.errorbar(
                x,
                y,
                yerr=err,
                fmt="o",
                markersize=7,
                color=colour,
                markerfacecolor=colour if d.significant else "white",
                markeredgewidth=1.6,
                elinewidth=1.6,
                capsize=4,
                zorder=3,
            )
    for position in range(1, len(scopes)):
        ax.axvline(position - 0.5, color=GRID_COLOUR, linewidth=0.8, zorder=0)
    ax.set_xticks(range(len(scopes)))
    ax.set_xticklabels([s if s == TOTAL else f"tier {s}" for s in scopes])
    ax.set_xlim(-0.5, len(scopes) - 0.5)
    apply_style(ax, ylabel=f"Δ {label.lower()} vs baseline ({unit})")
    ax.grid(False, axis="x")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick(v, metric)))
    direction = metric_direction(metric)
    better = {1: "; higher is better", -1: "; lower is better"}.get(direction, "")
    conf = f"{comparison.confidence:.0%}"
    fig.suptitle(f"{label}: strategies vs baseline '{comparison.baseline}'", fontweight="bold")
    ax.set_title(
        f"paired differences with {conf} CI, n = {comparison.replications} replications with "
        f"common random numbers{better}",
        fontsize=9.5,
        color=NOTE_COLOUR,
    )
    handles: list[Line2D] = [
        Line2D([], [], color=PALETTE[i % len(PALETTE)], marker="o", linestyle="", label=s)
        for i, s in enumerate(strategies)
    ]
    handles += [
        Line2D([], [], color=_ZERO_COLOUR, linewidth=1.2, label=f"baseline: {comparison.baseline}"),
        Line2D([], [], color="#666666", marker="o", linestyle="", label="significant"),
        Line2D(
            [],
            [],
            color="#666666",
            marker="o",
            markerfacecolor="white",
            linestyle="",
            label="not significant",
        ),
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 4),
        frameon=False,
        fontsize=9,
    )
    return fig


def save_comparison_figure(
    fig: Figure, out_dir: str | os.PathLike[str], stem: str
) -> tuple[Path, Path]:
    """Write ``fig`` as ``{stem}.png`` (150 dpi) and ``{stem}.svg`` into ``out_dir``, atomically.

    The figure keeps its own size (it is laid out for it); see
    :func:`tierwise.figures.files.save_figure`.
    """
    return save_figure(fig, out_dir, stem, tight=False)
