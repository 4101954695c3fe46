"""tools/deploy_local.sh deploys both platform stacks to a throwaway anvil and prints every address."""
from __future__ import annotations

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
)


def test_deploy_local_prints_both_stacks(platform_target) -> None:
    toolchain.anvil()  # raises ToolMissingError with the setup hint when absent
    proc = subprocess.run(
        [str(toolchain.REPO_ROOT / "tools" / "deploy_local.sh")],
        cwd=toolchain.REPO_ROOT,
        env=toolchain.tool_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    addresses: dict[str, str] = dict(re.findall(r"^\s*(\S+) (0x[0-9a-fA-F]{40})\s*$", proc.stdout, re.MULTILINE))
    for stack in ("Ethereum", "Polygon"):
        for module in MODULES:
            assert f"{stack}.{module}" in addresses, f"{stack}.{module} missing from:\n{proc.stdout}"
    assert addresses["Ethereum.PerpetualTrading"] != addresses["Polygon.PerpetualTrading"]
    assert len(set(addresses.values())) == len(addresses)  # every contract at its own address
    assert "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" in proc.stdout
