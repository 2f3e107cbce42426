"""One call from the file to tiers, demand and retention; its JSON summary."""

from __future__ import annotations

import json

from tierwise.history.analysis import analyse_history
from tierwise.history.sample import sample_path


def test_analysis_of_the_sample(sample_analysis) -> None:
    assert list(sample_analysis.table.index) == ["A", "B", "C"]
    assert {"retention", "lifetime_value_usd"} <= set(sample_analysis.table.columns)
    assert sample_analysis.cuts == (0.80, 0.95)
    assert sample_analysis.warnings == []
    summary = json.loads(json.dumps(sample_analysis.to_dict()))
    assert summary["orders"] == len(sample_analysis.history.orders)
    assert [row["tier"] for row in summary["tiers"]] == ["A", "B", "C"]


def test_rfm_method_uses_its_default_shares() -> None:
    analysis = analyse_history(sample_path(), method="rfm")
    assert analysis.cuts == (0.05, 0.20)
    assert analysis.table["customer_share"].round(2).tolist() == [0.05, 0.15, 0.8]
