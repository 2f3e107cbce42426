"""Profit along the frontier: analytic maximiser, MR = MC, CI propagation and cost fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from tierwise.optimization.economics.profit import (
    COST_HIGH,
    COST_LOW,
    MARGINAL_COST,
    MARGINAL_REVENUE,
    PROFIT,
    PROFIT_HIGH,
    PROFIT_LOW,
    REVENUE,
    REVENUE_HIGH,
    REVENUE_LOW,
    fit_cost_curve,
    optimal_service_level,
    profit_curve,
)
from tierwise.optimization.economics.revenue import LogisticResponse
from tierwise.simulation.analysis.frontier import (
    COST_HALF_WIDTH,
    COST_MEAN,
    ON_FRONTIER,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
    cost_service_frontier,
)

A_USD = 1000.0  # cost = A_USD * -ln(1 - s)
RESPONSE = LogisticResponse(
    r_min_usd_per_day=2000.0, r_max_usd_per_day=12000.0, steepness_k=25.0, midpoint_s0=0.85
)


def _cost(s: np.ndarray) -> np.ndarray:
    return A_USD * -np.log1p(-s)


def _frontier(
    s: np.ndarray, cost: np.ndarray, hw_s: float = 0.0, hw_c: float = 0.0
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant_id": [f"v{i:03d}" for i in range(len(s))],
            SERVICE_MEAN: s,
            SERVICE_HALF_WIDTH: hw_s,
            COST_MEAN: cost,
            COST_HALF_WIDTH: hw_c,
            ON_FRONTIER: True,
        }
    )


def _true_optimum() -> float:
    res = optimize.minimize_scalar(
        lambda s: -(RESPONSE.revenue(s) - A_USD * -math.log1p(-s)),
        bounds=(0.5, 0.99),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return float(res.x)


def test_smooth_optimum_matches_the_analytic_maximiser_where_mr_equals_mc() -> None:
    s_true = _true_optimum()
    assert 0.85 < s_true < 0.97  # interior: the test would be vacuous otherwise
    s = np.linspace(0.50, 0.99, 50)
    opt = optimal_service_level(_frontier(s, _cost(s)), RESPONSE)
    assert opt.mr_equals_mc and opt.at_boundary is None
    assert opt.smooth_service_level == pytest.approx(s_true, abs=1e-6)
    # marginal revenue equals marginal cost A/(1 - s) there
    assert opt.smooth_marginal_revenue == pytest.approx(A_USD / (1 - s_true), rel=1e-5)
    assert opt.smooth_marginal_cost == pytest.approx(opt.smooth_marginal_revenue, rel=1e-6)
    assert opt.cost_fit is not None
    assert opt.cost_fit.b_usd_per_day == pytest.approx(A_USD, rel=1e-6)
    assert opt.cost_fit.c_usd_per_day == pytest.approx(0.0, abs=1e-6)
    assert opt.cost_fit.r_squared == pytest.approx(1.0)


def test_discrete_optimum_is_the_most_profitable_grid_point() -> None:
    s = np.linspace(0.50, 0.99, 50)
    opt = optimal_service_level(_frontier(s, _cost(s)), RESPONSE)
    profit = RESPONSE.revenue(s) - _cost(s)
    k = int(np.argmax(profit))
    assert opt.variant_id == f"v{k:03d}"
    assert opt.service_level == pytest.approx(s[k])
    assert opt.profit_per_day_usd == pytest.approx(profit[k])
    assert abs(opt.service_level - _true_optimum()) <= 0.01  # grid step
    # with zero half-widths, no other variant is indistinguishable
    assert opt.near_optimal_variants == ()


def test_profit_curve_propagates_confidence_bands_conservatively() -> None:
    s = np.array([0.80, 0.88, 0.93, 0.97])
    curve = profit_curve(_frontier(s, _cost(s), hw_s=0.01, hw_c=25.0), RESPONSE)
    np.testing.assert_allclose(curve[REVENUE], RESPONSE.revenue(s))
    np.testing.assert_allclose(curve[PROFIT], RESPONSE.revenue(s) - _cost(s))
    # logistic is increasing, so the revenue bounds are R(s -/+ hw)
    np.testing.assert_allclose(curve[REVENUE_LOW], RESPONSE.revenue(s - 0.01))
    np.testing.assert_allclose(curve[REVENUE_HIGH], RESPONSE.revenue(s + 0.01))
    np.testing.assert_allclose(curve[COST_LOW], _cost(s) - 25.0)
    np.testing.assert_allclose(curve[COST_HIGH], _cost(s) + 25.0)
    np.testing.assert_allclose(curve[PROFIT_LOW], curve[REVENUE_LOW] - curve[COST_HIGH])
    np.testing.assert_allclose(curve[PROFIT_HIGH], curve[REVENUE_HIGH] - curve[COST_LOW])
    assert (curve[PROFIT_LOW] <= curve[PROFIT]).all()
    assert (curve[PROFIT] <= curve[PROFIT_HIGH]).all()
    np.testing.assert_allclose(curve[MARGINAL_REVENUE], RESPONSE.marginal_revenue(s))
    assert math.isnan(curve[MARGINAL_COST].iloc[0])
    assert curve[MARGINAL_COST].iloc[1] == pytest.approx((_cost(s[1:2]) - _cost(s[:1]))[0] / 0.08)


def test_revenue_band_covers_a_non_monotone_response_inside_the_interval() -> None:
    class Hump:
        def revenue(self, s: np.ndarray) -> np.ndarray:
            return np.asarray(1000.0 - 1e5 * (np.asarray(s) - 0.9) ** 2)

        def marginal_revenue(self, s: np.ndarray) -> np.ndarray:
            return np.asarray(-2e5 * (np.asarray(s) - 0.9))

    curve = profit_curve(_frontier(np.array([0.89, 0.95]), np.array([10.0, 20.0]), 0.02), Hump())
    assert curve[REVENUE_HIGH].iloc[0] == pytest.approx(1000.0)  # peak inside [0.87, 0.91]


def test_near_optimal_variants_are_those_whose_profit_interval_overlaps() -> None:
    s = np.linspace(0.80, 0.98, 10)
    opt = optimal_service_level(_frontier(s, _cost(s), hw_s=0.005, hw_c=50.0), RESPONSE)
    curve = profit_curve(_frontier(s, _cost(s), hw_s=0.005, hw_c=50.0), RESPONSE)
    expected = {
        v
        for v, hi in zip(curve["variant_id"], curve[PROFIT_HIGH], strict=True)
        if hi >= opt.profit_per_day_usd_low and v != opt.variant_id
    }
    assert set(opt.near_optimal_variants) == expected
    assert expected  # noisy neighbours of the peak cannot be told apart


def test_optimum_on_the_edge_of_the_simulated_range_is_flagged() -> None:
    s = np.linspace(0.50, 0.80, 10)  # the true optimum (~0.93) lies beyond the data
    opt = optimal_service_level(_frontier(s, _cost(s)), RESPONSE)
    assert opt.at_boundary == "high"
    assert not opt.mr_equals_mc
    assert opt.smooth_service_level == pytest.approx(0.80)
    assert opt.smooth_marginal_revenue > opt.smooth_marginal_cost


def test_only_frontier_rows_enter_the_profit_curve() -> None:
    summary = _frontier(np.array([0.8, 0.85, 0.9]), np.array([100.0, 300.0, 200.0]))
    summary = summary.drop(columns=[ON_FRONTIER])
    frontier = cost_service_frontier(summary)
    curve = profit_curve(frontier, RESPONSE)
    assert list(curve["variant_id"]) == ["v000", "v002"]


def test_cost_fit_recovers_a_convex_quadratic_in_log_failure() -> None:
    s = np.linspace(0.5, 0.995, 12)
    x = -np.log1p(-s)
    fit = fit_cost_curve(s, 500.0 + 300.0 * x + 80.0 * x * x)
    assert fit.kind == "quadratic"
    assert (fit.a_usd_per_day, fit.b_usd_per_day, fit.c_usd_per_day) == pytest.approx(
        (500.0, 300.0, 80.0), rel=1e-8
    )
    h = 1e-7
    assert fit.marginal_cost(0.9) == pytest.approx(
        (fit.cost(0.9 + h) - fit.cost(0.9 - h)) / (2 * h), rel=1e-6
    )


def test_cost_fit_stays_monotone_on_noisy_decreasing_data() -> None:
    s = np.array([0.6, 0.7, 0.8, 0.9])
    fit = fit_cost_curve(s, np.array([500.0, 480.0, 470.0, 460.0]))
    grid = np.linspace(0.6, 0.9, 50)
    assert np.all(np.diff(fit.cost(grid)) >= -1e-9)


def test_cost_fit_needs_two_points_below_full_service() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        fit_cost_curve(np.array([0.9, 1.0]), np.array([1.0, 2.0]))
    opt = optimal_service_level(_frontier(np.array([0.9]), np.array([100.0])), RESPONSE)
    assert opt.variant_id == "v000"
    assert opt.cost_fit is None and math.isnan(opt.smooth_service_level)
    assert opt.curve.empty


def test_plot_curve_marks_extrapolation_beyond_the_simulated_range() -> None:
    s = np.linspace(0.7, 0.95, 8)
    opt = optimal_service_level(_frontier(s, _cost(s)), RESPONSE)
    inside = opt.curve.loc[~opt.curve["extrapolated"], "service"]
    assert inside.min() == pytest.approx(0.7) and inside.max() == pytest.approx(0.95)
    assert opt.curve["service"].max() < 1.0
    assert opt.curve["extrapolated"].any()
