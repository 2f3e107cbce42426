"""Inventory: the pure replenishment policies, the (s, Q) replenishment rate in a run, the
three shortage rules (lost, partial, backorder) and stock rationing by tier (critical levels)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import simpy

from tests.conftest import DEFAULT_SCENARIO, OFF
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.engine.inventory import (
    BaseStockPolicy,
    PeriodicReviewPolicy,
    ReorderPointPolicy,
    StockPoint,
    policy_from_spec,
)
from tierwise.simulation.scenario.inventory_schema import InventoryFamily, InventoryPolicy
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
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


# ------------------------------------------------------------------ stock rationing by tier


def _rationed_point(
    reserve_units: dict[str, int], initial: int, lot: int, reorder_point: int
) -> tuple[simpy.Environment, StockPoint]:
    family = InventoryFamily(
        policy=InventoryPolicy(
            kind="sQ", reorder_point_units=reorder_point, order_quantity_units=lot
        ),
        lead_time_days={"dist": "deterministic", "mean": 1 / 24},
        unit_value_usd=1.0,
        initial_units=initial,
        reserve_units=reserve_units,
    )
    env = simpy.Environment()
    return env, StockPoint(env, family, lambda: 1.0, (0.0, 100.0))


def test_a_rationed_tier_takes_stock_only_down_to_its_reserve() -> None:
    # lost sales, no replenishment: 10 units, 4 of them kept back from C
    _, point = _rationed_point({"C": 4}, initial=10, lot=10, reorder_point=-1)
    assert point.demand(6, True, keep_short=False, tier="C") is None  # 10 - 6 = 4 >= 4
    assert point.demand(1, True, keep_short=False, tier="C") is not None  # 4 - 1 < 4: lost
    assert point.on_hand == 4.0
    assert point.demand(4, True, keep_short=False, tier="A") is None  # A may take the reserve
    assert point.on_hand == 0.0
    assert (point.demand_lines, point.filled_lines, point.shortage_units) == (3, 2, 1.0)


def test_a_lower_tiers_backorder_is_covered_only_above_its_reserve() -> None:
    # C takes 6 of 10 and waits for 2; A takes the 4 reserved units and waits for 2; the
    # position (-4) orders two lots of 3, both delivered after 1 h.
    env, point = _rationed_point({"C": 4}, initial=10, lot=3, reorder_point=0)
    c_covered = point.demand(8, True, keep_short=True, tier="C")
    a_covered = point.demand(6, True, keep_short=True, tier="A")
    assert c_covered is not None and a_covered is not None
    assert point.on_hand == 0.0 and point.backordered == 4.0
    env.run(until=2.0)
    # first lot: C (first in line) gets nothing below its reserve, A behind it gets 2;
    # second lot: on hand 1 + 3 = 4, still not above C's reserve
    assert a_covered.triggered and not c_covered.triggered
    assert point.on_hand == 4.0 and point.backordered == 2.0


def _scarce_default(reserve_c: int, **overrides: Any) -> Scenario:
    """The default scenario with about half its reorder points, so that stock runs out."""
    given = {
        "horizon_days": 12,
        "warmup_days": 3,
        "inventory.families.fast.policy.reorder_point_units": 10_000,
        "inventory.families.slow.policy.reorder_point_units": 20_000,
        "inventory.families.fast.reserve_units": {"C": reserve_c},
        "inventory.families.slow.reserve_units": {"C": reserve_c},
        **overrides,
    }
    return load_scenario(DEFAULT_SCENARIO, list(given.items()))


def test_a_reserve_of_zero_reproduces_the_unrationed_numbers_with_the_same_seed() -> None:
    plain = load_scenario(
        DEFAULT_SCENARIO,
        [
            ("horizon_days", 12),
            ("warmup_days", 3),
            ("inventory.families.fast.policy.reorder_point_units", 10_000),
            ("inventory.families.slow.policy.reorder_point_units", 20_000),
        ],
    )
    zero = _scarce_default(0, **{"inventory.families.fast.reserve_units": {"A": 0, "C": 0}})
    assert zero.content_hash != plain.content_hash
    unrationed, rationed = run(plain, 0), run(zero, 0)
    assert unrationed.tiers["A"]["line_fill_rate"] < 0.9  # the stock does run out
    assert rationed.tiers == unrationed.tiers
    assert rationed.inventory == unrationed.inventory
    assert rationed.costs == unrationed.costs


@pytest.mark.parametrize("shortage", ["lost", "partial"])
def test_a_reserve_above_the_largest_stock_gives_the_lower_tier_nothing_from_stock(
    shortage: str,
) -> None:
    # lost sales keep on hand <= s + Q (the initial stock); with backorders (partial) the
    # position falls with C's waiting lines and stock can grow, so the reserve is the cap
    largest = {"lost": 10_000 + 30_000, "partial": 10**12}[shortage]
    result = run(_scarce_default(largest, **{"inventory.shortage": shortage}), 0)
    assert result.tiers["C"]["line_fill_rate"] == 0.0
    assert result.tiers["C"]["orders_arrived"] > 100
    assert result.tiers["A"]["line_fill_rate"] > 0.9


def test_the_higher_tiers_fill_rate_rises_with_the_lower_tiers_reserve() -> None:
    reserves = [0, 4_000, 8_000, 16_000]
    results = [run(_scarce_default(r), 0) for r in reserves]
    fill_a = [r.tiers["A"]["line_fill_rate"] for r in results]
    fill_c = [r.tiers["C"]["line_fill_rate"] for r in results]
    assert all(a < b for a, b in itertools.pairwise(fill_a)), fill_a
    assert all(a > b for a, b in itertools.pairwise(fill_c)), fill_c
    assert fill_a[-1] - fill_a[0] > 0.05
