"""The shape of a scenario's ``decisions:`` section: levers and their candidate values.

A scenario may declare the levers a search may move, each by its dotted field path (the paths
``--set`` and sweep axes use), with a list of candidate values or an inclusive range::

    decisions:
      order_entry.pools.desk.agents: [6, 7, 8, 9]
      picking.pickers: {from: 10, to: 16}          # 10, 11, …, 16 (step 1)
      tiers.B.shipping_mode: [regional, express]
      shipping.modes.express.cutoff_hours: [[17.0], [17.5]]   # a candidate may be a list

This module holds what the schema checks on its own, at construction: the value types, the
ranges, no empty or repeated lists, at most :data:`MAX_CANDIDATES_PER_LEVER` candidates per
lever and :data:`MAX_COMBINATIONS` combinations in all. Whether each path names a field of the
scenario and each candidate gives a valid scenario needs the override walker, so it is checked
by :mod:`~tierwise.simulation.scenario.decisions` (which also expands the ranges).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from tierwise.simulation.scenario.values import Count, Number

__all__ = [
    "MAX_CANDIDATES_PER_LEVER",
    "MAX_COMBINATIONS",
    "Candidate",
    "CandidateList",
    "DecisionRange",
    "candidate_values",
    "section_problems",
]

#: Most candidate values of one lever.
MAX_CANDIDATES_PER_LEVER = 1_000
#: Most combinations of all levers' candidates (the product of their counts).
MAX_COMBINATIONS = 100_000

#: A scalar candidate, kept as given: a boolean, an integer, a number or text.
Scalar = StrictBool | StrictInt | StrictFloat | StrictStr
#: One candidate value: a scalar, or a list of scalars (a set of cut-off hours).
Candidate = Scalar | tuple[Scalar, ...]
#: A lever's explicit candidates, in the order given.
CandidateList = tuple[Candidate, ...]


class DecisionRange(BaseModel):
    """An inclusive numeric range of candidates: ``from, from + step, …`` up to ``to``.

    Integers when ``from``, ``to`` and ``step`` are all integers; otherwise floats rounded to
    12 decimals (so that ``0.1 + 0.2`` is ``0.3``). ``to`` is included when it lies on the grid.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    start: Count | Number = Field(alias="from", description="first candidate")
    stop: Count | Number = Field(alias="to", description="last candidate (inclusive)")
    step: Count | Number = Field(default=1, description="spacing, > 0")

    @model_validator(mode="after")
    def _check(self) -> DecisionRange:
        if self.stop < self.start:
            raise ValueError(f"to ({self.stop}) must be >= from ({self.start})")
        if self.step <= 0:
            raise ValueError(f"step must be > 0, got {self.step}")
        if self.count > MAX_CANDIDATES_PER_LEVER:
            raise ValueError(
                f"the range has {self.count:,} candidates (from {self.start}, to {self.stop}, "
                f"step {self.step}); at most {MAX_CANDIDATES_PER_LEVER:,} are allowed"
            )
        return self

    @property
    def count(self) -> int:
        """Number of candidates (computed, not expanded)."""
        span = (float(self.stop) - float(self.start)) / float(self.step)
        return math.floor(min(span, 1e18) + 1e-9) + 1

    def values(self) -> tuple[int | float, ...]:
        """The candidates, in increasing order."""
        ends = (self.start, self.stop, self.step)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in ends):
            return tuple(int(self.start) + i * int(self.step) for i in range(self.count))
        return tuple(round(float(self.start) + i * float(self.step), 12) for i in range(self.count))


def candidate_values(candidates: CandidateList | DecisionRange) -> tuple[Any, ...]:
    """A lever's candidates as a tuple of plain values (a range expanded, lists as lists)."""
    if isinstance(candidates, DecisionRange):
        return candidates.values()
    return tuple(list(c) if isinstance(c, tuple) else c for c in candidates)


def _count(candidates: CandidateList | DecisionRange) -> int:
    return candidates.count if isinstance(candidates, DecisionRange) else len(candidates)


def section_problems(decisions: Mapping[str, CandidateList | DecisionRange]) -> list[str]:
    """What is wrong with a ``decisions`` section on its own (one line each; empty when fine).

    Checks the lever paths' spelling (no empty component, not a path into ``decisions``),
    lists (not empty, at most :data:`MAX_CANDIDATES_PER_LEVER`, no value twice) and the
    number of combinations (at most :data:`MAX_COMBINATIONS`).
    """
    problems: list[str] = []
    for path, candidates in decisions.items():
        where = f"decisions.{path}"
        if not path or any(not part for part in path.split(".")):
            problems.append(f"{where}: a lever is a dotted field path without empty components")
        elif path.split(".")[0] == "decisions":
            problems.append(f"{where}: a lever must be a scenario field, not a decision")
        if isinstance(candidates, DecisionRange):
            continue
        if not candidates:
            problems.append(f"{where}: empty list; give at least one candidate value")
        elif len(candidates) > MAX_CANDIDATES_PER_LEVER:
            problems.append(
                f"{where}: {len(candidates):,} candidates; at most "
                f"{MAX_CANDIDATES_PER_LEVER:,} are allowed per lever"
            )
        seen: set[str] = set()
        for value in candidates:
            key = json.dumps(value, sort_keys=True)
            if key in seen:
                problems.append(f"{where}: candidate {value!r} appears more than once")
                break
            seen.add(key)
    if not problems and decisions:
        counts = [_count(c) for c in decisions.values()]
        combinations = math.prod(counts)
        if combinations > MAX_COMBINATIONS:
            product = " × ".join(f"{n:,}" for n in counts)
            problems.append(
                f"decisions: {product} = {combinations:,} combinations of the levers' "
                f"candidates; at most {MAX_COMBINATIONS:,} are allowed"
            )
    return problems
