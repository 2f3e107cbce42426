"""Variants named by their decisions: ``"desk agents 8, pickers 13"`` instead of a hash id.

A sweep table carries the value of every swept parameter of a variant in a ``param.<dotted
path>`` column. The decisions are the parameters that differ between variants (an axis with
one value, such as a fixed horizon, is the same for all and says nothing about a variant).

:func:`decision_phrase` and :func:`plan_in_words` say the same decisions as a planner would:
``"14 desk agents, 9 pickers, express shipping"`` (the report's executive summary, notebooks).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from tierwise.common.formatting import compact

__all__ = [
    "SETTINGS",
    "decision_columns",
    "decision_label",
    "decision_phrase",
    "parameter_name",
    "plan_in_words",
]

_PARAM_PREFIX = "param."

#: Parameters that set how a run is simulated, not what is decided (left out of a plan's words).
SETTINGS = frozenset({"horizon_days", "warmup_days", "drain_days", "replications", "seed"})


def _words(name: str) -> str:
    return name.replace("_", " ")


def _clock(value: Any) -> str:
    """``16`` → ``16:00``, ``17.5`` → ``17:30`` (hours of the day)."""
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return str(value)
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole:02d}:{minutes:02d}"


def _times(value: Any) -> str:
    values = value if isinstance(value, list | tuple) else [value]
    return " and ".join(_clock(v) for v in values)


def _count(value: Any, shown: str, noun: str) -> str:
    """``1 picker`` / ``11 pickers`` (``noun`` is the plural)."""
    return f"{shown} {noun[:-1] if value == 1 else noun}"


def decision_phrase(path: str, value: Any) -> str:
    """One decision in plain words.

    Parameters
    ----------
    path : str
        Dotted scenario field (``param.`` prefix allowed), e.g. ``"picking.pickers"``.
    value : Any
        Its value in the plan.

    Returns
    -------
    str
        ``"7 desk agents"``, ``"11 pickers"``, ``"6 vehicles in the regional fleet"``,
        ``"express shipping"``, ``"regional cut-off 16:00"``, ``"reorder point 120 (fast
        stock)"``; any other field as ``"<last two parts> <value>"``.
    """
    parts = path.removeprefix(_PARAM_PREFIX).split(".")
    shown = compact(value) if isinstance(value, int | float) else str(value)
    match parts:
        case ["order_entry", "pools", pool, "agents"]:
            if pool == "desk":
                return _count(value, shown, "desk agents")
            return f"{_count(value, shown, 'agents')} at {_words(pool)}"
        case ["picking", "pickers"]:
            return _count(value, shown, "pickers")
        case ["shipping", "modes", mode, "vehicles"]:
            return f"{_count(value, shown, 'vehicles')} in the {_words(mode)} fleet"
        case ["shipping", "modes", mode, "cutoff_hours"]:
            return f"{_words(mode)} cut-off {_times(value)}"
        case ["tiers", _, "shipping_mode"]:
            return f"{_words(str(value))} shipping"
        case ["tiers", _, "order_entry_pool"]:
            return f"calls taken at {_words(str(value))}"
        case ["tiers", _, "priority"]:
            return f"desk priority {shown}" + (" (answered first)" if value == 0 else "")
        case ["recovery", "own_team_agents"]:
            return _count(value, shown, "recovery agents")
        case ["recovery", "desk"]:
            return f"complaints handled by the {_words(str(value))} desk"
        case ["inventory", "families", family, *rest] if rest:
            return f"{_words(rest[-1])} {shown} ({_words(family)} stock)"
    return f"{parameter_name(path)} {shown}"


def plan_in_words(params: Mapping[str, Any]) -> str:
    """A plan's (or variant's) decisions in words, simulation settings left out.

    ``{"order_entry.pools.desk.agents": 7, "picking.pickers": 11, "horizon_days": 10}`` →
    ``"7 desk agents, 11 pickers"``; ``""`` when there is no decision.
    """
    return ", ".join(
        decision_phrase(path, value)
        for path, value in params.items()
        if path.removeprefix(_PARAM_PREFIX) not in SETTINGS and value is not None
    )


def parameter_name(column: str) -> str:
    """Short name of a parameter column: its last two path parts, ``_`` as a space.

    ``"param.order_entry.pools.desk.agents"`` → ``"desk agents"``,
    ``"param.shipping.modes.regional.vehicles"`` → ``"regional vehicles"``. A second-to-last
    part that only repeats the stem of the last is dropped: ``"param.picking.pickers"`` →
    ``"pickers"``.
    """
    parts = column.removeprefix(_PARAM_PREFIX).split(".")
    tail = parts[-2:]
    if len(tail) == 2 and tail[0][:4].lower() == tail[1][:4].lower():
        tail = tail[1:]
    return " ".join(tail).replace("_", " ")


def _missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _cell(value: Any) -> Any:
    """A table cell as the setting: numpy scalars as Python ones, JSON text (how a sweep
    table stores a list such as cut-off hours) decoded."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


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
        decision_phrase(c, _cell(row[c]))
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
