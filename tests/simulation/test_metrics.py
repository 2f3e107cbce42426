"""The metric registry: every published metric is defined once, and the docs follow it."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, call_centre
from tierwise.simulation.engine import run
from tierwise.simulation.metrics import (
    METRICS,
    PROFIT,
    get_metric,
    metric_direction,
    metrics_markdown,
    unit_of_key,
)


def test_metric_direction() -> None:
    assert metric_direction("perfect_order_rate") == 1
    assert metric_direction("abandonment_rate") == -1
    assert metric_direction("mean_cycle_time_h") == -1
    assert metric_direction("cost_per_day_usd") == -1
    assert metric_direction(PROFIT) == 1


def test_every_engine_metric_is_registered() -> None:
    result = run(call_centre(), 0)
    for tier, metrics in result.tiers.items():
        assert set(metrics) <= set(METRICS), set(metrics) - set(METRICS)
        assert tier
    for key in result.flat():
        assert unit_of_key(key, frozenset(result.tiers)), f"{key} has no unit"


def test_unknown_metric_suggests_the_closest_name() -> None:
    with pytest.raises(KeyError, match="did you mean 'perfect_order_rate'"):
        get_metric("perfect_order")


def test_docs_metrics_page_is_generated_from_the_registry() -> None:
    committed = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert committed == metrics_markdown(), (
        "docs/metrics.md is stale: run python -m tierwise.simulation.metrics > docs/metrics.md"
    )
