"""A plan's decisions said as a planner would, changes against the scenario flagged."""

from __future__ import annotations

from tierwise.optimization.planning.words import (
    decision_phrase,
    decisions_in_words,
    parameter_name,
    plan_in_words,
)

AGENTS = "param.order_entry.pools.desk.agents"
PICKERS = "param.picking.pickers"
VEHICLES = "param.shipping.modes.regional.vehicles"
HORIZON = "param.horizon_days"
EXPRESS_CUTOFFS = "shipping.modes.express.cutoff_hours"
RESERVE_C = "inventory.families.slow.reserve_units.C"


def test_parameter_names_are_the_last_two_path_parts_in_words() -> None:
    assert parameter_name(AGENTS) == "desk agents"
    assert parameter_name(VEHICLES) == "regional vehicles"
    assert parameter_name(PICKERS) == "pickers"  # "picking pickers" says it twice
    assert parameter_name(HORIZON) == "horizon days"


def test_decision_phrases_say_each_lever_as_a_planner_would() -> None:
    assert decision_phrase(AGENTS, 14) == "14 desk agents"
    assert decision_phrase("order_entry.pools.a_team.agents", 2) == "2 agents at a team"
    assert decision_phrase(PICKERS, 9) == "9 pickers"
    assert decision_phrase(PICKERS, 1) == "1 picker" and decision_phrase(AGENTS, 1) == (
        "1 desk agent"
    )
    assert decision_phrase(VEHICLES, 6) == "6 vehicles in the regional fleet"
    assert decision_phrase("tiers.A.shipping_mode", "express") == "express shipping"
    assert decision_phrase(EXPRESS_CUTOFFS, [17.5]) == "express pickup at 17:30"
    assert decision_phrase(EXPRESS_CUTOFFS, [13, 17.5]) == "express pickups at 13:00 and 17:30"
    assert decision_phrase(RESERVE_C, 3000) == "3,000 units of slow stock kept back from C"
    assert decision_phrase(RESERVE_C, 0) == "no slow stock kept back from C"
    assert decision_phrase(RESERVE_C, 3000, was=0) == (
        "3,000 units of slow stock kept back from C (was 0)"
    )
    assert decision_phrase("inventory.families.fast.policy.reorder_point", 120) == (
        "reorder point 120 (fast stock)"
    )
    assert decision_phrase("costs.expedite_usd", 15) == "costs expedite usd 15"  # any field


def test_a_changed_decision_says_what_the_scenario_had_and_a_kept_one_does_not() -> None:
    assert decision_phrase(EXPRESS_CUTOFFS, [17.5], was=[17]) == (
        "express pickup at 17:30 (was 17:00)"
    )
    assert decision_phrase("tiers.A.shipping_mode", "express", was="ground") == (
        "express shipping (was ground)"
    )
    assert decision_phrase(PICKERS, 10, was=10.0) == "10 pickers"  # int and float alike
    assert decision_phrase(EXPRESS_CUTOFFS, [17.0], was=[17]) == "express pickup at 17:00"


def test_decisions_in_words_leave_out_simulation_settings() -> None:
    params = {AGENTS: 14, PICKERS: 9, "tiers.A.shipping_mode": "express", HORIZON: 10.0}
    assert decisions_in_words(params) == "14 desk agents, 9 pickers, express shipping"
    assert decisions_in_words({"warmup_days": 3}) == ""


def test_a_plan_in_words_says_each_tiers_own_levers_and_the_shared_ones_once() -> None:
    shared = {AGENTS: 9, PICKERS: 10, EXPRESS_CUTOFFS: [13, 17.5], "horizon_days": 10}
    chosen = {
        "A": {**shared, "tiers.A.shipping_mode": "express", "tiers.B.shipping_mode": "ground"},
        "B": {**shared, "tiers.A.shipping_mode": "regional", "tiers.B.shipping_mode": "ground"},
    }
    base = {
        "order_entry.pools.desk.agents": 9,
        "picking.pickers": 12,
        EXPRESS_CUTOFFS: [17],
        "tiers.A.shipping_mode": "regional",
        "tiers.B.shipping_mode": "ground",
    }
    words = plan_in_words(chosen, base)
    assert words.tiers == {
        "A": "express shipping (was regional)",  # B's lever is not A's decision
        "B": "ground shipping",
    }
    assert words.shared == (
        "9 desk agents, 10 pickers (was 12), express pickups at 13:00 and 17:30 (was 17:00)"
    )
    assert words.changes == {
        "tiers.A.shipping_mode": "express",
        "picking.pickers": 10,
        EXPRESS_CUTOFFS: [13, 17.5],
    }
    assert words.lines()[0] == "Tier A: express shipping (was regional)"
    assert words.lines()[-1].startswith("All tiers: 9 desk agents")
    assert plan_in_words({"A": {"horizon_days": 3}}).lines() == ["Tier A: as the scenario gives it"]


def test_what_a_tier_gets_is_its_own_levers_then_the_shared_ones() -> None:
    chosen = {"A": {AGENTS: 9, "tiers.A.shipping_mode": "express"}, "B": {AGENTS: 9}}
    words = plan_in_words(chosen)
    assert words.of_tier("A") == "express shipping, 9 desk agents"
    assert words.of_tier("B") == "9 desk agents"
    assert words.to_dict()["by_tier"] == {"A": words.of_tier("A"), "B": "9 desk agents"}
