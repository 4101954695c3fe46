"""The import rules of docs/architecture.md hold in the code: engines depend on the framework core, never on each
other or on the layers above them; the framework reaches an engine through the registry, except for the few engine
modules the map names as shared."""
from __future__ import annotations

import ast
from pathlib import Path

from checkers import toolchain
from checkers.engines import ENGINES

CHECKERS = toolchain.REPO_ROOT / "checkers"
ENGINES_DIR = CHECKERS / "engines"

# What an engine may import from outside its own package (docs/architecture.md, "Who may import what").
ENGINE_MAY_IMPORT = {
    "checkers", "checkers.base", "checkers.config", "checkers.target", "checkers.toolchain", "checkers.errors",
    "checkers.processes", "checkers.atomic", "checkers.mutants", "checkers.layout",
}
ENGINE_ENTRY_POINT_MAY_IMPORT = {"checkers.catalogue"}  # an engine's own `python -m` entry point (__main__.py)
SHARED_ENGINE_PACKAGE = "checkers.engines.sequence"  # used by fuzz, halmos, manticore and props
# Engine modules the framework and reports use directly (everything else goes through the registry).
FRAMEWORK_MAY_IMPORT = {
    "checkers.engines.upgrade.baseline": "the `baseline` command and the cache key of UPG checks",
    "checkers.engines.sequence.harness": "cache keys of harness checks; report locations of sequence findings",
    "checkers.engines.slither.build": "mutant generation loads the platform into Slither without recompiling",
    "checkers.engines.upgrade.manifest": "`verify diff` reads the upgrade manifest of the head",
    "checkers.engines.equivalence.plan": "`verify diff` writes the plan the equivalence workers read",
    "checkers.engines.equivalence.harness": "the certificate lists each contract's selectors for the plan",
    "checkers.engines.equivalence.relocated": "the certificate's same-code-moved argument decides rows before the plan",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "checkers" or name.startswith("checkers.")}


def _is_module(name: str) -> bool:
    parts = name.split(".")
    base = toolchain.REPO_ROOT.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()



def test_every_engine_package_is_registered_under_its_own_name() -> None:
    packages = {p.name for p in ENGINES_DIR.iterdir() if (p / "__init__.py").exists()} - {"sequence"}
    assert packages == set(ENGINES)
    for name, entry in ENGINES.items():
        assert entry.startswith(f"checkers.engines.{name}."), entry


def test_engines_import_only_the_core_their_package_and_the_shared_sequence_package() -> None:
    offences = []
    for path in sorted(ENGINES_DIR.rglob("*.py")):
        if path.parent == ENGINES_DIR:
            continue  # the registry
        package = "checkers.engines." + path.relative_to(ENGINES_DIR).parts[0]
        allowed = ENGINE_MAY_IMPORT | (ENGINE_ENTRY_POINT_MAY_IMPORT if path.name == "__main__.py" else set())
        for name in _imports(path):
            if not _is_module(name) or name.startswith(package) or name.startswith(SHARED_ENGINE_PACKAGE):
                continue
            if name not in allowed:
                offences.append(f"{path.relative_to(toolchain.REPO_ROOT)} imports {name}")
    assert not offences, offences


def test_framework_reaches_engines_through_the_registry() -> None:
    offences = []
    roots = [p for p in CHECKERS.rglob("*.py") if ENGINES_DIR not in p.parents]
    roots += sorted((toolchain.REPO_ROOT / "reports").rglob("*.py"))
    for path in sorted(roots):
        for name in _imports(path):
            if name.startswith("checkers.engines.") and _is_module(name) and name not in FRAMEWORK_MAY_IMPORT:
                offences.append(f"{path.relative_to(toolchain.REPO_ROOT)} imports {name}")
    assert not offences, offences


def test_the_architecture_page_names_every_folder_and_exception() -> None:
    page = (toolchain.REPO_ROOT / "docs" / "architecture.md").read_text()
    for folder in sorted(p.name for p in ENGINES_DIR.iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert f"\n    {folder}/ " in page, folder  # a line of the layout tree under engines/
    for module in FRAMEWORK_MAY_IMPORT:
        assert module in page, module


def test_specs_are_declarations() -> None:
    offences = []
    for path in sorted((toolchain.REPO_ROOT / "specs").rglob("*.py")):
        for name in _imports(path):
            if _is_module(name) and name not in {"checkers", "checkers.base", "checkers.mutants"}:
                offences.append(f"{path.relative_to(toolchain.REPO_ROOT)} imports {name}")
    assert not offences, offences


def test_engine_folders_do_not_shadow_the_libraries_they_are_named_after() -> None:
    import manticore
    import slither
    import z3

    for library in (z3, slither, manticore):
        assert "site-packages" in str(Path(library.__file__)), library.__file__


def test_docs_and_code_cite_only_documents_in_the_repository() -> None:
    """No DESIGN / TOOLCHAIN / COMMON.md citations (documents a clone does not have); every docs/*.md link resolves."""
    import re
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=toolchain.REPO_ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    offences = []
    for name in files:
        path = toolchain.REPO_ROOT / name
        if path.suffix in (".py", ".md", ".sol", ".toml", ".sh", "") and path.is_file():
            text = path.read_text(errors="replace")
            if re.search(r"DESIGN|TOOLCHAIN|COMMON\.md", text) and path != Path(__file__).resolve():
                offences.append(name)
            for cited in re.findall(r"docs/([a-z_]+\.md)", text):
                if not (toolchain.REPO_ROOT / "docs" / cited).exists():
                    offences.append(f"{name} cites docs/{cited}")
    assert not offences, offences
