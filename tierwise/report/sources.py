"""Reading a ``tierwise run`` or ``tierwise compare`` output folder for the report.

Files are found by kind through the folder's manifest (:func:`tierwise.artifacts.read_manifest`).
A folder written by an older Tierwise has no manifest; its files are then found under the fixed
names those versions wrote (:data:`LEGACY_NAMES`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from tierwise.artifacts import ArtifactError, Kind, Manifest, read_manifest

__all__ = [
    "LEGACY_NAMES",
    "Folder",
    "ReportError",
    "ReportKind",
    "RunFiles",
    "detect_kind",
    "modified",
    "read_comparison",
]

ReportKind = Literal["run", "compare"]


class ReportError(ValueError):
    """The source directory or the scenario cannot make a report; the message says why."""


#: File of each kind in a folder without a manifest (what ``tierwise run`` / ``compare`` wrote
#: before manifests); also the names the report's notes use for a missing file.
LEGACY_NAMES: dict[Kind, str] = {
    Kind.SWEEP_SUMMARY: "sweep.summary.json",
    Kind.SWEEP_TABLE: "sweep.parquet",
    Kind.FRONTIER: "frontier.csv",
    Kind.OPTIMUM: "optimum.csv",
    Kind.PLAN: "plan.json",
    Kind.PLAN_OVERRIDES: "plan_scenario_overrides.json",
    Kind.VERIFICATION: "verification.csv",
    Kind.BASELINE_COMPARISON: "baseline_comparison.csv",
    Kind.COMPARISON: "comparison.json",
}

_RUN_KINDS = (Kind.PLAN, Kind.OPTIMUM, Kind.SWEEP_SUMMARY)
_COMPARE_KINDS = (Kind.COMPARISON,)


@dataclass(frozen=True)
class Folder:
    """An output folder and its manifest (``None`` for a folder of an older version)."""

    path: Path
    manifest: Manifest | None

    @classmethod
    def open(cls, path: Path) -> Folder:
        """The folder at ``path`` with its manifest, if any.

        Raises
        ------
        ReportError
            If the manifest exists but cannot be read.
        """
        try:
            return cls(path, read_manifest(path))
        except ArtifactError as exc:
            raise ReportError(str(exc)) from None

    def file(self, kind: Kind) -> Path | None:
        """The file of ``kind``: as listed in the manifest, else under its legacy name.

        ``None`` when the manifest lists no such file; a legacy path may not exist.
        """
        if self.manifest is not None:
            return self.manifest.path_of(self.path, kind)
        return self.path / LEGACY_NAMES[kind]

    def has(self, kind: Kind) -> bool:
        """Whether the file of ``kind`` exists."""
        path = self.file(kind)
        return path is not None and path.is_file()

    def figures(self) -> list[Path]:
        """The PNG figures: those the manifest lists, else every ``*.png`` in the folder."""
        if self.manifest is not None:
            return [self.path / f.name for f in self.manifest.find(Kind.FIGURE)]
        return sorted(self.path.glob("*.png"))

    def figure(self, stem: str) -> Path | None:
        """The PNG figure named ``stem``; ``None`` when the folder has none."""
        found = [p for p in self.figures() if p.stem == stem]
        return found[0] if found else None


def detect_kind(source: Path) -> ReportKind:
    """Whether ``source`` is a ``tierwise run`` or a ``tierwise compare`` output directory.

    A compare directory holds a comparison (``comparison.json``); a run directory a plan
    (``plan.json``) or, when the plan step did not finish, the optimum or the sweep summary.
    The manifest says which files there are; a folder without one is judged by file names.

    Raises
    ------
    ReportError
        If ``source`` is not a directory, holds neither kind of output, or both.
    """
    if not source.exists():
        raise ReportError(f"{source}: no such directory")
    if not source.is_dir():
        raise ReportError(
            f"{source} is a file; give the output directory of `tierwise run` or `tierwise compare`"
        )
    folder = Folder.open(source)
    is_run = any(folder.has(kind) for kind in _RUN_KINDS)
    is_compare = any(folder.has(kind) for kind in _COMPARE_KINDS)
    if is_run and is_compare:
        raise ReportError(
            f"{source} holds the output of both `tierwise run` (plan.json) and `tierwise "
            "compare` (comparison.json); write them to separate directories"
        )
    if is_run:
        return "run"
    if is_compare:
        return "compare"
    raise ReportError(
        f"{source} is neither a run nor a compare output directory: expected plan.json "
        "(from `tierwise run`) or comparison.json (from `tierwise compare`)"
    )


def _read_json(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path} cannot be read as JSON: {exc}") from None


def _read_object(path: Path | None) -> dict[str, Any] | None:
    document = _read_json(path)
    if document is not None and not isinstance(document, dict):
        raise ReportError(f"{path}: expected a JSON object")
    return document


def _read_csv(path: Path | None) -> pd.DataFrame | None:
    if path is None or not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ReportError(f"{path} cannot be read as CSV: {exc}") from None


def _read_parquet(path: Path | None) -> pd.DataFrame | None:
    if path is None or not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a torn or foreign file
        raise ReportError(f"{path} cannot be read as Parquet: {exc}") from None


def modified(path: Path | None) -> str:
    """``2024-05-01 14:03 UTC``: when ``path`` was last written; ``—`` if it does not exist."""
    if path is None or not path.exists():
        return "—"
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def _python(value: Any) -> Any:
    """numpy scalars → Python numbers (so overrides validate like YAML values)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


