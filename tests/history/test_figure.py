"""The Pareto figure: one line per tier in the house colours, the cuts marked."""

from __future__ import annotations

from tierwise.figures.style import TIER_COLOURS
from tierwise.history.figure import plot_pareto


def test_pareto_figure_draws_each_tier_and_the_cuts(sample_analysis) -> None:
    a = sample_analysis
    fig = plot_pareto(a.curve, a.scores["tier"], a.table, a.cuts)
    ax = fig.axes[0]
    tier_lines = [
        line for line in ax.get_lines() if line.get_label().startswith(("A:", "B:", "C:"))
    ]
    assert [line.get_color() for line in tier_lines] == [TIER_COLOURS[t] for t in "ABC"]
    assert sorted(
        line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"
    ) == [80, 95]
    assert "81% of profit" in tier_lines[0].get_label()
