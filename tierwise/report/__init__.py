"""The self-contained HTML report of a run or compare folder (``tierwise report``).

:func:`build_report` reads the folder and renders the page; :func:`write_report` writes it
atomically. Metric names, units and definitions shown in the glossary are those of the registry,
:data:`tierwise.simulation.metrics.METRICS`.
"""

from tierwise.report.build import (
    Report,
    ReportError,
    ReportKind,
    build_report,
    detect_kind,
    write_report,
)

__all__ = [
    "Report",
    "ReportError",
    "ReportKind",
    "build_report",
    "detect_kind",
    "write_report",
]
