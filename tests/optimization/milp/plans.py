"""Small planning problems shared by the milp tests (not a test module)."""

from __future__ import annotations

from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption


def opt(tier: str, oid: str, s: float, cost: float, rev: float = 0.0, **kw: object) -> TierOption:
    """An option of ``tier`` with service ``s``, cost and revenue in USD/day."""
    return TierOption(
        tier=tier,
        option_id=oid,
        service_level=s,
        cost_per_day_usd=cost,
        revenue_per_day_usd=rev,
        **kw,  # type: ignore[arg-type]
    )


def small_problem(**kw: object) -> PlanProblem:
    """Two tiers, one capacitated resource, a budget, a minimum, an order and a cost per order."""
    options = [
        opt("A", "a0", 0.90, 100, 300, resources={"agents": 1}, orders_per_day=10),
        opt("A", "a1", 0.97, 180, 420, resources={"agents": 2}, orders_per_day=10),
        opt("B", "b0", 0.85, 60, 150, resources={"agents": 1}, orders_per_day=20),
        opt("B", "b1", 0.93, 90, 200, resources={"agents": 2}, orders_per_day=20),
    ]
    args: dict[str, object] = {
        "options": options,
        "resources": [ResourceSpec(name="agents", capacity_units=3)],
        "budget_per_day_usd": 260.0,
        "min_service": {"A": 0.9},
        "tier_order": ["A", "B"],
        "max_cost_per_order_usd": 10.0,
    }
    args.update(kw)
    return PlanProblem(**args)  # type: ignore[arg-type]


def valid_assignment() -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """A valid plan of :func:`small_problem`: option binaries and resource units."""
    # a0 + b1: cost 190, agents 3, service A 0.90 <  B 0.93 -> breaks the order
    # a1 + b0: cost 240, agents 3, A 0.97 >= B 0.85, cpo 240/30 = 8
    x = {("A", "a0"): 0.0, ("A", "a1"): 1.0, ("B", "b0"): 1.0, ("B", "b1"): 0.0}
    return x, {"agents": 3.0}
