"""Fitting rounded counts: maximum likelihood of the engine's rounding recovers mean and cv;
AIC picks the generating family; a distribution no family fits becomes empirical."""

from __future__ import annotations

import numpy as np
import pytest

from tierwise.history.fitting import fit_count_distribution


def _rounded(draws: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.rint(draws))


@pytest.mark.parametrize(("mean", "cv"), [(8.0, 0.6), (2.0, 0.8), (1.5, 0.5)])
def test_gamma_counts_recover_mean_and_cv_within_their_intervals(mean: float, cv: float) -> None:
    rng = np.random.default_rng(11)
    shape = 1 / cv**2
    fit = fit_count_distribution(_rounded(rng.gamma(shape, mean / shape, 4000)), "x")
    assert fit.family == "gamma"
    assert abs(fit.mean - mean) < 3 * fit.mean_se
    assert abs(fit.cv - cv) < 3 * fit.cv_se


def test_lognormal_counts_are_told_from_gamma() -> None:
    rng = np.random.default_rng(3)
    sigma2 = np.log1p(0.9**2)
    draws = rng.lognormal(np.log(6.0) - sigma2 / 2, np.sqrt(sigma2), 6000)
    fit = fit_count_distribution(_rounded(draws), "x")
    assert fit.family == "lognormal"
    assert fit.aic["lognormal"] < fit.aic["gamma"]


def test_constant_counts_are_deterministic() -> None:
    fit = fit_count_distribution([1, 1, 1, 1], "lines")
    assert fit.distribution.dist == "deterministic" and fit.mean == 1


def test_three_spikes_fit_no_family_and_become_empirical() -> None:
    rng = np.random.default_rng(5)
    fit = fit_count_distribution(rng.choice([1, 5, 10], 2000), "units")
    assert fit.distribution.dist == "empirical"
    assert fit.distribution.values == (1.0, 5.0, 10.0)
    assert "no family fits" in fit.note


def test_no_observations_is_an_error() -> None:
    with pytest.raises(ValueError, match="no observations"):
        fit_count_distribution([], "lines")
