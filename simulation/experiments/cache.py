"""On-disk cache of simulation runs: one verified JSON file per (scenario, replication).

Key
    ``sha256(canonical scenario JSON + "\\n" + replication + "\\n" + package version)``, so a
    changed scenario, another replication or a new Tierwise version never reuses an entry.
Layout
    ``<cache dir>/<key[:2]>/<key>.json`` holding ``{"payload": {...}, "checksum": ...}``; the
    payload carries the key, scenario hash, replication, version and the flat result
    (``RunResult.flat()`` as ``[name, value]`` pairs, in order), the checksum is the sha256
    of the payload's canonical JSON.
Writes
    Atomic, through :func:`tierwise.common.atomic.write_text`: the entry is written to a
    temporary file in the same folder and renamed over the final name. A reader sees either no
    file or a complete one, so two sweeps sharing a cache cannot corrupt it and a killed sweep
    leaves only whole entries (plus, at worst, a stray ``.*.tmp`` file, removed by
    :meth:`ResultCache.remove_stale_temp`). Entries are readable by others (``0644`` under
    umask 022), like any file a plain ``open()`` creates.
Reads
    An entry whose JSON does not parse, whose checksum or key does not match, or whose fields
    are missing is treated as missing: a warning is logged and the run is recomputed (the next
    write replaces the bad file). Floats round-trip exactly (``repr`` precision; NaN and
    infinities included), so a cached result equals a fresh one bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tierwise.common.atomic import write_text
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.version import __version__

__all__ = ["CACHE_FORMAT", "ResultCache", "cache_key"]

logger = logging.getLogger(__name__)

#: Version of the entry layout; part of the payload, checked on read.
CACHE_FORMAT = 1


def cache_key(scenario: Scenario, replication: int, version: str = __version__) -> str:
    """Cache key of one run.

    Parameters
    ----------
    scenario : Scenario
        The simulated scenario (its canonical JSON is hashed, not just its name).
    replication : int
        Replication index (>= 0).
    version : str
        Package version; results of another version are never reused.

    Returns
    -------
    str
        64 hex digits.
    """
    text = f"{scenario.canonical_json()}\n{int(replication)}\n{version}"
    return hashlib.sha256(text.encode()).hexdigest()


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)


def _checksum(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(_dumps(payload).encode()).hexdigest()


class ResultCache:
    """A folder of cached run results (see the module docstring).

    Parameters
    ----------
    directory : str or Path
        Cache folder; created on first write.
    version : str
        Package version mixed into every key (default: the installed Tierwise version).
    durable : bool
        ``fsync`` each entry before renaming it (survives power loss, ~4 ms per write).
        Without it an entry can only be lost or truncated by a crash of the whole machine,
        and a truncated entry fails its checksum and is recomputed.
    """

    def __init__(
        self, directory: str | Path, version: str = __version__, durable: bool = False
    ) -> None:
        self.directory = Path(directory)
        self.version = version
        self.durable = durable

    def key(self, scenario: Scenario, replication: int) -> str:
        """The entry key of ``(scenario, replication)`` (see :func:`cache_key`)."""
        return cache_key(scenario, replication, self.version)

    def path(self, key: str) -> Path:
        """File of the entry with ``key``."""
        return self.directory / key[:2] / f"{key}.json"

    def get(self, scenario: Scenario, replication: int) -> dict[str, float] | None:
        """The cached flat result of a run, or ``None`` when absent or not trustworthy."""
        key = self.key(scenario, replication)
        file = self.path(key)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cache entry %s unreadable (%s); recomputing", file, exc.strerror)
            return None
        except UnicodeDecodeError as exc:  # a flipped high bit: not UTF-8 any more
            logger.warning("cache entry %s is corrupt (%s); recomputing", file, exc.reason)
            return None
        problem, result = self._verify(text, key, scenario, replication)
        if problem:
            logger.warning("cache entry %s is corrupt (%s); recomputing", file, problem)
            return None
        return result

    def _verify(
        self, text: str, key: str, scenario: Scenario, replication: int
    ) -> tuple[str, dict[str, float] | None]:
        try:
            entry = json.loads(text)
        except ValueError as exc:
            return f"invalid JSON: {exc}", None
        if not isinstance(entry, dict) or set(entry) != {"payload", "checksum"}:
            return "not a cache entry", None
        payload = entry["payload"]
        if not isinstance(payload, dict) or entry["checksum"] != _checksum(payload):
            return "checksum mismatch", None
        expected = {
            "format": CACHE_FORMAT,
            "key": key,
            "scenario_hash": scenario.content_hash,
            "replication": int(replication),
            "version": self.version,
        }
        for name, value in expected.items():
            if payload.get(name) != value:
                return f"{name} is {payload.get(name)!r}, expected {value!r}", None
        result = payload.get("result")
        if not isinstance(result, list) or not all(
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], int | float)
            for pair in result
        ):
            return "result is not a list of (metric, number) pairs", None
        return "", {name: float(value) for name, value in result}

    def put(self, scenario: Scenario, replication: int, result: Mapping[str, float]) -> Path:
        """Store a flat result atomically and return the entry's path.

        Parameters
        ----------
        scenario, replication
            What was simulated.
        result : mapping
            ``RunResult.flat()``: metric name → value (NaN allowed).
        """
        key = self.key(scenario, replication)
        payload = {
            "format": CACHE_FORMAT,
            "key": key,
            "scenario_hash": scenario.content_hash,
            "replication": int(replication),
            "version": self.version,
            # pairs, not a mapping: the canonical JSON sorts keys, the metric order must survive
            "result": [[str(k), float(v)] for k, v in result.items()],
        }
        text = _dumps({"payload": payload, "checksum": _checksum(payload)})
        return write_text(self.path(key), text, durable=self.durable)

    def __contains__(self, item: tuple[Scenario, int]) -> bool:
        scenario, replication = item
        return self.get(scenario, replication) is not None

    def entries(self) -> list[Path]:
        """Paths of all entry files (valid or not), sorted."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("??/*.json"))

    def remove_stale_temp(self, older_than_s: float = 3600.0) -> int:
        """Delete temporary files left by killed writers; returns how many were removed.

        Only files older than ``older_than_s`` seconds are touched, so a concurrent sweep's
        write in progress is left alone.
        """
        if not self.directory.is_dir():
            return 0
        removed = 0
        now = time.time()
        for temp in self.directory.glob("??/.*.tmp"):
            try:
                if now - temp.stat().st_mtime > older_than_s:
                    temp.unlink()
                    removed += 1
            except OSError:
                continue
        return removed
