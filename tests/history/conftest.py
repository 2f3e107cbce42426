"""Shared fixtures: the bundled sample history, read and analysed once per session."""

from __future__ import annotations

import pandas as pd
import pytest

from tierwise.history.analysis import HistoryAnalysis, analyse_history
from tierwise.history.reading import OrderHistory, read_orders
from tierwise.history.sample import SAMPLE, known_customers, sample_path


@pytest.fixture(scope="session")
def sample_history() -> OrderHistory:
    return read_orders(sample_path())


@pytest.fixture(scope="session")
def sample_analysis(sample_history: OrderHistory) -> HistoryAnalysis:
    return analyse_history(sample_history)


@pytest.fixture(scope="session")
def sample_truth() -> pd.DataFrame:
    """Generating tier and membership periods of every customer of the sample."""
    return known_customers(SAMPLE)
