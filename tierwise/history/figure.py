"""The Pareto figure: cumulative share of profit against cumulative share of customers.

Customers ranked by profit, largest first; the curve is coloured by tier (house colours,
:mod:`tierwise.figures.style`), the classification's cuts are dashed reference lines and each
tier is labelled with its share of customers and of profit. Saved by
:func:`tierwise.figures.files.save_figure`.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from tierwise.figures.style import (
    REFERENCE_COLOUR,
    apply_style,
    legend_outside,
    service_axis,
    tier_colour,
)

__all__ = ["plot_pareto"]


def plot_pareto(
    curve: pd.DataFrame,
    tiers: pd.Series,
    table: pd.DataFrame,
    cuts: tuple[float, ...] = (),
    title: str = "Customers ranked by profit",
) -> Figure:
    """Draw the Pareto curve.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`~tierwise.history.classify.pareto_curve` output.
    tiers : pandas.Series
        ``customer → tier``.
    table : pandas.DataFrame
        The tier table (``customer_share``, ``profit_share`` per tier).
    cuts : tuple of float
        Pareto thresholds to mark (cumulative profit shares); none for an RFM split.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.5, 4.5), constrained_layout=True)
    ax = fig.add_subplot()
    x = curve["customer_share"].to_numpy() * 100
    y = curve["profit_share"].to_numpy() * 100
    tier_of = curve["customer"].map(tiers).to_numpy()
    for index, name in enumerate(table.index):
        at = [i for i in range(1, len(curve)) if tier_of[i] == name]
        if not at:
            continue
        idx = [at[0] - 1, *at]  # join the segment to the previous point
        row = table.loc[name]
        ax.plot(
            x[idx],
            y[idx],
            color=tier_colour(str(name), index),
            linewidth=2.2,
            label=f"{name}: {row['customer_share']:.0%} of customers, "
            f"{row['profit_share']:.0%} of profit",
        )
    for cut in cuts:
        ax.axhline(cut * 100, color=REFERENCE_COLOUR, linestyle="--", linewidth=0.9)
        ax.annotate(
            f"{cut:.0%}",
            (100, cut * 100),
            xytext=(-4, -12),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=REFERENCE_COLOUR,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    service_axis(ax, "x")
    service_axis(ax, "y")
    apply_style(
        ax,
        title=title,
        xlabel="Customers, ranked by profit (cumulative %)",
        ylabel="Profit (cumulative %)",
    )
    legend_outside(ax)
    return fig
