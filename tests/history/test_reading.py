"""Reading a history: both layouts, mapped columns, and every bad-data error names the line and
column."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from tierwise.history.reading import (
    ColumnMap,
    HistoryError,
    orders_from_frame,
    read_column_map,
    read_orders,
)

LINES = (
    "order_id,customer,timestamp,units,margin,channel,family\n"
    "O1,K1,2025-01-06 08:10,2,10,phone,fast\n"
    "O1,K1,2025-01-06 08:10,3,15,phone,slow\n"
    "O2,K2,2025-01-07 09:30,1,4,edi,fast\n"
)


def _write(tmp_path: Path, text: str | bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _problems(path: Path, **kwargs: object) -> str:
    with pytest.raises(HistoryError) as caught:
        read_orders(path, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_per_line_rows_group_into_orders(tmp_path: Path) -> None:
    history = read_orders(_write(tmp_path, LINES))
    assert history.layout == "lines"
    assert history.orders["lines"].tolist() == [2, 1]
    assert history.orders["units"].tolist() == [5, 1]
    assert history.orders["profit"].tolist() == [25, 4]
    assert history.profit_source == "margin"
    assert history.order_lines is not None and len(history.order_lines) == 3


def test_gzip_and_semicolons_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(LINES.replace(",", ";").encode()), "o.csv.gz")
    assert len(read_orders(path).orders) == 2


def test_per_order_rows_need_unique_order_ids(tmp_path: Path) -> None:
    text = "order_id,customer,timestamp,lines\nO1,K1,2025-01-06,2\nO1,K2,2025-01-07,1\n"
    message = _problems(_write(tmp_path, text))
    assert "order id 'O1' is on lines 2, 3" in message


def test_per_line_order_id_with_two_customers_is_a_duplicate(tmp_path: Path) -> None:
    text = LINES + "O2,K9,2025-01-07 09:30,1,4,edi,fast\n"
    message = _problems(_write(tmp_path, text))
    assert "order id 'O2'" in message and "different customers" in message


def test_mapped_columns_and_a_mapping_file(tmp_path: Path) -> None:
    text = LINES.replace("customer", "kunde").replace("timestamp", "zeit")
    path = _write(tmp_path, text)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("customer: kunde\ntimestamp: zeit\n", encoding="utf-8")
    from_file = read_orders(path, read_column_map(mapping))
    from_pairs = read_orders(path, ColumnMap.parse(["customer=kunde", "timestamp=zeit"]))
    pd.testing.assert_frame_equal(from_file.orders, from_pairs.orders)


def test_missing_columns_are_named_with_what_the_file_has(tmp_path: Path) -> None:
    message = _problems(_write(tmp_path, "cust,when\nK1,2025-01-06\n"))
    assert "column 'customer' (field customer) is missing; the file has: cust, when" in message
    assert "one row per order line needs order_id" in message


def test_bad_cells_name_their_line_and_column(tmp_path: Path) -> None:
    text = (
        "order_id,customer,timestamp,units\n"
        "O1,K1,2025-01-06 08:00,2\n"
        "O2,K1,2025-13-06 08:00,-1\n"
        "O3,,2025-01-07 09:00,x\n"
    )
    message = _problems(_write(tmp_path, text))
    assert "line 3, column 'timestamp': '2025-13-06 08:00' is not a date-time" in message
    assert "line 3, column 'units': '-1' is negative" in message
    assert "line 4, column 'units': 'x' is not a number" in message
    assert "line 4, column 'customer': is empty" in message


def test_a_date_format_reads_day_first_dates(tmp_path: Path) -> None:
    text = "order_id,customer,timestamp\nO1,K1,13.01.2025 08:00\nO2,K1,14.01.2025 09:00\n"
    history = read_orders(_write(tmp_path, text), ColumnMap(date_format="%d.%m.%Y %H:%M"))
    assert history.orders["timestamp"].dt.day.tolist() == [13, 14]


def test_wrong_encoding_names_the_line_and_the_remedy(tmp_path: Path) -> None:
    path = _write(tmp_path, "order_id,customer,timestamp\nO1,K\xe9,2025-01-06\n".encode("latin-1"))
    assert "line 2: byte 0xe9 is not utf-8 text" in _problems(path)
    assert read_orders(path, encoding="latin-1").orders["customer"].tolist() == ["Ké"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "the file is empty"), ("order_id,customer,timestamp\n", "a header but no rows")],
)
def test_empty_files(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _problems(_write(tmp_path, text))


def test_unknown_mapping_field_is_refused() -> None:
    with pytest.raises(HistoryError, match="unknown field 'client'"):
        ColumnMap({"client": "x"})


def test_no_value_or_margin_warns_and_counts_orders() -> None:
    frame = pd.DataFrame(
        {"order_id": ["1", "2"], "customer": ["a", "b"], "timestamp": ["2025-01-06"] * 2}
    )
    history = orders_from_frame(frame)
    assert history.warnings and "neither a value nor a margin" in history.warnings[0]
    assert history.orders["profit"].tolist() == [1.0, 1.0]
