"""``tierwise report``: one self-contained HTML file from a run or compare output directory.

Registered in :mod:`tierwise.cli.app` as ``app.command("report")(report_command)``. Like the rest of
the CLI, this is the only place that prints; the work is :func:`tierwise.report.build.build_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierwise.cli.console import console, fail, warn
from tierwise.cli.options import check_output_file

__all__ = ["report_command"]


def report_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE",
            help="output directory of `tierwise run` or `tierwise compare` (detected from the "
            "files in it)",
        ),
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="scenario YAML whose assumptions are shown: the file given to `tierwise run` "
            "(needed when the run directory does not record it), or the strategy file given "
            "to `tierwise compare` (always needed for a comparison)",
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("out/report.html"),
    title: Annotated[
        str | None, typer.Option(help="page title (default: from the scenario name)")
    ] = None,
) -> None:
    """Write one self-contained HTML report (figures embedded, no scripts, no internet needed)
    of a run or compare output directory."""

    check_output_file(out, "--out")
    from tierwise.report.build import ReportError, build_report, write_report

    try:
        report = build_report(source, scenario, title)
    except ReportError as exc:
        fail(str(exc))
        return
    try:
        path = write_report(report, out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
        return
    for warning in report.warnings:
        warn(warning)
    size_kb = path.stat().st_size / 1024
    console.print(
        f"wrote {path} ({report.kind} report of {report.source}, scenario "
        f"{report.scenario_path}, {size_kb:,.0f} kB)",
        highlight=False,
    )
