"""The one atomic file writer: every file Tierwise writes appears whole or not at all.

A writer gets a temporary path in the target's folder; when it returns without error the file
is given the permissions a plain ``open()`` would give it (``0o666`` less the umask, so others
can read it, unlike :func:`tempfile.mkstemp`'s ``0o600``), optionally flushed to disk, and
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows). On error the
temporary file is removed and the target is untouched. Readers therefore see either the old
file, no file, or the complete new one; an interrupted run never leaves a torn file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_bytes", "write_text"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``.

    Parameters
    ----------
    target : path-like
        The file to (re)write. Its folder is created if missing.
    durable : bool, default False
        ``fsync`` the file before the rename (survives a power cut, costs a disk flush).

    Yields
    ------
    pathlib.Path
        Where the caller writes the complete content (by path: ``DataFrame.to_csv(path)``,
        ``Figure.savefig(path)``, ``open(path, "wb")``).
    """
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o666 & ~_umask())
        if durable:
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | os.PathLike[str], data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` to ``target`` atomically; return the target path."""
    with atomic_path(target, durable=durable) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_text(target: str | os.PathLike[str], text: str, *, durable: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically; return the target path."""
    return write_bytes(target, text.encode("utf-8"), durable=durable)
