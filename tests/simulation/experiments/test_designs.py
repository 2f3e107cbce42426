"""Sweep designs (experiments.designs): ranges, grid/list/sample expansion, Latin hypercube."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierwise.simulation.experiments.designs import (
    MAX_VARIANTS,
    GridDesign,
    ListDesign,
    Range,
    SampleDesign,
    design_size,
    expand_design,
    expand_range,
    latin_hypercube,
)


def test_range_includes_stop_when_on_the_grid_and_keeps_integers() -> None:
    assert expand_range(Range(start=4, stop=10, step=2)) == [4, 6, 8, 10]
    assert expand_range(Range(start=4, stop=9, step=2)) == [4, 6, 8]
    values = expand_range(Range(start=0.1, stop=0.3, step=0.1))
    assert values == [0.1, 0.2, 0.3]
    assert all(isinstance(v, int) for v in expand_range(Range(start=1, stop=3, step=1)))


def test_range_without_step_is_continuous_and_has_no_value_list() -> None:
    axis = Range(start=1, stop=3)
    assert axis.continuous and axis.integral
    with pytest.raises(ValueError, match="continuous"):
        expand_range(axis)


def test_grid_expansion_is_the_product_with_the_first_axis_slowest() -> None:
    paths, variants = expand_design(
        GridDesign(), {"a": [1, 2], "b": Range(start=10, stop=30, step=10)}
    )
    assert paths == ["a", "b"]
    assert [(v["a"], v["b"]) for v in variants] == [
        (1, 10),
        (1, 20),
        (1, 30),
        (2, 10),
        (2, 20),
        (2, 30),
    ]


def test_list_expansion_adds_paths_only_some_variants_set_after_the_axes() -> None:
    design = ListDesign(kind="list", variants=[{"b": 1}, {"c": 2}])
    paths, variants = expand_design(design, {"a": [7]})
    assert paths == ["a", "b", "c"]
    assert variants == [{"a": 7, "b": 1}, {"a": 7, "c": 2}]


def test_sample_expansion_is_seeded_and_keeps_values_in_their_axis() -> None:
    axes = {"a": [4, 5, 6], "r": Range(start=0.0, stop=1.0)}
    first = expand_design(SampleDesign(kind="sample", n=9, seed=5), axes)
    again = expand_design(SampleDesign(kind="sample", n=9, seed=5), axes)
    assert first == again
    _, variants = first
    assert sorted(v["a"] for v in variants) == [4, 4, 4, 5, 5, 5, 6, 6, 6]
    assert all(0.0 <= v["r"] <= 1.0 for v in variants)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), d=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_latin_hypercube_puts_exactly_one_point_in_every_stratum(n: int, d: int, seed: int) -> None:
    points = latin_hypercube(n, d, seed)
    assert points.shape == (n, d)
    assert ((points >= 0) & (points < 1)).all()
    for j in range(d):
        assert sorted(np.floor(points[:, j] * n).astype(int)) == list(range(n))


def test_latin_hypercube_refuses_empty_shapes() -> None:
    with pytest.raises(ValueError, match="n >= 1"):
        latin_hypercube(0, 2, 1)


def test_range_counts_its_values_without_expanding_and_refuses_too_many() -> None:
    assert Range(start=4, stop=10, step=2).count == 4
    assert Range(start=0.1, stop=0.3, step=0.1).count == 3
    with pytest.raises(ValueError, match="1,000,000,001 values"):
        Range(start=0, stop=10**9, step=1)
    with pytest.raises(ValueError, match=f"at most {MAX_VARIANTS:,}"):
        Range(start=0.0, stop=1.0, step=1e-300)
    with pytest.raises(ValueError, match="finite"):
        Range(start=0, stop=float("inf"), step=1)


def test_range_bounds_are_numbers_not_booleans() -> None:
    with pytest.raises(ValueError):
        Range(start=True, stop=3, step=1)


def test_design_size_is_the_grid_product_or_the_list_or_sample_count() -> None:
    axes = {"a": Range(start=1, stop=100, step=1), "b": [1, 2, 3], "c": Range(start=0, stop=1)}
    assert design_size(GridDesign(), axes) == 300
    assert design_size(SampleDesign(kind="sample", n=40), axes) == 40
    assert design_size(ListDesign(kind="list", variants=[{}, {}]), {}) == 2
