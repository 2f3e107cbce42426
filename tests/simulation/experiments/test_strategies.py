"""Strategy files: order kept, one seed for common random numbers, errors name strategy + field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DEFAULT_SCENARIO, ROOT
from tierwise.simulation.experiments.strategies import (
    is_strategy_file,
    load_sources,
    load_strategies,
    load_strategy_file,
    strategies_from_scenario_files,
)
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.theory.loads import check_stability

DEFAULT_STRATEGIES = ROOT / "scenarios" / "strategies" / "default.yaml"

BASE: dict[str, Any] = {
    "name": "desk",
    "seed": 11,
    "horizon_days": 1.0,
    "warmup_days": 0.25,
    "tiers": {"all": {"customers": 1, "orders_per_hour": 60.0}},
    "order_entry": {
        "pools": {"desk": {"agents": 4, "discipline": "fifo"}},
        "handling_time_s": {"dist": "exponential", "mean": 180.0},
    },
    "processing": {"enabled": False},
    "picking": {"enabled": False},
    "shipping": {"enabled": False},
}


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _strategy_file(tmp_path: Path, strategies: dict[str, Any], **extra: Any) -> Path:
    _write(tmp_path / "base.yaml", BASE)
    return _write(
        tmp_path / "strategies.yaml", {"base": "base.yaml", "strategies": strategies, **extra}
    )


def test_default_strategy_file_keeps_order_shares_seed_and_is_stable() -> None:
    loaded = load_strategy_file(DEFAULT_STRATEGIES)
    base = load_scenario(DEFAULT_SCENARIO)
    assert list(loaded.scenarios) == [
        "pooled_priority",
        "dedicated_a_team",
        "express_for_all",
        "edi_for_a",
        "more_safety_stock",
    ]
    assert loaded.baseline == "pooled_priority"
    assert {s.seed for s in loaded.scenarios.values()} == {base.seed}
    # the baseline is the base scenario itself
    assert loaded.scenarios["pooled_priority"].content_hash == base.content_hash
    team = loaded.scenarios["dedicated_a_team"]
    assert {n: p.agents for n, p in team.order_entry.pools.items()} == {"desk": 5, "a_team": 2}
    assert team.pool_of("A") == "a_team" and team.pool_of("B") == "desk"
    assert loaded.scenarios["edi_for_a"].tiers["A"].channel_mix == {"edi": 0.95, "phone": 0.05}
    assert loaded.scenarios["express_for_all"].tiers["C"].shipping_mode == "express"
    assert all(d for d in loaded.descriptions.values())
    for scenario in loaded.scenarios.values():
        check_stability(scenario)  # raises when a queue is overloaded
    assert list(load_strategies(DEFAULT_STRATEGIES)) == list(loaded.scenarios)


def test_every_bad_strategy_is_reported_with_its_name_and_field(tmp_path: Path) -> None:
    path = _strategy_file(
        tmp_path,
        {
            "today": {"description": "as is"},
            "negative": {"overrides": {"order_entry.pools.desk.agents": -2}},
            "typo": {"overrides": {"tiers.all.priorty": 1}},
        },
    )
    with pytest.raises(ScenarioError) as info:
        load_strategy_file(path)
    problems = info.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("strategies.negative: ")
    assert "order_entry.pools.desk.agents = -2: must be >= 0" in problems[0]
    assert problems[1].startswith("strategies.typo: ")
    assert "tiers.all.priorty: unknown key; did you mean 'priority'?" in problems[1]


def test_override_through_a_name_the_base_lacks_is_a_typo_not_a_new_entry(tmp_path: Path) -> None:
    path = _strategy_file(
        tmp_path,
        {"today": {}, "typo": {"overrides": {"order_entry.pools.dsk.agents": 5}}},
    )
    with pytest.raises(ScenarioError, match=r"strategies\.typo: .*no 'dsk' in order_entry\.pools"):
        load_strategy_file(path)


def test_a_new_pool_given_as_a_whole_entry_is_allowed(tmp_path: Path) -> None:
    path = _strategy_file(
        tmp_path,
        {
            "today": {},
            "split": {
                "overrides": {
                    "order_entry.pools.desk.agents": 3,
                    "order_entry.pools.vip": {"agents": 1},
                    "tiers.all.order_entry_pool": "desk",
                }
            },
        },
    )
    split = load_strategies(path)["split"]
    assert {n: p.agents for n, p in split.order_entry.pools.items()} == {"desk": 3, "vip": 1}


def test_a_strategy_may_not_change_the_seed(tmp_path: Path) -> None:
    path = _strategy_file(tmp_path, {"today": {}, "lucky": {"overrides": {"seed": 99}}})
    with pytest.raises(ScenarioError, match=r"strategies\.lucky\.overrides\.seed: .*common random"):
        load_strategy_file(path)


@pytest.mark.parametrize(
    ("extra", "strategies", "expected"),
    [
        ({"baseline": "nope"}, {"a": {}, "b": {}}, "baseline 'nope' is not one of the strategies"),
        ({}, {"a": {}}, "strategies: "),
        ({}, {"a": {"overide": {}}, "b": {}}, "strategies.a.overide: unknown key"),
        ({"bsae": "x"}, {"a": {}, "b": {}}, "bsae: unknown key"),
    ],
)
def test_bad_strategy_file_keys_are_named(
    tmp_path: Path, extra: dict[str, Any], strategies: dict[str, Any], expected: str
) -> None:
    path = _strategy_file(tmp_path, strategies, **extra)
    with pytest.raises(ScenarioError) as info:
        load_strategy_file(path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_missing_base_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.yaml", {"base": "nowhere.yaml", "strategies": {"a": {}, "b": {}}})
    with pytest.raises(ScenarioError, match=r"base nowhere.yaml: file not found"):
        load_strategy_file(path)


def test_scenario_files_become_strategies_named_by_stem_with_the_first_seed(
    tmp_path: Path,
) -> None:
    first = _write(tmp_path / "four.yaml", BASE)
    second = _write(
        tmp_path / "five.yaml",
        {
            **BASE,
            "seed": 12,
            "order_entry": {**BASE["order_entry"], "pools": {"desk": {"agents": 5}}},
        },
    )
    loaded = strategies_from_scenario_files([first, second])
    assert list(loaded.scenarios) == ["four", "five"]
    assert loaded.baseline == "four" and loaded.seed == 11
    assert loaded.scenarios["five"].seed == 11 and loaded.reseeded == ("five",)
    assert loaded.scenarios["five"].order_entry.pools["desk"].agents == 5
    assert load_sources([first, second]).scenarios.keys() == loaded.scenarios.keys()
    assert not is_strategy_file(first)


def test_scenario_file_sources_are_checked(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.yaml", BASE)
    (tmp_path / "sub").mkdir()
    same = _write(tmp_path / "sub" / "one.yaml", BASE)
    bad = _write(tmp_path / "bad.yaml", {**BASE, "horizon_days": -1})
    with pytest.raises(ScenarioError, match="at least two scenario files"):
        load_sources([one])
    with pytest.raises(ScenarioError, match="both named 'one'"):
        load_sources([one, same])
    with pytest.raises(ScenarioError, match=r"bad.yaml: horizon_days = -1"):
        load_sources([one, bad])
    strategies = _strategy_file(tmp_path, {"a": {}, "b": {}})
    assert is_strategy_file(strategies)
    with pytest.raises(ScenarioError, match="one strategy file on its own"):
        load_sources([strategies, one])
