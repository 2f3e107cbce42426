"""Every bad input is refused cleanly: exit code 2, no traceback, the field or line named.

A generated corpus of mutations of the default scenario (a dotted path and a bad value, or
raw bytes/text), of a sweep spec and of a strategy file, each run through the command line
(``check`` and ``simulate --replications 1`` for scenarios, ``sweep`` and ``compare`` for the
others). For every case the command must exit with code 2 within 10 s, print no
"Traceback", and name the field (or the file and line/byte for problems below the schema).
"""

from __future__ import annotations

import math
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import DEFAULT_SCENARIO
from tierwise.cli.app import app
from tierwise.simulation.scenario.overrides import apply_overrides

runner = CliRunner()

#: Most seconds one command may take to refuse its input.
LIMIT_S = 10.0

DEFAULT_TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")
DEFAULT_DATA: dict[str, Any] = yaml.safe_load(DEFAULT_TEXT)
INF, NAN = math.inf, math.nan

# ------------------------------------------------------------------ field mutations
# (dotted path, bad value, text the output must contain: the field path)
FIELD_CASES: list[tuple[str, Any, str]] = [
    # non-finite numbers where a finite one is meant
    ("tiers.A.orders_per_hour", INF, "tiers.A.orders_per_hour"),
    ("tiers.A.orders_per_hour", NAN, "tiers.A.orders_per_hour"),
    ("order_entry.handling_time_s.mean", INF, "order_entry.handling_time_s.mean"),
    ("order_entry.handling_time_s.mean", NAN, "order_entry.handling_time_s.mean"),
    ("costs.agent_wage_usd_per_h", INF, "costs.agent_wage_usd_per_h"),
    ("costs.picker_wage_usd_per_h", NAN, "costs.picker_wage_usd_per_h"),
    ("inventory.families.fast.unit_value_usd", INF, "inventory.families.fast.unit_value_usd"),
    ("tiers.B.revenue_per_order_usd", NAN, "tiers.B.revenue_per_order_usd"),
    ("inventory.families.slow.lead_time_days.mean", INF, "lead_time_days.mean"),
    ("shipping.modes.express.cutoff_hours", [NAN], "shipping.modes.express.cutoff_hours"),
    ("shipping.modes.ground.cutoff_hours", [INF], "shipping.modes.ground.cutoff_hours"),
    ("horizon_days", INF, "horizon_days"),
    ("horizon_days", NAN, "horizon_days"),
    ("warmup_days", INF, "warmup_days"),
    ("calendar.open_hour", NAN, "calendar.open_hour"),
    ("order_entry.patience_s.mean", INF, "order_entry.patience_s.mean"),
    ("picking.time_per_line_min.cv", INF, "picking.time_per_line_min.cv"),
    ("tiers.A.hourly_profile", [NAN] * 24, "tiers.A.hourly_profile"),
    ("costs.holding_rate_per_year", "nan", "costs.holding_rate_per_year"),
    # sizes that hang or overflow
    ("horizon_days", 1e12, "horizon_days"),
    ("picking.pickers", 10**12, "picking.pickers"),
    ("order_entry.pools.desk.agents", 10**12, "order_entry.pools.desk.agents"),
    ("picking.pickers", 1e12, "picking.pickers"),
    ("seed", 2**63, "seed"),
    ("seed", 2**64 + 5, "seed"),
    ("replications", 10**9, "replications"),
    ("picking.time_per_line_min.cv", 1e300, "picking.time_per_line_min.cv"),
    # zero servers where the stage is enabled
    ("order_entry.pools.desk.agents", 0, "order_entry.pools.desk.agents"),
    ("picking.pickers", 0, "picking.pickers"),
    # a bool is not a number, a fraction is not a count
    ("order_entry.pools.desk.agents", True, "order_entry.pools.desk.agents"),
    ("picking.pickers", False, "picking.pickers"),
    ("tiers.A.orders_per_hour", True, "tiers.A.orders_per_hour"),
    ("order_entry.pools.desk.agents", 7.5, "order_entry.pools.desk.agents"),
    ("tiers.C.customers", "many", "tiers.C.customers"),
    # the classes that were already clean
    ("tiers.A.priorty", 1, "tiers.A.priorty"),
    ("picking.pickers", "twelve", "picking.pickers"),
    ("tiers.B.orders_per_hour", -3, "tiers.B.orders_per_hour"),
    ("channels.phone.entry_error_probability", 1.5, "channels.phone.entry_error_probability"),
    ("tiers.A.order_entry_pool", "dsk", "tiers.A.order_entry_pool"),
    ("tiers.C.shipping_mode", "grund", "tiers.C.shipping_mode"),
    ("tiers.A.family_mix", {"fast": 0.6, "slw": 0.4}, "tiers.A.family_mix"),
    ("order_entry.handling_time_s", {"dist": "lognormal", "mean": 210}, "handling_time_s"),
    # stock rationing: a reserve for a tier the scenario lacks, a negative reserve
    ("inventory.families.fast.reserve_units", {"D": 5}, "inventory.families.fast.reserve_units.D"),
    ("inventory.families.slow.reserve_units", {"C": -1}, "inventory.families.slow.reserve_units.C"),
    # the decisions section: empty, repeated, reversed, too many candidates or combinations
    ("decisions", {"picking.pickers": []}, "decisions.picking.pickers"),
    ("decisions", {"picking.pickers": [12, 12]}, "decisions.picking.pickers"),
    ("decisions", {"picking.pickers": {"from": 16, "to": 10}}, "decisions.picking.pickers"),
    ("decisions", {"picking.pickers": list(range(1, 1002))}, "decisions.picking.pickers"),
    ("decisions", {"picking.pickers": [NAN]}, "decisions.picking.pickers"),
    ("decisions", {"picking.pickers": 12}, "decisions.picking.pickers"),
    # a lever path the scenario lacks, and a candidate that gives an invalid scenario
    ("decisions", {"picking.pikers": [10, 12]}, "did you mean 'pickers'"),
    ("decisions", {"picking.pickers": [0, 12]}, "decisions.picking.pickers"),
    (
        "decisions",
        {
            "picking.pickers": list(range(1, 1001)),
            "order_entry.pools.desk.agents": list(range(1, 102)),
        },
        "101,000 combinations",
    ),
]


