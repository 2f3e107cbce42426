"""Bad scenario input gets one clear message naming field, value and what is allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides

BASE: dict[str, Any] = yaml.safe_load(DEFAULT_SCENARIO.read_text())


def _error(data: Any) -> str:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return str(info.value)


def test_default_scenario_is_valid_and_hash_is_stable() -> None:
    a = load_scenario(DEFAULT_SCENARIO)
    b = load_scenario(DEFAULT_SCENARIO)
    assert a.content_hash == b.content_hash
    assert len(a.content_hash) == 64
    assert hash(a) == hash(b)
    c = load_scenario(DEFAULT_SCENARIO, [("picking.pickers", 13)])
    assert c.content_hash != a.content_hash


def test_unknown_key_suggests_the_closest_field() -> None:
    data = apply_overrides(BASE, [("tiers.A.priorty", 1)])
    message = _error(data)
    assert "tiers.A.priorty" in message
    assert "did you mean 'priority'" in message


def test_negative_rate_names_field_value_and_bound() -> None:
    message = _error(apply_overrides(BASE, [("tiers.B.orders_per_hour", -3)]))
    assert "tiers.B.orders_per_hour = -3" in message
    assert ">= 0" in message


def test_probability_above_one_is_rejected() -> None:
    message = _error(apply_overrides(BASE, [("processing.billing_error_probability", 1.5)]))
    assert "processing.billing_error_probability = 1.5" in message
    assert "<= 1" in message


def test_negative_cv_is_rejected() -> None:
    message = _error(
        apply_overrides(
            BASE, [("order_entry.handling_time_s", {"dist": "lognormal", "mean": 200, "cv": -1})]
        )
    )
    assert "order_entry.handling_time_s.cv = -1" in message


def test_wrong_type_is_rejected() -> None:
    message = _error(apply_overrides(BASE, [("picking.pickers", "many")]))
    assert "picking.pickers = 'many'" in message


def test_missing_tier_reference_names_known_options() -> None:
    message = _error(apply_overrides(BASE, [("tiers.C.shipping_mode", "drone")]))
    assert "tiers.C.shipping_mode is 'drone'" in message
    assert "express" in message and "ground" in message


def test_unknown_pool_and_family_are_rejected() -> None:
    assert "pool 'vip'" in _error(apply_overrides(BASE, [("tiers.A.order_entry_pool", "vip")]))
    message = _error(apply_overrides(BASE, [("tiers.A.family_mix", {"frozen": 1.0})]))
    assert "family 'frozen'" in message


def test_shares_must_sum_to_one() -> None:
    message = _error(apply_overrides(BASE, [("tiers.A.channel_mix", {"phone": 0.5, "edi": 0.3})]))
    assert "channel_mix shares must sum to 1" in message


def test_yaml_syntax_error_reports_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntiers:\n  A: {customers: 1, orders_per_hour: [1\nseed: 3\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert "YAML syntax error at line" in str(info.value)


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ScenarioError, match="file is empty"):
        load_scenario(empty)


def test_warmup_longer_than_horizon_is_rejected() -> None:
    message = _error(apply_overrides(BASE, [("warmup_days", 40)]))
    assert "warmup_days (40" in message


# ---------------------------------------------------------------- property test
_paths = st.sampled_from(
    [
        "seed",
        "horizon_days",
        "tiers.A.orders_per_hour",
        "tiers.B.customers",
        "tiers.C.priority",
        "tiers.A.channel_mix",
        "tiers.A.lines_per_order",
        "order_entry.pools.desk.agents",
        "order_entry.handling_time_s",
        "order_entry.handling_time_s.cv",
        "processing.enabled",
        "inventory.families.fast.policy",
        "inventory.families.fast.policy.kind",
        "picking.error_probability_per_line",
        "shipping.modes.regional.vehicles",
        "shipping.modes.express.cutoff_hours",
        "calendar.open_hour",
        "costs.holding_rate_per_year",
        "recovery.success_probability",
        "tiers.A.hourly_profile",
        "tiers.A.shipping_mode",
        "tiers.A.nonsense",
        "bogus",
        "tiers.A.units_per_line.dist",
    ]
)
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.floats(-2, 30), max_size=30),
    st.dictionaries(st.text(max_size=5), st.floats(-1, 2), max_size=3),
)


@given(path=_paths, value=_values)
def test_malformed_scenarios_give_a_scenario_error_naming_the_field(path: str, value: Any) -> None:
    data = apply_overrides(BASE, [(path, value)])
    try:
        scenario_from_dict(data)
    except ScenarioError as exc:
        text = str(exc)
        top = path.split(".")[0]
        assert exc.problems, "an error must list at least one problem"
        assert any(top in p or "(top level)" in p for p in exc.problems), text
    # any other exception type propagates and fails the test
