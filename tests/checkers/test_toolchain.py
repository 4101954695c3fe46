"""The environment every tool runs in."""
from __future__ import annotations

import subprocess

from checkers import toolchain



def test_forge_never_lints_on_build_whatever_the_project_says(tmp_path) -> None:
    """A lint failure would fail a build that compiled; the project's own default (lint on) is overridden."""
    (tmp_path / "foundry.toml").write_text("[profile.default]\nsrc = 'src'\n\n[lint]\nlint_on_build = true\n")
    config = subprocess.run([str(toolchain.forge()), "config"], cwd=tmp_path, env=toolchain.tool_env(),
                            capture_output=True, text=True, check=True).stdout
    assert "lint_on_build = false" in config
