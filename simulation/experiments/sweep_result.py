"""What a sweep returns: the table of every variant × replication, and its summary.

The table has one row per variant × replication, sorted by (variant order, replication),
with columns

``variant_id``, ``replication``, ``scenario_hash``, ``seed``
    identity of the run;
``param.<dotted path>``
    the variant's value of every axis;
every metric of :meth:`tierwise.simulation.engine.results.RunResult.flat`
    ``A.perfect_order_rate`` (fraction), ``A.cost_per_day_usd`` (USD/day),
    ``utilisation.pickers`` (fraction), ``cost.holding_usd_per_day`` …;
``error``
    ``""`` for a good run, else the message (the metrics are then NaN).

:meth:`SweepResult.save` writes it as Parquet (and CSV) with a JSON summary, each file
atomically (:mod:`tierwise.common.atomic`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tierwise.common.atomic import atomic_path, write_text
from tierwise.simulation.experiments.sweep_spec import SweepPlan
from tierwise.simulation.experiments.tasks import Outcome

if TYPE_CHECKING:
    from tierwise.simulation.experiments.screening import ScreenedVariant

__all__ = ["JobKey", "SweepResult", "param_cell_text", "param_cell_value", "sweep_table"]

#: A run of a sweep: (variant index, replication).
JobKey = tuple[int, int]


@dataclass(frozen=True)
class SweepResult:
    """Outcome of :func:`run_sweep`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant × replication (see the module docstring).
    plan : SweepPlan
        The expanded spec.
    executed : int
        Runs simulated by this call.
    cached : int
        Runs read from the cache.
    screened_out : tuple of ScreenedVariant
        Variants that screening removed (not in ``table``), with reasons.
    screening_notes : tuple of str
        Screening rules that could not be applied, and why.
    elapsed_s : float
        Wall-clock time, seconds.
    backend : str
        ``processes`` or ``dask``.
    workers : int
        Workers requested.
    """

    table: pd.DataFrame
    plan: SweepPlan
    executed: int
    cached: int
    screened_out: tuple[ScreenedVariant, ...] = ()
    screening_notes: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    backend: str = "processes"
    workers: int = 1

    @property
    def failures(self) -> pd.DataFrame:
        """Failed runs: ``variant_id``, ``replication``, the ``param.*`` columns and ``error``."""
        params = [c for c in self.table.columns if str(c).startswith("param.")]
        bad = self.table.loc[
            self.table["error"] != "", ["variant_id", "replication", *params, "error"]
        ]
        return bad.reset_index(drop=True)

    @property
    def failed_variants(self) -> list[str]:
        """Ids of variants with at least one failed run, in design order."""
        return list(dict.fromkeys(self.failures["variant_id"].tolist()))

    @property
    def runs_saved_by_screening(self) -> int:
        """Runs not simulated because their variant was screened out (initial replications)."""
        return len(self.screened_out) * self.plan.replications

    def summary(self) -> dict[str, Any]:
        """JSON-able summary: counts, failures and screened-out variants."""
        failures = self.failures
        return {
            "sweep": self.plan.name,
            "spec": self.plan.source,
            "variants": len(self.plan.variants),
            "variants_simulated": int(self.table["variant_id"].nunique()),
            "runs": len(self.table),
            "runs_executed": self.executed,
            "runs_from_cache": self.cached,
            "runs_failed": len(failures),
            "variants_screened_out": len(self.screened_out),
            "runs_saved_by_screening": self.runs_saved_by_screening,
            "elapsed_s": round(self.elapsed_s, 3),
            "backend": self.backend,
            "workers": self.workers,
            "failures": [
                {"variant_id": str(vid), "replication": int(rep), "error": str(err)}
                for vid, rep, err in zip(
                    failures["variant_id"], failures["replication"], failures["error"], strict=True
                )
            ],
            "screened_out": [
                {
                    "variant_id": s.variant_id,
                    "params": dict(s.params),
                    "rule": s.rule,
                    "reason": s.reason,
                    "dominated_by": s.dominated_by,
                }
                for s in self.screened_out
            ],
            "screening_notes": list(self.screening_notes),
            "notes": list(self.plan.notes),
        }

    def save(self, path: str | Path, csv: bool = False) -> list[Path]:
        """Write the table as Parquet (and CSV), plus ``<stem>.summary.json``; atomically.

        Parameters
        ----------
        path : str or Path
            Parquet file, e.g. ``out/sweep.parquet``; its folder is created.
        csv : bool
            Also write ``<stem>.csv`` next to it.

        Returns
        -------
        list of Path
            The files written.
        """
        target = Path(path)
        written = [target]
        with atomic_path(target) as temp:
            self.table.to_parquet(temp, index=False)
        if csv:
            csv_path = target.with_suffix(".csv")
            with atomic_path(csv_path) as temp:
                self.table.to_csv(temp, index=False)
            written.append(csv_path)
        summary_path = target.with_name(target.stem + ".summary.json")
        write_text(summary_path, json.dumps(self.summary(), indent=2, default=str))
        written.append(summary_path)
        return written


def _param_column(values: list[Any]) -> pd.Series:
    """One ``param.*`` column with a Parquet-friendly type (JSON text for mixed values)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return pd.Series(values, dtype=bool)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if present and numeric:
        if all(isinstance(v, int) for v in present) and len(present) == len(values):
            return pd.Series(values, dtype="int64")
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if all(isinstance(v, str) for v in present):
        return pd.Series(values, dtype="str")
    return pd.Series([None if v is None else param_cell_text(v) for v in values], dtype="str")


