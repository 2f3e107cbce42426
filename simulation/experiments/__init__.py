"""Experiments on the engine: replications, sweeps (designs, cache, screening), strategy comparisons, validation."""

__all__: list[str] = []
