"""The scenario field reference in docs/ is generated from the schema and up to date."""

from __future__ import annotations

from tests.conftest import ROOT
from tierwise.simulation.scenario.reference import field_rows, scenario_reference_markdown


def test_committed_reference_equals_the_generated_one() -> None:
    committed = (ROOT / "docs" / "scenario_reference.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        "docs/scenario_reference.md is stale: run "
        "python -m tierwise.simulation.scenario.reference > "
        "docs/scenario_reference.md"
    )


def test_reference_lists_units_defaults_and_ranges() -> None:
    rows = {r["path"]: r for r in field_rows()}
    handling = rows["order_entry.handling_time_s"]
    assert handling["unit"] == "s" and handling["type"] == "distribution"
    billing = rows["processing.billing_error_probability"]
    assert billing["allowed"] == ">= 0.0, <= 1.0" and billing["default"] == "0.0"
    assert rows["tiers.<name>.orders_per_hour"]["default"] == "required"
    assert "inventory.families.<name>.lead_time_days" in rows
