"""Customer tiers from customer scores: the Pareto rule or RFM quantiles, and the tier table.

**Pareto (ABC) rule.** Customers sorted by profit, largest first; with thresholds
``t1 < t2 < …`` (cumulative shares of total profit, default 0.80 and 0.95) a customer is in
tier A while the profit of the customers ranked before it is below ``t1``: tier A is the
smallest set of top customers that together reach ``t1`` of the profit, B the next ones up to
``t2``, C the rest. ``k`` thresholds make ``k + 1`` tiers named A, B, C, D …

**RFM quantiles.** Customers sorted by RFM score (ties by profit); with cumulative customer
shares ``q1 < q2 < …`` (default 0.05 and 0.20) the top ``q1`` of customers are A, the next up
to ``q2`` B, the rest C: the classic 5 % / 15 % / 80 % split by engagement rather than profit.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from tierwise.history.reading import OrderHistory

__all__ = [
    "DEFAULT_PARETO_THRESHOLDS",
    "DEFAULT_RFM_SHARES",
    "ClassificationMethod",
    "classify_customers",
    "pareto_curve",
    "tier_names",
    "tier_table",
]

DEFAULT_PARETO_THRESHOLDS: tuple[float, ...] = (0.80, 0.95)
DEFAULT_RFM_SHARES: tuple[float, ...] = (0.05, 0.20)
ClassificationMethod = Literal["pareto", "rfm"]


def tier_names(count: int) -> list[str]:
    """``count`` tier names: A, B, C, …"""
    if not 1 <= count <= len(string.ascii_uppercase):
        raise ValueError(f"{count} tiers: between 1 and 26 allowed")
    return list(string.ascii_uppercase[:count])


def _check_cuts(cuts: Sequence[float], what: str) -> list[float]:
    values = [float(c) for c in cuts]
    if not values:
        raise ValueError(f"{what}: give at least one cut, e.g. 0.8,0.95")
    if any(not 0.0 < c < 1.0 for c in values):
        raise ValueError(f"{what} {values}: each must lie strictly between 0 and 1")
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"{what} {values}: must be strictly increasing")
    return values


def _assign(before: np.ndarray, cuts: list[float]) -> np.ndarray:
    """Tier index of each customer from the cumulative share ranked before it."""
    return np.searchsorted(np.asarray(cuts), before, side="right")


def classify_customers(
    scores: pd.DataFrame,
    method: ClassificationMethod = "pareto",
    cuts: Sequence[float] | None = None,
) -> pd.Series:
    """Tier of every customer.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`~tierwise.history.rfm.score_customers` output.
    method : {"pareto", "rfm"}
        The rule (see the module docstring).
    cuts : sequence of float, optional
        Pareto: cumulative profit shares (default 0.80, 0.95); rfm: cumulative customer
        shares (default 0.05, 0.20). Strictly increasing, each in (0, 1).

    Returns
    -------
    pandas.Series
        ``customer → tier name`` in the order of ``scores``.

    Raises
    ------
    ValueError
        Bad cuts, an unknown method, or (Pareto) no positive total profit.
    """
    if method == "pareto":
        values = _check_cuts(cuts or DEFAULT_PARETO_THRESHOLDS, "Pareto thresholds")
        ranked = scores.sort_values(["profit_usd", "orders"], ascending=False, kind="stable")
        profit = ranked["profit_usd"].to_numpy(dtype=float)
        total = float(profit[profit > 0].sum())
        if total <= 0:
            raise ValueError("no customer has a positive profit: the Pareto rule needs one")
        positive = np.maximum(profit, 0.0)
        before = (np.cumsum(positive) - positive) / total
        index = _assign(before, values)
        index[profit <= 0] = len(values)  # loss-making customers: the last tier
    elif method == "rfm":
        values = _check_cuts(cuts or DEFAULT_RFM_SHARES, "RFM customer shares")
        ranked = scores.sort_values(["rfm_score", "profit_usd"], ascending=False, kind="stable")
        n = len(ranked)
        before = np.arange(n) / n
        index = _assign(before, values)
    else:
        raise ValueError(f"method={method!r}: allowed pareto, rfm")
    names = np.array(tier_names(len(values) + 1))
    return pd.Series(names[index], index=ranked.index, name="tier").reindex(scores.index)


def pareto_curve(scores: pd.DataFrame) -> pd.DataFrame:
    """Cumulative shares for the Pareto figure: customers ranked by profit, largest first.

    Returns
    -------
    pandas.DataFrame
        ``customer_share`` and ``profit_share`` (cumulative, fractions, starting at 0, 0) and
        the ``customer`` of each step (empty at the origin).
    """
    ranked = scores.sort_values(["profit_usd", "orders"], ascending=False, kind="stable")
    profit = np.maximum(ranked["profit_usd"].to_numpy(dtype=float), 0.0)
    total = profit.sum() or 1.0
    n = len(ranked)
    return pd.DataFrame(
        {
            "customer": ["", *ranked.index.astype(str)],
            "customer_share": np.arange(n + 1) / n,
            "profit_share": np.concatenate([[0.0], np.cumsum(profit) / total]),
        }
    )


def tier_table(history: OrderHistory, scores: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """One row per tier: how many customers, what share of them and of profit, what demand.

    Parameters
    ----------
    history : OrderHistory
        The history (its span sets orders per day).
    scores : pandas.DataFrame
        Customer scores.
    tiers : pandas.Series
        ``customer → tier``.

    Returns
    -------
    pandas.DataFrame
        Indexed by tier (A, B, …): ``customers``, ``customer_share`` and ``profit_share``
        (fractions), ``profit_usd``, ``orders``, ``orders_per_day`` (per calendar day of the
        history), ``mean_lines_per_order``, ``mean_units_per_line``,
        ``mean_profit_per_order_usd``.
    """
    frame = scores.assign(tier=tiers)
    grouped = frame.groupby("tier", sort=True)
    table = grouped.agg(
        customers=("orders", "size"),
        profit_usd=("profit_usd", "sum"),
        orders=("orders", "sum"),
        lines=("lines", "sum"),
        units=("units", "sum"),
    )
    table["customer_share"] = table["customers"] / table["customers"].sum()
    table["profit_share"] = table["profit_usd"] / scores["profit_usd"].sum()
    table["orders_per_day"] = table["orders"] / history.span_days
    table["mean_lines_per_order"] = table["lines"] / table["orders"]
    table["mean_units_per_line"] = table["units"] / table["lines"]
    table["mean_profit_per_order_usd"] = table["profit_usd"] / table["orders"]
    table.index.name = "tier"
    return table[
        [
            "customers",
            "customer_share",
            "profit_usd",
            "profit_share",
            "orders",
            "orders_per_day",
            "mean_lines_per_order",
            "mean_units_per_line",
            "mean_profit_per_order_usd",
        ]
    ]
