"""The lean event loop keeps SimPy's semantics: the same events in the same order, the same
ends of a run (``until`` a time or an event, no events left, an unhandled failure), and so the
same numbers for the same seed as :class:`simpy.Environment`."""

from __future__ import annotations

import gc
import random
import weakref
from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy

from tests.conftest import DEFAULT_SCENARIO, ROOT, call_centre
from tierwise.simulation.engine.environment import (
    LeanEnvironment,
    Step,
    delays_as_timeouts,
    fewer_collections,
)
from tierwise.simulation.engine.model import OrderCycleModel
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario

BOTH: list[Callable[[], simpy.Environment]] = [simpy.Environment, LeanEnvironment]


def process_network(
    env: simpy.Environment,
    seed: int,
    priority_resource: type[simpy.PriorityResource] = simpy.PriorityResource,
    resource: type[simpy.Resource] = simpy.Resource,
    plain_delays: bool = False,
) -> list[tuple[float, str]]:
    """A small process network with many ties in time (integer delays, zero delays, shared
    resources, withdrawn requests, conditions, process joins); returns the log of who ran
    when, in order. ``plain_delays``: the fire-and-forget jobs yield their delays as floats
    (on a stock environment through :func:`delays_as_timeouts`)."""
    rng = random.Random(seed)
    log: list[tuple[float, str]] = []
    desk = priority_resource(env, capacity=2)
    line = resource(env, capacity=1)
    signal = env.event()

    def job(k: int, wait: Callable[[float], Step]) -> Generator[Step, Any, int]:
        log.append((env.now, f"start {k}"))
        yield wait(rng.choice([0, 0, 1, 2]))
        with desk.request(priority=rng.randrange(3)) as req:
            fired = yield req | env.timeout(rng.choice([0, 1, 3]))
            log.append((env.now, f"desk {k} {'got' if req in fired else 'gave up'}"))
            if req in fired:
                yield wait(rng.choice([1, 2]))
        with line.request() as req:
            yield req
            yield wait(0)
        if k == 5:
            signal.succeed(k)
        log.append((env.now, f"end {k}"))
        return k

    # every third job is fire-and-forget: started with LeanEnvironment.start where there is one
    if isinstance(env, LeanEnvironment):
        start: Callable[[Generator[Step, Any, int]], simpy.Process] = env.start
    elif plain_delays:
        start = lambda generator: env.process(delays_as_timeouts(env, generator))  # noqa: E731
    else:
        start = env.process
    started_wait: Callable[[float], Step] = float if plain_delays else env.timeout

    def source() -> Generator[simpy.Event, Any, None]:
        children = []
        for k in range(40):
            if k % 3 == 0:
                start(job(k, started_wait))
            else:
                children.append(env.process(job(k, env.timeout)))
            yield env.timeout(rng.choice([0, 1]))
        value = yield signal
        log.append((env.now, f"signal {value}"))
        done = yield env.all_of(children)
        log.append((env.now, f"joined {sum(done.values())}"))

    env.process(source())
    env.run()
    return log


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_events_at_equal_times_run_in_the_stock_order(seed: int) -> None:
    stock = process_network(simpy.Environment(), seed)
    lean = process_network(LeanEnvironment(), seed)
    assert len(stock) > 100
    assert lean == stock


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_plain_delays_wake_a_started_process_in_the_order_of_the_timeouts_they_replace(
    seed: int,
) -> None:
    stock = process_network(simpy.Environment(), seed)
    lean = process_network(LeanEnvironment(), seed, plain_delays=True)
    adapted = process_network(simpy.Environment(), seed, plain_delays=True)
    assert len(stock) > 100
    assert lean == stock
    assert adapted == stock


def test_a_plain_delay_resumes_with_none_at_the_delayed_time() -> None:
    env = LeanEnvironment()
    log: list[tuple[float, object]] = []

    def worker() -> Generator[Step, Any, None]:
        value = yield 1.5
        log.append((env.now, value))
        value = yield env.timeout(0.5, "event")
        log.append((env.now, value))

    env.start(worker())
    env.run()
    assert log == [(1.5, None), (2.0, "event")]


