"""Perfect-order rate of independent order-quality components."""

from __future__ import annotations

import math
from collections.abc import Sequence

from tierwise.simulation.theory.arguments import check_probability

__all__ = ["perfect_order_rate_independent"]


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
    values = [check_probability(f"rates[{i}]", r) for i, r in enumerate(rates)]
    if not values:
        raise ValueError("rates must contain at least one rate, got []")
    return math.prod(values)
