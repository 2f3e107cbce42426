"""Same seed, same numbers: the restructured code reproduces results recorded before it.

``tests/data/golden`` holds ``tierwise simulate NAME --replications 2 --set horizon_days=12
--format json`` of every bundled scenario and the table of ``scenarios/sweeps/tiny.yaml`` (CSV
via pandas, ``float_format="%.17g"``). Common random numbers and the engine's bookkeeping are
unchanged only if every number is equal (to float round-off). A change meant to change the
numbers re-records them with ``python -m tests.data.golden.record`` (``README.md`` there), in a
commit of its own saying why.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT
from tierwise.optimization.economics.tiers import ScenarioRevenue, scenario_revenue
from tierwise.simulation.experiments.replicate import replicate
from tierwise.simulation.experiments.sweep import run_sweep
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
SCENARIOS = ["default", "ecommerce_express", "phone_order_desk", "three_segments"]


def _revenue(scenario: Scenario) -> ScenarioRevenue | None:
    """The scenario's revenue response, as ``tierwise simulate`` uses it (None without one)."""
    try:
        return scenario_revenue(scenario)
    except ScenarioError:
        return None


def _close(a: float | None, b: float) -> bool:
    if a is None:
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _flatten(block: dict, prefix: str = "") -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in block.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            flat[f"{prefix}{key}"] = math.nan if value is None else float(value)
    return flat


@pytest.mark.parametrize("name", SCENARIOS)
def test_simulate_reproduces_recorded_numbers(name: str) -> None:
    recorded = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", [("horizon_days", 12)])
    # as `tierwise simulate` records it: with the revenue response where the scenario has one
    now = replicate(scenario, replications=2, workers=1, revenue=_revenue(scenario)).to_dict()
    expected = _flatten({"tiers": recorded["tiers"], "system": recorded["system"]})
    actual = _flatten({"tiers": now["tiers"], "system": now["system"]})
    assert len(expected) > 100
    different = {k: (v, actual.get(k)) for k, v in expected.items() if not _close(actual.get(k), v)}
    assert not different, f"{len(different)} numbers differ, e.g. {list(different.items())[:5]}"


def test_sweep_table_reproduces_recorded_numbers(tmp_path: Path) -> None:
    recorded = pd.read_csv(GOLDEN / "tiny_sweep.csv")
    result = run_sweep(ROOT / "scenarios" / "sweeps" / "tiny.yaml", workers=1, cache_dir=None)
    table = result.table.sort_values(
        ["param.order_entry.pools.desk.agents", "param.picking.pickers", "replication"]
    ).reset_index(drop=True)
    recorded = recorded.sort_values(
        ["param.order_entry.pools.desk.agents", "param.picking.pickers", "replication"]
    ).reset_index(drop=True)
    numeric = [
        c
        for c in recorded.columns
        if c not in ("variant_id", "scenario_hash")
        and pd.api.types.is_numeric_dtype(recorded[c])
        and recorded[c].notna().any()
    ]
    assert len(numeric) > 100
    for column in numeric:
        assert column in table.columns, column
        pd.testing.assert_series_equal(
            table[column].astype(float),
            recorded[column].astype(float),
            rtol=1e-9,
            check_names=False,
        )
