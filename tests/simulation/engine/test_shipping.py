"""Shipping: the own fleet's dispatcher (cut-offs, capacity per tour, vehicles, boarding order)
and carrier cut-offs."""

from __future__ import annotations

import math
from typing import Any

import simpy

from tests.conftest import DEFAULT_SCENARIO, OFF
from tierwise.simulation.engine import run_with_orders
from tierwise.simulation.engine.clock import is_working_day
from tierwise.simulation.engine.model import OrderCycleModel
from tierwise.simulation.engine.shipping import FleetDispatcher, Tour
from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.schema import Calendar, ShippingMode


def _vans(
    vehicles: int = 2, capacity: int = 3, cutoffs: tuple[float, ...] = (16.0,)
) -> ShippingMode:
    return ShippingMode(
        kind="fleet",
        transit_time_h=Distribution(dist="deterministic", mean=1.0),
        cutoff_hours=cutoffs,
        vehicles=vehicles,
        vehicle_capacity_orders=capacity,
    )


def test_fleet_leaves_at_the_cut_off_with_at_most_vehicles_times_capacity_orders() -> None:
    env = simpy.Environment()
    fleet = FleetDispatcher(env, "vans", _vans(vehicles=2, capacity=3), calendar=None)
    departed = [fleet.board(priority=0) for _ in range(8)]
    env.run(until=15.9)
    assert not any(e.triggered for e in departed)  # nobody leaves before the cut-off
    env.run(until=16.5)
    assert fleet.tours == [Tour(16.0, 6)]
    assert [e.triggered for e in departed] == [True] * 6 + [False] * 2  # first come first
    env.run(until=40.5)
    assert fleet.tours == [Tour(16.0, 6), Tour(40.0, 2)]  # the rest leave the next day
    assert fleet.waiting == 0


def test_fleet_boards_higher_priority_first_then_first_come() -> None:
    env = simpy.Environment()
    fleet = FleetDispatcher(env, "vans", _vans(vehicles=1, capacity=3), calendar=None)
    low = [fleet.board(priority=2) for _ in range(3)]
    high = [fleet.board(priority=0) for _ in range(2)]
    env.run(until=17)
    assert all(e.triggered for e in high)
    assert [e.triggered for e in low] == [True, False, False]


def test_fleet_uses_only_the_vehicles_it_needs_and_skips_empty_cut_offs() -> None:
    env = simpy.Environment()
    fleet = FleetDispatcher(env, "vans", _vans(vehicles=4, capacity=5, cutoffs=(10.0, 16.0)), None)
    for _ in range(7):
        fleet.board(priority=0)
    env.run(until=48)
    assert fleet.tours == [Tour(10.0, 7)]  # one tour; later cut-offs had nobody waiting
    assert fleet.tours[0].vehicles_used(5) == 2


def test_fleet_does_not_dispatch_on_days_off() -> None:
    env = simpy.Environment()
    calendar = Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4))
    fleet = FleetDispatcher(env, "vans", _vans(), calendar)
    friday_evening = 4 * 24 + 17.0
    env.run(until=friday_evening)
    fleet.board(priority=0)
    env.run(until=8 * 24)
    assert [t.departure_h for t in fleet.tours] == [7 * 24 + 16.0]  # Monday 16:00


def test_fleet_tours_in_a_run_leave_at_cut_offs_of_working_days_within_capacity() -> None:
    sc = load_scenario(
        DEFAULT_SCENARIO,
        [
            ("horizon_days", 10),
            ("warmup_days", 1),
            ("shipping.modes.regional.vehicles", 2),
            ("shipping.modes.regional.vehicle_capacity_orders", 40),
        ],
    )
    model = OrderCycleModel(sc, 0)
    model.run()
    assert model.shipping is not None
    fleet = model.shipping.fleets["regional"]
    assert len(fleet.tours) >= 5
    assert max(t.orders for t in fleet.tours) == 80  # demand exceeds capacity: full tours
    for tour in fleet.tours:
        assert tour.orders <= 2 * 40
        assert tour.vehicles_used(40) <= 2
        assert math.isclose(tour.departure_h % 24, 16.0)
        assert is_working_day(sc.calendar, math.floor(tour.departure_h / 24))
    departures = [t.departure_h for t in fleet.tours]
    assert departures == sorted(set(departures))  # one departure per cut-off


def _carrier_scenario(cutoffs: list[float]) -> Any:
    return scenario_from_dict(
        {
            "seed": 2,
            "horizon_days": 3,
            "warmup_days": 0.5,
            "tiers": {"all": {"customers": 1, "orders_per_hour": 3.0, "shipping_mode": "parcel"}},
            "order_entry": OFF,
            "processing": OFF,
            "picking": OFF,
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": 5.0},
                        "cutoff_hours": cutoffs,
                    }
                }
            },
        }
    )


def test_carrier_takes_a_packed_order_at_the_next_cut_off() -> None:
    _, records = run_with_orders(_carrier_scenario([12.0]), 0)
    assert len(records) > 50
    for order in records:
        handed_over_h = order.created_h + order.cycle_time_h - 5.0
        assert math.isclose(handed_over_h % 24, 12.0, abs_tol=1e-9)
        assert handed_over_h >= order.created_h
        assert handed_over_h - order.created_h <= 24.0


def test_carrier_without_cut_offs_ships_at_once() -> None:
    _, records = run_with_orders(_carrier_scenario([]), 0)
    assert all(math.isclose(o.cycle_time_h, 5.0) for o in records)
