"""An annotation box goes where it covers no drawn curve, measured with the Agg renderer."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from tests.figures.geometry import annotation_box, line_points, points_in, render
from tierwise.figures.placement import drawn_points, place_annotation


def _annotated(x: np.ndarray, y: np.ndarray) -> tuple[Figure, object]:
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(x, y, "-", lw=2)
    note = ax.annotate(
        "A long annotation text\nwith three lines\nof information",
        xy=(x[len(x) // 2], y[len(y) // 2]),
        xytext=(0.0, 0.0),
        textcoords="axes fraction",
        ha="left",
        va="bottom",
        bbox={"boxstyle": "round,pad=0.35", "fc": "white"},
        arrowprops={"arrowstyle": "->"},
    )
    return fig, note


def test_box_avoids_a_diagonal_curve() -> None:
    x = np.linspace(0, 10, 11)  # few vertices: the segments between them count too
    fig, note = _annotated(x, x)
    ax = fig.axes[0]
    assert place_annotation(ax, note)
    renderer = render(fig)
    assert points_in(annotation_box(note, renderer), line_points(ax)) == 0


def test_box_gets_headroom_when_the_curve_fills_the_axes() -> None:
    x = np.linspace(0, 10, 400)
    fig, note = _annotated(x, np.sin(6 * x))  # oscillates across the whole plot
    ax = fig.axes[0]
    top_before = ax.get_ylim()[1]
    assert place_annotation(ax, note)
    assert ax.get_ylim()[1] > top_before
    renderer = render(fig)
    assert points_in(annotation_box(note, renderer), line_points(ax)) == 0


def test_drawn_points_sample_segments_between_vertices() -> None:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "-")
    ax.plot([0.5], [0.2], "o")  # a marker alone: its vertex only
    render(fig)
    assert len(drawn_points(ax)) > 50
