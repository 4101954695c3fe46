"""`verify merge`: the results.json of `--shard K/N` runs joined into the results of one run.

The shards must come from one plan (same fingerprint: catalogue, selection, checks, profile), one source commit and
one set of verdict-relevant settings, and together be exactly shards 1..N, each once. The joined findings are put
back in plan order and the per-spec verdicts and the gate are recomputed by checkers.results, as in a single run,
so the merged results.json equals the unsharded one up to timings, dates and run statistics.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from checkers.errors import ConfigError
from checkers.results import SCHEMA_VERSION, RunResults, from_json

RESULTS = "results.json"
# Settings a shard may choose for itself (they change no verdict): the rest must agree.
LOCAL_SETTINGS = ("jobs", "cache")


def read_shards(paths: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """Each PATH is a results.json or a directory holding one; every problem is one line naming the file."""
    docs = []
    for given in paths:
        path = given / RESULTS if given.is_dir() else given
        if not path.is_file():
            raise ConfigError(f"merge: {given}: no {RESULTS} there")
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"merge: {path}: not a verify results file ({type(exc).__name__}: {exc})") from None
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            version = data.get("schema_version") if isinstance(data, dict) else None
            raise ConfigError(f"merge: {path}: schema_version {version!r} is not supported (merge reads "
                              f"{SCHEMA_VERSION})")
        if not isinstance(data.get("shard"), dict):
            raise ConfigError(f"merge: {path}: not a sharded run (no shard recorded; run `verify all --shard K/N`)")
        docs.append((path, data))
    if not docs:
        raise ConfigError("merge: no results.json given")
    return docs


def _check_plan(docs: list[tuple[Path, dict[str, Any]]]) -> None:
    first_path, first = docs[0]
    count = first["shard"]["count"]
    seen: dict[int, Path] = {}
    for path, data in docs:
        shard = data["shard"]
        if shard["count"] != count:
            raise ConfigError(f"merge: {path} is shard {shard['index']}/{shard['count']}, {first_path} is one of "
                              f"{count}")
        if shard["index"] in seen:
            raise ConfigError(f"merge: shard {shard['index']}/{count} given twice ({seen[shard['index']]}, {path})")
        seen[shard["index"]] = path
        if shard["plan"] != first["shard"]["plan"]:
            raise ConfigError(f"merge: {path} ran a different catalogue, selection or project than {first_path}")
        if data.get("command") != first.get("command"):
            raise ConfigError(f"merge: {path} ran `verify {data.get('command')}`, {first_path} "
                              f"`verify {first.get('command')}`")
        commit, first_commit = (data.get("source") or {}).get("commit"), (first.get("source") or {}).get("commit")
        if commit != first_commit:
            raise ConfigError(f"merge: {path} is from source commit {commit}, {first_path} from {first_commit}")
        settings = {k: v for k, v in (data.get("settings") or {}).items() if k not in LOCAL_SETTINGS}
        first_settings = {k: v for k, v in (first.get("settings") or {}).items() if k not in LOCAL_SETTINGS}
        if settings != first_settings or data.get("strict") != first.get("strict"):
            raise ConfigError(f"merge: {path} ran with other settings than {first_path} "
                              f"({_differences(settings, first_settings, data, first)})")
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise ConfigError(f"merge: shard{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(f'{i}/{count}' for i in missing)} missing")


def _differences(a: dict[str, Any], b: dict[str, Any], data: dict[str, Any], first: dict[str, Any]) -> str:
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if data.get("strict") != first.get("strict"):
        keys.append("strict")
    return ", ".join(keys)


def merge(docs: list[tuple[Path, dict[str, Any]]]) -> RunResults:
    """One RunResults from shards 1..N of one plan (ConfigError naming the file when they are not)."""
    _check_plan(docs)
    try:
        parts = [(path, from_json(data)) for path, data in docs]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"merge: not a verify results file ({type(exc).__name__}: {exc})") from None
    first = docs[0][1]
    spec_ids: list[str] = first["shard"]["spec_ids"]
    specs = {s.id: s for _, part in parts for s in part.specs}
    missing = [i for i in spec_ids if i not in specs]
    if missing:
        raise ConfigError(f"merge: no shard checked {missing[0]} (the shards do not cover the plan)")
    targets: dict[str, str] = {}
    for _, part in parts:
        targets.update(part.targets)
    order = {label: i for i, label in enumerate(targets)}
    position = {s: i for i, s in enumerate(spec_ids)}
    checks, seen = [], {}
    for path, part in parts:
        for check in part.checks:
            f = check.finding
            key = (f.spec_id, f.engine, f.target)
            if key in seen:
                raise ConfigError(f"merge: {f.spec_id}/{f.engine}@{f.target} is in {seen[key]} and {path}")
            seen[key] = path
            checks.append(check)
    planned = first["shard"]["planned_checks"]
    if len(checks) != planned:
        raise ConfigError(f"merge: the shards hold {len(checks)} checks, the plan has {planned}")
    checks.sort(key=lambda c: (order.get(c.finding.target, len(order)), position[c.finding.spec_id],
                               specs[c.finding.spec_id].engines.index(c.finding.engine)
                               if c.finding.engine in specs[c.finding.spec_id].engines else len(specs)))
    locations: dict[str, list[dict[str, Any]]] = {}
    for _, part in parts:
        locations.update(part.locations)
    stats = [part.stats for _, part in parts]
    head = parts[0][1]
    return RunResults(
        command=head.command, specs=[specs[i] for i in spec_ids], checks=checks, settings=head.settings,
        tools=head.tools, source={**head.source, "dirty": any(p.source.get("dirty") for _, p in parts)},
        targets=targets, locations={i: locations[i] for i in spec_ids if i in locations},
        stats={"checks": sum(s.get("checks", 0) for s in stats), "cached": sum(s.get("cached", 0) for s in stats),
               "ran": sum(s.get("ran", 0) for s in stats), "wall_s": max(s.get("wall_s", 0) for s in stats),
               "shards": len(parts)},
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), strict=head.strict,
        profile=head.profile,
    )
