"""``docs/commands/options.md`` is the app's options table, and the table is consistent: one
default per shared option, every list option read by the one list parser."""

from __future__ import annotations

from pathlib import Path

import typer

from tierwise.cli import options
from tierwise.cli.app import app
from tierwise.cli.reference import command_rows, options_markdown

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_the_committed_options_page_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "commands" / "options.md").read_text(encoding="utf-8")
    assert committed == options_markdown(), (
        "docs/commands/options.md is stale: run "
        "python -m tierwise.cli.reference > docs/commands/options.md"
    )


def test_every_command_has_a_section_and_every_option_a_row() -> None:
    page = options_markdown()
    for name, command in _commands().items():
        assert f"## tierwise {name}\n" in page
        for row in command_rows(command):
            assert f"| `{row.name}` |" in page


def test_shared_options_have_one_default_everywhere() -> None:
    defaults: dict[str, dict[str, str]] = {}
    for name, command in _commands().items():
        for row in command_rows(command):
            defaults.setdefault(row.name, {})[name] = row.default
    assert set(defaults["--workers"].values()) == {"2"}
    assert len(defaults["--workers"]) >= 6
    assert set(defaults["--format"].values()) == {"table"} and len(defaults["--format"]) == 9
    assert set(defaults["--replications"].values()) == {"—"}
    assert {"sweep", "compare", "optimize", "run", "simulate"} <= set(defaults["--seed"])
    # validate's seed seeds its reference cases: a fixed number, not a scenario's
    assert {c: d for c, d in defaults["--seed"].items() if d != "—"} == {"validate": "2024"}


def test_every_list_option_reads_the_comma_form() -> None:
    readers = {options.comma_list, options.comma_pairs, options._check_overrides}
    readers_names = {f.__qualname__ for f in readers}
    lists = [
        (name, param.name, getattr(param.callback, "__qualname__", None))
        for name, command in _commands().items()
        for param in command.params  # type: ignore[attr-defined]
        if getattr(param, "multiple", False)
    ]
    assert len(lists) >= 5  # --set ×3 at least, --precision-metric, --tier, --column …
    assert all(callback in readers_names for _, _, callback in lists), lists
