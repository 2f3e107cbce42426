"""Variants are named by the parameters that differ between them, in short words."""

from __future__ import annotations

import pandas as pd

from tierwise.figures.labels import decision_columns, decision_label, parameter_name

AGENTS = "param.order_entry.pools.desk.agents"
PICKERS = "param.picking.pickers"
VEHICLES = "param.shipping.modes.regional.vehicles"
HORIZON = "param.horizon_days"


def test_parameter_names_are_the_last_two_path_parts_in_words() -> None:
    assert parameter_name(AGENTS) == "desk agents"
    assert parameter_name(VEHICLES) == "regional vehicles"
    assert parameter_name(PICKERS) == "pickers"  # "picking pickers" says it twice
    assert parameter_name(HORIZON) == "horizon days"


def test_decisions_are_the_parameters_that_vary_across_tiers_frames() -> None:
    a = pd.DataFrame({"variant_id": ["v1", "v2"], AGENTS: [5, 5], PICKERS: [10, 13], HORIZON: 10})
    b = pd.DataFrame({"variant_id": ["v3"], AGENTS: [8], PICKERS: [10], HORIZON: 10})
    assert decision_columns([a, b]) == [AGENTS, PICKERS]  # agents vary only across the frames
    assert decision_columns([a.iloc[:1]]) == [AGENTS, PICKERS, HORIZON]  # one variant: all
    assert decision_columns([pd.DataFrame({"variant_id": ["v"]})]) == []


def test_decision_label_names_values_and_breaks_lines_only_after_commas() -> None:
    row = pd.Series({AGENTS: 8, PICKERS: 13.0, VEHICLES: 6, HORIZON: float("nan")})
    columns = [AGENTS, PICKERS, VEHICLES, HORIZON]
    assert (
        decision_label(row, columns)
        == "8 desk agents, 13 pickers, 6 vehicles in the regional fleet"
    )
    wrapped = decision_label(row, columns, width=26)
    assert wrapped == "8 desk agents, 13 pickers,\n6 vehicles in the regional fleet"
    # lists (stored as JSON text in sweep tables) and names read as the planner wrote them
    cut = pd.Series(
        {
            "param.shipping.modes.express.cutoff_hours": "[13, 17.5]",
            "param.tiers.A.shipping_mode": "express",
        }
    )
    assert (
        decision_label(cut, list(cut.index)) == "express cut-off 13:00 and 17:30, express shipping"
    )
    assert decision_label(row, ["param.missing"]) == ""


def test_decision_phrases_say_each_lever_as_a_planner_would() -> None:
    from tierwise.figures.labels import decision_phrase

    assert decision_phrase(AGENTS, 14) == "14 desk agents"
    assert decision_phrase("order_entry.pools.a_team.agents", 2) == "2 agents at a team"
    assert decision_phrase(PICKERS, 9) == "9 pickers"
    assert decision_phrase(PICKERS, 1) == "1 picker" and decision_phrase(AGENTS, 1) == (
        "1 desk agent"
    )
    assert decision_phrase(VEHICLES, 6) == "6 vehicles in the regional fleet"
    assert decision_phrase("tiers.A.shipping_mode", "express") == "express shipping"
    assert decision_phrase("shipping.modes.express.cutoff_hours", [17.5]) == (
        "express cut-off 17:30"
    )
    assert decision_phrase("inventory.families.fast.policy.reorder_point", 120) == (
        "reorder point 120 (fast stock)"
    )
    assert decision_phrase("costs.expedite_usd", 15) == "costs expedite usd 15"  # any field


def test_a_plan_in_words_leaves_out_simulation_settings() -> None:
    from tierwise.figures.labels import plan_in_words

    params = {AGENTS: 14, PICKERS: 9, "tiers.A.shipping_mode": "express", HORIZON: 10.0}
    assert plan_in_words(params) == "14 desk agents, 9 pickers, express shipping"
    assert plan_in_words({"warmup_days": 3}) == ""
