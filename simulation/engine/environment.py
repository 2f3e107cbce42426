"""A leaner SimPy event loop: the same events in the same order, fewer Python frames per event.

:class:`LeanEnvironment` is a :class:`simpy.Environment` whose :meth:`~LeanEnvironment.run`
inlines :meth:`simpy.Environment.step` (pop the next event, advance the clock, run its
callbacks, raise an undefused failure) in one loop with hoisted locals, and whose
:meth:`~LeanEnvironment.timeout` and :meth:`~LeanEnvironment.process` build their events
without a constructor call and push them onto the heap directly. Every event gets the same
heap key ``(time, priority, event id, event)`` from the same counter as with the stock
environment, so events at equal times are processed in the same order and a run gives the
same numbers for the same seed (tested against :class:`simpy.Environment`).

For the engine's own processes it offers more, each keeping the order of events:
:meth:`~LeanEnvironment.start` (a process nothing waits for, which may yield plain delays,
woken by the loop itself: :class:`_Wake`), :meth:`~LeanEnvironment.start_now` (its first step
at once) and :meth:`~LeanEnvironment.take_next` (process an event now if it is next). The
loop keeps the key it processes (``_key``), which the lean resources compare with the keys of
the releases they did not schedule. :func:`delays_as_timeouts` runs a process yielding plain
delays on any SimPy environment.

:func:`fewer_collections` spaces out the cyclic garbage collector's passes while a run's
events are processed (a setting of the interpreter, restored afterwards; it changes no number).

It relies on SimPy's private ``_queue``, ``_now`` and ``_eid`` and on the attributes of its
events (``callbacks``, ``_value``, ``_ok``, ``_defused``, ``_generator``, ``_target``), as
they are in the SimPy versions the project supports (``simpy>=4.1,<5``).
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from functools import partial
from heapq import heappop, heappush
from types import MethodType
from typing import Any

import simpy
from simpy.core import EmptySchedule, SimTime, StopSimulation
from simpy.events import NORMAL, URGENT, AllOf, AnyOf, Event, Initialize, Process, Timeout

__all__ = ["WOKEN", "LeanEnvironment", "Step", "delays_as_timeouts", "fewer_collections"]

#: What a started process yields: an event to wait for, or a plain delay (hours, a float).
Step = Event | float

_new = object.__new__
_gc_lock = threading.Lock()
_gc_users = 0  # runs inside fewer_collections now (threads)
_gc_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections(young_threshold: int) -> Iterator[None]:
    """Collect young objects every ``young_threshold`` allocations (at least) inside the block.

    The interpreter's thresholds are restored when the last block still open (of any thread)
    ends. Garbage collection frees only reference cycles, which change no simulated number.

    Parameters
    ----------
    young_threshold : int
        Net allocations of container objects between two collections of the youngest
        generation (Python's default is 700).
    """
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], young_threshold), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


class LeanEnvironment(simpy.Environment):
    """A :class:`simpy.Environment` with an inlined event loop (same semantics, same order).

    Parameters
    ----------
    initial_time : float
        The clock's start (hours in the engine).
    """

    def __init__(self, initial_time: SimTime = 0) -> None:
        super().__init__(initial_time)
        #: the heap key of the event (or wake-up) being processed; before any, one below all
        self._key: tuple[Any, ...] = (-math.inf, URGENT, -1, None)
        # simpy binds its event classes to an instance of its own class only; bind the ones
        # this class does not redefine, so that ``env.event()`` costs no descriptor per call
        self.event = MethodType(Event, self)  # type: ignore[method-assign]
        self.all_of = MethodType(AllOf, self)  # type: ignore[method-assign]
        self.any_of = MethodType(AnyOf, self)  # type: ignore[method-assign]
        # and the lean constructors likewise (an instance attribute: no bound method per call)
        self.timeout = self.timeout  # type: ignore[method-assign]
        self.process = self.process  # type: ignore[method-assign]
        self.start = self.start  # type: ignore[method-assign]
        self.start_now = self.start_now  # type: ignore[method-assign]
        self.take_next = self.take_next  # type: ignore[method-assign]

    def timeout(self, delay: SimTime = 0, value: Any | None = None) -> Timeout:
        """A :class:`simpy.Timeout` of ``delay`` (as ``simpy.Environment.timeout``)."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        event = _new(Timeout)
        event.env = self
        event.callbacks = []
        event._value = value
        event._delay = delay
        event._ok = True
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), event))
        return event

    def process(self, generator: Any) -> Process:
        """Start a :class:`simpy.Process` running ``generator`` (as
        ``simpy.Environment.process``: its start is an urgent event now)."""
        return self._launch(_new(Process), generator)

    def start(self, generator: Any) -> Process:
        """Start a process that no other process waits for (a fire-and-forget order cycle).

        As :meth:`process`, except that

        - its end is not an event when nothing waits for it by then: SimPy would schedule
          one, with no callback, at the same instant (processing it does nothing). The events
          left keep their order (their ids keep their order), so a run gives the same numbers;
        - it may yield a plain delay (a ``float``, hours) instead of ``env.timeout(delay)``:
          the process is woken after it with the heap key the timeout would have had, but
          without a :class:`simpy.Timeout` (no event object, no callback list; the loop
          resumes the process directly).
        """
        process: _Unawaited = self._launch(_new(_Unawaited), generator)  # type: ignore[assignment]
        process._wake = _Wake.of(process)
        return process

    def start_now(self, generator: Any) -> Process:
        """Start a process as :meth:`start` does, but run its first step at once instead of at
        its start event.

        The same as :meth:`start` when that start event would be the next event processed:
        when the caller is the only callback of an event (or a wake-up) and schedules nothing
        urgent before it (an urgent event of the current instant goes before every other
        event left, the earlier urgent ones of the instant are already processed).
        """
        process = _new(_Unawaited)
        process.env = self
        process.callbacks = []
        process._generator = generator
        process._wake = _Wake.of(process)
        process._resume(WOKEN)
        return process

    def take_next(self, event: Event) -> bool:
        """Process ``event`` now if it is the next event the loop would process; whether it was.

        A process about to wait for ``event`` (e.g. a request granted at once) calls it where
        it would yield: when ``event`` is next, nothing happens between the end of this step
        and its processing, so processing it now (its callbacks, as the loop would) and going
        on without yielding changes no order of events.
        """
        queue = self._queue
        if not queue or queue[0][3] is not event or not event._ok:
            return False  # (a failure goes the loop's way: thrown into the waiting process)
        self._key = heappop(queue)
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        for callback in callbacks:
            callback(event)
        return True

    def _launch(self, process: Process, generator: Any) -> Process:
        if not hasattr(generator, "throw"):
            raise ValueError(f"{generator} is not a generator.")
        process.env = self
        process.callbacks = []
        process._generator = generator
        start = _new(Initialize)
        start.env = self
        start.callbacks = [process._resume]
        start._value = None
        start._ok = True
        heappush(self._queue, (self._now, URGENT, next(self._eid), start))
        process._target = start
        return process

    def run(self, until: SimTime | Event | None = None) -> Any | None:
        """Process events until ``until`` (as :meth:`simpy.Environment.run`).

        ``None``: until no event is left; an event: until it is processed (its value is
        returned; :exc:`RuntimeError` if the events run out first); a number: until the
        clock reaches it.
        """
        if until is not None:
            if not isinstance(until, Event):
                at: SimTime = until if isinstance(until, int) else float(until)
                if at <= self._now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self._now)
            elif until.callbacks is None:
                return until.value
            until.callbacks.append(StopSimulation.callback)
        try:
            self._loop()
        except StopSimulation as stop:
            return stop.args[0]  # the value of ``until``
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
        return None

    def _loop(self) -> None:
        """``simpy.Environment.step`` until an exception ends it (StopSimulation,
        EmptySchedule, or an event that failed and was not defused)."""
        queue, eid = self._queue, self._eid
        pop = heappop
        while queue:
            # the key processed now is kept (lean resources compare their skipped releases)
            self._key = key = pop(queue)
            self._now = key[0]
            event: Any = key[3]  # an event, or a wake-up (a callable)
            kind = event.__class__
            if kind is _Wake:  # a started process woken after a plain delay: its step, here
                process = event.process
                self._active_proc = process
                try:
                    target = event()  # generator.send(None)
                except StopIteration as stop:
                    process._ended(stop)
                except BaseException as failure:
                    failure.__traceback__ = failure.__traceback__.tb_next  # type: ignore[union-attr]
                    process._failed(failure)
                else:
                    if target.__class__ is float:  # the next plain delay
                        heappush(queue, (key[0] + target, NORMAL, next(eid), event))
                    else:
                        process._go_on(target)
                self._active_proc = None
                continue
            if kind is partial:  # a wake-up of the engine's own (an arrival, a timer)
                event()
                continue
            # callbacks are detached first (a callback may not add to a processed event)
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                # the remaining callbacks run when the simulation resumes
                event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                self.schedule(event, -1)  # type: ignore[arg-type]
                raise
            if not event._ok and not hasattr(event, "_defused"):
                # a failure nobody handled crashes the run (a copy with a new traceback)
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        raise EmptySchedule


