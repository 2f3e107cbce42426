"""Picking: the pickers' shift, and their overtime when a cut-off lies after closing."""

from __future__ import annotations

import math
from typing import Any

from tests.conftest import OFF
from tierwise.simulation.engine import run
from tierwise.simulation.engine.model import OrderCycleModel
from tierwise.simulation.scenario.loading import scenario_from_dict

PICKERS, WAGE, LOADING, FACTOR = 3, 20.0, 1.25, 1.5


def _warehouse(cutoff_h: float, **costs: Any) -> Any:
    """Pickers Mon–Fri 08:00–18:00 and one carrier cut-off; only the pickers are paid."""
    return scenario_from_dict(
        {
            "seed": 11,
            "horizon_days": 15,
            "warmup_days": 1,
            "calendar": {"open_hour": 8, "close_hour": 18},
            "tiers": {"all": {"customers": 1, "orders_per_hour": 6.0, "shipping_mode": "parcel"}},
            "order_entry": OFF,
            "processing": OFF,
            "picking": {"pickers": PICKERS},
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": 20.0},
                        "cutoff_hours": [cutoff_h],
                    }
                }
            },
            "costs": {
                "picker_wage_usd_per_h": WAGE,
                "wage_loading_factor": LOADING,
                **costs,
            },
        }
    )


def test_no_overtime_while_every_cut_off_is_before_closing() -> None:
    result = run(_warehouse(17.0, overtime_wage_factor=FACTOR), 0)
    assert result.costs["overtime"] == 0.0
    assert result.costs["wages_pickers"] > 0.0


def test_a_cut_off_after_closing_pays_every_picker_overtime_until_it() -> None:
    in_hours = run(_warehouse(17.0, overtime_wage_factor=FACTOR), 0)
    late = run(_warehouse(20.0, overtime_wage_factor=FACTOR), 0)
    working_days, calendar_days = 10.0, 14.0
    expected = PICKERS * 2.0 * working_days * WAGE * LOADING * FACTOR / calendar_days
    assert math.isclose(late.costs["overtime"], expected)
    assert late.costs["wages_pickers"] == in_hours.costs["wages_pickers"]  # regular hours
    assert math.isclose(late.tiers["all"]["cost_per_day_usd"], sum(late.costs.values()))


def test_pickers_who_stay_for_a_late_cut_off_keep_picking_until_it() -> None:
    model = OrderCycleModel(_warehouse(20.0, overtime_wage_factor=FACTOR), 0)
    assert model.picking is not None and model.picking.calendar is not None
    assert model.picking.calendar.close_hour == 20.0  # their shift ends at the last cut-off
    late = model.run()
    early = run(_warehouse(17.0, overtime_wage_factor=FACTOR), 0)
    # orders packed after 17:00 still leave the same day
    assert late.tiers["all"]["mean_cycle_time_h"] < early.tiers["all"]["mean_cycle_time_h"]
    # utilisation counts the hours they are at work, overtime included
    assert late.resources["pickers"] < early.resources["pickers"]
