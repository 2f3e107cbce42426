"""The written scenario: valid, commented with where each value came from, non-demand sections
from the template, resources resized to the demand, and it loads and simulates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tierwise.history.writer import Note, scenario_yaml, write_scenario
from tierwise.simulation.scenario.loading import load_scenario


@pytest.fixture(scope="module")
def written(sample_analysis, tmp_path_factory) -> tuple[str, Path]:
    text, _scenario = sample_analysis.scenario()
    path = tmp_path_factory.mktemp("scenario") / "calibrated.yaml"
    write_scenario(path, text)
    return text, path


def test_calibrated_values_carry_their_origin(written) -> None:
    text, _path = written
    lines = {line.strip().split(":")[0]: line for line in text.splitlines() if ":" in line}
    for key in ("orders_per_hour", "hourly_profile", "weekday_profile", "lines_per_order",
                "units_per_line", "channel_mix", "family_mix", "revenue_per_order_usd",
                "revenue_response", "agents", "pickers"):  # fmt: skip
        assert "  # " in lines[key], key
    assert "gamma by AIC" in text and "retention measured" in text


def test_demand_is_the_calibration_and_the_rest_the_template(sample_analysis, written) -> None:
    _text, path = written
    scenario = load_scenario(path)
    default = load_scenario("default")
    a = scenario.tiers["A"]
    assert a.orders_per_hour == pytest.approx(
        sample_analysis.demand.tiers["A"].orders_per_hour, rel=1e-3
    )
    assert a.lines_per_order.dist == "gamma"
    assert a.revenue_response is not None and a.revenue_response["model"] == "retention"
    assert a.shipping_mode == default.tiers["A"].shipping_mode
    assert a.targets == default.tiers["A"].targets
    assert scenario.calendar == default.calendar
    assert scenario.costs == default.costs
    # about a tenth of the default's demand: fewer pickers, agents and vans, smaller stock policy
    assert 1 <= scenario.picking.pickers < default.picking.pickers
    fast = scenario.inventory.families["fast"].policy
    assert fast.reorder_point_units < default.inventory.families["fast"].policy.reorder_point_units


def test_written_scenario_loads_and_simulates(written) -> None:
    from tierwise.optimization.economics.tiers import scenario_revenue
    from tierwise.simulation.experiments.replicate import replicate

    _text, path = written
    scenario = load_scenario(
        path, [("horizon_days", 3.0), ("warmup_days", 1.0), ("drain_days", 3.0)]
    )
    summary = replicate(scenario, replications=2, workers=1, revenue=scenario_revenue(scenario))
    estimates = summary.estimates()
    assert estimates["A.perfect_order_rate"].n == 2
    assert 0.0 < estimates["C.perfect_order_rate"].mean <= 1.0


def test_yaml_text_writes_notes_as_comments() -> None:
    text = scenario_yaml({"a": Note(1, "from here"), "b": {"c": Note([1, 2], "there")}})
    assert text == "a: 1  # from here\nb:\n  c: [1, 2]  # there\n"
    assert yaml.safe_load(text) == {"a": 1, "b": {"c": [1, 2]}}


def test_unknown_channels_are_added_with_defaults(sample_history) -> None:
    import dataclasses

    from tierwise.history.analysis import analyse_history

    orders = sample_history.orders.copy()
    orders.loc[orders.index[::7], "channel"] = "web"
    analysis = analyse_history(dataclasses.replace(sample_history, orders=orders))
    text, scenario = analysis.scenario()
    assert "web" in scenario.channels and scenario.channels["web"].uses_order_entry
    assert "in the history, not in the template" in text