def _billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _with_line_after(anchor: str, extra: str) -> str:
    head, sep, tail = DEFAULT_TEXT.partition(anchor)
    assert sep, anchor
    return head + sep + extra + tail


_DESCRIPTION = "description: Mid-size distributor"
_DESCRIPTION_LINE = (
    DEFAULT_TEXT.splitlines().index(
        next(line for line in DEFAULT_TEXT.splitlines() if line.startswith(_DESCRIPTION))
    )
    + 1
)
_HORIZON_LINE = next(
    i for i, line in enumerate(DEFAULT_TEXT.splitlines(), 1) if line.startswith("horizon_days")
)


def _description(value: str) -> str:
    """The default scenario with its description line replaced by ``description: value``."""
    lines = DEFAULT_TEXT.splitlines(keepends=True)
    lines[_DESCRIPTION_LINE - 1] = f"description: {value}\n"
    return "".join(lines)


_DUPLICATE = _with_line_after("    customers: 50\n", "    customers: 10\n")
_DUPLICATE_LINE = _DUPLICATE.splitlines().index("    customers: 10") + 1

# ------------------------------------------------------------------ raw files
# (id, file content, texts the output must contain); the 50 MB file is made separately
RAW_CASES: list[tuple[str, bytes, tuple[str, ...]]] = [
    (
        "non_utf8_byte",
        DEFAULT_TEXT.replace(_DESCRIPTION, "description: Mid-size caf\udce9", 1).encode(
            "utf-8", "surrogateescape"
        ),
        ("not UTF-8", "0xe9", "byte offset", f"line {_DESCRIPTION_LINE}, column 26"),
    ),
    ("utf16_file", DEFAULT_TEXT.encode("utf-16"), ("not UTF-8", "byte offset 0", "line 1")),
    ("duplicate_top_key", (DEFAULT_TEXT + "seed: 1\n").encode(), ("duplicate key 'seed'",)),
    (
        "duplicate_nested_key",
        _DUPLICATE.encode(),
        (
            "duplicate key 'customers'",
            f"at line {_DUPLICATE_LINE}",
            f"first given at line {_DUPLICATE_LINE - 1}",
        ),
    ),
    (
        "nested_1000_lists",
        _description("[" * 1000 + "]" * 1000).encode(),
        ("nesting at line", "64 levels"),
    ),
    (
        "nested_100_lists",
        _description("[" * 100 + "]" * 100).encode(),
        (f"nesting at line {_DESCRIPTION_LINE}", "64 levels"),
    ),
    (
        "nested_1000_mappings",
        ("x: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n").encode(),
        ("nesting at line 1", "64 levels"),
    ),
    (
        "nested_100_block_mappings",
        (
            "x:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(100)) + "  " * 101 + "1\n"
        ).encode(),
        ("nesting at line", "64 levels"),
    ),
    ("alias_bomb", (DEFAULT_TEXT + _billion_laughs()).encode(), ("expands", "1,000,000")),
    ("recursive_alias", b"tiers: &t {A: *t}\n", ("recursive alias",)),
    (
        "nul_character",
        DEFAULT_TEXT.replace("33 ", "3\x003", 1).encode(),
        ("U+0000", f"line {_HORIZON_LINE}, column 16"),
    ),
    ("syntax_error", (DEFAULT_TEXT + "tiers: [\n").encode(), ("YAML syntax error", "line")),
    ("bad_indentation", b"tiers:\n  A:\n customers: 1\n", ("YAML syntax error", "line 3")),
    ("empty_file", b"", ("file is empty",)),
    ("top_level_list", b"- 1\n- 2\n", ("(top level)", "mapping")),
    ("plain_text", b"just some words\n", ("(top level)", "mapping")),
]

