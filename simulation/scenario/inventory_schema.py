"""Scenario schema of the inventory stage: product families, their replenishment policy, and
stock rationing by tier.

Part of the scenario schema (:mod:`~tierwise.simulation.scenario.schema` holds the
:class:`~tierwise.simulation.scenario.schema.Scenario` that contains an :class:`Inventory` and
checks what depends on other sections, such as the tier names of ``reserve_units``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.section import Section
from tierwise.simulation.scenario.values import MAX_DAYS, Count, NonNegative, Positive

__all__ = ["MAX_UNITS", "Inventory", "InventoryFamily", "InventoryPolicy"]

#: Largest stock level or order quantity of a family, units.
MAX_UNITS = 10**12


class InventoryPolicy(Section):
    """Replenishment policy of one product family.

    ``sQ``: continuous review, order ``order_quantity_units`` when the inventory position
    drops to ``reorder_point_units`` or below. ``base_stock``: continuous one-for-one
    replenishment up to ``base_stock_units``. ``periodic``: every ``review_period_days``,
    order up to ``base_stock_units``.
    """

    kind: Literal["sQ", "base_stock", "periodic"]
    reorder_point_units: Count | None = Field(default=None, ge=-1, le=MAX_UNITS)
    order_quantity_units: Count | None = Field(default=None, ge=1, le=MAX_UNITS)
    base_stock_units: Count | None = Field(default=None, ge=0, le=MAX_UNITS)
    review_period_days: Annotated[Positive, Field(le=MAX_DAYS)] | None = None

    @model_validator(mode="after")
    def _check(self) -> InventoryPolicy:
        need = {
            "sQ": ("reorder_point_units", "order_quantity_units"),
            "base_stock": ("base_stock_units",),
            "periodic": ("base_stock_units", "review_period_days"),
        }[self.kind]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"policy kind '{self.kind}' needs {', '.join(missing)}")
        extra = [
            n
            for n in (
                "reorder_point_units",
                "order_quantity_units",
                "base_stock_units",
                "review_period_days",
            )
            if n not in need and getattr(self, n) is not None
        ]
        if extra:
            raise ValueError(f"policy kind '{self.kind}' does not take {', '.join(extra)}")
        return self


class InventoryFamily(Section):
    """A product family stocked in the warehouse.

    ``reserve_units`` rations the stock by tier (a critical-level policy): a line of tier X is
    filled from stock only while the on-hand stock after the fill stays at or above
    ``reserve_units[X]`` units, so the reserve is kept for the tiers served before X (a
    "higher" tier is one with a lower ``priority`` number). A tier not listed has reserve 0.
    A reserve is normally set for the lower tiers only; one on the best tier is allowed and
    simply holds stock back from every tier. A refused line follows the shortage rule
    (``inventory.shortage``) as a stock-out does.
    """

    policy: InventoryPolicy
    lead_time_days: Distribution
    unit_value_usd: NonNegative
    initial_units: Count | None = Field(
        default=None,
        ge=0,
        le=MAX_UNITS,
        description="stock at time 0; default: the policy's target level",
    )
    replenishment_order_cost_usd: NonNegative = 0.0
    reserve_units: dict[str, Annotated[Count, Field(ge=0, le=MAX_UNITS)]] = Field(
        default_factory=dict,
        description="per tier name: on-hand units kept back from that tier for the tiers "
        "served before it (a line is filled only while on hand after it stays >= the "
        "reserve); a tier not listed: 0",
    )


class Inventory(Section):
    """Inventory of product families with replenishment and stock-outs."""

    enabled: bool = True
    families: dict[str, InventoryFamily] = Field(default_factory=dict)
    shortage: Literal["backorder", "partial", "lost"] = Field(
        default="partial",
        description="backorder: hold the order until complete; partial: ship what is in stock "
        "now and the rest later (extra shipment); lost: cancel short lines",
    )
