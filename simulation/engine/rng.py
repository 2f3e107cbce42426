"""Seeded random streams: one generator tree per run, named sub-streams per stochastic element.

The stream for ``(seed, replication, name)`` is the child of ``SeedSequence(seed)`` with spawn
key ``(replication, crc32(name))`` — exactly the child ``SeedSequence.spawn`` would produce at
those positions — so it depends on nothing else: not on the number of workers, the order runs
are executed in, or which other streams exist. Changing the number of pickers therefore leaves
the arrival stream untouched (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["replication_seed_sequence", "stream"]


def replication_seed_sequence(seed: int, replication: int) -> np.random.SeedSequence:
    """Seed sequence of one replication: the ``replication``-th spawned child of ``seed``."""
    if replication < 0:
        raise ValueError(f"replication must be >= 0, got {replication}")
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """Independent generator for the named stochastic element of one replication.

    Parameters
    ----------
    seed : int
        The scenario seed.
    replication : int
        Replication index (0-based).
    name : str
        Stable name of the element, e.g. ``"arrivals/A"`` or ``"picking_time/B"``.
    """
    key = zlib.crc32(name.encode("utf-8"))
    parent = replication_seed_sequence(seed, replication)
    child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, key))
    return np.random.Generator(np.random.PCG64(child))
