"""The one figure saver: PNG (150 dpi) and SVG, each written atomically.

Every figure Tierwise writes goes through :func:`save_figure` (output folders call it from
:meth:`tierwise.artifacts.OutputFolder.write_figure`); the atomic rename is
:func:`tierwise.common.atomic.atomic_path`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from matplotlib.figure import Figure

from tierwise.common.atomic import atomic_path

__all__ = ["save_figure"]

logger = logging.getLogger(__name__)


def save_figure(
    fig: Figure, out_dir: str | os.PathLike[str], stem: str, tight: bool = True
) -> tuple[Path, Path]:
    """Write ``fig`` as ``{stem}.png`` (150 dpi) and ``{stem}.svg`` into ``out_dir``.

    A reader never sees a partial figure: each file is written to a temporary name and renamed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    out_dir : str or os.PathLike
        Created if missing.
    stem : str
        File name without extension (no path separators).
    tight : bool
        Crop to the drawn content (``bbox_inches="tight"``); ``False`` keeps the figure size
        (for figures laid out edge to edge with ``constrained_layout``).

    Returns
    -------
    tuple of pathlib.Path
        Paths of the PNG and the SVG.
    """
    if not stem or Path(stem).name != stem:
        raise ValueError(f"stem={stem!r} must be a plain file name without directories")
    directory = Path(out_dir)
    paths: list[Path] = []
    for ext in ("png", "svg"):
        target = directory / f"{stem}.{ext}"
        with atomic_path(target) as temp:
            fig.savefig(
                temp,
                format=ext,
                bbox_inches="tight" if tight else None,
                dpi=150 if ext == "png" else "figure",
            )
        paths.append(target)
        logger.info("wrote %s", target)
    return paths[0], paths[1]
