"""Reading YAML input safely: size, encoding, duplicate keys, nesting and alias limits.

Scenario files, sweep specs, strategy files and ``--set`` values are all parsed here, so every
one of them is refused cleanly (a :class:`~tierwise.simulation.scenario.errors.ScenarioError`
naming the file and the line or byte) when it is

* larger than :data:`MAX_FILE_BYTES` (checked before reading);
* not UTF-8 text (the message gives the byte offset, line and column of the first bad byte);
* not valid YAML (line and column); ``1e12`` is read as a number (YAML 1.2), not as text;
* a mapping with the same key twice (YAML's "last one wins" would silently drop a value; the
  message names the key and both lines);
* nested deeper than :data:`MAX_DEPTH` levels;
* expanding, through aliases (``*name``), to more than :data:`MAX_NODES` values (a "billion
  laughs" file is a few hundred bytes that expand to billions of values).

The nesting and alias limits are checked on the composed node graph, before any Python object
is built; the libyaml C loader is used when PyYAML has it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tierwise.simulation.scenario.errors import ScenarioError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "parse_yaml",
    "read_yaml",
]

#: Largest input file, bytes (5 MiB); a scenario is a few kB.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Deepest nesting of mappings and lists (a scenario needs about 6).
MAX_DEPTH = 64
#: Most values (scalars, mappings, lists) after expanding aliases.
MAX_NODES = 1_000_000

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _InputProblem(Exception):
    """A problem found while parsing; its message is one line of a ScenarioError."""


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, refusing duplicate mapping keys; ``1e12`` is a number.

    YAML 1.1 (PyYAML's default) reads an exponent without a dot or sign (``1e12``,
    ``2.5e3``) as text; as numbers are strict (no text where a number is meant), such
    values are resolved as floats, as YAML 1.2 does.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if first is not None:
                raise _InputProblem(
                    f"duplicate key {key!r} at line {line} (first given at line {first}); "
                    "each key may appear only once in a mapping"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _check_graph(root: Node) -> None:
    """Refuse a node graph nested deeper than MAX_DEPTH or expanding beyond MAX_NODES.

    Aliases make the graph a DAG (or, with a recursive alias, cyclic): the expanded size of a
    node is computed once per node (memoised), iteratively, so a bomb is measured without
    being expanded.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(size[id(c)] for c in children)
            if total > MAX_NODES:
                line = node.start_mark.line + 1
                raise _InputProblem(
                    f"the value starting at line {line} expands (through aliases *name) to "
                    f"more than {MAX_NODES:,} values; at most {MAX_NODES:,} are allowed"
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            line = node.start_mark.line + 1
            raise _InputProblem(f"recursive alias at line {line}: a value may not contain itself")
        if depth > MAX_DEPTH:
            raise _InputProblem(_too_deep(node.start_mark.line + 1))
        if isinstance(node, ScalarNode):
            size[key] = 1
            continue
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in size)


def _too_deep(line: int) -> str:
    return (
        f"nesting at line {line} is deeper than {MAX_DEPTH} levels; at most {MAX_DEPTH} "
        "levels of mappings and lists are allowed"
    )


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def parse_yaml(text: str, source: str = "input") -> Any:
    """Parse YAML text with the limits of this module.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        Name of the input, for messages.

    Returns
    -------
    Any
        The document (``None`` when empty).

    Raises
    ------
    ScenarioError
        On a syntax error (line and column), a duplicate key, too deep nesting or an alias
        expansion beyond :data:`MAX_NODES`.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return loader.construct_document(node)
    except _InputProblem as exc:
        raise ScenarioError([str(exc)], source) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, controls)
        # libyaml counts UTF-8 bytes, the Python reader characters
        unit = text.encode("utf-8") if _BaseLoader is not yaml.SafeLoader else text
        before = unit[: exc.position]
        newline: Any = b"\n" if isinstance(before, bytes) else "\n"
        line = before.count(newline) + 1
        column = exc.position - (before.rfind(newline) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ScenarioError(
            [
                f"character U+{code:04X} at line {line}, column {column} is not allowed in "
                "YAML (control characters other than tab and newline are refused)"
            ],
            source,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if "maximum nesting depth" in str(exc):  # libyaml's own limit (1,000 levels)
            line = mark.line + 1 if mark else 1
            raise ScenarioError([_too_deep(line)], source) from None
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"YAML syntax error at {where}: {problem}"], source) from None
    except RecursionError:
        raise ScenarioError(
            [f"nesting is too deep; at most {MAX_DEPTH} levels are allowed"], source
        ) from None
    finally:
        loader.dispose()


def _decode(data: bytes, file: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError(
            [
                f"{file} is not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset "
                f"{exc.start} (line {line}, column {column}) is invalid; save the file as UTF-8"
            ],
            str(file),
        ) from None


def read_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file; every problem becomes a :class:`ScenarioError`.

    Raises
    ------
    ScenarioError
        If the file is missing, a directory, unreadable, larger than :data:`MAX_FILE_BYTES`,
        not UTF-8 (byte offset, line, column), or not valid YAML within the limits of
        :func:`parse_yaml` (line and column).
    """
    file = Path(path)
    source = str(file)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([f"file not found: {file}"], source) from None
    except IsADirectoryError:
        raise ScenarioError([f"{file} is a directory, not a YAML file"], source) from None
    except OSError as exc:
        raise ScenarioError([f"cannot read {file}: {exc.strerror}"], source) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                f"{file} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; input files are "
                f"limited to {MAX_FILE_BYTES:,} bytes"
            ],
            source,
        )
    return parse_yaml(_decode(data, file), source)
