"""The scenario field reference, generated from the schema (so it cannot drift from it).

``python -m tierwise.simulation.scenario.reference > docs/scenario_reference.md`` rewrites the
document; a test
checks that the committed file equals the generated one.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.fieldpaths import settle, shape_of
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.values import MAX_SEED

__all__ = ["field_rows", "scenario_reference_markdown"]

_UNITS = {
    "_h": "h",
    "_s": "s",
    "_min": "min",
    "_days": "days",
    "_usd": "USD",
    "_usd_per_h": "USD/h",
    "_usd_per_day": "USD/day",
    "_usd_per_shipment": "USD/shipment",
    "_usd_per_pickup": "USD/pickup",
    "_usd_per_tour": "USD/tour",
    "_usd_per_order": "USD/order",
    "_usd_per_recovery": "USD/recovery",
    "_per_year": "1/year",
    "_units": "units",
    "_probability": "probability",
    "_per_hour": "1/h",
    "_hour": "h of day",
    "_hours": "h of day",
    "_rate": "fraction",
}


def _unit(name: str) -> str:
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if name.endswith(suffix):
            return _UNITS[suffix]
    return ""


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin is dict:
        return f"map of {_type_name(args[1])}"
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "distribution" if annotation is Distribution else "section"
    return getattr(annotation, "__name__", str(annotation))


_BOUNDS = ((Ge, ">=", "ge"), (Gt, ">", "gt"), (Le, "<=", "le"), (Lt, "<", "lt"))


def _bound_texts(metadata: Any) -> list[str]:
    parts: list[str] = []
    for meta in metadata:
        if isinstance(meta, FieldInfo):
            parts += _bound_texts(meta.metadata)
        for cls, symbol, attr in _BOUNDS:
            if isinstance(meta, cls):
                parts.append(f"{symbol} {_bound_value(getattr(meta, attr))}")
    return parts


def _bound_value(value: Any) -> str:
    """A bound as written in the reference: ``2^63 − 1``, ``10,000``, ``0.5``."""
    if value == MAX_SEED:
        return "2^63 − 1"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _bounds(info: FieldInfo) -> str:
    parts = _bound_texts(info.metadata)
    for arg in typing.get_args(info.annotation):
        parts += _bound_texts(getattr(arg, "__metadata__", ()))
    return ", ".join(dict.fromkeys(parts))


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    factory = info.default_factory
    value = factory() if factory is not None else info.default  # type: ignore[call-arg]
    if isinstance(value, BaseModel):
        if isinstance(value, Distribution):
            return value.model_dump_json(exclude_none=True)
        return "(section defaults)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The nested model of a field, and whether it sits inside a map (user-named keys)."""
    shape = settle(shape_of(annotation))
    if shape.kind == "mapping":
        return settle(shape_of(shape.item)).model, True
    return shape.model, False


def field_rows(model: type[BaseModel] = Scenario, prefix: str = "") -> list[dict[str, str]]:
    """One row per field, depth first: path, type, unit, default, allowed, description."""
    rows: list[dict[str, str]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        rows.append(
            {
                "path": path,
                "type": _type_name(info.annotation),
                "unit": _unit(name),
                "default": _default(info),
                "allowed": _bounds(info),
                "description": (info.description or "").replace("|", "/"),
            }
        )
        inner, in_map = _model_of(info.annotation)
        if inner is not None and inner is not Distribution:
            rows += field_rows(inner, f"{path}.<name>." if in_map else f"{path}.")
    return rows


def scenario_reference_markdown() -> str:
    """The whole reference as Markdown."""
    lines = [
        "# Scenario field reference",
        "",
        "Generated from `simulation/scenario/schema.py` by",
        "`python -m tierwise.simulation.scenario.reference`; do not",
        "edit by hand. `<name>` stands for a name you choose (a tier, pool, channel, family or",
        "shipping mode). Units are part of the field names; probabilities lie in [0, 1]. A",
        "`distribution` is `{dist: exponential, mean: …}`, `{dist: lognormal|gamma, mean, cv}`,",
        "`{dist: triangular, low, mode, high}`, `{dist: uniform, low, high}`,",
        "`{dist: deterministic, mean}` or `{dist: empirical, values, weights}`, in the unit of its",
        "field. Unknown keys are rejected. `--set path=value` overrides use these paths; a",
        "path may go only through names the scenario has (`order_entry.pools.desk.agents`),",
        "or end at a new name given as a whole entry (`order_entry.pools.vip={agents: 2}`).",
        "Numbers must be finite (`.inf` and `.nan` are refused), `true`/`false` is not a",
        "number, and an `int` field takes a whole number (`7` or `7.0`, not `7.5` or text).",
        'Files are limited in size, nesting and aliases; see the "Limits" section of',
        "`docs/scenarios.md`.",
        "",
        "| field | type | unit | default | allowed | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for row in field_rows():
        lines.append(
            f"| `{row['path']}` | {row['type']} | {row['unit']} | {row['default']} | "
            f"{row['allowed']} | {row['description']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - documentation generator
    import sys

    sys.stdout.write(scenario_reference_markdown())
