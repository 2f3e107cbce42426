"""Variants named by their decisions: ``"desk agents 8, pickers 13"`` instead of a hash id.

A sweep table carries the value of every swept parameter of a variant in a ``param.<dotted
path>`` column. The decisions are the parameters that differ between variants (an axis with
one value, such as a fixed horizon, is the same for all and says nothing about a variant).

:mod:`tierwise.optimization.planning.words` says the same decisions as a planner would:
``"14 desk agents, 9 pickers, express shipping"`` (the plan, the report's executive summary).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from tierwise.optimization.planning.words import decision_phrase
from tierwise.simulation.experiments.sweep_result import param_cell_value

__all__ = ["decision_columns", "decision_label"]

_PARAM_PREFIX = "param."


def _missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def decision_columns(frames: Iterable[pd.DataFrame]) -> list[str]:
    """``param.*`` columns whose value differs between the variants of ``frames``.

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        Tables with one row per variant (frontiers, curves) of the same sweep.

    Returns
    -------
    list of str
        In column order of the first frame that has them. When no column varies (one
        variant), every ``param.*`` column.
    """
    tables = [f for f in frames if not f.empty]
    if not tables:
        return []
    every: list[str] = []
    for frame in tables:
        every += [c for c in frame.columns if str(c).startswith(_PARAM_PREFIX) and c not in every]
    joined = pd.concat([f[[c for c in every if c in f.columns]] for f in tables])
    varying = [c for c in every if joined[c].dropna().nunique() > 1]
    return varying or every


def decision_label(
    row: Mapping[str, Any] | pd.Series, columns: Sequence[str], width: int | None = None
) -> str:
    """``"desk agents 8, pickers 13"``: the values of ``columns`` in ``row`` with short names.

    Parameters
    ----------
    row : mapping or pandas.Series
        One variant's row.
    columns : sequence of str
        ``param.*`` columns to name (see :func:`decision_columns`).
    width : int, optional
        Break the label into lines of at most about ``width`` characters, only after a comma
        (a name stays with its value).

    Returns
    -------
    str
        Empty when ``row`` has none of ``columns``.
    """
    parts = [
        decision_phrase(c, param_cell_value(row[c]))
        for c in columns
        if c in row and row[c] is not None and not _missing(row[c])
    ]
    if width is None:
        return ", ".join(parts)
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += ", " + part
        else:
            lines.append(part)
    return ",\n".join(lines)
