"""Probability distributions given by mean and coefficient of variation (or explicit parameters).

A :class:`Distribution` is scenario data (validated by pydantic); :func:`make_sampler` turns it
into a fast callable that draws from a dedicated :class:`numpy.random.Generator` in blocks.
The unit of every value is the unit named by the scenario field that holds the distribution
(``handling_time_s`` → seconds, ``lead_time_days`` → days).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tierwise.simulation.scenario.values import NonNegative, Number

__all__ = [
    "MAX_CV",
    "Distribution",
    "DistributionKind",
    "Sampler",
    "make_draws",
    "make_sampler",
]

DistributionKind = Literal[
    "exponential", "lognormal", "gamma", "triangular", "uniform", "deterministic", "empirical"
]

_BLOCK = 2048

#: Largest coefficient of variation (a larger one overflows the lognormal's parameters).
MAX_CV = 100.0


class Distribution(BaseModel):
    """A non-negative random duration or quantity.

    Parameters
    ----------
    dist : str
        One of ``exponential`` (``mean``), ``lognormal`` and ``gamma`` (``mean``, ``cv``),
        ``triangular`` (``low``, ``mode``, ``high``), ``uniform`` (``low``, ``high``),
        ``deterministic`` (``mean``), ``empirical`` (``values``, optional ``weights``).
    mean : float, optional
        Mean, in the unit of the field that holds the distribution, >= 0.
    cv : float, optional
        Coefficient of variation (standard deviation / mean), 0 <= cv <= 100.
    low, mode, high : float, optional
        Bounds and mode for triangular/uniform, >= 0 and ``low <= mode <= high``.
    values, weights : tuple of float, optional
        Support points and relative weights for ``empirical``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    dist: DistributionKind
    mean: NonNegative | None = None
    cv: Annotated[NonNegative, Field(le=MAX_CV)] | None = None
    low: NonNegative | None = None
    mode: NonNegative | None = None
    high: NonNegative | None = None
    values: tuple[Number, ...] | None = None
    weights: tuple[Number, ...] | None = None

    @model_validator(mode="after")
    def _check_parameters(self) -> Distribution:
        need: dict[str, tuple[str, ...]] = {
            "exponential": ("mean",),
            "lognormal": ("mean", "cv"),
            "gamma": ("mean", "cv"),
            "triangular": ("low", "mode", "high"),
            "uniform": ("low", "high"),
            "deterministic": ("mean",),
            "empirical": ("values",),
        }
        allowed = set(need[self.dist]) | ({"weights"} if self.dist == "empirical" else set())
        if self.dist == "exponential":
            allowed.add("cv")
        given = {
            name
            for name in ("mean", "cv", "low", "mode", "high", "values", "weights")
            if getattr(self, name) is not None
        }
        missing = [name for name in need[self.dist] if getattr(self, name) is None]
        if missing:
            needed, absent = ", ".join(need[self.dist]), ", ".join(missing)
            raise ValueError(f"dist '{self.dist}' needs {needed}; missing {absent}")
        extra = sorted(given - allowed)
        if extra:
            raise ValueError(
                f"dist '{self.dist}' takes only {', '.join(sorted(allowed))}; "
                f"remove {', '.join(extra)}"
            )
        if self.dist == "exponential" and self.cv is not None and not math.isclose(self.cv, 1.0):
            raise ValueError(f"exponential has cv = 1 by definition, got cv = {self.cv}")
        if self.dist in ("lognormal", "gamma") and self.mean == 0:
            raise ValueError(f"dist '{self.dist}' needs mean > 0, got 0")
        if self.dist == "triangular":
            assert self.low is not None and self.mode is not None and self.high is not None
            if not (self.low <= self.mode <= self.high) or self.low == self.high:
                raise ValueError(
                    f"triangular needs low <= mode <= high and low < high, got "
                    f"low={self.low}, mode={self.mode}, high={self.high}"
                )
        if self.dist == "uniform":
            assert self.low is not None and self.high is not None
            if self.low > self.high:
                raise ValueError(f"uniform needs low <= high, got low={self.low}, high={self.high}")
        if self.dist == "empirical":
            assert self.values is not None
            if len(self.values) == 0:
                raise ValueError("empirical needs at least one value")
            if any(v < 0 or not math.isfinite(v) for v in self.values):
                raise ValueError(f"empirical values must be finite and >= 0, got {self.values}")
            if self.weights is not None:
                if len(self.weights) != len(self.values):
                    raise ValueError(
                        f"empirical weights must match values in length: "
                        f"{len(self.weights)} weights for {len(self.values)} values"
                    )
                if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                    raise ValueError(
                        f"empirical weights must be >= 0 with a positive sum, got {self.weights}"
                    )
        return self

    @property
    def expected_value(self) -> float:
        """Mean of the distribution, in the unit of its field."""
        if self.dist in ("exponential", "lognormal", "gamma", "deterministic"):
            assert self.mean is not None
            return self.mean
        if self.dist == "triangular":
            assert self.low is not None and self.mode is not None and self.high is not None
            return (self.low + self.mode + self.high) / 3.0
        if self.dist == "uniform":
            assert self.low is not None and self.high is not None
            return (self.low + self.high) / 2.0
        assert self.values is not None
        weights = np.ones(len(self.values)) if self.weights is None else np.array(self.weights)
        return float(np.dot(self.values, weights) / weights.sum())

    @property
    def squared_cv(self) -> float:
        """Squared coefficient of variation (used by queueing approximations)."""
        if self.dist == "exponential":
            return 1.0
        if self.dist in ("lognormal", "gamma"):
            assert self.cv is not None
            return self.cv**2
        if self.dist == "deterministic":
            return 0.0
        mean = self.expected_value
        if mean == 0:
            return 0.0
        if self.dist == "triangular":
            a, c, b = self.low, self.mode, self.high
            assert a is not None and b is not None and c is not None
            var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
        elif self.dist == "uniform":
            assert self.low is not None and self.high is not None
            var = (self.high - self.low) ** 2 / 12.0
        else:
            assert self.values is not None
            w = np.ones(len(self.values)) if self.weights is None else np.array(self.weights)
            w = w / w.sum()
            var = float(np.dot(w, (np.array(self.values) - mean) ** 2))
        return var / mean**2


