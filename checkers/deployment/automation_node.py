"""A local Automation node for a deployment (tools/deploy_local.sh): each round it simulates every upkeep's
checkUpkeep off-chain (an eth_call of the registry's, as the node's simulation) and, when an upkeep is needed, sends
performUpkeep to the registry, which forwards it through the upkeep's AutomationForwarder to the engine: liquidations
run the path Chainlink Automation drives. Local runs only: the transmitter key is anvil's account 4 unless
AUTOMATION_NODE_KEY is set.

  python -m checkers.deployment.automation_node --rpc-url URL --deployment FILE [--once] [--interval SECONDS]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from web3.logs import DISCARD

from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment, load
from checkers.errors import VerifyError

ANVIL_KEY4 = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"


@dataclass(frozen=True)
class Round:
    stack: str
    upkeep_id: int
    needed: bool
    proposed: int  # positions the simulation proposed (0 when not needed)
    performed: bool  # the forwarded performUpkeep succeeded (the registry's UpkeepPerformed), not only the transaction


def run_round(chain: Chain, d: Deployment, key: str) -> list[Round]:
    """One pass over every upkeep: simulate, then perform what is needed. Returns what happened per upkeep."""
    from eth_abi import decode

    account = chain.w3.eth.account.from_key(key)
    registry = chain.registry(d.registry)
    rounds = []
    for s in d.stacks:
        needed, data = registry.functions.checkUpkeep(s.upkeep_id).call()  # the simulation: an eth_call
        proposed = len(decode(["uint256[]"], data)[0]) if needed else 0
        performed = False
        if needed:
            tx = registry.functions.performUpkeep(s.upkeep_id, data).build_transaction({
                "from": account.address, "nonce": chain.w3.eth.get_transaction_count(account.address),
                "chainId": d.chain_id})
            signed = account.sign_transaction(tx)
            receipt = chain.w3.eth.wait_for_transaction_receipt(chain.w3.eth.send_raw_transaction(signed.raw_transaction))
            performed_logs = registry.events.UpkeepPerformed().process_receipt(receipt, errors=DISCARD)
            outcomes = [log.args.success for log in performed_logs if log.address == registry.address]
            performed = receipt.status == 1 and outcomes == [True]
        rounds.append(Round(s.name, s.upkeep_id, needed, proposed, performed))
    return rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="automation_node", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--deployment", required=True, type=Path)
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds (default 5)")
    args = parser.parse_args(argv)
    try:
        d, chain = load(args.deployment), Chain(args.rpc_url)
        key = os.environ.get("AUTOMATION_NODE_KEY", ANVIL_KEY4)
        while True:
            for r in run_round(chain, d, key):
                if r.needed:
                    outcome = "performed" if r.performed else "FAILED (the forwarded call reverted or the transaction did)"
                    print(f"{r.stack}: upkeep {r.upkeep_id}: {r.proposed} position(s) proposed, performUpkeep "
                          f"{outcome}", flush=True)
            if args.once:
                return 0
            time.sleep(args.interval)
    except VerifyError as exc:
        print(f"automation_node: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
