"""Tierwise: service level versus cost per customer tier (the CLI is :mod:`tierwise.cli`)."""

from tierwise.simulation.version import __version__

__all__ = ["__version__"]
