"""Argument checks of the closed forms (theory.arguments): name, bad value and range."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from tierwise.simulation.theory.arguments import (
    check_finite,
    check_integer,
    check_nonnegative,
    check_positive,
    check_probability,
)


def test_checks_return_the_converted_value() -> None:
    assert check_finite("x", 3) == 3.0 and isinstance(check_finite("x", 3), float)
    assert check_nonnegative("x", 0) == 0.0
    assert check_positive("x", 0.5) == 0.5
    assert check_probability("x", 1) == 1.0
    assert check_integer("n", 4, 1) == 4


@pytest.mark.parametrize(
    ("check", "value", "allowed"),
    [
        (check_finite, "3", "a real number"),
        (check_finite, True, "a real number"),
        (check_finite, math.nan, "finite"),
        (check_nonnegative, -0.5, ">= 0"),
        (check_positive, 0.0, "> 0"),
        (check_probability, 1.5, r"in \[0, 1\]"),
    ],
)
def test_bad_real_names_parameter_value_and_range(
    check: Callable[[str, Any], float], value: Any, allowed: str
) -> None:
    with pytest.raises(ValueError, match=rf"^rate must be {allowed}, got {re_value(value)}$"):
        check("rate", value)


@pytest.mark.parametrize("value", [True, 2.5, "3", 0])
def test_bad_integer_names_parameter_value_and_minimum(value: Any) -> None:
    with pytest.raises(
        ValueError, match=rf"^servers must be an integer >= 1, got {re_value(value)}$"
    ):
        check_integer("servers", value, 1)


def re_value(value: Any) -> str:
    """The ``repr`` of a value, escaped for a regular expression."""
    return re.escape(repr(value))
