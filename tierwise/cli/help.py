"""Readable ``--help``: placeholders that say what a value is, never a Python type.

Typer shows each option's Python type as its placeholder (``<bool>``, ``<int range>``,
``<list[str]>``, ``<path>``). The command classes here give every option without a metavar of
its own a plain one before the help is drawn: nothing for an on/off switch (``--verbose``,
``--quick``, ``--help``), ``N`` for a whole number, ``NUMBER`` for a decimal, ``PATH`` for a
path, ``TEXT`` for text, the choices as ``a|b|c``. An option that names its own metavar
(``--min-service TIER=LEVEL,…``) keeps it. :mod:`tierwise.cli.app` registers every command with
:class:`ReadableCommand` and the app with :class:`ReadableGroup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperCommand, TyperGroup

__all__ = ["ReadableCommand", "ReadableGroup", "placeholder", "readable_params"]


_NAMES: dict[type, str] = {int: "N", float: "NUMBER", str: "TEXT", Path: "PATH", bool: "BOOLEAN"}


def placeholder(param: Any) -> str | None:
    """The placeholder of an option whose own metavar is not set.

    ``""`` for a flag, ``N`` (whole number), ``NUMBER``, ``PATH``, ``TEXT``; the element's
    for a repeatable option; ``None`` for a choice (typer shows the choices, ``<a|b>``).
    """
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or descriptor.is_choice:
        return None
    annotation = descriptor.annotation
    if get_origin(annotation) in (list, tuple):
        annotation = next(iter(get_args(annotation)), str)
    return _NAMES.get(annotation, "VALUE")


def _no_type(ctx: Any) -> str:
    return ""


def readable_params(command: Any, ctx: Any) -> None:
    """Give every option of ``command`` (its help option too) a readable placeholder; an
    argument is named by its metavar (``SCENARIO``, ``SOURCES``) and shows no type."""
    for param in command.get_params(ctx):
        kind = getattr(param, "param_type_name", "")
        if kind == "option" and param.metavar is None:
            param.metavar = placeholder(param)
        elif kind == "argument" and param.metavar is not None:
            param.display_type_rich = _no_type  # typer would add "<path>", "<list[Path]>"


class ReadableCommand(TyperCommand):
    """A typer command whose help shows readable placeholders (:func:`readable_params`)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        readable_params(self, ctx)
        super().format_help(ctx, formatter)


class ReadableGroup(TyperGroup):
    """The app's group: readable placeholders in ``tierwise --help`` too."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        readable_params(self, ctx)
        super().format_help(ctx, formatter)
