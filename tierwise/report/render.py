"""The Jinja2 environment of the report: rendering a :class:`~tierwise.report.blocks.Page`.

Templates live in ``tierwise/report/templates`` (package data): ``report.html.j2`` is the page
with the inline style sheet; ``blocks.html.j2`` dispatches a block to the macro of its kind in
``tables.html.j2``, ``lists.html.j2``, ``boxes.html.j2``, ``figures.html.j2`` and
``inline.html.j2`` (spans). Autoescaping is on for every template, so any text from a scenario,
a strategy file or a results file is escaped; :class:`jinja2.StrictUndefined` turns a missing
context value into an error instead of an empty string.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import jinja2

from tierwise.common.atomic import write_text
from tierwise.report.blocks import Page
from tierwise.report.sources import ReportKind

__all__ = ["PAGE_TEMPLATE", "Report", "environment", "render", "render_page", "write_report"]

#: The template of the whole page.
PAGE_TEMPLATE = "report.html.j2"


def _fail(message: str) -> NoReturn:
    """Template helper: stop rendering with ``message`` (an unknown block kind)."""
    raise jinja2.TemplateRuntimeError(message)


@functools.cache
def environment() -> jinja2.Environment:
    """The report's environment: package templates, autoescaping, strict undefined values."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tierwise", "report/templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2", "j2"), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["fail"] = _fail
    return env


def render(template: str, **context: Any) -> str:
    """Render the package template ``template`` with ``context``.

    Raises
    ------
    jinja2.UndefinedError
        When the template uses a value the context does not hold.
    """
    return environment().get_template(template).render(**context)


def render_page(page: Page) -> str:
    """The complete, self-contained HTML document of ``page``."""
    return render(PAGE_TEMPLATE, page=page)


@dataclass(frozen=True)
class Report:
    """A rendered report.

    Attributes
    ----------
    kind : {"run", "compare"}
        What the source directory holds.
    title : str
        Title of the page.
    html : str
        The complete, self-contained HTML document.
    source : Path
        The output directory the report describes.
    scenario_path : Path
        The scenario (or strategy) file whose assumptions are shown.
    warnings : tuple of str
        Problems that did not stop the report (also shown in it), e.g. a scenario file that
        no longer matches the results.
    """

    kind: ReportKind
    title: str
    html: str
    source: Path
    scenario_path: Path
    warnings: tuple[str, ...] = ()


def write_report(report: Report, out: str | Path) -> Path:
    """Write the report's HTML to ``out`` atomically; missing folders are created.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    return write_text(out, report.html)
