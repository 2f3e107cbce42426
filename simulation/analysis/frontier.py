"""Cost-versus-service curves from a sweep table: per-variant estimates and the frontier.

The sweep table has one row per variant × replication (see
:mod:`tierwise.simulation.experiments.sweep`).
This module turns it into one row per variant (mean, Student-t half-width and number of
replications for a service metric and a cost), then extracts the non-dominated
cost-service frontier in a way that sampling noise cannot inflate.

Frontier rule
-------------
Let every variant ``P`` have service estimate ``s_P ± h_P`` (a fraction in [0, 1]) and cost
estimate ``c_P`` (USD per day).  Variants are scanned in order of increasing cost (ties:
higher service first, then ``variant_id``).  A variant joins the frontier only if its
service is *significantly* better than that of every frontier variant already accepted
(each of which costs no more)::

    P is dominated  <=>  there is a frontier variant Q, scanned before P, with
                         s_Q >= s_P - slack * sqrt(h_P**2 + h_Q**2)

``sqrt(h_P² + h_Q²)`` is the half-width of the difference of two independent means (a
conservative value under common random numbers, which make the difference less noisy).
Consequences:

* Two statistically indistinguishable variants never eliminate each other: the cheaper
  one is scanned first and kept; the dearer one is dropped.
* A staircase of small, individually insignificant improvements cannot chain: every
  frontier point is significantly better than *every* cheaper frontier point, so the
  frontier's service and cost both increase strictly.
* With ``slack=0`` (or zero half-widths) the rule is the classical Pareto frontier on the
  means.
* ``cost_tolerance_usd_per_day`` treats costs that differ by at most that amount as equal:
  a frontier variant is removed again when a later variant costs at most the tolerance more
  and is significantly better in service.

Variants whose estimate comes from a single replication have an undefined half-width
(reported as NaN); the frontier treats it as zero and logs a warning.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tierwise.simulation.analysis.statistics import check_confidence, student_t_half_width

__all__ = [
    "COST_HALF_WIDTH",
    "COST_MEAN",
    "DOMINATED_BY",
    "N_FAILED",
    "N_REPLICATIONS",
    "ON_FRONTIER",
    "PARAM_PREFIX",
    "SERVICE_HALF_WIDTH",
    "SERVICE_MEAN",
    "VARIANT_ID",
    "cost_service_frontier",
    "frontier_points",
    "frontiers_by_tier",
    "summarize_variants",
]

logger = logging.getLogger(__name__)

VARIANT_ID = "variant_id"
PARAM_PREFIX = "param."
SERVICE_MEAN = "service_mean"
"""Mean of the service metric over replications (fraction in [0, 1])."""
SERVICE_HALF_WIDTH = "service_half_width"
"""Student-t confidence half-width of :data:`SERVICE_MEAN` (fraction)."""
COST_MEAN = "cost_per_day_usd_mean"
"""Mean cost over replications (USD per day)."""
COST_HALF_WIDTH = "cost_per_day_usd_half_width"
"""Student-t confidence half-width of :data:`COST_MEAN` (USD per day)."""
N_REPLICATIONS = "n"
"""Number of successful replications behind the estimates."""
N_FAILED = "n_failed"
"""Number of replications of the variant excluded as failed (``error`` set or NaN metric)."""
ON_FRONTIER = "on_frontier"
DOMINATED_BY = "dominated_by"
"""``variant_id`` of the frontier variant that dominates this one (None on the frontier)."""


def _failed_mask(table: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Rows to exclude: a non-empty ``error`` value or a NaN in any of ``columns``."""
    mask = pd.Series(False, index=table.index)
    if "error" in table.columns:
        err = table["error"]
        mask |= err.notna() & (err.astype(str).str.strip() != "")
    for col in columns:
        mask |= table[col].isna()
    return mask


