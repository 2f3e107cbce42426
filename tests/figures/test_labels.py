"""Variants are named by the parameters that differ between them, in short words."""

from __future__ import annotations

import pandas as pd

from tierwise.figures.labels import decision_columns, decision_label

AGENTS = "param.order_entry.pools.desk.agents"
PICKERS = "param.picking.pickers"
VEHICLES = "param.shipping.modes.regional.vehicles"
HORIZON = "param.horizon_days"


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
        decision_label(cut, list(cut.index))
        == "express pickups at 13:00 and 17:30, express shipping"
    )
    assert decision_label(row, ["param.missing"]) == ""
