"""Tierwise: service level versus cost per customer tier (the CLI lives in :mod:`tierwise.cli`)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tierwise")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
