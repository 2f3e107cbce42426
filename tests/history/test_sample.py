"""The bundled sample is what its documented generator writes, from the known parameters."""

from __future__ import annotations

import gzip
import io

import pandas as pd

from tierwise.history.sample import SAMPLE, generate_sample, known_customers, main, sample_path


def test_bundled_sample_is_the_generators_output(tmp_path) -> None:
    written = main(tmp_path / "again.csv.gz")
    assert written.read_bytes() == sample_path().read_bytes()


def test_sample_has_one_row_per_order_line_with_the_canonical_columns() -> None:
    frame = pd.read_csv(io.BytesIO(gzip.decompress(sample_path().read_bytes())))
    assert list(frame.columns) == [
        "order_id", "customer", "timestamp", "channel", "family", "units", "value", "margin"
    ]  # fmt: skip
    assert frame["order_id"].duplicated().any()  # several lines per order
    assert (frame["units"] >= 1).all()


def test_generation_is_deterministic() -> None:
    pd.testing.assert_frame_equal(generate_sample(SAMPLE), generate_sample(SAMPLE))


def test_known_customers_keep_each_tier_at_its_size_in_every_period() -> None:
    truth = known_customers(SAMPLE)
    for tier, spec in SAMPLE.tiers.items():
        mine = truth[truth["tier"] == tier]
        for period in range(4):
            members = (mine["first_period"] <= period) & (mine["last_period"] >= period)
            assert members.sum() == spec.customers