def delays_as_timeouts(env: simpy.Environment, generator: Generator[Any, Any, Any]) -> Any:
    """Run ``generator``, which may yield plain delays (``float`` hours, as a process started
    with :meth:`LeanEnvironment.start` may), as a process of any SimPy environment: each
    delay becomes ``env.timeout(delay)``, everything else passes through.

    The timeout is made when the delay is yielded, so its heap key is the one the lean
    environment gives the delay (a test hook: the engine on ``simpy.Environment``).
    """
    value: Any = None
    failure: BaseException | None = None
    while True:
        try:
            target = generator.send(value) if failure is None else generator.throw(failure)
        except StopIteration as stop:
            return stop.value
        if target.__class__ is float:
            target = env.timeout(target)
        failure = None
        try:
            value = yield target
        except BaseException as exc:  # a failed event: the process handles it, or fails
            failure = exc


class _Woken(Event):
    """The pseudo-event a process woken after a plain delay resumes with: ok, value None."""

    def __init__(self) -> None:
        self._ok = True
        self._value = None
        self.callbacks = None  # type: ignore[assignment]


#: What a started process resumes with after a plain delay (``yield delay``).
WOKEN: Event = _Woken()


class _Unawaited(Process):
    """A process whose end is an event only if something waits for it, and which may yield
    plain delays (see :meth:`LeanEnvironment.start`); otherwise exactly :class:`simpy.Process`."""

    #: resumes the process after a plain delay (a :class:`_Wake`; dropped when the process
    #: ends, so that the process and it form no reference cycle then)
    _wake: _Wake | None

    def _resume(self, event: Event) -> None:
        env = self.env
        env._active_proc = self
        generator = self._generator
        while True:
            try:
                if event._ok:
                    event = generator.send(event._value)
                else:  # the process handles the failed event, or fails itself
                    event._defused = True
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    event = generator.throw(exc)
            except StopIteration as stop:
                event = None  # type: ignore[assignment]
                self._ended(stop)
                break
            except BaseException as failure:
                event = None  # type: ignore[assignment]
                failure.__traceback__ = failure.__traceback__.tb_next  # type: ignore[union-attr]
                self._failed(failure)
                break
            if event.__class__ is float:  # a plain delay: woken after it (see start)
                heappush(env._queue, (env._now + event, NORMAL, next(env._eid), self._wake))
                event = WOKEN
                break
            try:
                if event.callbacks is not None:  # wait for the event
                    event.callbacks.append(self._resume)
                    break
            except AttributeError:
                if hasattr(event, "callbacks"):
                    raise
                raise RuntimeError(f'Invalid yield value "{event}"') from None
        self._target = event
        env._active_proc = None

    def _ended(self, stop: StopIteration) -> None:
        """The generator returned: the process's end is an event if something waits for it."""
        self._wake = None  # (a cycle with the process: freed by reference counting now)
        self._target = None  # type: ignore[assignment]
        self._ok = True
        self._value = stop.args[0] if stop.args else None
        if self.callbacks:  # something waits: the end is an event, as in SimPy
            self.env.schedule(self)
        else:
            self.callbacks = None  # type: ignore[assignment]

    def _failed(self, failure: BaseException) -> None:
        """The generator raised: the process fails (crashing the run unless handled)."""
        self._wake = None
        self._target = None  # type: ignore[assignment]
        self._ok = False
        self._value = failure
        self.env.schedule(self)  # SimPy's rule

    def _go_on(self, event: Event) -> None:
        """After a step that its wake-up ran (in the loop) yielded ``event``: wait for it, or go
        on with it at once when it is processed already (as :meth:`_resume` does)."""
        try:
            if event.callbacks is not None:
                event.callbacks.append(self._resume)
                self._target = event
                return
        except AttributeError:
            if hasattr(event, "callbacks"):
                raise
            raise RuntimeError(f'Invalid yield value "{event}"') from None
        self._resume(event)


class _Wake(partial):  # type: ignore[type-arg]
    """The wake-up of a started process after a plain delay: ``generator.send(None)`` as a
    C-level call, run by the loop itself, and the process it belongs to."""

    __slots__ = ("process",)
    process: _Unawaited

    @classmethod
    def of(cls, process: _Unawaited) -> _Wake:
        """The wake-up of ``process``."""
        wake = cls(process._generator.send, None)
        wake.process = process
        return wake
