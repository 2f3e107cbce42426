"""The report's content as plain data: what the templates render, with no HTML in it.

A page is a title, a header (lead text, facts, warnings) and sections; a section is a list of
blocks (:class:`Heading`, :class:`Paragraph`, :class:`BulletList`, :class:`DefinitionList`,
:class:`Box`, :class:`Table`, :class:`Figure`, :class:`Preformatted`). Text inside a block is
:class:`Rich`: lines of :class:`Span` s, each a run of text with a style the templates turn into
markup (``strong``, ``code`` or a CSS class). All text is plain, already formatted with
:mod:`tierwise.common.formatting`; the templates escape it.

Every block has a class attribute ``kind`` that ``blocks.html.j2`` dispatches on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

__all__ = [
    "SPAN_STYLES",
    "Block",
    "Box",
    "BulletList",
    "Cell",
    "Column",
    "DefinitionList",
    "Figure",
    "Heading",
    "Logo",
    "Page",
    "Paragraph",
    "Preformatted",
    "Rich",
    "Row",
    "Section",
    "Span",
    "Table",
    "as_rich",
    "code",
    "lines",
    "rich",
    "strong",
    "styled",
    "table",
]

#: Styles a span may have: plain text, ``<strong>``, ``<code>`` or a ``<span>`` of that class
#: (``note``/``muted`` grey; ``good``/``better`` green, ``bad``/``worse`` red, ``sig`` amber:
#: significant without a direction; ``ns`` not significant).
SPAN_STYLES = frozenset(
    {"", "strong", "code", "note", "muted", "good", "bad", "better", "worse", "sig", "ns"}
)


@dataclass(frozen=True)
class Span:
    """A run of plain text and how it looks.

    Attributes
    ----------
    text : str
        The text (escaped by the template).
    style : str
        One of :data:`SPAN_STYLES`.
    title : str
        Tooltip (only on styled ``<span>`` s), e.g. ``"p = 0.012"``.
    """

    text: str
    style: str = ""
    title: str = ""

    def __post_init__(self) -> None:
        if self.style not in SPAN_STYLES:
            raise ValueError(
                f"span style {self.style!r} is not one of {', '.join(sorted(SPAN_STYLES))}"
            )


@dataclass(frozen=True)
class Rich:
    """Inline content: lines of spans, shown with a line break between lines."""

    lines: tuple[tuple[Span, ...], ...] = ()

    def __bool__(self) -> bool:
        return any(any(span.text for span in line) for line in self.lines)

    @property
    def plain(self) -> str:
        """The text without styles, lines joined by a space (for tests and messages)."""
        return " ".join("".join(span.text for span in line) for line in self.lines)


#: What a table cell or a text field accepts: plain text, one span or rich text.
Cell = str | Span | Rich


def rich(*parts: Cell) -> Rich:
    """One line of rich text from plain strings, spans and rich parts (their lines joined)."""
    spans: list[Span] = []
    for part in parts:
        if isinstance(part, Rich):
            for line in part.lines:
                spans.extend(line)
        elif isinstance(part, Span):
            spans.append(part)
        elif part:
            spans.append(Span(part))
    return Rich((tuple(spans),))


def as_rich(part: Cell) -> Rich:
    """``part`` as rich text; rich text stays as it is (with its lines)."""
    return part if isinstance(part, Rich) else rich(part)


def lines(parts: Iterable[Cell]) -> Rich:
    """Rich text with each of ``parts`` starting a new line."""
    return Rich(tuple(line for part in parts for line in as_rich(part).lines))


def strong(text: object) -> Span:
    """Bold text."""
    return Span(str(text), "strong")


def code(text: object) -> Span:
    """Monospaced text (a file, a field path, a hash)."""
    return Span(str(text), "code")


def styled(text: object, style: str, title: str = "") -> Span:
    """Text in a CSS class of :data:`SPAN_STYLES` (``note``, ``good``, ``worse`` …)."""
    return Span(str(text), style, title)


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (``<h3>``)."""

    text: str
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``css`` is ``""``, ``"note"`` (small, grey) or ``"lead"``."""

    content: Rich
    css: str = ""
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Preformatted:
    """Text shown as is, monospaced (a command line)."""

    text: str
    kind: ClassVar[str] = "preformatted"


@dataclass(frozen=True)
class BulletList:
    """An unordered list."""

    items: tuple[Rich, ...]
    css: str = ""
    kind: ClassVar[str] = "bullets"


@dataclass(frozen=True)
class DefinitionList:
    """Term → description pairs (the header's facts, a method); ``css`` classes the ``<dl>``."""

    items: tuple[tuple[str, Rich], ...]
    css: str = "meta"
    kind: ClassVar[str] = "definitions"


BoxTone = Literal["info", "ok", "warn", "alert"]


@dataclass(frozen=True)
class Box:
    """A call-out: ``info`` (blue), ``ok`` (green), ``warn`` (yellow) or ``alert`` (red)."""

    content: Rich
    tone: BoxTone = "info"
    kind: ClassVar[str] = "box"


@dataclass(frozen=True)
class Figure:
    """A PNG embedded as a ``data:`` URI.

    Attributes
    ----------
    png_base64 : str
        The PNG file, base64-encoded (ASCII).
    caption : str
        Caption and ``alt`` text.
    width_px : int
        Width in CSS pixels at the figure's own resolution; 0 lets the browser choose.
    """

    png_base64: str
    caption: str
    width_px: int = 0
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Column:
    """A table column: its heading, right-aligned numbers or not, a tooltip."""

    label: str
    numeric: bool = False
    title: str = ""


@dataclass(frozen=True)
class Row:
    """A table row; ``css`` classes it (``flag``, ``best``, ``group-start``)."""

    cells: tuple[Rich, ...]
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table with a caption, a body and an optional footer (totals).

    Raises
    ------
    ValueError
        If a row does not have one cell per column.
    """

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: Rich = field(default_factory=Rich)
    foot: tuple[Row, ...] = ()
    css: str = ""
    kind: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        for row in (*self.rows, *self.foot):
            if len(row.cells) != len(self.columns):
                raise ValueError(
                    f"table row has {len(row.cells)} cells for {len(self.columns)} columns: "
                    f"{[cell.plain for cell in row.cells]}"
                )


Block = Heading | Paragraph | Preformatted | BulletList | DefinitionList | Box | Figure | Table


def table(
    columns: Sequence[Column | str],
    rows: Sequence[Sequence[Cell]],
    *,
    caption: Cell = "",
    foot: Sequence[Sequence[Cell]] = (),
    row_classes: Sequence[str] = (),
    css: str = "",
) -> Table:
    """A :class:`Table` from loose parts: a column may be just its label, a cell plain text."""
    return Table(
        columns=tuple(c if isinstance(c, Column) else Column(c) for c in columns),
        rows=tuple(
            Row(
                tuple(as_rich(cell) for cell in cells),
                row_classes[i] if i < len(row_classes) else "",
            )
            for i, cells in enumerate(rows)
        ),
        caption=as_rich(caption),
        foot=tuple(Row(tuple(as_rich(cell) for cell in cells)) for cells in foot),
        css=css,
    )


@dataclass(frozen=True)
class Section:
    """A titled part of the page, listed in the table of contents under ``anchor``."""

    anchor: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Logo:
    """A company logo embedded as a ``data:`` URI.

    Attributes
    ----------
    mime : str
        ``image/png``, ``image/jpeg`` or ``image/svg+xml``.
    data_base64 : str
        The image file, base64-encoded (ASCII).
    """

    mime: str
    data_base64: str


@dataclass(frozen=True)
class Page:
    """Everything ``report.html.j2`` renders.

    Attributes
    ----------
    title : str
        ``<title>`` and ``<h1>``.
    lead : str
        The scenario's description under the title ("" for none).
    facts : DefinitionList
        Scenario, file, hash, seed, replications, results folder, generation time.
    warnings : tuple of str
        Problems that did not stop the report, shown as yellow boxes in the header.
    sections : tuple of Section
        In page order; the table of contents lists them.
    company : str
        Client or company name shown above the title ("" for none).
    logo : Logo, optional
        Company logo shown beside the name.
    """

    title: str
    lead: str
    facts: DefinitionList
    warnings: tuple[str, ...]
    sections: tuple[Section, ...]
    company: str = ""
    logo: Logo | None = None
