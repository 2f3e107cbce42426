"""Exact formulas from queueing and inventory theory.

These closed forms are the yardsticks the simulation engine is validated against
(the reference cases in `docs/validation.md`) and quick first estimates for planners. Every
function is pure, validates its input and raises :class:`ValueError` with a
message that names the parameter, the bad value and the allowed range.

Units follow the argument names: rates ``*_per_h`` are per hour, times ``*_h``
are hours, ``*_per_day`` / ``*_days`` are per day / days, loads are in Erlang
(dimensionless), stock quantities are units of product.

Queueing symbols: c servers, λ arrival rate, μ = 1/h service rate of one server,
A = λ/μ offered load (Erlang), ρ = A/c utilisation, B Erlang B blocking
probability, C Erlang C probability of waiting, t answer target.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import poisson

__all__ = [
    "ContinuousBaseStock",
    "PeriodicBaseStock",
    "continuous_base_stock",
    "customer_lifetime_value",
    "erlang_b",
    "erlang_c_mean_wait_h",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "min_stable_servers",
    "perfect_order_rate_independent",
    "poisson_base_stock",
    "priority_queue_waits_h",
    "servers_for_service_level",
]


# --------------------------------------------------------------------------- validation


def _finite(name: str, value: float) -> float:
    if isinstance(value, str | bytes | bool):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def _nonneg(name: str, value: float) -> float:
    x = _finite(name, value)
    if x < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def _positive(name: str, value: float) -> float:
    x = _finite(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


def _probability(name: str, value: float) -> float:
    x = _finite(name, value)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return x


def _integer(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}") from None
    if n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return n


_LOAD_FROM_RATES = "offered load arrival_rate_per_h·mean_handling_time_h"


def _stable(servers: int, offered_load_erlang: float, name: str = "offered_load_erlang") -> None:
    if offered_load_erlang >= servers:
        raise ValueError(
            f"{name} must be < servers (= {servers}) for a steady state, "
            f"got {offered_load_erlang!r} Erlang "
            f"(utilisation {offered_load_erlang / servers:.4g} >= 1)"
        )


def _offered_load(arrival_rate_per_h: float, mean_handling_time_h: float) -> float:
    lam = _nonneg("arrival_rate_per_h", arrival_rate_per_h)
    h = _positive("mean_handling_time_h", mean_handling_time_h)
    return lam * h


# --------------------------------------------------------------------------- Erlang B / C


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
    c = _integer("servers", servers, 1)
    a = _nonneg("offered_load_erlang", offered_load_erlang)
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
    c = _integer("servers", servers, 1)
    a = _nonneg("offered_load_erlang", offered_load_erlang)
    _stable(c, a)
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
    c = _integer("servers", servers, 1)
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    t = _nonneg("answer_target_h", answer_target_h)
    _stable(c, a, _LOAD_FROM_RATES)
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
    c = _integer("servers", servers, 1)
    a = _offered_load(arrival_rate_per_h, mean_handling_time_h)
    _stable(c, a, _LOAD_FROM_RATES)
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
    a = _nonneg("offered_load_erlang", offered_load_erlang)
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
    t = _nonneg("answer_target_h", answer_target_h)
    target = _finite("target_service_level", target_service_level)
    if not 0.0 <= target < 1.0:
        raise ValueError(f"target_service_level must be in [0, 1), got {target_service_level!r}")
    limit = _integer("max_servers", max_servers, 1)
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


# --------------------------------------------------------------------------- priority queue


def priority_queue_waits_h(
    arrival_rates_per_h: Sequence[float],
    service_rate_per_h: float,
    servers: int = 1,
) -> list[float]:
    """Mean queue waits per class of a non-preemptive priority M/M/c queue (Cobham).

    All classes share one exponential service rate μ. With loads ρ_k = λ_k/(cμ),
    cumulative loads σ_k = ρ_1 + … + ρ_k (σ_0 = 0) and C the Erlang C value of
    the total load A = Σλ_k/μ,
    ``W_k = [C/(cμ)] / ((1 − σ_{k−1})(1 − σ_k))``.
    Class 1 (index 0) has the highest priority. The λ-weighted mean of the W_k
    equals the FCFS M/M/c wait ``C/(cμ − λ)`` (conservation law).

    Parameters
    ----------
    arrival_rates_per_h : Sequence[float]
        Arrival rate λ_k per hour of each class (each >= 0), highest priority first.
    service_rate_per_h : float
        Service rate μ of one server per hour (> 0).
    servers : int, default 1
        Number of servers c (>= 1).

    Returns
    -------
    list[float]
        Mean wait in queue W_k in hours for each class, in the order given.

    Raises
    ------
    ValueError
        If no class is given, a rate is negative or not finite, ``servers`` < 1,
        or the total utilisation Σλ_k/(cμ) >= 1.
    """
    rates = [_nonneg(f"arrival_rates_per_h[{i}]", r) for i, r in enumerate(arrival_rates_per_h)]
    if not rates:
        raise ValueError("arrival_rates_per_h must contain at least one class, got []")
    mu = _positive("service_rate_per_h", service_rate_per_h)
    c = _integer("servers", servers, 1)
    total = math.fsum(rates)
    a = total / mu
    if a >= c:
        raise ValueError(
            f"arrival_rates_per_h total {total!r}/h must be < servers·service_rate_per_h "
            f"(= {c * mu!r}/h) for a steady state (utilisation {a / c:.4g} >= 1)"
        )
    w0 = _erlang_c_from_b(c, a, erlang_b(c, a)) / (c * mu)
    waits: list[float] = []
    sigma_prev = 0.0
    cumulative = 0.0
    for lam in rates:
        cumulative += lam
        sigma = cumulative / (c * mu)
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


# --------------------------------------------------------------------------- inventory


@dataclass(frozen=True, slots=True)
class PeriodicBaseStock:
    """Steady-state measures of a periodic-review base-stock policy.

    Attributes
    ----------
    no_stockout_probability : float
        P(D_{L+1} <= S): probability a period ends without backorders
        (cycle service level, "type 1").
    expected_shortage_units : float
        E[(D_{L+1} − S)+]: expected backorders at the end of a period, units.
    fill_rate : float
        Fraction of demand met from stock on hand ("type 2"),
        1 − (E[(D_{L+1} − S)+] − E[(D_L − S)+]) / μ.
    expected_on_hand_units : float
        E[(S − D_{L+1})+]: expected stock on hand at the end of a period, units.
    """

    no_stockout_probability: float
    expected_shortage_units: float
    fill_rate: float
    expected_on_hand_units: float


@dataclass(frozen=True, slots=True)
class ContinuousBaseStock:
    """Steady-state measures of a continuous-review (S−1, S) base-stock policy.

    Attributes
    ----------
    fill_rate : float
        Fraction of demand met from stock, P(IL > 0) = P(D_L <= S − 1).
    expected_backorders_units : float
        E[(D_L − S)+]: time-average backorders, units.
    expected_on_hand_units : float
        E[(S − D_L)+]: time-average stock on hand, units.
    """

    fill_rate: float
    expected_backorders_units: float
    expected_on_hand_units: float


def _poisson_loss(mean: float, level: int) -> tuple[float, float]:
    """Return (E[(D − S)+], E[(S − D)+]) for D ~ Poisson(mean), S = level >= 0.

    Uses the first-order loss identities
    ``E[(D − S)+] = (μ − S)·P(D > S) + μ·P(D = S)`` and
    ``E[(S − D)+] = (S − μ)·P(D <= S) + μ·P(D = S)``.
    """
    if mean == 0.0:
        return 0.0, float(level)
    pmf = float(poisson.pmf(level, mean))
    shortage = (mean - level) * float(poisson.sf(level, mean)) + mean * pmf
    on_hand = (level - mean) * float(poisson.cdf(level, mean)) + mean * pmf
    return max(shortage, 0.0), max(on_hand, 0.0)


def poisson_base_stock(
    mean_demand_per_period: float,
    base_stock_units: int,
    lead_time_periods: int = 0,
) -> PeriodicBaseStock:
    """Periodic-review base stock with Poisson demand and full backordering.

    Each period the inventory position is raised to S; an order arrives L
    periods later. The net inventory at the end of a period is S − D_{L+1},
    with D_n ~ Poisson(n·μ) the demand over n periods.

    Parameters
    ----------
    mean_demand_per_period : float
        Mean demand μ per period in units (> 0).
    base_stock_units : int
        Base-stock (order-up-to) level S in units (>= 0).
    lead_time_periods : int, default 0
        Replenishment lead time L in whole periods (>= 0).

    Returns
    -------
    PeriodicBaseStock
        ``no_stockout_probability`` P(D_{L+1} <= S), ``expected_shortage_units``
        E[(D_{L+1} − S)+], ``fill_rate`` 1 − (E[(D_{L+1} − S)+] − E[(D_L − S)+])/μ
        (= 1 − E[(D − S)+]/μ for L = 0), ``expected_on_hand_units`` E[(S − D_{L+1})+].

    Raises
    ------
    ValueError
        If the mean demand is not positive and finite, S < 0 or L < 0.
    """
    mu = _positive("mean_demand_per_period", mean_demand_per_period)
    s = _integer("base_stock_units", base_stock_units, 0)
    lead = _integer("lead_time_periods", lead_time_periods, 0)
    mean_cover = (lead + 1) * mu
    shortage, on_hand = _poisson_loss(mean_cover, s)
    shortage_before, _ = _poisson_loss(lead * mu, s)
    fill = 1.0 - (shortage - shortage_before) / mu
    return PeriodicBaseStock(
        no_stockout_probability=float(poisson.cdf(s, mean_cover)),
        expected_shortage_units=shortage,
        fill_rate=min(max(fill, 0.0), 1.0),
        expected_on_hand_units=on_hand,
    )


def continuous_base_stock(
    demand_rate_per_day: float,
    lead_time_days: float,
    base_stock_units: int,
) -> ContinuousBaseStock:
    """Continuous-review one-for-one (S−1, S) base stock with Poisson demand.

    Every demand triggers a replenishment order. By Palm's theorem the number of
    orders outstanding is Poisson(λ·L) for any lead-time distribution with mean
    L (independent lead times), so the net inventory is IL = S − D_L with
    D_L ~ Poisson(λ·L). By PASTA the fill rate is P(IL > 0).

    Parameters
    ----------
    demand_rate_per_day : float
        Poisson demand rate λ in units per day (> 0).
    lead_time_days : float
        Mean replenishment lead time L in days (>= 0).
    base_stock_units : int
        Base-stock level S in units (>= 0).

    Returns
    -------
    ContinuousBaseStock
        ``fill_rate`` P(D_L <= S − 1), ``expected_backorders_units`` E[(D_L − S)+],
        ``expected_on_hand_units`` E[(S − D_L)+].

    Raises
    ------
    ValueError
        If the demand rate is not positive and finite, the lead time is
        negative or not finite, or S < 0.
    """
    lam = _positive("demand_rate_per_day", demand_rate_per_day)
    lead = _nonneg("lead_time_days", lead_time_days)
    s = _integer("base_stock_units", base_stock_units, 0)
    mean = lam * lead
    backorders, on_hand = _poisson_loss(mean, s)
    fill = 0.0 if s == 0 else (1.0 if mean == 0.0 else float(poisson.cdf(s - 1, mean)))
    return ContinuousBaseStock(
        fill_rate=fill,
        expected_backorders_units=backorders,
        expected_on_hand_units=on_hand,
    )


# --------------------------------------------------------------------------- economics


def perfect_order_rate_independent(rates: Sequence[float]) -> float:
    """Perfect-order rate when the component failures are independent.

    ``P = Π_i r_i`` (e.g. on time × complete × damage-free × correctly billed).
    Only an approximation when failures correlate; the engine measures perfect
    orders per order.

    Parameters
    ----------
    rates : Sequence[float]
        Component success rates r_i, each in [0, 1]; at least one.

    Returns
    -------
    float
        The product of the rates, in [0, 1].

    Raises
    ------
    ValueError
        If ``rates`` is empty or a rate is outside [0, 1] or not finite.
    """
    values = [_probability(f"rates[{i}]", r) for i, r in enumerate(rates)]
    if not values:
        raise ValueError("rates must contain at least one rate, got []")
    return math.prod(values)


def customer_lifetime_value(
    margin_per_period: float,
    retention_rate: float,
    discount_rate: float,
) -> float:
    """Customer lifetime value with constant margin, retention and discounting.

    ``CLV = Σ_{t>=1} m·r^t/(1+i)^t = m·r / (1 + i − r)``: margin m earned at the
    end of each period the customer is retained, discounted at rate i per period.

    Parameters
    ----------
    margin_per_period : float
        Margin m per customer per period, in currency units (finite, any sign).
    retention_rate : float
        Probability r a customer stays for another period, in [0, 1].
    discount_rate : float
        Discount rate i per period (>= 0); r = 1 needs i > 0.

    Returns
    -------
    float
        CLV in currency units.

    Raises
    ------
    ValueError
        On a non-finite margin, r outside [0, 1], i < 0, or r = 1 with i = 0
        (the sum diverges).
    """
    m = _finite("margin_per_period", margin_per_period)
    r = _probability("retention_rate", retention_rate)
    i = _nonneg("discount_rate", discount_rate)
    if 1.0 + i - r <= 0.0:
        raise ValueError(
            f"discount_rate must be > 0 when retention_rate = 1 (the sum diverges), "
            f"got discount_rate={discount_rate!r}, retention_rate={retention_rate!r}"
        )
    return m * r / (1.0 + i - r)
