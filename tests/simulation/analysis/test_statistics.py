"""Student-t estimates, paired (CRN) and Welch differences, and MCB selection of the best."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tierwise.simulation.analysis.statistics import (
    estimate,
    paired_difference,
    select_best,
    student_t_half_width,
    t_quantile_at,
    two_sided_t_quantile,
    unpaired_half_width,
)

# --------------------------------------------------------------------------- estimates


def test_student_t_half_width_matches_textbook_formula() -> None:
    values = [1.0, 2.0, 4.0, 7.0]
    est = estimate(values, 0.95)
    sd = np.std(values, ddof=1)
    assert est.mean == pytest.approx(3.5)
    assert est.half_width == pytest.approx(stats.t.ppf(0.975, 3) * sd / 2.0)
    assert est.n == 4
    assert est.contains(3.5) and not est.contains(100)


def test_estimate_ignores_nan_and_handles_tiny_samples() -> None:
    assert estimate([math.nan, 2.0]).n == 1
    assert math.isnan(estimate([2.0]).half_width)
    assert estimate([]).n == 0
    with pytest.raises(ValueError, match="confidence"):
        estimate([1.0], 1.5)


def test_student_t_half_width_matches_scipy_interval() -> None:
    x = np.array([0.90, 0.92, 0.94, 0.95, 0.91])
    lo, hi = stats.t.interval(0.95, df=x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert student_t_half_width(x, 0.95) == pytest.approx((hi - lo) / 2, rel=1e-12)
    assert math.isnan(student_t_half_width([0.5]))


def test_the_t_quantile_is_students() -> None:
    assert t_quantile_at(0.975, 4) == pytest.approx(2.7764451051977987, rel=1e-12)
    assert two_sided_t_quantile(0.95, 4) == t_quantile_at(0.975, 4)
    # Welch's fractional degrees of freedom lie between the neighbouring integers
    assert t_quantile_at(0.975, 5) < t_quantile_at(0.975, 4.5) < t_quantile_at(0.975, 4)


def test_the_95_percent_interval_covers_the_true_mean_95_percent_of_the_time() -> None:
    """Normal samples of 6: the Student-t interval must cover the mean at its nominal level
    (a z-interval would cover only about 88 %)."""
    rng = np.random.default_rng(11)
    trials, n, mu = 4000, 6, 3.0
    covered = sum(estimate(rng.normal(mu, 2.0, n), 0.95).contains(mu) for _ in range(trials))
    se = math.sqrt(0.95 * 0.05 / trials)
    assert abs(covered / trials - 0.95) < 3 * se


# --------------------------------------------------------------------------- paired samples


def test_paired_difference_recovers_a_known_shift_and_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    baseline = rng.normal(100.0, 10.0, size=30)  # large shared noise …
    strategy = baseline + 2.0 + rng.normal(0.0, 0.5, size=30)  # … and a true shift of 2
    d = paired_difference(strategy, baseline, confidence=0.95)
    diffs = strategy - baseline
    t = stats.t.ppf(0.975, 29)
    assert d.n == 30
    assert d.mean == pytest.approx(diffs.mean())
    assert d.half_width == pytest.approx(t * diffs.std(ddof=1) / math.sqrt(30))
    assert d.p_value == pytest.approx(stats.ttest_rel(strategy, baseline).pvalue)
    assert d.low < 2.0 < d.high and d.significant
    assert d.half_width < 0.25  # pairing removed the shared noise (sd 10)


def test_no_true_difference_is_not_significant() -> None:
    rng = np.random.default_rng(2)
    baseline = rng.normal(50.0, 5.0, size=20)
    strategy = baseline + rng.normal(0.0, 1.0, size=20)
    d = paired_difference(strategy, baseline)
    assert d.low < 0.0 < d.high and not d.significant and d.p_value > 0.05


def test_identical_samples_differ_by_exactly_zero() -> None:
    values = np.array([0.81, 0.79, 0.84, 0.80])
    d = paired_difference(values, values.copy())
    assert (d.mean, d.half_width, d.p_value, d.significant) == (0.0, 0.0, 1.0, False)


def test_a_constant_shift_is_significant_with_zero_width() -> None:
    values = np.array([3.0, 5.0, 4.0])
    d = paired_difference(values + 1.0, values)
    assert d.mean == pytest.approx(1.0) and d.half_width == 0.0 and d.p_value == 0.0
    assert d.significant


def test_pairs_with_a_nan_are_dropped() -> None:
    d = paired_difference([1.0, math.nan, 3.0, 4.0], [0.0, 1.0, 2.0, math.nan])
    assert d.n == 2 and d.mean == pytest.approx(1.0)
    assert paired_difference([1.0], [0.0]).n == 1
    assert math.isnan(paired_difference([1.0], [0.0]).half_width)
    with pytest.raises(ValueError, match="same length"):
        paired_difference([1.0, 2.0], [1.0])


def test_unpaired_half_width_is_welch() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(1.0, 2.0, 12), rng.normal(0.0, 1.0, 9)
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert unpaired_half_width(x, y) == pytest.approx((ci.high - ci.low) / 2)


def test_select_best_declares_a_clear_winner() -> None:
    rng = np.random.default_rng(4)
    common = rng.normal(0.0, 5.0, size=10)
    samples = {
        "a": common + rng.normal(0.0, 0.1, 10),
        "b": common + 1.0 + rng.normal(0.0, 0.1, 10),
        "c": common + 3.0 + rng.normal(0.0, 0.1, 10),
    }
    best = select_best(samples, 0.95)
    assert best.best == "c" and best.candidates == ("c",) and best.decisive
    assert best.per_comparison_confidence == pytest.approx(1 - 0.05 / 2)
    rows = {r.strategy: r for r in best.rows}
    assert rows["c"].gap_low == 0.0 and rows["c"].gap_high == pytest.approx(2.0, abs=0.2)
    assert rows["a"].gap_high == 0.0 and rows["a"].gap_low == pytest.approx(-3.0, abs=0.2)
    assert "Bonferroni" in best.method and "c is the best" in best.verdict()
    # minimising flips the order
    assert select_best(samples, higher_is_better=False).candidates == ("a",)


def test_select_best_keeps_every_strategy_it_cannot_separate() -> None:
    rng = np.random.default_rng(5)
    common = rng.normal(0.0, 5.0, size=8)
    twin = common + 1.0
    samples = {"low": common - 10.0, "twin1": twin, "twin2": twin.copy()}
    best = select_best(samples)
    assert set(best.candidates) == {"twin1", "twin2"} and not best.decisive
    assert "cannot be ruled out" in best.verdict()


def test_best_is_kept_and_mcb_intervals_cover_at_the_family_wise_level() -> None:
    """Near the least favourable configuration (four almost equal systems, correlated by CRN),
    the best system must stay a candidate, and all MCB intervals hold jointly, in at least
    1 − α of the experiments (Bonferroni makes it conservative)."""
    rng = np.random.default_rng(6)
    k, n, trials = 4, 8, 1500
    mu = np.array([0.2, 0.0, 0.0, 0.0])  # system 0 is best by 0.2 sd of a difference
    gap = mu - np.array([max(np.delete(mu, i)) for i in range(k)])
    kept = covered = 0
    for _ in range(trials):
        shared = rng.normal(0.0, 3.0, size=n)
        data = mu[:, None] + shared[None, :] + rng.normal(0.0, 1.0, size=(k, n))
        result = select_best({str(i): data[i] for i in range(k)}, confidence=0.95)
        kept += "0" in result.candidates
        covered += all(r.gap_low <= gap[i] <= r.gap_high for i, r in enumerate(result.rows))
    se = math.sqrt(0.95 * 0.05 / trials)
    assert kept / trials >= 0.95 - 3 * se
    assert covered / trials >= 0.95 - 3 * se
