"""Successive halving: paired profit differences under common random numbers rank the
candidates, the best ``1/η`` go on."""

from __future__ import annotations

import pandas as pd
import pytest

from tierwise.optimization.economics.response import LogisticResponse
from tierwise.optimization.planning.racing import replication_profit, survivors


class Linear:
    """Revenue 1,000 USD/day per unit of service."""

    def revenue(self, s: float) -> float:
        return 1000.0 * s


def sweep_rows(profits: dict[str, list[float]]) -> pd.DataFrame:
    """A one-tier table whose service makes each variant's replication profit as given."""
    rows = []
    for vid, values in profits.items():
        for rep, p in enumerate(values):
            # profit = 1000 s - cost with cost 100: s = (p + 100) / 1000
            rows.append(
                {
                    "variant_id": vid,
                    "replication": rep,
                    "error": "",
                    "A.perfect_order_rate": (p + 100.0) / 1000.0,
                    "A.cost_per_day_usd": 100.0,
                }
            )
    return pd.DataFrame(rows)


def test_replication_profit_is_revenue_at_the_service_minus_the_tier_cost() -> None:
    table = sweep_rows({"v1": [500.0, 600.0]})
    table.loc[1, "error"] = "boom"  # a failed run counts as missing
    profit = replication_profit(table, {"A": Linear()}, "perfect_order_rate")
    assert profit.loc["v1", 0] == pytest.approx(500.0)
    assert pd.isna(profit.loc["v1"].get(1, float("nan")))


def test_replication_profit_sums_the_tiers_with_their_own_responses() -> None:
    table = sweep_rows({"v1": [500.0]})
    table["B.perfect_order_rate"] = 0.5
    table["B.cost_per_day_usd"] = 40.0
    logistic = LogisticResponse(
        r_min_usd_per_day=0.0, r_max_usd_per_day=2000.0, steepness_k=10.0, midpoint_s0=0.5
    )
    profit = replication_profit(table, {"A": Linear(), "B": logistic}, "perfect_order_rate")
    assert profit.loc["v1", 0] == pytest.approx(500.0 + 1000.0 - 40.0)


def test_the_best_third_survives_ranked_by_paired_difference() -> None:
    # replication 1 is a bad day for everyone (common random numbers): pairing removes it
    profits = {f"v{i}": [100.0 * i, 100.0 * i - 5000.0] for i in range(9)}
    table = sweep_rows(profits)
    kept = survivors(table, list(profits), {"A": Linear()}, "perfect_order_rate")
    assert kept == ["v8", "v7", "v6"]


def test_pairing_uses_only_the_replications_both_have() -> None:
    # v1 lacks the bad second day: unpaired it would look best, paired it is second
    profits = {"v0": [300.0, -5000.0], "v1": [200.0], "v2": [100.0, -5100.0]}
    table = sweep_rows(profits)
    kept = survivors(table, list(profits), {"A": Linear()}, "perfect_order_rate", eta=1.5)
    assert kept == ["v0", "v1"]


def test_at_least_keep_at_least_survive_and_unknown_candidates_do_not() -> None:
    table = sweep_rows({"v0": [1.0], "v1": [2.0], "v2": [3.0]})
    kept = survivors(table, ["v0", "v1", "v2", "ghost"], {"A": Linear()}, "perfect_order_rate")
    assert kept == ["v2", "v1"]


@pytest.mark.parametrize(("eta", "keep"), [(1.0, 2), (3.0, 0)])
def test_a_halving_rate_or_minimum_out_of_range_is_refused(eta: float, keep: int) -> None:
    with pytest.raises(ValueError, match=r"eta|keep"):
        survivors(sweep_rows({"v0": [1.0]}), ["v0"], {"A": Linear()}, "x", eta=eta,
                  keep_at_least=keep)  # fmt: skip