@dataclass
class RunFiles:
    """What a run folder holds (``None`` for a file that was not written)."""

    folder: Folder
    summary: dict[str, Any] | None
    sweep: pd.DataFrame | None
    frontier: pd.DataFrame | None
    optimum: pd.DataFrame | None
    plan: dict[str, Any] | None
    verification: pd.DataFrame | None
    plan_overrides: dict[str, Any] | None
    baseline: pd.DataFrame | None = None

    @classmethod
    def read(cls, source: Path) -> RunFiles:
        """Read every file of the run folder ``source``.

        Raises
        ------
        ReportError
            If a file exists but cannot be read, or a JSON file is not an object.
        """
        folder = Folder.open(source)
        return cls(
            folder=folder,
            summary=_read_object(folder.file(Kind.SWEEP_SUMMARY)),
            sweep=_read_parquet(folder.file(Kind.SWEEP_TABLE)),
            frontier=_read_csv(folder.file(Kind.FRONTIER)),
            optimum=_read_csv(folder.file(Kind.OPTIMUM)),
            plan=_read_object(folder.file(Kind.PLAN)),
            verification=_read_csv(folder.file(Kind.VERIFICATION)),
            plan_overrides=_read_object(folder.file(Kind.PLAN_OVERRIDES)),
            baseline=_read_csv(folder.file(Kind.BASELINE_COMPARISON)),
        )

    @property
    def source(self) -> Path:
        """The run folder."""
        return self.folder.path

    def results_file(self) -> Path | None:
        """The file whose time the report shows as the results' date: the plan, else the
        sweep summary."""
        plan = self.folder.file(Kind.PLAN)
        if plan is not None and plan.exists():
            return plan
        return self.folder.file(Kind.SWEEP_SUMMARY)

    def params(self) -> dict[str, list[Any]]:
        """Swept and fixed scenario fields of the sweep: ``path → sorted distinct values``."""
        if self.sweep is None:
            return {}
        result: dict[str, list[Any]] = {}
        for column in self.sweep.columns:
            if str(column).startswith("param."):
                values = {_python(v) for v in self.sweep[column].dropna().unique()}
                result[str(column)[6:]] = sorted(values, key=lambda v: (str(type(v)), v))
        return result

    def recorded_hash(self) -> tuple[str, list[tuple[str, Any]]] | None:
        """Hash of the first sweep variant and the overrides that made it, if recorded."""
        sweep = self.sweep
        if sweep is None or sweep.empty or "scenario_hash" not in sweep.columns:
            return None
        row = sweep.iloc[0]
        overrides = [
            (str(c)[6:], _python(row[c]))
            for c in sweep.columns
            if str(c).startswith("param.") and not pd.isna(row[c])
        ]
        return str(row["scenario_hash"]), overrides

    def replications(self) -> int | None:
        """Replications per sweep variant (the largest count)."""
        sweep = self.sweep
        if sweep is None or sweep.empty or "variant_id" not in sweep.columns:
            return None
        return int(sweep.groupby("variant_id").size().max())

    def seed(self) -> int | None:
        """The sweep's base seed."""
        sweep = self.sweep
        if sweep is None or sweep.empty or "seed" not in sweep.columns:
            return None
        return int(sweep["seed"].iloc[0])

    def metric(self) -> str:
        """The service metric the optimum was chosen by (``service`` when not recorded)."""
        if self.optimum is not None and "metric" in self.optimum.columns:
            values = self.optimum["metric"].dropna().unique()
            if len(values) == 1:
                return str(values[0])
        return "service"


def read_comparison(folder: Folder) -> tuple[Path, dict[str, Any]]:
    """The comparison file of a compare folder and its document.

    Raises
    ------
    ReportError
        If it cannot be read or is not a comparison written by ``tierwise compare``.
    """
    path = folder.file(Kind.COMPARISON) or folder.path / LEGACY_NAMES[Kind.COMPARISON]
    document = _read_json(path)
    if not isinstance(document, dict) or "differences" not in document:
        raise ReportError(f"{path} is not a comparison written by `tierwise compare`")
    return path, document
