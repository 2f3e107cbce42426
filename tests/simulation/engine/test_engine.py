"""Engine invariants: conservation, determinism, common random numbers, monotonicity,
perfect order measured per order."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from tests.conftest import DEFAULT_SCENARIO, call_centre
from tierwise.simulation.analysis.statistics import estimate
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.engine.clock import next_open_h
from tierwise.simulation.engine.model import DrawLog, OrderCycleModel
from tierwise.simulation.experiments.replicate import run_replications
from tierwise.simulation.experiments.validation import PERFECT_ORDER_RATES, perfect_order_scenario
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario


def test_conservation_arrived_equals_completed_plus_in_progress_plus_lost(short_default) -> None:
    result = run(short_default, 0)
    for tier, m in result.tiers.items():
        assert m["orders_arrived"] > 0, tier
        assert m["orders_arrived"] == (
            m["orders_completed"] + m["orders_in_progress"] + m["orders_lost"]
        ), tier


def test_conservation_holds_when_the_drain_is_cut_short() -> None:
    sc = load_scenario(
        DEFAULT_SCENARIO, [("horizon_days", 9), ("warmup_days", 2), ("drain_days", 0.1)]
    )
    m = run(sc, 0).tiers["C"]
    assert m["orders_in_progress"] > 0  # ground transit takes ~2 days: some still travel
    assert m["orders_arrived"] == m["orders_completed"] + m["orders_in_progress"] + m["orders_lost"]


def test_same_seed_same_numbers(short_default) -> None:
    assert run(short_default, 1).flat() == run(short_default, 1).flat()
    assert run(short_default, 1).flat() != run(short_default, 2).flat()


def test_one_and_two_workers_give_identical_results(short_default) -> None:
    serial = [r.flat() for r in run_replications(short_default, range(3), workers=1)]
    parallel = [r.flat() for r in run_replications(short_default, range(3), workers=2)]
    assert serial == parallel


def test_changing_pickers_leaves_the_arrival_sequence_identical() -> None:
    base = load_scenario(DEFAULT_SCENARIO, [("horizon_days", 8), ("warmup_days", 1)])
    more = load_scenario(
        DEFAULT_SCENARIO, [("horizon_days", 8), ("warmup_days", 1), ("picking.pickers", 16)]
    )
    _, orders_a = run_with_orders(base, 0)
    _, orders_b = run_with_orders(more, 0)
    arrivals_a = sorted((o[0], o[1]) for o in orders_a)
    arrivals_b = sorted((o[0], o[1]) for o in orders_b)
    assert len(arrivals_a) > 1000
    assert arrivals_a == arrivals_b
    ra, rb = run(base, 0), run(more, 0)
    assert ra.tiers["A"]["orders_arrived"] == rb.tiers["A"]["orders_arrived"]
    # the tier served last by the pickers waits less for them (A, served first, waits mostly
    # for the opening)
    assert rb.tiers["C"]["stage_picking_h"] < ra.tiers["C"]["stage_picking_h"]


_DRAWS = (
    "damaged",
    "transit_h",
    "remainder_damaged",
    "remainder_transit_h",
    "complaint_u",
    "recovery_success",
    "recovery_h",
)


def _draw_log(pickers: int = 12, fast_reorder_point_units: int = 10_000) -> DrawLog:
    """Draws per order of the default scenario with damage likely (so a shifted damage stream
    shows in the outcomes) and the fast family's stock low enough for partial shipments."""
    overrides: list[tuple[str, object]] = [
        ("horizon_days", 10),
        ("warmup_days", 1),
        ("picking.pickers", pickers),
        ("inventory.families.fast.policy.reorder_point_units", fast_reorder_point_units),
    ]
    overrides += [(f"shipping.modes.{m}.damage_probability", 0.3) for m in MODES]
    model = OrderCycleModel(load_scenario(DEFAULT_SCENARIO, overrides), 0, log_draws=True)
    model.run()
    assert model.draw_log is not None
    return model.draw_log


MODES = ("express", "regional", "ground")


def _assert_same_draws_per_order(a: DrawLog, b: DrawLog) -> None:
    """Every draw both runs used for the same order (tier, creation index) is the same."""
    compared = dict.fromkeys(_DRAWS, 0)
    for key in a.keys() & b.keys():
        for name in a[key].keys() & b[key].keys():
            assert a[key][name] == b[key][name], (key, name, a[key][name], b[key][name])
            compared[name] += 1
    assert min(compared.values()) > 30, compared


def test_changing_pickers_leaves_every_orders_damage_complaint_and_recovery_draws_unchanged() -> (
    None
):
    few, many = _draw_log(pickers=9), _draw_log(pickers=16)
    assert list(few) != list(many)  # the orders ship in another sequence
    _assert_same_draws_per_order(few, many)