def summarize_variants(
    table: pd.DataFrame,
    tier: str,
    metric: str,
    cost_column: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per-variant mean, Student-t half-width and n of a service metric and of a cost.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table, one row per variant × replication, with columns ``variant_id``,
        ``replication``, ``param.*``, ``{tier}.{metric}`` and the cost column.  Rows with a
        non-empty ``error`` or a NaN service/cost value are excluded and counted.
    tier : str
        Tier name, e.g. ``"A"``.
    metric : str
        Service metric of the tier, a fraction in [0, 1], e.g. ``"perfect_order_rate"``.
    cost_column : str, optional
        Cost column in USD per day; defaults to ``f"{tier}.cost_per_day_usd"`` (cost allocated
        to the tier).  Use ``"total.cost_per_day_usd"`` for the whole operation.
    confidence : float, default 0.95
        Confidence level of the half-widths.

    Returns
    -------
    pandas.DataFrame
        One row per variant with at least one successful replication, sorted by
        ``variant_id``: ``variant_id``, ``n``, ``n_failed``, ``service_mean``,
        ``service_half_width`` (fraction), ``cost_per_day_usd_mean``,
        ``cost_per_day_usd_half_width`` (USD/day), ``scenario_hash`` (if present) and the
        ``param.*`` columns (first value per variant).  ``attrs`` records ``tier``,
        ``metric``, ``service_column``, ``cost_column``, ``confidence``,
        ``n_failed_rows`` and ``failed_variants`` (variants with no successful
        replication, which have no row).

    Raises
    ------
    KeyError
        If a required column is missing.
    ValueError
        If ``confidence`` is outside (0, 1) or service values fall outside [0, 1].
    """
    check_confidence(confidence)
    service_column = f"{tier}.{metric}"
    cost_column = cost_column or f"{tier}.cost_per_day_usd"
    missing = [c for c in (VARIANT_ID, service_column, cost_column) if c not in table.columns]
    if missing:
        raise KeyError(
            f"sweep table lacks column(s) {missing}; available: {sorted(map(str, table.columns))}"
        )

    failed = _failed_mask(table, (service_column, cost_column))
    n_failed_rows = int(failed.sum())
    failed_per_variant = failed.groupby(table[VARIANT_ID]).sum().astype(int)
    ok = table.loc[~failed]

    bad = ok[(ok[service_column] < 0.0) | (ok[service_column] > 1.0)]
    if not bad.empty:
        raise ValueError(
            f"{service_column} must be a fraction in [0, 1]; found "
            f"{bad[service_column].iloc[0]!r} for variant {bad[VARIANT_ID].iloc[0]!r}"
        )

    param_columns = [c for c in table.columns if str(c).startswith(PARAM_PREFIX)]
    extra_columns = ["scenario_hash"] if "scenario_hash" in table.columns else []

    rows: list[dict[str, object]] = []
    for variant, group in ok.groupby(VARIANT_ID, sort=True):
        svc = group[service_column].to_numpy(dtype=float)
        cost = group[cost_column].to_numpy(dtype=float)
        row: dict[str, object] = {
            VARIANT_ID: variant,
            N_REPLICATIONS: int(svc.size),
            N_FAILED: int(failed_per_variant.get(variant, 0)),
            SERVICE_MEAN: float(svc.mean()),
            SERVICE_HALF_WIDTH: student_t_half_width(svc, confidence),
            COST_MEAN: float(cost.mean()),
            COST_HALF_WIDTH: student_t_half_width(cost, confidence),
        }
        for col in extra_columns + param_columns:
            values = group[col].dropna().unique()
            if len(values) > 1:
                logger.warning(
                    "variant %s has %d distinct values in %s; using the first",
                    variant,
                    len(values),
                    col,
                )
            row[col] = values[0] if len(values) else None
        rows.append(row)

    columns = [
        VARIANT_ID,
        N_REPLICATIONS,
        N_FAILED,
        SERVICE_MEAN,
        SERVICE_HALF_WIDTH,
        COST_MEAN,
        COST_HALF_WIDTH,
        *extra_columns,
        *param_columns,
    ]
    summary = pd.DataFrame(rows, columns=columns)
    all_variants = set(table[VARIANT_ID].unique())
    failed_variants = sorted(map(str, all_variants - set(summary[VARIANT_ID])))
    if n_failed_rows:
        logger.warning(
            "excluded %d failed row(s) of %d for %s; %d variant(s) had no successful "
            "replication: %s",
            n_failed_rows,
            len(table),
            service_column,
            len(failed_variants),
            failed_variants,
        )
    summary.attrs.update(
        tier=tier,
        metric=metric,
        service_column=service_column,
        cost_column=cost_column,
        confidence=confidence,
        n_failed_rows=n_failed_rows,
        failed_variants=failed_variants,
    )
    return summary


def cost_service_frontier(
    summary: pd.DataFrame,
    slack: float = 1.0,
    cost_tolerance_usd_per_day: float = 0.0,
) -> pd.DataFrame:
    """Mark the variants on the noise-aware least-cost frontier.

    See the module docstring for the rule.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summarize_variants` (columns ``variant_id``, ``service_mean``,
        ``service_half_width``, ``cost_per_day_usd_mean``).
    slack : float, default 1.0
        Multiplier ``κ ≥ 0`` of the combined half-width ``sqrt(h_P² + h_Q²)``: a variant must
        beat every cheaper frontier variant by more than ``κ·sqrt(h_P² + h_Q²)`` in service.
        ``0`` gives the Pareto frontier of the means.
    cost_tolerance_usd_per_day : float, default 0.0
        Costs within this many USD/day of each other count as equal (``≥ 0``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``summary`` sorted by ``service_mean`` (then cost) with two more columns:
        ``on_frontier`` (bool) and ``dominated_by`` (``variant_id`` of the dominating
        frontier variant, or None).  ``attrs`` are kept and gain ``slack`` and
        ``cost_tolerance_usd_per_day``.

    Raises
    ------
    ValueError
        If ``slack`` or ``cost_tolerance_usd_per_day`` is negative or a required column is
        missing.
    """
    if not slack >= 0.0:
        raise ValueError(f"slack={slack!r} is outside the allowed range [0, inf)")
    if not cost_tolerance_usd_per_day >= 0.0:
        raise ValueError(
            f"cost_tolerance_usd_per_day={cost_tolerance_usd_per_day!r} is outside the "
            "allowed range [0, inf)"
        )
    required = [VARIANT_ID, SERVICE_MEAN, SERVICE_HALF_WIDTH, COST_MEAN]
    missing = [c for c in required if c not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks column(s) {missing}; pass summarize_variants() output")

    out = summary.copy()
    out.attrs = dict(summary.attrs)
    n = len(out)
    svc = out[SERVICE_MEAN].to_numpy(dtype=float)
    cost = out[COST_MEAN].to_numpy(dtype=float)
    hw = out[SERVICE_HALF_WIDTH].to_numpy(dtype=float)
    if np.isnan(hw).any():
        logger.warning(
            "%d variant(s) have an undefined service half-width (n < 2); treated as 0",
            int(np.isnan(hw).sum()),
        )
        hw = np.nan_to_num(hw, nan=0.0)
    ids = out[VARIANT_ID].astype(str).to_numpy()

    # Scan order: cheapest first; equal cost -> better service first; then id (determinism).
    order = sorted(range(n), key=lambda i: (cost[i], -svc[i], ids[i]))
    kept: list[int] = []
    dominated_by: list[object] = [None] * n
    for p in order:
        dominator = next(
            (q for q in kept if svc[q] >= svc[p] - slack * math.hypot(hw[p], hw[q])), None
        )
        if dominator is not None:
            dominated_by[p] = out[VARIANT_ID].iloc[dominator]
            continue
        if cost_tolerance_usd_per_day > 0.0:
            # p is significantly better than every kept variant; kept variants that cost
            # the same within tolerance are now dominated by p.
            for q in [q for q in kept if cost[p] - cost[q] <= cost_tolerance_usd_per_day]:
                kept.remove(q)
                dominated_by[q] = out[VARIANT_ID].iloc[p]
        kept.append(p)

    # Re-point anything dominated by a variant that was itself removed later.
    kept_set = set(kept)
    id_to_pos = {out[VARIANT_ID].iloc[i]: i for i in range(n)}
    for p in range(n):
        dom = dominated_by[p]
        while dom is not None and id_to_pos[dom] not in kept_set:
            dom = dominated_by[id_to_pos[dom]]
        dominated_by[p] = dom

    out[ON_FRONTIER] = [i in kept_set for i in range(n)]
    out[DOMINATED_BY] = pd.Series(dominated_by, index=out.index, dtype=object)
    out = out.sort_values([SERVICE_MEAN, COST_MEAN, VARIANT_ID], kind="mergesort")
    out = out.reset_index(drop=True)
    out.attrs.update(slack=slack, cost_tolerance_usd_per_day=cost_tolerance_usd_per_day)
    logger.info("frontier: %d of %d variant(s) non-dominated (slack=%g)", len(kept), n, slack)
    return out


def frontier_points(frontier: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`cost_service_frontier` result that are on the frontier.

    Parameters
    ----------
    frontier : pandas.DataFrame
        Output of :func:`cost_service_frontier`; a table without ``on_frontier`` is
        returned unchanged (copied).

    Returns
    -------
    pandas.DataFrame
        Frontier rows, sorted by service, index reset, ``attrs`` kept.
    """
    if ON_FRONTIER not in frontier.columns:
        out = frontier.copy()
    else:
        out = frontier.loc[frontier[ON_FRONTIER].astype(bool)].copy()
    out = out.sort_values(SERVICE_MEAN, kind="mergesort").reset_index(drop=True)
    out.attrs = dict(frontier.attrs)
    return out


def frontiers_by_tier(
    table: pd.DataFrame,
    tiers: Sequence[str],
    metric: str,
    confidence: float = 0.95,
    slack: float = 1.0,
    cost_tolerance_usd_per_day: float = 0.0,
) -> dict[str, pd.DataFrame]:
    """Summarise and extract the frontier for several tiers at once.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table (see :func:`summarize_variants`).
    tiers : sequence of str
        Tier names, e.g. ``("A", "B", "C")``.
    metric : str
        Service metric shared by the tiers, e.g. ``"perfect_order_rate"``.
    confidence, slack, cost_tolerance_usd_per_day
        Passed to :func:`summarize_variants` and :func:`cost_service_frontier`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{tier: cost_service_frontier(summarize_variants(table, tier, metric))}``, each
        using the tier's allocated cost ``{tier}.cost_per_day_usd``.
    """
    return {
        tier: cost_service_frontier(
            summarize_variants(table, tier, metric, confidence=confidence),
            slack=slack,
            cost_tolerance_usd_per_day=cost_tolerance_usd_per_day,
        )
        for tier in tiers
    }
