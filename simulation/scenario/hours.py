"""Hours of a scenario: the operation's calendar and the tiers' receiving hours."""

from __future__ import annotations

from pydantic import Field, model_validator

from tierwise.simulation.scenario.section import Section
from tierwise.simulation.scenario.values import Count, Number

__all__ = ["Calendar", "ReceivingHours"]


def _check_hours(
    open_hour: float, close_hour: float, days: tuple[int, ...], days_name: str
) -> None:
    """ValueError unless ``open_hour < close_hour`` and ``days`` is a non-empty set of 0..6."""
    if close_hour <= open_hour:
        raise ValueError(f"close_hour ({close_hour}) must be after open_hour ({open_hour})")
    if not days or any(d < 0 or d > 6 for d in days):
        raise ValueError(f"{days_name} must be a non-empty list of 0..6, got {list(days)}")
    if len(set(days)) != len(days):
        raise ValueError(f"{days_name} has duplicates: {list(days)}")


class Calendar(Section):
    """Operating hours of the staffed resources (agents, pickers) and of dispatch.

    ``None`` in :attr:`Scenario.calendar` means 24/7 operation.
    """

    open_hour: Number = Field(ge=0, lt=24, description="opening time, hours after midnight")
    close_hour: Number = Field(gt=0, le=24, description="closing time, hours after midnight")
    working_days: tuple[Count, ...] = Field(
        default=(0, 1, 2, 3, 4), description="days of week worked, 0 = Monday"
    )

    @model_validator(mode="after")
    def _check(self) -> Calendar:
        _check_hours(self.open_hour, self.close_hour, self.working_days, "working_days")
        return self

    @property
    def hours_per_day(self) -> float:
        """Staffed hours per working day."""
        return self.close_hour - self.open_hour


class ReceivingHours(Section):
    """Hours in which a tier's customers accept deliveries.

    A shipment that arrives outside them is delivered at the next opening (the order's cycle
    time, and so its on-time status, ends at the delivery).
    """

    open_hour: Number = Field(ge=0, lt=24, description="receiving opens, hours after midnight")
    close_hour: Number = Field(gt=0, le=24, description="receiving closes, hours after midnight")
    days: tuple[Count, ...] = Field(
        default=(0, 1, 2, 3, 4), description="days of week deliveries are accepted, 0 = Monday"
    )

    @model_validator(mode="after")
    def _check(self) -> ReceivingHours:
        _check_hours(self.open_hour, self.close_hour, self.days, "days")
        return self

    def as_calendar(self) -> Calendar:
        """The receiving hours as a :class:`Calendar` (for the calendar arithmetic)."""
        return Calendar(
            open_hour=self.open_hour, close_hour=self.close_hour, working_days=self.days
        )
