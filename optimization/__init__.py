"""Tierwise optimisation layer: revenue response, PuLP models, solving and verification.

This package may import :mod:`simulation`; :mod:`simulation` never imports it.
"""

__all__: list[str] = []
