"""Sweep designs: how the axes of a sweep spec combine into variants.

An axis is a list of values or a :class:`Range`. ``grid`` (:class:`GridDesign`) takes every
combination, ``list`` (:class:`ListDesign`) gives the variants explicitly, ``sample``
(:class:`SampleDesign`) draws a seeded Latin hypercube (:func:`latin_hypercube`).
:func:`expand_design` turns a design and its axes into per-variant ``path → value`` mappings.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tierwise.simulation.scenario.values import Count, Number, Seed

__all__ = [
    "MAX_VARIANTS",
    "Design",
    "GridDesign",
    "ListDesign",
    "Range",
    "SampleDesign",
    "design_size",
    "expand_design",
    "expand_range",
    "latin_hypercube",
]


#: Most variants of one sweep (and most values of one range axis).
MAX_VARIANTS = 100_000


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Range(_Spec):
    """A numeric axis ``start, start + step, …`` up to and including ``stop``.

    Without ``step`` the range is continuous (``design: sample`` only): values are drawn in
    ``[start, stop]``, as integers when both ends are integers.
    """

    start: Count | Number
    stop: Count | Number
    step: Count | Number | None = None

    @model_validator(mode="after")
    def _check(self) -> Range:
        for name in ("start", "stop", "step"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value}")
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) must be >= start ({self.start})")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"step must be > 0, got {self.step}")
        if self.step is not None and self.count > MAX_VARIANTS:
            raise ValueError(
                f"the range has {self.count:,} values (start {self.start}, stop {self.stop}, "
                f"step {self.step}); at most {MAX_VARIANTS:,} are allowed"
            )
        return self

    @property
    def count(self) -> int:
        """Number of values of a stepped range (computed, not expanded); 0 when continuous."""
        if self.step is None:
            return 0
        span = (float(self.stop) - float(self.start)) / float(self.step)
        return math.floor(min(span, 1e18) + 1e-9) + 1

    @property
    def continuous(self) -> bool:
        """Whether the range has no step (sampled continuously)."""
        return self.step is None

    @property
    def integral(self) -> bool:
        """Whether start, stop (and step) are all integers."""
        return all(
            isinstance(v, int) and not isinstance(v, bool)
            for v in (self.start, self.stop, self.step if self.step is not None else 1)
        )


def expand_range(axis: Range) -> list[Any]:
    """Values of a stepped range, ``stop`` included when it lies on the grid.

    Float values are rounded to 12 decimals so that ``0.1 + 0.2`` prints as ``0.3``.

    Raises
    ------
    ValueError
        If the range has no step (it is continuous).
    """
    if axis.step is None:
        raise ValueError("a range without step is continuous and has no finite list of values")
    count = axis.count
    if count > MAX_VARIANTS:
        raise ValueError(f"the range has {count:,} values; at most {MAX_VARIANTS:,} are allowed")
    if axis.integral:
        return [int(axis.start) + i * int(axis.step) for i in range(count)]
    return [round(float(axis.start) + i * float(axis.step), 12) for i in range(count)]


class GridDesign(_Spec):
    """Full factorial: every combination of the axes' values (first axis varies slowest)."""

    kind: Literal["grid"] = "grid"


class ListDesign(_Spec):
    """Explicit variants, each a mapping ``dotted path → value``.

    Axes with a single value apply to every variant; multi-valued axes are not allowed.
    A path that some variants set and others do not takes the base scenario's value in the
    others (and in the ``param.*`` column).
    """

    kind: Literal["list"]
    variants: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_VARIANTS)


class SampleDesign(_Spec):
    """Space-filling Latin hypercube of ``n`` points over the axes, seeded.

    Each axis is cut into ``n`` equal strata with exactly one point in each; a listed or
    stepped axis maps its stratum to one of its values, a continuous range to a value in
    ``[start, stop]``. Duplicate points (possible with few discrete values) are dropped.
    """

    kind: Literal["sample"]
    n: Count = Field(ge=1, le=MAX_VARIANTS)
    seed: Seed = 0


Design = Annotated[GridDesign | ListDesign | SampleDesign, Field(discriminator="kind")]


def design_size(
    design: GridDesign | ListDesign | SampleDesign, axes: Mapping[str, list[Any] | Range]
) -> int:
    """Number of variants ``design`` gives over ``axes``, computed without expanding them.

    A grid gives the product of the axis lengths (a range counts its values), a list its
    variants, a sample its ``n`` points (before duplicates are dropped).
    """
    if isinstance(design, ListDesign):
        return len(design.variants)
    if isinstance(design, SampleDesign):
        return design.n
    return math.prod(
        (v.count if not v.continuous else 1) if isinstance(v, Range) else len(v)
        for v in axes.values()
    )


def latin_hypercube(n: int, dimensions: int, seed: int) -> np.ndarray:
    """A random Latin hypercube of ``n`` points in ``[0, 1)^dimensions``.

    In every dimension each of the ``n`` strata ``[k/n, (k+1)/n)`` holds exactly one point.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    dimensions : int
        Number of axes (>= 1).
    seed : int
        Seed of the :func:`numpy.random.default_rng` generator.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, dimensions)``.
    """
    if n < 1 or dimensions < 1:
        raise ValueError(f"need n >= 1 and dimensions >= 1, got n={n}, dimensions={dimensions}")
    rng = np.random.default_rng(seed)
    points = np.empty((n, dimensions))
    for j in range(dimensions):
        points[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return points


def expand_design(
    design: GridDesign | ListDesign | SampleDesign, axes: Mapping[str, list[Any] | Range]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Parameter paths and, per variant, the explicitly given ``path → value`` mapping.

    Parameters
    ----------
    design : GridDesign, ListDesign or SampleDesign
        How to combine the axes.
    axes : mapping
        ``dotted path → values`` (a list, or a :class:`Range`), in axis order.

    Returns
    -------
    (list of str, list of dict)
        The parameter paths (axes first, then paths only some listed variants set) and the
        variants in design order.
    """
    values = {
        p: (expand_range(v) if isinstance(v, Range) and not v.continuous else v)
        for p, v in axes.items()
    }
    paths = list(values)
    if isinstance(design, GridDesign):
        lists = [values[p] for p in paths]
        return paths, [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*lists)]
    if isinstance(design, ListDesign):
        fixed = {p: values[p][0] for p in paths}  # type: ignore[index]
        for mapping in design.variants:
            for p in mapping:
                if p not in paths:
                    paths.append(str(p))
        return paths, [{**fixed, **{str(k): v for k, v in m.items()}} for m in design.variants]
    points = latin_hypercube(design.n, len(paths), design.seed)
    variants: list[dict[str, Any]] = []
    for row in points:
        given: dict[str, Any] = {}
        for p, u in zip(paths, row, strict=True):
            axis = values[p]
            if isinstance(axis, Range):
                given[p] = _continuous_value(axis, float(u))
            else:
                given[p] = axis[min(int(u * len(axis)), len(axis) - 1)]
        variants.append(given)
    return paths, variants


def _continuous_value(axis: Range, u: float) -> int | float:
    if axis.integral:
        span = int(axis.stop) - int(axis.start) + 1
        return int(axis.start) + min(int(u * span), span - 1)
    return round(float(axis.start) + u * (float(axis.stop) - float(axis.start)), 10)
