"""Strategy comparison: paired-t statistics, common random numbers, best-strategy selection."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from tierwise.figures.comparison import metric_label, plot_comparison, save_comparison_figure
from tierwise.simulation.experiments.compare import (
    BEST_METRIC,
    TOTAL,
    Comparison,
    compare_strategies,
    paired_difference,
    select_best,
    unpaired_half_width,
)
from tierwise.simulation.metrics import PROFIT
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import Scenario

# --------------------------------------------------------------------------- constructed data


def test_metric_label() -> None:
    assert metric_label("mean_cycle_time_h") == "Mean cycle time"
    assert metric_label(PROFIT) == "Profit per day"


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


# --------------------------------------------------------------------------- simulated strategies

CALL_CENTRE: dict[str, Any] = {
    "name": "call-centre",
    "seed": 3,
    "horizon_days": 1.0,
    "warmup_days": 0.1,
    "drain_days": 0.5,
    "tiers": {"all": {"customers": 1, "orders_per_hour": 200.0, "revenue_per_order_usd": 20.0}},
    "order_entry": {
        "pools": {"desk": {"agents": 11, "discipline": "fifo"}},
        "handling_time_s": {"dist": "exponential", "mean": 180.0},
        "patience_s": {"dist": "exponential", "mean": 120.0},
    },
    "processing": {"enabled": False},
    "picking": {"enabled": False},
    "shipping": {"enabled": False},
    "costs": {"agent_wage_usd_per_h": 30.0},
}
METRICS = ["answered_within_target_rate", "abandonment_rate", "cost_per_day_usd"]


def _variant(*overrides: tuple[str, Any]) -> Scenario:
    return scenario_from_dict(apply_overrides(CALL_CENTRE, overrides))


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = {
        "today": _variant(),
        "renamed": _variant(("description", "the same desk, described differently")),
        "more_agents": _variant(("order_entry.pools.desk.agents", 13)),
    }
    return compare_strategies(scenarios, "today", replications=6, metrics=METRICS)


def test_a_cosmetic_change_differs_by_exactly_zero_under_crn(comparison: Comparison) -> None:
    rows = [r for r in comparison.rows if r.strategy == "renamed"]
    assert {(r.scope, r.metric) for r in rows} >= {
        ("all", "answered_within_target_rate"),
        ("all", PROFIT),
        (TOTAL, PROFIT),
    }
    for r in rows:
        assert r.difference.mean == 0.0 and r.difference.half_width == 0.0, r
        assert not r.difference.significant and r.verdict == "n.s."
    assert comparison.scenario_hashes["renamed"] != comparison.scenario_hashes["today"]


def test_more_agents_is_a_significant_improvement(comparison: Comparison) -> None:
    answered = comparison.row("more_agents", "all", "answered_within_target_rate")
    assert answered.difference.significant and answered.difference.low > 0.1
    assert answered.verdict == "better"
    abandoned = comparison.row("more_agents", "all", "abandonment_rate")
    assert abandoned.verdict == "better" and abandoned.difference.mean < 0
    cost = comparison.row("more_agents", TOTAL, "cost_per_day_usd")
    # two more agents for 24 h at 30 USD/h, exactly (wages do not depend on chance)
    assert cost.difference.mean == pytest.approx(2 * 24 * 30.0)
    assert cost.verdict == "worse"


def test_common_random_numbers_shrink_the_interval(comparison: Comparison) -> None:
    for metric in ("answered_within_target_rate", PROFIT):
        row = comparison.row("more_agents", "all", metric)
        assert row.difference.half_width < 0.8 * row.unpaired_half_width, row


def test_the_best_strategy_is_chosen_by_total_profit(comparison: Comparison) -> None:
    best = comparison.best
    assert best.metric == BEST_METRIC and best.n == 6
    assert best.best == "more_agents" and best.candidates == ("more_agents",)
    assert best.confidence == 0.95
    profit = comparison.row("more_agents", TOTAL, PROFIT)
    assert profit.difference.significant and profit.verdict == "better"


def test_table_and_document(comparison: Comparison, tmp_path: Path) -> None:
    frame = comparison.to_frame()
    # 2 strategies × (1 tier × 4 metrics + total cost + total profit)
    assert len(frame) == 2 * (4 + 2)
    assert set(frame["strategy"]) == {"renamed", "more_agents"}
    for column in (
        "scope",
        "metric",
        "unit",
        "difference",
        "difference_half_width",
        "p_value",
        "significant",
        "unpaired_half_width",
    ):
        assert column in frame.columns
    assert set(frame.loc[frame["metric"] == PROFIT, "unit"]) == {"USD/day"}
    document = comparison.to_dict()
    text = json.dumps(document, allow_nan=False)
    assert json.loads(text)["best"]["best"] == "more_agents"
    assert document["baseline"] == "today" and document["replications"] == 6
    assert "common-random-number" in document["method"]


def test_figure_has_title_units_legend_and_is_saved(comparison: Comparison, tmp_path: Path) -> None:
    fig = plot_comparison(comparison, "answered_within_target_rate")
    ax = fig.axes[0]
    assert "percentage points" in ax.get_ylabel()
    assert "today" in fig.get_suptitle()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"renamed", "more_agents", "baseline: today"} <= set(labels)
    png, svg = save_comparison_figure(fig, tmp_path, "figure")
    assert png.stat().st_size > 1000 and svg.read_text().startswith("<?xml")
    money = plot_comparison(comparison, PROFIT)
    assert "USD/day" in money.axes[0].get_ylabel()
    assert [t.get_text() for t in money.axes[0].get_xticklabels()] == ["tier all", "total"]
    with pytest.raises(ValueError, match="was not compared"):
        plot_comparison(comparison, "line_fill_rate")


def test_precision_adds_paired_replications_until_the_target_is_met() -> None:
    scenarios = {
        "today": _variant(),
        "more_agents": _variant(("order_entry.pools.desk.agents", 12)),
    }
    result = compare_strategies(scenarios, "today", precision=0.01, metrics=[], max_replications=12)
    assert result.precision == 0.01 and result.precision_reached
    assert 5 <= result.replications <= 12
    for row in result.rows:
        if row.metric == PROFIT:
            assert row.difference.half_width <= 0.01 * abs(row.baseline_mean)


def test_inputs_that_would_break_the_comparison_are_rejected() -> None:
    today = _variant()
    with pytest.raises(ValueError, match="share one seed"):
        compare_strategies({"a": today, "b": _variant(("seed", 4))}, "a", replications=2)
    with pytest.raises(ValueError, match="same tiers"):
        other = _variant(("tiers", {"x": {"customers": 1, "orders_per_hour": 1.0}}))
        compare_strategies({"a": today, "b": other}, "a", replications=2)
    with pytest.raises(ValueError, match="baseline 'c'"):
        compare_strategies({"a": today, "b": today}, "c", replications=2)
    with pytest.raises(ValueError, match="did you mean 'on_time_rate'"):
        compare_strategies({"a": today, "b": today}, "a", replications=2, metrics=["on_time"])
    with pytest.raises(ValueError, match="at least two"):
        compare_strategies({"a": today}, "a", replications=2)
    with pytest.raises(ValueError, match="not both"):
        compare_strategies({"a": today, "b": today}, "a", replications=2, precision=0.1)
    with pytest.raises(ValueError, match=">= 2"):
        compare_strategies({"a": today, "b": today}, "a", replications=1)
