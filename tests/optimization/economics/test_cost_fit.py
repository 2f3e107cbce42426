"""Monotone cost fit: the form follows the data (Φ⁻¹, log-failure, its square), quality report."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from tierwise.optimization.economics.cost_fit import COST_TERMS, fit_cost_curve


def test_cost_fit_recovers_a_convex_quadratic_in_log_failure() -> None:
    s = np.linspace(0.5, 0.995, 12)
    x = -np.log1p(-s)
    fit = fit_cost_curve(s, 500.0 + 300.0 * x + 80.0 * x * x)
    assert fit.terms == ("log_failure", "log_failure_squared")
    assert fit.intercept_usd_per_day == pytest.approx(500.0, rel=1e-8)
    assert fit.coefficient("log_failure") == pytest.approx(300.0, rel=1e-8)
    assert fit.coefficient("log_failure_squared") == pytest.approx(80.0, rel=1e-8)
    assert fit.coefficient("probit") == 0.0
    h = 1e-7
    assert fit.marginal_cost(0.9) == pytest.approx(
        (fit.cost(0.9 + h) - fit.cost(0.9 - h)) / (2 * h), rel=1e-6
    )


def test_cost_fit_recovers_a_normal_quantile_cost_exactly() -> None:
    """Safety-stock cost grows like Φ⁻¹(s); a quadratic in −ln(1 − s) cannot follow it."""
    s = np.linspace(0.80, 0.99, 5)
    fit = fit_cost_curve(s, 1000.0 * special.ndtri(s))
    assert fit.terms == ("probit",)
    assert fit.coefficient("probit") == pytest.approx(1000.0, rel=1e-9)
    assert fit.intercept_usd_per_day == pytest.approx(0.0, abs=1e-6)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.max_abs_residual_usd_per_day < 1e-6
    h = 1e-7
    assert fit.marginal_cost(0.95) == pytest.approx(
        (fit.cost(0.95 + h) - fit.cost(0.95 - h)) / (2 * h), rel=1e-6
    )
    restricted = fit_cost_curve(
        s, 1000.0 * special.ndtri(s), terms=("log_failure", "log_failure_squared")
    )
    assert restricted.max_abs_residual_usd_per_day > 1.0  # the old form misfits by dollars


def test_fit_quality_reports_residuals_relative_to_the_cost_intervals() -> None:
    rng = np.random.default_rng(7)
    s = np.linspace(0.80, 0.99, 8)
    exact = 1000.0 * special.ndtri(s)
    half_width = np.full(s.shape, 6.0)
    noisy = exact + rng.normal(0.0, 3.0, s.size)
    fit = fit_cost_curve(s, noisy, half_width)
    resid = noisy - fit.cost(s)
    assert fit.max_abs_residual_usd_per_day == pytest.approx(np.max(np.abs(resid)))
    assert fit.max_residual_to_half_width == pytest.approx(np.max(np.abs(resid)) / 6.0)
    assert fit.within_intervals == (fit.max_residual_to_half_width <= 1.0)
    assert 0.99 < fit.r_squared < 1.0
    # no intervals: the ratio is undefined and the fit counts as inside them
    bare = fit_cost_curve(s, noisy)
    assert math.isnan(bare.max_residual_to_half_width) and bare.within_intervals
    # a curve through no interval: costs jump where no smooth increasing curve follows
    jumpy = np.where(s < 0.9, 100.0, 2000.0)
    bad = fit_cost_curve(s, jumpy, np.full(s.shape, 1.0))
    assert bad.max_residual_to_half_width > 1.0 and not bad.within_intervals


def test_cost_fit_stays_monotone_on_noisy_decreasing_data() -> None:
    s = np.array([0.6, 0.7, 0.8, 0.9])
    fit = fit_cost_curve(s, np.array([500.0, 480.0, 470.0, 460.0]))
    grid = np.linspace(0.6, 0.9, 50)
    assert np.all(np.diff(fit.cost(grid)) >= -1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_every_fitted_form_is_increasing_and_convex_over_its_points(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s = np.sort(rng.uniform(0.5, 0.99, 9))
    y = np.sort(rng.uniform(100.0, 2000.0, 9)) + rng.normal(0.0, 50.0, 9)
    fit = fit_cost_curve(s, y)
    grid = np.linspace(s.min(), s.max(), 400)
    cost = fit.cost(grid)
    assert np.all(np.diff(cost) >= -1e-9)
    assert np.all(np.diff(cost, 2) >= -1e-6 * np.max(np.abs(cost)))
    assert all(b >= 0.0 for b in fit.coefficients_usd_per_day)


def test_probit_term_only_where_it_is_convex_and_few_points_get_few_terms() -> None:
    s = np.array([0.3, 0.5, 0.7, 0.9, 0.95])
    fit = fit_cost_curve(s, 1000.0 * special.ndtri(s) + 2000.0)
    assert "probit" not in fit.terms
    # two points: one term; three points: at most one term (a residual degree of freedom)
    assert len(fit_cost_curve(np.array([0.8, 0.9]), np.array([1.0, 3.0])).terms) == 1
    assert len(fit_cost_curve(np.array([0.8, 0.9, 0.95]), np.array([1.0, 3.0, 9.0])).terms) == 1


def test_cost_fit_needs_two_points_below_full_service_and_known_terms() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        fit_cost_curve(np.array([0.9, 1.0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="allowed"):
        fit_cost_curve(np.array([0.8, 0.9]), np.array([1.0, 2.0]), terms=("cubic",))  # type: ignore[arg-type]
    assert set(COST_TERMS) == {"probit", "log_failure", "log_failure_squared"}
