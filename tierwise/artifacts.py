"""Output folders: every file a command writes, recorded in the folder's manifest.

A command opens an :class:`OutputFolder`, writes through it (each write is atomic, see
:mod:`tierwise.common.atomic`, and files are readable by others) and calls
:meth:`OutputFolder.finish`, which writes ``manifest.json``: the run id, the command line, the
Tierwise version, the scenario's path and content hash, and each file with its kind, size and
sha256. Readers (``tierwise report``, notebooks) find files by kind through
:func:`read_manifest` instead of guessing names.

Opening a folder that holds an earlier run's manifest removes the files that manifest lists
(they belong to the earlier run; files it does not list are left alone), so a folder never
mixes two runs' outputs. A folder holding files with the names Tierwise writes
(:func:`is_output_name`) that no manifest lists (written before manifests existed, copied in by
hand, or left by a run that was killed) is refused (:func:`check_output_folder`), unless
``overwrite=True``, which removes them too. Commands check the folder with the rest of their
arguments, and open it (clearing the earlier run's files) only once every argument is valid,
before anything is simulated.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
import logging
import math
import shlex
import sys
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from tierwise.common.atomic import atomic_path, write_text
from tierwise.simulation.version import __version__

if TYPE_CHECKING:  # pandas and matplotlib load when a table or figure is written
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "MANIFEST_NAME",
    "OUTPUT_NAMES",
    "ArtifactError",
    "FileEntry",
    "Kind",
    "Manifest",
    "OutputFolder",
    "add_to_manifest",
    "check_output_folder",
    "command_line",
    "is_output_name",
    "json_text",
    "read_manifest",
    "unlisted_outputs",
    "write_table",
]

logger = logging.getLogger(__name__)

#: File name of the manifest inside every output folder.
MANIFEST_NAME = "manifest.json"


class Kind(StrEnum):
    """Kinds of output file; readers look files up by kind, not by name."""

    SWEEP_TABLE = "sweep_table"  # one row per variant × replication (Parquet)
    SWEEP_TABLE_CSV = "sweep_table_csv"
    SWEEP_SUMMARY = "sweep_summary"  # JSON: spec, counts, timings
    FRONTIER = "frontier"  # CSV: per tier, per variant service ± CI, cost ± CI, on_frontier
    PROFIT_CURVES = "profit_curves"  # CSV: revenue, cost, profit per frontier point
    OPTIMUM = "optimum"  # CSV: per tier the profit-optimal point
    PLAN = "plan"  # JSON: the chosen plan
    PLAN_TABLE = "plan_table"  # CSV: one row per tier
    PLAN_OVERRIDES = "plan_overrides"  # JSON: dotted path → value reproducing the plan
    VERIFICATION = "verification"  # CSV: predicted vs re-simulated per tier
    # CSV: the plan against the scenario as given (today), paired under common random numbers:
    # columns scope (tier or "total"), metric (registry name), today, plan, difference,
    # half_width (95 % CI of the difference), optionally p_value
    BASELINE_COMPARISON = "baseline_comparison"
    BUDGET_CURVE = "budget_curve"  # CSV: profit vs budget
    RESULT = "result"  # JSON of a simulate / compare result
    RESULT_TABLE = "result_table"  # CSV of it
    ORDERS = "orders"  # CSV: one row per order
    COMPARISON = "comparison"  # JSON of a strategy comparison
    COMPARISON_TABLE = "comparison_table"  # CSV of it
    FIGURE = "figure"  # PNG (the SVG twin is FIGURE_SVG)
    FIGURE_SVG = "figure_svg"
    REPORT = "report"  # self-contained HTML


#: File names (shell patterns) the commands write at the top of an output folder: ``run`` and
#: ``optimize`` (sweep, curves, plan, verification, budget curve), ``simulate`` (result),
#: ``compare`` (comparison and its figures). A test keeps the list true for ``run``.
OUTPUT_NAMES: tuple[str, ...] = (
    "sweep.parquet",
    "sweep.csv",
    "sweep.summary.json",
    "cost_vs_service.png",
    "cost_vs_service.svg",
    "revenue_cost_profit.png",
    "revenue_cost_profit.svg",
    "frontier.csv",
    "profit_curves.csv",
    "optimum.csv",
    "profit_vs_budget.png",
    "profit_vs_budget.svg",
    "profit_vs_budget.csv",
    "plan.json",
    "plan.csv",
    "plan_scenario_overrides.json",
    "verification.csv",
    "baseline_comparison.csv",
    "result.json",
    "result.csv",
    "comparison.csv",
    "comparison.json",
    "compare_*.png",
    "compare_*.svg",
)


class ArtifactError(ValueError):
    """An output folder or its manifest cannot be used; the message says why."""


def is_output_name(name: str) -> bool:
    """Whether ``name`` is one Tierwise writes into an output folder (:data:`OUTPUT_NAMES`)."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in OUTPUT_NAMES)


