"""The one error formatter (scenario.errors): each line gives field, bad value, what is allowed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tierwise.simulation.scenario.errors import (
    MAX_VALUE_CHARS,
    ScenarioError,
    did_you_mean,
    format_value,
    not_a_section,
    unknown_key,
    unknown_name,
    validation_problems,
)
from tierwise.simulation.scenario.schema import Scenario


class _Forbid(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pool(_Forbid):
    agents: int = Field(ge=0)
    discipline: Literal["fifo", "priority"] = "fifo"


class Grid(_Forbid):
    kind: Literal["grid"] = "grid"


class Sample(_Forbid):
    kind: Literal["sample"]
    n: int = Field(ge=1)


class Plan(_Forbid):
    pools: dict[str, Pool]
    share: float = Field(default=0.5, ge=0.0, le=1.0)
    start: int | float = 0
    design: Annotated[Grid | Sample, Field(discriminator="kind")] = Field(default_factory=Grid)
    name: str = "plan"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if " " in value:
            raise ValueError("name must not contain spaces")
        return value

    @model_validator(mode="after")
    def _check(self) -> Plan:
        problems = [f"pools.{n}: {p.agents} agents exceed 50" for n, p in self.pools.items()]
        problems = [
            p for p, pool in zip(problems, self.pools.values(), strict=True) if pool.agents > 50
        ]
        if len(self.pools) > 3:
            raise ValueError(f"at most 3 pools, got {len(self.pools)}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def problems(data: dict[str, Any], root: type[BaseModel] = Plan) -> list[str]:
    with pytest.raises(ValidationError) as info:
        root.model_validate(data)
    return validation_problems(info.value, root)


DESK = {"agents": 3}


@pytest.mark.parametrize(
    ("data", "field", "value", "allowed"),
    [
        # unknown key: the key is the bad value; nearest and all allowed keys
        (
            {"pools": {"desk": {"agnts": 3}}},
            "pools.desk.agnts: ",
            "'agents'",
            "(allowed here: agents, discipline)",
        ),
        # missing: what the field expects
        (
            {"pools": {"desk": {}}},
            "pools.desk.agents: ",
            "required field is missing",
            "(expected an integer)",
        ),
        (
            {},
            "pools: ",
            "required field is missing",
            "a mapping of names to a Pool mapping (agents)",
        ),
        # bounds
        ({"pools": {"desk": {"agents": -1}}}, "pools.desk.agents", "= -1", "must be >= 0"),
        ({"pools": {"desk": DESK}, "share": 1.5}, "share", "= 1.5", "must be <= 1"),
        # wrong type
        ({"pools": {"desk": {"agents": "many"}}}, "pools.desk.agents", "= 'many'", "valid integer"),
        ({"pools": {"desk": 5}}, "pools.desk", "= 5", "valid dictionary or instance of Pool"),
        # literal
        (
            {"pools": {"desk": {"agents": 1, "discipline": "lifo"}}},
            "pools.desk.discipline",
            "= 'lifo'",
            "'fifo' or 'priority'",
        ),
        # tagged union: bad tag, and an error inside a member (the tag is not in the path)
        (
            {"pools": {"desk": DESK}, "design": {"kind": "lattice"}},
            "design: ",
            "'lattice'",
            "expected tags: 'grid', 'sample'",
        ),
        (
            {"pools": {"desk": DESK}, "design": {"kind": "sample", "n": 0}},
            "design.n",
            "= 0",
            "must be >= 1",
        ),
        # smart union of scalars: the member tried ('int', 'float') is not in the path
        ({"pools": {"desk": DESK}, "start": "soon"}, "start", "= 'soon'", "valid integer"),
        # a field validator
        (
            {"pools": {"desk": DESK}, "name": "my plan"},
            "name",
            "= 'my plan'",
            "must not contain spaces",
        ),
        # a model validator: the message names the values and the limit
        ({"pools": {f"p{i}": DESK for i in range(4)}}, "(top level): ", "got 4", "at most 3 pools"),
    ],
)
def test_every_error_kind_names_field_value_and_what_is_allowed(
    data: dict[str, Any], field: str, value: str, allowed: str
) -> None:
    found = problems(data)
    assert any(field in p and value in p and allowed in p for p in found), found
    assert not any("int." in p or "sample." in p or "float" in p.split(":")[0] for p in found)


def test_a_validator_reporting_several_problems_gives_one_line_each() -> None:
    found = problems({"pools": {"a": {"agents": 60}, "b": {"agents": 70}}})
    assert found == ["pools.a: 60 agents exceed 50", "pools.b: 70 agents exceed 50"]


def test_duplicate_lines_are_reported_once() -> None:
    found = problems({"pools": {"desk": {"agents": -1}}, "start": "soon"})
    assert len(found) == len(set(found))


def test_scenario_unknown_key_message_is_the_documented_one() -> None:
    (line,) = problems(
        {"tiers": {"A": {"customers": 1, "orders_per_hour": 1, "priorty": 0}}}, Scenario
    )
    assert line.startswith("tiers.A.priorty: unknown key; did you mean 'priority'? (allowed here: ")


def test_unknown_key_without_a_close_match_lists_what_is_allowed() -> None:
    assert unknown_key("pools.desk.zzz", ["agents", "discipline"]) == (
        "pools.desk.zzz: unknown key (allowed here: agents, discipline)"
    )


def test_unknown_name_suggests_and_says_how_to_add_when_allowed() -> None:
    text = unknown_name("order_entry.pools.dsk.agents", "order_entry.pools", "dsk", ["desk"], True)
    assert text == (
        "order_entry.pools.dsk.agents: the base scenario has no 'dsk' in order_entry.pools; "
        "did you mean 'desk'? (known: desk); to add one, give the whole entry: "
        "order_entry.pools.dsk={...}"
    )
    assert unknown_name("a.x.y", "a", "x", [], False) == (
        "a.x.y: the base scenario has no 'x' in a (known: none)"
    )


def test_not_a_section_names_the_value_reached() -> None:
    assert not_a_section("seed.x", "seed") == "seed.x: 'seed' is a value, not a section"


def test_did_you_mean_only_for_close_words() -> None:
    assert did_you_mean("pikers", ["pickers", "enabled"]) == "; did you mean 'pickers'?"
    assert did_you_mean("zzz", ["pickers"]) == ""


def test_long_values_are_cut() -> None:
    text = format_value("x" * 500)
    assert len(text) == MAX_VALUE_CHARS and text.endswith("...")
    assert format_value(12) == "12"


def test_scenario_error_lists_every_problem_under_its_source() -> None:
    error = ScenarioError(["a: bad", "b: worse"], "plan.yaml")
    assert error.problems == ["a: bad", "b: worse"]
    assert str(error) == "plan.yaml is invalid (2 problem(s)):\n  - a: bad\n  - b: worse"
    assert isinstance(error, ValueError)
