"""Samplers reproduce the mean and coefficient of variation they are given."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from tierwise.simulation.engine.rng import stream
from tierwise.simulation.scenario.distributions import Distribution, make_sampler

CASES = [
    Distribution(dist="exponential", mean=3.0),
    Distribution(dist="lognormal", mean=3.0, cv=0.5),
    Distribution(dist="gamma", mean=3.0, cv=1.5),
    Distribution(dist="triangular", low=1.0, mode=2.0, high=6.0),
    Distribution(dist="uniform", low=1.0, high=5.0),
    Distribution(dist="deterministic", mean=3.0),
    Distribution(dist="empirical", values=(1.0, 2.0, 6.0), weights=(1.0, 2.0, 1.0)),
]


@pytest.mark.parametrize("dist", CASES, ids=lambda d: d.dist)
def test_sample_mean_and_cv_match_the_specification(dist: Distribution) -> None:
    sample = make_sampler(dist, stream(1, 0, dist.dist), scale=2.0)
    draws = np.array([sample() for _ in range(40_000)])
    mean = dist.expected_value * 2.0
    # 99.9 % interval for the mean of 40,000 draws
    tol = 3.3 * np.sqrt(dist.squared_cv) * mean / np.sqrt(draws.size) + 1e-12
    assert abs(draws.mean() - mean) <= tol
    if dist.squared_cv > 0:
        assert np.std(draws) / draws.mean() == pytest.approx(np.sqrt(dist.squared_cv), rel=0.05)
    assert draws.min() >= 0


def test_named_streams_are_independent_of_each_other_and_reproducible() -> None:
    a1 = stream(5, 0, "arrivals/A").random(5)
    a2 = stream(5, 0, "arrivals/A").random(5)
    b = stream(5, 0, "arrivals/B").random(5)
    r1 = stream(5, 1, "arrivals/A").random(5)
    assert np.array_equal(a1, a2)
    assert not np.array_equal(a1, b) and not np.array_equal(a1, r1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dist": "lognormal", "mean": 2.0}, "needs mean, cv"),
        ({"dist": "exponential", "mean": 2.0, "cv": 0.5}, "cv = 1"),
        ({"dist": "triangular", "low": 3.0, "mode": 1.0, "high": 5.0}, "low <= mode <= high"),
        ({"dist": "uniform", "low": 3.0, "high": 1.0, "mean": 2.0}, "takes only"),
        ({"dist": "empirical", "values": (1.0, 2.0), "weights": (1.0,)}, "match values"),
    ],
)
def test_inconsistent_parameters_are_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Distribution(**kwargs)


def test_sampler_and_draws_follow_the_generators_blocks_across_block_boundaries() -> None:
    """Taken one by one or n at a time, the draws are the generator's blocks in order."""
    from itertools import islice

    from tierwise.simulation.scenario.distributions import _BLOCK, make_draws

    dist = Distribution(dist="lognormal", mean=3.0, cv=0.5)
    sigma2 = np.log1p(0.25)
    reference = np.random.Generator(np.random.PCG64(7))
    expected = np.concatenate(
        [reference.lognormal(np.log(3.0) - sigma2 / 2, np.sqrt(sigma2), _BLOCK) for _ in range(3)]
    ).tolist()
    n = 2 * _BLOCK + 5
    sample = make_sampler(dist, np.random.Generator(np.random.PCG64(7)))
    one_by_one = [sample() for _ in range(n)]
    draws = make_draws(dist, np.random.Generator(np.random.PCG64(7)))
    in_batches = [x for k in (1, 2046, 3, 2000, 53) for x in islice(draws, k)]
    assert one_by_one == expected[:n]
    assert in_batches == expected[:4103]
