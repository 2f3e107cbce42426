"""One self-contained HTML report of a ``tierwise run`` or ``tierwise compare`` output directory.

The report is a single file: figures are embedded as base64 PNG (``data:`` URIs), the style
sheet is inline, there is no JavaScript and no reference to any URL, so it opens in any browser
with no server and no internet. It holds the title and generation information, the scenario's
assumptions (tiers, resources, costs), then

* for a run directory: the sweep, the cost-versus-service and profit curves per tier with the
  optimum table, the chosen plan per tier (service ± CI, cost, revenue, profit, totals,
  resources, status, solver), the verification rounds (predicted vs re-simulated) and the
  profit-versus-budget figure;
* for a compare directory: the strategies, the differences to the baseline (± half-width,
  significance), the profit table with the multiple-comparisons-with-the-best intervals, the
  best-strategy verdict with its method, and the figures;

and the name, unit and definition of every metric of the registry
(:data:`tierwise.simulation.metrics.METRICS`).

How it is made: :mod:`~tierwise.report.sources` reads the folder (files by kind through its
manifest), :mod:`~tierwise.report.scenario_source` finds and hash-checks the scenario,
:mod:`~tierwise.report.context_run` / :mod:`~tierwise.report.context_compare` (with
:mod:`~tierwise.report.context_scenario` for the assumptions) build the page as plain data
(:mod:`~tierwise.report.blocks`), and :mod:`~tierwise.report.render` renders it with the Jinja2
templates in ``tierwise/report/templates``. Nothing here prints; bad input raises
:class:`ReportError` with a one-paragraph message.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from pathlib import Path

from tierwise.report.blocks import Logo
from tierwise.report.context_compare import compare_page
from tierwise.report.context_run import run_page
from tierwise.report.render import Report, render_page, write_report
from tierwise.report.scenario_source import compare_scenario, run_scenario
from tierwise.report.sources import (
    Folder,
    ReportError,
    ReportKind,
    RunFiles,
    detect_kind,
    read_comparison,
)

__all__ = [
    "LOGO_TYPES",
    "MAX_LOGO_BYTES",
    "Report",
    "ReportError",
    "ReportKind",
    "build_report",
    "detect_kind",
    "read_logo",
    "write_report",
]

#: Logo file suffixes and their MIME types.
LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}

#: Largest logo file embedded (bytes): a logo, not a photograph.
MAX_LOGO_BYTES = 2 * 1024 * 1024


def read_logo(path: str | Path) -> Logo:
    """The logo file at ``path`` to embed in the page.

    Raises
    ------
    ReportError
        Not a PNG, JPEG or SVG file (by suffix and content), missing, or larger than
        :data:`MAX_LOGO_BYTES`.
    """
    logo = Path(path)
    mime = LOGO_TYPES.get(logo.suffix.lower())
    if mime is None:
        raise ReportError(f"--logo {logo}: give a .png, .jpg or .svg file")
    try:
        raw = logo.read_bytes()
    except OSError as exc:
        raise ReportError(f"--logo {logo}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_LOGO_BYTES:
        raise ReportError(f"--logo {logo}: {len(raw):,} bytes, more than the 2 MiB a logo may have")
    looks_right = {
        "image/png": raw.startswith(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg": raw.startswith(b"\xff\xd8"),
        "image/svg+xml": b"<svg" in raw[:4096],
    }[mime]
    if not looks_right:
        raise ReportError(f"--logo {logo}: the file is not a {logo.suffix.lower()[1:]} image")
    return Logo(mime, base64.b64encode(raw).decode("ascii"))


def build_report(
    source: str | Path,
    scenario: str | Path | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
    company: str = "",
    logo: str | Path | None = None,
) -> Report:
    """Read a ``tierwise run`` or ``tierwise compare`` output directory and render the report.

    Parameters
    ----------
    source : str or Path
        The output directory; its kind is detected from the files in it (:func:`detect_kind`).
    scenario : str or Path, optional
        Scenario YAML whose assumptions are shown. By default the file the folder's manifest
        records (a run's scenario, a comparison's strategy file; a run folder of an older
        version without a manifest: the file named in ``sweep.summary.json``), used when it is
        still found and still reproduces the recorded scenario hash. Required for a compare
        folder without a manifest: the strategy file, or one scenario file.
    title : str, optional
        Page title (default: ``Tierwise report — <scenario name>``).
    now : datetime, optional
        Generation time shown in the report (default: now, UTC).
    company : str
        Client or company name shown above the title and in the footer ("" for none).
    logo : str or Path, optional
        PNG, JPEG or SVG file shown beside the company name (:func:`read_logo`).

    Returns
    -------
    Report
        The HTML document and any warnings (e.g. a scenario that no longer matches the
        results; the report shows them too).

    Raises
    ------
    ReportError
        Not a run/compare directory, unreadable files, a missing or invalid scenario.
    """
    path = Path(source)
    brand = read_logo(logo) if logo is not None else None
    kind = detect_kind(path)
    given = Path(scenario) if scenario is not None else None
    moment = now or dt.datetime.now(dt.UTC)
    if kind == "run":
        files = RunFiles.read(path)
        assumed = run_scenario(files, given)
        page = run_page(files, assumed, title, moment)
    else:
        folder = Folder.open(path)
        comparison_file, document = read_comparison(folder)
        assumed = compare_scenario(document, folder, given)
        page = compare_page(folder, comparison_file, document, assumed, title, moment)
    page = dataclasses.replace(page, company=company.strip(), logo=brand)
    return Report(
        kind=kind,
        title=page.title,
        html=render_page(page),
        source=path,
        scenario_path=assumed.path,
        warnings=tuple(assumed.warnings),
    )
