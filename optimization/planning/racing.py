"""Successive halving: which simulated variants earn more replications.

The main job's search simulates every candidate of a stage with a few replications first
(common random numbers: replication *i* of every variant sees the same orders), ranks the
candidates by their profit, and tops up only the best fraction to the full number of
replications. A variant that is clearly worse keeps its first replications: it still draws
its point on the tiers' cost-versus-service curves and is still an option of the plan, only
with a wider confidence interval. This is successive halving with two rungs (keep ``1/η`` of
the candidates, ``η = 3`` by default); the paired comparison under common random numbers is
what makes a ranking from two replications reliable enough to drop the clear losers.

A variant's profit in one replication is :func:`replication_profit`: the sum over tiers of the
tier's revenue response at that replication's service level minus the tier's allocated cost,
USD per day, the same revenue and cost the plan's options use.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["DEFAULT_ETA", "replication_profit", "survivors"]

logger = logging.getLogger(__name__)

#: Successive halving keeps ``1/η`` of a stage's candidates for the full replications.
DEFAULT_ETA = 3.0


def replication_profit(
    table: pd.DataFrame, responses: Mapping[str, Any], metric: str
) -> pd.DataFrame:
    """Total profit (USD/day) of every variant in every replication.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table (one row per variant × replication) with ``<tier>.<metric>`` and
        ``<tier>.cost_per_day_usd`` for every tier of ``responses``.
    responses : mapping
        Tier → revenue response (anything with ``revenue(s)``, USD/day).
    metric : str
        The service metric the responses read.

    Returns
    -------
    pandas.DataFrame
        Index ``variant_id``, one column per replication, NaN where a run failed or is missing.
    """
    ok = table[table["error"].fillna("") == ""] if "error" in table.columns else table
    profit = pd.Series(0.0, index=ok.index)
    for tier, response in responses.items():
        service = ok[f"{tier}.{metric}"].clip(0.0, 1.0)
        revenue = pd.Series(
            [max(float(response.revenue(float(s))), 0.0) for s in service], index=ok.index
        )
        profit = profit + revenue - ok[f"{tier}.cost_per_day_usd"]
    frame = pd.DataFrame(
        {"variant_id": ok["variant_id"], "replication": ok["replication"], "profit": profit}
    )
    return frame.pivot_table(index="variant_id", columns="replication", values="profit")


def survivors(
    table: pd.DataFrame,
    candidates: Sequence[str],
    responses: Mapping[str, Any],
    metric: str,
    *,
    eta: float = DEFAULT_ETA,
    keep_at_least: int = 2,
) -> list[str]:
    """The candidates that go on to the full replications, best first.

    The reference is the candidate with the highest mean profit; candidates are ranked by
    their mean profit difference to it over the replications both have (paired under common
    random numbers); the first ``max(keep_at_least, ceil(n / eta))`` survive, ``n`` being the
    candidates with at least one successful replication (the others do not survive).

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table holding (at least) the candidates' first replications.
    candidates : sequence of str
        Variant ids of the stage.
    responses : mapping
        Tier → revenue response.
    metric : str
        Service metric of the responses.
    eta : float
        Halving rate (> 1): the share kept is ``1/eta``.
    keep_at_least : int
        Fewest survivors (when there are that many candidates).

    Raises
    ------
    ValueError
        If ``eta`` is not above 1 or ``keep_at_least`` is below 1.
    """
    if not eta > 1.0:
        raise ValueError(f"eta={eta}: the halving rate must be above 1")
    if keep_at_least < 1:
        raise ValueError(f"keep_at_least={keep_at_least}: keep at least one candidate")
    profit = replication_profit(table, responses, metric)
    present = [c for c in dict.fromkeys(candidates) if c in profit.index]
    if not present:
        return []
    rows = profit.loc[present]
    best = str(rows.mean(axis=1).idxmax())
    # paired: the difference to the best over the replications both have
    difference = rows.sub(rows.loc[best], axis=1).mean(axis=1, skipna=True)
    ranked = [str(v) for v in difference.sort_values(ascending=False, kind="stable").index]
    keep = max(keep_at_least, math.ceil(len(present) / eta))
    chosen = ranked[:keep]
    logger.info(
        "successive halving: %d of %d candidates go on (best %s)", len(chosen), len(present), best
    )
    return chosen
