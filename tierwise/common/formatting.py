"""The one number-formatting rule for tables, messages, figures and the report.

Conventions: thousands separators (``12,345``), a true minus sign (``−``), money with ``$``
(``$12,345``), rates as percentages (``77.4%``) and differences of rates in percentage points
(``+1.2 pp``), half-widths with about two significant digits, ``—`` for a missing or non-finite
value, p-values below 0.001 as ``< 0.001``.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "MISSING",
    "compact",
    "decimals_for",
    "estimate",
    "level",
    "number",
    "p_value",
    "pct",
    "pct_estimate",
    "signed",
    "usd",
    "usd_short",
]

#: What a missing or non-finite number is shown as.
MISSING = "—"


def _finite(value: Any) -> float | None:
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return None
    return number_ if math.isfinite(number_) else None


def _minus(text: str) -> str:
    return text.replace("-", "−")


def number(value: Any, digits: int = 0) -> str:
    """``12,345`` (``digits`` decimals, thousands separators, a true minus sign)."""
    v = _finite(value)
    return MISSING if v is None else _minus(f"{v:,.{digits}f}")


def signed(value: Any, digits: int = 0) -> str:
    """``+1,234`` / ``−0.5``; a value that rounds to zero has no sign."""
    v = _finite(value)
    if v is None:
        return MISSING
    text = f"{v:+,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text[1:]
    return _minus(text)


def usd(value: Any, digits: int = 0) -> str:
    """``$12,345`` / ``−$1,234.50``."""
    v = _finite(value)
    if v is None:
        return MISSING
    return ("−" if v < 0 and round(abs(v), digits) > 0 else "") + f"${abs(v):,.{digits}f}"


def usd_short(value: Any) -> str:
    """Axis-tick money: ``$950``, ``$12,500``, ``$1.25M`` (never a bare ``k``)."""
    v = _finite(value)
    if v is None:
        return MISSING
    sign = "−" if v < 0 else ""
    a = abs(v)
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.2f}M"
    return f"{sign}${a:,.0f}"


def pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.774 → 77.4%``."""
    v = _finite(value)
    return MISSING if v is None else _minus(f"{v * 100:.{digits}f}%")


def decimals_for(half_width: float) -> int:
    """Decimals that show ``half_width`` with about two significant digits (0 to 4)."""
    if not math.isfinite(half_width) or half_width <= 0:
        return 0
    return min(4, max(0, 1 - math.floor(math.log10(half_width))))


def pct_estimate(mean: Any, half_width: Any) -> str:
    """``77.4% ± 4.8 pp`` (the half-width in percentage points)."""
    text = pct(mean)
    hw = _finite(half_width)
    if text != MISSING and hw is not None:
        text += f" ± {hw * 100:.1f} pp"
    return text


def compact(value: Any) -> str:
    """Compact number for parameters: ``30``, ``0.5``, ``1,250``, ``0.0125``."""
    v = _finite(value)
    if v is None:
        return MISSING
    if v == int(v) and abs(v) < 1e15:
        return _minus(f"{int(v):,}")
    return _minus(f"{v:,.4g}" if abs(v) >= 1 else f"{v:.4g}")


def level(value: Any, unit: str) -> str:
    """A level in its unit: ``81.0%`` for rates, ``$12,345`` for money, ``12,345`` for large
    numbers, three significant digits otherwise."""
    v = _finite(value)
    if v is None:
        return MISSING
    if unit == "rate":
        return pct(v)
    if unit.startswith("USD"):
        return usd(v) if abs(v) >= 100 else usd(v, 2)
    return number(v) if abs(v) >= 100 else _minus(f"{v:.3g}")


def estimate(mean: Any, half_width: Any, unit: str) -> str:
    """``92.1% ± 0.8 pp`` for rates, ``$12,345 ± 210`` for money, ``12.3 ± 0.4`` otherwise."""
    if unit == "rate":
        return pct_estimate(mean, half_width)
    m = _finite(mean)
    if m is None:
        return MISSING
    hw = _finite(half_width)
    digits = decimals_for(hw) if hw is not None and hw > 0 else (0 if abs(m) >= 100 else 2)
    digits = 0 if abs(m) >= 100 and digits > 0 and hw is not None and hw >= 1 else digits
    head = usd(m, digits) if unit.startswith("USD") else number(m, digits)
    return head if hw is None else f"{head} ± {number(hw, digits)}"


def p_value(p: Any) -> str:
    """``< 0.001``, ``0.012``, ``0.43``; ``—`` when missing."""
    v = _finite(p)
    if v is None:
        return MISSING
    if v < 0.001:
        return "< 0.001"
    return f"{v:.3f}" if v < 0.1 else f"{v:.2f}"
