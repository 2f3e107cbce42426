"""What a dotted field path means in a pydantic schema: the one schema walker.

A path such as ``order_entry.pools.desk.agents`` goes through *fields* of models
(``order_entry``, ``agents``) and *names* in mappings of entries (``desk`` in the
``pools: dict[str, Pool]`` mapping). :func:`shape_of` classifies a field's annotation and
:func:`child_shape` steps one component down; :func:`resolve_location` walks a pydantic error
location, dropping the union-branch tags pydantic inserts (``'sample'``,
``'function-after[_check(), Range]'``, ``'int'``) so that messages show the path the user wrote.
Both the override checks (:mod:`~tierwise.simulation.scenario.overrides`) and the error
formatter (:mod:`~tierwise.simulation.scenario.errors`) use this walker.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = [
    "Shape",
    "ShapeKind",
    "child_shape",
    "describe_expected",
    "model_shape",
    "resolve_location",
    "settle",
    "shape_of",
]

ShapeKind = Literal["model", "mapping", "sequence", "union", "value", "any"]


@dataclass(frozen=True)
class Shape:
    """What sits at one point of a schema.

    Attributes
    ----------
    kind : str
        ``model`` (fields), ``mapping`` (names → entries), ``sequence`` (indexed items),
        ``union`` (one of ``members``), ``value`` (a leaf) or ``any`` (not described).
    annotation : Any
        The annotation classified (the model class for ``model``).
    item : Any
        Annotation of the entries of a mapping or the items of a sequence.
    members : tuple
        Annotations of the alternatives of a union (``None`` excluded).
    discriminator : str, optional
        Field whose literal value selects the member of a tagged union.
    """

    kind: ShapeKind
    annotation: Any = None
    item: Any = None
    members: tuple[Any, ...] = ()
    discriminator: str | None = None

    @property
    def model(self) -> type[BaseModel] | None:
        """The model class when ``kind == "model"``."""
        return self.annotation if self.kind == "model" else None


ANY = Shape("any")


def model_shape(model: type[BaseModel]) -> Shape:
    """The shape of a model class (the root of a walk)."""
    return Shape("model", model)


def shape_of(annotation: Any, discriminator: str | None = None) -> Shape:
    """Classify a field annotation (``Optional`` is looked through, ``Annotated`` unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return shape_of(get_args(annotation)[0], discriminator)
    if origin is Union or origin is types.UnionType:
        members = tuple(a for a in get_args(annotation) if a is not type(None))
        if len(members) == 1:
            return shape_of(members[0], discriminator)
        return Shape("union", annotation, members=members, discriminator=discriminator)
    if origin is dict:
        args = get_args(annotation)
        return Shape("mapping", annotation, item=args[1] if len(args) == 2 else Any)
    if origin in (list, tuple, set, frozenset):
        items = [a for a in get_args(annotation) if a is not Ellipsis]
        uniform = origin is not tuple or len(set(items)) <= 1
        return Shape("sequence", annotation, item=items[0] if items and uniform else Any)
    if annotation is Any:
        return ANY
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("model", annotation)
    return Shape("value", annotation)


def settle(shape: Shape) -> Shape:
    """The shape a user path sees: a union with one structured member is that member.

    A union of several models (or of a model and a mapping) cannot be told apart from a path
    alone, so it becomes ``any`` (not checked further).
    """
    if shape.kind != "union":
        return shape
    structured = [s for s in map(shape_of, shape.members) if s.kind != "value"]
    if len(structured) == 1:
        return settle(structured[0])
    return ANY if structured else Shape("value", shape.annotation, members=shape.members)


def child_shape(shape: Shape, part: str | int) -> Shape:
    """The shape one component below ``shape`` (``any`` where the schema says nothing)."""
    shape = settle(shape)
    if shape.kind == "model":
        field = shape.annotation.model_fields.get(str(part))
        if field is None:
            return ANY
        return shape_of(field.annotation, _discriminator(field.discriminator))
    if shape.kind in ("mapping", "sequence"):
        return shape_of(shape.item)
    return ANY


def _discriminator(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _member_for_tag(shape: Shape, tag: str) -> Shape:
    """The union member pydantic names by ``tag`` in an error location."""
    members = [shape_of(m) for m in shape.members]
    if shape.discriminator is not None:
        for member in members:
            model = member.model
            field = model.model_fields.get(shape.discriminator) if model is not None else None
            if field is not None and tag in get_args(field.annotation):
                return member
    for member in members:
        model = member.model
        if model is not None and model.__name__ in tag:
            return member
        if member.kind == "mapping" and tag.startswith("dict"):
            return member
        if member.kind == "sequence" and tag.startswith(("list", "tuple", "set")):
            return member
    return ANY


def resolve_location(root: type[BaseModel], loc: Sequence[str | int]) -> tuple[list[str], Shape]:
    """Walk a pydantic error location from ``root``.

    Parameters
    ----------
    root : type of BaseModel
        The model that was validated.
    loc : sequence of str or int
        ``error["loc"]`` of a :class:`pydantic.ValidationError` entry.

    Returns
    -------
    (list of str, Shape)
        The user's path components (union-branch tags removed) and the shape at the end.
    """
    shape = model_shape(root)
    parts: list[str] = []
    for part in loc:
        if shape.kind == "union":
            shape = _member_for_tag(shape, str(part))  # a branch tag, not a user key
            continue
        parts.append(str(part))
        shape = child_shape(shape, part)
    return parts, shape


def describe_expected(shape: Shape) -> str:
    """A short phrase for what a shape accepts (``an integer``, ``a Pool mapping (agents)``)."""
    shape = settle(shape)
    if shape.kind == "model":
        fields = shape.annotation.model_fields
        required = [n for n, f in fields.items() if f.is_required()]
        listed = ", ".join(required) if required else "all optional: " + ", ".join(fields)
        return f"a {shape.annotation.__name__} mapping ({listed})"
    if shape.kind == "mapping":
        return f"a mapping of names to {describe_expected(shape_of(shape.item))}"
    if shape.kind == "sequence":
        return f"a list of {describe_expected(shape_of(shape.item))}"
    if shape.kind == "value":
        annotation = shape.annotation
        if get_origin(annotation) is Literal:
            return "one of " + ", ".join(repr(v) for v in get_args(annotation))
        if shape.members:
            return " or ".join(describe_expected(shape_of(m)) for m in shape.members)
        names = {bool: "true or false", int: "an integer", float: "a number", str: "text"}
        return names.get(annotation, getattr(annotation, "__name__", str(annotation)))
    return "a value"
