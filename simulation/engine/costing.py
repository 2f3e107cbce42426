"""Costing: each station reports its cost shares; the run sums them into line items and tiers.

A :class:`CostShare` is one amount of cost over the measurement window, split into line items
(``wages_agents``, ``holding`` …) and allocated to the tiers in proportion to weights (busy
hours, units demanded, shipments). The allocation rules, activity-based:

* agents' wages and a pool's fixed cost (``desk_fixed``): by the tiers' agent time in the pool;
* pickers' wages and their ``overtime`` past closing: by the tiers' picking time;
* a fleet's ``vehicles`` (day rate) and ``tours`` (running cost and driver hours): by the tiers'
  shipments on the fleet;
* a carrier's scheduled ``pickups`` and their ``late_pickup_surcharge``: by the tiers'
  shipments on the carrier mode;
* ``holding`` and ``replenishment``: by units demanded of the family;
* ``shipping_and_recovery`` (per shipment, expediting, recovery, late penalties): to the tier of
  the order directly.
 :func:`sum_costs` adds the shares in the order given — the
order of float addition is part of the same-seed numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["COST_LINE_ITEMS", "CostShare", "sum_costs", "tier_line_items"]

#: Cost line items of a run, in the order of the results (``cost.<item>_usd_per_day``).
COST_LINE_ITEMS = (
    "wages_agents",
    "wages_pickers",
    "vehicles",
    "holding",
    "replenishment",
    "shipping_and_recovery",
    "pickups",
    "late_pickup_surcharge",
    "tours",
    "overtime",
    "desk_fixed",
)


class CostShare(NamedTuple):
    """One cost of a station over the measurement window.

    Attributes
    ----------
    items : dict
        ``line item → USD`` (keys from :data:`COST_LINE_ITEMS`); the share allocates their sum.
    weights : dict
        ``tier → weight`` of the allocation; a tier not named gets nothing; all weights zero
        (or none) spreads the cost equally over every tier.
    """

    items: dict[str, float]
    weights: dict[str, float]


def sum_costs(
    shares: Iterable[CostShare], tier_names: list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Line items and per-tier totals of ``shares`` (USD over the window).

    Returns
    -------
    line_items : dict
        ``line item → USD``, every item of :data:`COST_LINE_ITEMS` (0 when no station reports it).
    tier_cost : dict
        ``tier → USD`` allocated.
    """
    line_items = dict.fromkeys(COST_LINE_ITEMS, 0.0)
    tier_cost = dict.fromkeys(tier_names, 0.0)
    for share in shares:
        for item, usd in share.items.items():
            line_items[item] += usd
        total = sum(share.items.values())
        weight_sum = sum(share.weights.values())
        for name in tier_names:
            fraction = (
                share.weights.get(name, 0.0) / weight_sum if weight_sum > 0 else 1 / len(tier_names)
            )
            tier_cost[name] += total * fraction
    return line_items, tier_cost


def tier_line_items(
    shares: Iterable[CostShare], tier_names: list[str]
) -> dict[str, dict[str, float]]:
    """Each tier's allocated cost by line item (USD over the window): the same allocation as
    :func:`sum_costs`, item by item (so a planner sees what a tier's pickups, tours or overtime
    cost it). Every tier gets every item of :data:`COST_LINE_ITEMS`."""
    out = {name: dict.fromkeys(COST_LINE_ITEMS, 0.0) for name in tier_names}
    for share in shares:
        weight_sum = sum(share.weights.values())
        for name in tier_names:
            fraction = (
                share.weights.get(name, 0.0) / weight_sum if weight_sum > 0 else 1 / len(tier_names)
            )
            for item, usd in share.items.items():
                out[name][item] += usd * fraction
    return out
