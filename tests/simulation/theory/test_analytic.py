"""Queueing and inventory theory (theory.analytic): exact reference values and properties."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from tierwise.simulation.theory.analytic import (
    ContinuousBaseStock,
    PeriodicBaseStock,
    continuous_base_stock,
    customer_lifetime_value,
    erlang_b,
    erlang_c_mean_wait_h,
    erlang_c_service_level,
    erlang_c_wait_probability,
    min_stable_servers,
    perfect_order_rate_independent,
    poisson_base_stock,
    priority_queue_waits_h,
    servers_for_service_level,
)

# Deterministic, fast property tests: fixed example generation, no per-example deadline.
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None, database=None)

SECONDS_PER_H = 3600.0


def printed(value: float, decimals: int) -> Any:
    """Match a reference value to its printed precision (half a unit of the last digit)."""
    return pytest.approx(value, abs=0.5 * 10.0**-decimals, rel=0.0)


# --------------------------------------------------------------------------- reference cases

# Reference case: λ = 200 calls/h, mean handling 180 s (A = 10 Erlang), t = 20 s.
ERLANG_C_TABLE = [
    # servers, P(wait), SL(20 s), ASA in s
    (11, 0.682118, 0.389614, 122.781),
    (12, 0.449388, 0.640158, 40.445),
    (13, 0.285270, 0.795595, 17.116),
    (14, 0.174132, 0.888350, 7.836),
]
CALLS_PER_H = 200.0
HANDLING_H = 180.0 / SECONDS_PER_H
TARGET_H = 20.0 / SECONDS_PER_H


@pytest.mark.parametrize(("servers", "p_wait", "service_level", "asa_s"), ERLANG_C_TABLE)
def test_erlang_c_matches_reference_table(
    servers: int, p_wait: float, service_level: float, asa_s: float
) -> None:
    load = CALLS_PER_H * HANDLING_H
    assert load == pytest.approx(10.0)
    assert erlang_c_wait_probability(servers, load) == printed(p_wait, 6)
    assert erlang_c_service_level(servers, CALLS_PER_H, HANDLING_H, TARGET_H) == printed(
        service_level, 6
    )
    asa = erlang_c_mean_wait_h(servers, CALLS_PER_H, HANDLING_H) * SECONDS_PER_H
    assert asa == printed(asa_s, 3)


def test_servers_for_service_level_reproduces_80_in_20_staffing() -> None:
    # From the table: 13 agents give 79.56 % < 80 %, 14 give 88.8 %.
    assert servers_for_service_level(CALLS_PER_H, HANDLING_H, TARGET_H, 0.80) == 14
    assert servers_for_service_level(CALLS_PER_H, HANDLING_H, TARGET_H, 0.79) == 13
    assert servers_for_service_level(CALLS_PER_H, HANDLING_H, TARGET_H, 0.0) == 11


def test_cobham_priority_waits_match_reference_single_server() -> None:
    waits = priority_queue_waits_h([0.2, 0.6, 1.2], service_rate_per_h=3.0)
    for got, ref in zip(waits, [0.2380952, 0.3246753, 0.9090909], strict=True):
        assert got == printed(ref, 7)


def test_cobham_priority_waits_match_reference_two_servers() -> None:
    waits = priority_queue_waits_h([0.2, 0.6, 1.2], service_rate_per_h=3.0, servers=2)
    for got, ref in zip(waits, [0.0287356, 0.0331565, 0.0480769], strict=True):
        assert got == printed(ref, 7)


def test_periodic_base_stock_poisson6_s8_matches_reference() -> None:
    result = poisson_base_stock(6.0, 8)
    assert isinstance(result, PeriodicBaseStock)
    assert result.no_stockout_probability == printed(0.847237, 6)
    assert result.expected_shortage_units == printed(0.314021, 6)
    assert result.fill_rate == printed(0.947663, 6)
    # E[(S − D)+] − E[(D − S)+] = S − μ.
    assert result.expected_on_hand_units == pytest.approx(0.314021 + 2.0, abs=1e-6)


def test_perfect_order_product_of_independent_rates_matches_reference() -> None:
    assert perfect_order_rate_independent([0.98, 0.97, 0.99, 0.82]) == printed(0.7716971, 7)


def test_customer_lifetime_value_matches_reference() -> None:
    assert customer_lifetime_value(100.0, 0.8, 0.1) == printed(266.6667, 4)


# --------------------------------------------------------------------------- Erlang B / C theory


@pytest.mark.parametrize("servers", [1, 2, 5, 11, 20])
@pytest.mark.parametrize("load", [0.0, 0.3, 4.0, 10.0, 25.0])
def test_erlang_b_recursion_equals_closed_form(servers: int, load: float) -> None:
    terms = [load**k / math.factorial(k) for k in range(servers + 1)]
    assert erlang_b(servers, load) == pytest.approx(terms[-1] / math.fsum(terms), rel=1e-12)


@pytest.mark.parametrize(("servers", "load"), [(1, 0.5), (3, 2.2), (11, 10.0), (30, 27.5)])
def test_erlang_c_equals_closed_form(servers: int, load: float) -> None:
    terms = [load**k / math.factorial(k) for k in range(servers)]
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    assert erlang_c_wait_probability(servers, load) == pytest.approx(
        top / (math.fsum(terms) + top), rel=1e-12
    )


def test_mm1_wait_probability_is_utilisation_and_wait_is_rho_over_mu_minus_lambda() -> None:
    lam, mu = 2.0, 3.0
    assert erlang_c_wait_probability(1, lam / mu) == pytest.approx(lam / mu)
    assert erlang_c_mean_wait_h(1, lam, 1.0 / mu) == pytest.approx((lam / mu) / (mu - lam))


def test_erlang_b_stable_for_large_systems() -> None:
    value = erlang_b(5000, 4900.0)
    assert 0.0 < value < 1.0
    assert math.isfinite(erlang_c_wait_probability(5000, 4900.0))


@PROPERTY
@given(
    servers=st.integers(min_value=1, max_value=200),
    utilisation=st.floats(min_value=0.0, max_value=0.999),
)
def test_erlang_c_is_probability_and_decreasing_in_servers(
    servers: int, utilisation: float
) -> None:
    load = utilisation * servers
    c_now = erlang_c_wait_probability(servers, load)
    c_more = erlang_c_wait_probability(servers + 1, load)
    assert 0.0 <= c_now <= 1.0
    assert 0.0 <= c_more <= c_now
    assert erlang_b(servers, load) <= c_now + 1e-15  # waiting is likelier than blocking


@PROPERTY
@given(
    servers=st.integers(min_value=1, max_value=100),
    utilisation=st.floats(min_value=0.01, max_value=0.99),
    handling_h=st.floats(min_value=1e-3, max_value=2.0),
    target_h=st.floats(min_value=0.0, max_value=1.0),
    extra_h=st.floats(min_value=0.0, max_value=1.0),
)
def test_service_level_increasing_in_servers_and_answer_target(
    servers: int, utilisation: float, handling_h: float, target_h: float, extra_h: float
) -> None:
    lam = utilisation * servers / handling_h
    sl = erlang_c_service_level(servers, lam, handling_h, target_h)
    assert 0.0 <= sl <= 1.0
    assert erlang_c_service_level(servers + 1, lam, handling_h, target_h) >= sl
    assert erlang_c_service_level(servers, lam, handling_h, target_h + extra_h) >= sl
    # At t = 0 the service level is the probability of not waiting.
    assert erlang_c_service_level(servers, lam, handling_h, 0.0) == pytest.approx(
        1.0 - erlang_c_wait_probability(servers, lam * handling_h)
    )


@PROPERTY
@given(
    load=st.floats(min_value=0.0, max_value=60.0),
    handling_h=st.floats(min_value=0.01, max_value=1.0),
    target_h=st.floats(min_value=0.0, max_value=0.5),
    target=st.floats(min_value=0.0, max_value=0.99),
)
def test_servers_for_service_level_is_smallest_stable_count_reaching_target(
    load: float, handling_h: float, target_h: float, target: float
) -> None:
    lam = load / handling_h
    c = servers_for_service_level(lam, handling_h, target_h, target)
    assert c >= min_stable_servers(lam * handling_h)
    assert erlang_c_service_level(c, lam, handling_h, target_h) >= target
    if c - 1 >= min_stable_servers(lam * handling_h):
        assert erlang_c_service_level(c - 1, lam, handling_h, target_h) < target


@pytest.mark.parametrize(("load", "expected"), [(0.0, 1), (0.5, 1), (1.0, 2), (10.0, 11)])
def test_min_stable_servers_is_least_integer_above_load(load: float, expected: int) -> None:
    assert min_stable_servers(load) == expected


# --------------------------------------------------------------------------- priority queue


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


# --------------------------------------------------------------------------- inventory


def _exact_expectations(mean: float, level: int) -> tuple[float, float, float]:
    """P(D <= S), E[(D − S)+], E[(S − D)+] by direct summation over the pmf."""
    upper = int(mean + 40.0 * math.sqrt(mean) + 60.0) + level
    pmf = [float(poisson.pmf(d, mean)) for d in range(upper)]
    cdf = math.fsum(pmf[: level + 1])
    short = math.fsum((d - level) * p for d, p in enumerate(pmf) if d > level)
    on_hand = math.fsum((level - d) * p for d, p in enumerate(pmf) if d < level)
    return cdf, short, on_hand


@pytest.mark.parametrize("lead", [0, 1, 3])
@pytest.mark.parametrize(("mean", "level"), [(6.0, 8), (0.4, 0), (2.5, 12), (30.0, 25)])
def test_periodic_base_stock_equals_direct_poisson_sums(mean: float, level: int, lead: int) -> None:
    result = poisson_base_stock(mean, level, lead_time_periods=lead)
    cdf, short, on_hand = _exact_expectations((lead + 1) * mean, level)
    assert result.no_stockout_probability == pytest.approx(cdf, abs=1e-12)
    assert result.expected_shortage_units == pytest.approx(short, abs=1e-9)
    assert result.expected_on_hand_units == pytest.approx(on_hand, abs=1e-9)


@pytest.mark.parametrize("lead", [0, 1, 2])
@pytest.mark.parametrize(("mean", "level"), [(6.0, 8), (1.5, 3), (4.0, 15)])
def test_periodic_fill_rate_is_period_demand_met_from_net_stock(
    mean: float, level: int, lead: int
) -> None:
    # Demand of one period met from stock = E[min(D_1, (S − D_L)+)], D_1 ⟂ D_L.
    upper = int(10 * (lead + 1) * mean + 50) + level
    p_lead = [float(poisson.pmf(y, lead * mean)) if lead else float(y == 0) for y in range(upper)]
    p_one = [float(poisson.pmf(x, mean)) for x in range(upper)]
    met = math.fsum(
        py * px * min(x, max(level - y, 0))
        for y, py in enumerate(p_lead)
        for x, px in enumerate(p_one)
        if py > 0.0
    )
    assert poisson_base_stock(mean, level, lead).fill_rate == pytest.approx(met / mean, abs=1e-9)


@PROPERTY
@given(
    mean=st.floats(min_value=0.05, max_value=40.0),
    level=st.integers(min_value=0, max_value=80),
    lead=st.integers(min_value=0, max_value=4),
)
def test_periodic_base_stock_fill_rate_increasing_in_base_stock(
    mean: float, level: int, lead: int
) -> None:
    low = poisson_base_stock(mean, level, lead)
    high = poisson_base_stock(mean, level + 1, lead)
    assert 0.0 <= low.fill_rate <= high.fill_rate + 1e-12 <= 1.0 + 1e-12
    assert low.no_stockout_probability <= high.no_stockout_probability
    assert high.expected_shortage_units <= low.expected_shortage_units + 1e-12
    assert low.expected_on_hand_units - low.expected_shortage_units == pytest.approx(
        level - (lead + 1) * mean, abs=1e-9
    )


def test_continuous_base_stock_uses_lead_time_demand_distribution() -> None:
    # λ = 2/day, L = 3 days: D_L ~ Poisson(6), same distribution as the periodic case.
    result = continuous_base_stock(2.0, 3.0, 8)
    assert isinstance(result, ContinuousBaseStock)
    assert result.fill_rate == pytest.approx(float(poisson.cdf(7, 6.0)), abs=1e-12)
    assert result.expected_backorders_units == printed(0.314021, 6)
    assert result.expected_on_hand_units == pytest.approx(2.314021, abs=1e-6)


def test_continuous_base_stock_zero_lead_time_never_stocks_out_with_stock() -> None:
    result = continuous_base_stock(5.0, 0.0, 2)
    assert result.fill_rate == 1.0
    assert result.expected_backorders_units == 0.0
    assert result.expected_on_hand_units == 2.0


@PROPERTY
@given(
    rate=st.floats(min_value=0.01, max_value=20.0),
    lead=st.floats(min_value=0.0, max_value=10.0),
    level=st.integers(min_value=0, max_value=80),
)
def test_continuous_base_stock_fill_rate_increasing_and_littles_law_holds(
    rate: float, lead: float, level: int
) -> None:
    low = continuous_base_stock(rate, lead, level)
    high = continuous_base_stock(rate, lead, level + 1)
    assert 0.0 <= low.fill_rate <= high.fill_rate <= 1.0
    # Expected pipeline λL = S − E[IL]: on-hand − backorders = S − λL.
    assert low.expected_on_hand_units - low.expected_backorders_units == pytest.approx(
        level - rate * lead, abs=1e-9
    )


# --------------------------------------------------------------------------- economics


def test_customer_lifetime_value_equals_discounted_retention_series() -> None:
    m, r, i = 100.0, 0.8, 0.1
    series = math.fsum(m * (r / (1 + i)) ** t for t in range(1, 2000))
    assert customer_lifetime_value(m, r, i) == pytest.approx(series, rel=1e-12)


@PROPERTY
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_perfect_order_product_bounded_by_weakest_component(rates: list[float]) -> None:
    product = perfect_order_rate_independent(rates)
    assert 0.0 <= product <= min(rates)


# --------------------------------------------------------------------------- bad input

BAD_INPUT: list[tuple[Callable[..., object], dict[str, Any], str]] = [
    (erlang_b, {"servers": 0, "offered_load_erlang": 1.0}, "servers"),
    (erlang_b, {"servers": 2.5, "offered_load_erlang": 1.0}, "servers"),
    (erlang_b, {"servers": True, "offered_load_erlang": 1.0}, "servers"),
    (erlang_b, {"servers": 3, "offered_load_erlang": -1.0}, "offered_load_erlang"),
    (erlang_b, {"servers": 3, "offered_load_erlang": math.nan}, "offered_load_erlang"),
    (erlang_c_wait_probability, {"servers": 10, "offered_load_erlang": 10.0}, "offered_load"),
    (erlang_c_wait_probability, {"servers": 0, "offered_load_erlang": 0.5}, "servers"),
    (
        erlang_c_service_level,
        {
            "servers": 2,
            "arrival_rate_per_h": -5.0,
            "mean_handling_time_h": 0.1,
            "answer_target_h": 0.01,
        },
        "arrival_rate_per_h",
    ),
    (
        erlang_c_service_level,
        {
            "servers": 2,
            "arrival_rate_per_h": 5.0,
            "mean_handling_time_h": 0.0,
            "answer_target_h": 0,
        },
        "mean_handling_time_h",
    ),
    (
        erlang_c_service_level,
        {"servers": 2, "arrival_rate_per_h": 5, "mean_handling_time_h": 0.1, "answer_target_h": -1},
        "answer_target_h",
    ),
    (
        erlang_c_mean_wait_h,
        {"servers": 11, "arrival_rate_per_h": 240.0, "mean_handling_time_h": 0.05},
        "arrival_rate_per_h·mean_handling_time_h",
    ),
    (min_stable_servers, {"offered_load_erlang": -0.1}, "offered_load_erlang"),
    (min_stable_servers, {"offered_load_erlang": math.inf}, "offered_load_erlang"),
    (min_stable_servers, {"offered_load_erlang": "3"}, "offered_load_erlang"),
    (
        servers_for_service_level,
        {
            "arrival_rate_per_h": 200.0,
            "mean_handling_time_h": 0.05,
            "answer_target_h": 0.005,
            "target_service_level": 1.0,
        },
        "target_service_level",
    ),
    (
        servers_for_service_level,
        {
            "arrival_rate_per_h": 200.0,
            "mean_handling_time_h": 0.05,
            "answer_target_h": 0.005,
            "target_service_level": 0.99,
            "max_servers": 12,
        },
        "max_servers",
    ),
    (
        servers_for_service_level,
        {
            "arrival_rate_per_h": 200.0,
            "mean_handling_time_h": 0.05,
            "answer_target_h": 0.005,
            "target_service_level": 0.5,
            "max_servers": 5,
        },
        "max_servers",
    ),
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
    (
        poisson_base_stock,
        {"mean_demand_per_period": 0.0, "base_stock_units": 8},
        "mean_demand_per_period",
    ),
    (poisson_base_stock, {"mean_demand_per_period": 6.0, "base_stock_units": -1}, "base_stock"),
    (
        poisson_base_stock,
        {"mean_demand_per_period": 6.0, "base_stock_units": 8, "lead_time_periods": -1},
        "lead_time_periods",
    ),
    (
        continuous_base_stock,
        {"demand_rate_per_day": -2.0, "lead_time_days": 3.0, "base_stock_units": 8},
        "demand_rate_per_day",
    ),
    (
        continuous_base_stock,
        {"demand_rate_per_day": 2.0, "lead_time_days": -3.0, "base_stock_units": 8},
        "lead_time_days",
    ),
    (
        continuous_base_stock,
        {"demand_rate_per_day": 2.0, "lead_time_days": 3.0, "base_stock_units": 7.5},
        "base_stock_units",
    ),
    (perfect_order_rate_independent, {"rates": []}, "rates"),
    (perfect_order_rate_independent, {"rates": [0.9, 1.2]}, r"rates\[1\]"),
    (
        customer_lifetime_value,
        {"margin_per_period": 100.0, "retention_rate": 1.1, "discount_rate": 0.1},
        "retention_rate",
    ),
    (
        customer_lifetime_value,
        {"margin_per_period": 100.0, "retention_rate": 0.8, "discount_rate": -0.1},
        "discount_rate",
    ),
    (
        customer_lifetime_value,
        {"margin_per_period": 100.0, "retention_rate": 1.0, "discount_rate": 0.0},
        "discount_rate",
    ),
    (
        customer_lifetime_value,
        {"margin_per_period": math.inf, "retention_rate": 0.8, "discount_rate": 0.1},
        "margin_per_period",
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


def test_unstable_load_message_quotes_value_and_allowed_range() -> None:
    with pytest.raises(ValueError) as info:
        erlang_c_wait_probability(10, 12.5)
    message = str(info.value)
    assert "offered_load_erlang" in message
    assert "12.5" in message
    assert "< servers (= 10)" in message


def test_results_are_frozen() -> None:
    result = poisson_base_stock(6.0, 8)
    with pytest.raises(AttributeError):
        result.fill_rate = 1.0  # type: ignore[misc]
