"""One formatting rule: separators, true minus, $ money, % rates, pp differences."""

from __future__ import annotations

import math

from tierwise.common import formatting as fmt


def test_money_has_dollar_sign_separators_and_true_minus() -> None:
    assert fmt.usd(12345.4) == "$12,345"
    assert fmt.usd(-1234.5, 2) == "−$1,234.50"
    assert fmt.usd(-0.001) == "$0"
    assert fmt.usd_short(60000) == "$60,000"
    assert fmt.usd_short(1_250_000) == "$1.25M"


def test_rates_are_percent_and_their_half_widths_percentage_points() -> None:
    assert fmt.pct(0.7743) == "77.4%"
    assert fmt.pct_estimate(0.774, 0.048) == "77.4% ± 4.8 pp"
    assert fmt.estimate(0.921, 0.008, "rate") == "92.1% ± 0.8 pp"


def test_estimates_show_the_half_width_with_two_significant_digits() -> None:
    assert fmt.estimate(12.345, 0.41, "h") == "12.35 ± 0.41"
    assert fmt.estimate(16123.0, 212.0, "USD/day") == "$16,123 ± 212"


def test_missing_values_and_p_values() -> None:
    assert fmt.number(math.nan) == fmt.MISSING
    assert fmt.level(None, "rate") == fmt.MISSING
    assert fmt.p_value(0.0004) == "< 0.001"
    assert fmt.p_value(0.0123) == "0.012"
    assert fmt.signed(-0.2) == "0"
    assert fmt.signed(1234) == "+1,234"
