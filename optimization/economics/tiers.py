"""A scenario's revenue per tier: the one place revenue and profit get their meaning.

**Revenue** of a tier is its revenue response ``R(s)`` (USD/day) at the simulated service
level ``s``: the model the scenario names (``tiers.<t>.revenue_response``) or, without one, the
default response of the tier's profile
(:func:`~tierwise.optimization.economics.revenue.default_response`, profile
``tiers.<t>.revenue_profile`` or the tier's own name A/B/C), built from the tier's revenue per
order and its *expected* orders per calendar day (base rate × hourly × weekday profile,
averaged over the week: :func:`~tierwise.simulation.theory.loads.weekly_orders` / 7). **Profit**
is that revenue − the tier's cost per day. *Booked revenue* (``booked_revenue_per_day_usd``:
revenue per order × completed orders) is what the engine counts; it ignores service quality
except through lost calls and is never called revenue.

**Which service the response reads.** The metric a revenue_response block names under
``service_metric`` (any registered rate metric, e.g. ``on_time_rate``); otherwise the job's
service metric: ``perfect_order_rate`` (:data:`DEFAULT_SERVICE_METRIC`, the main job's default
``--metric``) for ``simulate`` and ``compare``, the ``--metric`` of ``run``/``optimize``, which
plan and price on that one metric (a response naming another one is refused there).

**Per replication.** :meth:`TierResponse.revenue_of` gives the revenue of one replication from
its metrics, ``max(0, R(clip(s, 0, 1)))`` (the rule of a plan option); ``simulate`` and
``compare`` report the mean (± CI) of these per-replication values, a plan option the response
at the mean service of its variant. The two differ only by the curvature of ``R`` times the
variance of ``s`` between replications (Jensen), small for replications of weeks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from tierwise.optimization.economics.customers import LoyaltyResponse, RetentionResponse
from tierwise.optimization.economics.response import (
    AdbudgResponse,
    FloatOrArray,
    LogisticResponse,
)
from tierwise.optimization.economics.revenue import default_response, parse_revenue_response
from tierwise.simulation.metrics import METRICS
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import weekly_orders

__all__ = [
    "DEFAULT_SERVICE_METRIC",
    "SERVICE_METRIC_KEY",
    "ScenarioRevenue",
    "TierResponse",
    "expected_orders_per_day",
    "scenario_revenue",
    "tier_responses",
]

#: Service metric a revenue response reads unless it names one (the main job's ``--metric``).
DEFAULT_SERVICE_METRIC = "perfect_order_rate"
#: Key of a ``revenue_response`` block naming the service metric the response reads.
SERVICE_METRIC_KEY = "service_metric"

ResponseModel = LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse


@dataclass(frozen=True)
class TierResponse:
    """One tier's revenue response and the service metric it reads.

    Has ``revenue(s)`` and ``marginal_revenue(s)`` (USD/day, ``s`` a fraction in [0, 1]), so it
    serves wherever a response model does (profit curves, plan options, verification).

    Attributes
    ----------
    model : LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse
        The response ``R(s)``, USD/day.
    service_metric : str
        Per-tier rate metric ``s`` is read from (``perfect_order_rate`` …).
    source : str
        Where it came from: ``"given"`` (the scenario's ``revenue_response``) or
        ``"default, profile A"``.
    """

    model: ResponseModel
    service_metric: str = DEFAULT_SERVICE_METRIC
    source: str = field(default="given", compare=False)

    def revenue(self, s: FloatOrArray) -> FloatOrArray:
        """Revenue ``R(s)``, USD/day (``s`` in [0, 1])."""
        return self.model.revenue(s)

    def marginal_revenue(self, s: FloatOrArray) -> FloatOrArray:
        """``dR/ds``, USD/day per unit of service."""
        return self.model.marginal_revenue(s)

    def revenue_of(self, metrics: Mapping[str, float]) -> float:
        """Revenue (USD/day) of a tier whose simulated metrics are ``metrics``.

        ``max(0, R(s))`` with ``s = metrics[service_metric]`` clipped to [0, 1]; NaN when the
        service is missing or NaN (no order measured).
        """
        s = float(metrics.get(self.service_metric, math.nan))
        if not math.isfinite(s):
            return math.nan
        return max(float(self.model.revenue(min(max(s, 0.0), 1.0))), 0.0)

    def describe(self) -> str:
        """One line for reports: ``logistic (default, profile A) of perfect_order_rate``."""
        return f"{self.model.model} ({self.source}) of {self.service_metric}"


@dataclass(frozen=True)
class ScenarioRevenue:
    """``revenue(tier, metrics) → USD/day``: the revenue function the simulation layer takes
    (``replicate(..., revenue=)``, ``compare_strategies(..., revenue=)``).

    Attributes
    ----------
    responses : mapping
        ``tier → TierResponse``.
    """

    responses: Mapping[str, TierResponse]

    def __call__(self, tier: str, metrics: Mapping[str, float]) -> float:
        """Revenue of ``tier`` in one replication with per-tier ``metrics``, USD/day."""
        return self.responses[tier].revenue_of(metrics)


def expected_orders_per_day(scenario: Scenario, tier: str) -> float:
    """Expected orders of ``tier`` per calendar day: base rate × profiles, week-averaged."""
    return weekly_orders(scenario, tier) / 7.0


def _where(error: Mapping[str, Any]) -> str:
    """``.steepness_k`` from a pydantic error location (the model's tag left out)."""
    return "".join(f".{part}" for part in tuple(error.get("loc", ()))[1:])


def _service_metric(value: object, default: str) -> str:
    metric = default if value is None else str(value)
    found = METRICS.get(metric)
    if found is None or found.unit != "rate" or found.direction <= 0:
        allowed = [m.name for m in METRICS.values() if m.unit == "rate" and m.direction > 0]
        raise ValueError(f"{metric!r} is not a service rate; allowed: {', '.join(allowed)}")
    return metric


def tier_responses(
    scenario: Scenario, default_metric: str = DEFAULT_SERVICE_METRIC
) -> dict[str, TierResponse]:
    """Revenue response per tier of ``scenario``: its own, or the default of its profile.

    Parameters
    ----------
    scenario : Scenario
        Tiers with ``revenue_response`` (optionally naming ``service_metric``) or
        ``revenue_profile``/a name A, B, C and ``revenue_per_order_usd > 0``.
    default_metric : str
        Service metric of responses that name none (default ``perfect_order_rate``).

    Returns
    -------
    dict
        ``tier → TierResponse``, in the scenario's tier order.

    Raises
    ------
    ValueError
        ``default_metric`` is not a registered service rate.
    ScenarioError
        One line per problem: an invalid ``revenue_response`` or ``service_metric``, a tier not
        named A/B/C without ``revenue_profile``, or no revenue per order / no demand for a
        default response.
    """
    default = _service_metric(None, default_metric)
    responses: dict[str, TierResponse] = {}
    problems: list[str] = []
    for name, tier in scenario.tiers.items():
        given = dict(tier.revenue_response) if tier.revenue_response is not None else None
        try:
            metric = _service_metric((given or {}).pop(SERVICE_METRIC_KEY, None), default)
        except ValueError as exc:
            problems.append(f"tiers.{name}.revenue_response.{SERVICE_METRIC_KEY}: {exc}")
            continue
        if given is not None:
            try:
                responses[name] = TierResponse(parse_revenue_response(given), metric, "given")
            except ValidationError as exc:
                where = f"tiers.{name}.revenue_response"
                problems += [f"{where}{_where(e)}: {e['msg']}" for e in exc.errors()]
            continue
        profile = tier.revenue_profile or (name if name in ("A", "B", "C") else None)
        if profile is None:
            problems.append(
                f"tiers.{name}: no revenue_response and no revenue_profile; set "
                "revenue_profile: A, B or C (service-sensitive … price-driven)"
            )
            continue
        per_day = expected_orders_per_day(scenario, name)
        if tier.revenue_per_order_usd <= 0 or not np.isfinite(per_day) or per_day <= 0:
            problems.append(
                f"tiers.{name}.revenue_per_order_usd = {tier.revenue_per_order_usd} at "
                f"{per_day:.4g} orders/day: both must be > 0 for the default revenue response"
            )
            continue
        model = default_response(profile, tier.revenue_per_order_usd, per_day)
        responses[name] = TierResponse(model, metric, f"default, profile {profile}")
    if problems:
        raise ScenarioError(problems, scenario.name)
    return responses


def scenario_revenue(
    scenario: Scenario, default_metric: str = DEFAULT_SERVICE_METRIC
) -> ScenarioRevenue:
    """The revenue function of ``scenario`` (:func:`tier_responses` as ``(tier, metrics) →
    USD/day``); raises :class:`ScenarioError` like it."""
    return ScenarioRevenue(tier_responses(scenario, default_metric))
