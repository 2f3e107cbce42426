"""Shipping: the own fleet's dispatcher (cut-offs, capacity per tour, vehicles busy for their
tour, boarding order, tour costs), carrier cut-offs and the price of their pickups, and
deliveries only inside the receiving hours."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import simpy

from tests.conftest import DEFAULT_SCENARIO, OFF
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.engine.clock import is_working_day
from tierwise.simulation.engine.model import OrderCycleModel
from tierwise.simulation.engine.shipping import FleetDispatcher, Tour
from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.schema import Costs, ShippingMode


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


# ------------------------------------------------------------------ tours take their time


def test_a_vehicle_on_tour_cannot_leave_again_the_second_dispatch_waits_for_it() -> None:
    env = simpy.Environment()
    mode = _vans(vehicles=1, capacity=1, cutoffs=(10.0, 12.0)).model_copy(
        update={"tour_duration_h": 4.0}
    )
    fleet = FleetDispatcher(env, "vans", mode, calendar=None)
    first, second = fleet.board(priority=0), fleet.board(priority=0)
    env.run(until=13.0)
    assert first.triggered and not second.triggered  # 12:00: the only van is still out
    env.run(until=14.5)
    assert second.triggered
    assert fleet.tours == [Tour(10.0, 1), Tour(14.0, 1)]  # left when the van was back


def test_tours_of_one_vehicle_never_overlap_in_a_run() -> None:
    sc = load_scenario(
        DEFAULT_SCENARIO,
        [
            ("horizon_days", 8),
            ("warmup_days", 1),
            ("shipping.modes.regional.vehicles", 1),
            ("shipping.modes.regional.cutoff_hours", [10.0, 12.0, 16.0]),
            ("shipping.modes.regional.tour_duration_h", 5.0),
        ],
    )
    model = OrderCycleModel(sc, 0)
    model.run()
    assert model.shipping is not None
    departures = [t.departure_h for t in model.shipping.fleets["regional"].tours]
    assert len(departures) > 5
    gaps = [b - a for a, b in pairwise(departures)]
    assert min(gaps) >= 5.0 - 1e-9  # one van: the next tour starts after the last one ended
    assert any(d % 24 == 15.0 for d in departures)  # the 12:00 dispatch waited for the van


def test_a_free_vehicle_at_the_cut_off_leaves_on_time() -> None:
    env = simpy.Environment()
    mode = _vans(vehicles=2, capacity=1, cutoffs=(10.0, 12.0)).model_copy(
        update={"tour_duration_h": 4.0}
    )
    fleet = FleetDispatcher(env, "vans", mode, calendar=None)
    fleet.board(priority=0)
    env.run(until=11.0)
    fleet.board(priority=0)
    env.run(until=12.5)
    assert fleet.tours == [Tour(10.0, 1), Tour(12.0, 1)]  # the second van was home


def test_a_tour_costs_its_running_cost_and_driver_hours_with_overtime_past_closing() -> None:
    env = simpy.Environment()
    calendar = Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4, 5, 6))
    mode = _vans(vehicles=3, capacity=2, cutoffs=(16.0,)).model_copy(
        update={"tour_duration_h": 6.0, "cost_usd_per_tour": 50.0}
    )
    fleet = FleetDispatcher(env, "vans", mode, calendar)
    for _ in range(3):  # two vans
        fleet.board(priority=0)
    env.run(until=17.0)
    costs = Costs(driver_wage_usd_per_h=20.0, wage_loading_factor=1.25, overtime_wage_factor=1.5)
    # 16:00–22:00: 2 h regular, 4 h past closing at 1.5 × the loaded wage of $25/h
    per_van = 50.0 + (2.0 + 1.5 * 4.0) * 25.0
    assert math.isclose(fleet.tours_usd((0.0, 24.0), costs), 2 * per_van)
    assert fleet.tours_usd((17.0, 48.0), costs) == 0.0  # the tour left before the window


# ------------------------------------------------------------------ carrier pickups


def _priced_carrier(cutoffs: list[float], **mode: Any) -> Any:
    """One tier, one carrier with pickup prices, Mon–Fri calendar; every other cost zero."""
    return scenario_from_dict(
        {
            "seed": 5,
            "horizon_days": 15,
            "warmup_days": 1,
            "calendar": {"open_hour": 8, "close_hour": 18},
            "tiers": {
                "all": {"customers": 1, "orders_per_hour": 2.0, "shipping_mode": "parcel"},
                "other": {"customers": 1, "orders_per_hour": 1.0, "shipping_mode": "parcel"},
            },
            "order_entry": OFF,
            "processing": OFF,
            "picking": OFF,
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": 20.0},
                        "cutoff_hours": cutoffs,
                        **mode,
                    }
                }
            },
        }
    )


def test_a_second_pickup_raises_cost_by_exactly_its_price_per_working_day() -> None:
    price = 45.0
    one = run(_priced_carrier([16.0], cost_usd_per_pickup=price), 0)
    two = run(_priced_carrier([13.0, 16.0], cost_usd_per_pickup=price), 0)
    working_days, calendar_days = 10.0, 14.0  # window Tue 00:00 … Tue 00:00 two weeks later
    expected = price * working_days / calendar_days
    assert math.isclose(two.costs["pickups"] - one.costs["pickups"], expected)
    total = two.flat()["total.cost_per_day_usd"] - one.flat()["total.cost_per_day_usd"]
    assert math.isclose(total, expected)
    # the tiers carry it by their shipments on the mode
    tier_total = sum(m["cost_per_day_usd"] for m in two.tiers.values())
    assert math.isclose(tier_total, two.flat()["total.cost_per_day_usd"])
    assert two.tiers["all"]["cost_per_day_usd"] > 1.5 * two.tiers["other"]["cost_per_day_usd"]
    # a second pickup is a service gain, visible beside its price
    assert two.tiers["all"]["mean_cycle_time_h"] < one.tiers["all"]["mean_cycle_time_h"]


def test_a_late_pickup_pays_the_surcharge_per_hour_past_the_stated_hour() -> None:
    terms = {"late_pickup_after_hour": 16.0, "late_pickup_surcharge_usd_per_h": 40.0}
    on_time = run(_priced_carrier([16.0], **terms), 0)
    late = run(_priced_carrier([17.5], **terms), 0)
    assert on_time.costs["late_pickup_surcharge"] == 0.0
    assert math.isclose(late.costs["late_pickup_surcharge"], 1.5 * 40.0 * 10.0 / 14.0)
    assert late.costs["pickups"] == 0.0  # no pickup price given


def test_without_cut_offs_every_shipment_is_a_pickup() -> None:
    sc = _priced_carrier([], cost_usd_per_pickup=3.0)
    result, records = run_with_orders(sc, 0)
    shipped = len(records)
    assert shipped > 100
    assert math.isclose(result.costs["pickups"] * result.measured_days, 3.0 * shipped)


# ------------------------------------------------------------------ receiving hours


def _evening_van(receiving: dict[str, Any] | None) -> Any:
    """Carrier picks up at 17:00, 6 h in transit: every parcel arrives at 23:00."""
    tier: dict[str, Any] = {
        "customers": 1,
        "orders_per_hour": 1.0,
        "shipping_mode": "parcel",
        "promised_cycle_time_h": 20.0,
    }
    if receiving is not None:
        tier["receiving_hours"] = receiving
    return scenario_from_dict(
        {
            "seed": 3,
            "horizon_days": 6,
            "warmup_days": 1,
            "tiers": {"all": tier},
            "order_entry": OFF,
            "processing": OFF,
            "picking": OFF,
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": 6.0},
                        "cutoff_hours": [17.0],
                    }
                }
            },
        }
    )


def test_a_delivery_arriving_at_23_00_is_delivered_at_the_next_receiving_opening() -> None:
    every_day = [0, 1, 2, 3, 4, 5, 6]
    _, open_all_night = run_with_orders(_evening_van(None), 0)
    result, records = run_with_orders(
        _evening_van({"open_hour": 8, "close_hour": 18, "days": every_day}), 0
    )
    assert len(records) == len(open_all_night) > 50
    for always, order in zip(open_all_night, records, strict=True):
        arrival_h = always.created_h + always.cycle_time_h
        assert math.isclose(arrival_h % 24, 23.0)  # without receiving hours: 23:00
        delivered_h = order.created_h + order.cycle_time_h
        assert math.isclose(delivered_h - arrival_h, 9.0)  # the next morning at 08:00
        assert order.on_time == (order.cycle_time_h <= 20.0 + 1e-9)  # on time at the delivery
    late_now = [o for o, a in zip(records, open_all_night, strict=True) if a.on_time > o.on_time]
    assert late_now  # some orders on time at 23:00 are late at 08:00
    assert math.isclose(
        result.tiers["all"]["on_time_rate"], sum(o.on_time for o in records) / len(records)
    )


def test_receiving_days_move_a_weekend_delivery_to_monday() -> None:
    weekdays = {"open_hour": 8, "close_hour": 18, "days": [0, 1, 2, 3, 4]}
    _, records = run_with_orders(_evening_van(weekdays), 0)
    for order in records:
        delivered_h = order.created_h + order.cycle_time_h
        assert math.isclose(delivered_h % 24, 8.0)
        assert is_working_day(Calendar(open_hour=8, close_hour=18), math.floor(delivered_h / 24))
    # Friday's parcels (arrive Fri 23:00) wait for Monday 08:00
    assert any(math.isclose(o.created_h + o.cycle_time_h, 7 * 24 + 8.0) for o in records)


def test_without_calendar_or_receiving_hours_deliveries_are_accepted_at_any_time() -> None:
    _, records = run_with_orders(_evening_van(None), 0)
    assert all(math.isclose((o.created_h + o.cycle_time_h) % 24, 23.0) for o in records)


def test_prices_alone_do_not_change_service_numbers() -> None:
    overrides = [("horizon_days", 8), ("warmup_days", 1)]
    priced = run(load_scenario(DEFAULT_SCENARIO, overrides), 0)
    free = [
        ("shipping.modes.express.cost_usd_per_pickup", 0.0),
        ("shipping.modes.express.late_pickup_surcharge_usd_per_h", 0.0),
        ("shipping.modes.ground.cost_usd_per_pickup", 0.0),
        ("shipping.modes.ground.late_pickup_surcharge_usd_per_h", 0.0),
        ("shipping.modes.regional.cost_usd_per_tour", 0.0),
        ("costs.driver_wage_usd_per_h", 0.0),
        ("order_entry.pools.desk.fixed_usd_per_day", 0.0),
    ]
    unpriced = run(load_scenario(DEFAULT_SCENARIO, overrides + free), 0)
    for item in ("pickups", "late_pickup_surcharge", "tours", "desk_fixed"):
        assert priced.costs[item] > 0.0 and unpriced.costs[item] == 0.0
    for tier, metrics in priced.tiers.items():
        for name, value in metrics.items():
            if "cost" not in name:
                assert value == unpriced.tiers[tier][name] or (
                    math.isnan(value) and math.isnan(unpriced.tiers[tier][name])
                ), (tier, name)
