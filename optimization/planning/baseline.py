"""Today versus the plan: the scenario as given against the recommended plan, paired.

The plan's verification re-simulates it with the scenario's seed; :func:`simulate_today`
simulates the scenario as given with the same seed and the same number of replications, so
replication ``r`` of both sees the same random numbers (common random numbers: the same
orders, the same service times where the plan does not change them). :func:`compare_with_today`
then takes, per tier and in total, the replication-wise differences plan − today of the
service metric, the cost, the revenue (the tier's revenue response at its simulated service,
:func:`~tierwise.simulation.experiments.replicate.derived_metrics`) and the profit, with a
paired Student-t interval and p-value
(:func:`~tierwise.simulation.analysis.statistics.paired_difference`).

The table's columns are those of ``Kind.BASELINE_COMPARISON`` (``tierwise.artifacts``):
``scope`` (a tier or ``total``), ``metric`` (registry name), ``today``, ``plan``,
``difference``, ``half_width`` (95 % CI of the difference) and ``p_value``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from tierwise.simulation.analysis.statistics import paired_difference
from tierwise.simulation.experiments.executor import Executor
from tierwise.simulation.experiments.replicate import ReplicationSummary, TierRevenue, replicate
from tierwise.simulation.metrics import PROFIT, REVENUE
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["BASELINE_COLUMNS", "compare_with_today", "simulate_today"]

logger = logging.getLogger(__name__)

#: Columns of the comparison table, in order.
BASELINE_COLUMNS = ("scope", "metric", "today", "plan", "difference", "half_width", "p_value")

_MONEY = ("cost_per_day_usd", REVENUE, PROFIT)


def simulate_today(
    today: Scenario,
    plan: ReplicationSummary,
    revenue: TierRevenue,
    executor: Executor | None = None,
) -> ReplicationSummary:
    """The scenario as given, simulated like the plan's verification (same replications).

    Parameters
    ----------
    today : Scenario
        The scenario as given; its seed is the plan's (the plan is this scenario with the
        plan's decisions applied).
    plan : ReplicationSummary
        The plan's re-simulation (its number of replications is used); when it simulated
        this very scenario (a plan that changes nothing) it is reused.
    revenue : TierRevenue
        The scenario's revenue function (``scenario_revenue``); attached to the result.
    executor : Executor, optional
        A running executor (the verification's).
    """
    if today.seed != plan.scenario.seed:
        logger.warning(
            "today's seed %s differs from the plan's %s: differences are not paired under "
            "common random numbers",
            today.seed,
            plan.scenario.seed,
        )
    if today.content_hash == plan.scenario.content_hash:
        return replace(plan, revenue=revenue)
    return replicate(today, replications=len(plan.runs), executor=executor, revenue=revenue)


def compare_with_today(
    today: ReplicationSummary,
    plan: ReplicationSummary,
    metric: str,
    tiers: Sequence[str] | None = None,
    revenue: TierRevenue | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired differences plan − today per tier and in total.

    Parameters
    ----------
    today, plan : ReplicationSummary
        The scenario as given and the plan, simulated with the same seed and replications
        (replication ``r`` of one is paired with replication ``r`` of the other).
    metric : str
        The plan's service metric (per tier only; the total has cost, revenue and profit).
    tiers : sequence of str, optional
        Default: the tiers of ``plan``'s scenario.
    revenue : TierRevenue, optional
        Revenue function for summaries that carry none (both get it).
    confidence : float
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per scope × metric, columns :data:`BASELINE_COLUMNS`: per tier ``metric``,
        ``cost_per_day_usd``, ``revenue_per_day_usd``, ``profit_per_day_usd``, then ``total``
        with the three money metrics (total cost counts every cost line, also those no tier
        is charged for).

    Raises
    ------
    ValueError
        When the two summaries have a different number of replications, or neither they nor
        the caller give a revenue function.
    """
    if len(today.runs) != len(plan.runs):
        raise ValueError(
            f"today has {len(today.runs)} replications, the plan {len(plan.runs)}: paired "
            "differences need the same replications"
        )
    if revenue is not None:
        today, plan = replace(today, revenue=revenue), replace(plan, revenue=revenue)
    if today.revenue is None or plan.revenue is None:
        raise ValueError("a revenue function is needed for revenue and profit")
    before, after = today.rows(), plan.rows()
    scopes = [*(tiers if tiers is not None else plan.scenario.tiers)]
    keys = [(t, m) for t in scopes for m in (metric, *_MONEY)] + [("total", m) for m in _MONEY]
    rows = []
    for scope, name in keys:
        key = f"{scope}.{name}"
        x = [row.get(key, math.nan) for row in after]
        y = [row.get(key, math.nan) for row in before]
        diff = paired_difference(x, y, confidence)
        rows.append(
            {
                "scope": scope,
                "metric": name,
                "today": _mean(y),
                "plan": _mean(x),
                "difference": diff.mean,
                "half_width": diff.half_width,
                "p_value": diff.p_value,
            }
        )
    return pd.DataFrame(rows, columns=list(BASELINE_COLUMNS))


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan
