"""Erlang B / C / A (theory.erlang): reference table, closed forms, staffing and bad input."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import call_centre
from tests.simulation.theory.helpers import PROPERTY, printed
from tierwise.simulation.engine import run
from tierwise.simulation.theory.erlang import (
    erlang_a,
    erlang_b,
    erlang_c_mean_wait_h,
    erlang_c_service_level,
    erlang_c_wait_probability,
    min_stable_servers,
    servers_for_service_level,
)

SECONDS_PER_H = 3600.0
#: A valid Erlang A call: 10 Erlang offered to 10 servers, patience equal to handling.
ERLANG_A = {
    "servers": 10,
    "arrival_rate_per_h": 200.0,
    "mean_handling_time_h": 0.05,
    "mean_patience_h": 0.05,
}

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


def test_unstable_load_message_quotes_value_and_allowed_range() -> None:
    with pytest.raises(ValueError) as info:
        erlang_c_wait_probability(10, 12.5)
    message = str(info.value)
    assert "offered_load_erlang" in message
    assert "12.5" in message
    assert "< servers (= 10)" in message


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
    (erlang_a, {**ERLANG_A, "mean_patience_h": -0.1}, "mean_patience_h"),
    (erlang_a, {**ERLANG_A, "mean_patience_h": math.nan}, "mean_patience_h"),
    (erlang_a, {**ERLANG_A, "servers": 0}, "servers"),
    (erlang_a, {**ERLANG_A, "mean_handling_time_h": 0.0}, "mean_handling_time_h"),
    (erlang_a, {**ERLANG_A, "mean_patience_h": math.inf, "servers": 9}, "steady state"),
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


# ----------------------------------------------------------------------- Erlang A (M/M/c+M)


def _poisson_pmf(load: float, n: int) -> float:
    return math.exp(n * math.log(load) - load - math.lgamma(n + 1)) if load > 0 else float(n == 0)


@pytest.mark.parametrize(("servers", "load"), [(1, 0.5), (5, 3.0), (10, 10.0), (8, 20.0)])
def test_erlang_a_with_patience_equal_to_handling_is_an_infinite_server_queue(
    servers: int, load: float
) -> None:
    # θ = μ: death rate n·μ in every state, so N ~ Poisson(A) (M/M/∞)
    handling_h = 0.1
    result = erlang_a(servers, load / handling_h, handling_h, handling_h)
    pmf = [_poisson_pmf(load, n) for n in range(400)]
    p_wait = math.fsum(pmf[servers:])
    queue = math.fsum((n - servers) * p for n, p in enumerate(pmf) if n > servers)
    assert result.wait_probability == pytest.approx(p_wait, rel=1e-9)
    assert result.mean_queue_length == pytest.approx(queue, rel=1e-9)
    assert result.abandon_probability == pytest.approx(queue / load, rel=1e-9)
    assert result.mean_wait_h == pytest.approx(queue / (load / handling_h), rel=1e-9)


def _birth_death_solution(
    servers: int, lam: float, mu: float, theta: float, states: int = 3000
) -> tuple[float, float]:
    """P(wait) and P(abandon) from the balance equations of the truncated chain."""
    rates = [min(n, servers) * mu + max(n - servers, 0) * theta for n in range(1, states)]
    log_p = [0.0]
    for death in rates:
        log_p.append(log_p[-1] + math.log(lam) - math.log(death))
    top = max(log_p)
    p = [math.exp(v - top) for v in log_p]
    total = math.fsum(p)
    p_wait = math.fsum(p[servers:]) / total
    queue = math.fsum((n - servers) * v for n, v in enumerate(p) if n > servers) / total
    return p_wait, theta * queue / lam


@given(
    servers=st.integers(1, 30),
    utilisation=st.floats(0.1, 3.0),
    patience_ratio=st.floats(0.05, 20.0),
)
@PROPERTY
def test_erlang_a_matches_the_birth_death_balance_equations(
    servers: int, utilisation: float, patience_ratio: float
) -> None:
    handling_h = 0.05
    lam = utilisation * servers / handling_h
    patience_h = patience_ratio * handling_h
    p_wait, p_abandon = _birth_death_solution(servers, lam, 1 / handling_h, 1 / patience_h)
    result = erlang_a(servers, lam, handling_h, patience_h)
    assert result.wait_probability == pytest.approx(p_wait, rel=1e-7, abs=1e-12)
    assert result.abandon_probability == pytest.approx(p_abandon, rel=1e-7, abs=1e-12)
    assert 0.0 <= result.abandon_probability <= result.wait_probability <= 1.0


def test_erlang_a_limits_are_erlang_b_at_zero_and_erlang_c_at_infinite_patience() -> None:
    loss = erlang_a(10, 240.0, 0.05, 0.0)
    assert loss.wait_probability == loss.abandon_probability == erlang_b(10, 12.0)
    assert loss.mean_queue_length == 0.0
    nearly_loss = erlang_a(10, 240.0, 0.05, 1e-9)
    assert nearly_loss.abandon_probability == pytest.approx(erlang_b(10, 12.0), rel=1e-6)
    delay = erlang_a(12, CALLS_PER_H, HANDLING_H, math.inf)
    assert delay.wait_probability == pytest.approx(erlang_c_wait_probability(12, 10.0))
    assert delay.mean_wait_h == pytest.approx(erlang_c_mean_wait_h(12, CALLS_PER_H, HANDLING_H))
    assert delay.abandon_probability == 0.0
    patient = erlang_a(12, CALLS_PER_H, HANDLING_H, 1e4)
    assert patient.wait_probability == pytest.approx(erlang_c_wait_probability(12, 10.0), rel=1e-3)


def test_erlang_a_heavy_overload_abandons_the_excess_load() -> None:
    # fluid limit: at A >> c a fraction 1 − c/A of the calls must abandon
    result = erlang_a(50, 500 / 0.05, 0.05, 0.05)
    assert result.abandon_probability == pytest.approx(1 - 50 / 500, abs=0.01)
    assert result.wait_probability == pytest.approx(1.0, abs=1e-9)


def test_erlang_a_predicts_the_simulated_abandonment_of_an_overloaded_desk() -> None:
    # M/M/8+M at 10 Erlang (above capacity): the engine reaches a steady state
    scenario = call_centre(
        8,
        200.0,
        horizon_days=4.0,
        order_entry={
            "pools": {"desk": {"agents": 8, "discipline": "fifo"}},
            "handling_time_s": {"dist": "exponential", "mean": 180.0},
            "patience_s": {"dist": "exponential", "mean": 180.0},
        },
    )
    rates = [run(scenario, r).tiers["all"]["abandonment_rate"] for r in range(3)]
    theory = erlang_a(8, 200.0, 0.05, 0.05).abandon_probability
    assert theory == pytest.approx(0.24604, abs=1e-5)
    assert sum(rates) / len(rates) == pytest.approx(theory, abs=0.01)
