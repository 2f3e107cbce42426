"""Schema: the prices and bounds of the levers are validated with messages naming the field."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import DEFAULT_TOUR_DURATION_H, ShippingMode

BASE: dict[str, Any] = yaml.safe_load(DEFAULT_SCENARIO.read_text())


def _error(*overrides: tuple[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(apply_overrides(BASE, list(overrides)))
    return str(info.value)


@pytest.mark.parametrize(
    "path",
    [
        "shipping.modes.express.cost_usd_per_pickup",
        "shipping.modes.express.late_pickup_surcharge_usd_per_h",
        "shipping.modes.regional.cost_usd_per_tour",
        "shipping.modes.regional.tour_duration_h",
        "costs.driver_wage_usd_per_h",
        "order_entry.pools.desk.fixed_usd_per_day",
    ],
)
def test_a_negative_price_names_the_field_and_its_bound(path: str) -> None:
    message = _error((path, -5.0))
    assert f"{path} = -5" in message
    assert "0" in message


def test_an_overtime_factor_below_one_is_rejected() -> None:
    assert "costs.overtime_wage_factor = 0.5" in _error(("costs.overtime_wage_factor", 0.5))


def test_receiving_hours_opening_after_closing_is_rejected() -> None:
    message = _error(("tiers.A.receiving_hours", {"open_hour": 17, "close_hour": 9}))
    assert "tiers.A.receiving_hours" in message
    assert "close_hour (9" in message and "after open_hour (17" in message


def test_receiving_days_must_be_days_of_the_week() -> None:
    message = _error(("tiers.B.receiving_hours", {"open_hour": 8, "close_hour": 17, "days": [7]}))
    assert "tiers.B.receiving_hours" in message and "0..6" in message


def test_a_cut_off_after_closing_without_overtime_is_rejected_with_the_remedy() -> None:
    message = _error(
        ("costs.overtime_wage_factor", None), ("shipping.modes.express.cutoff_hours", [19.5])
    )
    assert "shipping.modes.express.cutoff_hours" in message
    assert "19.5" in message and "calendar.close_hour (18)" in message
    assert "costs.overtime_wage_factor" in message


def test_a_cut_off_after_closing_with_overtime_is_allowed() -> None:
    sc = scenario_from_dict(
        apply_overrides(BASE, [("shipping.modes.express.cutoff_hours", [19.5])])
    )
    assert sc.costs.overtime_wage_factor == 1.5


def test_a_tour_running_past_closing_without_overtime_is_rejected() -> None:
    message = _error(("costs.overtime_wage_factor", None))
    assert "shipping.modes.regional" in message and "tour_duration_h 8" in message
    assert "costs.overtime_wage_factor" in message


def test_a_tour_within_hours_needs_no_overtime_factor() -> None:
    sc = scenario_from_dict(
        apply_overrides(
            BASE,
            [
                ("costs.overtime_wage_factor", None),
                ("shipping.modes.regional.cutoff_hours", [9.0]),
                ("shipping.modes.regional.tour_duration_h", 8.0),
                ("shipping.modes.express.cutoff_hours", [17.0]),
            ],
        )
    )
    assert sc.costs.overtime_wage_factor is None


def test_a_late_surcharge_needs_the_hour_it_counts_from() -> None:
    message = _error(("shipping.modes.ground.late_pickup_after_hour", None))
    assert "late_pickup_surcharge_usd_per_h needs late_pickup_after_hour" in message


@pytest.mark.parametrize(
    ("mode", "field", "value", "applies_to"),
    [
        ("regional", "cost_usd_per_pickup", 10.0, "kind: carrier"),
        ("regional", "late_pickup_after_hour", 16.0, "kind: carrier"),
        ("express", "tour_duration_h", 4.0, "kind: fleet"),
        ("express", "cost_usd_per_tour", 10.0, "kind: fleet"),
    ],
)
def test_a_price_of_the_other_kind_of_mode_is_rejected(
    mode: str, field: str, value: float, applies_to: str
) -> None:
    message = _error((f"shipping.modes.{mode}.{field}", value))
    assert field in message and applies_to in message


def test_a_fleet_tour_lasts_one_shift_unless_stated() -> None:
    mode = ShippingMode(
        kind="fleet",
        transit_time_h={"dist": "deterministic", "mean": 1.0},  # type: ignore[arg-type]
        cutoff_hours=(10.0,),
        vehicles=1,
    )
    assert mode.tour_h == DEFAULT_TOUR_DURATION_H == 8.0


def test_late_pickup_hours_count_only_past_the_stated_hour() -> None:
    mode = ShippingMode(
        transit_time_h={"dist": "deterministic", "mean": 1.0},  # type: ignore[arg-type]
        late_pickup_after_hour=16.0,
        late_pickup_surcharge_usd_per_h=10.0,
    )
    assert mode.late_pickup_h(15.0) == 0.0 and mode.late_pickup_h(17.75) == 1.75


def test_a_promise_in_both_clock_hours_and_business_days_is_rejected() -> None:
    message = _error(("tiers.A.promised_cycle_time_h", 30))
    assert "promised_cycle_time_h" in message and "promised_business_days" in message


def test_a_business_day_promise_must_be_at_least_one_day() -> None:
    assert "promised_business_days" in _error(("tiers.A.promised_business_days", 0))
