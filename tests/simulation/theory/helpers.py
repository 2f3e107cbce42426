"""Shared settings of the theory tests: deterministic property runs, printed-precision match."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings

__all__ = ["PROPERTY", "printed"]

#: Deterministic, fast property tests: fixed example generation, no per-example deadline.
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None, database=None)


def printed(value: float, decimals: int) -> Any:
    """Match a reference value to its printed precision (half a unit of the last digit)."""
    return pytest.approx(value, abs=0.5 * 10.0**-decimals, rel=0.0)
