"""Which scenario a report describes, and whether it is the one the results were made from.

A run folder's manifest records the scenario file (``Manifest.scenario_path``); a compare
folder's manifest the strategy file (``Manifest.inputs["strategies"]``). Either is used when it
is still found and still matches the results; else the caller passes ``--scenario``. The match
is by content hash: for a run, the scenario with the first sweep variant's overrides must
reproduce the hash in ``sweep.parquet`` (or, without a sweep, the manifest's hash); for a
comparison, each strategy's hash must equal the one in the comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tierwise.report.sources import Folder, ReportError, RunFiles
from tierwise.simulation.experiments.strategies import is_strategy_file, load_sources
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["AssumedScenario", "compare_scenario", "run_scenario"]


@dataclass
class AssumedScenario:
    """The scenario(s) the report describes.

    Attributes
    ----------
    path : Path
        The scenario or strategy file.
    scenario : Scenario
        The scenario whose assumptions are shown (a comparison's baseline strategy).
    how : str
        How the file was found (``"recorded in manifest.json"``, ``"given with --scenario"``).
    strategies : dict of str to Scenario
        A comparison's strategies by name (empty for a run or a plain scenario file).
    strategy_set : str
        The strategy file's name ("" when there is none).
    warnings : list of str
        Mismatches that did not stop the report.
    """

    path: Path
    scenario: Scenario
    how: str
    strategies: dict[str, Scenario] = field(default_factory=dict)
    strategy_set: str = ""
    warnings: list[str] = field(default_factory=list)


#: How runs without a manifest name their scenario: the sweep summary's ``spec`` text.
_SPEC_SOURCE = re.compile(r"^run sweep of (?P<path>.+)$")


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise ReportError(str(exc)) from None


def _check_tiers(scenario: Scenario, path: Path, tiers: Iterable[str], what: str) -> None:
    """A scenario without the tiers of the results is another scenario: refuse it."""
    missing = [t for t in tiers if t not in scenario.tiers]
    if missing:
        raise ReportError(
            f"{path} has tiers {', '.join(scenario.tiers)}, but the {what} has tiers "
            f"{', '.join(map(str, tiers))} ({', '.join(missing)} missing); pass the scenario "
            "the results were made from"
        )


def _recorded_run_scenario(files: RunFiles) -> tuple[str | None, str]:
    """The scenario file the run names, and where it is named."""
    manifest = files.folder.manifest
    if manifest is not None:
        return manifest.scenario_path, "recorded in manifest.json"
    # Folders written before manifests existed: the sweep summary's spec text names the file
    # ("run sweep of <path>"); kept only as the fallback for those folders.
    found = _SPEC_SOURCE.match(str((files.summary or {}).get("spec", "")))
    return (found.group("path") if found else None), "recorded in sweep.summary.json"


def _run_matches(files: RunFiles, path: Path) -> bool | None:
    """Whether ``path`` is the scenario of the run; ``None`` when nothing records a hash.

    The manifest's hash (the scenario as the run loaded it) is checked first; a run given
    ``--set`` values has another hash, and then the first sweep variant is rebuilt from its
    recorded settings and compared with the hash the sweep recorded for it."""
    manifest = files.folder.manifest
    if manifest is not None and manifest.scenario_hash:
        try:
            if load_scenario(path).content_hash == manifest.scenario_hash:
                return True
        except ScenarioError:
            return False
    recorded = files.recorded_hash()
    if recorded is not None:
        expected, overrides = recorded
        try:
            variant = load_scenario(path, overrides)
        except ScenarioError:
            return False
        return variant.content_hash == expected
    if manifest is not None and manifest.scenario_hash:
        return False
    return None


def run_scenario(files: RunFiles, given: Path | None) -> AssumedScenario:
    """The scenario of a run: ``given``, else the one the run recorded if it still matches.

    Raises
    ------
    ReportError
        If ``given`` is invalid or lacks the plan's tiers, or nothing usable is recorded.
    """
    if given is not None:
        scenario = _load(given)
        planned = list((files.plan or {}).get("chosen") or {})
        _check_tiers(scenario, given, planned, "run's plan")
        assumed = AssumedScenario(given, scenario, "given with --scenario")
        if _run_matches(files, given) is False:
            where = (
                "with the sweep's settings it does not reproduce the scenario hash recorded "
                "in the sweep table"
                if files.recorded_hash() is not None
                else "its scenario hash differs from the one in manifest.json"
            )
            assumed.warnings.append(
                f"{given} does not match the run: {where} (was the file edited since, or is "
                "it another scenario?); the report's assumptions may differ from what was "
                "simulated"
            )
        return assumed
    named, how = _recorded_run_scenario(files)
    if named:
        candidate = Path(named)
        if candidate.is_file() and _run_matches(files, candidate):
            return AssumedScenario(candidate, _load(candidate), how)
    hint = ""
    if named:
        known = files.recorded_hash() is not None or bool(
            files.folder.manifest and files.folder.manifest.scenario_hash
        )
        hint = f" (the run names {named}, " + (
            "which is not found from here or no longer matches the results)"
            if known
            else "which is not found from here)"
        )
    raise ReportError(
        f"the run in {files.source} does not record a scenario file this report can use"
        f"{hint}; pass --scenario SCENARIO.yaml, the file given to `tierwise run`"
    )


def _recorded_compare_file(folder: Folder) -> str | None:
    manifest = folder.manifest
    if manifest is None:
        return None
    return manifest.inputs.get("strategies") or manifest.scenario_path


def _recorded_seed(folder: Folder) -> int | None:
    """The seed ``compare --seed`` gave every strategy, if the manifest records one."""
    manifest = folder.manifest
    text = manifest.inputs.get("seed") if manifest is not None else None
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def compare_scenario(
    document: Mapping[str, Any], folder: Folder, given: Path | None
) -> AssumedScenario:
    """The strategies (or one scenario) of a comparison: ``given``, else the recorded file.

    Raises
    ------
    ReportError
        If no file is given or recorded (folders without a manifest), the file is invalid,
        lacks the baseline or the tiers, or the recorded file no longer matches.
    """
    seed = _recorded_seed(folder)
    if given is not None:
        return _compare_file(document, folder.path, given, "given with --scenario", seed)
    named = _recorded_compare_file(folder)
    if named is None:
        raise ReportError(
            f"comparison.json in {folder.path} does not record the scenario files; pass "
            "--scenario with the strategy file (or the baseline scenario file) given to "
            "`tierwise compare`"
        )
    candidate = Path(named)
    if not candidate.is_file():
        raise ReportError(
            f"the comparison in {folder.path} names {named}, which is not found from here; "
            "pass --scenario with the strategy file given to `tierwise compare`"
        )
    assumed = _compare_file(document, folder.path, candidate, "recorded in manifest.json", seed)
    if assumed.warnings:
        raise ReportError(
            f"the comparison in {folder.path} names {named}, which no longer matches the "
            f"results ({'; '.join(assumed.warnings)}); pass --scenario with the strategy file "
            "given to `tierwise compare`"
        )
    return assumed


def _compare_file(
    document: Mapping[str, Any], source: Path, path: Path, origin: str, seed: int | None = None
) -> AssumedScenario:
    """The comparison's strategies from ``path``; ``seed``: the one ``compare --seed`` gave
    every strategy (recorded in the manifest), applied before the hashes are compared."""
    recorded = {
        str(s.get("name")): str(s.get("scenario_hash", ""))
        for s in document.get("strategies", [])
        if isinstance(s, Mapping)
    }
    baseline = str(document.get("baseline", ""))
    tiers = [str(t) for t in document.get("tiers", [])]
    try:
        if is_strategy_file(path):
            loaded = load_sources([path])
            # `compare --seed` gave every strategy one new seed: compare hashes with it
            if seed is not None:
                loaded = replace(
                    loaded,
                    scenarios={n: _reseeded(sc, seed) for n, sc in loaded.scenarios.items()},
                )
        else:
            single = load_scenario(path)
            if seed is not None:
                single = _reseeded(single, seed)
            return _compare_single(path, single, recorded, tiers, origin)
    except ScenarioError as exc:
        raise ReportError(str(exc)) from None
    if baseline not in loaded.scenarios:
        raise ReportError(
            f"{path} has no strategy '{baseline}', the baseline of the comparison in "
            f"{source} (its strategies: {', '.join(loaded.scenarios)}); is it the strategy "
            "file given to `tierwise compare`?"
        )
    _check_tiers(loaded.scenarios[baseline], path, tiers, "comparison")
    assumed = AssumedScenario(
        path,
        loaded.scenarios[baseline],
        f"baseline strategy '{baseline}' of the strategy file {origin}",
        strategies=dict(loaded.scenarios),
        strategy_set=loaded.name,
    )
    stale = [
        name
        for name, scen in loaded.scenarios.items()
        if name in recorded and recorded[name] != scen.content_hash
    ]
    missing = [name for name in recorded if name not in loaded.scenarios]
    if stale:
        assumed.warnings.append(
            f"{path}: strategies {', '.join(stale)} do not match the comparison (scenario "
            "hash differs from comparison.json; edited since?); the report's assumptions may "
            "differ from what was simulated"
        )
    if missing:
        assumed.warnings.append(
            f"{path} has no strategies {', '.join(missing)}, which the comparison holds"
        )
    return assumed


def _reseeded(scenario: Scenario, seed: int) -> Scenario:
    """``scenario`` with ``seed`` (validated like any override; same scenario when equal)."""
    if scenario.seed == seed:
        return scenario
    return scenario_from_dict(apply_overrides(scenario.model_dump(mode="json"), [("seed", seed)]))


def _compare_single(
    path: Path, scenario: Scenario, recorded: Mapping[str, str], tiers: list[str], origin: str
) -> AssumedScenario:
    """One scenario file: the strategy of the comparison whose hash it reproduces."""
    _check_tiers(scenario, path, tiers, "comparison")
    by_hash = {h: name for name, h in recorded.items()}
    name = by_hash.get(scenario.content_hash)
    assumed = AssumedScenario(path, scenario, f"strategy '{name}' ({origin})" if name else origin)
    if name is None:
        assumed.warnings.append(
            f"{path} matches none of the compared strategies (its scenario hash is not in "
            "comparison.json); the report's assumptions may differ from what was simulated"
        )
    return assumed
