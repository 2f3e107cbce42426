"""``--set path=value`` overrides (scenario.overrides): parse, check the path, apply.

A path must name fields of the schema and may go only through names (pools, tiers, modes,
families) that the base scenario has; it may end at a new name given as a whole entry.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import DEFAULT_SCENARIO
from tierwise.cli.app import app
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import (
    apply_overrides,
    check_override_path,
    check_overrides,
    lookup_path,
    parse_override,
)

BASE: dict[str, Any] = yaml.safe_load(DEFAULT_SCENARIO.read_text())
FULL: dict[str, Any] = load_scenario(DEFAULT_SCENARIO).model_dump(mode="json")


def _set_error(*overrides: tuple[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(DEFAULT_SCENARIO, list(overrides))
    return info.value


# --------------------------------------------------------------------------- parse / apply


def test_override_value_is_parsed_as_yaml() -> None:
    assert parse_override("picking.pickers=9") == ("picking.pickers", 9)
    assert parse_override("shipping.modes.express.cutoff_hours=[15, 17]")[1] == [15, 17]
    assert parse_override("order_entry.pools.vip={agents: 2}")[1] == {"agents": 2}
    assert parse_override(" seed = 4 ") == ("seed", 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("picking.pickers", "expected path=value"),
        ("=3", "empty path"),
        ("picking.pickers=[1, 2", "cannot parse value"),
    ],
)
def test_malformed_override_text_is_refused(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError, match=expected):
        parse_override(text)


def test_apply_creates_missing_sections_and_leaves_the_input_alone() -> None:
    data = apply_overrides(BASE, [("tiers.A.targets.on_time_rate", 0.97)])
    assert scenario_from_dict(data).tiers["A"].targets.on_time_rate == 0.97
    assert yaml.safe_load(DEFAULT_SCENARIO.read_text()) == BASE  # deep copy: input unchanged


def test_apply_below_a_plain_value_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"seed\.x: 'seed' is a value, not a section"):
        apply_overrides(BASE, [("seed.x", 1)])


def test_lookup_path_reads_nested_values_and_none_when_absent() -> None:
    assert lookup_path(FULL, "order_entry.pools.desk.agents") == 7
    assert lookup_path(FULL, "order_entry.pools.vip.agents") is None
    assert lookup_path(FULL, "seed.x") is None


# --------------------------------------------------------------------------- path checks


def test_typo_in_a_pool_name_is_refused_naming_the_mapping_and_nearest_name() -> None:
    error = _set_error(("order_entry.pools.dsk.agents", 20))
    (problem,) = error.problems
    assert problem.startswith("--set order_entry.pools.dsk.agents: ")
    assert "the base scenario has no 'dsk' in order_entry.pools" in problem
    assert "did you mean 'desk'?" in problem
    assert "(known: desk)" in problem
    assert "to add one, give the whole entry: order_entry.pools.dsk={...}" in problem


def test_typo_in_a_field_is_refused_naming_the_field_and_nearest_field() -> None:
    (problem,) = _set_error(("picking.pikers", 9)).problems
    assert problem.startswith("--set picking.pikers: unknown key; did you mean 'pickers'?")
    assert "allowed here:" in problem and "pickers" in problem


def test_typo_in_a_tier_name_is_refused() -> None:
    (problem,) = _set_error(("tiers.AA.priority", 0)).problems
    assert "no 'AA' in tiers" in problem and "(known: A, B, C)" in problem


def test_every_bad_override_is_reported_together() -> None:
    error = _set_error(("picking.pikers", 9), ("order_entry.pools.dsk.agents", 1))
    assert len(error.problems) == 2


def test_a_new_entry_given_whole_is_accepted_and_then_usable() -> None:
    scenario = load_scenario(
        DEFAULT_SCENARIO,
        [("order_entry.pools.vip", {"agents": 2}), ("order_entry.pools.vip.agents", 3)],
    )
    assert scenario.order_entry.pools["vip"].agents == 3
    assert scenario.order_entry.pools["desk"].agents == 7


def test_a_valid_override_changes_only_its_field() -> None:
    base = load_scenario(DEFAULT_SCENARIO)
    changed = load_scenario(DEFAULT_SCENARIO, [("order_entry.pools.desk.agents", 9)])
    assert changed.order_entry.pools["desk"].agents == 9
    assert changed.model_copy(update={"order_entry": base.order_entry}) == base


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("order_entry.pools.desk.agents", None),
        ("tiers.A.channel_mix.edi", None),  # a new key of a mapping of shares ends the path
        ("calendar.open_hour", None),  # through an optional section
        ("order_entry..agents", "order_entry..agents: empty component in the dotted path"),
        ("horizon_days.x", "horizon_days.x: 'horizon_days' is a value, not a section"),
        ("tiers.A.hourly_profile.3", "'tiers.A.hourly_profile' is a value, not a section"),
        ("bogus", "bogus: unknown key"),
        ("tiers.A.targts.on_time_rate", "tiers.A.targts: unknown key; did you mean 'targets'?"),
    ],
)
def test_check_override_path_names_the_first_bad_component(path: str, expected: str | None) -> None:
    problem = check_override_path(path, FULL)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_new_entries_can_be_forbidden() -> None:
    problem = check_override_path("order_entry.pools.vip", FULL, new_entries=False)
    assert problem is not None and "no 'vip' in order_entry.pools" in problem
    assert "to add one" not in problem


def test_checks_are_sequential_so_an_added_entry_can_be_refined() -> None:
    given = [("order_entry.pools.vip", {"agents": 1}), ("order_entry.pools.vip.agents", 2)]
    assert check_overrides(FULL, given) == []
    assert len(check_overrides(FULL, given[1:])) == 1


def test_cli_refuses_a_typo_in_set_with_a_suggestion_and_no_traceback() -> None:
    result = CliRunner().invoke(
        app, ["simulate", str(DEFAULT_SCENARIO), "--set", "order_entry.pools.dsk.agents=20"]
    )
    assert result.exit_code == 2
    assert "no 'dsk' in order_entry.pools" in result.output
    assert "did you mean 'desk'" in result.output
    assert "Traceback" not in result.output
