"""Tierwise simulation layer: scenarios, the SimPy order-cycle engine, replications, sweeps."""

__all__: list[str] = []
