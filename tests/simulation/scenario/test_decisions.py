"""The ``decisions:`` section: its shape checked by the schema, its levers checked against the
scenario by the one override walker, every candidate checked as an override, ranges expanded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.scenario.decision_spec import MAX_CANDIDATES_PER_LEVER
from tierwise.simulation.scenario.decisions import check_decisions, declared_levers
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.yaml_input import read_yaml

#: The levers of the default scenario as a scenario file declares them (the test fixture).
DECISIONS: dict[str, Any] = {
    "order_entry.pools.desk.agents": [6, 7, 8, 9],
    "picking.pickers": {"from": 10, "to": 16},
    "tiers.B.shipping_mode": ["regional", "express"],
    "inventory.families.fast.reserve_units.C": [0, 2000, 4000],
    "shipping.modes.express.cutoff_hours": [[17.0], [17.5]],
}


def _with_decisions(decisions: Any) -> Scenario:
    """The default scenario with a decisions section, built without the lever check that
    :func:`load_scenario` adds (so the check itself can be examined)."""
    data = apply_overrides(read_yaml(DEFAULT_SCENARIO), [("decisions", decisions)])
    return scenario_from_dict(data)


def test_loading_a_scenario_checks_its_levers_before_any_run() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'pickers'"):
        load_scenario(DEFAULT_SCENARIO, [("decisions", {"picking.pikers": [10, 12]})])


def _refused(decisions: Any) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        _with_decisions(decisions)
    return caught.value.problems


def test_declared_levers_lists_every_lever_in_file_order_with_ranges_expanded() -> None:
    levers = declared_levers(_with_decisions(DECISIONS))
    assert levers == {
        "order_entry.pools.desk.agents": (6, 7, 8, 9),
        "picking.pickers": (10, 11, 12, 13, 14, 15, 16),
        "tiers.B.shipping_mode": ("regional", "express"),
        "inventory.families.fast.reserve_units.C": (0, 2000, 4000),
        "shipping.modes.express.cutoff_hours": ([17.0], [17.5]),
    }
    assert list(levers) == list(DECISIONS)


def test_a_scenario_without_decisions_declares_no_levers() -> None:
    scenario = load_scenario("phone_order_desk")
    assert scenario.decisions is None
    assert declared_levers(scenario) == {} and check_decisions(scenario) == []


def test_the_default_scenario_declares_cut_offs_a_reserve_and_a_reorder_point() -> None:
    levers = declared_levers(load_scenario(DEFAULT_SCENARIO))
    assert levers["shipping.modes.express.cutoff_hours"] == (
        [17], [17.5], [13, 17.5], [18.5], [13, 18.5], [13, 19.5]
    )  # fmt: skip
    assert levers["inventory.families.slow.reserve_units.C"] == (0, 3000)
    assert levers["inventory.families.slow.policy.reorder_point_units"] == (32000, 38000, 44000)


def test_a_stepped_range_includes_its_end_and_rounds_floats() -> None:
    levers = declared_levers(
        _with_decisions({"tiers.A.targets.on_time_rate": {"from": 0.8, "to": 0.95, "step": 0.05}})
    )
    assert levers["tiers.A.targets.on_time_rate"] == (0.8, 0.85, 0.9, 0.95)


def test_every_declared_candidate_applied_as_an_override_gives_a_valid_scenario() -> None:
    scenario = _with_decisions(DECISIONS)
    data = scenario.model_dump(mode="json")
    for path, candidates in declared_levers(scenario).items():
        for value in candidates:
            Scenario.model_validate(apply_overrides(data, [(path, value)]))


def test_the_section_survives_a_dump_and_reload_unchanged() -> None:
    scenario = _with_decisions(DECISIONS)
    again = Scenario.model_validate(scenario.model_dump(mode="json"))
    assert again == scenario and again.content_hash == scenario.content_hash
    assert again.model_dump(mode="json")["decisions"]["picking.pickers"] == {
        "from": 10,
        "to": 16,
        "step": 1,
    }


def test_an_unknown_field_in_a_lever_path_gets_the_nearest_field() -> None:
    (problem,) = check_decisions(_with_decisions({"picking.pikers": [10, 12]}))
    assert problem.startswith("decisions.picking.pikers: unknown key")
    assert "did you mean 'pickers'" in problem


def test_a_lever_through_a_name_the_scenario_lacks_gets_the_nearest_name() -> None:
    (problem,) = check_decisions(_with_decisions({"order_entry.pools.dsk.agents": [6]}))
    assert problem.startswith("decisions.order_entry.pools.dsk.agents:")
    assert "did you mean 'desk'" in problem


def test_a_candidate_that_makes_the_scenario_invalid_is_named_with_the_reason() -> None:
    scenario = _with_decisions({"picking.pickers": [0, 12], "tiers.B.shipping_mode": ["rocket"]})
    problems = check_decisions(scenario)
    assert len(problems) == 2
    assert problems[0].startswith("decisions.picking.pickers: candidate 0 gives an invalid")
    assert "at least 1 picker" in problems[0]
    assert problems[1].startswith("decisions.tiers.B.shipping_mode: candidate 'rocket'")
    assert "express, ground, regional" in problems[1]  # what is allowed
    with pytest.raises(ScenarioError) as caught:
        declared_levers(scenario)
    assert caught.value.problems == problems


def test_a_reserve_lever_for_a_tier_the_scenario_lacks_is_refused() -> None:
    (problem,) = check_decisions(
        _with_decisions({"inventory.families.fast.reserve_units.D": [100]})
    )
    assert problem.startswith("decisions.inventory.families.fast.reserve_units.D: candidate 100")
    assert "tiers: A, B, C" in problem


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ({"picking.pickers": []}, "decisions.picking.pickers = []: empty list"),
        ({"picking.pickers": [10, 10]}, "candidate 10 appears more than once"),
        ({"picking.pickers": 12}, "expected a list of candidate values or a range"),
        ({"picking.pickers": [float("nan")]}, "decisions.picking.pickers.0 = nan"),
        ({"picking.pickers": {"from": 16, "to": 10}}, "to (10) must be >= from (16)"),
        ({"picking.pickers": {"from": 10, "upto": 16}}, "a range takes from, to"),
        ({"picking.pickers": {"from": 1, "to": 5000}}, "5,000 candidates"),
        (
            {"picking.pickers": list(range(1, MAX_CANDIDATES_PER_LEVER + 2))},
            "1,001 candidates; at most 1,000",
        ),
        ({"decisions.x": [1]}, "a lever must be a scenario field"),
    ],
)
def test_a_badly_shaped_section_is_refused_at_load_naming_the_lever(
    decisions: dict[str, Any], expected: str
) -> None:
    problems = _refused(decisions)
    assert any(expected in p for p in problems), problems


def test_more_than_100_000_combinations_are_refused_with_their_count() -> None:
    problems = _refused(
        {
            "order_entry.pools.desk.agents": {"from": 1, "to": 100},
            "picking.pickers": {"from": 1, "to": 100},
            "tiers.A.priority": {"from": 0, "to": 10},
        }
    )
    assert problems == [
        "decisions: 100 × 100 × 11 = 110,000 combinations of the levers' candidates; at most "
        "100,000 are allowed"
    ]
