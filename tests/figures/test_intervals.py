"""Rate intervals on the logit scale stay inside [0, 1], hold the mean, match ± h mid-range."""

from __future__ import annotations

import numpy as np
import pytest

from tierwise.figures.intervals import rate_interval


def test_interval_stays_inside_zero_one_and_contains_the_mean() -> None:
    rng = np.random.default_rng(20260)
    p = np.concatenate([rng.uniform(0, 1, 2000), [0.0, 1.0, 1e-9, 1 - 1e-9]])
    h = np.concatenate([rng.uniform(0, 0.6, 2000), [0.1, 0.1, 0.3, 0.3]])
    low, high = rate_interval(p, h)
    assert np.all(low >= 0.0) and np.all(high <= 1.0)
    assert np.all(low <= p) and np.all(p <= high)


def test_interval_is_close_to_plus_minus_half_width_near_one_half() -> None:
    low, high = rate_interval([0.5, 0.45, 0.6], [0.02, 0.01, 0.015])
    np.testing.assert_allclose(low, [0.48, 0.44, 0.585], atol=2e-4)
    np.testing.assert_allclose(high, [0.52, 0.46, 0.615], atol=2e-4)


def test_interval_near_one_shrinks_on_the_bound_side_instead_of_passing_100_percent() -> None:
    """``0.97 ± 0.05`` would reach 102 %: the logit interval stays below 1, wider downwards."""
    (low,), (high,) = rate_interval([0.97], [0.05])
    assert 0.97 < high < 1.0 and high - 0.97 < 0.05
    assert 0.97 - low > 0.05


def test_interval_grows_with_the_half_width_and_is_a_point_without_one() -> None:
    lows, highs = rate_interval(np.full(4, 0.8), [0.0, 0.01, 0.05, 0.2])
    assert np.all(np.diff(lows) < 0)
    assert np.all(np.diff(highs[1:]) > 0) and highs[0] == pytest.approx(0.8)
    (low,), (high,) = rate_interval([0.8], [np.nan])  # one replication: no half-width
    assert low == high == pytest.approx(0.8)
