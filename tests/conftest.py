"""Shared fixtures: small scenarios built from plain dicts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "default.yaml"

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OFF = {"enabled": False}


def call_centre(
    agents: int = 12, rate_per_h: float = 200.0, horizon_days: float = 2.0, **extra: Any
) -> Scenario:
    """A pure M/M/c order-entry queue."""
    data: dict[str, Any] = {
        "seed": 7,
        "horizon_days": horizon_days,
        "warmup_days": 0.25,
        "tiers": {"all": {"customers": 1, "orders_per_hour": rate_per_h}},
        "order_entry": {
            "pools": {"desk": {"agents": agents, "discipline": "fifo"}},
            "handling_time_s": {"dist": "exponential", "mean": 180.0},
        },
        "processing": OFF,
        "picking": OFF,
        "shipping": OFF,
    }
    data.update(extra)
    return scenario_from_dict(data)


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="session")
def short_default() -> Scenario:
    """The default scenario on a short horizon (fast tests)."""
    return load_scenario(DEFAULT_SCENARIO, [("horizon_days", 12), ("warmup_days", 3)])
