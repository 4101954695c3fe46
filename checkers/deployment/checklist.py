"""The checklist items that can be read on-chain. Each returns what it saw (lines for the report) and what is wrong,
every problem naming the stack, the module and the fix."""
from __future__ import annotations

from dataclasses import dataclass, field

from eth_abi import encode

from checkers.deployment import bands
from checkers.deployment.chain import Chain
from checkers.deployment.file import Deployment, Stack

ZERO = "0x0000000000000000000000000000000000000000"
ADMIN_ROLE = b"\x00" * 32
# Client._argsToBytes(GenericExtraArgsV2): the tag, then abi.encode(gasLimit, allowOutOfOrderExecution)
GENERIC_EXTRA_ARGS_V2_TAG = bytes.fromhex("181dcf10")
MESSAGE_TYPES = ("ASSET_DEPOSIT", "ASSET_WITHDRAWAL", "POSITION_UPDATE", "POSITION_LIQUIDATION")
PHASE_ALLOWS = {
    1: "Phase 1: allowlisted traders only, on the launch market, at most 10x; collateral withdrawals capped; "
       "no CCIP transfers or liquidations",
    2: "Phase 2: every trader, market and leverage; withdrawals uncapped; no CCIP transfers or liquidations yet",
    3: "Phase 3: everything, including CCIP deposits, withdrawals and cross-chain liquidations",
}
LAUNCH_READERS = ("PerpetualTrading", "CrossChainVault", "LiquidationEngine", "CrossChainReceiver")


@dataclass
class Outcome:
    seen: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def roles(chain: Chain, d: Deployment) -> Outcome:
    """Every module's admin and guardian is its stack's Safe (2 of 3 or more), no transfer is pending, and no EOA
    holds either role."""
    out = Outcome()
    for s in d.stacks:
        safe = chain.safe(s.safe)
        if chain.is_eoa(s.safe):
            out.problems.append(f"{s.name}: the Safe {s.safe} has no code: fix: deploy the stack's Safe")
            continue
        owners, threshold = safe.functions.getOwners().call(), safe.functions.getThreshold().call()
        out.seen.append(f"{s.name}: Safe {s.safe}, {threshold} of {len(owners)} owners")
        if threshold < 2 or len(owners) < 3:
            out.problems.append(f"{s.name}: the Safe is {threshold} of {len(owners)}: fix: at least 2 of 3 owners "
                                f"(addOwnerWithThreshold / changeThreshold through the Safe)")
        for name, address in s.modules.items():
            m = chain.module(name, address)
            admin = m.functions.defaultAdmin().call()
            if admin != s.safe:
                kind = "an EOA" if chain.is_eoa(admin) else "a contract"
                out.problems.append(f"{s.name}.{name}: admin is {admin} ({kind}), not the stack's Safe {s.safe}: "
                                    f"fix: beginDefaultAdminTransfer({s.safe}), then accept through the Safe")
            pending, _ = m.functions.pendingDefaultAdmin().call()
            if pending != ZERO:
                out.problems.append(f"{s.name}.{name}: an admin transfer to {pending} is pending: fix: "
                                    f"cancelDefaultAdminTransfer through the Safe")
            guardian = m.functions.GUARDIAN_ROLE().call()
            if not m.functions.hasRole(guardian, s.safe).call():
                out.problems.append(f"{s.name}.{name}: the Safe is not guardian: fix: grantRole(GUARDIAN_ROLE, Safe)")
            for role, label in ((ADMIN_ROLE, "DEFAULT_ADMIN_ROLE"), (guardian, "GUARDIAN_ROLE")):
                for holder in sorted(chain.role_holders(m, role)):
                    if chain.is_eoa(holder):
                        out.problems.append(f"{s.name}.{name}: the EOA {holder} holds {label}: fix: revoke it "
                                            f"through the Safe")
    return out


