"""Real run and compare folders, made once per session (about 8 s together)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.folders import make_compare, make_run


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``tierwise run --quick`` output: sweep, curves, plan, verification."""
    return make_run(tmp_path_factory.mktemp("report_run"))


@pytest.fixture(scope="session")
def compare_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``tierwise compare`` output: three strategies of a one-desk scenario."""
    return make_compare(tmp_path_factory.mktemp("report_compare"))
