"""Erlang B and C: loss and delay systems with c servers, and the staffing they need.

Queueing symbols: c servers, λ arrival rate per hour, μ = 1/h service rate of one server
(h the mean handling time in hours), A = λ/μ offered load (Erlang), ρ = A/c utilisation,
B Erlang B blocking probability, C Erlang C probability of waiting, t answer target (hours).
Every function is pure and raises :class:`ValueError` naming the parameter, the bad value and
the allowed range.
"""

from __future__ import annotations

import math

from tierwise.simulation.theory.arguments import (
    check_finite,
    check_integer,
    check_nonnegative,
    check_positive,
)

__all__ = [
    "erlang_b",
    "erlang_c_mean_wait_h",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "min_stable_servers",
    "servers_for_service_level",
]


_LOAD_FROM_RATES = "offered load arrival_rate_per_h·mean_handling_time_h"


def _require_steady_state(
    servers: int, offered_load_erlang: float, name: str = "offered_load_erlang"
) -> None:
    if offered_load_erlang >= servers:
        raise ValueError(
            f"{name} must be < servers (= {servers}) for a steady state, "
            f"got {offered_load_erlang!r} Erlang "
            f"(utilisation {offered_load_erlang / servers:.4g} >= 1)"
        )


def _offered_load(arrival_rate_per_h: float, mean_handling_time_h: float) -> float:
    lam = check_nonnegative("arrival_rate_per_h", arrival_rate_per_h)
    h = check_positive("mean_handling_time_h", mean_handling_time_h)
    return lam * h


def erlang_b(servers: int, offered_load_erlang: float) -> float:
    """Erlang B blocking probability of an M/M/c/c loss system.

    Computed with the numerically stable recursion
    ``B_0 = 1``, ``B_k = A·B_{k−1} / (k + A·B_{k−1})`` for k = 1..c.

    Parameters
    ----------
    servers : int
        Number of servers c (>= 1).
    offered_load_erlang : float
        Offered load A = λ/μ in Erlang (>= 0). Any load is allowed: a loss
        system has a steady state for every A.

    Returns
    -------
    float
        B(c, A), the probability that an arrival finds all c servers busy, in [0, 1].

    Raises
    ------
    ValueError
        If ``servers`` < 1 or ``offered_load_erlang`` is negative or not finite.
    """
    c = check_integer("servers", servers, 1)
    a = check_nonnegative("offered_load_erlang", offered_load_erlang)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def _erlang_c_from_b(c: int, a: float, b: float) -> float:
    return c * b / (c - a * (1.0 - b))


def erlang_c_wait_probability(servers: int, offered_load_erlang: float) -> float:
    """Erlang C probability that an arrival must wait in an M/M/c queue.

    ``C = c·B / (c − A·(1 − B))`` with B the Erlang B value :func:`erlang_b`.

    Parameters
    ----------
    servers : int
        Number of servers c (>= 1).
    offered_load_erlang : float
        Offered load A = λ/μ in Erlang, 0 <= A < c (steady state).

    Returns
    -------
    float
        C(c, A) = P(wait > 0), in [0, 1).

    Raises
    ------
    ValueError
        If ``servers`` < 1, ``offered_load_erlang`` is negative or not finite,
        or A >= c (no steady state).
    """
    c = check_integer("servers", servers, 1)
    a = check_nonnegative("offered_load_erlang", offered_load_erlang)
    _require_steady_state(c, a)
    return _erlang_c_from_b(c, a, erlang_b(c, a))


def erlang_c_service_level(
    servers: int,
    arrival_rate_per_h: float,
    mean_handling_time_h: float,
    answer_target_h: float,
) -> float:
    """Service level of an M/M/c (FCFS) queue: fraction answered within t.

    ``SL(t) = P(Wq <= t) = 1 − C·exp(−(cμ − λ)·t)`` with μ = 1/h.

    Parameters
    ----------
    servers : int
        Number of servers (agents) c (>= 1).
    arrival_rate_per_h : float
        Arrival rate λ in calls per hour (>= 0).
    mean_handling_time_h : float
        Mean handling time h = 1/μ in hours (> 0), exponentially distributed.
    answer_target_h : float
        Answer target t in hours (>= 0), e.g. 20 s = 20/3600 h.

    Returns
    -------
    float
        SL(t) in [0, 1].

    Raises
    ------
    ValueError
        On a negative or non-finite argument, ``servers`` < 1, a non-positive
        handling time, or λ·h >= c (no steady state).
    """
    c = check_integer("servers", servers, 1)
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    t = check_nonnegative("answer_target_h", answer_target_h)
    _require_steady_state(c, a, _LOAD_FROM_RATES)
    mu = 1.0 / float(mean_handling_time_h)
    lam = float(arrival_rate_per_h)
    wait_prob = _erlang_c_from_b(c, a, erlang_b(c, a))
    return 1.0 - wait_prob * math.exp(-(c * mu - lam) * t)