# ------------------------------------------------------------------ --set overrides
SET_CASES: list[tuple[str, str]] = [
    ("picking.pickers=true", "picking.pickers"),
    ("horizon_days=.inf", "horizon_days"),
    ("tiers.A.orders_per_hour=.nan", "tiers.A.orders_per_hour"),
    ("seed=9223372036854775808", "seed"),
    ("horizon_days=1e12", "horizon_days = 1000000000000.0: must be <= 36500"),
    ("order_entry.pools.desk.agents=0", "order_entry.pools.desk.agents"),
    ("description=" + "[" * 200 + "]" * 200, "description"),
    (
        "description=[&a [1,1,1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], "
        "&c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], "
        "&e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e], "
        "&g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]]",
        "description",
    ),
    ("order_entry.pools.dsk.agents=20", "order_entry.pools.dsk"),
]


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block after ``seconds`` (a hang becomes a failure)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _assert_refused(args: list[str], *expected: str) -> None:
    started = time.perf_counter()
    with _deadline(LIMIT_S):
        result = runner.invoke(app, args)
    elapsed = time.perf_counter() - started
    output = result.output
    assert result.exit_code == 2, (result.exit_code, result.exception, output)
    assert "Traceback" not in output, output
    assert elapsed < LIMIT_S, elapsed
    flat = " ".join(output.split())  # rich wraps long lines
    for text in expected:
        assert " ".join(text.split()) in flat, (text, output)