class FileEntry(BaseModel):
    """One file of an output folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: str
    description: str = ""
    bytes: int
    sha256: str


class Manifest(BaseModel):
    """What a folder holds and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = 1
    run_id: str
    command: str
    tierwise_version: str
    created_utc: str
    scenario_path: str | None = None
    scenario_name: str | None = None
    scenario_hash: str | None = None
    inputs: dict[str, str] = {}
    files: list[FileEntry] = []

    def find(self, kind: str) -> list[FileEntry]:
        """Entries of ``kind``, in the order they were written."""
        return [f for f in self.files if f.kind == kind]

    def path_of(self, folder: str | Path, kind: str) -> Path | None:
        """Path of the first file of ``kind`` in ``folder``, or ``None``."""
        found = self.find(kind)
        return Path(folder) / found[0].name if found else None


def _plain(value: Any) -> Any:
    """JSON-ready value: NaN and ±inf become ``None``, numpy scalars Python numbers."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def json_text(value: Any) -> str:
    """Indented JSON with ``null`` for NaN/inf (never a bare ``NaN``), ending in a newline."""
    return json.dumps(_plain(value), indent=2, allow_nan=False) + "\n"


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command line of this process, shell-quoted: ``tierwise run default --quick``.

    ``python -m tierwise`` and the ``tierwise`` script are both written as ``tierwise``.
    """
    args = list(sys.argv if argv is None else argv)
    if not args:
        return ""
    program = Path(args[0]).name
    if program in ("__main__.py", "tierwise"):
        program = "tierwise"
    return shlex.join([program, *args[1:]])


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: str | Path) -> Manifest | None:
    """The manifest of ``folder``, or ``None`` if it has none.

    Raises
    ------
    ArtifactError
        If the manifest exists but is not valid JSON or not a manifest.
    """
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ArtifactError(f"{path}: not a Tierwise manifest ({where}: {first['msg']})") from None


def add_to_manifest(path: str | Path, kind: str, description: str = "") -> Manifest | None:
    """Record a file written later into an output folder (``tierwise report`` writing
    ``report.html`` into a run folder) in that folder's manifest, so the next run there clears
    it with the rest.

    Parameters
    ----------
    path : str or Path
        The file, already written, directly inside a folder with a manifest.
    kind, description : str
        Its kind (:class:`Kind`) and a description.

    Returns
    -------
    Manifest or None
        The updated manifest (written atomically); ``None`` when the folder has none (nothing
        is written then).

    Raises
    ------
    ArtifactError
        If the folder's manifest exists but cannot be read.
    """
    target = Path(path)
    manifest = read_manifest(target.parent)
    if manifest is None:
        return None
    entry = FileEntry(
        name=target.name,
        kind=kind,
        description=description,
        bytes=target.stat().st_size,
        sha256=_digest(target),
    )
    files = [f for f in manifest.files if f.name != target.name] + [entry]
    updated = manifest.model_copy(update={"files": files})
    write_text(target.parent / MANIFEST_NAME, updated.model_dump_json(indent=2) + "\n")
    return updated


