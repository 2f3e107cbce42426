"""A tier's arrivals: the lean chain of wake-ups creates the same orders at the same times, in
the same order of events, as the arrivals process on SimPy's own environment."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.engine.arrivals import ArrivalStream
from tierwise.simulation.engine.environment import LeanEnvironment, Step, delays_as_timeouts
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.tier import TierRun
from tierwise.simulation.scenario.loading import load_scenario

WINDOW = (0.0, 7 * 24.0)


def _arrivals_log(env: simpy.Environment) -> list[tuple[float, str]]:
    """Who ran when: each order's creation and its first step (a zero delay on)."""
    scenario = load_scenario(DEFAULT_SCENARIO)
    tier = TierRun("A", scenario.tiers["A"], scenario, 0)
    log: list[tuple[float, str]] = []
    ended: list[float] = []

    def new_order(tier: TierRun, now_h: float) -> Order:
        order = Order(tier, tier.orders_created, now_h, True)
        tier.orders_created += 1
        log.append((now_h, f"created {order.index}"))
        return order

    def cycle(order: Order) -> Generator[Step, Any, None]:
        log.append((env.now, f"first step {order.index}"))
        yield 0.0
        log.append((env.now, f"after zero delay {order.index}"))

    def start(generator: Generator[Step, Any, None]) -> simpy.Process:
        if isinstance(env, LeanEnvironment):
            return env.start(generator)
        return env.process(delays_as_timeouts(env, generator))

    stream = ArrivalStream(env, tier, WINDOW, new_order, cycle, start, lambda: ended.append(1))
    if isinstance(env, LeanEnvironment):
        stream.begin()
    else:
        start(stream.process())
    env.run()
    assert ended == [1]
    return log


def test_the_lean_arrivals_create_the_same_orders_in_the_same_order_of_events() -> None:
    stock = _arrivals_log(simpy.Environment())
    lean = _arrivals_log(LeanEnvironment())
    assert len(stock) > 300
    assert lean == stock
    assert all(WINDOW[0] <= t < WINDOW[1] for t, _ in stock)
