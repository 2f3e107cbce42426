"""The self-contained HTML report of a run or compare folder (``tierwise report``)."""

from tierwise.report.build import (
    METRIC_DEFINITIONS,
    Report,
    ReportError,
    ReportKind,
    build_report,
    detect_kind,
    write_report,
)

__all__ = [
    "METRIC_DEFINITIONS",
    "Report",
    "ReportError",
    "ReportKind",
    "build_report",
    "detect_kind",
    "write_report",
]
