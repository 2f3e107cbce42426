"""Experiments on the engine.

Replications, sweeps (designs, cache, screening), strategy comparisons, validation.
"""

__all__: list[str] = []
