"""Base stock with Poisson demand (theory.stock): reference, direct sums, monotonicity."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson

from tests.simulation.theory.helpers import PROPERTY, printed
from tierwise.simulation.theory.stock import (
    ContinuousBaseStock,
    PeriodicBaseStock,
    continuous_base_stock,
    poisson_base_stock,
)


def test_periodic_base_stock_poisson6_s8_matches_reference() -> None:
    result = poisson_base_stock(6.0, 8)
    assert isinstance(result, PeriodicBaseStock)
    assert result.no_stockout_probability == printed(0.847237, 6)
    assert result.expected_shortage_units == printed(0.314021, 6)
    assert result.fill_rate == printed(0.947663, 6)
    # E[(S − D)+] − E[(D − S)+] = S − μ.
    assert result.expected_on_hand_units == pytest.approx(0.314021 + 2.0, abs=1e-6)


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


def test_results_are_frozen() -> None:
    result = poisson_base_stock(6.0, 8)
    with pytest.raises(AttributeError):
        result.fill_rate = 1.0  # type: ignore[misc]


BAD_INPUT: list[tuple[Callable[..., object], dict[str, Any], str]] = [
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
