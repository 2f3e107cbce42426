"""What flows through the order cycle: an order, its lines, its shortages, its record.

The stages of the cycle are the :class:`Stage` enum (the order of the per-stage time columns
``stage_<name>_h`` in the results); an order keeps one time per stage. An order's lines and its
short lines are named tuples, and an order measured in the window leaves an
:class:`OrderRecord` when the run keeps records (``--orders-out``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import simpy

from tierwise.simulation.engine.stages import N_STAGES

if TYPE_CHECKING:
    from tierwise.simulation.engine.tier import TierRun

__all__ = ["NO_FAMILY", "Order", "OrderLine", "OrderRecord", "Shortage"]

#: Family index of a line when inventory is off (lines are then only picked).
NO_FAMILY = -1


class OrderLine(NamedTuple):
    """One line of an order.

    Attributes
    ----------
    family : int
        Index of the product family in the inventory (:data:`NO_FAMILY` when inventory is off).
    units : int
        Units ordered (>= 1; 1 when inventory is off).
    pick_h : float
        Picking time of the line, hours (0 when picking is off).
    """

    family: int
    units: int
    pick_h: float


class Shortage(NamedTuple):
    """A line the stock could not cover when the order was allocated.

    Attributes
    ----------
    line : OrderLine
        The short line.
    covered : simpy.Event
        Fires when replenishment covers the line (never, for a lost line).
    """

    line: OrderLine
    covered: simpy.Event


class OrderRecord(NamedTuple):
    """One measured order, written when ``record_orders`` is on (``--orders-out``).

    ``order_id`` is ``<tier>-<creation index>`` (the same order in every run that shares the
    seed, warm-up orders counted). The ``*_h`` stage fields are the hours the order spent in each
    stage of the cycle (:class:`~tierwise.simulation.engine.stages.Stage`), 0 for a stage it
    skipped. A lost (abandoned) order has ``cycle_time_h`` NaN, its stage times so far, and
    every quality flag False (the CLI writes them empty).
    """

    order_id: str
    tier: str
    channel: str
    created_h: float
    cycle_time_h: float
    lost: bool
    on_time: bool
    complete: bool
    damage_free: bool
    accurate: bool
    billed_right: bool
    perfect: bool
    transmission_h: float
    order_entry_h: float
    processing_h: float
    stock_wait_h: float
    picking_h: float
    shipping_h: float


class Order:
    """The state of one order on its way through the cycle.

    Attributes
    ----------
    tier : TierRun
        The tier the order belongs to.
    channel : str
        Channel the order came by (set when its route is drawn).
    index : int
        Creation index within the tier (0 for the tier's first order); with the tier's name it
        identifies the order across runs that share the seed (common random numbers).
    created_h : float
        Creation time, hours on the engine clock.
    measured : bool
        Created inside the measurement window (counts in the results).
    accurate, billed_right, complete, damaged : bool
        Quality flags of the perfect-order measure.
    done_h : float
        Time the last part of the order was delivered, hours.
    pending_parts : int
        Shipments still under way (2 while the remainder of a partial order is open).
    stage_h : list of float
        Hours spent per :class:`Stage` (indexed by the stage).
    lines : list of OrderLine
        The lines still to ship with the first shipment.
    remainder_transit_h : float
        Transit time of a remainder shipment, hours (drawn at creation, used only if the order
        is shipped partially).
    remainder_damaged : bool
        A remainder shipment arrives damaged (drawn at creation, used only if there is one).
    complaint_u : float
        U(0, 1) draw of the complaint (drawn at creation, used only if the order turns out
        imperfect).
    recovery_success : bool
        A complaint about the order is recovered (drawn at creation).
    recovery_h : float
        Handling time of a complaint about the order, hours (drawn at creation).
    """

    __slots__ = (
        "accurate",
        "billed_right",
        "channel",
        "complaint_u",
        "complete",
        "created_h",
        "damaged",
        "done_h",
        "index",
        "lines",
        "measured",
        "pending_parts",
        "recovery_h",
        "recovery_success",
        "remainder_damaged",
        "remainder_transit_h",
        "stage_h",
        "tier",
    )

    def __init__(self, tier: TierRun, index: int, created_h: float, measured: bool) -> None:
        self.tier = tier
        self.index = index
        self.created_h = created_h
        self.measured = measured
        self.channel = ""
        self.accurate = True
        self.billed_right = True
        self.complete = True
        self.damaged = False
        self.done_h = created_h
        self.pending_parts = 1
        self.stage_h = [0.0] * N_STAGES
        self.lines: list[OrderLine] = []
        self.remainder_transit_h = 0.0
        self.remainder_damaged = False
        self.complaint_u = 1.0
        self.recovery_success = False
        self.recovery_h = 0.0