Sampler = Callable[[], float]


def _block_drawer(
    dist: Distribution, rng: np.random.Generator, scale: float
) -> Callable[[], np.ndarray]:
    """Return a function that draws one block of ``_BLOCK`` values (already scaled)."""
    kind = dist.dist
    if kind == "exponential":
        mean = float(dist.mean or 0.0) * scale
        if mean <= 0:
            return lambda: np.zeros(_BLOCK)
        return lambda: rng.exponential(mean, _BLOCK)
    if kind == "deterministic":
        value = float(dist.mean or 0.0) * scale
        return lambda: np.full(_BLOCK, value)
    if kind == "lognormal":
        mean, cv = float(dist.mean or 0.0) * scale, float(dist.cv or 0.0)
        sigma2 = math.log1p(cv * cv)
        mu = math.log(mean) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        return lambda: rng.lognormal(mu, sigma, _BLOCK)
    if kind == "gamma":
        mean, cv = float(dist.mean or 0.0) * scale, float(dist.cv or 0.0)
        if cv == 0:
            return lambda: np.full(_BLOCK, mean)
        shape = 1.0 / (cv * cv)
        return lambda: rng.gamma(shape, mean / shape, _BLOCK)
    if kind == "triangular":
        low, mode, high = (float(v or 0.0) * scale for v in (dist.low, dist.mode, dist.high))
        return lambda: rng.triangular(low, mode, high, _BLOCK)
    if kind == "uniform":
        low, high = float(dist.low or 0.0) * scale, float(dist.high or 0.0) * scale
        return lambda: rng.uniform(low, high, _BLOCK)
    values = np.asarray(dist.values, dtype=float) * scale
    probs = None
    if dist.weights is not None:
        w = np.asarray(dist.weights, dtype=float)
        probs = w / w.sum()
    return lambda: rng.choice(values, size=_BLOCK, p=probs)


def make_draws(
    dist: Distribution,
    rng: np.random.Generator,
    scale: float = 1.0,
    of_block: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Iterator[Any]:
    """The endless iterator of draws from ``dist`` with its own generator.

    Parameters are those of :func:`make_sampler`, and ``of_block``: an elementwise function
    applied to each block of draws (an array) before its values are taken, e.g. rounding
    (``None``: the draws themselves). The draws come in blocks of ``_BLOCK`` values, the next
    block drawn when the last one is used up (lazily, so the generator's sequence does not
    depend on how the draws are taken). ``next(draws)`` takes one draw, ``islice(draws, n)``
    the next ``n`` in one call.
    """
    draw_block = _block_drawer(dist, rng, scale)

    def blocks() -> Iterator[list[Any]]:
        if of_block is None:
            while True:
                yield draw_block().tolist()
        while True:
            yield of_block(draw_block()).tolist()

    return chain.from_iterable(blocks())


def make_sampler(dist: Distribution, rng: np.random.Generator, scale: float = 1.0) -> Sampler:
    """Build a fast sampler drawing from ``dist`` with its own generator.

    Parameters
    ----------
    dist : Distribution
        The distribution (values in the unit of its scenario field).
    rng : numpy.random.Generator
        A generator reserved for this sampler (one named sub-stream).
    scale : float
        Multiplier converting the field's unit to the engine clock (hours), e.g. ``1/3600``
        for a field in seconds.

    Returns
    -------
    Callable[[], float]
        Each call returns the next draw, in engine units: ``next`` on :func:`make_draws`'s
        iterator, a C-level call without a Python frame of its own.
    """
    return partial(next, make_draws(dist, rng, scale))
