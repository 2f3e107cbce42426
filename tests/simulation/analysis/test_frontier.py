"""Per-variant estimates and the noise-aware cost-service frontier."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tierwise.simulation.analysis.frontier import (
    COST_HALF_WIDTH,
    COST_MEAN,
    DOMINATED_BY,
    N_FAILED,
    N_REPLICATIONS,
    ON_FRONTIER,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
    cost_service_frontier,
    frontier_points,
    frontiers_by_tier,
    summarize_variants,
)


def _sweep_rows(
    variant: str, services: list[float], costs: list[float], agents: int = 1
) -> list[dict[str, object]]:
    return [
        {
            "variant_id": variant,
            "replication": r,
            "scenario_hash": f"hash-{variant}",
            "param.order_entry.pools.desk.agents": agents,
            "A.perfect_order_rate": s,
            "A.cost_per_day_usd": c,
            "total.cost_per_day_usd": 2.0 * c,
            "error": None,
        }
        for r, (s, c) in enumerate(zip(services, costs, strict=True))
    ]


def _summary(points: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """Build a summary table directly from (id, service mean, service half-width, cost)."""
    return pd.DataFrame(
        {
            "variant_id": [p[0] for p in points],
            N_REPLICATIONS: 10,
            SERVICE_MEAN: [p[1] for p in points],
            SERVICE_HALF_WIDTH: [p[2] for p in points],
            COST_MEAN: [p[3] for p in points],
            COST_HALF_WIDTH: 0.0,
        }
    )


def _on(frontier: pd.DataFrame) -> set[str]:
    return set(frontier.loc[frontier[ON_FRONTIER], "variant_id"])


# --- summarize_variants -----------------------------------------------------------------


def test_summary_mean_half_width_and_n_per_variant() -> None:
    table = pd.DataFrame(
        _sweep_rows("v1", [0.90, 0.92, 0.94], [100.0, 110.0, 120.0], agents=3)
        + _sweep_rows("v2", [0.80, 0.80], [50.0, 50.0], agents=2)
    )
    summary = summarize_variants(table, "A", "perfect_order_rate")
    v1 = summary.set_index("variant_id").loc["v1"]
    t = stats.t.ppf(0.975, df=2)
    assert v1[N_REPLICATIONS] == 3
    assert v1[SERVICE_MEAN] == pytest.approx(0.92)
    assert v1[SERVICE_HALF_WIDTH] == pytest.approx(t * 0.02 / math.sqrt(3))
    assert v1[COST_MEAN] == pytest.approx(110.0)
    assert v1[COST_HALF_WIDTH] == pytest.approx(t * 10.0 / math.sqrt(3))
    assert v1["param.order_entry.pools.desk.agents"] == 3
    assert v1["scenario_hash"] == "hash-v1"
    v2 = summary.set_index("variant_id").loc["v2"]
    assert v2[SERVICE_HALF_WIDTH] == 0.0
    assert summary.attrs["cost_column"] == "A.cost_per_day_usd"


def test_summary_uses_named_cost_column() -> None:
    table = pd.DataFrame(_sweep_rows("v1", [0.9, 0.9], [10.0, 30.0]))
    summary = summarize_variants(table, "A", "perfect_order_rate", "total.cost_per_day_usd")
    assert summary[COST_MEAN].iloc[0] == pytest.approx(40.0)


def test_failed_rows_are_excluded_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    rows = _sweep_rows("ok", [0.9, 0.92, 0.94], [100.0, 100.0, 100.0])
    rows[1].update({"error": "RuntimeError: boom", "A.perfect_order_rate": math.nan})
    broken = _sweep_rows("broken", [math.nan, math.nan], [math.nan, math.nan])
    for row in broken:
        row["error"] = "ValueError: bad scenario"
    empty_error = _sweep_rows("blank", [0.5, 0.7], [1.0, 1.0])
    for row in empty_error:
        row["error"] = ""  # empty string means "no error"
    table = pd.DataFrame(rows + broken + empty_error)
    with caplog.at_level(logging.WARNING, logger="tierwise.simulation.analysis.frontier"):
        summary = summarize_variants(table, "A", "perfect_order_rate")
    by_id = summary.set_index("variant_id")
    assert list(summary["variant_id"]) == ["blank", "ok"]
    assert by_id.loc["ok", N_REPLICATIONS] == 2
    assert by_id.loc["ok", N_FAILED] == 1
    assert by_id.loc["ok", SERVICE_MEAN] == pytest.approx(0.92)
    assert by_id.loc["blank", N_REPLICATIONS] == 2
    assert summary.attrs["n_failed_rows"] == 3
    assert summary.attrs["failed_variants"] == ["broken"]
    assert "excluded 3 failed row(s)" in caplog.text


def test_summary_rejects_missing_column_and_out_of_range_service() -> None:
    table = pd.DataFrame(_sweep_rows("v1", [0.9, 1.2], [1.0, 1.0]))
    with pytest.raises(KeyError, match=r"B\.perfect_order_rate"):
        summarize_variants(table, "B", "perfect_order_rate")
    with pytest.raises(ValueError, match=r"\[0, 1\].*1\.2"):
        summarize_variants(table, "A", "perfect_order_rate")
    with pytest.raises(ValueError, match="confidence"):
        summarize_variants(table, "A", "perfect_order_rate", confidence=1.5)


# --- cost_service_frontier --------------------------------------------------------------


def test_convex_curve_is_the_frontier_and_dominated_points_are_dropped() -> None:
    curve = [
        (f"c{i}", s, 0.002, 100.0 * -math.log(1.0 - s))
        for i, s in enumerate([0.50, 0.70, 0.80, 0.90, 0.95, 0.99])
    ]
    dominated = [
        ("d1", 0.60, 0.002, 200.0),  # dearer than c1 (0.70) and worse
        ("d2", 0.85, 0.002, 350.0),  # dearer than c4 (0.95) and worse
        ("d3", 0.49, 0.002, 70.0),  # dearer than c0 and worse
    ]
    frontier = cost_service_frontier(_summary(curve + dominated))
    assert _on(frontier) == {p[0] for p in curve}
    by_id = frontier.set_index("variant_id")
    assert by_id.loc["d1", DOMINATED_BY] == "c1"
    assert by_id.loc["d3", DOMINATED_BY] == "c0"
    assert frontier[SERVICE_MEAN].is_monotonic_increasing


def test_noisy_near_duplicate_does_not_become_a_fake_frontier_point() -> None:
    # "dup" is slightly dearer and has a slightly higher mean, well inside the noise.
    points = [
        ("base", 0.90, 0.010, 100.0),
        ("dup", 0.905, 0.010, 101.0),
        ("better", 0.95, 0.010, 150.0),
    ]
    frontier = cost_service_frontier(_summary(points))
    assert _on(frontier) == {"base", "better"}
    assert frontier.set_index("variant_id").loc["dup", DOMINATED_BY] == "base"
    # Without the noise allowance it would have been a frontier point.
    assert "dup" in _on(cost_service_frontier(_summary(points), slack=0.0))


def test_indistinguishable_points_do_not_eliminate_each_other_cheaper_is_kept() -> None:
    for order in (1, -1):
        points = [("cheap", 0.90, 0.02, 100.0), ("dear", 0.91, 0.02, 100.5)][::order]
        assert _on(cost_service_frontier(_summary(points))) == {"cheap"}
    # Equal cost: the better mean is kept, exactly one survives.
    tie = [("x", 0.90, 0.02, 100.0), ("y", 0.91, 0.02, 100.0)]
    assert _on(cost_service_frontier(_summary(tie))) == {"y"}


def test_staircase_of_insignificant_steps_cannot_chain() -> None:
    # Each step is within the noise of the previous one; the first significant gain counts.
    steps = [(f"s{i}", 0.90 + 0.005 * i, 0.01, 100.0 + i) for i in range(5)]
    frontier = cost_service_frontier(_summary(steps))
    # combined half-width = 0.01*sqrt(2) = 0.0141: s3 (0.915) is the first to beat s0 by more.
    assert _on(frontier) == {"s0", "s3"}


def test_cost_tolerance_treats_near_equal_costs_as_equal() -> None:
    points = [("a", 0.80, 0.001, 100.0), ("b", 0.95, 0.001, 100.4)]
    assert _on(cost_service_frontier(_summary(points))) == {"a", "b"}
    frontier = cost_service_frontier(_summary(points), cost_tolerance_usd_per_day=0.5)
    assert _on(frontier) == {"b"}
    assert frontier.set_index("variant_id").loc["a", DOMINATED_BY] == "b"


def test_single_replication_half_width_is_treated_as_zero(
    caplog: pytest.LogCaptureFixture,
) -> None:
    points = [("a", 0.80, math.nan, 100.0), ("b", 0.81, math.nan, 110.0)]
    with caplog.at_level(logging.WARNING, logger="tierwise.simulation.analysis.frontier"):
        frontier = cost_service_frontier(_summary(points))
    assert _on(frontier) == {"a", "b"}
    assert "undefined service half-width" in caplog.text


def test_frontier_rejects_negative_slack_and_tolerance() -> None:
    summary = _summary([("a", 0.8, 0.0, 1.0)])
    with pytest.raises(ValueError, match=r"slack=-1.*\[0, inf\)"):
        cost_service_frontier(summary, slack=-1.0)
    with pytest.raises(ValueError, match="cost_tolerance_usd_per_day"):
        cost_service_frontier(summary, cost_tolerance_usd_per_day=-0.1)


def test_end_to_end_from_sweep_table_with_noise() -> None:
    rng = np.random.default_rng(7)
    rows: list[dict[str, object]] = []
    for agents, s_true in [(1, 0.60), (2, 0.80), (3, 0.90), (4, 0.95), (5, 0.951)]:
        cost_true = 100.0 * agents
        svc = np.clip(s_true + rng.normal(0, 0.01, 20), 0, 1).tolist()
        cost = (cost_true + rng.normal(0, 1.0, 20)).tolist()
        rows += _sweep_rows(f"agents={agents}", svc, cost, agents=agents)
    table = pd.DataFrame(rows)
    frontiers = frontiers_by_tier(table, ["A"], "perfect_order_rate")
    frontier = frontiers["A"]
    # agents=5 buys 0.1 percentage point, far inside the noise: not a frontier point.
    assert _on(frontier) == {"agents=1", "agents=2", "agents=3", "agents=4"}
    points = frontier_points(frontier)
    assert list(points["param.order_entry.pools.desk.agents"]) == [1, 2, 3, 4]
    assert points.attrs["metric"] == "perfect_order_rate"


# --- properties -------------------------------------------------------------------------

_point = st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 0.05), st.floats(0.0, 1000.0))


@settings(max_examples=150, deadline=None)
@given(st.lists(_point, min_size=1, max_size=25))
def test_frontier_is_strictly_increasing_in_service_and_cost(
    raw: list[tuple[float, float, float]],
) -> None:
    points = [(f"v{i}", s, h, c) for i, (s, h, c) in enumerate(raw)]
    frontier = frontier_points(cost_service_frontier(_summary(points)))
    assert len(frontier) >= 1  # the cheapest variant is always kept
    assert frontier[SERVICE_MEAN].is_monotonic_increasing
    assert frontier[COST_MEAN].is_monotonic_increasing
    assert frontier[COST_MEAN].iloc[0] == min(c for _, _, c in raw)
    # every frontier point is significantly better than every cheaper frontier point
    s = frontier[SERVICE_MEAN].to_numpy()
    h = frontier[SERVICE_HALF_WIDTH].to_numpy()
    for j in range(len(s)):
        for i in range(j):
            assert s[i] < s[j] - math.hypot(h[i], h[j])


@settings(max_examples=150, deadline=None)
@given(st.lists(_point, min_size=1, max_size=25))
def test_zero_slack_gives_the_pareto_frontier_of_the_means(
    raw: list[tuple[float, float, float]],
) -> None:
    points = [(f"v{i}", s, h, c) for i, (s, h, c) in enumerate(raw)]
    frontier = cost_service_frontier(_summary(points), slack=0.0)

    def weakly_dominated(i: int) -> bool:
        si, _, ci = raw[i]
        for j, (sj, _, cj) in enumerate(raw):
            if j == i:
                continue
            if cj <= ci and sj >= si and (cj < ci or sj > si or j < i):
                return True
        return False

    # On the means, a variant is on the frontier iff nothing is at least as cheap and at
    # least as good (exact duplicates: one representative survives).
    expected = {f"v{i}" for i in range(len(raw)) if not weakly_dominated(i)}
    on = _on(frontier)
    assert len(on) == len(expected)
    assert {(raw[int(v[1:])][0], raw[int(v[1:])][2]) for v in on} == {
        (raw[int(v[1:])][0], raw[int(v[1:])][2]) for v in expected
    }