def _short(name: str, **changes: Any) -> Scenario:
    return load_scenario(
        ROOT / "scenarios" / f"{name}.yaml",
        [("horizon_days", 7), ("warmup_days", 2), *changes.items()],
    )


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(lambda: _short("default"), id="default"),
        pytest.param(lambda: _short("phone_order_desk"), id="shift-blocks-and-patience"),
        pytest.param(lambda: _short("ecommerce_express"), id="ecommerce"),
        pytest.param(
            lambda: load_scenario(
                DEFAULT_SCENARIO,
                [("horizon_days", 7), ("warmup_days", 2), ("inventory.shortage", "backorder")],
            ),
            id="backorders",
        ),
        pytest.param(lambda: call_centre(agents=12), id="mmc"),
        pytest.param(
            lambda: call_centre(
                order_entry={
                    "pools": {"desk": {"agents": 10, "discipline": "fifo"}},
                    "handling_time_s": {"dist": "exponential", "mean": 180.0},
                    "patience_s": {"dist": "exponential", "mean": 60.0},
                }
            ),
            id="mmc-with-patience",
        ),
    ],
)
def test_same_seed_gives_the_same_orders_as_the_stock_loop(
    scenario: Callable[[], Scenario],
) -> None:
    sc = scenario()
    runs = []
    for make in BOTH:
        model = OrderCycleModel(sc, 1, record_orders=True, log_draws=True, environment=make)
        result = model.run()
        runs.append((result.flat(), model.records, model.draw_log, model.env.now))
    assert runs[0][1], "the run recorded no order"
    assert runs[1] == runs[0]


@pytest.mark.parametrize("make", BOTH)
def test_run_until_a_time_stops_the_clock_there(make: Callable[[], simpy.Environment]) -> None:
    env = make()
    ticks: list[float] = []

    def ticker() -> Generator[simpy.Event, Any, None]:
        while True:
            ticks.append(env.now)
            yield env.timeout(1.0)

    env.process(ticker())
    env.run(until=3.5)
    assert env.now == 3.5
    assert ticks == [0.0, 1.0, 2.0, 3.0]
    env.run(until=5)  # and resumes from there
    assert ticks == [0.0, 1.0, 2.0, 3.0, 4.0]
    with pytest.raises(ValueError, match="must be greater"):
        env.run(until=5)


@pytest.mark.parametrize("make", BOTH)
def test_run_until_an_event_returns_its_value(make: Callable[[], simpy.Environment]) -> None:
    env = make()
    done = env.event()
    later: list[str] = []

    def finisher() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(2.0)
        done.succeed("finished")
        yield env.timeout(1.0)
        later.append("after")

    env.process(finisher())
    assert env.run(until=done) == "finished"
    assert env.now == 2.0 and not later
    assert env.run(until=done) == "finished"  # already processed: returns at once
    env.run()
    assert later == ["after"]


@pytest.mark.parametrize("make", BOTH)
def test_run_until_an_event_that_never_comes_raises(make: Callable[[], simpy.Environment]) -> None:
    env = make()
    env.timeout(1.0)
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        env.run(until=env.event())


@pytest.mark.parametrize("make", BOTH)
def test_callbacks_after_the_until_event_run_when_the_run_resumes(
    make: Callable[[], simpy.Environment],
) -> None:
    env = make()
    stop = env.event()
    seen: list[str] = []
    stop.callbacks.append(lambda _: seen.append("before"))

    def trigger() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        stop.callbacks.append(lambda _: seen.append("after"))  # behind StopSimulation's
        stop.succeed()

    env.process(trigger())
    env.run(until=stop)
    assert seen == ["before"]
    env.run()
    assert seen == ["before", "after"]
    assert env.now == 1.0


@pytest.mark.parametrize("make", BOTH)
def test_an_unhandled_failure_crashes_the_run(make: Callable[[], simpy.Environment]) -> None:
    env = make()

    def broken() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        raise KeyError("boom")

    env.process(broken())
    with pytest.raises(KeyError, match="boom"):
        env.run()
    assert env.now == 1.0


@pytest.mark.parametrize("make", BOTH)
def test_a_handled_failure_does_not(make: Callable[[], simpy.Environment]) -> None:
    env = make()
    caught: list[str] = []
    failing = env.event()

    def handler() -> Generator[simpy.Event, Any, None]:
        try:
            yield failing
        except ValueError as exc:
            caught.append(str(exc))

    env.process(handler())
    env.run(until=0.5)
    failing.fail(ValueError("handled"))
    env.run()
    assert caught == ["handled"]


def test_a_started_process_still_wakes_whoever_waits_for_it() -> None:
    env = LeanEnvironment()
    log: list[tuple[float, object]] = []

    def worker() -> Generator[simpy.Event, Any, str]:
        yield env.timeout(2.0)
        return "done"

    def waiter(process: simpy.Process) -> Generator[simpy.Event, Any, None]:
        value = yield process
        log.append((env.now, value))

    started = env.start(worker())
    env.process(waiter(started))
    env.run()
    assert log == [(2.0, "done")]
    assert started.processed and started.value == "done"


