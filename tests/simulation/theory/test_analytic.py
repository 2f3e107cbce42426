"""The yardstick index (theory.analytic) re-exports each formula's one implementation."""

from __future__ import annotations

import importlib

import pytest

from tierwise.simulation.theory import analytic

HOMES = {
    "erlang": [
        "erlang_b",
        "erlang_c_mean_wait_h",
        "erlang_c_service_level",
        "erlang_c_wait_probability",
        "min_stable_servers",
        "servers_for_service_level",
    ],
    "priority": ["priority_queue_waits_h"],
    "stock": [
        "ContinuousBaseStock",
        "PeriodicBaseStock",
        "continuous_base_stock",
        "poisson_base_stock",
    ],
    "perfect_order": ["perfect_order_rate_independent"],
}


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in HOMES.items() for n in names])
def test_index_name_is_the_object_defined_in_its_concept_module(module: str, name: str) -> None:
    home = importlib.import_module(f"tierwise.simulation.theory.{module}")
    assert getattr(analytic, name) is getattr(home, name)
    assert getattr(home, name).__module__ == home.__name__


def test_index_exports_exactly_the_concept_modules_formulas() -> None:
    assert sorted(analytic.__all__) == sorted(n for names in HOMES.values() for n in names)


def test_customer_lifetime_value_is_economics_not_theory() -> None:
    assert not hasattr(analytic, "customer_lifetime_value")
