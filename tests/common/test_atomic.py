"""The atomic writer: whole file or none, readable by others, no temporary files left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tierwise.common.atomic import atomic_path, write_bytes, write_text


def test_write_text_replaces_the_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.json"
    write_text(target, "old")
    write_text(target, "new", durable=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.json"]


def test_files_get_umask_permissions_not_mkstemp_private_ones(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_bytes(tmp_path / "b.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failing_writer_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    write_text(target, "complete")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_text("torn", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "complete"
    assert [p.name for p in tmp_path.iterdir()] == ["c.csv"]
