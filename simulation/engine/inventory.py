"""Stock points: on-hand stock per product family with (s, Q), base-stock or periodic review.

Demand is allocated line by line; a line the stock cannot cover is short: it is backordered
(its event fires when replenishment covers it) or lost, as the scenario says. On-hand stock is
integrated over time for holding cost.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import simpy

from tierwise.simulation.scenario.schema import InventoryFamily

__all__ = ["StockPoint"]


class StockPoint:
    """Stock of one product family.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    family : InventoryFamily
        Policy, lead time and value.
    lead_time_h : Callable[[], float]
        Sampler of replenishment lead times, hours.
    window : tuple of float
        Measurement window (start, end), hours.
    """

    def __init__(
        self,
        env: simpy.Environment,
        family: InventoryFamily,
        lead_time_h: Callable[[], float],
        window: tuple[float, float],
    ) -> None:
        self.env = env
        self.policy = family.policy
        self.lead_time_h = lead_time_h
        self.window_start_h, self.window_end_h = window
        target = self._target_level()
        self.on_hand = float(family.initial_units if family.initial_units is not None else target)
        self.on_order = 0.0
        self.backordered = 0.0
        self.waiting: deque[list] = deque()  # [remaining units, event]
        self._last_change_h = 0.0
        self.on_hand_area = 0.0  # unit-hours inside the window
        self.demand_lines = 0
        self.filled_lines = 0
        self.replenishments = 0
        self.periods = 0
        self.periods_without_stockout = 0
        self.shortage_units = 0.0
        self._stockout_this_period = False
        if self.policy.kind == "periodic":
            env.process(self._review())
        else:
            self._replenish_if_needed()

    def _target_level(self) -> float:
        p = self.policy
        if p.kind == "sQ":
            assert p.reorder_point_units is not None and p.order_quantity_units is not None
            return float(p.reorder_point_units + p.order_quantity_units)
        assert p.base_stock_units is not None
        return float(p.base_stock_units)

    @property
    def position(self) -> float:
        """Inventory position: on hand + on order − backordered (units)."""
        return self.on_hand + self.on_order - self.backordered

    def _integrate(self) -> None:
        now = self.env.now
        a = max(self._last_change_h, self.window_start_h)
        b = min(now, self.window_end_h)
        if b > a:
            self.on_hand_area += self.on_hand * (b - a)
        self._last_change_h = now

    def demand(self, units: float, measured: bool, keep_short: bool) -> simpy.Event | None:
        """Allocate one line of ``units``.

        Returns ``None`` when the line is filled from stock now, otherwise an event that fires
        when the line is covered (``keep_short``) or an already-failed marker (lost line).
        """
        now = self.env.now
        if measured:
            self.demand_lines += 1
        if self.on_hand >= units:
            self._integrate()
            self.on_hand -= units
            if measured:
                self.filled_lines += 1
            self._replenish_if_needed()
            return None
        if now >= self.window_start_h:
            self._stockout_this_period = True
        if measured:
            self.shortage_units += units - self.on_hand if keep_short else units
        if not keep_short:
            self._replenish_if_needed()
            return self.env.event()  # never fires: the line is lost
        self._integrate()
        remaining = units - self.on_hand
        self.on_hand = 0.0
        self.backordered += remaining
        event = self.env.event()
        self.waiting.append([remaining, event])
        self._replenish_if_needed()
        return event

    def _replenish_if_needed(self) -> None:
        p = self.policy
        if p.kind == "sQ":
            assert p.reorder_point_units is not None and p.order_quantity_units is not None
            while self.position <= p.reorder_point_units:
                self._order(float(p.order_quantity_units))
        elif p.kind == "base_stock":
            assert p.base_stock_units is not None
            gap = p.base_stock_units - self.position
            if gap > 0:
                self._order(gap)

    def _order(self, quantity: float) -> None:
        self.on_order += quantity
        self.replenishments += int(self.window_start_h <= self.env.now < self.window_end_h)
        lead = self.lead_time_h()
        if lead <= 0:
            self._receive(quantity)
        else:
            self.env.process(self._deliver(quantity, lead))

    def _deliver(self, quantity: float, lead_h: float):  # type: ignore[no-untyped-def]
        yield self.env.timeout(lead_h)
        self._receive(quantity)

    def _receive(self, quantity: float) -> None:
        self._integrate()
        self.on_order -= quantity
        available = quantity
        while self.waiting and available > 0:
            entry = self.waiting[0]
            take = min(entry[0], available)
            entry[0] -= take
            available -= take
            self.backordered -= take
            if entry[0] <= 1e-9:
                self.waiting.popleft()
                entry[1].succeed()
        self.on_hand += available

    def _review(self):  # type: ignore[no-untyped-def]
        p = self.policy
        assert p.review_period_days is not None and p.base_stock_units is not None
        period_h = p.review_period_days * 24.0
        while True:
            if self.window_start_h < self.env.now <= self.window_end_h + 1e-9:
                self.periods += 1
                self.periods_without_stockout += int(not self._stockout_this_period)
            self._stockout_this_period = False
            gap = p.base_stock_units - self.position
            if gap > 0:
                self._order(gap)
            yield self.env.timeout(period_h)

    def close(self) -> None:
        """Finish the holding-cost integral at the current time."""
        self._integrate()

    def metrics(self) -> dict[str, float]:
        """Per-family results over the measurement window."""
        hours = self.window_end_h - self.window_start_h
        days = hours / 24.0
        out = {
            "line_fill_rate": self.filled_lines / self.demand_lines
            if self.demand_lines
            else float("nan"),
            "mean_on_hand_units": self.on_hand_area / hours if hours else float("nan"),
            "shortage_units_per_day": self.shortage_units / days if days else float("nan"),
            "replenishments": float(self.replenishments),
        }
        if self.policy.kind == "periodic":
            out["no_stockout_period_rate"] = (
                self.periods_without_stockout / self.periods if self.periods else float("nan")
            )
            out["shortage_units_per_period"] = (
                self.shortage_units / self.periods if self.periods else float("nan")
            )
        return out
