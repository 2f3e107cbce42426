"""Tierwise: service level versus cost per customer tier (the CLI lives in :mod:`tierwise.cli`)."""

from simulation.version import __version__

__all__ = ["__version__"]
