"""Inventory: the pure replenishment policies, the (s, Q) replenishment rate in a run, and the
three shortage rules (lost, partial, backorder)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.conftest import OFF
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.engine.inventory import (
    BaseStockPolicy,
    PeriodicReviewPolicy,
    ReorderPointPolicy,
    policy_from_spec,
)
from tierwise.simulation.scenario.inventory_schema import InventoryPolicy
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario

TRANSIT_H = 1.0
REPLENISHED_H = 48.0  # the 'late' family's only replenishment arrives after 2 days


def test_sq_orders_nothing_above_the_reorder_point() -> None:
    policy = ReorderPointPolicy(reorder_point_units=100.0, lot_units=40.0)
    assert policy.order_quantity(100.5) == 0.0
    assert policy.orders(101.0) == []


def test_sq_orders_one_lot_at_the_reorder_point() -> None:
    policy = ReorderPointPolicy(reorder_point_units=100.0, lot_units=40.0)
    assert policy.order_quantity(100.0) == 40.0
    assert policy.orders(100.0) == [40.0]


def test_sq_orders_as_many_lots_as_lift_the_position_above_the_reorder_point() -> None:
    policy = ReorderPointPolicy(reorder_point_units=100.0, lot_units=40.0)
    assert policy.order_quantity(100.0 - 2.5 * 40.0) == 3 * 40.0  # 0 → 120 > 100
    assert policy.order_quantity(100.0 - 2 * 40.0) == 3 * 40.0  # 20 → 140 (60, 100 are not > s)
    assert policy.orders(-30.0) == [40.0] * 4  # -30 → 130
    for position in range(-200, 101):
        after = position + policy.order_quantity(float(position))
        assert 100.0 < after <= 140.0, position


def test_base_stock_orders_the_gap_to_the_base_stock() -> None:
    policy = BaseStockPolicy(base_stock_units=50.0)
    assert policy.order_quantity(42.0) == 8.0
    assert policy.orders(-5.0) == [55.0]
    assert policy.order_quantity(50.0) == 0.0 and policy.orders(60.0) == []


def test_periodic_review_orders_up_to_the_level_at_each_review() -> None:
    policy = policy_from_spec(
        InventoryPolicy(kind="periodic", base_stock_units=300, review_period_days=7)
    )
    assert policy == PeriodicReviewPolicy(base_stock_units=300.0, review_period_h=168.0)
    assert policy.order_quantity(120.0) == 180.0
    assert policy.target_units == 300.0


def test_sq_spec_becomes_the_pure_policy_with_target_s_plus_q() -> None:
    policy = policy_from_spec(
        InventoryPolicy(kind="sQ", reorder_point_units=200, order_quantity_units=500)
    )
    assert policy == ReorderPointPolicy(200.0, 500.0)
    assert policy.target_units == 700.0 and policy.review_period_h is None


def _stock_scenario(
    shortage: str, families: dict[str, Any], mix: dict[str, float], **tier: Any
) -> Scenario:
    return scenario_from_dict(
        {
            "seed": 5,
            "horizon_days": 4,
            "warmup_days": 0,
            "drain_days": 5,
            "tiers": {
                "all": {
                    "customers": 1,
                    "orders_per_hour": 6.0,
                    "family_mix": mix,
                    "shipping_mode": "parcel",
                    **tier,
                }
            },
            "order_entry": OFF,
            "processing": OFF,
            "picking": OFF,
            "inventory": {"shortage": shortage, "families": families},
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": TRANSIT_H},
                        "cost_usd_per_shipment": 1.0,
                    }
                }
            },
            "costs": {"expediting_usd_per_shipment": 1000.0},
        }
    )


def _family(policy: dict[str, Any], initial: int, lead_days: float) -> dict[str, Any]:
    return {
        "policy": policy,
        "lead_time_days": {"dist": "deterministic", "mean": lead_days},
        "unit_value_usd": 1.0,
        "initial_units": initial,
    }


#: Never any stock: no initial units and s = -1, so nothing is ever reordered.
EMPTY = _family({"kind": "sQ", "reorder_point_units": -1, "order_quantity_units": 10}, 0, 1)
#: Plenty of stock all the time.
STOCKED = _family({"kind": "base_stock", "base_stock_units": 10**7}, 10**7, 1)
#: Empty until one replenishment of 10^7 units, ordered at time 0, arrives after two days.
LATE = _family(
    {"kind": "sQ", "reorder_point_units": 0, "order_quantity_units": 10**7}, 0, REPLENISHED_H / 24
)


def test_lost_shortage_loses_every_line_when_there_is_no_stock() -> None:
    sc = _stock_scenario("lost", {"empty": EMPTY}, {"empty": 1.0})
    r = run(sc, 0)
    m = r.tiers["all"]
    assert m["orders_completed"] > 100
    assert m["line_fill_rate"] == 0.0
    assert m["order_completeness_rate"] == 0.0
    assert r.inventory["empty"]["replenishments"] == 0.0
    assert r.costs["shipping_and_recovery"] == 0.0  # nothing left to ship
    assert m["mean_cycle_time_h"] == 0.0  # the order ends when its lines are lost


def test_partial_shortage_ships_stock_on_hand_now_and_the_rest_after_replenishment() -> None:
    sc = _stock_scenario(
        "partial",
        {"stocked": STOCKED, "late": LATE},
        {"stocked": 0.5, "late": 0.5},
        lines_per_order={"dist": "deterministic", "mean": 3},
    )
    result, records = run_with_orders(sc, 0)
    incomplete = [o for o in records if not o.complete]
    complete = [o for o in records if o.complete]
    assert len(incomplete) > 50 and len(complete) > 50
    for order in incomplete:  # short lines follow once the replenishment is in
        assert order.created_h < REPLENISHED_H
        assert order.created_h + order.cycle_time_h >= REPLENISHED_H + TRANSIT_H - 1e-9
    for order in complete:  # everything on hand: shipped at once
        assert order.cycle_time_h == pytest.approx(TRANSIT_H)
    # every remainder is an expedited extra shipment
    direct_usd = result.costs["shipping_and_recovery"] * result.measured_days
    assert direct_usd >= 1001.0 * len(incomplete)
    assert result.tiers["all"]["stage_stock_wait_h"] > 0


def test_partial_shortage_adds_one_expedited_shipment_per_short_order_to_lost() -> None:
    sc = _stock_scenario(
        "partial",
        {"stocked": STOCKED, "late": LATE},
        {"stocked": 0.5, "late": 0.5},
        lines_per_order={"dist": "deterministic", "mean": 3},
    )
    lost = run(
        _stock_scenario(
            "lost",
            {"stocked": STOCKED, "late": LATE},
            {"stocked": 0.5, "late": 0.5},
            lines_per_order={"dist": "deterministic", "mean": 3},
        ),
        0,
    )
    partial = run(sc, 0)
    # same orders, same first shipments; partial adds one expedited shipment per short order
    first_usd = lost.costs["shipping_and_recovery"] * lost.measured_days
    partial_usd = partial.costs["shipping_and_recovery"] * partial.measured_days
    short_orders = (1 - partial.tiers["all"]["order_completeness_rate"]) * partial.tiers["all"][
        "orders_completed"
    ]
    assert math.isclose(partial_usd - first_usd, 1001.0 * round(short_orders))


def test_backorder_holds_the_whole_order_until_the_stock_arrives() -> None:
    sc = _stock_scenario(
        "backorder",
        {"stocked": STOCKED, "late": LATE},
        {"stocked": 0.5, "late": 0.5},
        lines_per_order={"dist": "deterministic", "mean": 3},
    )
    result, records = run_with_orders(sc, 0)
    m = result.tiers["all"]
    assert m["order_completeness_rate"] == 1.0  # complete, but late
    assert m["line_fill_rate"] < 0.9
    # one shipment per order, never an expedited one
    assert result.costs["shipping_and_recovery"] * result.measured_days == len(records)
    waited = [o for o in records if o.cycle_time_h > TRANSIT_H + 1e-9]
    assert len(waited) > 50
    for order in waited:
        assert order.created_h + order.cycle_time_h >= REPLENISHED_H + TRANSIT_H - 1e-9


def test_sq_replenishes_about_demand_over_q_times() -> None:
    lot = 500
    sc = scenario_from_dict(
        {
            "seed": 9,
            "horizon_days": 21,
            "warmup_days": 1,
            "drain_days": 0,
            "tiers": {
                "all": {
                    "customers": 1,
                    "orders_per_hour": 10.0,
                    "units_per_line": {"dist": "deterministic", "mean": 5},
                    "family_mix": {"f": 1.0},
                }
            },
            "order_entry": OFF,
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
            "inventory": {
                "families": {
                    "f": _family(
                        {"kind": "sQ", "reorder_point_units": 300, "order_quantity_units": lot},
                        800,
                        0.25,
                    )
                }
            },
        }
    )
    r = run(sc, 0)
    demand_units = r.tiers["all"]["orders_arrived"] * 5  # one line of 5 units per order
    expected = demand_units / lot
    assert expected > 40
    assert abs(r.inventory["f"]["replenishments"] - expected) <= 2
    assert r.inventory["f"]["line_fill_rate"] > 0.95  # s covers the lead-time demand (~300)
