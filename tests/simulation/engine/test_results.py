"""Results: completed orders summed in batches give the order-by-order sums to the last bit."""

from __future__ import annotations

import numpy as np

from tierwise.simulation.engine.results import CycleTimeHistogram, TierAccumulator, tier_metrics
from tierwise.simulation.engine.stages import N_STAGES


def test_flushed_sums_equal_sequential_sums_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    cycles = rng.lognormal(0.0, 2.0, 3000).tolist()
    stages = rng.exponential(1.0, (3000, N_STAGES)).tolist()
    acc = TierAccumulator()
    for k, (cycle_h, stage_h) in enumerate(zip(cycles, stages, strict=True)):
        acc.pending_cycle_h.append(cycle_h)
        acc.pending_stage_h.append(stage_h)
        if k % 700 == 0:  # flushes at arbitrary points
            acc.flush()
    acc.flush()
    expected_sum, expected_stages = 0.0, [0.0] * N_STAGES
    for cycle_h, stage_h in zip(cycles, stages, strict=True):
        expected_sum += cycle_h
        for i, value in enumerate(stage_h):
            expected_stages[i] += value
    assert acc.sum_cycle_h == expected_sum
    assert acc.stage_h == expected_stages
    assert not acc.pending_cycle_h and not acc.pending_stage_h


def test_histogram_add_many_counts_as_add_one_by_one_including_out_of_range() -> None:
    values = [1e-6, 1e-4, 0.5, 3.0, 9_999.0, 1e4, 5e6, *np.geomspace(1e-3, 1e3, 500).tolist()]
    one, many = CycleTimeHistogram(), CycleTimeHistogram()
    for value in values:
        one.add(value)
    many.add_many(values)
    assert many.counts == one.counts and many.total == one.total == len(values)


def test_tier_metrics_include_pending_orders() -> None:
    acc = TierAccumulator(completed=2)
    acc.pending_cycle_h += [1.0, 3.0]
    acc.pending_stage_h += [[1.0] * N_STAGES, [2.0] * N_STAGES]
    metrics = tier_metrics(acc, 0, 1.0, 0.0)
    assert metrics["mean_cycle_time_h"] == 2.0 and metrics["stage_shipping_h"] == 1.5
