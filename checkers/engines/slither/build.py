"""Load a built Foundry project into Slither from forge's build-info, restricted to what src/ needs.

Why not `CryticCompile(root, foundry_ignore_compile=True)` on out/build-info directly:
- a build-info holds tests, scripts and forge-std too (the platform's took 24 s to analyse); we keep only
  the sources of src/ and their import closure (the same compilation, no recompile);
- incremental builds leave stale build-info files, which make every finding appear twice: we take, for each
  src/ file, the build id that forge's cache (cache/solidity-files-cache.json) says produced it;
- forge also passes orphan absolute-path copies of library files (e.g. /…/node_modules/@openzeppelin/…) next to
  the relative ones; both map to one file in Slither and break its name resolution. Nothing in src/ imports
  the orphans, so the import-closure filter drops them.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from checkers import toolchain
from checkers.errors import BuildError
from checkers.layout import ProjectLayout, is_src_path, layout  # noqa: F401 - re-exported for the rules


def fingerprint(lay: ProjectLayout) -> tuple:
    """Changes whenever forge writes a new build."""
    infos = sorted(lay.build_info_dir.glob("*.json")) if lay.build_info_dir.is_dir() else []
    return tuple((p.name, p.stat().st_mtime_ns) for p in infos)


def _owners(lay: ProjectLayout, infos: dict[str, Path]) -> dict[str, str]:
    """src file (relative) -> build id that produced it."""
    owners: dict[str, str] = {}
    cache_file = lay.cache / "solidity-files-cache.json"
    if cache_file.exists():
        try:
            files = json.loads(cache_file.read_text()).get("files", {})
        except json.JSONDecodeError:
            files = {}
        for key, entry in files.items():
            rel = key
            if os.path.isabs(key):
                try:
                    rel = str(Path(key).relative_to(lay.root))
                except ValueError:
                    continue
            if not is_src_path(rel, lay.src):
                continue
            ids = [
                version.get("build_id")
                for per_name in entry.get("artifacts", {}).values()
                for per_version in per_name.values()
                for version in per_version.values()
            ]
            ids = [i for i in ids if i in infos]
            if ids:
                owners[rel] = max(ids, key=lambda i: infos[i].stat().st_mtime_ns)
    return owners


def filtered_build_infos(lay: ProjectLayout, into: Path) -> dict[str, frozenset[str]]:
    """Write build-info files holding only src/ and its imports; return build id -> src files it owns."""
    if not lay.build_info_dir.is_dir() or not any(lay.build_info_dir.glob("*.json")):
        raise BuildError(f"{lay.root}: no build-info under {lay.build_info_dir}: run `forge build --build-info` first")
    infos = {p.stem: p for p in lay.build_info_dir.glob("*.json") if not p.name.endswith(".output.json")}
    owners = _owners(lay, infos)
    loaded: dict[str, dict] = {}
    if not owners:  # no forge cache: newest build-info wins for each src file
        for build_id in sorted(infos, key=lambda i: infos[i].stat().st_mtime_ns):
            loaded[build_id] = json.loads(infos[build_id].read_text())
            for path in loaded[build_id]["output"].get("sources", {}):
                if is_src_path(path, lay.src):
                    owners[path] = build_id
    if not owners:
        raise BuildError(f"{lay.root}: the build has no sources under {lay.src}/")
    by_build: dict[str, set[str]] = {}
    for path, build_id in owners.items():
        by_build.setdefault(build_id, set()).add(path)
    into.mkdir(parents=True, exist_ok=True)
    for build_id, owned in by_build.items():
        data = loaded.get(build_id) or json.loads(infos[build_id].read_text())
        output = data["output"]
        sources = output.get("sources", {})
        keep = _import_closure(sources, owned & set(sources))
        for path in sorted(owned & set(sources)):
            content = data["input"]["sources"].get(path, {}).get("content")
            on_disk = lay.root / path
            if content is not None and on_disk.exists() and on_disk.read_text(errors="replace") != content:
                raise BuildError(f"{lay.root}: the build is stale ({path} changed since it was compiled): rebuild")
        data["input"]["sources"] = {k: v for k, v in data["input"]["sources"].items() if k in keep}
        output["sources"] = {k: v for k, v in sources.items() if k in keep}
        output["contracts"] = {k: v for k, v in output.get("contracts", {}).items() if k in keep}
        output.pop("errors", None)
        if isinstance(data.get("source_id_to_path"), dict):
            data["source_id_to_path"] = {k: v for k, v in data["source_id_to_path"].items() if v in keep}
        (into / f"{build_id}.json").write_text(json.dumps(data))
        by_build[build_id] = owned & set(sources)
    return {k: frozenset(v) for k, v in by_build.items()}


def _import_closure(sources: dict, roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen or path not in sources:
            continue
        seen.add(path)
        for node in sources[path].get("ast", {}).get("nodes", []):
            if node.get("nodeType") == "ImportDirective":
                todo.append(node.get("absolutePath", ""))
    return seen


@contextmanager
def _tool_env(lay: ProjectLayout) -> Iterator[None]:
    """crytic-compile runs `forge config --json`: our forge first on PATH, and the layout's forge settings (a
    Hardhat project is read as forge built it), for the call."""
    changes = {"PATH": toolchain.tool_env()["PATH"], **lay.forge_env()}
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load(root: Path):
    """(Slither, layout, {build id -> owned src files}). Raises BuildError with one line."""
    from crytic_compile import CryticCompile
    from slither import Slither

    lay = layout(root)
    scratch = Path(tempfile.mkdtemp(prefix="slither-bi-"))
    try:
        owned = filtered_build_infos(lay, scratch / "build-info")
        with _tool_env(lay):
            try:
                # forge's build-info has Hardhat's shape; crytic-compile's Foundry loader insists on a foundry.toml
                cc = (CryticCompile(str(lay.root), compile_force_framework="hardhat", hardhat_ignore_compile=True,
                                    hardhat_artifacts_directory=str(scratch)) if lay.kind == "hardhat" else
                      CryticCompile(str(lay.root), foundry_ignore_compile=True,
                                    foundry_build_info_directory=str(scratch / "build-info")))
            except Exception as exc:  # crytic-compile raises its own types; keep one line
                raise BuildError(f"{lay.root}: crytic-compile could not load the build: {_one_line(exc)}") from None
            try:
                slither = Slither(cc)  # also runs `forge` (remappings)
            except Exception as exc:
                raise BuildError(f"{lay.root}: Slither could not parse the build: {_one_line(exc)}") from None
        return slither, lay, owned
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
