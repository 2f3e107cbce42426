"""Shift blocks in a scenario: keys are start hours as two-digit text, each block a dotted path;
the blocks must fit the calendar and the pool's headcount, and every error names the field,
the value and what is allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides, check_override_path
from tierwise.simulation.scenario.shift_blocks import (
    ShiftBlock,
    default_block_starts,
    shift_blocks,
)

BASE: dict[str, Any] = yaml.safe_load(DEFAULT_SCENARIO.read_text())
DESK = "order_entry.pools.desk.agents_by_block"
BLOCKS = {"08": 5, "10": 7, "12": 6}  # the default desk has agents: 7, calendar 08–18


def _error(*overrides: tuple[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(apply_overrides(BASE, list(overrides)))
    return str(info.value)


def test_blocks_run_to_the_next_blocks_start_and_the_last_to_closing() -> None:
    assert shift_blocks({"12": 6, "08": 5, "10": 7}, 18.0) == (
        ShiftBlock("08", 8.0, 10.0, 5),
        ShiftBlock("10", 10.0, 12.0, 7),
        ShiftBlock("12", 12.0, 18.0, 6),
    )


def test_default_blocks_cut_the_open_hours_every_two_hours() -> None:
    assert default_block_starts(8, 18) == ("08", "10", "12", "14", "16")
    assert default_block_starts(7, 16.5) == ("07", "09", "11", "13", "15")
    with pytest.raises(ValueError, match="whole hours"):
        default_block_starts(8.5, 18)


def test_valid_blocks_load_for_the_desk_and_the_pickers() -> None:
    sc = scenario_from_dict(
        apply_overrides(BASE, [(DESK, BLOCKS), ("picking.pickers_by_block", {"08": 10, "10": 12})])
    )
    assert sc.order_entry.pools["desk"].agents_by_block == BLOCKS
    assert sc.picking.pickers_by_block == {"08": 10, "10": 12}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # a calendar is needed
        ([(DESK, BLOCKS), ("calendar", None)], [DESK, "needs a calendar"]),
        # the first block starts at the opening
        ([(DESK, {"09": 5, "12": 6})], [DESK, "first block starts at 09", "opens at 8", '"08"']),
        # every block starts inside the open hours
        ([(DESK, {"08": 5, "19": 6})], [f"{DESK}.19", "19 h", "open_hour 8", "close_hour 18"]),
        # the headcount covers the largest block
        ([(DESK, {"08": 5, "10": 9})], ["order_entry.pools.desk.agents = 7", f"{DESK}.10 = 9"]),
        (
            [("picking.pickers_by_block", {"08": 10, "10": 14})],
            ["picking.pickers = 12", "picking.pickers_by_block.10 = 14", "14 or more"],
        ),
        # keys are two-digit text of an hour
        ([(DESK, {"08": 5, 10: 7})], [DESK, "block key 10", "quoted", '"10"']),
        ([(DESK, {"8": 5})], [DESK, "'8'", "two-digit text 00..23"]),
        ([(DESK, {"08": 5, "25": 7})], [DESK, "'25'", "00..23"]),
        # at least one server
        ([(DESK, {"08": 0, "12": 0})], [DESK, "0 servers"]),
        # servers are whole numbers within the limits
        ([(DESK, {"08": 5, "10": -1})], [f"{DESK}.10", "-1"]),
        ([(DESK, {"08": 5, "10": 2.5})], [f"{DESK}.10", "2.5"]),
    ],
)
def test_bad_blocks_are_refused_naming_the_field_value_and_rule(
    overrides: list[tuple[str, Any]], expected: list[str]
) -> None:
    message = _error(*overrides)
    for text in expected:
        assert text in message, message


def test_blocks_of_a_disabled_stage_are_not_checked_against_the_calendar() -> None:
    sc = scenario_from_dict(
        apply_overrides(BASE, [("picking.pickers_by_block", {"09": 3}), ("picking.enabled", False)])
    )
    assert sc.picking.pickers_by_block == {"09": 3}


# ---------------------------------------------------------------- dotted paths
def _scenario_file_with_blocks(tmp_path: Path) -> Path:
    text = DEFAULT_SCENARIO.read_text()
    text = text.replace(
        "desk: {agents: 7,", 'desk: {agents_by_block: {"08": 5, "10": 7, "12": 6}, agents: 7,'
    )
    assert "agents_by_block" in text
    path = tmp_path / "blocks.yaml"
    path.write_text(text)
    return path


def test_a_block_is_a_dotted_path_for_set(tmp_path: Path) -> None:
    path = _scenario_file_with_blocks(tmp_path)
    sc = load_scenario(path, [(f"{DESK}.12", 4)])
    assert sc.order_entry.pools["desk"].agents_by_block == {"08": 5, "10": 7, "12": 4}


def test_a_block_is_a_dotted_path_for_sweep_axes_and_decisions(tmp_path: Path) -> None:
    dump = load_scenario(_scenario_file_with_blocks(tmp_path)).model_dump(mode="json")
    assert check_override_path(f"{DESK}.10", dump) is None
    assert check_override_path(f"{DESK}.10", dump, new_entries=False) is None
    problem = check_override_path(f"{DESK}.11", dump, new_entries=False)
    assert problem is not None and "'11'" in problem and "08, 10, 12" in problem


def test_an_override_of_a_block_outside_the_open_hours_names_the_block(tmp_path: Path) -> None:
    path = _scenario_file_with_blocks(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, [(f"{DESK}.19", 4)])
    assert f"{DESK}.19" in str(info.value) and "close_hour 18" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, [(f"{DESK}.7", 4)])
    assert "'7'" in str(info.value) and "two-digit" in str(info.value)


def test_unquoted_block_keys_in_yaml_are_refused_with_the_fix(tmp_path: Path) -> None:
    text = DEFAULT_SCENARIO.read_text().replace(
        "desk: {agents: 7,", "desk: {agents_by_block: {08: 5, 10: 7}, agents: 7,"
    )
    path = tmp_path / "unquoted.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert 'quoted in YAML ("10"' in str(info.value)
