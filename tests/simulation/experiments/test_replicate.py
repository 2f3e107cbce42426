"""Student-t intervals and the sequential (precision-driven) replication procedure."""

from __future__ import annotations

import pytest

from tests.conftest import call_centre
from tierwise.simulation.experiments.replicate import replicate


def test_sequential_replications_reach_the_requested_precision() -> None:
    sc = call_centre(13, horizon_days=0.75)
    summary = replicate(
        sc, precision=0.02, metrics=["all.answered_within_target_rate"], max_replications=60
    )
    est = summary.estimates()["all.answered_within_target_rate"]
    assert est.relative_half_width <= 0.02
    assert est.n >= 5


def test_sequential_replications_stop_at_the_cap() -> None:
    sc = call_centre(12, horizon_days=0.5)
    summary = replicate(
        sc, precision=0.0001, metrics=["all.mean_speed_of_answer_s"], max_replications=7
    )
    assert len(summary.runs) == 7


def test_fixed_replications_and_json_document() -> None:
    sc = call_centre(13, horizon_days=0.5)
    summary = replicate(sc, replications=3)
    doc = summary.to_dict()
    assert doc["replications"] == 3 and doc["scenario_hash"] == sc.content_hash
    tiers = doc["tiers"]
    assert isinstance(tiers, dict)
    entry = tiers["all"]["answered_within_target_rate"]
    assert set(entry) == {"mean", "half_width", "n"} and entry["n"] == 3
    with pytest.raises(ValueError, match="either replications or precision"):
        replicate(sc, replications=3, precision=0.1)
