"""``tierwise init``: copy the bundled scenario library into a folder, to edit and run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierwise.cli.console import console, fail
from tierwise.simulation.scenario.library import copy_library

__all__ = ["init_command"]


def init_command(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="folder to copy the scenarios into")
    ],
    overwrite: Annotated[
        bool, typer.Option(help="replace files that already exist (default: leave them)")
    ] = False,
) -> None:
    """Copy the bundled scenarios, sweep specs and strategy files into DIR, to edit and run."""
    try:
        written = copy_library(folder, overwrite=overwrite)
    except FileExistsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {folder}: {exc.strerror or exc}")
    if not written:
        console.print(
            f"nothing written: every library file already exists in {folder} "
            "(--overwrite replaces them)",
            highlight=False,
        )
    else:
        console.print(f"wrote {len(written)} file(s) into {folder}:", highlight=False)
        for path in written:
            console.print(f"  {path.relative_to(folder).as_posix()}", highlight=False)
    console.print(
        f"next: tierwise check {folder / 'default.yaml'}   then   "
        f"tierwise run {folder / 'default.yaml'} --quick",
        highlight=False,
    )
