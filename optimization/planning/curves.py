"""From a sweep table to per-tier cost, revenue and profit curves with the optimum marked.

This is the library side of ``tierwise curves``: it returns data (frontiers, profit curves,
optima) and writes figures and tables when asked; it never prints.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tierwise.optimization.economics.profit import (
    ProfitOptimum,
    optimal_service_level,
    profit_curve,
)
from tierwise.optimization.economics.revenue import default_response, parse_revenue_response
from tierwise.optimization.planning.options import tier_frontiers

__all__ = ["CurvesReport", "build_curves", "read_sweep_table", "sweep_tiers"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CurvesReport:
    """Per-tier curves for one service metric.

    Attributes
    ----------
    metric : str
        Service metric on the x axis (e.g. ``perfect_order_rate``).
    frontiers : dict
        ``tier → cost_service_frontier`` table (all variants, ``on_frontier`` flag).
    curves : dict
        ``tier → profit_curve`` table along the frontier (USD/day).
    optima : dict
        ``tier → ProfitOptimum``.
    responses : dict
        ``tier → revenue response`` used.
    """

    metric: str
    frontiers: dict[str, pd.DataFrame]
    curves: dict[str, pd.DataFrame]
    optima: dict[str, ProfitOptimum]
    responses: dict[str, Any]

    def optimum_table(self) -> pd.DataFrame:
        """One row per tier: chosen variant, service, revenue, cost, profit (USD/day).

        The smooth ``MR = MC`` optimum follows with its profit, the flag
        ``smooth_profit_above_simulated`` (no simulated variant's profit interval reaches
        it) and the cost fit's form and quality (``cost_fit_r_squared``,
        ``cost_fit_max_residual_to_half_width``; NaN/empty without a fit).
        """
        rows = []
        for tier, opt in self.optima.items():
            fit = opt.cost_fit
            rows.append(
                {
                    "tier": tier,
                    "variant_id": opt.variant_id,
                    "metric": self.metric,
                    "service_level": opt.service_level,
                    "revenue_per_day_usd": opt.revenue_per_day_usd,
                    "cost_per_day_usd": opt.cost_per_day_usd,
                    "profit_per_day_usd": opt.profit_per_day_usd,
                    "profit_per_day_usd_low": opt.profit_per_day_usd_low,
                    "profit_per_day_usd_high": opt.profit_per_day_usd_high,
                    "smooth_service_level": opt.smooth_service_level,
                    "smooth_profit_per_day_usd": opt.smooth_profit_per_day_usd,
                    "smooth_profit_above_simulated": opt.smooth_profit_above_simulated,
                    "mr_equals_mc": opt.mr_equals_mc,
                    "at_boundary": opt.at_boundary or "",
                    "cost_fit_form": fit.form if fit is not None else "",
                    "cost_fit_r_squared": fit.r_squared if fit is not None else math.nan,
                    "cost_fit_max_residual_to_half_width": (
                        fit.max_residual_to_half_width if fit is not None else math.nan
                    ),
                }
            )
        return pd.DataFrame(rows)


def read_sweep_table(path: str | Path) -> pd.DataFrame:
    """Read a sweep table written by ``tierwise sweep`` (Parquet or CSV)."""
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"sweep results not found: {file}")
    if file.suffix == ".csv":
        # an all-empty error column reads as float NaN: read it as text
        return pd.read_csv(file, keep_default_na=True, dtype={"error": "string"}).fillna(
            {"error": ""}
        )
    return pd.read_parquet(file)


def sweep_tiers(table: pd.DataFrame) -> list[str]:
    """Tier names present in a sweep table (columns ``<tier>.perfect_order_rate``)."""
    return [
        c.split(".")[0]
        for c in table.columns
        if c.endswith(".perfect_order_rate") and c.count(".") == 1 and not c.startswith("param.")
    ]


def _revenue_inputs(table: pd.DataFrame, tier: str) -> tuple[float, float]:
    """Revenue per order (USD) and orders per day of a tier, from the sweep rows."""
    ok = table[table.get("error", pd.Series("", index=table.index)).fillna("") == ""]
    revenue = ok[f"{tier}.booked_revenue_per_day_usd"]
    completed = ok[f"{tier}.orders_completed"]
    arrived = ok[f"{tier}.orders_arrived"]
    per_day = ok[f"{tier}.orders_per_day"]
    completed_per_day = per_day * completed / arrived.where(arrived > 0)
    per_order = (revenue / completed_per_day).median()
    return float(per_order if math.isfinite(per_order) else 0.0), float(per_day.median())


def build_curves(
    table: pd.DataFrame,
    metric: str = "perfect_order_rate",
    tiers: Sequence[str] | None = None,
    responses: Mapping[str, Any] | None = None,
    response_model: str = "logistic",
    confidence: float = 0.95,
    profiles: Mapping[str, str] | None = None,
    base_params: Mapping[str, Any] | None = None,
) -> CurvesReport:
    """Frontier, profit curve and optimum for every tier.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table, one row per variant × replication.
    metric : str
        Service metric (column suffix), e.g. ``perfect_order_rate``, ``on_time_rate``,
        ``line_fill_rate``, ``answered_within_target_rate``.
    tiers : sequence of str, optional
        Tiers to include (default: all in the table).
    responses : mapping, optional
        ``tier → revenue response`` (a model or a mapping ``{model: logistic, ...}``); tiers
        without one
        get :func:`tierwise.optimization.economics.revenue.default_response` from their revenue
        per order and
        orders per day in the table.
    response_model : str
        Model of the default responses (``logistic``, ``adbudg``, ``retention``, ``loyalty``).
    confidence : float
        Confidence level of the intervals.
    profiles : mapping, optional
        ``tier → A | B | C``: which default response profile a tier gets when it has no
        response of its own (default: its own name, which must then be A, B or C).
    base_params : mapping, optional
        The scenario's value of each lever: a tier's curve then draws only the variants that
        say what the tier gets (every other tier's own levers at these values,
        :func:`~tierwise.optimization.planning.options.tier_rows`), as its plan options do.
    """
    all_tiers = sweep_tiers(table)
    chosen = list(tiers) if tiers else all_tiers
    unknown = [t for t in chosen if t not in all_tiers]
    if unknown:
        raise ValueError(
            f"tier(s) {', '.join(unknown)} not in the sweep table (it has {', '.join(all_tiers)})"
        )
    if f"{chosen[0]}.{metric}" not in table.columns:
        raise ValueError(f"metric {metric!r} not in the sweep table")
    frontiers = tier_frontiers(table, chosen, metric, base_params, confidence=confidence)
    curves: dict[str, pd.DataFrame] = {}
    optima: dict[str, ProfitOptimum] = {}
    used: dict[str, Any] = {}
    for tier in chosen:
        if responses and tier in responses:
            given = responses[tier]
            response: Any = parse_revenue_response(given) if isinstance(given, Mapping) else given
        else:
            per_order, per_day = _revenue_inputs(table, tier)
            profile = (profiles or {}).get(tier, tier)
            if profile.upper() not in ("A", "B", "C"):
                raise ValueError(
                    f"tier {tier!r} has no revenue response and no default profile: give it a "
                    "profile (A, B or C), e.g. --profile " + f"{tier}=B"
                )
            response = default_response(
                profile,
                per_order,
                per_day,
                model=response_model,  # type: ignore[arg-type]
            )
        used[tier] = response
        frontier = frontiers[tier]
        curves[tier] = profit_curve(frontier, response)
        optima[tier] = optimal_service_level(frontier, response)
        logger.info(
            "tier %s: optimum %s at %.4f", tier, optima[tier].variant_id, optima[tier].service_level
        )
    return CurvesReport(metric, frontiers, curves, optima, used)
