"""The engine reproduces exact queueing and inventory theory (docs/validation.md reference cases).

Tolerance comes from the simulation itself: each 99 % confidence interval (fixed seed, so the
test is deterministic) must contain the exact value and be tight (half-width at most 3 % of the
value; 8 % for mean waits near saturation, see ``ReferenceCase``).
"""

from __future__ import annotations

import pytest

from tierwise.simulation.experiments.validation import (
    CheckResult,
    ReferenceCase,
    reference_cases,
    run_case,
)

CASES = reference_cases(seed=2024, effort=1.0)
_cache: dict = {}


def _check(case: ReferenceCase) -> CheckResult:
    return run_case(case, confidence=0.99, workers=2, cache=_cache)


def _ids(prefix: str) -> list[ReferenceCase]:
    return [c for c in CASES if c.name.startswith(prefix)]


@pytest.mark.slow
@pytest.mark.parametrize("case", _ids("erlang_c"), ids=lambda c: c.name)
def test_erlang_c_wait_probability_service_level_and_asa(case: ReferenceCase) -> None:
    result = _check(case)
    assert result.contains_exact, (result.estimate, case.exact)
    assert result.tight_enough, (result.estimate, case.exact)


@pytest.mark.slow
@pytest.mark.parametrize("case", _ids("priority"), ids=lambda c: c.name)
def test_non_preemptive_priority_waits_match_cobham(case: ReferenceCase) -> None:
    result = _check(case)
    assert result.contains_exact, (result.estimate, case.exact)
    assert result.tight_enough, (result.estimate, case.exact)


@pytest.mark.parametrize("case", _ids("base stock"), ids=lambda c: c.name)
def test_periodic_base_stock_matches_poisson_formulas(case: ReferenceCase) -> None:
    result = _check(case)
    assert result.contains_exact, (result.estimate, case.exact)
    assert result.tight_enough, (result.estimate, case.exact)


@pytest.mark.parametrize("case", _ids("perfect order"), ids=lambda c: c.name)
def test_perfect_order_matches_product_of_independent_rates(case: ReferenceCase) -> None:
    result = _check(case)
    assert result.contains_exact, (result.estimate, case.exact)
    assert result.tight_enough, (result.estimate, case.exact)


def test_a_wrong_exact_value_is_detected() -> None:
    """The check can fail: shift the exact Erlang C value by 5 % and it must be rejected."""
    case = _ids("erlang_c c=12 P(wait)")[0]
    wrong = ReferenceCase(
        case.name, case.scenario, case.metric, case.exact * 1.05, case.replications
    )
    assert not _check(wrong).contains_exact


def test_family_wise_intervals_widen_but_tightness_is_judged_at_99_percent() -> None:
    """`tierwise validate` checks containment at the Bonferroni level, precision at 99 %."""
    case = _ids("base stock fill rate")[0]
    per_check = 1 - 0.01 / len(CASES)
    result = run_case(case, confidence=per_check, workers=2, cache=_cache)
    assert result.estimate.half_width > result.precision.half_width
    assert result.precision.confidence == 0.99
    assert result.contains_exact and result.tight_enough


def test_validate_command_prints_every_check(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import tierwise.simulation.experiments.validation as validation
    from tierwise.cli.app import app

    subset = [c for c in CASES if c.name.startswith(("base stock", "perfect order"))]
    # the command imports reference_cases when it runs (after its arguments are checked)
    monkeypatch.setattr(validation, "reference_cases", lambda seed, effort: subset)
    result = CliRunner().invoke(app, ["validate", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "family-wise (Bonferroni" in result.output
    assert f"all {len(subset)} reference checks passed" in result.output
