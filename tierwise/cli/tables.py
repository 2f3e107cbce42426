"""Tables shared by the CLI commands: estimates per tier × metric as rows."""

from __future__ import annotations

import math

import pandas as pd

from tierwise.simulation.experiments.replicate import ReplicationSummary
from tierwise.simulation.metrics import METRIC_UNITS

__all__ = ["HEADLINE_METRICS", "estimates_frame", "format_estimate"]

#: Metrics shown in the terminal table (JSON/CSV carry all of them).
HEADLINE_METRICS = (
    "orders_per_day",
    "mean_cycle_time_h",
    "p95_cycle_time_h",
    "on_time_rate",
    "line_fill_rate",
    "order_completeness_rate",
    "damage_free_rate",
    "order_accuracy_rate",
    "billing_accuracy_rate",
    "perfect_order_rate",
    "answered_within_target_rate",
    "mean_speed_of_answer_s",
    "abandonment_rate",
    "complaints_raised",
    "recovery_rate",
    "cost_per_day_usd",
    "cost_per_order_usd",
    "revenue_per_day_usd",
)


def estimates_frame(summary: ReplicationSummary) -> pd.DataFrame:
    """Long table: one row per (scope, metric) with mean, half-width, n, unit."""
    rows = []
    for key, est in summary.estimates().items():
        scope, _, metric = key.partition(".")
        unit = METRIC_UNITS.get(metric, "") if scope in summary.scenario.tiers else ""
        rows.append(
            {
                "scope": scope,
                "metric": metric,
                "unit": unit,
                "mean": est.mean,
                "half_width": est.half_width,
                "n": est.n,
            }
        )
    return pd.DataFrame(rows)


def format_estimate(mean: float, half_width: float, unit: str) -> str:
    """``"92.1% ± 0.8"`` for rates, ``"12.3 ± 0.4"`` otherwise; ``—`` for NaN."""
    if not math.isfinite(mean):
        return "—"
    hw = "" if not math.isfinite(half_width) else half_width
    if unit == "rate":
        text = f"{mean:.1%}"
        return f"{text} ± {hw * 100:.1f}" if hw != "" else text
    digits = 0 if abs(mean) >= 100 else 2
    text = f"{mean:,.{digits}f}"
    return f"{text} ± {hw:,.{digits}f}" if hw != "" else text