def erlang_c_mean_wait_h(
    servers: int,
    arrival_rate_per_h: float,
    mean_handling_time_h: float,
) -> float:
    """Mean wait in queue of an M/M/c queue (average speed of answer, ASA).

    ``Wq = C / (cμ − λ)`` with μ = 1/h; averaged over all arrivals, including
    those answered at once.

    Parameters
    ----------
    servers : int
        Number of servers c (>= 1).
    arrival_rate_per_h : float
        Arrival rate λ per hour (>= 0).
    mean_handling_time_h : float
        Mean handling time h = 1/μ in hours (> 0).

    Returns
    -------
    float
        Wq in hours.

    Raises
    ------
    ValueError
        On a negative or non-finite argument, ``servers`` < 1, a non-positive
        handling time, or λ·h >= c (no steady state).
    """
    c = check_integer("servers", servers, 1)
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    _require_steady_state(c, a, _LOAD_FROM_RATES)
    mu = 1.0 / float(mean_handling_time_h)
    lam = float(arrival_rate_per_h)
    wait_prob = _erlang_c_from_b(c, a, erlang_b(c, a))
    return wait_prob / (c * mu - lam)


def min_stable_servers(offered_load_erlang: float) -> int:
    """Smallest number of servers with a steady state, the least integer c > A.

    Parameters
    ----------
    offered_load_erlang : float
        Offered load A = λ/μ in Erlang (>= 0).

    Returns
    -------
    int
        ``floor(A) + 1`` (at least 1).

    Raises
    ------
    ValueError
        If ``offered_load_erlang`` is negative or not finite.
    """
    a = check_nonnegative("offered_load_erlang", offered_load_erlang)
    return math.floor(a) + 1


def servers_for_service_level(
    arrival_rate_per_h: float,
    mean_handling_time_h: float,
    answer_target_h: float,
    target_service_level: float,
    max_servers: int = 10000,
) -> int:
    """Smallest number of servers c whose M/M/c service level reaches a target.

    Searches c = ``min_stable_servers(A)``, ``+1``, … until
    ``SL(t) = 1 − C·exp(−(cμ − λ)t) >= target`` (SL is increasing in c).
    Erlang B is carried along the recursion, so the search costs O(c).

    Parameters
    ----------
    arrival_rate_per_h : float
        Arrival rate λ per hour (>= 0).
    mean_handling_time_h : float
        Mean handling time h = 1/μ in hours (> 0).
    answer_target_h : float
        Answer target t in hours (>= 0).
    target_service_level : float
        Required fraction answered within t, in [0, 1).
    max_servers : int, default 10000
        Upper bound of the search (>= 1).

    Returns
    -------
    int
        The smallest stable c with SL(t) >= ``target_service_level``.

    Raises
    ------
    ValueError
        On invalid arguments, or when no c <= ``max_servers`` reaches the target.
    """
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    t = check_nonnegative("answer_target_h", answer_target_h)
    target = check_finite("target_service_level", target_service_level)
    if not 0.0 <= target < 1.0:
        raise ValueError(f"target_service_level must be in [0, 1), got {target_service_level!r}")
    limit = check_integer("max_servers", max_servers, 1)
    mu = 1.0 / float(mean_handling_time_h)
    lam = float(arrival_rate_per_h)
    c_min = min_stable_servers(a)
    if c_min > limit:
        raise ValueError(
            f"max_servers (= {limit}) is below the minimum stable number of servers "
            f"{c_min} for offered load {a:.6g} Erlang"
        )
    b = 1.0
    for k in range(1, limit + 1):
        b = a * b / (k + a * b)
        if k < c_min:
            continue
        sl = 1.0 - _erlang_c_from_b(k, a, b) * math.exp(-(k * mu - lam) * t)
        if sl >= target:
            return k
    raise ValueError(
        f"target_service_level {target_service_level!r} is not reached with "
        f"max_servers = {limit} servers; raise max_servers"
    )
