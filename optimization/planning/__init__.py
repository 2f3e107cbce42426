"""From sweeps to plans.

Per-tier options from sweep tables, curves, the closed verification loop.
"""

__all__: list[str] = []
