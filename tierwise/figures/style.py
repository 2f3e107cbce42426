"""The one figure style: colours, axis formatters, axis labels from the metric registry.

Every figure module (:mod:`tierwise.figures.curves`, :mod:`tierwise.figures.budget`,
:mod:`tierwise.figures.comparison`) draws with these colours, formats money and service ticks
with these formatters (numbers as :mod:`tierwise.common.formatting` writes them) and styles each
axes with :func:`apply_style`, so the figures of one run look like one set.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.container import Container
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tierwise.common.formatting import MISSING, usd_short
from tierwise.simulation.metrics import METRICS

__all__ = [
    "COST_COLOUR",
    "GRID_COLOUR",
    "NOTE_COLOUR",
    "PALETTE",
    "PROFIT_COLOUR",
    "REFERENCE_COLOUR",
    "REVENUE_COLOUR",
    "TIER_COLOURS",
    "apply_style",
    "axis_label",
    "legend_outside",
    "metric_label",
    "money_axis",
    "money_tick",
    "percent_tick",
    "service_axis",
    "signed_money_tick",
    "tier_colour",
    "unit_label",
]

#: Okabe–Ito colours (colour-blind safe): tiers first (purple, orange, sky blue — none of them
#: a money colour), then strategies and other series cycle.
PALETTE: tuple[str, ...] = (
    "#AA4499",
    "#E69F00",
    "#56B4E9",
    "#0072B2",
    "#009E73",
    "#D55E00",
    "#000000",
    "#F0E442",
)
#: Colour per tier name; a tier not named here takes the next free colour of :data:`PALETTE`.
TIER_COLOURS: dict[str, str] = {"A": PALETTE[0], "B": PALETTE[1], "C": PALETTE[2]}
#: Money series: cost (red), revenue (blue), profit (green), in every figure; no tier uses them.
COST_COLOUR = "#C0392B"
REVENUE_COLOUR = "#1F5FA8"
PROFIT_COLOUR = "#2E7D32"
#: Zero lines, budget diagonals, MR = MC markers.
REFERENCE_COLOUR = "#555555"
#: Grid lines and notes under a figure.
GRID_COLOUR = "#DDDDDD"
NOTE_COLOUR = "#555555"

#: How a registry unit is written in an axis label (money: the label already says per what).
_UNIT_IN_LABEL = {"rate": "%", "USD/day": "USD", "USD/order": "USD"}
_UNIT_SUFFIXES = ("_per_day_usd", "_usd", "_h", "_s")


def tier_colour(tier: str, index: int) -> str:
    """Colour of ``tier``, the ``index``-th tier of a figure (A, B, C keep theirs)."""
    if tier in TIER_COLOURS:
        return TIER_COLOURS[tier]
    spare = PALETTE[len(TIER_COLOURS) :]
    return spare[index % len(spare)]


def metric_label(metric: str) -> str:
    """Plain name of a metric from the registry, e.g. ``"Mean cycle time"``.

    A name the registry does not know is spelled out from the column name (unit suffix
    dropped), e.g. ``"queue_length_h"`` → ``"Queue length"``.
    """
    found = METRICS.get(metric)
    if found is not None:
        return found.label
    name = metric
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            name = name.removesuffix(suffix) + ("_per_day" if suffix == "_per_day_usd" else "")
            break
    text = name.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def unit_label(metric: str) -> str:
    """Unit of a *difference* of ``metric``: ``"percentage points"`` for rates, else the unit."""
    found = METRICS.get(metric)
    if found is None:
        return ""
    return "percentage points" if found.unit == "rate" else found.unit


def axis_label(metric: str | None) -> str:
    """Axis label of a metric with its unit: ``"Perfect order rate (%)"``, ``"Cost per day (USD)"``.

    ``None`` gives ``"Service level (%)"``.
    """
    if not metric:
        return "Service level (%)"
    found = METRICS.get(metric)
    if found is None:
        return f"{metric_label(metric)} (%)" if metric.endswith("_rate") else metric_label(metric)
    unit = _UNIT_IN_LABEL.get(found.unit, found.unit)
    return f"{found.label} ({unit})"


def money_tick(value: float, _pos: object = None) -> str:
    """Tick label of money: ``$950``, ``$12,500``, ``$1.25M`` (one rule, no bare ``k``)."""
    return usd_short(value)


def signed_money_tick(value: float, _pos: object = None) -> str:
    """Tick label of a money difference: ``+$1,500``, ``−$250``, ``0``."""
    if abs(value) < 1e-9:
        return "0"
    text = usd_short(abs(value))
    return text if text == MISSING else ("−" if value < 0 else "+") + text


def percent_tick(value: float, _pos: object = None) -> str:
    """Tick label of a service level already in percent (``90`` → ``90%``)."""
    return f"{value:g}%"


def money_axis(ax: Axes, axis: str = "y") -> None:
    """Format the ``axis`` ("x" or "y") of ``ax`` as money (USD)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(money_tick))
    target.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))


def service_axis(ax: Axes, axis: str = "x") -> None:
    """Format the ``axis`` of ``ax`` as a service level in percent (data in percent, 0–100)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(percent_tick))
    target.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))


def apply_style(
    ax: Axes, title: str | None = None, xlabel: str | None = None, ylabel: str | None = None
) -> None:
    """The house style of one axes: left-aligned title, labels, light grid, no top/right spines.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    title, xlabel, ylabel : str, optional
        Set when given (``None`` leaves what is there).
    """
    if title is not None:
        ax.set_title(title, fontsize=12, loc="left")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.grid(True, color=GRID_COLOUR, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend_outside(
    ax: Axes, handles: Sequence[Artist | Container] | None = None, fontsize: float = 8.5
) -> Legend | None:
    """A legend to the right of ``ax``, outside the data (constrained layout makes room).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    handles : sequence of Artist or Container, optional
        Legend entries; by default the labelled artists drawn in ``ax`` (so nothing is listed
        that is not drawn).
    fontsize : float, default 8.5
        Text size (points).

    Returns
    -------
    matplotlib.legend.Legend or None
        None when there is nothing to list.
    """
    if handles is None:
        found, _labels = ax.get_legend_handles_labels()
        handles = found
    if not handles:
        return None
    return ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize=fontsize,
    )
