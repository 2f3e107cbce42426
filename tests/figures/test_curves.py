"""Figures build, carry titles/labels/legends with units, and save as PNG and SVG."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from tests.figures.geometry import (
    annotation_box,
    line_points,
    points_in,
    render,
    texts_inside_figure,
)
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
    ON_FRONTIER,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
    cost_service_frontier,
)

AGENTS = "param.order_entry.pools.desk.agents"
PICKERS = "param.picking.pickers"


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
            AGENTS: 4 + np.arange(len(s)) // 3,
            PICKERS: 10 + np.arange(len(s)) % 3,
            "param.horizon_days": 12.0,  # one value for all: not a decision
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


def _many_variants(n: int = 36, seed: int = 7) -> pd.DataFrame:
    """A synthetic sweep of ``n`` variants, some with service near 100 % and wide intervals."""
    rng = np.random.default_rng(seed)
    s = np.clip(rng.uniform(0.70, 0.995, n), 0, 1)
    cost = 2_000.0 * -np.log1p(-s) * rng.uniform(1.0, 1.5, n)
    summary = pd.DataFrame(
        {
            "variant_id": [f"v{i:02d}" for i in range(n)],
            "n": 5,
            SERVICE_MEAN: s,
            SERVICE_HALF_WIDTH: rng.uniform(0.01, 0.06, n),  # mean + h passes 100 % for some
            COST_MEAN: cost,
            COST_HALF_WIDTH: 0.03 * cost,
            AGENTS: rng.integers(3, 12, n),
        }
    )
    summary.attrs.update(metric="perfect_order_rate", confidence=0.95)
    return cost_service_frontier(summary)


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
        assert f"Tier {tier}: frontier (8)" in labels
        assert f"Tier {tier}: dominated (2)" in labels
    # x is in percent: the data span 60-97
    lo, hi = ax.get_xlim()
    assert lo < 60 < 97 < hi
    assert "2 failed run(s) excluded" in fig.get_supxlabel()


def test_cost_service_legend_lists_only_drawn_series_and_sits_outside_the_axes() -> None:
    frame = _many_variants()
    frontier_only = frame[frame[ON_FRONTIER]].copy()
    fig = plot_cost_service({"A": frame, "B": frontier_only}, "legend")
    (ax,) = fig.axes
    legend = ax.get_legend()
    assert legend is not None
    handles = legend.legend_handles
    labels = [t.get_text() for t in legend.get_texts()]
    drawn = {a.get_label() for a in ax.get_lines()} | {c.get_label() for c in ax.containers}
    assert set(labels) <= drawn
    assert not any(lab.startswith("Tier B: dominated") for lab in labels)  # none to draw
    assert len(handles) == 3
    renderer = render(fig)
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))


def test_cost_service_with_many_variants_keeps_dominated_faint_and_intervals_inside_100() -> None:
    frame = _many_variants()
    n_off = int((~frame[ON_FRONTIER]).sum())
    assert len(frame) >= 30 and n_off >= 20
    fig = plot_cost_service({"A": frame}, "36 variants")
    (ax,) = fig.axes
    (faint,) = [line for line in ax.get_lines() if "dominated" in str(line.get_label())]
    assert len(faint.get_xdata()) == n_off
    alpha = faint.get_alpha()
    assert alpha is not None and alpha <= 0.4 and faint.get_markersize() <= 5
    (bars,) = ax.containers  # error bars for the frontier only
    assert isinstance(bars, ErrorbarContainer)
    n_frontier = int(frame[ON_FRONTIER].sum())
    x_bar, _y_bar = bars.lines[2]
    segments = np.concatenate([seg for seg in x_bar.get_segments()])
    assert len(x_bar.get_segments()) == n_frontier
    assert segments[:, 0].min() >= 0.0 and segments[:, 0].max() <= 100.0
    assert (frame[SERVICE_MEAN] + frame[SERVICE_HALF_WIDTH] > 1.0).any()  # t interval would pass


def test_money_and_service_ticks_read_as_dollars_with_separators_and_percent(
    frontiers: dict[str, pd.DataFrame],
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, optima = profit_inputs
    for fig in (
        plot_cost_service({"A": _many_variants()}, "ticks"),
        plot_revenue_cost_profit(curves, optima, "ticks"),
    ):
        render(fig)
        for ax in fig.axes:
            money = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
            assert money and all(t.startswith(("$", "−$")) for t in money)
            assert any("," in t for t in money)  # thousands separators
            assert all("k" not in t for t in money)
            service = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            assert service and all(t.endswith("%") for t in service)


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


def test_optimum_is_named_by_its_decisions_not_its_id(
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, optima = profit_inputs
    fig = plot_revenue_cost_profit(curves, optima, "decisions")
    for ax, tier in zip(fig.axes, "ABC", strict=True):
        (text,) = [t.get_text() for t in ax.texts]
        row = curves[tier].set_index("variant_id").loc[optima[tier].variant_id]
        assert f"{row[AGENTS]} desk agents" in text and f"{row[PICKERS]} pickers" in text
        assert "horizon" not in text  # the same for every variant
        assert optima[tier].variant_id not in text


def test_legend_of_revenue_cost_profit_lists_only_what_is_drawn(
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, optima = profit_inputs
    interior = {t: o for t, o in optima.items() if o.mr_equals_mc}
    assert interior  # the fixture has an interior optimum: MR = MC is drawn
    boundary = {
        t: dataclasses.replace(o, mr_equals_mc=False, at_boundary="high") for t, o in optima.items()
    }
    fig = plot_revenue_cost_profit(curves, boundary, "no MR = MC")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "MR = MC" not in labels
    assert not any(line.get_linestyle() == "--" for ax in fig.axes for line in ax.get_lines())
    fig = plot_revenue_cost_profit({"A": curves["A"]}, {}, "no optimum")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Most profitable variant" not in labels and "Fit extrapolated" not in labels
    single = plot_revenue_cost_profit({"A": curves["A"].iloc[:1]}, {}, "one point")
    labels = [t.get_text() for t in single.legends[0].get_texts()]
    assert "Confidence interval" in labels and "Confidence band" not in labels


def test_optimum_box_covers_no_curve_and_no_label_is_clipped(
    profit_inputs: tuple[dict[str, pd.DataFrame], dict[str, ProfitOptimum]],
) -> None:
    curves, optima = profit_inputs
    fig = plot_revenue_cost_profit(curves, optima, "geometry")
    renderer = render(fig)
    for ax in fig.axes:
        (note,) = [t for t in ax.texts if isinstance(t, Annotation)]
        box = annotation_box(note, renderer)
        assert ax.get_window_extent(renderer).contains(box.x0, box.y0)
        assert points_in(box, line_points(ax)) == 0
    assert texts_inside_figure(fig, renderer) == []
    many = plot_cost_service({"A": _many_variants()}, "x")
    assert texts_inside_figure(many, render(many)) == []


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
