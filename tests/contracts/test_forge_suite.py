"""The platform's own Foundry tests run as part of the one test command."""
from __future__ import annotations

import json
import subprocess

from checkers import toolchain


def _forge_test(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(toolchain.forge()), "test", "--json", *args],
        cwd=toolchain.PLATFORM_PROJECT,
        env=toolchain.tool_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_forge_suite_passes(platform_target) -> None:
    """The platform's own tests. The toolkit's harnesses (test/symbolic: SEQ specs; test/integrity: INT specs) are
    run by their engines: in `verify all` (CI's gate) and in tests/checkers/engines."""
    proc = _forge_test("--no-match-path", "test/{symbolic,integrity}/**")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    results = json.loads(proc.stdout)
    outcomes = [t["status"] for suite in results.values() for t in suite["test_results"].values()]
    assert outcomes and all(status == "Success" for status in outcomes)


def test_alice_scenario_prints_its_numbers(platform_target) -> None:
    proc = subprocess.run(
        [str(toolchain.forge()), "test", "--match-contract", "AliceScenario", "-vv"],
        cwd=toolchain.PLATFORM_PROJECT, env=toolchain.tool_env(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "42500" in proc.stdout.replace(",", "").replace("_", "")
