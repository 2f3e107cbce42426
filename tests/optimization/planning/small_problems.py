"""Small planning problems shared by the targets and limits tests."""

from __future__ import annotations

from typing import Any

from tierwise.optimization.milp.problem import PlanProblem, TierOption

AGENTS = "order_entry.pools.desk.agents"
MODE_A = "tiers.A.shipping_mode"
MODE_B = "tiers.B.shipping_mode"


def option(
    tier: str, oid: str, service: float, cost: float, revenue: float, **params: Any
) -> TierOption:
    return TierOption(
        tier=tier,
        option_id=oid,
        service_level=service,
        service_half_width=0.01,
        cost_per_day_usd=cost,
        revenue_per_day_usd=revenue,
        params={"horizon_days": 10, MODE_B: "ground", **params},
    )


def small_problem(**kwargs: Any) -> PlanProblem:
    """A: profit 300 / 250 / 300 at 80 / 92 / 95 %; B: profit 150 / 140 at 70 / 88 %.

    The profit optimum is a1 + b1 (450/day). Meeting A ≥ 90 % and B ≥ 85 %: the cheapest plan is
    a2 + b2 (cost 290), the most profitable a3 + b2 (profit 440): the price is 10/day.
    """
    options = [
        option("A", "a1", 0.80, 100.0, 400.0, **{AGENTS: 4, MODE_A: "ground"}),
        option("A", "a2", 0.92, 200.0, 450.0, **{AGENTS: 6, MODE_A: "express"}),
        option("A", "a3", 0.95, 300.0, 600.0, **{AGENTS: 8, MODE_A: "express"}),
        option("B", "b1", 0.70, 50.0, 200.0, **{AGENTS: 4, MODE_A: "ground"}),
        option("B", "b2", 0.88, 90.0, 230.0, **{AGENTS: 6, MODE_A: "ground"}),
    ]
    return PlanProblem(options=options, service_metric="perfect_order_rate", **kwargs)


TARGETS = {"A": {"perfect_order_rate": 0.90}, "B": {"perfect_order_rate": 0.85}}
