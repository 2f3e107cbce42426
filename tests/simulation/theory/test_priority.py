"""Cobham's non-preemptive priority M/M/c waits (theory.priority): reference and laws."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.simulation.theory.helpers import PROPERTY, printed
from tierwise.simulation.theory.erlang import erlang_c_mean_wait_h
from tierwise.simulation.theory.priority import priority_queue_waits_h


def test_cobham_priority_waits_match_reference_single_server() -> None:
    waits = priority_queue_waits_h([0.2, 0.6, 1.2], service_rate_per_h=3.0)
    for got, ref in zip(waits, [0.2380952, 0.3246753, 0.9090909], strict=True):
        assert got == printed(ref, 7)


def test_cobham_priority_waits_match_reference_two_servers() -> None:
    waits = priority_queue_waits_h([0.2, 0.6, 1.2], service_rate_per_h=3.0, servers=2)
    for got, ref in zip(waits, [0.0287356, 0.0331565, 0.0480769], strict=True):
        assert got == printed(ref, 7)


@PROPERTY
@given(
    shares=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=5),
    servers=st.integers(min_value=1, max_value=8),
    utilisation=st.floats(min_value=0.01, max_value=0.97),
    mu=st.floats(min_value=0.1, max_value=50.0),
)
def test_cobham_waits_ordered_by_priority_and_conserve_fcfs_mean_wait(
    shares: list[int], servers: int, utilisation: float, mu: float
) -> None:
    if sum(shares) == 0:
        shares = [*shares[:-1], 1]
    total_share = sum(shares)
    total_rate = utilisation * servers * mu
    rates = [total_rate * s / total_share for s in shares]
    waits = priority_queue_waits_h(rates, mu, servers)
    assert len(waits) == len(rates)
    assert all(lo <= hi * (1 + 1e-12) for lo, hi in itertools.pairwise(waits))
    # Kleinrock's conservation law: identical service, work-conserving discipline.
    fcfs = erlang_c_mean_wait_h(servers, math.fsum(rates), 1.0 / mu)
    weighted = math.fsum(r * w for r, w in zip(rates, waits, strict=True)) / math.fsum(rates)
    assert weighted == pytest.approx(fcfs, rel=1e-9)


def test_single_priority_class_reduces_to_fcfs_erlang_c() -> None:
    (wait,) = priority_queue_waits_h([9.0], service_rate_per_h=1.0, servers=10)
    assert wait == pytest.approx(erlang_c_mean_wait_h(10, 9.0, 1.0))


BAD_INPUT: list[tuple[Callable[..., object], dict[str, Any], str]] = [
    (
        priority_queue_waits_h,
        {"arrival_rates_per_h": [], "service_rate_per_h": 3.0},
        "arrival_rates_per_h",
    ),
    (
        priority_queue_waits_h,
        {"arrival_rates_per_h": [0.2, -0.6], "service_rate_per_h": 3.0},
        r"arrival_rates_per_h\[1\]",
    ),
    (
        priority_queue_waits_h,
        {"arrival_rates_per_h": [0.2], "service_rate_per_h": 0.0},
        "service_rate_per_h",
    ),
    (
        priority_queue_waits_h,
        {"arrival_rates_per_h": [2.0, 1.0], "service_rate_per_h": 3.0},
        "arrival_rates_per_h",
    ),
    (
        priority_queue_waits_h,
        {"arrival_rates_per_h": [1.0], "service_rate_per_h": 3.0, "servers": 0},
        "servers",
    ),
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
