"""Options shared by ``tierwise run`` and ``tierwise optimize``: choices and their parsers."""

from __future__ import annotations

import math
from enum import StrEnum

from tierwise.cli.console import fail

__all__ = ["ObjectiveChoice", "SolverChoice", "parse_min_service", "parse_tier_order"]


class ObjectiveChoice(StrEnum):
    """Maximise profit, or minimise cost subject to the service floors."""

    profit = "profit"
    cost = "cost"


class SolverChoice(StrEnum):
    """MILP solver."""

    cbc = "cbc"
    highs = "highs"


def parse_min_service(text: str | None) -> dict[str, float]:
    """``"A=0.99,B=0.97"`` → ``{"A": 0.99, "B": 0.97}`` (exits with a clear error if malformed)."""
    result: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        tier, sep, value = part.partition("=")
        try:
            level = float(value)
        except ValueError:
            level = math.nan
        if not sep or not tier.strip() or not 0 <= level <= 1:
            fail(
                f"--min-service {part!r}: expected TIER=level with level in [0, 1], "
                "e.g. A=0.99,B=0.97"
            )
        result[tier.strip()] = level
    return result


def parse_tier_order(text: str | None) -> list[str] | None:
    """``"A,B,C"`` → ``["A", "B", "C"]`` (None when not given)."""
    if not text:
        return None
    tiers = [t.strip() for t in text.split(",") if t.strip()]
    if len(tiers) < 2:
        fail(f"--tier-order {text!r}: name at least two tiers, e.g. A,B,C")
    return tiers
