"""Calibration recovers the sample's generating parameters within their 95 % intervals
(3 standard errors for mixes, a chi-square test for profiles), and a short history falls back
to a flat weekday profile with a warning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tierwise.history.calibrate import calibrate_demand, mix_shares
from tierwise.history.reading import orders_from_frame
from tierwise.history.sample import SAMPLE

Z = 1.96


@pytest.fixture(scope="module")
def demand(sample_analysis):
    return sample_analysis.demand


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_base_rate_within_its_interval(demand, tier: str) -> None:
    got = demand.tiers[tier]
    assert (
        abs(got.orders_per_hour - SAMPLE.orders_per_calendar_hour(tier))
        < Z * got.orders_per_hour_se
    )


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_lines_and_units_mean_and_cv_within_their_intervals(demand, tier: str) -> None:
    spec, got = SAMPLE.tiers[tier], demand.tiers[tier]
    lines, units = got.lines_per_order, got.units_per_line
    assert lines.family == units.family == "gamma"
    assert abs(lines.mean - spec.lines_mean) < Z * lines.mean_se
    assert abs(lines.cv - spec.lines_cv) < Z * lines.cv_se
    assert abs(units.mean - spec.units_mean) < Z * units.mean_se
    assert abs(units.cv - spec.units_cv) < Z * units.cv_se


def _chi_square_p(observed: np.ndarray, truth: np.ndarray) -> float:
    """Goodness of fit of observed counts to the generating shares (cells with mass only)."""
    cells = truth > 0
    assert observed[~cells].sum() == 0  # no orders where the generator puts none
    expected = truth[cells] / truth[cells].sum() * observed.sum()
    statistic = float(np.sum((observed[cells] - expected) ** 2 / expected))
    return float(stats.chi2.sf(statistic, cells.sum() - 1))


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_profiles_fit_the_generating_profiles(demand, tier: str) -> None:
    got = demand.tiers[tier]
    assert got.weekday_profile is not None
    assert np.mean(got.hourly_profile) == pytest.approx(1.0)
    assert np.mean(got.weekday_profile) == pytest.approx(1.0)
    hourly_counts = np.array(got.hourly_profile) / 24 * got.orders
    assert _chi_square_p(hourly_counts, np.array(SAMPLE.hourly_profile)) > 0.001
    # weekday rates per date × the dates of each weekday (12 or 13) are the counts
    occurrences = np.array(demand.weekday_occurrences)
    rates = np.array(got.weekday_profile) * got.orders_per_hour * 24
    weekday_counts = rates * occurrences
    truth = np.array(SAMPLE.weekday_profile) * occurrences
    assert _chi_square_p(weekday_counts, truth) > 0.001


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_mixes_within_three_standard_errors(demand, tier: str) -> None:
    spec, got = SAMPLE.tiers[tier], demand.tiers[tier]
    n_orders, n_lines = got.orders, got.units_per_line.n
    for mix, truth, n in (
        (got.channel_mix, spec.channel_mix, n_orders),
        (got.family_mix, spec.family_mix, n_lines),
    ):
        assert mix is not None and sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
        for key, p in truth.items():
            assert abs(mix[key] - p) < 3 * np.sqrt(p * (1 - p) / n)


def test_revenue_per_order_is_the_mean_margin(demand, sample_history) -> None:
    a = demand.tiers["A"]
    assert a.revenue_per_order_se > 0
    total = sum(t.revenue_per_order_usd * t.orders for t in demand.tiers.values())
    assert total == pytest.approx(sample_history.orders["profit"].sum())


def test_short_history_has_a_flat_weekday_profile_and_says_so() -> None:
    frame = pd.DataFrame(
        {"order_id": ["1", "2", "3"], "customer": ["a", "a", "b"],
         "timestamp": ["2025-01-06 08:00", "2025-01-07 09:00", "2025-01-08 10:00"]}
    )  # fmt: skip
    history = orders_from_frame(frame)
    result = calibrate_demand(history, pd.Series({"a": "A", "b": "A"}))
    assert result.tiers["A"].weekday_profile is None
    assert any("too short for a weekday profile" in w for w in result.warnings)
    assert result.tiers["A"].orders_per_hour == pytest.approx(3 / (3 * 24))


def test_mix_shares_sum_to_exactly_one_after_rounding() -> None:
    shares = mix_shares(pd.Series({"a": 1, "b": 1, "c": 1}))
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
