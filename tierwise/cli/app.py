"""The ``tierwise`` command line: the typer app, with one module per command registered here.

The CLI is the only place that prints. Commands are listed in ``tierwise --help`` in the order
they are registered: the main job ``run`` first.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from tierwise.cli.check import check_command
from tierwise.cli.compare import compare_command
from tierwise.cli.console import console
from tierwise.cli.curves import curves_command
from tierwise.cli.help import ReadableCommand, ReadableGroup
from tierwise.cli.init import init_command
from tierwise.cli.optimize import optimize_command
from tierwise.cli.report import report_command
from tierwise.cli.run import run_command
from tierwise.cli.simulate import simulate_command
from tierwise.cli.sweep import sweep_command
from tierwise.cli.tiers import tiers_command
from tierwise.cli.validate import validate_command
from tierwise.simulation.version import __version__

__all__ = ["app", "main"]

app = typer.Typer(
    cls=ReadableGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Tierwise: how good should service be, for which customers, at what cost.",
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"tierwise {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log details")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


app.command("run", cls=ReadableCommand)(run_command)
app.command("simulate", cls=ReadableCommand)(simulate_command)
app.command("check", cls=ReadableCommand)(check_command)
app.command("sweep", cls=ReadableCommand)(sweep_command)
app.command("curves", cls=ReadableCommand)(curves_command)
app.command("optimize", cls=ReadableCommand)(optimize_command)
app.command("compare", cls=ReadableCommand)(compare_command)
app.command("report", cls=ReadableCommand)(report_command)
app.command("tiers", cls=ReadableCommand)(tiers_command)
app.command("validate", cls=ReadableCommand)(validate_command)
app.command("init", cls=ReadableCommand)(init_command)


def main() -> None:
    """Entry point of the ``tierwise`` script and ``python -m tierwise``."""
    app()
