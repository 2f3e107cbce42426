"""The shape of a scenario's ``decisions:`` section: levers and their candidate values.

A scenario may declare the levers a search may move, each by its dotted field path (the paths
``--set`` and sweep axes use), with a list of candidate values or an inclusive range::

    decisions:
      order_entry.pools.desk.agents: [6, 7, 8, 9]
      picking.pickers: {from: 10, to: 16}          # 10, 11, …, 16 (step 1)
      tiers.B.shipping_mode: [regional, express]
      shipping.modes.express.cutoff_hours: [[17.0], [17.5]]   # a candidate may be a list

This module holds what the schema checks on its own, at construction: the value types, the
ranges, no empty list and no candidate twice, at most :data:`MAX_CANDIDATES_PER_LEVER`
candidates per lever and :data:`MAX_COMBINATIONS` combinations in all. Whether each path
names a field of the scenario and each candidate gives a valid scenario needs the override
walker, so it is checked by :mod:`~tierwise.simulation.scenario.decisions` (which also
expands the ranges).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from tierwise.simulation.scenario.values import Count, Number

__all__ = [
    "MAX_CANDIDATES_PER_LEVER",
    "MAX_COMBINATIONS",
    "Candidate",
    "CandidateList",
    "Decision",
    "DecisionRange",
    "candidate_values",
    "check_section",
]

#: Most candidate values of one lever.
MAX_CANDIDATES_PER_LEVER = 1_000
#: Most combinations of all levers' candidates (the product of their counts).
MAX_COMBINATIONS = 100_000


def _is_scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, bool | int | str)


def _candidate(value: Any) -> Any:
    """A candidate kept as given: a scalar, or a list of scalars (as a tuple)."""
    if _is_scalar(value):
        return value
    if isinstance(value, list | tuple) and all(_is_scalar(v) for v in value):
        return tuple(value)
    raise ValueError(
        "a candidate is a finite number, text, true/false, or a list of those (a set of "
        "cut-off hours)"
    )


#: One candidate value: a scalar (number, text, true/false), or a list of scalars.
Candidate = Annotated[
    bool | int | float | str | tuple[bool | int | float | str, ...], BeforeValidator(_candidate)
]


def _check_list(candidates: tuple[Any, ...]) -> tuple[Any, ...]:
    """A lever's list: not empty, not too long, no candidate twice."""
    if not candidates:
        raise ValueError("empty list; give at least one candidate value")
    if len(candidates) > MAX_CANDIDATES_PER_LEVER:
        raise ValueError(
            f"{len(candidates):,} candidates; at most {MAX_CANDIDATES_PER_LEVER:,} are allowed "
            "per lever"
        )
    seen: set[str] = set()
    for value in candidates:
        key = json.dumps(value)
        if key in seen:
            raise ValueError(f"candidate {value!r} appears more than once")
        seen.add(key)
    return candidates


#: A lever's explicit candidates, in the order given.
CandidateList = Annotated[tuple[Candidate, ...], AfterValidator(_check_list)]


#: The keys of a range, as written.
_RANGE_KEYS = ("from", "to", "step")


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

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            unknown = sorted(str(k) for k in value if k not in _RANGE_KEYS)
            missing = [k for k in ("from", "to") if k not in value]
            if unknown or missing:
                problem = f"unknown {', '.join(unknown)}" if unknown else f"no {missing[0]}"
                raise ValueError(f"a range takes from, to and (optional) step; {problem}")
        return value

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


def _decision_kind(value: Any) -> str | None:
    if isinstance(value, Mapping | DecisionRange):
        return "DecisionRange"
    return "list" if isinstance(value, list | tuple) else None


#: One lever's candidates: a list, or a range ``{from, to, step}``.
Decision = Annotated[
    Annotated[CandidateList, Tag("list")] | Annotated[DecisionRange, Tag("DecisionRange")],
    Discriminator(
        _decision_kind,
        custom_error_type="decision_candidates",
        custom_error_message="expected a list of candidate values or a range {from, to, step}",
    ),
]


def candidate_values(candidates: CandidateList | DecisionRange) -> tuple[Any, ...]:
    """A lever's candidates as a tuple of plain values (a range expanded, lists as lists)."""
    if isinstance(candidates, DecisionRange):
        return candidates.values()
    return tuple(list(c) if isinstance(c, tuple) else c for c in candidates)


def _count(candidates: CandidateList | DecisionRange) -> int:
    return candidates.count if isinstance(candidates, DecisionRange) else len(candidates)


def check_section(
    decisions: Mapping[str, CandidateList | DecisionRange] | None,
) -> Mapping[str, CandidateList | DecisionRange] | None:
    """The ``decisions`` section, unchanged, when its levers and their count are fine.

    Checks that no lever path has an empty component or points into ``decisions`` itself,
    and that the levers' candidates give at most :data:`MAX_COMBINATIONS` combinations.

    Raises
    ------
    ValueError
        Naming the lever, or the count of combinations.
    """
    if not decisions:
        return decisions
    for path in decisions:
        if not path or any(not part for part in path.split(".")):
            raise ValueError(f"lever {path!r}: a lever is a dotted field path (picking.pickers)")
        if path.split(".")[0] == "decisions":
            raise ValueError(f"lever {path!r}: a lever must be a scenario field, not a decision")
    counts = [_count(c) for c in decisions.values()]
    combinations = math.prod(counts)
    if combinations > MAX_COMBINATIONS:
        product = " × ".join(f"{n:,}" for n in counts)
        raise ValueError(
            f"{product} = {combinations:,} combinations of the levers' candidates; at most "
            f"{MAX_COMBINATIONS:,} are allowed"
        )
    return decisions
