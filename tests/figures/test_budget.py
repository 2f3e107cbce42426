"""Profit vs budget: spans the budgets given, marks where more money stops paying, reads in $/%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from tests.figures.geometry import (
    annotation_box,
    line_points,
    points_in,
    render,
    texts_inside_figure,
)
from tierwise.figures.budget import plot_profit_vs_budget, saturation_budget
from tierwise.figures.style import COST_COLOUR, PROFIT_COLOUR, TIER_COLOURS


def _table(budgets: np.ndarray, infeasible: int = 1) -> pd.DataFrame:
    """Profit rises with the budget up to $24,000/day, then stays flat (nothing left to buy)."""
    spend = np.minimum(budgets, 24_000.0)
    profit = 12_000.0 - 2e-8 * (24_000.0 - spend) ** 2
    service = 0.8 + 0.15 * (spend - budgets[0]) / (24_000.0 - budgets[0])
    table = pd.DataFrame(
        {
            "budget_per_day_usd": budgets,
            "status": "optimal",
            "profit_per_day_usd": profit,
            "revenue_per_day_usd": profit + spend,
            "cost_per_day_usd": spend,
            "service_A": service,
            "service_B": service - 0.05,
        }
    )
    table.loc[: infeasible - 1, "status"] = "infeasible"
    table.loc[: infeasible - 1, ["profit_per_day_usd", "cost_per_day_usd", "service_A"]] = np.nan
    return table


def test_saturation_budget_is_the_smallest_budget_reaching_the_maximum() -> None:
    budgets = np.array([1.0, 2.0, 3.0, 4.0])
    assert saturation_budget(budgets, np.array([np.nan, 5.0, 7.0, 7.0 + 1e-9])) == (3.0, 7.0 + 1e-9)
    first, top = saturation_budget(budgets, np.full(4, np.nan))
    assert np.isnan(first) and np.isnan(top)


def test_budget_figure_spans_every_budget_and_shades_what_adds_no_profit() -> None:
    budgets = np.linspace(6_000, 60_000, 19)  # far beyond the $24,000 where profit saturates
    fig = plot_profit_vs_budget(_table(budgets), "budget")
    top, _middle, bottom = fig.axes
    low, high = bottom.get_xlim()
    assert low <= 6_000 and high >= 60_000
    legend = top.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == [
        "best profit at the budget",
        "no feasible plan",
        "max profit reached",
        "more budget adds no profit",
    ]
    text = " ".join(t.get_text() for t in top.texts)
    assert "reached at a budget of $24,000/day" in text and "$12,000/day" in text
    spans = [p for p in top.patches if isinstance(p, Rectangle)]
    saturated = [p for p in spans if abs(p.get_x() - 24_000.0) < 1.0]
    assert len(saturated) == 1 and saturated[0].get_x() + saturated[0].get_width() >= 60_000


def test_budget_figure_colours_money_and_tiers_apart_and_lists_only_drawn() -> None:
    budgets = np.linspace(6_000, 30_000, 9)
    fig = plot_profit_vs_budget(_table(budgets, infeasible=0), "budget")
    top, middle, bottom = fig.axes
    colour = {line.get_label(): line.get_color() for line in top.get_lines() + middle.get_lines()}
    assert colour["best profit at the budget"] == PROFIT_COLOUR
    assert colour["plan cost"] == COST_COLOUR
    tier_lines = {
        str(line.get_label()): line.get_color()
        for line in bottom.get_lines()
        if str(line.get_label()).startswith("tier ")
    }
    assert tier_lines["tier A"] == TIER_COLOURS["A"] and tier_lines["tier B"] == TIER_COLOURS["B"]
    assert PROFIT_COLOUR not in tier_lines.values() and COST_COLOUR not in tier_lines.values()
    legend = top.get_legend()
    assert legend is not None
    assert "no feasible plan" not in [t.get_text() for t in legend.get_texts()]  # none shaded


def test_budget_figure_ticks_are_dollars_with_separators_and_service_in_percent() -> None:
    fig = plot_profit_vs_budget(_table(np.linspace(6_000, 60_000, 19)), "ticks")
    render(fig)
    top, middle, bottom = fig.axes
    for ticks in (top.get_yticklabels(), middle.get_yticklabels(), bottom.get_xticklabels()):
        labels = [t.get_text() for t in ticks if t.get_text()]
        assert labels and all(t.startswith(("$", "−$")) and "k" not in t for t in labels)
        assert any("," in t for t in labels)
    service = [t.get_text() for t in bottom.get_yticklabels() if t.get_text()]
    assert service and all(t.endswith("%") for t in service)
    assert bottom.get_ylabel() == "Chosen service level (%)"


@pytest.mark.parametrize("n_budgets", [5, 12, 30])
def test_budget_annotation_covers_no_curve_legends_outside_nothing_clipped(n_budgets: int) -> None:
    fig = plot_profit_vs_budget(_table(np.linspace(6_000, 40_000, n_budgets)), "geometry")
    renderer = render(fig)
    top = fig.axes[0]
    (note,) = [t for t in top.texts if isinstance(t, Annotation)]
    assert points_in(annotation_box(note, renderer), line_points(top)) == 0
    for ax in fig.axes:
        legend = ax.get_legend()
        assert legend is not None
        assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    assert texts_inside_figure(fig, renderer) == []


def test_consecutive_infeasible_budgets_are_one_shaded_span() -> None:
    fig = plot_profit_vs_budget(_table(np.linspace(6_000, 30_000, 9), infeasible=3), "runs")
    grey = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_x() < 6_000]
    assert len(grey) == 1
    assert grey[0].get_x() + grey[0].get_width() == pytest.approx(6_000 + 2.5 * 3_000)
