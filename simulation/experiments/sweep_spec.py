"""Sweep specifications: which scenario variants to simulate, as data (a YAML file).

A sweep spec names a base scenario (a path relative to the spec file), the scenario fields to
vary (``axes``: dotted field paths → values) and how to combine them (``design``)::

    base: ../default.yaml
    axes:
      order_entry.pools.desk.agents: [5, 6, 7, 8]
      picking.pickers: {start: 10, stop: 14, step: 2}    # 10, 12, 14 (stop included)
      horizon_days: [12]                                   # one value: fixed for every variant
    design: grid              # or {kind: list, variants: [...]} or {kind: sample, n: 40, seed: 1}
    replications: 3           # or precision: {relative_half_width: 0.02, max_replications: 20}
    seed: 2024                # optional: replaces the base scenario's seed
    screening: true           # drop variants analytic theory shows unstable or dominated

Everything is checked up front (:func:`load_sweep`): unknown spec keys, unknown or misspelt
field paths (with a "did you mean"), names of pools/tiers/families that the base scenario does
not have, empty axes, and every variant's scenario against the scenario schema. All problems
are reported together in one :class:`~tierwise.simulation.scenario.loading.ScenarioError` whose
lines name the
variant and the field.

Each variant has a stable ``variant_id`` (12 hex digits of the sha256 of its parameter
mapping's canonical JSON) and a validated :class:`~tierwise.simulation.scenario.schema.Scenario`.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import logging
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tierwise.simulation.metrics import METRIC_UNITS
from tierwise.simulation.scenario.loading import (
    ScenarioError,
    apply_overrides,
    load_scenario,
    read_yaml,
    scenario_from_dict,
)
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "GridDesign",
    "ListDesign",
    "Precision",
    "Range",
    "SampleDesign",
    "SweepPlan",
    "SweepSpec",
    "Variant",
    "expand_range",
    "latin_hypercube",
    "load_sweep",
    "plan_sweep",
    "variant_id",
]

logger = logging.getLogger(__name__)

#: Most per-variant problems listed in one error (the rest are counted).
MAX_LISTED_PROBLEMS = 20


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Spec):
    """A numeric axis ``start, start + step, …`` up to and including ``stop``.

    Without ``step`` the range is continuous (``design: sample`` only): values are drawn in
    ``[start, stop]``, as integers when both ends are integers.
    """

    start: int | float
    stop: int | float
    step: int | float | None = None

    @model_validator(mode="after")
    def _check(self) -> Range:
        for name in ("start", "stop", "step"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value}")
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) must be >= start ({self.start})")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"step must be > 0, got {self.step}")
        return self

    @property
    def continuous(self) -> bool:
        """Whether the range has no step (sampled continuously)."""
        return self.step is None

    @property
    def integral(self) -> bool:
        """Whether start, stop (and step) are all integers."""
        return all(
            isinstance(v, int) and not isinstance(v, bool)
            for v in (self.start, self.stop, self.step if self.step is not None else 1)
        )


def expand_range(axis: Range) -> list[Any]:
    """Values of a stepped range, ``stop`` included when it lies on the grid.

    Float values are rounded to 12 decimals so that ``0.1 + 0.2`` prints as ``0.3``.

    Raises
    ------
    ValueError
        If the range has no step (it is continuous).
    """
    if axis.step is None:
        raise ValueError("a range without step is continuous and has no finite list of values")
    count = math.floor((axis.stop - axis.start) / axis.step + 1e-9) + 1
    if axis.integral:
        return [int(axis.start) + i * int(axis.step) for i in range(count)]
    return [round(float(axis.start) + i * float(axis.step), 12) for i in range(count)]


class GridDesign(_Spec):
    """Full factorial: every combination of the axes' values (first axis varies slowest)."""

    kind: Literal["grid"] = "grid"


class ListDesign(_Spec):
    """Explicit variants, each a mapping ``dotted path → value``.

    Axes with a single value apply to every variant; multi-valued axes are not allowed.
    A path that some variants set and others do not takes the base scenario's value in the
    others (and in the ``param.*`` column).
    """

    kind: Literal["list"]
    variants: list[dict[str, Any]] = Field(min_length=1)


class SampleDesign(_Spec):
    """Space-filling Latin hypercube of ``n`` points over the axes, seeded.

    Each axis is cut into ``n`` equal strata with exactly one point in each; a listed or
    stepped axis maps its stratum to one of its values, a continuous range to a value in
    ``[start, stop]``. Duplicate points (possible with few discrete values) are dropped.
    """

    kind: Literal["sample"]
    n: int = Field(ge=1)
    seed: int = Field(default=0, ge=0)


