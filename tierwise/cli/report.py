"""``tierwise report``: one self-contained HTML file from a run or compare output directory.

Registered in :mod:`tierwise.cli.app` as ``app.command("report")(report_command)``. Like the rest of
the CLI, this is the only place that prints; the work is :func:`tierwise.report.build.build_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierwise.cli.console import console, fail, warn
from tierwise.cli.options import bad_option, check_output_file

__all__ = ["report_command"]


def report_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE",
            help="output folder of `tierwise run` or `tierwise compare` (detected from the "
            "files in it)",
        ),
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            metavar="FILE",
            help="scenario (or strategy) file whose assumptions are shown; only needed when the "
            "folder's manifest does not record one that still matches the results",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="HTML file to write (default: SOURCE/report.html)"),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="page title (default: from the scenario name)"),
    ] = None,
    company: Annotated[
        str,
        typer.Option(metavar="NAME", help="client or company name shown above the title"),
    ] = "",
    logo: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="company logo beside the name: .png, .jpg or .svg"),
    ] = None,
) -> None:
    """Write the HTML report of a run or compare folder: one self-contained file.

    Figures are embedded, there are no scripts and nothing is fetched from the internet; it
    prints to a readable PDF from any browser."""

    target = out if out is not None else source / "report.html"
    check_output_file(target, "--out")
    if logo is not None and not logo.is_file():
        bad_option("--logo", f"{logo}: no such file")
    from tierwise.artifacts import ArtifactError, Kind, add_to_manifest
    from tierwise.report.build import ReportError, build_report, write_report

    try:
        report = build_report(source, scenario, title, company=company, logo=logo)
    except ReportError as exc:
        fail(str(exc))
        return
    try:
        path = write_report(report, target)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
        return
    if path.resolve().parent == source.resolve():
        try:  # the next run in that folder clears the report with the rest of its files
            add_to_manifest(path, Kind.REPORT, "the report of this folder")
        except ArtifactError as exc:
            warn(f"the report was not recorded in the folder's manifest: {exc}")
    for warning in report.warnings:
        warn(warning)
    size_kb = path.stat().st_size / 1024
    console.print(
        f"wrote {path} ({report.kind} report of {report.source}, scenario "
        f"{report.scenario_path}, {size_kb:,.0f} kB)",
        highlight=False,
    )
