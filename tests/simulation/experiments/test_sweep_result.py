"""The sweep result: table layout and types, atomic Parquet/CSV/summary files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from tests.simulation.experiments.test_sweep_spec import write_spec
from tierwise.simulation.experiments.sweep import run_sweep

AGENTS = "order_entry.pools.desk.agents"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """3 variants × 2 replications of the call centre (~0.1 s per run)."""
    return write_spec(tmp_path, {"axes": {AGENTS: [3, 4, 6]}, "replications": 2})


def test_save_writes_parquet_csv_and_a_summary(spec: Path, tmp_path: Path) -> None:
    result = run_sweep(spec, cache_dir=None)
    written = result.save(tmp_path / "out" / "sweep.parquet", csv=True)
    assert [p.name for p in written] == ["sweep.parquet", "sweep.csv", "sweep.summary.json"]
    pd.testing.assert_frame_equal(pd.read_parquet(written[0]), result.table)
    assert len(pd.read_csv(written[1])) == 6
    summary = json.loads(written[2].read_text())
    assert summary["runs"] == 6 and summary["runs_executed"] == 6 and summary["failures"] == []
    assert not list((tmp_path / "out").glob("*.tmp"))
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~_umask() for p in written)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_structured_parameter_values_become_json_text(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        {
            "axes": {
                "order_entry.handling_time_s": [
                    {"dist": "exponential", "mean": 120},
                    {"dist": "deterministic", "mean": 120},
                ]
            },
            "replications": 1,
        },
    )
    result = run_sweep(spec, cache_dir=None)
    column = result.table["param.order_entry.handling_time_s"]
    assert list(column) == [
        '{"dist": "exponential", "mean": 120}',
        '{"dist": "deterministic", "mean": 120}',
    ]
    result.save(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), result.table)
