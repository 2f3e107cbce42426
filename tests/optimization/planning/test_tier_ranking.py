"""Serving the most valuable tier best: checked against the plan, explained by the parts of a
perfect order, and priced with the MILP's tier order."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.optimization.planning.small_problems import option
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.tier_ranking import answer_tier_ranking
from tierwise.simulation.scenario.loading import load_scenario

DEFAULT = load_scenario("default")


def problem(*options: tuple[str, str, float, float, float]) -> PlanProblem:
    return PlanProblem(
        options=[option(t, oid, s, cost, revenue) for t, oid, s, cost, revenue in options],
        service_metric="perfect_order_rate",
    )


def test_a_plan_serving_the_top_tier_best_costs_nothing() -> None:
    p = problem(("A", "a1", 0.95, 100, 400), ("B", "b1", 0.90, 50, 200))
    answer = answer_tier_ranking(DEFAULT, p, solve(p))
    assert answer.top_served_best and answer.price_usd_per_day == 0.0
    assert answer.messages() == [
        "Tier A is served best: perfect order rate 95.0 %, the highest of the tiers."
    ]


def test_the_price_is_the_profit_given_up_by_the_best_plan_in_value_order() -> None:
    # optimum a1 + b1 (450/day) serves B better; in order: a1 + b2 (420/day), price 30/day
    p = problem(
        ("A", "a1", 0.80, 100, 400),
        ("A", "a2", 0.95, 300, 500),
        ("B", "b1", 0.90, 50, 200),
        ("B", "b2", 0.70, 40, 160),
    )
    answer = answer_tier_ranking(DEFAULT, p, solve(p))
    assert answer.order == ("A", "B") and answer.best_served == "B"
    assert answer.price_usd_per_day == pytest.approx(30.0)
    text = " ".join(answer.messages())
    assert "Serving A best costs $30/day of profit" in text and "A 80.0 %, B 70.0 %" in text
    assert "A's promise is tighter (1 business day against 2 business days)" in text
    assert "more lines (8 against 5" in text


def test_no_plan_in_value_order_is_said_and_has_no_price() -> None:
    p = problem(("A", "a1", 0.80, 100, 400), ("B", "b1", 0.90, 50, 200))
    answer = answer_tier_ranking(DEFAULT, p, solve(p))
    assert answer.price_usd_per_day is None
    assert "No simulated plan serves A at least as well as every other tier" in " ".join(
        answer.messages()
    )


def test_simulated_parts_name_where_the_top_tier_loses() -> None:
    p = problem(("A", "a1", 0.80, 100, 400), ("B", "b1", 0.90, 50, 200))
    rates = {
        "A.perfect_order_rate": 0.91, "B.perfect_order_rate": 0.94,
        "A.on_time_rate": 0.949, "B.on_time_rate": 0.9997,
        "A.order_accuracy_rate": 0.983, "B.order_accuracy_rate": 0.987,
        "A.damage_free_rate": 0.997, "B.damage_free_rate": 0.994,
    }  # fmt: skip
    estimates = {k: SimpleNamespace(mean=v) for k, v in rates.items()}
    answer = answer_tier_ranking(DEFAULT, p, solve(p), estimates)
    assert answer.service == {"A": 0.91, "B": 0.94}  # the re-simulated values, not predicted
    where = next(m for m in answer.messages() if m.startswith("Where A loses"))
    assert "on-time rate 94.9 % vs 100.0 %" in where and "order accuracy 98.3 % vs 98.7 %" in where
    assert "damage" not in where  # A is better there
    assert answer.to_dict()["top_served_best"] is False


def test_serving_the_top_tier_best_does_not_order_the_others() -> None:
    # C (only 85 %) is served best by the optimum a1 + b1 + c1 (profit 520); A ≥ B ≥ C is
    # impossible (no B option reaches 85 %) but A ≥ C ≥ B is not: a2 + b1 + c1 (370)
    p = problem(
        ("A", "a1", 0.80, 100, 400),
        ("A", "a2", 0.95, 300, 450),
        ("B", "b1", 0.80, 50, 200),
        ("B", "b2", 0.60, 40, 120),
        ("C", "c1", 0.85, 30, 100),
    )
    answer = answer_tier_ranking(DEFAULT, p, solve(p))
    assert answer.best_served == "C" and not answer.top_served_best
    assert answer.ordered is not None
    assert {t: o.option_id for t, o in answer.ordered.chosen.items()} == {
        "A": "a2", "B": "b1", "C": "c1"
    }  # fmt: skip
    assert answer.price_usd_per_day == pytest.approx(520.0 - 370.0)


def test_a_plan_predicted_to_serve_the_top_tier_best_says_so_when_re_simulation_differs() -> None:
    p = problem(("A", "a1", 0.95, 100, 400), ("B", "b1", 0.90, 50, 200))
    estimates = {
        "A.perfect_order_rate": SimpleNamespace(mean=0.91),
        "B.perfect_order_rate": SimpleNamespace(mean=0.92),
    }
    answer = answer_tier_ranking(DEFAULT, p, solve(p), estimates)
    assert not answer.top_served_best and answer.price_usd_per_day == 0.0
    assert any(
        "the plan itself serves A best; re-simulated, tier B comes out ahead by 1.0 pp" in m
        for m in answer.messages()
    )


def test_a_gap_within_the_re_simulation_noise_is_called_so() -> None:
    p = problem(("A", "a1", 0.80, 100, 400), ("B", "b1", 0.90, 50, 200))
    close = {
        "A.perfect_order_rate": SimpleNamespace(mean=0.948, half_width=0.005),
        "B.perfect_order_rate": SimpleNamespace(mean=0.951, half_width=0.006),
    }
    first = answer_tier_ranking(DEFAULT, p, solve(p), close).messages()[0]
    assert first.endswith("a gap within the re-simulation's noise (± 0.8 pp).")
    far = {**close, "B.perfect_order_rate": SimpleNamespace(mean=0.99, half_width=0.006)}
    assert "noise" not in answer_tier_ranking(DEFAULT, p, solve(p), far).messages()[0]
