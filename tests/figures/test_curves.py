"""Figures build, carry titles/labels/legends with units, and save as PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from tierwise.common.formatting import pct
from tierwise.figures.curves import plot_cost_service, plot_revenue_cost_profit
from tierwise.figures.files import save_figure
from tierwise.figures.style import axis_label
from tierwise.optimization.economics.profit import (
    ProfitOptimum,
    optimal_service_level,
    profit_curve,
)
from tierwise.optimization.economics.revenue import default_response
from tierwise.simulation.analysis.frontier import (
    COST_HALF_WIDTH,
    COST_MEAN,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
    cost_service_frontier,
)


def _frontier(tier: str, scale: float) -> pd.DataFrame:
    s = np.array([0.60, 0.70, 0.80, 0.86, 0.90, 0.93, 0.95, 0.97, 0.75, 0.88])
    cost = scale * -np.log1p(-s)
    cost[-2:] *= 1.4  # two dominated variants
    summary = pd.DataFrame(
        {
            "variant_id": [f"{tier}{i}" for i in range(len(s))],
            "n": 10,
            SERVICE_MEAN: s,
            SERVICE_HALF_WIDTH: 0.004,
            COST_MEAN: cost,
            COST_HALF_WIDTH: 0.02 * cost,
        }
    )
    summary.attrs.update(metric="perfect_order_rate", confidence=0.95, n_failed_rows=2)
    return cost_service_frontier(summary)


@pytest.fixture(scope="module")
def frontiers() -> dict[str, pd.DataFrame]:
    return {"A": _frontier("A", 300.0), "B": _frontier("B", 200.0), "C": _frontier("C", 100.0)}


@pytest.fixture(scope="module")
def profit_inputs(
    frontiers: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]]:
    responses = {t: default_response(t, 5.0, 400.0) for t in frontiers}
    curves = {t: profit_curve(f, responses[t]) for t, f in frontiers.items()}
    optima = {t: optimal_service_level(f, responses[t]) for t, f in frontiers.items()}
    return curves, optima


def test_axis_label_names_metric_and_percent() -> None:
    assert axis_label("perfect_order_rate") == "Perfect order rate (%)"
    assert axis_label(None) == "Service level (%)"


def test_cost_service_figure_has_title_units_and_one_series_per_tier(
    frontiers: dict[str, pd.DataFrame],
) -> None:
    fig = plot_cost_service(frontiers, "Cost vs service — test")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title(loc="left") == "Cost vs service — test"
    assert ax.get_xlabel() == "Perfect order rate (%)"
    assert "USD" in ax.get_ylabel()
    legend = ax.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    for tier in "ABC":
        assert f"Tier {tier}: frontier" in labels
        assert f"Tier {tier}: dominated variants (2)" in labels
    # x is in percent: the data span 60-97
    lo, hi = ax.get_xlim()
    assert lo < 60 < 97 < hi
    assert "2 failed run(s) excluded" in fig.get_supxlabel()


def test_revenue_cost_profit_has_a_panel_per_tier_and_marks_the_peak(
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, optima = profit_inputs
    fig = plot_revenue_cost_profit(curves, optima, "baseline-2026")
    assert len(fig.axes) == 3
    assert "baseline-2026" in fig.get_suptitle()
    for ax, tier in zip(fig.axes, "ABC", strict=True):
        assert ax.get_title(loc="left") == f"Tier {tier}"
        assert ax.get_xlabel() == "Perfect order rate (%)"
        annotations = [t.get_text() for t in ax.texts]
        assert any(text.startswith("Max profit $") for text in annotations)
        assert any(f"at {pct(optima[tier].service_level)}" in t for t in annotations)
        assert len(ax.collections) >= 3  # CI bands (fill_between) for cost, revenue, profit
    assert fig.axes[0].get_ylabel() == "USD per day"
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "MR = MC" in legend_texts and "Confidence band" in legend_texts


def test_tier_without_optimum_is_drawn_without_peak(
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, _ = profit_inputs
    fig = plot_revenue_cost_profit({"A": curves["A"]}, {}, "no optimum")
    (ax,) = fig.axes
    assert not ax.texts


def test_save_figure_writes_png_and_svg(tmp_path: Path, frontiers: dict[str, pd.DataFrame]) -> None:
    fig = plot_cost_service(frontiers, "saved")
    png, svg = save_figure(fig, tmp_path / "figs", "cost_service")
    assert png == tmp_path / "figs" / "cost_service.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()[:2000]
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == [
        "cost_service.png",
        "cost_service.svg",
    ]  # no temporary files left behind


def test_save_figure_rejects_path_in_stem_and_empty_input(tmp_path: Path) -> None:
    fig = Figure()
    with pytest.raises(ValueError, match="stem"):
        save_figure(fig, tmp_path, "../escape")
    with pytest.raises(ValueError, match="empty"):
        plot_cost_service({}, "nothing")
    with pytest.raises(ValueError, match="empty"):
        plot_revenue_cost_profit({}, {}, "nothing")
