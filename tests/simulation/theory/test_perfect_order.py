"""Perfect-order rate of independent components (theory.perfect_order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.simulation.theory.helpers import PROPERTY, printed
from tierwise.simulation.theory.perfect_order import perfect_order_rate_independent


def test_perfect_order_product_of_independent_rates_matches_reference() -> None:
    assert perfect_order_rate_independent([0.98, 0.97, 0.99, 0.82]) == printed(0.7716971, 7)


@PROPERTY
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_perfect_order_product_bounded_by_weakest_component(rates: list[float]) -> None:
    product = perfect_order_rate_independent(rates)
    assert 0.0 <= product <= min(rates)


BAD_INPUT: list[tuple[Callable[..., object], dict[str, Any], str]] = [
    (perfect_order_rate_independent, {"rates": []}, "rates"),
    (perfect_order_rate_independent, {"rates": [0.9, 1.2]}, r"rates\[1\]"),
]


@pytest.mark.parametrize(
    ("func", "kwargs", "param"),
    BAD_INPUT,
    ids=[f"{f.__name__}-{p}-{i}" for i, (f, _, p) in enumerate(BAD_INPUT)],
)
def test_bad_input_raises_value_error_naming_parameter(
    func: Callable[..., object], kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(ValueError, match=param):
        func(**kwargs)
