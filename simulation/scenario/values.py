"""Strict number types and the size limits of scenario values.

Every number of a scenario, a sweep spec or a strategy file is validated with these types:

* no ``bool`` where a number is meant (``agents: true`` is refused, not read as 1), no text
  (``"12"``), and no fraction where a whole number is meant (``agents: 7.5``; ``7.0`` and
  numpy integers are whole numbers);
* no ``inf`` or ``nan`` (the models also set ``allow_inf_nan=False``);
* sizes that would make a run hang or overflow are refused above stated limits
  (:data:`MAX_HORIZON_DAYS`, :data:`MAX_SERVERS`, :data:`MAX_SEED` …), with the limit in the
  message.

The limits are documented in ``docs/scenarios.md`` ("Limits").
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict

__all__ = [
    "MAX_CUSTOMERS",
    "MAX_DAYS",
    "MAX_HORIZON_DAYS",
    "MAX_REPLICATIONS",
    "MAX_SEED",
    "MAX_SERVERS",
    "Count",
    "NonNegative",
    "Number",
    "Positive",
    "Probability",
    "Seed",
    "Servers",
]

#: Longest simulated horizon (and warm-up, drain, review period), days: 100 years (the
#: long-run inventory reference cases of ``tierwise validate`` simulate 8,001 days per unit
#: of effort).
MAX_HORIZON_DAYS = 36_500.0
#: Longest duration given in days anywhere in a scenario (same as the horizon limit).
MAX_DAYS = MAX_HORIZON_DAYS
#: Most servers (agents of one pool, pickers, own-team agents, vehicles of one mode).
MAX_SERVERS = 10_000
#: Largest seed (seeds are stored as signed 64-bit integers): 2^63 − 1.
MAX_SEED = 2**63 - 1
#: Most replications of one scenario.
MAX_REPLICATIONS = 10_000
#: Most customers of one tier.
MAX_CUSTOMERS = 10**9

#: A real number: ``int`` or ``float``, finite; never ``bool`` or text.
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]


def _whole_number(value: Any) -> Any:
    """Refuse ``bool`` and text before pydantic's integer check (which takes ``7.0``)."""
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy too
        raise ValueError("expected a whole number, got a boolean (true/false)")
    if isinstance(value, str | bytes):
        raise ValueError(f"expected a whole number, got text {value!r}")
    return value


#: A whole number: an ``int`` (or a float without fractional part, ``7.0``); never ``bool``
#: or text.
Count = Annotated[int, BeforeValidator(_whole_number)]
#: A probability in [0, 1].
Probability = Annotated[Number, Field(ge=0.0, le=1.0)]
#: A finite number >= 0.
NonNegative = Annotated[Number, Field(ge=0.0)]
#: A finite number > 0.
Positive = Annotated[Number, Field(gt=0.0)]
#: A seed of the random streams: 0 <= seed <= 2^63 − 1.
Seed = Annotated[Count, Field(ge=0, le=MAX_SEED)]
#: A number of servers: 0 <= n <= :data:`MAX_SERVERS`.
Servers = Annotated[Count, Field(ge=0, le=MAX_SERVERS)]
