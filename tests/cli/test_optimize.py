"""``tierwise optimize``: --seed and --replications reach what is simulated, and only that."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tierwise.cli.app import app

runner = CliRunner()


class _Seen(ValueError):
    """Raised by the stub verification with what it was given (the CLI prints it)."""


def test_seed_and_replications_are_the_verifications(
    call_centre_sweep: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tierwise.optimization.planning.verify as verify

    def stub(problem: Any, base: Any, responses: Any, metric: str, **options: Any) -> Any:
        raise _Seen(f"seed {base.seed}, replications {options.get('replications', 'default')}")

    monkeypatch.setattr(verify, "verify_plan", stub)
    table, scenario = call_centre_sweep
    args = ["optimize", str(table), "--scenario", str(scenario), "--verify", "--overwrite"]
    given = runner.invoke(
        app, [*args, "--seed", "99", "--replications", "3", "--out", str(tmp_path / "a")]
    )
    assert given.exit_code == 2 and "seed 99, replications 3" in plain(given.output)
    default = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert "seed 11, replications default" in plain(default.output)  # the scenario's seed


@pytest.mark.parametrize("option", [("--seed", "3"), ("--replications", "3")])
def test_seed_or_replications_without_a_simulation_are_refused(
    call_centre_sweep: tuple[Path, Path], option: tuple[str, str]
) -> None:
    table, _ = call_centre_sweep
    result = runner.invoke(app, ["optimize", str(table), *option])
    assert result.exit_code == 2 and "only with --verify" in plain(result.output)
    assert option[0] in plain(result.output)
