"""The YAML reader refuses what would crash, hang or silently lose data, naming file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.yaml_input import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    parse_yaml,
    read_yaml,
)


def _problem(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "in.yaml")
    (problem,) = info.value.problems
    assert info.value.source == "in.yaml"
    return problem


def test_duplicate_key_names_the_key_and_both_lines() -> None:
    problem = _problem("pools:\n  desk: 1\n  other: 2\n  desk: 3\n")
    assert problem.startswith("duplicate key 'desk' at line 4 (first given at line 2)")


def test_same_key_in_different_mappings_and_merge_keys_are_allowed() -> None:
    text = "base: &b {agents: 1, discipline: fifo}\na: {agents: 2}\nb: {<<: *b, agents: 3}\n"
    assert parse_yaml(text) == {
        "base": {"agents": 1, "discipline": "fifo"},
        "a": {"agents": 2},
        "b": {"agents": 3, "discipline": "fifo"},
    }


def test_exponent_without_dot_is_a_number_as_in_yaml_1_2() -> None:
    assert parse_yaml("[1e12, 2.5e3, -1E-3, 1.5, 7, 12_000, inf, e5]") == [
        1e12,
        2500.0,
        -0.001,
        1.5,
        7,
        12000,
        "inf",
        "e5",
    ]


def test_nesting_limit_is_counted_in_levels() -> None:
    assert parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    problem = _problem("a:\n  b: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert problem.startswith(f"nesting at line 2 is deeper than {MAX_DEPTH} levels")


def test_alias_bomb_is_measured_without_being_expanded() -> None:
    # 12 levels of 10 aliases expand to 10^12 values: refused at once
    lines = ["l0: &l0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 12)]
    started = time.perf_counter()
    problem = _problem("\n".join(lines))
    assert time.perf_counter() - started < 1.0
    assert f"more than {MAX_NODES:,} values" in problem
    assert "line 6" in problem  # l5 is the first value beyond a million (1,111,111 nodes)


def test_shared_aliases_within_the_limit_are_kept() -> None:
    data = parse_yaml("p: &p [0, 0.8, 1.2]\nA: {profile: *p}\nB: {profile: *p}\n")
    assert data["A"]["profile"] == data["B"]["profile"] == [0, 0.8, 1.2]


def test_recursive_alias_is_refused() -> None:
    assert _problem("a: &a [1, *a]\n").startswith("recursive alias at line 1")


def test_control_character_is_located_by_line_and_column() -> None:
    problem = _problem("name: café\nseed: 1\x002\n")
    assert problem.startswith("character U+0000 at line 2, column 8")


def test_syntax_error_gives_line_and_column() -> None:
    assert _problem("a: [1, 2\nb: 3\n").startswith("YAML syntax error at line 2")


def test_non_utf8_file_gives_byte_offset_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\ndescription: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        read_yaml(path)
    (problem,) = info.value.problems
    assert "byte 0xe9 at byte offset 24 (line 2, column 17)" in problem
    assert str(path) in problem


def test_file_above_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError, match="larger than 5 MiB"):
        read_yaml(path)
    path.write_bytes(b"a: 1\n" + b" " * (MAX_FILE_BYTES - 6) + b"\n")
    assert read_yaml(path) == {"a": 1}


def test_missing_file_and_directory_are_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        read_yaml(tmp_path / "absent.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        read_yaml(tmp_path)
