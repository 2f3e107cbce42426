"""The bundled sample order history, generated from known parameters (``python -m
tierwise.history.sample``).

A distributor with 300 customers in three tiers (A 15, B 45, C 240) orders over 13 weeks from
Monday 6 January 2025, one row per order line. Orders of a tier arrive as the engine generates
them: a Poisson process with rate ``orders_per_hour × weekday_profile[d] × hourly_profile[h]``
(the bundled default's office hours, Monday–Friday 08:00–18:00), each order from one of the
tier's current customers at random, its channel from the tier's channel mix, its lines
``max(1, round(gamma))``, each line's family from the family mix and its units
``max(1, round(gamma))``; value = units × list price of the family, margin = value × the tier's
margin rate (price-driven C buys at thin margins). Every 28 days each customer stays with
probability ``retention_per_period`` of its tier, else a new customer of the same tier takes
its place. The margin rates of B and C were tuned (to four decimals, on this seed) so that A
(5 % of customers) brings about 81 % of the profit, B (15 %) 14 % and C (80 %) 5 %, and the
default Pareto cuts 80 % / 95 % fall between the tiers: with fixed cuts, the Pareto rule
recovers a tier exactly only when its realised share lies within one customer's profit of the
cut. Tests check that ``tierwise tiers`` recovers these parameters.

Running the module rewrites ``tierwise/history/data/sample_orders.csv.gz`` (byte-identical for
the same parameters and seed).
"""

from __future__ import annotations

import gzip
import io
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tierwise.common.atomic import write_bytes

__all__ = [
    "SAMPLE",
    "SAMPLE_PATH",
    "SampleParameters",
    "SampleTier",
    "generate_sample",
    "known_customers",
    "main",
    "sample_path",
]

logger = logging.getLogger(__name__)

#: Where the bundled sample lives (inside the package).
SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "sample_orders.csv.gz"

_OFFICE = (
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0.8,
    1.3,
    1.4,
    1.2,
    0.8,
    0.9,
    1.1,
    1.1,
    0.9,
    0.5,
    0,
    0,
    0,
    0,
    0,
    0,
)
_WEEK = (1.15, 1.05, 1.0, 0.95, 0.85, 0.0, 0.0)


@dataclass(frozen=True)
class SampleTier:
    """Generating parameters of one tier (units in the names; distributions mean + cv)."""

    customers: int
    orders_per_hour: float
    lines_mean: float
    lines_cv: float
    units_mean: float
    units_cv: float
    channel_mix: dict[str, float]
    family_mix: dict[str, float]
    margin_rate: float
    retention_per_period: float


@dataclass(frozen=True)
class SampleParameters:
    """Everything the sample history is generated from.

    Attributes
    ----------
    tiers : dict
        ``tier → SampleTier``.
    start : str
        First day (a Monday), ISO date.
    weeks : int
        Length of the history, weeks.
    period_days : int
        Retention period, days.
    hourly_profile, weekday_profile : tuple of float
        Multipliers of the base rate (as in a scenario).
    price_usd_per_unit : dict
        List price per family, USD per unit.
    seed : int
        Seed of every random stream.
    """

    tiers: dict[str, SampleTier]
    start: str = "2025-01-06"
    weeks: int = 13
    period_days: int = 28
    hourly_profile: tuple[float, ...] = _OFFICE
    weekday_profile: tuple[float, ...] = _WEEK
    price_usd_per_unit: dict[str, float] = field(
        default_factory=lambda: {"fast": 20.0, "slow": 70.0}
    )
    seed: int = 20250106

    def orders_per_calendar_hour(self, tier: str) -> float:
        """The tier's mean orders per hour over the whole week (what calibration reports)."""
        mean_h = sum(self.hourly_profile) / 24.0
        mean_d = sum(self.weekday_profile) / 7.0
        return self.tiers[tier].orders_per_hour * mean_h * mean_d


SAMPLE = SampleParameters(
    tiers={
        "A": SampleTier(15, 3.0, 8.0, 0.6, 3.0, 0.7, {"phone": 0.4, "edi": 0.6},
                        {"fast": 0.6, "slow": 0.4}, 0.30, 0.98),
        "B": SampleTier(45, 2.2, 5.0, 0.6, 2.0, 0.8, {"phone": 0.7, "edi": 0.3},
                        {"fast": 0.6, "slow": 0.4}, 0.1595, 0.95),
        "C": SampleTier(240, 6.0, 2.5, 0.6, 1.5, 0.8, {"phone": 0.9, "edi": 0.1},
                        {"fast": 0.7, "slow": 0.3}, 0.0584, 0.92),
    }
)  # fmt: skip
"""The bundled sample's parameters."""


def _rng(params: SampleParameters, *stream: int) -> np.random.Generator:
    return np.random.default_rng([params.seed, *stream])


