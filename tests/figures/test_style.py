"""One figure style: money and service ticks by the one number rule, labels from the registry."""

from __future__ import annotations

from matplotlib.figure import Figure

from tests.figures.geometry import render
from tierwise.figures.style import (
    COST_COLOUR,
    PROFIT_COLOUR,
    REVENUE_COLOUR,
    TIER_COLOURS,
    apply_style,
    axis_label,
    legend_outside,
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


def test_no_tier_wears_a_money_colour() -> None:
    """Profit, cost and revenue keep their colours; a tier line is never mistaken for one."""
    money = {c.lower() for c in (PROFIT_COLOUR, COST_COLOUR, REVENUE_COLOUR)}
    tiers = {tier_colour(t, i).lower() for i, t in enumerate(["A", "B", "C", "D", "E"])}
    assert len(money) == 3 and not money & tiers


def test_legend_outside_lists_only_labelled_drawn_artists_right_of_the_axes() -> None:
    fig = Figure(figsize=(5, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="drawn")
    ax.plot([0, 1], [1, 0])  # no label: not listed
    legend = legend_outside(ax)
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["drawn"]
    renderer = render(fig)
    assert legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1
    assert legend_outside(Figure().add_subplot()) is None


def test_apply_style_sets_labels_grid_and_drops_top_and_right_spines() -> None:
    ax = Figure().add_subplot()
    apply_style(ax, "Title", "x (%)", "y (USD)")
    assert ax.get_title(loc="left") == "Title"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x (%)", "y (USD)")
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis.get_gridlines()[0].get_visible()
