"""The verification loop: a plan holds only if its simulation agrees with the prediction and
meets every tier's service minimum."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.conftest import call_centre
from tierwise.optimization.economics.response import LogisticResponse
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.planning import verify
from tierwise.optimization.planning.verify import TierCheck, verify_plan
from tierwise.simulation.analysis.statistics import Estimate

RESPONSE = LogisticResponse(
    r_min_usd_per_day=100.0, r_max_usd_per_day=500.0, steepness_k=20.0, midpoint_s0=0.9
)


def _est(mean: float, half_width: float) -> Estimate:
    return Estimate(mean, half_width, 6, 0.95)


def _check(mean: float, minimum: float | None, lower_bound: bool = False) -> TierCheck:
    return TierCheck(
        "A", "v1", 0.80, 0.035, _est(mean, 0.011), 100.0, _est(100.0, 5.0), minimum, lower_bound
    )


def test_an_agreeing_prediction_below_the_minimum_does_not_hold() -> None:
    # the reported case: predicted 80.0 % ± 3.5, simulated 78.8 % ± 1.1, minimum 79 %
    check = _check(0.788, 0.79)
    assert check.agrees and not check.meets_minimum and not check.holds
    assert _check(0.795, 0.79).holds
    assert _check(0.795, None).holds


def test_the_lower_bound_basis_judges_the_simulated_lower_bound() -> None:
    assert _check(0.795, 0.79).meets_minimum
    assert not _check(0.795, 0.79, lower_bound=True).meets_minimum
    assert _check(0.805, 0.79, lower_bound=True).meets_minimum


class _Summary:
    def __init__(self, service: float, cost: float) -> None:
        self.service = service
        self.cost = cost

    def estimates(self) -> dict[str, Estimate]:
        return {
            "A.perfect_order_rate": _est(self.service, 0.011),
            "A.cost_per_day_usd": _est(self.cost, 5.0),
            "A.orders_per_day": _est(100.0, 1.0),
        }


def _option(option_id: str, service: float, cost: float, agents: int) -> TierOption:
    return TierOption(
        tier="A",
        option_id=option_id,
        service_level=service,
        service_half_width=0.035,
        cost_per_day_usd=cost,
        revenue_per_day_usd=float(RESPONSE.revenue(service)),
        resources={},
        orders_per_day=100.0,
        params={"order_entry.pools.desk.agents": agents},
    )


def test_the_loop_replaces_a_plan_that_misses_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    delivered = {3: (0.788, 100.0), 4: (0.83, 150.0)}  # what each staffing really delivers

    def fake_replicate(scenario: Any, replications: int, workers: int, **_: Any) -> _Summary:
        return _Summary(*delivered[scenario.order_entry.pools["desk"].agents])

    monkeypatch.setattr(verify, "replicate", fake_replicate)
    problem = PlanProblem(
        options=[_option("cheap", 0.80, 100.0, 3), _option("dear", 0.83, 150.0, 4)],
        min_service={"A": 0.79},
        service_metric="perfect_order_rate",
    )
    result = verify_plan(problem, call_centre(), {"A": RESPONSE}, "perfect_order_rate")
    first, last = result.rounds[0], result.rounds[-1]
    assert first.checks[0].agrees and not first.checks[0].meets_minimum
    assert last.plan.chosen["A"].option_id == "dear"
    assert last.checks[0].meets_minimum and result.converged
    frame = result.checks_frame()
    assert list(frame["meets_minimum"]) == [False, True]
    assert math.isclose(frame["minimum_service"].iloc[0], 0.79)


def test_the_cost_check_combines_the_options_own_interval_with_the_simulated_one() -> None:
    # a 1-week, 3-replication sweep point ($7,453 ± 658) re-simulated on the full horizon
    # ($7,140 ± 171): the difference (313) lies inside sqrt(658² + 171²) = 680
    def check(own_half_width: float) -> TierCheck:
        return TierCheck(
            "A", "v1", 0.80, 0.035, _est(0.79, 0.011), 7453.0, _est(7140.0, 171.0),
            predicted_cost_half_width_usd=own_half_width,
        )  # fmt: skip

    assert check(658.0).cost_tolerance_usd == pytest.approx(math.hypot(658.0, 171.0))
    assert check(658.0).cost_agrees
    # an option that does not know its interval is taken as wide as the simulated one
    assert check(0.0).cost_tolerance_usd == pytest.approx(math.sqrt(2.0) * 171.0)
    assert not check(0.0).cost_agrees


def test_a_biased_curve_is_shifted_by_the_observed_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output space mapping: the sweep over-predicts every option by 5 points (a short
    horizon); after one re-simulation the whole curve is corrected and the next plan holds."""
    true_service = {3: 0.75, 4: 0.78, 5: 0.80}

    def fake_replicate(scenario: Any, replications: int, workers: int, **_: Any) -> _Summary:
        agents = scenario.order_entry.pools["desk"].agents
        return _Summary(true_service[agents], 50.0 * agents)

    monkeypatch.setattr(verify, "replicate", fake_replicate)
    options = [_option(f"n{n}", s + 0.05, 50.0 * n, n) for n, s in true_service.items()]
    problem = PlanProblem(
        options=options, min_service={"A": 0.77}, service_metric="perfect_order_rate"
    )
    result = verify_plan(problem, call_centre(), {"A": RESPONSE}, "perfect_order_rate")
    first, last = result.rounds[0], result.rounds[-1]
    assert first.plan.chosen["A"].option_id == "n3"  # predicted 80 %, really 75 %
    assert not first.checks[0].holds
    # n3 is replaced by its simulated point and n4, n5 are shifted down by 5 points, so the
    # next plan is n4 (78 % ≥ 77 %), predicted right: converged in round 2
    assert last.index == 2 and result.converged
    assert last.plan.chosen["A"].option_id == "n4"
    assert last.plan.chosen["A"].service_level == pytest.approx(0.78)
