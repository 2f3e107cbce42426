"""Argument checks shared by the closed-form formulas of :mod:`tierwise.simulation.theory`.

Each check returns the value converted (``float`` or ``int``) or raises :class:`ValueError`
with a message that names the parameter, the bad value and the allowed range.
"""

from __future__ import annotations

import math
import operator

__all__ = [
    "check_finite",
    "check_integer",
    "check_nonnegative",
    "check_positive",
    "check_probability",
]


def check_finite(name: str, value: float) -> float:
    """Return ``value`` as a finite float (``bool`` and strings are refused)."""
    if isinstance(value, str | bytes | bool):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def check_nonnegative(name: str, value: float) -> float:
    """Return ``value`` as a finite float >= 0."""
    x = check_finite(name, value)
    if x < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def check_positive(name: str, value: float) -> float:
    """Return ``value`` as a finite float > 0."""
    x = check_finite(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


def check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float in [0, 1]."""
    x = check_finite(name, value)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return x


def check_integer(name: str, value: int, minimum: int) -> int:
    """Return ``value`` as an ``int`` >= ``minimum`` (``bool`` and floats are refused)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}") from None
    if n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return n
