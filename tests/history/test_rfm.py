"""RFM scores: quintiles 1–5 (5 = most recent, most frequent, largest), sorted by profit."""

from __future__ import annotations

import pandas as pd

from tierwise.history.reading import orders_from_frame
from tierwise.history.rfm import score_customers


def test_recency_frequency_and_monetary_are_scored_by_quintile() -> None:
    rows = []
    for i in range(10):  # customer i orders i + 1 times, the last on day i, value 10 each
        for k in range(i + 1):
            rows.append((f"O{i}-{k}", f"K{i}", f"2025-01-{1 + min(k, i):02d} 10:00", "10"))
    frame = pd.DataFrame(rows, columns=["order_id", "customer", "timestamp", "value"])
    scores = score_customers(orders_from_frame(frame))
    assert scores.index[0] == "K9"  # most profit first
    assert scores.loc["K9", "rfm_code"] == "555"
    assert scores.loc["K0", "rfm_code"] == "111"
    assert scores["r_score"].value_counts().tolist() == [2] * 5
    assert scores.loc["K9", "recency_days"] < scores.loc["K0", "recency_days"]


def test_sample_scores_cover_every_customer(sample_history, sample_truth) -> None:
    scores = score_customers(sample_history)
    assert scores["orders"].sum() == len(sample_history.orders)
    assert set(scores.index) <= set(sample_truth.index)
    assert scores["rfm_score"].between(3, 15).all()
