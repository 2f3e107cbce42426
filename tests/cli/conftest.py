"""Fixtures of the CLI tests: a small real sweep of the two-tier call centre."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.simulation.experiments.test_sweep_spec import CALL_CENTRE, write_call_centre

AGENTS = "order_entry.pools.desk.agents"


@pytest.fixture(scope="session")
def call_centre_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(sweep table, its base scenario)``: agents 2…5 on the call centre's desk (tiers A
    and B, USD 30 an order), 2 replications each, written by ``tierwise sweep``."""
    from tierwise.simulation.experiments.sweep import run_sweep
    from tierwise.simulation.experiments.sweep_spec import load_sweep

    folder = tmp_path_factory.mktemp("call_centre_sweep")
    tiers = {t: {**c, "revenue_per_order_usd": 30.0} for t, c in CALL_CENTRE["tiers"].items()}
    write_call_centre(folder, tiers=tiers)
    spec = folder / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(
            {"base": "call_centre.yaml", "axes": {AGENTS: [2, 3, 4, 5]}, "replications": 2}
        )
    )
    table = folder / "sweep.parquet"
    run_sweep(load_sweep(spec), cache_dir=None).table.to_parquet(table)
    return table, folder / "call_centre.yaml"
