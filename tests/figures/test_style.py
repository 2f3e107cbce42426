"""One figure style: money and service ticks by the one number rule, labels from the registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tierwise.figures.budget import plot_profit_vs_budget
from tierwise.figures.style import (
    COST_COLOUR,
    PROFIT_COLOUR,
    REVENUE_COLOUR,
    TIER_COLOURS,
    apply_style,
    axis_label,
    metric_label,
    money_tick,
    percent_tick,
    signed_money_tick,
    tier_colour,
)
from tierwise.simulation.metrics import METRICS, PROFIT


def test_money_ticks_never_mix_k_with_full_amounts() -> None:
    """Ticks of one axis read alike: ``$6,000`` next to ``$30,000``, not next to ``$30k``."""
    labels = [money_tick(v) for v in (0, 6_000, 12_000, 30_000)]
    assert labels == ["$0", "$6,000", "$12,000", "$30,000"]
    assert money_tick(1_250_000) == "$1.25M" and money_tick(-250) == "−$250"
    assert [signed_money_tick(v) for v in (-1500, 0, 250)] == ["−$1,500", "0", "+$250"]
    assert percent_tick(92.5) == "92.5%"


def test_labels_come_from_the_metric_registry() -> None:
    for name, metric in METRICS.items():
        assert metric_label(name) == metric.label
    assert metric_label("mean_cycle_time_h") == "Mean cycle time"
    assert metric_label(PROFIT) == "Profit per day"
    assert axis_label("perfect_order_rate") == "Perfect order rate (%)"
    assert axis_label("cost_per_day_usd") == "Cost per day (USD)"
    assert axis_label("mean_cycle_time_h") == "Mean cycle time (h)"
    assert metric_label("queue_length_h") == "Queue length"  # not registered: from the name


def test_tiers_keep_their_colour_and_others_take_free_ones() -> None:
    assert [tier_colour(t, i) for i, t in enumerate("ABC")] == list(TIER_COLOURS.values())
    extra = {tier_colour(t, i) for i, t in enumerate(["key", "web", "other"])}
    assert len(extra) == 3 and not extra & set(TIER_COLOURS.values())


def test_apply_style_sets_labels_grid_and_drops_top_and_right_spines() -> None:
    ax = Figure().add_subplot()
    apply_style(ax, "Title", "x (%)", "y (USD)")
    assert ax.get_title(loc="left") == "Title"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x (%)", "y (USD)")
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis.get_gridlines()[0].get_visible()


def test_budget_figure_uses_the_money_colours_and_money_ticks() -> None:
    budgets = np.linspace(6_000, 30_000, 5)
    table = pd.DataFrame(
        {
            "budget_per_day_usd": budgets,
            "status": ["infeasible", "optimal", "optimal", "optimal", "optimal"],
            "profit_per_day_usd": [np.nan, 4_000, 9_000, 12_000, 12_000],
            "revenue_per_day_usd": [np.nan, 16_000, 24_000, 30_000, 30_000],
            "cost_per_day_usd": [np.nan, 12_000, 15_000, 18_000, 18_000],
            "service_A": [np.nan, 0.8, 0.9, 0.95, 0.95],
        }
    )
    fig = plot_profit_vs_budget(table, "budget")
    top, bottom = fig.axes
    colours = {line.get_label(): line.get_color() for line in top.get_lines()}
    assert colours["profit (revenue − cost)"] == PROFIT_COLOUR
    assert colours["revenue"] == REVENUE_COLOUR and colours["cost"] == COST_COLOUR
    assert bottom.get_lines()[0].get_color() == TIER_COLOURS["A"]
    fig.canvas.draw()
    ticks = [t.get_text() for t in bottom.get_xticklabels() if t.get_text()]
    assert ticks and all(t.startswith(("$", "−$")) and "k" not in t for t in ticks)
    annotation = " ".join(t.get_text() for t in top.texts)
    assert (
        "$12,000/day" in annotation and "from budget $24,000/day" in annotation
    )  # first budget at the top