Design = Annotated[GridDesign | ListDesign | SampleDesign, Field(discriminator="kind")]


class Precision(_Spec):
    """Replicate each variant until the relative CI half-width meets a target (with a cap).

    Attributes
    ----------
    relative_half_width : float
        Target half-width / |mean| in (0, 1), e.g. 0.02 for ±2 %.
    max_replications : int
        Cap per variant.
    initial_replications : int
        Replications of the first round.
    metrics : list of str, optional
        Flat metric names (``"A.perfect_order_rate"``); default: every tier's
        ``perfect_order_rate`` and ``cost_per_day_usd``.
    confidence : float
        Confidence level of the half-width.
    """

    relative_half_width: float = Field(gt=0.0, lt=1.0)
    max_replications: int = Field(default=20, ge=2)
    initial_replications: int = Field(default=3, ge=2)
    metrics: list[str] | None = None
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _check(self) -> Precision:
        if self.initial_replications > self.max_replications:
            raise ValueError(
                f"initial_replications ({self.initial_replications}) must be <= "
                f"max_replications ({self.max_replications})"
            )
        return self


class SweepSpec(_Spec):
    """A sweep spec file (see the module docstring for the format)."""

    base: str = Field(description="base scenario YAML, relative to the spec file")
    name: str | None = None
    description: str = ""
    axes: dict[str, list[Any] | Range] = Field(default_factory=dict)
    design: Design = Field(default_factory=GridDesign)
    replications: int | None = Field(default=None, ge=1)
    precision: Precision | None = None
    seed: int | None = Field(default=None, ge=0)
    screening: bool = True

    @field_validator("design", mode="before")
    @classmethod
    def _design_shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": value}
        return value

    @field_validator("precision", mode="before")
    @classmethod
    def _precision_shorthand(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"relative_half_width": value}
        return value

    @field_validator("axes", mode="before")
    @classmethod
    def _axes(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError("axes must map dotted field paths to lists of values or ranges")
        out: dict[str, Any] = {}
        problems: list[str] = []
        for path, values in value.items():
            if not isinstance(path, str) or not path.strip():
                problems.append(f"axis name {path!r} must be a dotted field path")
            elif isinstance(values, Mapping):
                try:
                    out[path] = Range.model_validate(dict(values))
                except ValidationError as exc:
                    problems += [
                        f"axes.{path}: a mapping must be a range {{start, stop, step}}: "
                        + _describe_error(e).removeprefix("(top level): ")
                        for e in exc.errors()
                    ]
            elif isinstance(values, list | tuple):
                if not values:
                    problems.append(f"axes.{path}: empty axis; give at least one value")
                keys = [_canonical(v) for v in values]
                repeated = [v for k, v in zip(keys, values, strict=True) if keys.count(k) > 1]
                if repeated:
                    problems.append(f"axes.{path}: value {repeated[0]!r} appears more than once")
                out[path] = list(values)
            else:
                out[path] = [values]  # a single value fixes the field for every variant
        if problems:
            raise ValueError("\n".join(problems))
        return out

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        problems: list[str] = []
        if self.replications is not None and self.precision is not None:
            problems.append("give replications or precision, not both")
        for path, values in self.axes.items():
            if isinstance(values, Range) and values.continuous and self.design.kind != "sample":
                problems.append(
                    f"axes.{path}: a range without step is continuous; it needs "
                    f"design: sample (or give a step)"
                )
        if self.design.kind in ("grid", "sample") and not self.axes:
            problems.append(f"design {self.design.kind} needs at least one axis")
        if self.design.kind == "list":
            for path, values in self.axes.items():
                if not isinstance(values, list) or len(values) != 1:
                    problems.append(
                        f"axes.{path}: with design: list an axis must have exactly one value "
                        "(the variants give the rest)"
                    )
        if self.seed is not None and "seed" in self.axes:
            problems.append("seed is both a sweep-level override and an axis; give it once")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def initial_replications(self) -> int | None:
        """Replications of the first round (``None``: the base scenario's own count)."""
        if self.precision is not None:
            return self.precision.initial_replications
        return self.replications


@dataclass(frozen=True)
class Variant:
    """One point of a sweep.

    Attributes
    ----------
    index : int
        Position in design order (0-based); rows of the sweep table follow it.
    variant_id : str
        12 hex digits of the sha256 of the canonical JSON of ``params``.
    params : dict
        ``dotted path → value`` for every axis of the sweep.
    scenario : Scenario
        The validated scenario of this variant.
    """

    index: int
    variant_id: str
    params: Mapping[str, Any]
    scenario: Scenario

    def label(self) -> str:
        """Short ``path=value, …`` description."""
        return ", ".join(f"{p}={_short(v)}" for p, v in self.params.items()) or "(base)"


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: its spec, base scenario and expanded variants.

    Attributes
    ----------
    spec : SweepSpec
        The spec as read.
    base : Scenario
        The base scenario (with the spec's seed, if any).
    variants : tuple of Variant
        In design order.
    param_paths : tuple of str
        The varied field paths (the ``param.*`` columns), in axis order.
    source : str
        Where the spec came from (for messages).
    name : str
        The spec's name, or the spec file's stem.
    """

    spec: SweepSpec
    base: Scenario
    variants: tuple[Variant, ...]
    param_paths: tuple[str, ...]
    source: str = "sweep spec"
    name: str = "sweep"
    notes: tuple[str, ...] = field(default=())

    @property
    def replications(self) -> int:
        """Replications per variant in the first (or only) round."""
        initial = self.spec.initial_replications
        return initial if initial is not None else self.base.replications

    @property
    def precision(self) -> Precision | None:
        """The precision target, when replications are sequential."""
        return self.spec.precision


def variant_id(params: Mapping[str, Any]) -> str:
    """Stable short id of a parameter mapping (key order does not matter).

    Returns
    -------
    str
        The first 12 hex digits of the sha256 of ``json.dumps(params, sort_keys=True)``.
    """
    return hashlib.sha256(_canonical(dict(params)).encode()).hexdigest()[:12]


def latin_hypercube(n: int, dimensions: int, seed: int) -> np.ndarray:
    """A random Latin hypercube of ``n`` points in ``[0, 1)^dimensions``.

    In every dimension each of the ``n`` strata ``[k/n, (k+1)/n)`` holds exactly one point.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    dimensions : int
        Number of axes (>= 1).
    seed : int
        Seed of the :func:`numpy.random.default_rng` generator.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, dimensions)``.
    """
    if n < 1 or dimensions < 1:
        raise ValueError(f"need n >= 1 and dimensions >= 1, got n={n}, dimensions={dimensions}")
    rng = np.random.default_rng(seed)
    points = np.empty((n, dimensions))
    for j in range(dimensions):
        points[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return points


# --------------------------------------------------------------------------- loading


def load_sweep(path: str | Path) -> SweepPlan:
    """Read, validate and expand a sweep spec file.

    Parameters
    ----------
    path : str or Path
        The spec YAML; its ``base`` is resolved relative to the spec's folder.

    Raises
    ------
    ScenarioError
        With one line per problem (spec keys, field paths, variants).
    """
    file = Path(path)
    source = str(file)
    data = read_yaml(file)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f"(top level): expected a mapping (base, axes, design …), got {type(data).__name__}"],
            source,
        )
    return plan_sweep(data, file.parent, source=source, default_name=file.stem)


def plan_sweep(
    spec: SweepSpec | Mapping[str, Any],
    base_dir: str | Path = ".",
    source: str = "sweep spec",
    default_name: str = "sweep",
) -> SweepPlan:
    """Validate a spec (model or mapping) and expand it into variants.

    Parameters
    ----------
    spec : SweepSpec or mapping
        The spec.
    base_dir : str or Path
        Folder that ``spec.base`` is relative to.
    source : str
        Name used in error messages.
    default_name : str
        Name of the sweep when the spec gives none.

    Raises
    ------
    ScenarioError
        With one line per problem.
    """
    if not isinstance(spec, SweepSpec):
        try:
            spec = SweepSpec.model_validate(dict(spec))
        except ValidationError as exc:
            raise ScenarioError(_spec_problems(exc), source) from None

    base_path = Path(base_dir) / spec.base
    try:
        load_scenario(base_path)  # readable errors for a broken base file
    except ScenarioError as exc:
        lines = [f"base scenario {base_path}: {p}" for p in exc.problems]
        raise ScenarioError(lines, source) from None
    base_data: dict[str, Any] = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    if spec.seed is not None:
        base_data = apply_overrides(base_data, [("seed", spec.seed)])
    base = scenario_from_dict(base_data, str(base_path))
    base_dump = base.model_dump(mode="json")

    # every field path first: a typo would otherwise fail every variant
    problems: list[str] = []
    for path in spec.axes:
        problem = _check_path(path, base_dump)
        if problem:
            problems.append(f"axes.{path}: {problem}")
    if isinstance(spec.design, ListDesign):
        checked: set[str] = set(spec.axes)
        for i, mapping in enumerate(spec.design.variants):
            for path in mapping:
                if path in spec.axes:
                    problems.append(
                        f"design.variants[{i}].{path}: also an axis; give it in one place"
                    )
                elif path not in checked:
                    checked.add(path)
                    problem = _check_path(str(path), base_dump)
                    if problem:
                        problems.append(f"design.variants[{i}].{path}: {problem}")
    problems += _check_precision_metrics(spec, base)
    if problems:
        raise ScenarioError(problems, source)

    param_paths, explicit = _expand(spec, base_dump)
    variants: list[Variant] = []
    notes: list[str] = []
    by_hash: dict[str, tuple[int, str]] = {}
    duplicates: list[str] = []
    seen_problems: dict[str, list[Any]] = {}  # problem → [first variant, label, count]
    for position, given in enumerate(explicit):
        params = {p: given[p] if p in given else _lookup(base_dump, p) for p in param_paths}
        vid = variant_id(params)
        label = ", ".join(f"{p}={_short(v)}" for p, v in given.items()) or "(base)"
        try:
            scenario = scenario_from_dict(apply_overrides(base_data, list(given.items())))
        except ScenarioError as exc:
            for problem in exc.problems:
                seen_problems.setdefault(problem, [position, label, 0])[2] += 1
            continue
        previous = by_hash.get(scenario.content_hash)
        if previous is not None:
            if isinstance(spec.design, SampleDesign):
                continue  # a Latin hypercube over few discrete values repeats points
            duplicates.append(
                f"variant #{position} ({label}) is the same scenario as variant "
                f"#{previous[0]} ({previous[1]})"
            )
            continue
        by_hash[scenario.content_hash] = (position, label)
        variants.append(Variant(len(variants), vid, params, scenario))
    for problem, (position, label, count) in list(seen_problems.items())[:MAX_LISTED_PROBLEMS]:
        also = f" (and {count - 1} more variant(s))" if count > 1 else ""
        problems.append(f"variant #{position} ({label}): {problem}{also}")
    if len(seen_problems) > MAX_LISTED_PROBLEMS:
        problems.append(f"… {len(seen_problems) - MAX_LISTED_PROBLEMS} more distinct problem(s)")
    problems += duplicates[:MAX_LISTED_PROBLEMS]
    if len(duplicates) > MAX_LISTED_PROBLEMS:
        problems.append(f"… {len(duplicates) - MAX_LISTED_PROBLEMS} more duplicate variant(s)")
    if problems:
        raise ScenarioError(problems, source)
    if isinstance(spec.design, SampleDesign) and len(variants) < spec.design.n:
        notes.append(
            f"sample of {spec.design.n} points gave {len(variants)} distinct variants "
            "(discrete axes with few values repeat)"
        )
        logger.info(notes[-1])
    return SweepPlan(
        spec=spec,
        base=base,
        variants=tuple(variants),
        param_paths=tuple(param_paths),
        source=source,
        name=spec.name or default_name,
        notes=tuple(notes),
    )


def _expand(spec: SweepSpec, base_dump: Mapping[str, Any]) -> tuple[list[str], list[dict]]:
    """Parameter paths and, per variant, the explicitly given ``path → value`` mapping."""
    axes = {
        p: (expand_range(v) if isinstance(v, Range) and not v.continuous else v)
        for p, v in spec.axes.items()
    }
    paths = list(axes)
    design = spec.design
    if isinstance(design, GridDesign):
        lists = [axes[p] for p in paths]
        return paths, [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*lists)]
    if isinstance(design, ListDesign):
        fixed = {p: axes[p][0] for p in paths}  # type: ignore[index]
        for mapping in design.variants:
            for p in mapping:
                if p not in paths:
                    paths.append(str(p))
        return paths, [{**fixed, **{str(k): v for k, v in m.items()}} for m in design.variants]
    points = latin_hypercube(design.n, len(paths), design.seed)
    variants: list[dict] = []
    for row in points:
        given: dict[str, Any] = {}
        for p, u in zip(paths, row, strict=True):
            axis = axes[p]
            if isinstance(axis, Range):
                given[p] = _continuous_value(axis, float(u))
            else:
                given[p] = axis[min(int(u * len(axis)), len(axis) - 1)]
        variants.append(given)
    return paths, variants


def _continuous_value(axis: Range, u: float) -> int | float:
    if axis.integral:
        span = int(axis.stop) - int(axis.start) + 1
        return int(axis.start) + min(int(u * span), span - 1)
    return round(float(axis.start) + u * (float(axis.stop) - float(axis.start)), 10)


def _check_precision_metrics(spec: SweepSpec, base: Scenario) -> list[str]:
    if spec.precision is None or not spec.precision.metrics:
        return []
    problems = []
    for name in spec.precision.metrics:
        head, _, rest = name.partition(".")
        if head in base.tiers and rest in METRIC_UNITS:
            continue
        if name == "total.cost_per_day_usd" or (
            head in ("utilisation", "cost", "inventory") and rest
        ):
            continue
        problems.append(
            f"precision.metrics: unknown metric {name!r}; use <tier>.<metric> with tier in "
            f"{', '.join(base.tiers)} and metric one of {', '.join(sorted(METRIC_UNITS))}, or "
            "total.cost_per_day_usd"
        )
    return problems


# --------------------------------------------------------------------------- field paths


def _classify(annotation: Any) -> tuple[str, Any]:
    """``("model", cls)``, ``("dict", value type)`` or ``("leaf", None)`` for an annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _classify(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        members = [a for a in get_args(annotation) if a is not type(None)]
        for member in members:
            kind = _classify(member)
            if kind[0] != "leaf":
                return kind
        return ("leaf", None)
    if origin is dict:
        return ("dict", get_args(annotation)[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation)
    return ("leaf", None)


def _check_path(path: str, base_dump: Mapping[str, Any]) -> str | None:
    """Why ``path`` is not a field of the scenario schema (or None when it is).

    Keys inside mappings of named entries (tiers, pools, families, modes, mixes) must exist
    in the base scenario: a misspelt pool name would otherwise silently add a new pool.
    """
    parts = path.split(".")
    if any(not p for p in parts):
        return "empty component in the dotted path"
    kind: tuple[str, Any] = ("model", Scenario)
    node: Any = base_dump
    for i, part in enumerate(parts):
        where = ".".join(parts[:i]) or "the scenario"
        if kind[0] == "model":
            fields = kind[1].model_fields
            if part not in fields:
                close = difflib.get_close_matches(part, list(fields), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                return (
                    f"unknown field '{part}' in {where}{hint} "
                    f"(allowed there: {', '.join(sorted(fields))})"
                )
            kind = _classify(fields[part].annotation)
        elif kind[0] == "dict":
            known = sorted(node) if isinstance(node, Mapping) else []
            if part not in known:
                close = difflib.get_close_matches(part, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                return (
                    f"the base scenario has no '{part}' in {where}{hint} "
                    f"(known: {', '.join(known) or 'none'})"
                )
            kind = _classify(kind[1])
        else:
            return f"'{where}' is a value, not a section"
        node = node.get(part) if isinstance(node, Mapping) else None
    return None


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


# --------------------------------------------------------------------------- messages

_BRANCH_TAGS = {"grid", "list", "sample", "list[any]", "Range", "function-after[_check(), Range]"}


def _describe_error(error: Mapping[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", ()) if str(p) not in _BRANCH_TAGS]
    path = ".".join(loc) or "(top level)"
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"{path}: unknown key"
    if kind == "missing":
        return f"{path}: required field is missing"
    value = error.get("input")
    if isinstance(value, Mapping | list) or kind == "value_error":
        return f"{path}: {msg}"
    return f"{path} = {_short(value)}: {msg}"


def _spec_problems(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        text = _describe_error(error)
        if error.get("type") == "extra_forbidden":
            loc = [str(p) for p in error.get("loc", ()) if str(p) not in _BRANCH_TAGS]
            model: type[BaseModel] = SweepSpec
            if len(loc) == 2 and loc[0] == "precision":
                model = Precision
            elif len(loc) == 2 and loc[0] == "design":
                model = SampleDesign
            close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1)
            if close:
                text += f"; did you mean '{close[0]}'?"
            text += f" (allowed here: {', '.join(model.model_fields)})"
        elif error.get("type") == "value_error":
            loc = [str(p) for p in error.get("loc", ()) if str(p) not in _BRANCH_TAGS]
            msg = str(error.get("msg", "")).removeprefix("Value error, ")
            where = ".".join(loc)
            problems += [
                line if not where or line.startswith(where) else f"{where}: {line}"
                for line in msg.splitlines()
                if line.strip()
            ]
            continue
        problems.append(text)
    return list(dict.fromkeys(problems))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
