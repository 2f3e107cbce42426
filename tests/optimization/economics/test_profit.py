"""Profit along the frontier: analytic maximiser, MR = MC, CI propagation, smooth-profit flag."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, special, stats

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
    optimal_service_level,
    profit_curve,
)
from tierwise.optimization.economics.response import LogisticResponse
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
    assert opt.cost_fit.terms == ("log_failure",)
    assert opt.cost_fit.coefficient("log_failure") == pytest.approx(A_USD, rel=1e-6)
    assert opt.cost_fit.intercept_usd_per_day == pytest.approx(0.0, abs=1e-6)
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


def test_a_single_frontier_point_has_no_smooth_optimum() -> None:
    opt = optimal_service_level(_frontier(np.array([0.9]), np.array([100.0])), RESPONSE)
    assert opt.variant_id == "v000"
    assert opt.cost_fit is None and math.isnan(opt.smooth_service_level)
    assert not opt.smooth_profit_above_simulated
    assert opt.curve.empty


def test_plot_curve_marks_extrapolation_beyond_the_simulated_range() -> None:
    s = np.linspace(0.7, 0.95, 8)
    opt = optimal_service_level(_frontier(s, _cost(s)), RESPONSE)
    inside = opt.curve.loc[~opt.curve["extrapolated"], "service"]
    assert inside.min() == pytest.approx(0.7) and inside.max() == pytest.approx(0.95)
    assert opt.curve["service"].max() < 1.0
    assert opt.curve["extrapolated"].any()


# --------------------------------------------------------------------------------------------
# Safety-stock shaped cost C(s) = 1000·Φ⁻¹(s) with revenue R(s) = 10,000·s: MR = MC where
# C'(s) = 1000/φ(Φ⁻¹(s)) = 10,000, i.e. φ(Φ⁻¹(s)) = 0.1.

PROBIT_COST_USD = 1000.0
REVENUE_SLOPE_USD = 10_000.0
PROBIT_OPTIMUM = float(stats.norm.cdf(math.sqrt(-2.0 * math.log(0.1 * math.sqrt(2.0 * math.pi)))))
PROBIT_MAX_PROFIT = REVENUE_SLOPE_USD * PROBIT_OPTIMUM - PROBIT_COST_USD * float(
    special.ndtri(PROBIT_OPTIMUM)
)


class LinearRevenue:
    """``R(s) = 10,000·s`` USD/day."""

    def revenue(self, s: np.ndarray) -> np.ndarray:
        return REVENUE_SLOPE_USD * np.asarray(s, dtype=float)

    def marginal_revenue(self, s: np.ndarray) -> np.ndarray:
        return np.full(np.shape(s), REVENUE_SLOPE_USD)


def _probit_cost(s: np.ndarray) -> np.ndarray:
    return PROBIT_COST_USD * special.ndtri(s)


PROBIT_GRIDS = {
    "uniform 5": np.linspace(0.80, 0.99, 5),
    "uniform 7": np.linspace(0.80, 0.99, 7),
    "uniform 10": np.linspace(0.80, 0.99, 10),
    "dense low": np.array([0.80, 0.81, 0.83, 0.94, 0.96]),
    "dense high": np.array([0.85, 0.90, 0.945, 0.958, 0.99]),
    "uneven": np.array([0.80, 0.86, 0.90, 0.93, 0.97, 0.99]),
    "clustered near the optimum": np.array([0.80, 0.92, 0.95, 0.955, 0.98]),
    "short range": np.array([0.90, 0.92, 0.94, 0.96, 0.97]),
}


def test_the_probit_optimum_is_where_the_normal_density_is_a_tenth() -> None:
    assert abs(PROBIT_OPTIMUM - 0.9519) <= 5e-5
    assert stats.norm.pdf(special.ndtri(PROBIT_OPTIMUM)) == pytest.approx(0.1)
    for s in PROBIT_GRIDS.values():
        assert not np.any(np.isclose(s, PROBIT_OPTIMUM, atol=1e-3))  # never a grid point


@pytest.mark.parametrize("name", list(PROBIT_GRIDS))
def test_smooth_optimum_of_a_normal_quantile_cost_does_not_move_with_the_grid(name: str) -> None:
    s = PROBIT_GRIDS[name]
    opt = optimal_service_level(_frontier(s, _probit_cost(s)), LinearRevenue())
    assert opt.mr_equals_mc and opt.at_boundary is None
    assert abs(opt.smooth_service_level - PROBIT_OPTIMUM) <= 0.002
    assert opt.smooth_marginal_cost == pytest.approx(REVENUE_SLOPE_USD, rel=1e-6)
    # the smooth profit never exceeds the true maximum (beyond round-off)
    assert opt.smooth_profit_per_day_usd <= PROBIT_MAX_PROFIT + 1e-6
    assert opt.smooth_profit_per_day_usd == pytest.approx(PROBIT_MAX_PROFIT, abs=0.01)


@given(
    low=st.floats(0.80, 0.94),
    high=st.floats(0.962, 0.99),
    inner=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=8),
)
def test_smooth_optimum_holds_on_any_grid_of_five_or_more_points(
    low: float, high: float, inner: list[float]
) -> None:
    s = np.unique(np.round(np.concatenate([[low, high], low + (high - low) * np.array(inner)]), 6))
    if s.size < 5:  # rounding merged points: pad with an even spread
        s = np.unique(np.concatenate([s, np.linspace(low, high, 5)]))
    opt = optimal_service_level(_frontier(s, _probit_cost(s)), LinearRevenue())
    assert opt.mr_equals_mc
    assert abs(opt.smooth_service_level - PROBIT_OPTIMUM) <= 0.002


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", ["uniform 5", "uniform 7", "uniform 10", "uneven", "dense high"])
def test_smooth_optimum_of_a_noisy_normal_quantile_cost_stays_close(name: str, seed: int) -> None:
    """Costs with 0.1 % noise and their 95 % half-widths (two standard errors)."""
    s = PROBIT_GRIDS[name]
    rng = np.random.default_rng(seed)
    sd = 1e-3 * _probit_cost(s)
    noisy = _probit_cost(s) + rng.normal(0.0, 1.0, s.size) * sd
    frontier = _frontier(s, noisy).assign(**{COST_HALF_WIDTH: 2.0 * sd})
    opt = optimal_service_level(frontier, LinearRevenue())
    assert opt.mr_equals_mc
    assert abs(opt.smooth_service_level - PROBIT_OPTIMUM) <= 0.002
    assert opt.cost_fit is not None
    assert opt.cost_fit.r_squared > 0.999
    assert math.isfinite(opt.cost_fit.max_residual_to_half_width)


@pytest.mark.parametrize("name", list(PROBIT_GRIDS))
def test_a_cost_fit_in_log_failure_alone_overstates_the_probit_profit(name: str) -> None:
    """The defect the probit term removes: ``a + b·x + c·x²`` pins c to 0 on Φ⁻¹ costs."""
    s = PROBIT_GRIDS[name]
    opt = optimal_service_level(
        _frontier(s, _probit_cost(s)),
        LinearRevenue(),
        cost_terms=("log_failure", "log_failure_squared"),
    )
    assert opt.cost_fit is not None and opt.cost_fit.coefficient("log_failure_squared") == 0.0
    assert opt.smooth_profit_per_day_usd > PROBIT_MAX_PROFIT + 5.0  # above the true maximum
    assert opt.smooth_profit_above_simulated  # ... and said so
    if name == "dense low":
        assert abs(opt.smooth_service_level - PROBIT_OPTIMUM) > 0.008  # and misplaced


def test_a_smooth_profit_above_the_best_simulated_interval_is_flagged_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    s = PROBIT_GRIDS["uniform 5"]
    exact = _frontier(s, _probit_cost(s))
    with caplog.at_level(logging.WARNING, logger="tierwise.optimization.economics.profit"):
        opt = optimal_service_level(exact, LinearRevenue())
    # zero-width intervals: the smooth maximum between grid points lies above every point
    assert opt.smooth_profit_per_day_usd > opt.profit_per_day_usd_high
    assert opt.smooth_profit_above_simulated
    assert "above the best simulated variant's profit interval" in caplog.text
    # with the points' real uncertainty the smooth profit lies inside the best interval
    caplog.clear()
    wide = _frontier(s, _probit_cost(s), hw_c=20.0)
    with caplog.at_level(logging.WARNING, logger="tierwise.optimization.economics.profit"):
        inside = optimal_service_level(wide, LinearRevenue())
    assert inside.smooth_profit_per_day_usd <= inside.profit_per_day_usd_high
    assert not inside.smooth_profit_above_simulated
    assert "above the best simulated" not in caplog.text
