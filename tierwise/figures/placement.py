"""Put an annotation box where it covers no curve: the emptiest spot of the axes, measured.

The box is measured with the Agg renderer after the layout has run, candidate spots on a grid
over the axes are scored in display coordinates (pixels) by what they would cover — points of
every drawn line, sampled densely along its segments, error bars, other text — and the box goes
to a free spot near its target. When no spot is free the axes get headroom above the data (the
y range grows) until one is.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

__all__ = ["agg_renderer", "box_extent", "drawn_points", "place_annotation"]

logger = logging.getLogger(__name__)

_STEP_PX = 3.0  # spacing of the samples along a segment
_CLEARANCE_PX = 6.0  # free margin kept around the box (marker radius and a little air)


def agg_renderer(fig: Figure) -> RendererBase:
    """Lay out and draw ``fig`` on an Agg canvas (attached if needed); return its renderer."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _densify(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Points every :data:`_STEP_PX` pixels along the polyline ``xy`` (display coordinates)."""
    xy = xy[np.isfinite(xy).all(axis=1)] if xy.size else xy.reshape(0, 2)
    if len(xy) < 2:
        return xy
    out = [xy[:1]]
    for a, b in itertools.pairwise(xy):
        n = int(min(2000, max(1, np.ceil(np.hypot(*(b - a)) / _STEP_PX))))
        t = np.linspace(0.0, 1.0, n + 1)[1:, None]
        out.append(a + t * (b - a))
    return np.concatenate(out)


def drawn_points(ax: Axes) -> npt.NDArray[np.float64]:
    """Display coordinates of what is drawn in ``ax``: line vertices and, for lines with a
    line style, samples along their segments; error-bar segments likewise.

    Runs of a line broken by NaN are sampled separately (no bridge over the gap).
    """
    chunks: list[npt.NDArray[np.float64]] = [np.empty((0, 2))]
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        if line.get_linestyle() in ("None", "none", "", " "):
            chunks.append(xy[np.isfinite(xy).all(axis=1)])
            continue
        finite = np.isfinite(xy).all(axis=1)
        breaks = np.flatnonzero(np.diff(finite.astype(int)) != 0) + 1
        for run, ok in zip(np.split(xy, breaks), np.split(finite, breaks), strict=True):
            if ok.all():
                chunks.append(_densify(run))
    for coll in ax.collections:
        if isinstance(coll, LineCollection) and coll.get_visible():
            transform = coll.get_transform()
            for seg in coll.get_segments():
                chunks.append(_densify(transform.transform(np.asarray(seg, dtype=float))))
    return np.concatenate(chunks)


def _bands(ax: Axes) -> list[Path]:
    """Display-space paths of filled bands (``fill_between``) in ``ax``."""
    paths = []
    for coll in ax.collections:
        if isinstance(coll, PolyCollection) and coll.get_visible():
            transform = coll.get_transform()
            paths += [transform.transform_path(p) for p in coll.get_paths()]
    return paths


def box_extent(annotation: Annotation, renderer: RendererBase) -> Bbox:
    """Display extent of the annotation's text with its box padding (the arrow left out)."""
    annotation.update_positions(renderer)
    text = Text.get_window_extent(annotation, renderer)
    patch = annotation.get_bbox_patch()
    pad = 0.0
    if patch is not None:
        style = patch.get_boxstyle()
        points = float(annotation.get_fontsize())
        pad = float(getattr(style, "pad", 0.3)) * float(renderer.points_to_pixels(points))  # type: ignore[arg-type]
    return Bbox.from_extents(text.x0 - pad, text.y0 - pad, text.x1 + pad, text.y1 + pad)


def _score(
    box: Bbox,
    points: npt.NDArray[np.float64],
    bands: list[Path],
    others: list[Bbox],
    target: npt.NDArray[np.float64],
) -> tuple[int, float]:
    """(number of covered points and other texts, band cover + distance penalty)."""
    c = _CLEARANCE_PX
    inside = (
        (points[:, 0] >= box.x0 - c)
        & (points[:, 0] <= box.x1 + c)
        & (points[:, 1] >= box.y0 - c)
        & (points[:, 1] <= box.y1 + c)
    )
    covered = int(inside.sum()) + sum(box.overlaps(o) for o in others)
    gx, gy = np.meshgrid(np.linspace(box.x0, box.x1, 7), np.linspace(box.y0, box.y1, 5))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    band_cover = float(sum(np.mean(p.contains_points(grid)) for p in bands))
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    distance = float(np.hypot(*(centre - target))) / max(1.0, box.width + box.height)
    return covered, 3.0 * band_cover + distance


def place_annotation(ax: Axes, annotation: Annotation, max_headroom_steps: int = 4) -> bool:
    """Move ``annotation`` (its text box) to the emptiest spot of ``ax``.

    The annotation must use ``textcoords="axes fraction"`` with ``ha="left"``,
    ``va="bottom"``; its ``xytext`` is set to the chosen lower-left corner. It is taken out of
    the layout (it stays inside the axes).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes holding the annotation; everything else of the figure is drawn already.
    annotation : matplotlib.text.Annotation
        The annotation to move.
    max_headroom_steps : int, default 4
        How often the y range may grow (by about one box height each time) when no spot is
        free.

    Returns
    -------
    bool
        True when the box covers no drawn point (False: the least covered spot was taken).
    """
    annotation.set_in_layout(False)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    for step in range(max_headroom_steps + 1):
        renderer = agg_renderer(fig)
        frame = ax.get_window_extent(renderer)
        size = box_extent(annotation, renderer)
        w, h = size.width, size.height
        points = drawn_points(ax)
        bands = _bands(ax)
        others = [
            box_extent(t, renderer) if isinstance(t, Annotation) else t.get_window_extent(renderer)
            for t in ax.texts
            if t is not annotation and t.get_visible()
        ]
        target = ax.transData.transform(np.asarray(annotation.xy, dtype=float))
        margin = _CLEARANCE_PX + 2.0
        xs = np.linspace(frame.x0 + margin, max(frame.x0 + margin, frame.x1 - w - margin), 13)
        ys = np.linspace(frame.y0 + margin, max(frame.y0 + margin, frame.y1 - h - margin), 11)
        best: tuple[tuple[int, float], float, float] | None = None
        for x0 in xs:
            for y0 in ys:
                score = _score(Bbox.from_bounds(x0, y0, w, h), points, bands, others, target)
                if best is None or score < best[0]:
                    best = (score, x0, y0)
        assert best is not None
        (covered, _), x0, y0 = best
        pad = Text.get_window_extent(annotation, renderer).x0 - size.x0
        corner = (x0 + pad, y0 + pad)  # the text's own lower-left corner
        annotation.xyann = tuple(ax.transAxes.inverted().transform(corner))
        if covered == 0:
            return True
        if step < max_headroom_steps:
            low, high = ax.get_ylim()
            grow = (h + 2 * margin) / max(frame.height - h - 2 * margin, 1.0)
            ax.set_ylim(low, high + (high - low) * grow)
    logger.info("annotation %r covers %d drawn point(s)", annotation.get_text()[:30], covered)
    return False
