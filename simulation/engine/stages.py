"""The stages of the order cycle, shared by the order record and the run results."""

from __future__ import annotations

import enum

__all__ = ["N_STAGES", "Stage"]


class Stage(enum.IntEnum):
    """Stages of the order cycle, in the order an order passes them (the index in ``stage_h``)."""

    TRANSMISSION = 0
    ORDER_ENTRY = 1
    PROCESSING = 2
    STOCK_WAIT = 3
    PICKING = 4
    SHIPPING = 5

    @property
    def label(self) -> str:
        """Name in the published metrics (``stage_<label>_h``)."""
        return self.name.lower()


#: Number of stages (the length of an order's ``stage_h``).
N_STAGES = len(Stage)
