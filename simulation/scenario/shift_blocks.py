"""Staffing by shift block: the calendar's day cut into blocks, each with its own staff.

A pool's ``agents_by_block`` (or picking's ``pickers_by_block``) maps the start hour of each
block, written as two-digit text (``"08"``, ``"10"``, …), to the servers at work in it. A block
runs from its start hour to the next block's start; the last one to closing (for pickers who
stay to load a late cut-off, to the last cut-off of the day). Keys are text so that every
block is a dotted path of its own (``order_entry.pools.desk.agents_by_block.10``) for ``--set``,
sweep axes and decisions.

This module holds the key format (checked when a pool or picking is read), the checks that need
the calendar (:func:`check_blocks`, called by the scenario) and the spans of the blocks
(:func:`shift_blocks`), which the engine and the theory share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator

from tierwise.simulation.scenario.values import Servers

__all__ = [
    "DEFAULT_BLOCK_H",
    "ServersByBlock",
    "ShiftBlock",
    "block_key",
    "check_blocks",
    "default_block_starts",
    "shift_blocks",
]

#: Length of the blocks :func:`default_block_starts` cuts a day into, hours.
DEFAULT_BLOCK_H = 2

_KEY = re.compile(r"^[0-9]{2}$")


def block_key(hour: int) -> str:
    """The key of the block starting at ``hour`` (``8`` → ``"08"``)."""
    return f"{hour:02d}"


def _check_keys(value: Any) -> Any:
    """Refuse block keys that are not two-digit text of an hour 00..23 (before type checks)."""
    if not isinstance(value, Mapping):
        return value  # the dict type check reports it
    for key in value:
        if isinstance(key, bool) or not isinstance(key, str | int):
            raise ValueError(f"block key {key!r}: expected the start hour as two-digit text")
        if isinstance(key, int):
            raise ValueError(
                f"block key {key}: a number; write the start hour as two-digit text, "
                f'quoted in YAML ("{block_key(key)}": …), so that each block is a dotted path '
                f"of its own (…_by_block.{block_key(key)})"
            )
        if not _KEY.match(key) or int(key) > 23:
            raise ValueError(
                f"block key {key!r}: expected the start hour as two-digit text 00..23 "
                '("08", "10", …)'
            )
    return value


#: Servers by block start hour (``{"08": 4, "10": 7, "12": 5}``); keys are checked here, the
#: hours against the calendar by :func:`check_blocks`.
ServersByBlock = Annotated[dict[str, Servers], BeforeValidator(_check_keys)]


class ShiftBlock(NamedTuple):
    """One block of a working day.

    Attributes
    ----------
    key : str
        Its key, the start hour as two-digit text (``"10"``).
    start_hour, end_hour : float
        Hours of the day it starts and ends (the next block's start; the last: closing).
    servers : int
        Servers at work in it.
    """

    key: str
    start_hour: float
    end_hour: float
    servers: int


def shift_blocks(by_block: Mapping[str, int], close_hour: float) -> tuple[ShiftBlock, ...]:
    """The blocks of ``by_block`` in time order, the last one ending at ``close_hour``.

    Parameters
    ----------
    by_block : mapping
        Servers by block key (validated: keys are hours within the calendar's open hours).
    close_hour : float
        End of the last block, hours of the day (the calendar's closing, or the pickers' last
        cut-off when that is later).
    """
    keys = sorted(by_block, key=int)
    ends = [float(int(k)) for k in keys[1:]] + [float(close_hour)]
    return tuple(
        ShiftBlock(k, float(int(k)), end, by_block[k]) for k, end in zip(keys, ends, strict=True)
    )


def default_block_starts(
    open_hour: float, close_hour: float, block_h: int = DEFAULT_BLOCK_H
) -> tuple[str, ...]:
    """Keys of blocks of ``block_h`` hours from ``open_hour`` to closing (the last may be
    shorter); ``open_hour`` must be a whole hour."""
    if open_hour != int(open_hour):
        raise ValueError(f"blocks start at whole hours; the calendar opens at {open_hour:g}")
    hours = range(int(open_hour), int(-(-close_hour // 1)), block_h)
    return tuple(block_key(h) for h in hours if h < close_hour)


def check_blocks(
    field: str,
    by_block: Mapping[str, int],
    open_hour: float | None,
    close_hour: float | None,
    headcount_field: str,
    headcount: int,
) -> None:
    """ValueError unless ``by_block`` fits the calendar and the headcount.

    The rules: a calendar is set; every key is a whole hour in ``[open_hour, close_hour)``;
    the first block starts at ``open_hour``; at least one block has a server; the headcount
    (``agents`` / ``pickers``) is at least the largest block.

    Parameters
    ----------
    field : str
        Dotted path of the blocks, for messages (``order_entry.pools.desk.agents_by_block``).
    by_block : mapping
        Servers by block key (key format already checked).
    open_hour, close_hour : float or None
        The calendar's hours (``None``: no calendar).
    headcount_field : str
        Dotted path of the pool's headcount, for messages.
    headcount : int
        The pool's headcount.
    """
    if open_hour is None or close_hour is None:
        raise ValueError(
            f"{field}: staffing by shift block needs a calendar (the blocks cut its open "
            "hours); set calendar (open_hour, close_hour, working_days) or remove the blocks"
        )
    if not by_block:
        raise ValueError(f"{field}: name at least one block (or leave the field out)")
    allowed = f"whole hours from open_hour {open_hour:g} to before close_hour {close_hour:g}"
    for key in sorted(by_block, key=int):
        if not open_hour <= int(key) < close_hour:
            raise ValueError(f"{field}.{key}: block start {key} h is outside {allowed}")
    first = min(by_block, key=int)
    if int(first) != open_hour:
        expected = block_key(int(open_hour)) if open_hour == int(open_hour) else None
        hint = (
            f'start the first block at "{expected}"'
            if expected is not None
            else "blocks start at whole hours, so the calendar must open at one"
        )
        raise ValueError(
            f"{field}: the first block starts at {first} h, but the calendar opens at "
            f"{open_hour:g} h; {hint}"
        )
    largest_key = max(by_block, key=lambda k: (by_block[k], -int(k)))
    largest = by_block[largest_key]
    if largest < 1:
        raise ValueError(f"{field}: every block has 0 servers; at least one block needs 1")
    if headcount < largest:
        raise ValueError(
            f"{headcount_field} = {headcount} is below the largest block ({field}.{largest_key} "
            f"= {largest}): with blocks, it is the headcount of the pool and must be at least "
            f"the largest block; set it to {largest} or more"
        )
