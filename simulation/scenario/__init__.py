"""Scenarios.

Schema, distributions, loading and overrides, error messages, the bundled library, the field
reference.
"""

__all__: list[str] = []
