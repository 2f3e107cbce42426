"""Strategy comparison: common random numbers, the best strategy, the comparison document.

The statistics themselves are tested in tests/simulation/analysis/test_statistics.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tierwise.figures.comparison import metric_label, plot_comparison, save_comparison_figure
from tierwise.simulation.experiments.compare import compare_strategies
from tierwise.simulation.experiments.comparison import BEST_METRIC, TOTAL, Comparison
from tierwise.simulation.metrics import BOOKED_REVENUE, PROFIT, REVENUE
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import Scenario


def test_metric_label() -> None:
    assert metric_label("mean_cycle_time_h") == "Mean cycle time"
    assert metric_label(PROFIT) == "Profit per day"


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
#: 200 orders/h × 24 h × 20 USD: what the desk earns per day when every order is perfect.
FULL_REVENUE_USD_PER_DAY = 96_000.0


def _revenue(tier: str, metrics: Mapping[str, float]) -> float:
    """Injected revenue response: proportional to the tier's perfect-order rate (USD/day)."""
    return FULL_REVENUE_USD_PER_DAY * metrics["perfect_order_rate"]


def _variant(*overrides: tuple[str, Any]) -> Scenario:
    return scenario_from_dict(apply_overrides(CALL_CENTRE, overrides))


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = {
        "today": _variant(),
        "renamed": _variant(("description", "the same desk, described differently")),
        "more_agents": _variant(("order_entry.pools.desk.agents", 13)),
    }
    return compare_strategies(scenarios, "today", replications=6, metrics=METRICS, revenue=_revenue)


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


def test_profit_is_the_injected_revenue_minus_cost(comparison: Comparison) -> None:
    samples = comparison.samples["more_agents"]
    expected = FULL_REVENUE_USD_PER_DAY * samples["all.perfect_order_rate"]
    pd.testing.assert_series_equal(samples[f"all.{REVENUE}"], expected, check_names=False)
    pd.testing.assert_series_equal(
        samples[f"all.{PROFIT}"],
        samples[f"all.{REVENUE}"] - samples["all.cost_per_day_usd"],
        check_names=False,
    )
    pd.testing.assert_series_equal(
        samples[f"{TOTAL}.{PROFIT}"],
        samples[f"{TOTAL}.{REVENUE}"] - samples[f"{TOTAL}.cost_per_day_usd"],
        check_names=False,
    )
    # booked revenue (orders × revenue per order) is kept under its own name
    assert (samples[f"all.{BOOKED_REVENUE}"] != samples[f"all.{REVENUE}"]).all()


def test_better_service_at_equal_booked_revenue_and_cost_wins() -> None:
    """Fewer billing errors: the same orders are completed at the same cost (CRN), but more of
    them are perfect; ranked on booked revenue the two would tie, on the response it wins."""
    scenarios = {
        "sloppy": _variant(("processing", {"enabled": True, "billing_error_probability": 0.3})),
        "careful": _variant(("processing", {"enabled": True, "billing_error_probability": 0.05})),
    }
    result = compare_strategies(
        scenarios,
        "sloppy",
        replications=4,
        metrics=["perfect_order_rate", BOOKED_REVENUE, "cost_per_day_usd"],
        revenue=_revenue,
    )
    for metric in (BOOKED_REVENUE, "cost_per_day_usd"):
        assert result.row("careful", TOTAL, metric).difference.mean == 0.0
    assert result.row("careful", "all", "perfect_order_rate").difference.low > 0.1
    profit = result.row("careful", TOTAL, PROFIT)
    assert profit.difference.significant and profit.verdict == "better"
    assert result.best.best == "careful" and result.best.candidates == ("careful",)


def test_a_revenue_function_per_strategy_is_used_for_that_strategy() -> None:
    scenarios = {"a": _variant(), "b": _variant(("description", "same, priced double"))}
    result = compare_strategies(
        scenarios,
        "a",
        replications=2,
        metrics=[],
        revenue={"a": _revenue, "b": lambda t, m: 2 * _revenue(t, m)},
    )
    revenue_a = result.values("a", f"{TOTAL}.{REVENUE}")
    assert result.values("b", f"{TOTAL}.{REVENUE}") == pytest.approx(2 * revenue_a)
    with pytest.raises(ValueError, match="no revenue function for strategy"):
        compare_strategies(scenarios, "a", replications=2, revenue={"a": _revenue})


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
    result = compare_strategies(
        scenarios, "today", precision=0.01, metrics=[], max_replications=12, revenue=_revenue
    )
    assert result.precision == 0.01 and result.precision_reached
    assert 5 <= result.replications <= 12
    for row in result.rows:
        if row.metric == PROFIT:
            assert row.difference.half_width <= 0.01 * abs(row.baseline_mean)
    # the sequential rule does not look at the number of workers
    pooled = compare_strategies(
        scenarios,
        "today",
        precision=0.01,
        metrics=[],
        max_replications=12,
        workers=2,
        revenue=_revenue,
    )
    assert pooled.replications == result.replications
    pd.testing.assert_frame_equal(pooled.to_frame(), result.to_frame())


def test_inputs_that_would_break_the_comparison_are_rejected() -> None:
    today = _variant()
    with pytest.raises(ValueError, match="share one seed"):
        compare_strategies(
            {"a": today, "b": _variant(("seed", 4))}, "a", replications=2, revenue=_revenue
        )
    with pytest.raises(ValueError, match="same tiers"):
        other = _variant(("tiers", {"x": {"customers": 1, "orders_per_hour": 1.0}}))
        compare_strategies({"a": today, "b": other}, "a", replications=2, revenue=_revenue)
    with pytest.raises(ValueError, match="baseline 'c'"):
        compare_strategies({"a": today, "b": today}, "c", replications=2, revenue=_revenue)
    with pytest.raises(ValueError, match="did you mean 'on_time_rate'"):
        compare_strategies(
            {"a": today, "b": today}, "a", replications=2, metrics=["on_time"], revenue=_revenue
        )
    with pytest.raises(ValueError, match="at least two"):
        compare_strategies({"a": today}, "a", replications=2, revenue=_revenue)
    with pytest.raises(ValueError, match="not both"):
        compare_strategies(
            {"a": today, "b": today}, "a", replications=2, precision=0.1, revenue=_revenue
        )
    with pytest.raises(ValueError, match=">= 2"):
        compare_strategies({"a": today, "b": today}, "a", replications=1, revenue=_revenue)
