"""From simulated variants to frontier, profit curves, optimum, files and the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import call_centre
from tierwise.cli.app import app
from tierwise.figures.curves import write_curves
from tierwise.optimization.planning.curves import build_curves, sweep_tiers
from tierwise.simulation.engine import run


@pytest.fixture(scope="module")
def agent_sweep() -> pd.DataFrame:
    """A small real sweep: agents 11..16 on the M/M/c desk, 3 replications each."""
    rows = []
    for agents in range(11, 17):
        sc = call_centre(
            agents,
            horizon_days=1.0,
            tiers={"all": {"customers": 1, "orders_per_hour": 200.0, "revenue_per_order_usd": 4.0}},
            costs={"agent_wage_usd_per_h": 25.0},
        )
        for rep in range(3):
            row = {
                "variant_id": f"agents{agents}",
                "replication": rep,
                "scenario_hash": sc.content_hash,
                "param.agents": agents,
                "error": "",
            }
            row.update(run(sc, rep).flat())
            rows.append(row)
    return pd.DataFrame(rows)


def test_curves_find_an_interior_profit_optimum(agent_sweep: pd.DataFrame) -> None:
    assert sweep_tiers(agent_sweep) == ["all"]
    with pytest.raises(ValueError, match="profile"):
        build_curves(agent_sweep, metric="answered_within_target_rate")
    report = build_curves(agent_sweep, metric="answered_within_target_rate", profiles={"all": "A"})
    frontier = report.frontiers["all"]
    assert frontier["on_frontier"].sum() >= 3
    # cost rises with service along the frontier
    on = frontier[frontier["on_frontier"]].sort_values("service_mean")
    assert on["cost_per_day_usd_mean"].is_monotonic_increasing
    opt = report.optima["all"]
    assert opt.variant_id in set(on["variant_id"])
    table = report.optimum_table()
    assert table.loc[0, "profit_per_day_usd"] == pytest.approx(
        table.loc[0, "revenue_per_day_usd"] - table.loc[0, "cost_per_day_usd"]
    )


def test_optimum_table_shows_the_cost_fit_quality_and_the_smooth_profit_flag(
    agent_sweep: pd.DataFrame,
) -> None:
    report = build_curves(agent_sweep, metric="answered_within_target_rate", profiles={"all": "A"})
    opt = report.optima["all"]
    assert opt.cost_fit is not None
    row = report.optimum_table().iloc[0]
    assert row["cost_fit_form"] == opt.cost_fit.form
    assert row["cost_fit_r_squared"] == pytest.approx(opt.cost_fit.r_squared)
    assert row["cost_fit_max_residual_to_half_width"] == pytest.approx(
        opt.cost_fit.max_residual_to_half_width, nan_ok=True
    )
    assert row["smooth_profit_per_day_usd"] == pytest.approx(opt.smooth_profit_per_day_usd)
    # the flag says whether the smooth profit lies above the best variant's profit interval
    high = opt.profit_per_day_usd_high
    above = opt.smooth_profit_per_day_usd > high + 1e-9 * max(abs(high), 1.0)
    assert bool(row["smooth_profit_above_simulated"]) == above


def test_unknown_tier_or_metric_is_rejected(agent_sweep: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not in the sweep table"):
        build_curves(agent_sweep, tiers=["Z"])
    with pytest.raises(ValueError, match="metric"):
        build_curves(agent_sweep, metric="happiness_rate")


def test_write_curves_and_cli(agent_sweep: pd.DataFrame, tmp_path: Path) -> None:
    report = build_curves(agent_sweep, metric="answered_within_target_rate", profiles={"all": "B"})
    paths = write_curves(report, tmp_path / "lib", "agents")
    assert {p.name for p in paths} >= {
        "cost_vs_service.png",
        "revenue_cost_profit.svg",
        "frontier.csv",
        "optimum.csv",
    }
    source = tmp_path / "sweep.parquet"
    agent_sweep.to_parquet(source)
    result = CliRunner().invoke(
        app,
        [
            "curves",
            str(source),
            "--metric",
            "answered_within_target",
            "--profile",
            "all=B",
            "--out",
            str(tmp_path / "cli"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "profit-maximising" in result.output
    assert (tmp_path / "cli" / "revenue_cost_profit.png").exists()
    missing = CliRunner().invoke(app, ["curves", str(tmp_path / "nope.parquet")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_parameter_columns_are_not_mistaken_for_tiers(agent_sweep: pd.DataFrame) -> None:
    table = agent_sweep.assign(**{"param.tiers.all.targets.perfect_order_rate": 0.9})
    assert sweep_tiers(table) == ["all"]
