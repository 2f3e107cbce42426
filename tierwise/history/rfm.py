"""Customer scores from an order history: RFM (recency, frequency, monetary) and profit.

Per customer: **recency** (days from the customer's last order to the end of the history),
**frequency** (orders), **monetary** (sales value, USD) and **profit** (margin, or value when
the history has no margin; USD). Each of R, F and M is scored 1–5 by quintile among the
customers (5 = most recent, most frequent, largest; ties broken by rank so every quintile
holds a fifth of the customers), giving the RFM code (``"545"``) and the RFM score (sum, 3–15).
"""

from __future__ import annotations

import pandas as pd

from tierwise.history.reading import OrderHistory

__all__ = ["RFM_BINS", "score_customers"]

#: Quantile classes of each of R, F and M.
RFM_BINS = 5


def _quantile_score(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """1..RFM_BINS by rank quantile (fewer classes when there are fewer customers)."""
    bins = min(RFM_BINS, len(values))
    ranks = values.rank(method="first", ascending=higher_is_better)
    return pd.Series(
        pd.qcut(ranks, bins, labels=False).astype(int) + 1 + (RFM_BINS - bins), index=values.index
    )


def score_customers(history: OrderHistory) -> pd.DataFrame:
    """RFM and profit of every customer.

    Parameters
    ----------
    history : OrderHistory
        The validated history.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer``, sorted by profit (largest first): ``orders``,
        ``first_order``, ``last_order``, ``recency_days``, ``value_usd``, ``profit_usd``,
        ``lines``, ``units``, ``r_score``, ``f_score``, ``m_score`` (1–5), ``rfm_code``
        (str) and ``rfm_score`` (3–15).
    """
    orders = history.orders
    scores = orders.groupby("customer").agg(
        orders=("order_id", "size"),
        first_order=("timestamp", "min"),
        last_order=("timestamp", "max"),
        value_usd=("value", "sum"),
        profit_usd=("profit", "sum"),
        lines=("lines", "sum"),
        units=("units", "sum"),
    )
    age = history.end - scores["last_order"]
    scores["recency_days"] = age.dt.total_seconds() / 86400.0
    scores["r_score"] = _quantile_score(scores["recency_days"], higher_is_better=False)
    scores["f_score"] = _quantile_score(scores["orders"].astype(float), higher_is_better=True)
    scores["m_score"] = _quantile_score(scores["value_usd"], higher_is_better=True)
    scores["rfm_code"] = (
        scores["r_score"].astype(str)
        + scores["f_score"].astype(str)
        + scores["m_score"].astype(str)
    )
    scores["rfm_score"] = scores["r_score"] + scores["f_score"] + scores["m_score"]
    return scores.sort_values(["profit_usd", "orders"], ascending=False, kind="stable")
