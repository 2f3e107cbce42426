"""The templates: user text is escaped, a missing context value is an error, every block kind
renders, and the glossary lists the whole metric registry."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import ClassVar

import jinja2
import pytest

from tests.report.folders import parse
from tierwise.report.blocks import (
    BulletList,
    Column,
    DefinitionList,
    Figure,
    Heading,
    Page,
    Paragraph,
    Preformatted,
    Section,
    code,
    lines,
    rich,
    styled,
    table,
)
from tierwise.report.context_common import glossary
from tierwise.report.render import PAGE_TEMPLATE, environment, render, render_page
from tierwise.simulation.metrics import METRICS

EVIL = "<script>alert('x')</script>"


def _page(*blocks: object, title: str = "T", warnings: tuple[str, ...] = ()) -> Page:
    facts = DefinitionList((("scenario", rich(code(EVIL))),))
    section = Section("part", "Part", tuple(blocks))  # type: ignore[arg-type]
    return Page(title=title, lead="", facts=facts, warnings=warnings, sections=(section,))


def test_the_environment_escapes_and_is_strict() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    templates = set(env.list_templates())
    assert {PAGE_TEMPLATE, "tables.html.j2", "lists.html.j2", "boxes.html.j2"} <= templates
    assert {"figures.html.j2", "blocks.html.j2", "inline.html.j2"} <= templates


def test_user_text_is_escaped_everywhere_it_appears() -> None:
    page = _page(
        Heading(EVIL),
        Paragraph(rich(EVIL, styled(EVIL, "note", title=f'"{EVIL}')), "note"),
        BulletList((rich(EVIL),)),
        Preformatted(EVIL),
        table([Column(EVIL, True, EVIL)], [[EVIL]], caption=EVIL, foot=[[code(EVIL)]]),
        Figure(base64.b64encode(b"png").decode(), EVIL),
        title=EVIL,
        warnings=(EVIL,),
    )
    document = render_page(page)
    parsed = parse(document)
    assert "script" not in parsed.tags
    assert "<script" not in document
    assert document.count("&lt;script&gt;") >= 10
    assert any(value == f'"{EVIL}' for _, key, value in parsed.attributes if key == "title")


def test_a_missing_context_value_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(jinja2.UndefinedError, match="page"):
        render(PAGE_TEMPLATE)

    @dataclass(frozen=True)
    class Incomplete:  # a "table" without rows or columns
        kind: ClassVar[str] = "table"

    with pytest.raises(jinja2.UndefinedError):
        render_page(_page(Incomplete()))


def test_an_unknown_block_kind_stops_the_rendering() -> None:
    @dataclass(frozen=True)
    class Chart:
        kind: ClassVar[str] = "chart"

    with pytest.raises(jinja2.TemplateRuntimeError, match="unknown block kind chart"):
        render_page(_page(Chart()))


def test_inline_spans_render_without_added_whitespace() -> None:
    cell = lines([rich(code("a.b"), ": 6 → 8"), rich(styled("+1 *", "better", "p = 0.01"))])
    document = render_page(_page(table(["changes"], [[cell]])))
    assert '<code>a.b</code>: 6 → 8<br><span class="better" title="p = 0.01">+1 *</span>' in (
        document
    )
    assert parse(document).tables[0] == [["a.b: 6 → 8+1 *"]]


def test_a_figure_is_a_data_uri_with_its_width() -> None:
    document = render_page(_page(Figure("QUJD", "caption", 480)))
    image = parse(document).images[0]
    assert image == {"src": "data:image/png;base64,QUJD", "alt": "caption", "style": "width:480px"}


def test_the_rendered_glossary_lists_every_registry_metric() -> None:
    document = render_page(_page(*glossary({"MCB interval": ("USD/day", "joint interval")})))
    rows = parse(document).tables[0]
    names = [row[0] for row in rows]
    assert names == [*METRICS, "MCB interval"]
    for row, metric in zip(rows, METRICS.values(), strict=False):
        assert row[1:] == [
            metric.label,
            "%" if metric.unit == "rate" else metric.unit,
            metric.definition,
        ]
