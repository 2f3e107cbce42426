"""The scenario library that ships inside the package.

``scenarios/`` at the repository root is installed as ``tierwise/scenarios`` (package data), so a
wheel install can run ``tierwise run default`` with no checkout. A scenario reference is either
a path to a YAML file or the name of a bundled scenario (``default``, ``phone_order_desk``…);
:func:`copy_library` copies the library out for editing (``tierwise init DIR``).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

__all__ = ["bundled_names", "copy_library", "library_path", "resolve_scenario_path"]


def library_path() -> Path:
    """Folder of the bundled library (scenarios, ``sweeps/``, ``strategies/``)."""
    return Path(str(resources.files("tierwise") / "scenarios"))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios (file stems of ``scenarios/*.yaml``), sorted."""
    return sorted(p.stem for p in library_path().glob("*.yaml"))


def resolve_scenario_path(reference: str | Path) -> Path | None:
    """The file a scenario reference means, or ``None`` if it names nothing.

    An existing path wins; otherwise ``default`` or ``default.yaml`` (no folder part) names the
    bundled scenario of that stem.
    """
    path = Path(reference)
    if path.exists():
        return path
    if path.parent != Path("."):
        return None
    bundled = library_path() / f"{path.name.removesuffix('.yaml')}.yaml"
    return bundled if bundled.is_file() else None


def copy_library(destination: str | Path, overwrite: bool = False) -> list[Path]:
    """Copy the bundled library into ``destination`` (created if missing).

    Parameters
    ----------
    destination : str or Path
        Target folder.
    overwrite : bool, default False
        Replace files that already exist there; otherwise they are left alone.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    FileExistsError
        If ``destination`` exists and is not a folder.
    """
    dest = Path(destination)
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} exists and is not a folder")
    source = library_path()
    written: list[Path] = []
    for file in sorted(source.rglob("*.yaml")):
        target = dest / file.relative_to(source)
        if target.exists() and not overwrite:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
        written.append(target)
    return written
