"""The page's plain data: spans have known styles, tables one cell per column."""

from __future__ import annotations

import pytest

from tierwise.report.blocks import Column, Span, code, lines, rich, strong, table


def test_a_span_style_must_be_one_the_templates_know() -> None:
    assert Span("x", "better").style == "better"
    with pytest.raises(ValueError, match="span style 'green'"):
        Span("x", "green")


def test_a_table_row_needs_one_cell_per_column() -> None:
    ok = table(["a", Column("b", True)], [["1", "2"]], foot=[["total", "3"]])
    assert [c.numeric for c in ok.columns] == [False, True]
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        table(["a", "b"], [["only one"]])
    with pytest.raises(ValueError, match="3 cells for 2 columns"):
        table(["a", "b"], [["1", "2"]], foot=[["t", "1", "2"]])


def test_rich_text_joins_parts_on_a_line_and_lines_apart() -> None:
    one = rich(strong("A"), " and ", code("b"), "")
    assert [s.style for s in one.lines[0]] == ["strong", "", "code"]
    assert one.plain == "A and b"
    two = lines([one, "second"])
    assert len(two.lines) == 2 and two.plain == "A and b second"
    assert not rich("") and rich("x")
