"""The ``tierwise`` command line: one module per command, assembled in :mod:`tierwise.cli.app`."""

from tierwise.cli.app import app, main

__all__ = ["app", "main"]