def test_a_stock_change_leaves_each_orders_damage_complaint_and_recovery_draws_unchanged() -> None:
    low = _draw_log(fast_reorder_point_units=6_000)
    high = _draw_log(fast_reorder_point_units=12_000)
    remainders_low = sum("remainder_damaged" in d for d in low.values())
    remainders_high = sum("remainder_damaged" in d for d in high.values())
    assert remainders_low > remainders_high > 30  # the stock changes which orders split
    _assert_same_draws_per_order(low, high)


def test_more_agents_never_lower_the_answer_rate_on_a_fixed_seed_set() -> None:
    rates = []
    for agents in (11, 12, 13, 14, 16):
        runs = run_replications(call_centre(agents, horizon_days=1.5), range(4))
        rates.append(np.mean([r.tiers["all"]["answered_within_target_rate"] for r in runs]))
    assert all(b >= a for a, b in itertools.pairwise(rates)), rates


def test_abandonment_appears_with_impatient_callers() -> None:
    sc = call_centre(
        10,
        horizon_days=1.0,
        order_entry={
            "pools": {"desk": {"agents": 10}},
            "handling_time_s": {"dist": "exponential", "mean": 180.0},
            "patience_s": {"dist": "exponential", "mean": 60.0},
        },
    )
    m = run(sc, 0).tiers["all"]
    assert 0.02 < m["abandonment_rate"] < 0.5
    assert m["orders_lost"] == round(m["abandonment_rate"] * m["calls_offered"])


def test_perfect_order_per_order_agrees_with_product_when_failures_are_independent() -> None:
    sc = perfect_order_scenario(seed=11, horizon_days=15)
    runs = run_replications(sc, range(10))
    product = math.prod(PERFECT_ORDER_RATES.values())
    est = estimate([r.tiers["all"]["perfect_order_rate"] for r in runs], 0.99)
    assert est.contains(product), (est, product)
    for metric, rate in PERFECT_ORDER_RATES.items():
        e = estimate([r.tiers["all"][metric] for r in runs], 0.99)
        assert e.contains(rate), (metric, e, rate)


def test_perfect_order_differs_from_product_when_failures_are_correlated() -> None:
    sc = perfect_order_scenario(seed=11, horizon_days=15, correlated=True)
    runs = run_replications(sc, range(10))
    measured = np.array([r.tiers["all"]["perfect_order_rate"] for r in runs])
    product = np.array(
        [
            math.prod(r.tiers["all"][m] for m in (*PERFECT_ORDER_RATES, "order_completeness_rate"))
            for r in runs
        ]
    )
    assert np.mean(1 - np.array([r.tiers["all"]["order_completeness_rate"] for r in runs])) > 0.02
    # incomplete orders are also late: the per-order rate is significantly above the product
    test = stats.ttest_rel(measured, product)
    assert measured.mean() > product.mean()
    assert test.pvalue < 0.001, test


PICK_H = 0.1  # six minutes per order, deterministic


def _round_the_clock_picking(calendar: dict | None) -> Scenario:
    """Orders arrive day and night; picking is the only stage; the pickers are never short."""
    return scenario_from_dict(
        {
            "seed": 3,
            "horizon_days": 7,
            "warmup_days": 0.5,
            "drain_days": 3,
            "calendar": calendar,
            "tiers": {"all": {"customers": 1, "orders_per_hour": 4.0}},
            "order_entry": {"enabled": False},
            "processing": {"enabled": False},
            "shipping": {"enabled": False},
            "picking": {
                "pickers": 20,
                "time_per_order_min": {"dist": "deterministic", "mean": PICK_H * 60},
                "time_per_line_min": {"dist": "deterministic", "mean": 0.0},
            },
        }
    )


def test_calendar_blocks_pickers_outside_operating_hours() -> None:
    calendar = Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4))
    _, orders = run_with_orders(_round_the_clock_picking(calendar.model_dump()), 0)
    after_hours = [o for o in orders if next_open_h(calendar, o.created_h) > o.created_h]
    assert len(after_hours) > 100  # nights and the weekend
    for order in orders:
        pick_start_h = order.created_h + order.cycle_time_h - PICK_H
        assert next_open_h(calendar, pick_start_h) == pytest.approx(pick_start_h), order
    for order in after_hours:  # picked only from the next opening
        assert order.created_h + order.cycle_time_h >= next_open_h(calendar, order.created_h)
    # the same orders without a calendar are picked at once, day and night
    _, open_all_hours = run_with_orders(_round_the_clock_picking(None), 0)
    assert all(o.cycle_time_h == pytest.approx(PICK_H) for o in open_all_hours)


def test_costs_are_reported_per_line_item_and_allocated_to_tiers(short_default) -> None:
    r = run(short_default, 0)
    total = sum(r.costs.values())
    allocated = sum(m["cost_per_day_usd"] for m in r.tiers.values())
    assert total > 0
    assert math.isclose(total, allocated, rel_tol=1e-9)
    assert r.costs["wages_pickers"] > 0 and r.costs["vehicles"] > 0 and r.costs["holding"] > 0
    assert 0 < r.resources["pickers"] < 1