def parameter_bands(chain: Chain, d: Deployment) -> Outcome:
    """Markets, feeds, breakers and the liquidation interval inside the design's bands."""
    out = Outcome()
    for s in d.stacks:
        trading = chain.module("PerpetualTrading", s.modules["PerpetualTrading"])
        for market_id in range(1, trading.functions.marketCount().call() + 1):
            m = trading.functions.getMarket(market_id).call()
            name, max_leverage, mm = m[0], m[2], m[3]
            threshold = max_leverage * mm
            out.seen.append(f"{s.name} {name}: {max_leverage}x, maintenance {mm} bps, threshold {threshold:,} bps")
            if not bands.LEVERAGE_CAP.holds(max_leverage):
                out.problems.append(f"{s.name} {name}: leverage cap {max_leverage}x outside {bands.LEVERAGE_CAP}: "
                                    f"fix: list the market again with a cap in the band")
            if not bands.LIQUIDATION_THRESHOLD.holds(threshold):
                out.problems.append(f"{s.name} {name}: liquidation threshold {threshold:,} outside "
                                    f"{bands.LIQUIDATION_THRESHOLD}: fix: a maintenance margin that puts it in band")
        oracle = chain.module("DataStreamOracle", s.modules["DataStreamOracle"])
        for feed in oracle.functions.feedIds().call():
            f = oracle.functions.getFeed(feed).call()
            name, heartbeat = f[0], f[2]
            deviation, cooldown, enabled = oracle.functions.circuitBreaker(feed).call()[:3]
            out.seen.append(f"{s.name} {name}: heartbeat {heartbeat} s, breaker "
                            f"{'%d bps / %d s' % (deviation, cooldown) if enabled else 'off'}")
            if not bands.HEARTBEAT.holds(heartbeat):
                out.problems.append(f"{s.name} {name}: heartbeat {heartbeat} s outside {bands.HEARTBEAT}: fix: "
                                    f"re-add the feed with a heartbeat in the band")
            if not enabled:
                out.problems.append(f"{s.name} {name}: circuit breaker disabled: fix: setCircuitBreaker(..., true)")
            elif not (bands.BREAKER_DEVIATION.holds(deviation) and bands.BREAKER_COOLDOWN.holds(cooldown)):
                out.problems.append(f"{s.name} {name}: breaker {deviation} bps / {cooldown} s outside "
                                    f"{bands.BREAKER_DEVIATION} / {bands.BREAKER_COOLDOWN}: fix: setCircuitBreaker "
                                    f"in the band through the Safe")
        interval = chain.module("LiquidationEngine", s.modules["LiquidationEngine"]).functions \
            .liquidationInterval().call()
        out.seen.append(f"{s.name}: liquidation interval {interval} s")
        if not bands.LIQUIDATION_INTERVAL.holds(interval):
            out.problems.append(f"{s.name}: liquidation interval {interval} s outside {bands.LIQUIDATION_INTERVAL}: "
                                f"fix: setLiquidationInterval in the band through the Safe")
    return out


def upkeep(chain: Chain, d: Deployment) -> Outcome:
    """The liquidation upkeep: registered for the engine, funded at least 3x its minimum, and the engine accepts
    performUpkeep from its forwarder only."""
    out = Outcome()
    registry = chain.registry(d.registry)
    for s in d.stacks:
        engine = s.modules["LiquidationEngine"]
        target, gas_limit, _, balance, forwarder = registry.functions.getUpkeep(s.upkeep_id).call()
        minimum = registry.functions.getMinBalance(s.upkeep_id).call()
        out.seen.append(f"{s.name}: upkeep {s.upkeep_id}, gas limit {gas_limit:,}, balance {balance / 1e18:.4f} LINK, "
                        f"minimum {minimum / 1e18:.4f} LINK, forwarder {forwarder}")
        if target != engine:
            out.problems.append(f"{s.name}: upkeep {s.upkeep_id} targets {target}, not the engine {engine}: fix: "
                                f"register the engine's upkeep and record its id in the deployment file")
        if balance < bands.UPKEEP_FUNDING_MULTIPLE * minimum:
            short = bands.UPKEEP_FUNDING_MULTIPLE * minimum - balance
            out.problems.append(f"{s.name}: upkeep {s.upkeep_id} underfunded: {balance / 1e18:.4f} LINK < "
                                f"{bands.UPKEEP_FUNDING_MULTIPLE} x {minimum / 1e18:.4f}: fix: addFunds("
                                f"{s.upkeep_id}, {short / 1e18:.4f} LINK)")
        accepted = chain.module("LiquidationEngine", engine).functions.forwarder().call()
        if accepted != forwarder:
            out.problems.append(f"{s.name}: the engine accepts performUpkeep from {accepted}, not the upkeep's "
                                f"forwarder {forwarder}: fix: setForwarder({forwarder}) through the Safe")
    return out


