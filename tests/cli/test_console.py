"""Progress when standard error is not a terminal: plain log lines, so that a long run in a
log file or CI says how far it is (a rich bar only on a terminal)."""

from __future__ import annotations

import pytest

import tierwise.cli.console as console_module
from tierwise.cli.console import LogProgress, progress_bar


def test_off_a_terminal_progress_is_log_lines_at_every_tenth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not console_module.err.is_terminal  # pytest captures stderr
    bar = progress_bar()
    assert isinstance(bar, LogProgress)
    with bar:
        task = bar.add_task("sweep tiny", total=40)
        for _ in range(40):
            bar.advance(task)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith("sweep tiny: 0/40 (0%)")
    assert [line.split(": ", 1)[1] for line in lines[1:]] == [
        f"{4 * k}/40 ({10 * k}%)" for k in range(1, 11)
    ]  # one line per tenth, the last at completion, none repeated on exit


def test_a_renamed_or_stalled_task_is_logged_and_an_open_total_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with LogProgress(every_s=0.0) as bar:  # every update is due
        task = bar.add_task("preparing", total=None)
        bar.update(task, description="sweep (0 cached, 0 failed)", total=9, completed=0)
        bar.update(task, completed=1)
        other = bar.add_task("replications", total=None)
        bar.advance(other, 3)
    text = capsys.readouterr().err
    assert "preparing: started" in text and "sweep (0 cached, 0 failed): 0/9 (0%)" in text
    assert "1/9 (11%)" in text and "replications: 3 done" in text
