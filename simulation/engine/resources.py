"""Lean SimPy resources: the same requests, grants and releases as SimPy's, fewer Python frames.

:class:`LeanResource` and :class:`LeanPriorityResource` are :class:`simpy.Resource` and
:class:`simpy.PriorityResource` whose ``request``, ``release`` and grant step build their events
without constructor chains and schedule them with the same heap keys, from the same counter,
at the same moments as SimPy does:

- a request joins the queue (a priority request sorted in by its key ``(priority, time, not
  preempt)``, after the requests of an equal key, as SimPy's stable sort places it), then the
  head of the queue is granted if a server is free (SimPy's ``_trigger_put`` with
  ``Resource._do_put``, which considers the head only);
- a release is triggered at once (the server is freed now) and, when processed, grants the
  head of the queue;
- a request carries no ``_trigger_get`` callback: SimPy's serves the queue of releases, which
  is always empty here (a release is triggered at once), so it would do nothing;
- on the lean loop, a release made while nobody waits is not scheduled (its heap key is
  reserved): when processed it would grant nothing, because between then and now the queue
  can hold a request while a server is free only after another release made with requests
  waiting — and that release first schedules the skipped ones the loop has not reached yet,
  with their reserved keys, so that each grants the head of the queue exactly when SimPy's
  would (a request grants the head itself when a server is free; capacities never change).

So a run with them gives the same numbers for the same seed (tested against SimPy's own).
They rely on the attributes of SimPy's events and resources (``put_queue``, ``get_queue``,
``users``, ``_capacity``, the environment's ``_queue``, ``_now`` and ``_eid``) as they are in
the SimPy versions the project supports (``simpy>=4.1,<5``).
"""

from __future__ import annotations

from bisect import insort
from heapq import heappush
from operator import attrgetter
from typing import Any

import simpy
from simpy.events import NORMAL
from simpy.resources.resource import PriorityRequest, Release, Request

from tierwise.simulation.engine.environment import LeanEnvironment

__all__ = ["LeanPriorityResource", "LeanResource"]

_new = object.__new__
_KEY = attrgetter("key")


def _grant_head(resource: simpy.Resource) -> None:
    """Grant the head of the queue if a server is free (SimPy's ``_trigger_put``)."""
    queue = resource.put_queue
    if queue and len(resource.users) < resource._capacity:
        request = queue.pop(0)
        resource.users.append(request)  # type: ignore[arg-type]
        env = resource._env
        now = env._now
        request.usage_since = now  # type: ignore[attr-defined]
        request._ok = True
        request._value = None
        heappush(env._queue, (now, NORMAL, next(env._eid), request))  # type: ignore[misc]


def _release(resource: simpy.Resource, request: Request) -> Release:
    """Free the server of ``request`` now (SimPy's ``Release``: triggered at once)."""
    env = resource._env
    release = _new(Release)
    release.request = request
    release.env = env
    release.callbacks = [resource._trigger_put]
    release.resource = resource
    release.proc = env._active_proc
    if resource.get_queue:  # never for these resources (a release is handled at once)
        resource.get_queue.append(release)
        resource._trigger_get(None)
        return release
    try:  # noqa: SIM105 (contextlib.suppress costs a context manager per release)
        resource.users.remove(request)
    except ValueError:  # released twice, or never granted: nothing to free
        pass
    release._ok = True
    release._value = None
    key = (env._now, NORMAL, next(env._eid), release)
    skipped = resource._skipped  # type: ignore[attr-defined]
    if skipped is not None:
        if not resource.put_queue:  # its grant would find nobody waiting: not scheduled
            if skipped and skipped[-1][0] != key[0]:
                skipped.clear()  # those of an earlier instant are past
            skipped.append(key)
            return release
        if skipped:  # a server freed with requests waiting: the skipped ones may grant now
            _schedule_skipped(env, skipped)
    heappush(env._queue, key)  # type: ignore[misc]
    return release


def _schedule_skipped(env: simpy.Environment, skipped: list[tuple[Any, ...]]) -> None:
    """Schedule, with their reserved keys, the skipped releases the loop has not reached yet
    (SimPy would process them later in this instant, each granting the head of the queue)."""
    current = env._key  # type: ignore[attr-defined]
    for key in skipped:
        if key > current:
            heappush(env._queue, key)  # type: ignore[misc]
    skipped.clear()


class _Skipping:
    """The skipped releases of a lean resource (see the module's notes)."""

    def _init_skipping(self, env: simpy.Environment) -> None:
        #: reserved heap keys of the releases not scheduled in the current instant (None: every
        #: release is scheduled, off the lean loop, which knows the key it processes)
        self._skipped: list[tuple[Any, ...]] | None = (
            [] if isinstance(env, LeanEnvironment) else None
        )


class LeanResource(simpy.Resource, _Skipping):
    """A :class:`simpy.Resource` with lean requests and releases (same events, same order)."""

    def __init__(self, env: simpy.Environment, capacity: int = 1) -> None:
        super().__init__(env, capacity)
        self._init_skipping(env)

    def request(self) -> Request:
        """A request for one server; fires when the server is granted."""
        env = self._env
        request = _new(Request)
        request.env = env
        request.callbacks = []  # SimPy's _trigger_get: a no-op here (see above)
        request.resource = self
        request.proc = env._active_proc
        self.put_queue.append(request)
        _grant_head(self)
        return request

    def release(self, request: Request) -> Release:  # type: ignore[override]
        """Free the server held by ``request``."""
        return _release(self, request)

    def _trigger_put(self, get_event: object) -> None:
        _grant_head(self)


class LeanPriorityResource(simpy.PriorityResource, _Skipping):
    """A :class:`simpy.PriorityResource` with lean requests and releases (same events, same
    order: requests by priority, then by request time, then in the order they were made)."""

    def __init__(self, env: simpy.Environment, capacity: int = 1) -> None:
        super().__init__(env, capacity)
        self._init_skipping(env)

    def request(self, priority: int = 0, preempt: bool = True) -> PriorityRequest:
        """A request for one server at ``priority`` (lower first); fires when granted."""
        env = self._env
        request = _new(PriorityRequest)
        request.priority = priority
        request.preempt = preempt
        request.time = now = env._now
        request.key = (priority, now, not preempt)
        request.env = env
        request.callbacks = []  # SimPy's _trigger_get: a no-op here (see above)
        request.resource = self
        request.proc = env._active_proc
        insort(self.put_queue, request, key=_KEY)  # after the requests of an equal key
        _grant_head(self)
        return request

    def release(self, request: Request) -> Release:  # type: ignore[override]
        """Free the server held by ``request``."""
        return _release(self, request)

    def _trigger_put(self, get_event: object) -> None:
        _grant_head(self)
