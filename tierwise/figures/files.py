"""Writing matplotlib figures to disk atomically, as PNG (150 dpi) and SVG.

Shared by every layer that draws (``tierwise.figures.comparison``, ``tierwise.figures.curves``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from matplotlib.figure import Figure

__all__ = ["save_figure"]

logger = logging.getLogger(__name__)


def save_figure(
    fig: Figure, out_dir: str | os.PathLike[str], stem: str, tight: bool = True
) -> tuple[Path, Path]:
    """Write ``fig`` as ``{stem}.png`` (150 dpi) and ``{stem}.svg`` into ``out_dir``.

    Each file is written to a temporary name and renamed, so a reader never sees a partial
    figure.

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
        (for figures laid out with ``constrained_layout``).

    Returns
    -------
    tuple of pathlib.Path
        Paths of the PNG and the SVG.
    """
    if not stem or Path(stem).name != stem:
        raise ValueError(f"stem={stem!r} must be a plain file name without directories")
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for ext in ("png", "svg"):
        target = directory / f"{stem}.{ext}"
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{ext}", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                fig.savefig(
                    handle,
                    format=ext,
                    bbox_inches="tight" if tight else None,
                    dpi=150 if ext == "png" else "figure",
                )
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        paths.append(target)
        logger.info("wrote %s", target)
    return paths[0], paths[1]
