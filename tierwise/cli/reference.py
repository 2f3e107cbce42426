"""The options table of ``docs/commands/options.md``, generated from the typer app.

``python -m tierwise.cli.reference > docs/commands/options.md`` writes it: every command in the
order of ``tierwise --help``, its arguments and options with their placeholder (as ``--help``
shows it), default and help text. A test keeps the committed file equal to the generated one,
so the page cannot drift from the app.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from tierwise.cli.help import readable_params

__all__ = ["OptionRow", "command_rows", "options_markdown"]

#: The page's first lines.
HEADER = """# Command-line options

Every command's arguments and options, generated from the app by
`python -m tierwise.cli.reference > docs/commands/options.md` (a test keeps this page equal to
the generated one; do not edit it by hand). The pages beside this one explain each command.

The same option means the same thing with the same default on every command that has it:
`--workers` (worker processes, default 2; results never depend on it), `--seed` (a new seed for
what is simulated; default the scenario's or the spec's), `--replications` (default the
scenario's), `--format table|json|csv` (default `table`; `json` and `csv` print only the
results on standard output), `--set FIELD=VALUE,…` (scenario overrides), `--overwrite`.

Every option that takes a list takes one form: items separated by commas (`--tier A,B`,
`--min-service A=0.9,B=0.85`); an option marked *repeatable* may also be given more than
once, and the two forms mix (`--set seed=7 --set picking.pickers=12,horizon_days=30`). A comma
inside brackets, braces or quotes does not separate
(`--set 'tiers.A.channel_mix={web: 0.5, phone: 0.5}'`).
"""


@dataclass(frozen=True)
class OptionRow:
    """One argument or option of a command.

    Attributes
    ----------
    name : str
        ``--workers``, ``--verify / --no-verify``, or an argument's metavar (``SCENARIO``).
    placeholder : str
        What ``--help`` shows after the name (``N``, ``TIER=LEVEL,…``, ``table|json|csv``;
        empty for a switch).
    default : str
        The default in words (``2``, ``table``, ``--verify``; ``—`` for none, ``required``).
    help : str
        The help text.
    """

    name: str
    placeholder: str
    default: str
    help: str


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _default(param: Any) -> str:
    value = param.default
    if getattr(param, "required", False):
        return "required"
    if _is_option(param) and param.is_flag and param.secondary_opts:
        return param.opts[0] if value else param.secondary_opts[0]
    if value is None or value == () or value == []:
        return "—"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, Path):
        return value.as_posix()
    return str(value)


def _placeholder(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "|".join(str(member.value) for member in annotation)
    if _is_option(param) and param.is_flag:
        return ""
    return param.metavar or ""


def command_rows(command: Any) -> list[OptionRow]:
    """The arguments, then the options of ``command`` (the help option left out), as
    :class:`OptionRow`; placeholders as in ``--help``
    (:func:`tierwise.cli.help.readable_params`)."""
    ctx = typer.Context(command, info_name=command.name)
    readable_params(command, ctx)
    rows: list[OptionRow] = []
    for param in command.get_params(ctx):
        if _is_option(param):
            if "--help" in param.opts:
                continue
            name = " / ".join(["/".join(param.opts), *param.secondary_opts])
            help_text = (param.help or "") + (" (repeatable)" if param.multiple else "")
        else:
            name = param.metavar or (param.name or "").upper()
            help_text = getattr(param, "help", "") or ""
        rows.append(
            OptionRow(name, _placeholder(param), _default(param), " ".join(help_text.split()))
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def options_markdown(app: typer.Typer | None = None) -> str:
    """The whole page: one section and table per command of ``app`` (default: tierwise's)."""
    if app is None:
        from tierwise.cli.app import app as tierwise_app

        app = tierwise_app
    group: Any = typer.main.get_command(app)
    ctx = typer.Context(group, info_name="tierwise")
    lines = [HEADER]
    for name in group.list_commands(ctx):
        command = group.commands[name]
        summary = (command.help or "").strip().split("\n\n")[0]
        lines += [f"## tierwise {name}", "", " ".join(summary.split()), ""]
        lines += ["| argument or option | value | default | meaning |", "|---|---|---|---|"]
        for row in command_rows(command):
            shown = row.placeholder and row.placeholder != row.name
            value = f"`{_cell(row.placeholder)}`" if shown else ""
            default = (
                f"`{_cell(row.default)}`" if row.default not in ("—", "required") else row.default
            )
            lines.append(f"| `{_cell(row.name)}` | {value} | {default} | {_cell(row.help)} |")
        lines.append("")
    return "\n".join(lines)


def _main(argv: list[str]) -> int:
    """``python -m tierwise.cli.reference``: the page on standard output."""
    sys.stdout.write(options_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
