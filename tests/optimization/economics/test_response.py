"""Response curves: logistic and ADBUDG shapes, and the shared service-level contract."""

from __future__ import annotations

import numpy as np
import pytest

from tierwise.optimization.economics.response import (
    AdbudgResponse,
    LogisticResponse,
    service_levels,
    shaped_like,
)


def test_logistic_is_monotone_and_saturates_at_its_asymptotes() -> None:
    resp = LogisticResponse(
        r_min_usd_per_day=1000.0, r_max_usd_per_day=5000.0, steepness_k=40.0, midpoint_s0=0.5
    )
    s = np.linspace(0.0, 1.0, 1001)
    r = resp.revenue(s)
    assert np.all(np.diff(r) > 0.0)
    assert r[0] == pytest.approx(1000.0, rel=1e-6)
    assert r[-1] == pytest.approx(5000.0, rel=1e-6)
    assert resp.revenue(0.5) == pytest.approx(3000.0)
    # marginal revenue peaks at the midpoint with value span * k / 4
    mr = resp.marginal_revenue(s)
    assert s[int(np.argmax(mr))] == pytest.approx(0.5)
    assert resp.marginal_revenue(0.5) == pytest.approx(4000.0 * 40.0 / 4.0)


def test_adbudg_reaches_half_range_at_its_half_saturation_point() -> None:
    resp = AdbudgResponse(r_min_usd_per_day=0, r_max_usd_per_day=100, shape_c=10, scale_d=0.8**10)
    assert resp.revenue(0.8) == pytest.approx(50.0)
    assert resp.revenue(1.0) == pytest.approx(100.0 / (1.0 + 0.8**10))


def test_service_levels_are_checked_and_results_keep_the_input_shape() -> None:
    assert service_levels(0.5).shape == ()
    with pytest.raises(ValueError, match=r"s=-0\.1 is outside the allowed range \[0, 1\]"):
        service_levels(np.array([0.2, -0.1]))
    assert isinstance(shaped_like(0.5, np.asarray(2.0)), float)
    out = shaped_like(np.array([0.5]), np.array([2.0]))
    assert isinstance(out, np.ndarray) and out.tolist() == [2.0]