def test_a_failure_in_a_started_process_crashes_the_run() -> None:
    env = LeanEnvironment()

    def broken() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        raise KeyError("boom")

    env.start(broken())
    with pytest.raises(KeyError, match="boom"):
        env.run()


def test_a_negative_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="Negative delay"):
        LeanEnvironment().timeout(-1.0)


def test_a_process_needs_a_generator() -> None:
    with pytest.raises(ValueError, match="is not a generator"):
        LeanEnvironment().process(lambda: None)  # type: ignore[arg-type]


def test_fewer_collections_spaces_out_young_collections_and_restores_the_setting() -> None:
    before = gc.get_threshold()
    with fewer_collections(50_000):
        assert gc.get_threshold() == (max(before[0], 50_000), *before[1:])
        with fewer_collections(20_000):  # nested (or another thread's run): still raised
            assert gc.get_threshold()[0] == max(before[0], 50_000)
        assert gc.get_threshold()[0] == max(before[0], 50_000)
    assert gc.get_threshold() == before
    with pytest.raises(KeyError), fewer_collections(50_000):
        raise KeyError("a failed run")
    assert gc.get_threshold() == before


def test_a_run_leaves_the_collector_as_it_found_it() -> None:
    before = gc.get_threshold()
    OrderCycleModel(call_centre(horizon_days=0.5), 0).run()
    assert gc.get_threshold() == before


def test_a_finished_started_process_is_freed_without_the_cycle_collector() -> None:
    env = LeanEnvironment()
    finished: list[weakref.ref[simpy.Process]] = []

    def worker() -> Generator[Step, Any, None]:
        yield 1.0
        yield env.timeout(1.0)

    gc.disable()
    try:
        for _ in range(3):
            finished.append(weakref.ref(env.start(worker())))
            finished.append(weakref.ref(env.start_now(worker())))
        env.run()
        assert all(ref() is None for ref in finished)
    finally:
        gc.enable()


def test_take_next_processes_only_the_event_the_loop_would_process_next() -> None:
    env = LeanEnvironment()
    log: list[tuple[float, str]] = []

    def note(what: str) -> Callable[[simpy.Event], None]:
        return lambda _: log.append((env.now, what))

    def worker() -> Generator[Step, Any, None]:
        yield 1.0
        alone = env.event()
        alone.callbacks.append(note("alone"))
        alone.succeed()
        assert env.take_next(alone)  # nothing else at 1.0: processed at once
        assert alone.processed and log == [(1.0, "alone")]
        before = env.timeout(0)
        before.callbacks.append(note("before"))
        after = env.event()
        after.callbacks.append(note("after"))
        after.succeed()
        assert not env.take_next(after)  # the timeout made before it comes first
        yield after
        log.append((env.now, "resumed"))

    env.start(worker())
    env.run()
    assert log == [(1.0, "alone"), (1.0, "before"), (1.0, "after"), (1.0, "resumed")]


def test_take_next_leaves_a_failure_to_the_loop() -> None:
    env = LeanEnvironment()
    failing = env.event()
    failing.fail(ValueError("to the waiting process"))
    assert not env.take_next(failing)
    failing.defused = True
    env.run()


def test_a_failure_after_a_plain_delay_crashes_the_run_and_can_be_handled() -> None:
    env = LeanEnvironment()

    def broken() -> Generator[Step, Any, None]:
        yield 1.0
        yield 1.0
        raise KeyError("boom")

    env.start(broken())
    with pytest.raises(KeyError, match="boom"):
        env.run()
    assert env.now == 2.0

    env = LeanEnvironment()
    caught: list[tuple[float, str]] = []

    def waiter(process: simpy.Process) -> Generator[simpy.Event, Any, None]:
        try:
            yield process
        except KeyError as failure:
            caught.append((env.now, str(failure.args[0])))

    env.process(waiter(env.start(broken())))
    env.run()
    assert caught == [(2.0, "boom")]


def test_after_a_plain_delay_a_processed_event_gives_its_value_at_once() -> None:
    env = LeanEnvironment()
    log: list[tuple[float, object]] = []
    done = env.timeout(0.5, "early")

    def worker() -> Generator[Step, Any, str]:
        yield 1.0
        value = yield done  # processed at 0.5: no wait
        log.append((env.now, value))
        value = yield env.timeout(0.25, "later")
        log.append((env.now, value))
        return "end"

    process = env.start(worker())
    env.run()
    assert log == [(1.0, "early"), (1.25, "later")]
    assert process.value == "end"
