"""Non-preemptive priority M/M/c queue: Cobham's mean waits per priority class."""

from __future__ import annotations

import math
from collections.abc import Sequence

from tierwise.simulation.theory.arguments import check_integer, check_nonnegative, check_positive
from tierwise.simulation.theory.erlang import erlang_c_wait_probability

__all__ = ["priority_queue_waits_h"]


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
    rates = [
        check_nonnegative(f"arrival_rates_per_h[{i}]", r) for i, r in enumerate(arrival_rates_per_h)
    ]
    if not rates:
        raise ValueError("arrival_rates_per_h must contain at least one class, got []")
    mu = check_positive("service_rate_per_h", service_rate_per_h)
    c = check_integer("servers", servers, 1)
    total = math.fsum(rates)
    a = total / mu
    if a >= c:
        raise ValueError(
            f"arrival_rates_per_h total {total!r}/h must be < servers·service_rate_per_h "
            f"(= {c * mu!r}/h) for a steady state (utilisation {a / c:.4g} >= 1)"
        )
    w0 = erlang_c_wait_probability(c, a) / (c * mu)
    waits: list[float] = []
    sigma_prev = 0.0
    cumulative = 0.0
    for lam in rates:
        cumulative += lam
        sigma = cumulative / (c * mu)
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits
