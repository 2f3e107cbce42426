"""Pareto and RFM tiers: on the sample, the known customers land in their tiers."""

from __future__ import annotations

import pandas as pd
import pytest

from tierwise.history.classify import classify_customers, pareto_curve, tier_names, tier_table
from tierwise.history.rfm import score_customers


def _scores(profits: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"profit_usd": profits, "orders": [1] * len(profits), "rfm_score": range(len(profits))},
        index=[f"K{i}" for i in range(len(profits))],
    )


def test_pareto_tier_a_is_the_fewest_top_customers_reaching_the_first_cut() -> None:
    tiers = classify_customers(_scores([50, 30, 10, 5, 3, 2]))
    # before-shares 0, .5, .8, .9, .95, .98: A = K0, K1 (reach 80 %), B = K2, K3, C = rest
    assert tiers.tolist() == ["A", "A", "B", "B", "C", "C"]


def test_loss_making_customers_go_to_the_last_tier() -> None:
    assert classify_customers(_scores([90, 10, -5])).tolist() == ["A", "B", "C"]


def test_more_cuts_make_more_tiers() -> None:
    tiers = classify_customers(_scores([40, 30, 20, 10]), cuts=[0.3, 0.6, 0.9])
    assert tiers.tolist() == ["A", "B", "C", "D"]
    assert tier_names(4) == ["A", "B", "C", "D"]


@pytest.mark.parametrize("cuts", [[0.9, 0.8], [0.0, 0.5], [1.2]])
def test_bad_cuts_are_refused(cuts: list[float]) -> None:
    with pytest.raises(ValueError):
        classify_customers(_scores([1, 2]), cuts=cuts)


def test_rfm_quantiles_split_customers_5_15_80() -> None:
    tiers = classify_customers(_scores([1.0] * 100), method="rfm")
    assert tiers.value_counts().to_dict() == {"C": 80, "B": 15, "A": 5}
    assert (tiers.loc[["K99", "K95"]] == "A").all()  # the highest RFM scores


def test_pareto_curve_starts_at_the_origin_and_ends_at_one() -> None:
    curve = pareto_curve(_scores([3, 1]))
    assert curve["profit_share"].tolist() == [0.0, 0.75, 1.0]
    assert curve["customer_share"].tolist() == [0.0, 0.5, 1.0]


def test_sample_customers_land_in_their_known_tiers(sample_history, sample_truth) -> None:
    tiers = classify_customers(score_customers(sample_history))
    known = sample_truth["tier"].reindex(tiers.index)
    whole = (sample_truth["first_period"] == 0) & (sample_truth["last_period"] == 3)
    stayed = whole.reindex(tiers.index)
    # customers of the whole history: exactly their generating tier
    assert (tiers[stayed] == known[stayed]).all()
    assert stayed.sum() > 200
    # customers of part of it bring part of the profit: their tier or a lower one
    assert (tiers[~stayed] >= known[~stayed]).all()


def test_sample_tier_table_is_the_abc_split(sample_history) -> None:
    scores = score_customers(sample_history)
    table = tier_table(sample_history, scores, classify_customers(scores))
    assert table["customers"].sum() == len(scores)
    assert table["profit_share"].sum() == pytest.approx(1.0)
    assert table.loc["A", "profit_share"] == pytest.approx(0.81, abs=0.01)
    assert table.loc["C", "customer_share"] == pytest.approx(0.82, abs=0.02)
