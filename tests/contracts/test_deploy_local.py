"""tools/deploy_local.sh deploys both platform stacks to a throwaway anvil in both steps (the handover to each stack's
Safe completed after the fast-forwarded delay), prints every address and writes the deployment file."""
from __future__ import annotations

import json
import os
import re
import subprocess

from checkers import toolchain

MODULES = (
    "DataStreamOracle",
    "PositionManager",
    "CrossChainVault",
    "CrossChainLendingPool",
    "LiquidationEngine",
    "PerpetualTrading",
    "CrossChainReceiver",
    "LaunchControl",
)


def test_deploy_local_prints_both_stacks(platform_target) -> None:
    toolchain.anvil()  # raises ToolMissingError with the setup hint when absent
    relative = f"deployments/test-{os.getpid()}.json"  # inside contracts/: forge's fs_permissions
    written = toolchain.PLATFORM_PROJECT / relative
    try:
        proc = subprocess.run(
            [str(toolchain.REPO_ROOT / "tools" / "deploy_local.sh")],
            cwd=toolchain.REPO_ROOT,
            env=toolchain.tool_env() | {"DEPLOYMENT_FILE": relative},
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        deployment = json.loads(written.read_text())
    finally:
        written.unlink(missing_ok=True)
    addresses: dict[str, str] = dict(re.findall(r"^\s*(\S+) (0x[0-9a-fA-F]{40})\s*$", proc.stdout, re.MULTILINE))
    for stack in ("Ethereum", "Polygon"):
        for module in MODULES:
            assert f"{stack}.{module}" in addresses, f"{stack}.{module} missing from:\n{proc.stdout}"
    assert addresses["Ethereum.PerpetualTrading"] != addresses["Polygon.PerpetualTrading"]
    assert len(set(addresses.values())) == len(addresses)  # every contract at its own address
    assert "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" in proc.stdout
    assert "every module's admin is its stack's Safe" in proc.stdout  # acceptAdmin ran after the delay
    for stack in ("ethereum", "polygon"):  # the deployment file names what was printed
        for module in MODULES:
            assert deployment["stacks"][stack][module].lower() == addresses[f"{stack.title()}.{module}"].lower()
        assert deployment["stacks"][stack]["Safe"].lower() == addresses[f"{stack.title()}.Safe"].lower()
