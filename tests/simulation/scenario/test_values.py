"""Strict number types: no bool, text, fraction for a count, inf or nan; stated size limits."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from tierwise.simulation.scenario.values import (
    MAX_SEED,
    MAX_SERVERS,
    Count,
    NonNegative,
    Number,
    Probability,
    Seed,
    Servers,
)


class _Numbers(BaseModel):
    number: Number = 0.0
    count: Count = 0
    probability: Probability = 0.0
    nonnegative: NonNegative = 0.0
    seed: Seed = 0
    servers: Servers = 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", True),
        ("number", "3.5"),
        ("number", math.inf),
        ("number", -math.inf),
        ("number", math.nan),
        ("count", True),
        ("count", 7.5),
        ("count", "7"),
        ("probability", 1.5),
        ("probability", math.nan),
        ("nonnegative", -1e-9),
        ("seed", MAX_SEED + 1),
        ("seed", -1),
        ("servers", MAX_SERVERS + 1),
        ("servers", False),
    ],
)
def test_bad_number_is_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _Numbers.model_validate({field: value})
    assert info.value.errors()[0]["loc"] == (field,)


def test_good_numbers_are_kept_and_an_int_is_a_number() -> None:
    values = _Numbers(number=3, count=7, probability=1, seed=MAX_SEED, servers=MAX_SERVERS)
    assert values.number == 3.0 and isinstance(values.number, float)
    assert (values.count, values.seed, values.servers) == (7, MAX_SEED, MAX_SERVERS)


def test_whole_floats_and_numpy_integers_are_counts() -> None:
    assert _Numbers(count=7.0).count == 7
    assert _Numbers(count=np.int64(12), servers=np.int32(4)).count == 12
    with pytest.raises(ValidationError, match="boolean"):
        _Numbers(count=np.bool_(True))