def known_customers(params: SampleParameters = SAMPLE) -> pd.DataFrame:
    """Every customer of the sample with its generating tier and the periods it is a customer.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer``: ``tier``, ``first_period`` and ``last_period`` (0-based
        retention periods it belongs to, inclusive).
    """
    rng = _rng(params, 0)
    periods = math.ceil(params.weeks * 7 / params.period_days)
    rows: list[tuple[str, int, int]] = []
    for tier, spec in params.tiers.items():
        firsts = [0] * spec.customers
        for p in range(periods):
            stays = rng.random(len(firsts)) < spec.retention_per_period
            for slot in range(len(firsts)):
                if p == periods - 1 or not stays[slot]:
                    rows.append((tier, firsts[slot], p))
                    firsts[slot] = p + 1
    order = rng.permutation(len(rows))
    names = [f"K{i + 1:04d}" for i in range(len(rows))]
    frame = pd.DataFrame(
        [(names[order[i]], *row) for i, row in enumerate(rows)],
        columns=["customer", "tier", "first_period", "last_period"],
    )
    return frame.set_index("customer").sort_index()


def generate_sample(params: SampleParameters = SAMPLE) -> pd.DataFrame:
    """The sample history, one row per order line, sorted by time.

    Returns
    -------
    pandas.DataFrame
        ``order_id``, ``customer``, ``timestamp`` (text, minutes), ``channel``, ``family``,
        ``units``, ``value`` and ``margin`` (USD, cents).
    """
    customers = known_customers(params)
    start = pd.Timestamp(params.start)
    hours = params.weeks * 7 * 24
    hour_of_week = np.arange(hours) % 168
    profile = np.array(
        [params.weekday_profile[h // 24] * params.hourly_profile[h % 24] for h in range(168)]
    )
    frames = []
    for t, (tier, spec) in enumerate(params.tiers.items()):
        rng = _rng(params, 1, t)
        counts = rng.poisson(spec.orders_per_hour * profile[hour_of_week])
        hour = np.repeat(np.arange(hours), counts)
        offset_h = hour + rng.random(hour.size)
        period = (offset_h // (24 * params.period_days)).astype(int)
        mine = customers[customers["tier"] == tier]
        who = np.empty(hour.size, dtype=object)
        for p in np.unique(period):
            members = mine[(mine["first_period"] <= p) & (mine["last_period"] >= p)].index
            at = period == p
            who[at] = rng.choice(np.asarray(members), at.sum())
        channels = list(spec.channel_mix)
        channel = rng.choice(channels, hour.size, p=list(spec.channel_mix.values()))
        shape = 1.0 / spec.lines_cv**2
        lines = np.maximum(1, np.rint(rng.gamma(shape, spec.lines_mean / shape, hour.size)))
        lines = lines.astype(int)
        n_lines = int(lines.sum())
        families = list(spec.family_mix)
        family = rng.choice(families, n_lines, p=list(spec.family_mix.values()))
        shape_u = 1.0 / spec.units_cv**2
        units = np.maximum(1, np.rint(rng.gamma(shape_u, spec.units_mean / shape_u, n_lines)))
        price = np.array([params.price_usd_per_unit[f] for f in family])
        value = np.round(units * price, 2)
        order_of_line = np.repeat(np.arange(hour.size), lines)
        frames.append(
            pd.DataFrame(
                {
                    "time_h": offset_h[order_of_line],
                    "customer": who[order_of_line],
                    "channel": channel[order_of_line],
                    "family": family,
                    "units": units.astype(int),
                    "value": value,
                    "margin": np.round(value * spec.margin_rate, 2),
                    "order": order_of_line + t * 10**7,
                }
            )
        )
    lines_frame = pd.concat(frames, ignore_index=True).sort_values(["time_h", "order"])
    first = ~lines_frame["order"].duplicated()
    numbers = first.cumsum()
    lines_frame["order_id"] = [f"O{n:06d}" for n in numbers]
    stamps = start + pd.to_timedelta(np.floor(lines_frame["time_h"] * 60), unit="min")
    lines_frame["timestamp"] = stamps.dt.strftime("%Y-%m-%d %H:%M")
    columns = ["order_id", "customer", "timestamp", "channel", "family", "units", "value"]
    return lines_frame[[*columns, "margin"]].reset_index(drop=True)


def sample_path() -> Path:
    """Path of the bundled sample history (``sample_orders.csv.gz``)."""
    return SAMPLE_PATH


def main(path: Path = SAMPLE_PATH) -> Path:
    """Generate the sample from :data:`SAMPLE` and write it (gzip, no timestamp: reproducible)."""
    frame = generate_sample(SAMPLE)
    text = frame.to_csv(index=False, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    write_bytes(path, buffer.getvalue())
    logger.info("wrote %s (%d lines)", path, len(frame))
    return path


if __name__ == "__main__":  # pragma: no cover - the documented generator
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
