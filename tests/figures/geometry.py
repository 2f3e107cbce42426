"""Display-space checks shared by the figure tests (Agg renderer)."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox


def render(fig: Figure) -> RendererBase:
    """Draw ``fig`` with Agg (layout included) and return the renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def line_points(ax: Axes, step_px: float = 2.0) -> npt.NDArray[np.float64]:
    """Every drawn line's vertices and points every ``step_px`` along its segments (pixels)."""
    out = [np.empty((0, 2))]
    for line in ax.get_lines():
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        out.append(xy[np.isfinite(xy).all(axis=1)])
        if line.get_linestyle() in ("None", "none", "", " "):
            continue
        for a, b in itertools.pairwise(xy):
            if np.isfinite(a).all() and np.isfinite(b).all():
                n = max(1, int(np.hypot(*(b - a)) / step_px))
                out.append(a + np.linspace(0, 1, n + 1)[:, None] * (b - a))
    return np.concatenate(out)


def annotation_box(note: Annotation, renderer: RendererBase) -> Bbox:
    """The drawn box (bbox patch) of an annotation, in pixels."""
    patch = note.get_bbox_patch()
    assert patch is not None
    return patch.get_window_extent(renderer)


def points_in(box: Bbox, points: npt.NDArray[np.float64]) -> int:
    """How many ``points`` lie inside ``box``."""
    x, y = points[:, 0], points[:, 1]
    return int(((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)).sum())


def texts_inside_figure(fig: Figure, renderer: RendererBase) -> list[str]:
    """What reaches outside the figure (would be clipped): axes with their labels, tick labels,
    titles and legends, and figure legends and titles."""
    frame = fig.bbox.padded(1.0)
    outside = []
    parts = [(f"axes {i}", ax.get_tightbbox(renderer)) for i, ax in enumerate(fig.axes)]
    parts += [("figure legend", legend.get_window_extent(renderer)) for legend in fig.legends]
    parts += [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts if t.get_text()]
    for name, box in parts:
        if box is not None and not (
            frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        ):
            outside.append(name)
    return outside
