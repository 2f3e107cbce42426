"""From an order history to tiers, demand and retention in one call (what ``tierwise tiers``
runs).

>>> from tierwise.history.analysis import analyse_history
>>> from tierwise.history.sample import sample_path
>>> result = analyse_history(sample_path())
>>> list(result.table.index)
['A', 'B', 'C']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tierwise.history.calibrate import DemandCalibration, calibrate_demand
from tierwise.history.classify import (
    DEFAULT_PARETO_THRESHOLDS,
    DEFAULT_RFM_SHARES,
    ClassificationMethod,
    classify_customers,
    pareto_curve,
    tier_table,
)
from tierwise.history.reading import ColumnMap, OrderHistory, read_orders
from tierwise.history.retention import DEFAULT_PERIOD_DAYS, TierRetention, measure_retention
from tierwise.history.rfm import score_customers
from tierwise.history.writer import build_scenario

__all__ = ["HistoryAnalysis", "analyse_history"]


@dataclass(frozen=True)
class HistoryAnalysis:
    """Everything ``tierwise tiers`` reports about one history.

    Attributes
    ----------
    history : OrderHistory
        The validated history.
    method : str
        ``pareto`` or ``rfm``.
    cuts : tuple of float
        The thresholds used (cumulative profit shares, or customer shares for rfm).
    scores : pandas.DataFrame
        Customer scores with a ``tier`` column.
    table : pandas.DataFrame
        One row per tier (:func:`~tierwise.history.classify.tier_table`), with ``retention``,
        ``retention_half_width`` and ``lifetime_value_usd`` where retention was measured.
    curve : pandas.DataFrame
        The Pareto curve (:func:`~tierwise.history.classify.pareto_curve`).
    demand : DemandCalibration
        Calibrated demand per tier.
    retention : dict or None
        Retention per tier, None when the history has fewer than two whole periods.
    warnings : list of str
        Everything the user should be told.
    """

    history: OrderHistory
    method: str
    cuts: tuple[float, ...]
    scores: pd.DataFrame
    table: pd.DataFrame
    curve: pd.DataFrame
    demand: DemandCalibration
    retention: dict[str, TierRetention] | None
    warnings: list[str] = field(default_factory=list)

    def scenario(
        self, template: str | Path = "default", name: str | None = None
    ) -> tuple[str, Any]:
        """The calibrated scenario: commented YAML text and the validated
        :class:`~tierwise.simulation.scenario.schema.Scenario`
        (:func:`~tierwise.history.writer.build_scenario`)."""
        return build_scenario(self.demand, self.retention, self.history.source, template, name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: method, cuts, span, the tier rows, warnings."""
        rows = self.table.reset_index().to_dict(orient="records")
        return {
            "source": self.history.source,
            "method": self.method,
            "cuts": list(self.cuts),
            "profit_from": self.history.profit_source,
            "start": str(self.history.start.date()),
            "days": self.history.span_days,
            "orders": len(self.history.orders),
            "customers": len(self.scores),
            "tiers": rows,
            "warnings": list(self.warnings),
        }


def analyse_history(
    source: str | Path | OrderHistory,
    method: ClassificationMethod = "pareto",
    cuts: Sequence[float] | None = None,
    columns: ColumnMap | None = None,
    encoding: str = "utf-8",
    period_days: float = DEFAULT_PERIOD_DAYS,
) -> HistoryAnalysis:
    """Read (unless given) a history, score and classify its customers, calibrate its demand
    and measure retention.

    Parameters
    ----------
    source : path or OrderHistory
        The CSV file (``.csv.gz`` too) or an already read history.
    method : {"pareto", "rfm"}
        Classification rule.
    cuts : sequence of float, optional
        Its thresholds (defaults: Pareto 0.80, 0.95; rfm 0.05, 0.20).
    columns : ColumnMap, optional
        Column names of the file.
    encoding : str
        Text encoding of the file.
    period_days : float
        Retention period, days.

    Raises
    ------
    HistoryError
        The file cannot be used (every problem with its line and column).
    ValueError
        Bad cuts or period.
    """
    history = source if isinstance(source, OrderHistory) else read_orders(source, columns, encoding)
    scores = score_customers(history)
    tiers = classify_customers(scores, method, cuts)
    used = tuple(cuts or (DEFAULT_PARETO_THRESHOLDS if method == "pareto" else DEFAULT_RFM_SHARES))
    table = tier_table(history, scores, tiers)
    demand = calibrate_demand(history, tiers)
    retention = measure_retention(history, tiers, period_days)
    warnings = [*history.warnings, *demand.warnings]
    if retention is None:
        warnings.append(
            f"the history covers {history.span_days:g} days, fewer than two whole periods of "
            f"{period_days:g} days: no retention measured (revenue responses stay the "
            "profiles' defaults)"
        )
    else:
        table["retention"] = pd.Series({t: r.retention for t, r in retention.items()})
        table["retention_half_width"] = pd.Series(
            {t: 1.96 * r.retention_se for t, r in retention.items()}
        )
        table["lifetime_value_usd"] = pd.Series(
            {t: r.lifetime_value_usd for t, r in retention.items()}
        )
    return HistoryAnalysis(
        history=history,
        method=method,
        cuts=used,
        scores=scores.assign(tier=tiers),
        table=table,
        curve=pareto_curve(scores),
        demand=demand,
        retention=retention,
        warnings=warnings,
    )
