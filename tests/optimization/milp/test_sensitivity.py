"""Sensitivity: profit is non-decreasing in the budget; capacity values match re-solves."""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from tierwise.figures.budget import plot_profit_vs_budget
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.sensitivity import (
    marginal_resource_value,
    marginal_resource_values,
    profit_vs_budget,
)


def frontier_problem(**kw: object) -> PlanProblem:
    options = []
    for t, scale in (("A", 3.0), ("B", 2.0), ("C", 1.0)):
        for k, s in enumerate((0.90, 0.94, 0.97, 0.99)):
            options.append(
                TierOption(
                    tier=t,
                    option_id=f"{t}{k}",
                    service_level=s,
                    cost_per_day_usd=1000 * scale * (1 + 4 * (s - 0.9)),
                    revenue_per_day_usd=1300 * scale * (1 + 6 * (s - 0.9)),
                    resources={"agents": k + 2},
                )
            )
    args: dict[str, object] = {
        "options": options,
        "resources": [ResourceSpec(name="agents", capacity_units=9)],
        "min_service": {"A": 0.94},
        "tier_order": ["A", "B", "C"],
    }
    args.update(kw)
    return PlanProblem(**args)  # type: ignore[arg-type]


def brute_profit(p: PlanProblem) -> float:
    best = -math.inf
    cap = p.resource("agents").capacity_units
    for combo in itertools.product(*(p.options_for(t) for t in p.tiers)):
        by = {o.tier: o for o in combo}
        cost = sum(o.cost_per_day_usd for o in combo)
        if cap is not None and sum(o.resources["agents"] for o in combo) > cap:
            continue
        if p.budget_per_day_usd is not None and cost > p.budget_per_day_usd + 1e-9:
            continue
        if any(by[t].service_level < m for t, m in p.min_service.items()):
            continue
        if any(by[a].service_level < by[b].service_level for a, b in p.ordered_pairs()):
            continue
        best = max(best, sum(o.revenue_per_day_usd for o in combo) - cost)
    return best


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_profit_is_non_decreasing_in_budget_and_matches_re_solves(solver: str) -> None:
    p = frontier_problem()
    budgets = np.arange(5000, 8001, 250)
    df = profit_vs_budget(p, budgets, solver=solver)
    assert list(df["budget_per_day_usd"]) == list(budgets.astype(float))
    assert {"status", "profit_per_day_usd", "cost_per_day_usd", "service_A", "option_C"} <= set(
        df.columns
    )
    feasible = df[df["status"] == "optimal"]
    # cheapest plan meeting A >= 0.94 and A >= B >= C: A1 3,480 + B0 2,000 + C0 1,000
    assert ((df["status"] == "infeasible") == (df["budget_per_day_usd"] < 6480)).all()
    assert np.all(np.diff(feasible["profit_per_day_usd"].to_numpy()) >= -1e-6)
    assert (feasible["cost_per_day_usd"] <= feasible["budget_per_day_usd"] + 1e-6).all()
    assert (feasible["service_A"] >= 0.94).all()
    for _, row in feasible.iterrows():
        q = dataclasses.replace(p, budget_per_day_usd=row["budget_per_day_usd"])
        assert row["profit_per_day_usd"] == pytest.approx(brute_profit(q))


def test_plot_has_title_unit_labels_and_legend(tmp_path: Path) -> None:
    p = frontier_problem()
    df = profit_vs_budget(p, np.arange(5000, 8001, 100), solver="highs")
    fig = plot_profit_vs_budget(df, title="Tierwise: profit vs budget")
    assert isinstance(fig, Figure)
    top, spend, bottom = fig.axes
    assert top.get_title(loc="left") == "Tierwise: profit vs budget"
    assert "USD/day" in top.get_ylabel() and "USD/day" in spend.get_ylabel()
    assert "USD/day" in bottom.get_xlabel() and "(%)" in bottom.get_ylabel()
    top_legend, bottom_legend = top.get_legend(), bottom.get_legend()
    assert top_legend is not None and bottom_legend is not None
    labels = [t.get_text() for t in top_legend.get_texts()]
    assert "no feasible plan" in labels and any(lab.startswith("best profit") for lab in labels)
    assert "more budget adds no profit" in labels  # budgets up to 8,000 pass the maximum
    assert [t.get_text() for t in bottom_legend.get_texts()] == [
        "tier A",
        "tier B",
        "tier C",
    ]
    out = tmp_path / "profit_vs_budget.png"
    fig.savefig(out, dpi=80)
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_marginal_capacity_value_equals_profit_difference(solver: str) -> None:
    p = frontier_problem()
    more = dataclasses.replace(p, resources=[ResourceSpec(name="agents", capacity_units=10)])
    expected = brute_profit(more) - brute_profit(p)
    assert expected > 0
    assert marginal_resource_value(p, "agents", solver=solver) == pytest.approx(expected)
    assert marginal_resource_values(p, solver=solver) == {"agents": pytest.approx(expected)}


def test_marginal_value_edge_cases() -> None:
    uncapped = frontier_problem(resources=[ResourceSpec(name="agents")])
    assert marginal_resource_value(uncapped, "agents") == 0.0
    # the minimum and order need at least 7 agents (A1: 3, B0: 2, C0: 2)
    tight = frontier_problem(resources=[ResourceSpec(name="agents", capacity_units=6)])
    assert marginal_resource_value(tight, "agents") == math.inf
    hopeless = frontier_problem(resources=[ResourceSpec(name="agents", capacity_units=2)])
    assert math.isnan(marginal_resource_value(hopeless, "agents"))
    with pytest.raises(KeyError):
        marginal_resource_value(uncapped, "pickers")


def test_extra_unit_of_a_pooled_resource_keeps_it_pooled() -> None:
    """One more agent on a shared desk of 5 lets both tiers take their 6-agent options."""
    options = [
        TierOption(
            tier=t,
            option_id=f"{t}{n}",
            service_level=s,
            cost_per_day_usd=100.0 * n,
            revenue_per_day_usd=rev,
            resources={"agents": n},
        )
        for t in ("A", "B")
        for n, s, rev in ((4, 0.90, 1000.0), (6, 0.97, 1500.0))
    ]
    p = PlanProblem(
        options=options, resources=[ResourceSpec(name="agents", capacity_units=5, pooled=True)]
    )
    # capacity 5: A4 + B4 earn 2 x (1000 - 400); capacity 6: A6 + B6 earn 2 x (1500 - 600)
    assert marginal_resource_value(p, "agents") == pytest.approx(2 * 900 - 2 * 600)
