"""Reading an order history (CSV, optionally gzipped) into one validated table of orders.

A history has one row per **order line** (an ``order_id`` column groups the lines of an order)
or one row per **order** (a ``lines`` column gives its line count). The fields, under their
canonical names (a :class:`ColumnMap` maps them to the file's own column names):

============  ========  ===============================================================
field         needed    meaning
============  ========  ===============================================================
customer      yes       customer id (any text)
timestamp     yes       when the order was placed (any date-time pandas reads)
order_id      per line  order id; repeats on the lines of one order, unique per order
lines         per order lines of the order (integer >= 1)
units         no        units of the line (per-line rows) or of the order; default 1
value         no        sales value, USD (of the line or the order), >= 0
margin        no        contribution (value − cost of goods), USD; may be negative
channel       no        order channel (``phone``, ``edi`` …)
family        no        product family of the line (per-line rows) or of the order
============  ========  ===============================================================

Profit (for the Pareto rule and the revenue per order) is ``margin``, or ``value`` when the
file has no margin. Every problem is a line of a :class:`HistoryError` naming the file's line
(line 1 is the header) and the column; nothing here prints.
"""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml

__all__ = [
    "FIELDS",
    "ColumnMap",
    "HistoryError",
    "OrderHistory",
    "orders_from_frame",
    "read_column_map",
    "read_orders",
]

logger = logging.getLogger(__name__)

#: Canonical field names, in the order of the table above.
FIELDS: tuple[str, ...] = (
    "customer",
    "timestamp",
    "order_id",
    "lines",
    "units",
    "value",
    "margin",
    "channel",
    "family",
)
#: Most problems listed in one error (the rest are counted).
MAX_PROBLEMS = 12


