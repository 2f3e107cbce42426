"""Re-record the same-seed numbers of ``tests/test_same_numbers.py`` with the current engine.

Run from the repository root as a module, ``python -m tests.data.golden.record`` (so that the
``tierwise`` of this checkout is imported, not another one an editable install points at).
Only for a change that is meant to change same-seed numbers (say why in the commit); see
``README.md`` here.

Writes, for every bundled scenario, the output of
``tierwise simulate NAME --replications 2 --set horizon_days=12 --format json`` as
``NAME.json``, and the table of ``scenarios/sweeps/tiny.yaml`` as ``tiny_sweep.csv`` (pandas,
``float_format="%.17g"``) with its summary as ``tiny_sweep.summary.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tierwise
from tierwise.simulation.experiments.sweep import run_sweep

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parents[2]
SCENARIOS = ["default", "ecommerce_express", "phone_order_desk", "three_segments"]


def record_simulations() -> None:
    """``NAME.json`` of every bundled scenario (2 replications, 12-day horizon)."""
    for name in SCENARIOS:
        command = [sys.executable, "-m", "tierwise", "simulate", name, "--replications", "2"]
        command += ["--set", "horizon_days=12", "--format", "json"]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        json.loads(out.stdout)  # fails loudly on anything but the JSON document
        (GOLDEN / f"{name}.json").write_text(out.stdout, encoding="utf-8")


def record_sweep() -> None:
    """``tiny_sweep.csv`` and ``tiny_sweep.summary.json`` of the tiny sweep (no cache)."""
    spec = Path("scenarios", "sweeps", "tiny.yaml")  # relative: the summary names it so
    result = run_sweep(spec, workers=1, cache_dir=None)
    result.table.to_csv(GOLDEN / "tiny_sweep.csv", index=False, float_format="%.17g")
    summary = json.dumps(result.summary(), indent=2, default=str)
    (GOLDEN / "tiny_sweep.summary.json").write_text(summary, encoding="utf-8")


if __name__ == "__main__":
    if Path(tierwise.__file__).resolve().parents[1] != ROOT or Path.cwd().resolve() != ROOT:
        sys.exit(f"run from {ROOT} as: python -m tests.data.golden.record")
    record_simulations()
    record_sweep()
