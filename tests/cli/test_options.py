"""One list syntax: every list option's items, by :func:`tierwise.cli.options.split_list`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tierwise.cli.app import app
from tierwise.cli.options import parse_min_service, parse_tier_order, split_list

runner = CliRunner()


@pytest.mark.parametrize(
    ("values", "items"),
    [
        ("A,B,C", ["A", "B", "C"]),
        (" A , B ,", ["A", "B"]),
        (["A,B", "C"], ["A", "B", "C"]),  # comma form and repeated option mix
        (["A", "B"], ["A", "B"]),
        ("", []),
        (None, []),
    ],
)
def test_names_split_at_commas_in_one_value_or_over_repeated_options(
    values: str | list[str] | None, items: list[str]
) -> None:
    assert split_list(values) == items


@pytest.mark.parametrize(
    ("values", "items"),
    [
        ("A=0.9,B=0.85", ["A=0.9", "B=0.85"]),
        ("seed=7, picking.pickers=12", ["seed=7", "picking.pickers=12"]),
        ("shifts=[8, 16],seed=3", ["shifts=[8, 16]", "seed=3"]),  # a YAML list stays whole
        ("mix={web: 0.5, phone: 0.5}", ["mix={web: 0.5, phone: 0.5}"]),
        ("name='a,b=c',seed=1", ["name='a,b=c'", "seed=1"]),  # quoted
        ("description=fast, cheap", ["description=fast, cheap"]),  # no NAME= after the comma
        (["seed=7", "a=1,b=2"], ["seed=7", "a=1", "b=2"]),
    ],
)
def test_pairs_split_only_where_a_new_name_follows(
    values: str | list[str], items: list[str]
) -> None:
    assert split_list(values, pairs=True) == items


def test_min_service_and_tier_order_read_the_one_form() -> None:
    assert parse_min_service(" A=0.9 , B=0.85,", ["A", "B", "C"]) == {"A": 0.9, "B": 0.85}
    assert parse_tier_order("A, B ,C", ["A", "B", "C"]) == ["A", "B", "C"]


def test_set_takes_the_comma_form_and_the_repeated_option_alike() -> None:
    """``check`` prints the offered loads: more agents, lower utilisation, in either form."""
    args = ["check", "default", "--format", "csv"]
    comma = runner.invoke(app, [*args, "--set", "seed=3,order_entry.pools.desk.agents=40"])
    repeated = runner.invoke(
        app, [*args, "--set", "seed=3", "--set", "order_entry.pools.desk.agents=40"]
    )
    given = runner.invoke(app, args)
    assert comma.exit_code == repeated.exit_code == given.exit_code == 0, comma.output
    assert comma.stdout == repeated.stdout != given.stdout
    bad = runner.invoke(app, [*args, "--set", "seed=3,order_entry.pools.dsk.agents=4"])
    assert bad.exit_code == 2 and "desk" in plain(bad.output)  # the second item is checked