class HistoryError(ValueError):
    """An order history cannot be used; ``problems`` holds one line each (row and column)."""

    def __init__(self, problems: list[str], source: str = "order history") -> None:
        self.problems = problems
        self.source = source
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown)
        if more:
            lines += f"\n  - … and {more} more"
        super().__init__(f"{source}: {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the file holds each field (canonical name → file column).

    Attributes
    ----------
    columns : mapping
        ``field → column name``; a field not named is looked for under its canonical name.
    date_format : str or None
        ``strftime`` format of the timestamps (e.g. ``%d.%m.%Y %H:%M``); default: inferred.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise HistoryError(
                [
                    f"unknown field {name!r} in the column mapping; fields: {', '.join(FIELDS)}"
                    for name in unknown
                ],
                "column mapping",
            )

    def column(self, name: str) -> str:
        """The file's column name for field ``name``."""
        return self.columns.get(name, name)

    @classmethod
    def parse(cls, pairs: list[str] | None, date_format: str | None = None) -> ColumnMap:
        """From ``field=column`` texts (the CLI's ``--column customer=cust_id``)."""
        columns: dict[str, str] = {}
        problems = []
        for pair in pairs or []:
            name, sep, column = pair.partition("=")
            if not sep or not name.strip() or not column.strip():
                problems.append(f"{pair!r}: write field=column, e.g. customer=cust_id")
                continue
            columns[name.strip()] = column.strip()
        if problems:
            raise HistoryError(problems, "column mapping")
        return cls(columns, date_format)

    def merged(self, other: ColumnMap) -> ColumnMap:
        """This mapping with ``other``'s entries (and date format, if set) on top."""
        return ColumnMap({**self.columns, **other.columns}, other.date_format or self.date_format)


def read_column_map(path: str | Path) -> ColumnMap:
    """Read a YAML mapping file: ``field: column`` lines, optionally ``date_format: …``.

    Raises
    ------
    HistoryError
        The file is missing, not YAML, not a mapping, or names an unknown field.
    """
    source = Path(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError([f"{source}: no such file"], "column mapping") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise HistoryError([f"{source}: not a YAML file ({exc})"], "column mapping") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise HistoryError(
            [f"{source}: write one 'field: column' line per field, e.g. 'customer: cust_id'"],
            "column mapping",
        )
    mapping = {str(k): v for k, v in data.items()}
    date_format = mapping.pop("date_format", None)
    return ColumnMap(mapping, date_format)


@dataclass(frozen=True)
class OrderHistory:
    """A validated order history: one row per order, and the lines when the file had them.

    Attributes
    ----------
    orders : pandas.DataFrame
        One row per order, sorted by time: ``order_id``, ``customer`` (str), ``timestamp``
        (datetime64), ``lines`` (int >= 1), ``units`` (float, units of the order), ``value``
        and ``profit`` (USD, float), ``channel`` and ``family`` (str or missing), ``line``
        (the file's line number of the order's first row).
    order_lines : pandas.DataFrame or None
        Per-line rows (``order_id``, ``units``, ``family``) when the file had one row per line.
    layout : {"lines", "orders"}
        One row per order line, or per order.
    profit_source : {"margin", "value"}
        The column profit comes from.
    source : str
        Where the history came from (file name), for messages and comments.
    has_channel, has_family : bool
        Whether the file had a channel and a family column.
    warnings : tuple of str
        What the user should know (e.g. no value or margin column).
    """

    orders: pd.DataFrame
    order_lines: pd.DataFrame | None
    layout: Literal["lines", "orders"]
    profit_source: Literal["margin", "value"]
    source: str
    has_channel: bool
    has_family: bool
    warnings: tuple[str, ...] = ()

    @property
    def start(self) -> pd.Timestamp:
        """Midnight of the first order's day."""
        return pd.Timestamp(self.orders["timestamp"].min()).normalize()

    @property
    def end(self) -> pd.Timestamp:
        """Midnight after the last order's day (the history covers ``[start, end)``)."""
        return pd.Timestamp(self.orders["timestamp"].max()).normalize() + pd.Timedelta(days=1)

    @property
    def span_days(self) -> float:
        """Calendar days covered, whole days from the first order's to the last order's."""
        return float((self.end - self.start) / pd.Timedelta(days=1))


def _decode(data: bytes, encoding: str, source: str) -> str:
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise HistoryError([f"not a readable gzip file ({exc})"], source) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HistoryError(
            [
                f"line {line}: byte 0x{data[exc.start]:02x} is not {encoding} text; pass the "
                "file's encoding (--encoding latin-1, cp1252 …)"
            ],
            source,
        ) from None
    except LookupError:
        raise HistoryError([f"unknown encoding {encoding!r}"], source) from None
    return text.removeprefix("\ufeff")


def read_orders(
    path: str | Path, columns: ColumnMap | None = None, encoding: str = "utf-8"
) -> OrderHistory:
    """Read and validate an order history file (CSV, ``.csv.gz`` too).

    Parameters
    ----------
    path : str or Path
        The file.
    columns : ColumnMap, optional
        Where each field is (default: the canonical names).
    encoding : str
        Text encoding of the file (default UTF-8; a byte-order mark is skipped).

    Returns
    -------
    OrderHistory

    Raises
    ------
    HistoryError
        Every problem, each naming the line of the file and the column.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise HistoryError(["no such file"], source.name) from None
    except OSError as exc:
        raise HistoryError([f"cannot read it ({exc.strerror or exc})"], source.name) from None
    text = _decode(data, encoding, source.name)
    if not text.strip():
        raise HistoryError(["the file is empty (no header, no rows)"], source.name)
    header = text.splitlines()[0]
    separator = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise HistoryError([f"not a CSV table ({exc})"], source.name) from None
    return orders_from_frame(frame, columns, source.name)


def _line(index: int) -> int:
    """File line of data row ``index`` (0-based; line 1 is the header)."""
    return int(index) + 2


def _where(rows: pd.Index, column: str, what: str, values: pd.Series | None = None) -> list[str]:
    problems = []
    for i in rows[:MAX_PROBLEMS]:
        shown = "" if values is None else f" {str(values.loc[i])!r}"
        problems.append(f"line {_line(i)}, column '{column}':{shown} {what}")
    if len(rows) > MAX_PROBLEMS:
        problems.append(f"column '{column}': {len(rows) - MAX_PROBLEMS} more line(s) like these")
    return problems


def _numbers(
    frame: pd.DataFrame, column: str, problems: list[str], minimum: float | None, what: str
) -> pd.Series:
    raw = frame[column].str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    empty = raw == ""
    problems += _where(frame.index[empty], column, "is empty")
    bad = values.isna() & ~empty
    problems += _where(frame.index[bad], column, "is not a number", raw)
    if minimum is not None:
        low = values < minimum
        problems += _where(frame.index[low], column, what, raw)
    return values.astype(float)


def _texts(frame: pd.DataFrame, column: str, problems: list[str]) -> pd.Series:
    values = frame[column].str.strip()
    problems += _where(frame.index[values == ""], column, "is empty")
    return values


def orders_from_frame(
    frame: pd.DataFrame, columns: ColumnMap | None = None, source: str = "order history"
) -> OrderHistory:
    """Validate a table of text cells (as read from a CSV) into an :class:`OrderHistory`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per order line or per order, cells as text (other types are converted).
    columns : ColumnMap, optional
        Where each field is.
    source : str
        Name used in messages.

    Raises
    ------
    HistoryError
        Missing columns, empty cells, unparsable dates or numbers, negative quantities,
        duplicate order ids, no rows.
    """
    columns = columns or ColumnMap()
    frame = frame.astype(str).reset_index(drop=True)
    present = {name: columns.column(name) for name in FIELDS if columns.column(name) in frame}
    need = ["customer", "timestamp"]
    if "lines" not in present:
        need.append("order_id")
    missing = [n for n in need if n not in present]
    named = [n for n in columns.columns if n not in present]
    problems = [
        f"column '{columns.column(n)}' (field {n}) is missing; the file has: "
        f"{', '.join(map(str, frame.columns)) or 'no columns'}"
        + (
            " (one row per order line needs order_id; one row per order needs lines)"
            if n == "order_id"
            else ""
        )
        for n in dict.fromkeys([*missing, *named])
    ]
    if problems:
        raise HistoryError(problems, source)
    if frame.empty:
        raise HistoryError(["the file has a header but no rows"], source)
    layout: Literal["lines", "orders"] = "orders" if "lines" in present else "lines"
    col = present
    out = pd.DataFrame(index=frame.index)
    out["line"] = frame.index.map(_line)
    out["customer"] = _texts(frame, col["customer"], problems)
    raw_time = frame[col["timestamp"]].str.strip()
    times = pd.to_datetime(raw_time, errors="coerce", format=columns.date_format)
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    bad_time = times.isna()
    hint = (
        f"is not a date-time (format {columns.date_format})"
        if columns.date_format
        else ("is not a date-time like the column's first one (set date_format in the mapping)")
    )
    problems += _where(frame.index[bad_time], col["timestamp"], hint, raw_time)
    out["timestamp"] = times
    out["order_id"] = (
        frame[col["order_id"]].str.strip() if "order_id" in col else frame.index.map(str)
    )
    if "order_id" in col:
        problems += _where(frame.index[out["order_id"] == ""], col["order_id"], "is empty")
    out["units"] = (
        _numbers(frame, col["units"], problems, 0.0, "is negative (a quantity is >= 0)")
        if "units" in col
        else 1.0
    )
    if "units" in col:
        zero = out["units"] == 0
        problems += _where(frame.index[zero], col["units"], "is 0 (a line has at least 1 unit)")
    if layout == "orders":
        lines = _numbers(frame, col["lines"], problems, 1.0, "must be a whole number >= 1")
        fractional = (lines % 1 != 0) & lines.notna() & (lines >= 1)
        problems += _where(
            frame.index[fractional], col["lines"], "must be a whole number", frame[col["lines"]]
        )
        out["lines"] = lines
    out["value"] = (
        _numbers(frame, col["value"], problems, 0.0, "is negative (returns are not orders)")
        if "value" in col
        else float("nan")
    )
    if "margin" in col:
        out["profit"] = _numbers(frame, col["margin"], problems, None, "")
    else:
        out["profit"] = out["value"]
    for name in ("channel", "family"):
        out[name] = _texts(frame, col[name], problems) if name in col else pd.NA
    if problems:
        raise HistoryError(problems, source)
    warnings: list[str] = []
    if "value" not in col and "margin" not in col:
        warnings.append(
            f"{source} has neither a value nor a margin column: every order counts as profit 1 "
            "(tiers by order count)"
        )
        logger.info(warnings[-1])
        out["profit"] = 1.0
        out["value"] = 1.0
    if layout == "orders" and "units" not in col:
        out["units"] = out["lines"]  # one unit per line
    if layout == "orders":
        dup = out["order_id"].duplicated(keep=False) & ("order_id" in col)
        if dup.any():
            problems += [
                f"order id {oid!r} is on lines {', '.join(map(str, g['line'].tolist()[:5]))} "
                f"(column '{col['order_id']}'): one row per order needs unique order ids"
                for oid, g in out[dup].groupby("order_id", sort=False)
            ]
            raise HistoryError(problems, source)
        orders = out.assign(lines=out["lines"].astype(int))
        order_lines = None
    else:
        orders, order_lines = _group_lines(out, col, problems, source)
    orders = orders.sort_values(["timestamp", "line"], kind="stable").reset_index(drop=True)
    profit_source: Literal["margin", "value"] = "margin" if "margin" in col else "value"
    logger.info("%s: %d orders of %d customers", source, len(orders), orders["customer"].nunique())
    return OrderHistory(
        orders=orders,
        order_lines=order_lines,
        layout=layout,
        profit_source=profit_source,
        source=source,
        has_channel="channel" in col,
        has_family="family" in col,
        warnings=tuple(warnings),
    )


def _group_lines(
    rows: pd.DataFrame, col: Mapping[str, str], problems: list[str], source: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders from per-line rows; a conflicting customer, time or channel is a duplicate id."""
    grouped = rows.groupby("order_id", sort=False)
    for name in ("customer", "timestamp", "channel"):
        if name not in col:
            continue
        counts = grouped[name].nunique()
        for oid in counts.index[counts > 1][:MAX_PROBLEMS]:
            group = rows[rows["order_id"] == oid]
            firsts = group.drop_duplicates(name)["line"].tolist()[:3]
            problems.append(
                f"order id {oid!r} (column '{col['order_id']}'): lines "
                f"{', '.join(map(str, firsts))} give different {name}s ("
                f"{', '.join(map(str, group[name].unique()[:3]))}): a duplicate order id?"
            )
    if problems:
        raise HistoryError(problems, source)
    orders = grouped.agg(
        line=("line", "first"),
        customer=("customer", "first"),
        timestamp=("timestamp", "first"),
        lines=("line", "size"),
        units=("units", "sum"),
        value=("value", "sum"),
        profit=("profit", "sum"),
        channel=("channel", "first"),
        family=("family", "first"),
    ).reset_index()
    order_lines = rows[["order_id", "units", "family"]].reset_index(drop=True)
    return orders, order_lines
