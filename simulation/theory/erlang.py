"""Erlang B, C and A: loss, delay and abandonment systems with c servers, and staffing.

Queueing symbols: c servers, λ arrival rate per hour, μ = 1/h service rate of one server
(h the mean handling time in hours), A = λ/μ offered load (Erlang), ρ = A/c utilisation,
B Erlang B blocking probability, C Erlang C probability of waiting, t answer target (hours),
θ = 1/p abandonment rate of a waiting caller (p the mean patience in hours).

* Erlang B (M/M/c/c, :func:`erlang_b`): a loss system, the limit of zero patience; it has a
  steady state at every load.
* Erlang C (M/M/c, :func:`erlang_c_wait_probability` …): infinite patience; a steady state
  only when A < c.
* Erlang A (M/M/c+M, :func:`erlang_a`): exponential patience with mean p > 0; callers who
  wait longer than their patience hang up, so the queue has a steady state at every load.

Every function is pure and raises :class:`ValueError` naming the parameter, the bad value and
the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tierwise.simulation.theory.arguments import (
    check_finite,
    check_integer,
    check_nonnegative,
    check_positive,
)

__all__ = [
    "ErlangA",
    "erlang_a",
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


#: Most queue states summed by :func:`erlang_a` (λ·p, the calls arriving per patience time,
#: beyond about a million makes the sum too long; such a queue is Erlang C in practice).
MAX_ERLANG_A_STATES = 10_000_000


@dataclass(frozen=True)
class ErlangA:
    """Steady state of an M/M/c+M queue (Erlang A), per arriving call.

    Attributes
    ----------
    wait_probability : float
        P(an arrival finds every server busy and has to wait), in [0, 1].
    abandon_probability : float
        P(an arrival hangs up before it is answered), in [0, 1].
    mean_queue_length : float
        Mean number of callers waiting, Lq.
    mean_wait_h : float
        Mean time in queue over all arrivals, Wq = Lq / λ (Little's law), hours; callers who
        abandon count with the time they waited.
    """

    wait_probability: float
    abandon_probability: float
    mean_queue_length: float
    mean_wait_h: float

    @property
    def answered_probability(self) -> float:
        """P(an arrival is answered) = 1 − P(abandon)."""
        return 1.0 - self.abandon_probability


def erlang_a(
    servers: int,
    arrival_rate_per_h: float,
    mean_handling_time_h: float,
    mean_patience_h: float,
) -> ErlangA:
    """Erlang A: the M/M/c+M queue with exponential patience (Palm's model).

    The number in system N is a birth–death process with birth rate λ and death rate
    ``min(n, c)·μ + max(n − c, 0)·θ`` (θ = 1/p). With ``r_j = Π_{k=1..j} λ / (cμ + kθ)``
    (the stationary probability of c + j in system relative to c), ``S = Σ_j r_j``,
    ``S₁ = Σ_j j·r_j`` and B = B(c, A) the Erlang B value:

    * ``π_c = B / (1 + B·S)`` (since ``Σ_{n<=c} π_n = π_c / B``);
    * ``P(wait) = P(N >= c) = B·(1 + S) / (1 + B·S)`` (arrivals see time averages, PASTA);
    * ``Lq = π_c·S₁``, ``P(abandon) = θ·Lq / λ`` (abandonment rate over arrival rate),
      ``Wq = Lq / λ``.

    The sums are taken in log space, so a load far above c neither overflows nor is refused.
    A patience of 0 is the loss system (Erlang B: P(wait) = P(abandon) = B, Lq = 0); an
    infinite patience is Erlang C (a steady state needs A < c).

    Parameters
    ----------
    servers : int
        Number of servers c (>= 1).
    arrival_rate_per_h : float
        Arrival rate λ, calls per hour (>= 0).
    mean_handling_time_h : float
        Mean handling time 1/μ, hours (> 0), exponentially distributed.
    mean_patience_h : float
        Mean patience p = 1/θ, hours (>= 0, or ``math.inf``), exponentially distributed.

    Returns
    -------
    ErlangA
        P(wait), P(abandon), Lq and Wq.

    Raises
    ------
    ValueError
        On a negative or non-finite argument (other than an infinite patience), ``servers``
        < 1, a non-positive handling time, an infinite patience with A >= c, or λ·p beyond
        :data:`MAX_ERLANG_A_STATES`.
    """
    c = check_integer("servers", servers, 1)
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    lam = float(arrival_rate_per_h)
    if isinstance(mean_patience_h, float) and math.isinf(mean_patience_h) and mean_patience_h > 0:
        _require_steady_state(c, a, _LOAD_FROM_RATES)
        wait = _erlang_c_from_b(c, a, erlang_b(c, a)) if a > 0 else 0.0
        wq = wait / (c / float(mean_handling_time_h) - lam)
        return ErlangA(wait, 0.0, lam * wq, wq)
    patience = check_nonnegative("mean_patience_h", mean_patience_h)
    if lam == 0.0:
        return ErlangA(0.0, 0.0, 0.0, 0.0)
    b = erlang_b(c, a)
    if patience == 0.0:
        return ErlangA(b, b, 0.0, 0.0)
    if b == 0.0:  # every server busy has probability below the smallest float
        return ErlangA(0.0, 0.0, 0.0, 0.0)
    mu, theta = 1.0 / float(mean_handling_time_h), 1.0 / patience
    log_s, log_s1 = _erlang_a_sums(lam, c * mu, theta)
    log_b = math.log(b)
    log_den = float(np.logaddexp(0.0, log_b + log_s))
    wait = math.exp(log_b + float(np.logaddexp(0.0, log_s)) - log_den)
    lq = math.exp(log_b + log_s1 - log_den)
    abandon = min(theta * lq / lam, 1.0)
    return ErlangA(min(wait, 1.0), abandon, lq, lq / lam)


def _erlang_a_sums(lam: float, c_mu: float, theta: float) -> tuple[float, float]:
    """``log Σ_j r_j`` and ``log Σ_j j·r_j`` with ``r_j = Π_{k<=j} λ / (cμ + kθ)``.

    Terms grow while ``cμ + kθ < λ`` and then fall with ever smaller ratios
    ``q_k = λ / (cμ + kθ)``, so the tail beyond K is at most ``r_K·q/(1 − q)`` (times K + 1 for
    the weighted sum); the sum is extended until that bound is below 1e-18 of the sum.
    """
    peak = max(0.0, (lam - c_mu) / theta)
    k = int(peak + 10.0 * math.sqrt(lam / theta) + 64.0)
    while True:
        if k > MAX_ERLANG_A_STATES:
            raise ValueError(
                f"arrival_rate_per_h·mean_patience_h = {lam / theta:.6g} calls per patience "
                f"time needs more than {MAX_ERLANG_A_STATES:,} queue states; with such long "
                "patience use Erlang C"
            )
        j = np.arange(1, k + 1, dtype=float)
        log_r = np.cumsum(math.log(lam) - np.log(c_mu + j * theta))
        top = float(log_r.max())
        log_s = top + math.log(float(np.exp(log_r - top).sum()))
        log_s1 = top + math.log(float((j * np.exp(log_r - top)).sum()))
        q = lam / (c_mu + (k + 1) * theta)
        if k > peak and q < 1.0:
            log_tail = float(log_r[-1]) + math.log(q / (1.0 - q)) + math.log(k + 1.0)
            if log_tail - log_s < -42.0:
                return log_s, log_s1
        k *= 2
