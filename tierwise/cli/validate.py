"""``tierwise validate``: the engine against exact queueing and inventory theory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.table import Table

from tierwise.cli.console import console, emit_results, fail, progress_bar
from tierwise.cli.options import DEFAULT_WORKERS, Confidence, Format, OutputFormat, Seed, Workers
from tierwise.common.formatting import pct

if TYPE_CHECKING:
    from tierwise.simulation.experiments.validation import CheckResult

__all__ = ["validate_command"]


def validate_command(
    confidence: Confidence = 0.99,
    seed: Seed = 2024,
    effort: Annotated[float, typer.Option(min=0.05, help="simulated-time multiplier")] = 1.0,
    workers: Workers = DEFAULT_WORKERS,
    output_format: Format = OutputFormat.table,
) -> None:
    """Simulate the reference cases and compare with exact queueing/inventory theory."""
    from tierwise.simulation.experiments.validation import reference_cases, validate

    cases = reference_cases(seed=seed, effort=effort)
    per_check = 1 - (1 - confidence) / len(cases)
    results: list[CheckResult] = []
    with progress_bar() as bar:
        task = bar.add_task("reference cases", total=len(cases))

        def step(result: CheckResult) -> None:
            results.append(result)
            bar.advance(task)

        validate(cases, confidence=confidence, workers=workers, progress=step)
    failed = [r for r in results if not r.passed]
    if output_format is not OutputFormat.table:
        frame = pd.DataFrame(
            [
                {
                    "case": r.case.name,
                    "exact": r.case.exact,
                    "simulated": r.estimate.mean,
                    "family_wise_half_width": r.estimate.half_width,
                    "within_ci": r.contains_exact,
                    "relative_half_width": r.precision.half_width / abs(r.case.exact),
                    "tight": r.tight_enough,
                    "passed": r.passed,
                }
                for r in results
            ]
        )
        document = {
            "confidence_family_wise": confidence,
            "confidence_per_check": per_check,
            "passed": not failed,
            "checks": frame.to_dict("records"),
        }
        emit_results(output_format, document, frame)
        if failed:
            raise typer.Exit(code=1)
        return
    table = Table(
        title=f"engine vs theory: {confidence:.0%} family-wise (Bonferroni, each check "
        f"at {per_check:.4%}), {len(cases)} checks"
    )
    columns = (
        "case",
        "exact",
        "simulated",
        "± family-wise hw",
        "within CI",
        "99% rel. hw",
        "tight",
    )
    for col in columns:
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r.case.name,
            f"{r.case.exact:.6g}",
            f"{r.estimate.mean:.6g}",
            f"{r.estimate.half_width:.3g}",
            "yes" if r.contains_exact else "[red]NO[/]",
            pct(r.precision.half_width / abs(r.case.exact)),
            "yes" if r.tight_enough else f"[red]NO (> {pct(r.max_relative_half_width, 0)})[/]",
        )
    console.print(table)
    if failed:
        fail(f"{len(failed)} of {len(results)} reference checks failed", code=1)
    console.print(f"[green]all {len(results)} reference checks passed[/]")