def _listed(folder: Path) -> set[str]:
    """Names the folder's manifest lists (empty without a readable manifest)."""
    try:
        manifest = read_manifest(folder)
    except ArtifactError as exc:
        logger.warning("%s; treating the folder as having no manifest", exc)
        return set()
    return set() if manifest is None else {f.name for f in manifest.files}


def unlisted_outputs(folder: str | Path) -> list[Path]:
    """Files at the top of ``folder`` named like Tierwise outputs that its manifest does not
    list (every such file when it has none), sorted by name."""
    path = Path(folder)
    if not path.is_dir():
        return []
    listed = _listed(path)
    return sorted(
        p for p in path.iterdir() if p.is_file() and is_output_name(p.name) and p.name not in listed
    )


def check_output_folder(path: str | Path, overwrite: bool = False) -> None:
    """Refuse an output folder before any work; nothing is created or removed.

    Parameters
    ----------
    path : str or Path
        The folder (it need not exist).
    overwrite : bool
        Accept a folder holding outputs no manifest lists (they will be removed).

    Raises
    ------
    ArtifactError
        ``path`` or one of its parents is an existing file, or the folder holds outputs of
        another run that no manifest lists and ``overwrite`` is false.
    """
    folder = Path(path)
    for part in (folder, *folder.parents):
        if part.exists() and not part.is_dir():
            raise ArtifactError(f"{part} exists and is not a folder; choose a folder path")
    foreign = unlisted_outputs(folder)
    if foreign and not overwrite:
        shown = ", ".join(p.name for p in foreign[:6]) + (" …" if len(foreign) > 6 else "")
        raise ArtifactError(
            f"{folder} holds outputs of another run that no manifest lists ({shown}); "
            "use an empty folder or --overwrite (which removes them)"
        )