def _scenario_commands(path: Path) -> list[list[str]]:
    return [["check", str(path)], ["simulate", str(path), "--replications", "1"]]


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value", "named"),
    FIELD_CASES,
    ids=[f"{p}={v!r}"[:60] for p, v, _ in FIELD_CASES],
)
def test_bad_field_value_is_refused_naming_the_field(
    tmp_path: Path, field: str, value: Any, named: str
) -> None:
    path = _write(tmp_path / "bad.yaml", apply_overrides(DEFAULT_DATA, [(field, value)]))
    for args in _scenario_commands(path):
        _assert_refused(args, named)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(c, e) for _, c, e in RAW_CASES],
    ids=[name for name, _, _ in RAW_CASES],
)
def test_bad_file_is_refused_naming_the_file_and_position(
    tmp_path: Path, content: bytes, expected: tuple[str, ...]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    for args in _scenario_commands(path):
        _assert_refused(args, "bad.yaml", *expected)


def test_50_mb_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(DEFAULT_TEXT.encode())
        handle.truncate(50 * 1024 * 1024)  # sparse: fast to make
    for args in _scenario_commands(path):
        _assert_refused(args, "huge.yaml", "larger than 5 MiB")


@pytest.mark.parametrize(("override", "named"), SET_CASES, ids=[o[:40] for o, _ in SET_CASES])
def test_bad_override_is_refused_naming_the_field(override: str, named: str) -> None:
    for args in _scenario_commands(DEFAULT_SCENARIO):
        _assert_refused([*args, "--set", override], named)


def test_zero_servers_are_allowed_when_the_stage_is_disabled(tmp_path: Path) -> None:
    data = apply_overrides(DEFAULT_DATA, [("picking.enabled", False), ("picking.pickers", 0)])
    result = runner.invoke(app, ["check", str(_write(tmp_path / "no_picking.yaml", data))])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ sweep specs


def _sweep_spec(**fields: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"base": str(DEFAULT_SCENARIO), "replications": 1}
    spec["axes"] = {"picking.pickers": [11, 12]}
    spec.update(fields)
    return spec


SWEEP_CASES: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    (
        "range_of_a_billion",
        lambda: yaml.safe_dump(
            _sweep_spec(axes={"picking.pickers": {"start": 1, "stop": 10**9, "step": 1}})
        ).encode(),
        ("axes.picking.pickers", "1,000,000,000 values", "100,000"),
    ),
    (
        "grid_of_a_million",
        lambda: yaml.safe_dump(
            _sweep_spec(
                axes={
                    "picking.pickers": {"start": 1, "stop": 100, "step": 1},
                    "order_entry.pools.desk.agents": {"start": 1, "stop": 100, "step": 1},
                    "tiers.A.customers": {"start": 1, "stop": 100, "step": 1},
                }
            )
        ).encode(),
        ("1,000,000 variants", "100,000"),
    ),
    ("seed_2_63", lambda: yaml.safe_dump(_sweep_spec(seed=2**63)).encode(), ("seed",)),
    (
        "sample_of_a_billion",
        lambda: yaml.safe_dump(_sweep_spec(design={"kind": "sample", "n": 10**9})).encode(),
        ("design", "n"),
    ),
    (
        "inf_axis_value",
        lambda: yaml.safe_dump(_sweep_spec(axes={"horizon_days": [INF]})).encode(),
        ("horizon_days",),
    ),
    (
        "nan_precision",
        lambda: yaml.safe_dump(_sweep_spec(replications=None, precision=NAN)).encode(),
        ("precision",),
    ),
    (
        "bool_replications",
        lambda: yaml.safe_dump(_sweep_spec(replications=True)).encode(),
        ("replications",),
    ),
    (
        "zero_pickers_axis",
        lambda: yaml.safe_dump(_sweep_spec(axes={"picking.pickers": [0, 12]})).encode(),
        ("picking.pickers",),
    ),
    (
        "non_utf8",
        lambda: b"base: caf\xe9.yaml\naxes: {picking.pickers: [11, 12]}\n",
        ("not UTF-8", "byte offset 9", "line 1"),
    ),
    (
        "duplicate_axis",
        lambda: (
            f"base: {DEFAULT_SCENARIO}\naxes:\n  picking.pickers: [11]\n  picking.pickers: [12]\n"
        ).encode(),
        ("duplicate key 'picking.pickers' at line 4", "first given at line 3"),
    ),
    (
        "unknown_key",
        lambda: yaml.safe_dump(_sweep_spec(replicatoins=2)).encode(),
        ("replicatoins",),
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [(m, e) for _, m, e in SWEEP_CASES],
    ids=[name for name, _, _ in SWEEP_CASES],
)
def test_bad_sweep_spec_is_refused(
    tmp_path: Path, make: Callable[[], bytes], expected: tuple[str, ...]
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(make())
    _assert_refused(["sweep", str(path), "--out", str(tmp_path / "out.parquet")], *expected)


# ------------------------------------------------------------------ strategy files


def _strategy_file(overrides: dict[str, Any]) -> bytes:
    document = {
        "base": str(DEFAULT_SCENARIO),
        "strategies": {"today": {}, "changed": {"overrides": overrides}},
    }
    return yaml.safe_dump(document).encode()


STRATEGY_CASES: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("inf_horizon", _strategy_file({"horizon_days": INF}), ("strategies.changed", "horizon_days")),
    ("zero_pickers", _strategy_file({"picking.pickers": 0}), ("picking.pickers",)),
    ("bool_agents", _strategy_file({"order_entry.pools.desk.agents": True}), ("agents",)),
    ("typo_pool", _strategy_file({"order_entry.pools.dsk.agents": 9}), ("dsk", "desk")),
    (
        "non_utf8",
        b"base: default.yaml\nstrategies:\n  a: {}\n  b\xff: {}\n",
        ("not UTF-8", "0xff", "line 4"),
    ),
    (
        "duplicate_strategy",
        f"base: {DEFAULT_SCENARIO}\nstrategies:\n  a: {{}}\n  a: {{}}\n".encode(),
        ("duplicate key 'a' at line 4",),
    ),
    ("alias_bomb", _strategy_file({}) + _billion_laughs().encode(), ("expands",)),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(c, e) for _, c, e in STRATEGY_CASES],
    ids=[name for name, _, _ in STRATEGY_CASES],
)
def test_bad_strategy_file_is_refused(
    tmp_path: Path, content: bytes, expected: tuple[str, ...]
) -> None:
    path = tmp_path / "strategies.yaml"
    path.write_bytes(content)
    _assert_refused(["compare", str(path), "--out", str(tmp_path / "out")], *expected)
