"""Parts shared by the run and the compare page: labels, figures, the header, the glossary.

Metric names, labels, units and definitions come from the registry
(:mod:`tierwise.simulation.metrics`); numbers are formatted by :mod:`tierwise.common.formatting`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tierwise.common.formatting import compact
from tierwise.report.blocks import (
    Block,
    Cell,
    Column,
    DefinitionList,
    Figure,
    Paragraph,
    as_rich,
    code,
    rich,
    strong,
    styled,
    table,
)
from tierwise.report.scenario_source import AssumedScenario
from tierwise.report.sources import ReportKind, modified
from tierwise.simulation.metrics import METRICS
from tierwise.simulation.version import __version__

__all__ = [
    "figure",
    "glossary",
    "header_facts",
    "metric_label",
    "resource_label",
    "short",
    "unit_label",
]

_TRUNCATE = 90


def metric_label(metric: str) -> str:
    """The registry's plain label (``Perfect order rate``); an unregistered name with its
    underscores as spaces."""
    found = METRICS.get(metric)
    return found.label if found is not None else metric.replace("_", " ")


def unit_label(unit: str) -> str:
    """A unit as a table shows it: ``%`` for a rate, else the unit itself."""
    return "%" if unit == "rate" else unit


def resource_label(path: str) -> str:
    """``order_entry.pools.desk.agents`` → ``agents, pool desk``."""
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["order_entry", "pools"]:
        return f"agents, pool {parts[2]}"
    if len(parts) == 4 and parts[:2] == ["shipping", "modes"]:
        return f"{parts[3]}, mode {parts[2]}"
    if path == "picking.pickers":
        return "pickers"
    if path == "recovery.own_team_agents":
        return "recovery team agents"
    return path


def short(value: Any) -> str:
    """Compact one-line text of a (YAML-like) value, truncated to 90 characters."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = compact(value)
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, default=str, separators=(", ", ": "))
    else:
        text = str(value)
    return text if len(text) <= _TRUNCATE else text[: _TRUNCATE - 1] + "…"


def _png_css_width(raw: bytes) -> int:
    """Width in CSS pixels (96 per inch) from the PNG's size and resolution; 0 if unknown."""
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or len(raw) < 24:
        return 0
    width = int.from_bytes(raw[16:20], "big")
    dpi = 96.0
    position = 8
    while position + 8 <= len(raw):
        length = int.from_bytes(raw[position : position + 4], "big")
        kind = raw[position + 4 : position + 8]
        if kind == b"pHYs" and length == 9:
            chunk = raw[position + 8 : position + 17]
            per_metre = int.from_bytes(chunk[:4], "big")
            if chunk[8] == 1 and per_metre > 0:
                dpi = per_metre * 0.0254
            break
        if kind in (b"IDAT", b"IEND"):
            break
        position += 12 + length
    return round(width * 96.0 / dpi)


def figure(path: Path | None, caption: str, name: str = "") -> Block:
    """The PNG at ``path`` to embed, or a note that ``name`` (default: the path's name) is
    missing."""
    if path is None or not path.is_file():
        missing = name or (path.name if path is not None else "the figure")
        return Paragraph(rich(f"({missing} was not produced.)"), "note")
    raw = path.read_bytes()
    return Figure(base64.b64encode(raw).decode("ascii"), caption, _png_css_width(raw))


def header_facts(
    kind: ReportKind,
    source: Path,
    assumed: AssumedScenario,
    facts: Sequence[tuple[str, Cell]],
    results_file: Path | None,
    now: dt.datetime,
) -> DefinitionList:
    """Scenario, file, hash, the page's own ``facts``, the results folder and the date."""
    s = assumed.scenario
    items: list[tuple[str, Cell]] = [
        ("scenario", strong(s.name)),
        ("scenario file", rich(code(assumed.path), " ", styled(f"({assumed.how})", "note"))),
        ("scenario hash", rich(code(s.content_hash[:12]), " ", styled(s.content_hash, "note"))),
        *facts,
        ("results", rich(code(source), f" ({kind}), written {modified(results_file)}")),
        ("report generated", f"{now.strftime('%Y-%m-%d %H:%M UTC')} by tierwise {__version__}"),
    ]
    return DefinitionList(tuple((term, as_rich(value)) for term, value in items))


def glossary(extra: Mapping[str, tuple[str, str]] | None = None) -> list[Block]:
    """Every metric of the registry with its label, unit and definition; ``extra`` rows
    (``name → (unit, definition)``) after them; the conventions."""
    rows: list[list[Cell]] = [
        [code(m.name), m.label, unit_label(m.unit), m.definition] for m in METRICS.values()
    ]
    rows += [[code(name), "", unit, text] for name, (unit, text) in (extra or {}).items()]
    notes = Paragraph(
        rich(
            "Conventions: every rate is over the measurement window [warm-up, horizon) and "
            "shown as a percentage; differences of rates are in percentage points (pp). “± x” "
            "is the half-width of the 95% confidence interval (Student t over replications) "
            "unless a table says otherwise. Money is in USD per calendar day of the "
            "measurement window. System-wide: utilisation.<resource> = busy hours / staffed "
            "hours; cost.<item> = the line item in USD/day."
        ),
        "note",
    )
    columns = [Column("metric"), Column("name"), Column("unit"), Column("definition")]
    return [table(columns, rows, css="defs"), notes]