def write_table(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write a table atomically: ``.csv`` as CSV, ``.parquet`` as Parquet (by the suffix).

    Raises
    ------
    ArtifactError
        Any other suffix.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ArtifactError(f"table {target.name!r}: use a .csv or .parquet name")
    with atomic_path(target) as temp:
        if suffix == ".csv":
            frame.to_csv(temp, index=False)
        else:
            frame.to_parquet(temp, index=False)
    return target


class OutputFolder:
    """A folder being written by one command.

    Used as a context manager, the manifest is written on the way out even when the command
    fails half-way, so a later run still knows which files to clear.

    Parameters
    ----------
    path : str or Path
        The folder (created if missing). Must not be an existing file.
    command : str, optional
        The command line; default :func:`command_line` (this process's, as ``tierwise ...``).
    scenario_path : str or Path, optional
        Scenario the outputs describe.
    scenario_name, scenario_hash : str, optional
        Its name and content hash (sha256 of the canonical scenario).
    inputs : mapping, optional
        Other inputs by role (``{"strategies": "scenarios/strategies/default.yaml"}``).
    overwrite : bool
        Remove outputs of another run that no manifest lists instead of refusing the folder.

    Raises
    ------
    ArtifactError
        As :func:`check_output_folder`.
    """

    def __init__(
        self,
        path: str | Path,
        command: str | None = None,
        scenario_path: str | Path | None = None,
        scenario_name: str | None = None,
        scenario_hash: str | None = None,
        inputs: Mapping[str, str | Path] | None = None,
        overwrite: bool = False,
    ) -> None:
        self.path = Path(path)
        check_output_folder(self.path, overwrite)
        self.path.mkdir(parents=True, exist_ok=True)
        self._clear_previous_run()
        self.run_id = uuid.uuid4().hex[:12]
        self.command = command if command is not None else command_line()
        self.scenario_path = None if scenario_path is None else str(scenario_path)
        self.scenario_name = scenario_name
        self.scenario_hash = scenario_hash
        self.inputs = {k: str(v) for k, v in (inputs or {}).items()}
        self._entries: dict[str, FileEntry] = {}
        self._finished: Manifest | None = None

    def _clear_previous_run(self) -> None:
        """Remove the files of the earlier run: those its manifest lists, then (only reached
        with ``overwrite``, :func:`check_output_folder` refuses otherwise) unlisted outputs."""
        unlisted = unlisted_outputs(self.path)
        try:
            previous = read_manifest(self.path)
        except ArtifactError:
            previous = None
        for entry in previous.files if previous is not None else []:
            stale = self.path / entry.name
            if stale.is_file():
                stale.unlink()
        for stale in unlisted:
            stale.unlink(missing_ok=True)
        (self.path / MANIFEST_NAME).unlink(missing_ok=True)
        if previous is not None:
            logger.info(
                "cleared %d files of run %s in %s", len(previous.files), previous.run_id, self.path
            )
        if unlisted:
            logger.info("removed %d unlisted outputs in %s (overwrite)", len(unlisted), self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Write the manifest if :meth:`finish` was not called (the command failed)."""
        if self._finished is None:
            self.finish()

    @property
    def files(self) -> list[Path]:
        """Paths written so far, in order."""
        return [self.path / name for name in self._entries]

    def _name(self, name: str) -> Path:
        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts or name == MANIFEST_NAME:
            raise ArtifactError(f"output file name {name!r} must be a plain relative name")
        return self.path / relative

    def record(self, path: str | Path, kind: str, description: str = "") -> Path:
        """Add a file already written into the folder (atomically) by other code."""
        target = Path(path)
        name = target.relative_to(self.path).as_posix()
        self._entries[name] = FileEntry(
            name=name,
            kind=kind,
            description=description,
            bytes=target.stat().st_size,
            sha256=_digest(target),
        )
        return target

    def write_text(self, name: str, text: str, kind: str, description: str = "") -> Path:
        """Write a text file (UTF-8)."""
        target = write_text(self._name(name), text)
        return self.record(target, kind, description)

    def write_json(self, name: str, value: Any, kind: str, description: str = "") -> Path:
        """Write JSON (NaN as ``null``)."""
        return self.write_text(name, json_text(value), kind, description)

    def write_frame(self, name: str, frame: pd.DataFrame, kind: str, description: str = "") -> Path:
        """Write a table: ``.csv`` as CSV, ``.parquet`` as Parquet (by the name's suffix)."""
        target = write_table(self._name(name), frame)
        return self.record(target, kind, description)

    def write_figure(
        self, stem: str, fig: Figure, description: str = "", tight: bool = True
    ) -> list[Path]:
        """Write a figure as ``stem.png`` (kind ``figure``) and ``stem.svg`` (``figure_svg``).

        ``tight=False`` keeps the figure's own size (:func:`tierwise.figures.files.save_figure`).
        """
        from tierwise.figures.files import save_figure

        png, svg = save_figure(fig, self.path, stem, tight=tight)
        return [
            self.record(png, Kind.FIGURE, description),
            self.record(svg, Kind.FIGURE_SVG, description),
        ]

    def manifest(self) -> Manifest:
        """The manifest as it stands."""
        return Manifest(
            run_id=self.run_id,
            command=self.command,
            tierwise_version=__version__,
            created_utc=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            scenario_path=self.scenario_path,
            scenario_name=self.scenario_name,
            scenario_hash=self.scenario_hash,
            inputs=self.inputs,
            files=list(self._entries.values()),
        )

    def finish(self) -> Manifest:
        """Write ``manifest.json`` (atomically) and return it."""
        manifest = self.manifest()
        write_text(self.path / MANIFEST_NAME, manifest.model_dump_json(indent=2) + "\n")
        self._finished = manifest
        return manifest

    def written(self, kinds: Sequence[str] | None = None) -> list[Path]:
        """Paths written, optionally only of the given kinds."""
        return [
            self.path / e.name for e in self._entries.values() if kinds is None or e.kind in kinds
        ]