def param_cell_text(value: Any) -> str:
    """How a ``param.*`` column of mixed or non-scalar values stores a setting: JSON text."""
    return json.dumps(value, sort_keys=True, default=str)


def param_cell_value(cell: Any) -> Any:
    """A ``param.*`` cell as the setting it records (the inverse of the table's encoding):
    numpy scalars → Python scalars, JSON text of a list or mapping (e.g. a set of cut-off
    hours) → the value; anything else as it is."""
    if hasattr(cell, "item"):
        return cell.item()
    if isinstance(cell, str) and cell[:1] in ("[", "{"):
        try:
            return json.loads(cell)
        except ValueError:
            return cell
    return cell


def sweep_table(plan: SweepPlan, rows: Mapping[JobKey, Outcome]) -> pd.DataFrame:
    """The sweep table (see the module docstring), rows sorted by (variant order, replication).

    Parameters
    ----------
    plan : SweepPlan
        The expanded spec (variants, their parameters).
    rows : mapping
        ``(variant index, replication) → (flat metrics or None, error message)``.
    """

    keys = sorted(rows)
    by_index = {v.index: v for v in plan.variants}
    metrics: dict[str, None] = {}
    for key in keys:
        flat = rows[key][0]
        if flat is not None:
            metrics.update(dict.fromkeys(flat))
    variants = [by_index[i] for i, _ in keys]
    columns: dict[str, Any] = {
        "variant_id": pd.Series([v.variant_id for v in variants], dtype="str"),
        "replication": pd.Series([r for _, r in keys], dtype="int64"),
        "scenario_hash": pd.Series([v.scenario.content_hash for v in variants], dtype="str"),
        "seed": pd.Series([v.scenario.seed for v in variants], dtype="int64"),
    }
    for path in plan.param_paths:
        columns[f"param.{path}"] = _param_column([v.params.get(path) for v in variants])
    matrix = np.full((len(keys), len(metrics)), np.nan)
    for i, key in enumerate(keys):
        flat = rows[key][0]
        if flat is not None:
            for j, name in enumerate(metrics):
                matrix[i, j] = flat.get(name, math.nan)
    for j, name in enumerate(metrics):
        columns[name] = pd.Series(matrix[:, j], dtype="float64")
    columns["error"] = pd.Series([rows[k][1] for k in keys], dtype="str")
    return pd.DataFrame(columns)
