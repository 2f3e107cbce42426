"""The lean resources grant, queue and release exactly as SimPy's: the same queue order, the
same events at the same steps, so the same runs."""

from __future__ import annotations

import random
from collections.abc import Generator
from typing import Any

import pytest
import simpy

from tests.simulation.engine.test_environment import process_network
from tierwise.simulation.engine.environment import LeanEnvironment
from tierwise.simulation.engine.resources import LeanPriorityResource, LeanResource


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("env_class", [simpy.Environment, LeanEnvironment])
def test_a_process_network_runs_the_same_on_lean_resources(
    seed: int, env_class: type[simpy.Environment]
) -> None:
    stock = process_network(simpy.Environment(), seed)
    lean = process_network(env_class(), seed, LeanPriorityResource, LeanResource)
    assert any("gave up" in what for _, what in stock)
    assert lean == stock


def _queue_order(resource_class: type[simpy.PriorityResource], seed: int) -> list[int]:
    """Which request each grant goes to, for random priorities and ties in time."""
    rng = random.Random(seed)
    env = simpy.Environment()
    resource = resource_class(env, capacity=1)
    served: list[int] = []

    def caller(k: int, priority: int) -> Generator[simpy.Event, Any, None]:
        with resource.request(priority=priority) as request:
            yield request
            served.append(k)
            yield env.timeout(1.0)

    for k in range(60):
        env.process(caller(k, rng.randrange(3)))  # all at time 0: ties in time
    env.run()
    return served


@pytest.mark.parametrize("seed", [5, 6])
def test_priority_requests_are_served_by_priority_then_in_the_order_made(seed: int) -> None:
    stock = _queue_order(simpy.PriorityResource, seed)
    lean = _queue_order(LeanPriorityResource, seed)
    assert lean == stock
    assert sorted(stock) == list(range(60)) and stock != list(range(60))


@pytest.mark.parametrize("resource_class", [LeanResource, LeanPriorityResource])
def test_a_withdrawn_request_frees_nothing_and_is_never_granted(
    resource_class: type[simpy.Resource],
) -> None:
    env = LeanEnvironment()
    resource = resource_class(env, capacity=1)
    held = resource.request()
    waiting = resource.request()
    withdrawn = resource.request()
    withdrawn.cancel()
    resource.release(withdrawn)  # releasing a request never granted frees nothing
    assert resource.users == [held] and resource.put_queue == [waiting]
    resource.release(held)
    env.run()
    assert resource.users == [waiting] and not withdrawn.triggered
    assert waiting.usage_since == 0


def _skipped_release_log(
    env: simpy.Environment, resource_class: type[simpy.Resource]
) -> list[tuple[float, str]]:
    """A release made while nobody waits, then, in the same instant, a request granted at
    once, one that waits, and a second release: the first release grants the waiting one."""
    resource = resource_class(env, capacity=2)
    log: list[tuple[float, str]] = []

    # zero delays order the wake-ups at time 1: first, the two callers, second
    def holder(name: str, zero_delays: int) -> Generator[simpy.Event, Any, None]:
        request = resource.request()
        yield request
        for _ in range(zero_delays):
            yield env.timeout(0)
        yield env.timeout(1)
        resource.release(request)  # the first: nobody waits; the second: one waits
        log.append((env.now, f"{name} released"))

    def caller(name: str) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(0)
        yield env.timeout(1)
        request = resource.request()
        yield request
        log.append((env.now, f"{name} served"))
        yield env.timeout(0)
        log.append((env.now, f"{name} after a zero delay"))

    env.process(holder("first", 0))
    env.process(caller("granted at once"))
    env.process(caller("waiting"))
    env.process(holder("second", 2))
    env.run()
    return log


def test_a_skipped_release_still_grants_a_request_that_waits_in_the_same_instant() -> None:
    stock = _skipped_release_log(simpy.Environment(), simpy.Resource)
    lean = _skipped_release_log(LeanEnvironment(), LeanResource)
    assert lean == stock
    # SimPy: the first release grants "waiting" before "granted at once" resumes, so its
    # zero delay comes after "waiting" is served
    order = [what for _, what in stock]
    assert order.index("waiting served") < order.index("granted at once after a zero delay")
