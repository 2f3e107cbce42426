"""The one sequential-precision rule: batch sizes and the stop do not depend on the workers."""

from __future__ import annotations

import json
import logging
import math

import pytest

from tests.conftest import call_centre
from tierwise.simulation.experiments.precision import (
    PrecisionRule,
    default_precision_metrics,
    run_sequential,
    worst_relative_half_width,
)
from tierwise.simulation.experiments.replicate import replicate

RULE = PrecisionRule(target=0.02, initial=5, max_replications=40)


def test_the_rule_stops_at_the_target_or_the_cap() -> None:
    assert RULE.next_batch(5, 0.02) == 0
    assert RULE.next_batch(40, 0.5) == 0
    assert RULE.next_batch(38, 0.5) == 2  # never past the cap


def test_the_batch_projects_the_shortfall_but_at_most_doubles() -> None:
    # half-width ~ 1/sqrt(n): 10 replications at 0.025 need 10 * 1.25^2 = 15.6 -> 16 in all
    assert RULE.next_batch(10, 0.025) == 6
    assert RULE.next_batch(10, 0.2) == 10  # would need 1000; at most doubles
    assert RULE.next_batch(10, 0.0201) == 2  # the minimum batch
    assert RULE.next_batch(6, math.inf) == 6  # unknown precision: double
    assert RULE.next_batch(6, math.nan) == 6


def test_invalid_rules_are_rejected() -> None:
    with pytest.raises(ValueError, match="precision must lie in"):
        PrecisionRule(1.5, 5, 10)
    with pytest.raises(ValueError, match="initial replications must be >= 2"):
        PrecisionRule(0.1, 1, 10)
    with pytest.raises(ValueError, match="max_replications"):
        PrecisionRule(0.1, 5, 4)


def test_worst_relative_half_width_skips_what_cannot_be_estimated() -> None:
    samples = {"a": [1.0, 1.1, 0.9], "b": [10.0, 10.0, 10.0], "c": [math.nan, 2.0]}
    assert worst_relative_half_width(samples) == pytest.approx(0.1 * 4.302652729749464 / 3**0.5)
    assert worst_relative_half_width({"c": [math.nan, 2.0]}) == math.inf
    assert default_precision_metrics(["A", "B"]) == [
        "A.perfect_order_rate",
        "A.cost_per_day_usd",
        "B.perfect_order_rate",
        "B.cost_per_day_usd",
    ]


def test_run_sequential_follows_the_rule_and_warns_at_the_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[tuple[int, int]] = []
    rule = PrecisionRule(0.01, 3, 10)
    with caplog.at_level(logging.WARNING, logger="tierwise.simulation.experiments.precision"):
        outcome = run_sequential(rule, lambda a, b: calls.append((a, b)), lambda: 0.05)
    assert calls == [(0, 3), (3, 6), (6, 10)]
    assert (outcome.replications, outcome.reached) == (10, False)
    assert "not reached after 10 replications" in caplog.text
    met = run_sequential(rule, lambda a, b: None, lambda: 0.004)
    assert (met.replications, met.reached) == (3, True)


def test_the_number_of_replications_does_not_depend_on_the_workers() -> None:
    """The old rule's smallest batch was the number of workers: here it ran 6 replications
    with 1 worker and 7 with 2 (5, then one more, or two more, for a shortfall of one)."""
    scenario = call_centre(13, horizon_days=0.3, seed=1)
    kwargs = {"precision": 0.1, "metrics": ["all.answered_within_target_rate"]}
    serial = replicate(scenario, workers=1, max_replications=30, **kwargs)  # type: ignore[arg-type]
    pooled = replicate(scenario, workers=2, max_replications=30, **kwargs)  # type: ignore[arg-type]
    assert len(serial.runs) > 5  # the rule added at least one batch
    assert len(serial.runs) == len(pooled.runs)
    assert json.dumps(serial.to_dict()) == json.dumps(pooled.to_dict())