def lanes(chain: Chain, d: Deployment) -> Outcome:
    """Each stack's vault sends to the other's receiver, which allows that vault on that chain: both ways."""
    out = Outcome()
    selector = d.chain_selector
    for a in d.stacks:
        for b in d.stacks:
            if a is b:
                continue
            vault = chain.module("CrossChainVault", a.modules["CrossChainVault"])
            receiver = chain.module("CrossChainReceiver", b.modules["CrossChainReceiver"])
            lane = f"{a.name} -> {b.name}"
            missing = []
            if not vault.functions.supportedChains(selector).call():
                missing.append(f"{a.name} vault: addSupportedChain({selector})")
            if vault.functions.remoteReceivers(selector).call() != b.modules["CrossChainReceiver"]:
                missing.append(f"{a.name} vault: setRemoteReceiver({selector}, {b.modules['CrossChainReceiver']})")
            if not receiver.functions.allowedSourceChains(selector).call():
                missing.append(f"{b.name} receiver: setAllowedSourceChain({selector}, true)")
            if not receiver.functions.allowedSenders(a.modules["CrossChainVault"]).call():
                missing.append(f"{b.name} receiver: setAllowedSender({a.modules['CrossChainVault']}, true)")
            if missing:
                out.problems.append(f"lane {lane} not allowlisted: fix: {'; '.join(missing)}")
            else:
                out.seen.append(f"lane {lane}: allowlisted")
    return out


def fees(chain: Chain, d: Deployment) -> Outcome:
    """The CCIP fee (router.getFee, in LINK) of every message type on every lane, as the vault builds them."""
    out = Outcome()
    router = chain.router(d.router)
    for a in d.stacks:
        gas_limit = chain.module("CrossChainVault", a.modules["CrossChainVault"]).functions.ccipGasLimit().call()
        extra = GENERIC_EXTRA_ARGS_V2_TAG + encode(["uint256", "bool"], [gas_limit, True])
        for b in d.stacks:
            if a is b:
                continue
            receiver = encode(["address"], [b.modules["CrossChainReceiver"]])
            for kind, name in enumerate(MESSAGE_TYPES):
                tokens = [(d.usdc, 10**6)] if kind < 2 else []
                body = (encode(["address", "address", "uint256", "uint256"], [d.deployer, d.usdc, 10**6, 1])
                        if kind < 2 else encode(["uint256", "address", "int256"], [1, d.deployer, 1]) if kind == 2
                        else encode(["uint256"], [1]))
                data = encode(["uint8", "bytes"], [kind, body])
                try:
                    fee = router.functions.getFee(d.chain_selector, (receiver, data, tokens, d.link, extra)).call()
                except Exception as exc:  # noqa: BLE001 - the router's revert, reported as the item's problem
                    out.problems.append(f"lane {a.name} -> {b.name} {name}: getFee reverted ({exc}): fix: enable the "
                                        f"lane on the router")
                    continue
                out.seen.append(f"lane {a.name} -> {b.name} {name}: fee {fee / 1e18:.6f} LINK")
    return out


def phase(chain: Chain, d: Deployment) -> Outcome:
    """The stack's launch phase and what it allows; every module that reads it is wired to it (an unwired module
    behaves as phase 3)."""
    out = Outcome()
    for s in d.stacks:
        launch = chain.module("LaunchControl", s.modules["LaunchControl"])
        current = launch.functions.phase().call()
        out.seen.append(f"{s.name}: {PHASE_ALLOWS.get(current, f'unknown phase {current}')}")
        for name in LAUNCH_READERS:
            wired = chain.module(name, s.modules[name]).functions.launchControl().call()
            if wired != s.modules["LaunchControl"] and current < 3:
                out.problems.append(f"{s.name}.{name}: reads launch control {wired}, not the stack's "
                                    f"{s.modules['LaunchControl']}, so it behaves as phase 3 while the stack is in "
                                    f"phase {current}: fix: setLaunchControl({s.modules['LaunchControl']}) "
                                    f"through the Safe")
        if current == 1:
            per, day = launch.functions.withdrawalCaps(d.usdc).call()
            out.seen.append(f"{s.name}: USDC withdrawals capped at {per / 1e6:,.0f} each, {day / 1e6:,.0f} a day")
            if per == 0:
                out.problems.append(f"{s.name}: no USDC withdrawal caps in phase 1 (collateral cannot be withdrawn):"
                                    f" fix: setWithdrawalCaps through the Safe")
    return out
