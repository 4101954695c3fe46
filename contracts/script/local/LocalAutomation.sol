// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {AutomationForwarder} from "@chainlink/contracts/src/v0.8/automation/AutomationForwarder.sol";
import {AutomationForwarderLogic} from "@chainlink/contracts/src/v0.8/automation/AutomationForwarderLogic.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title LocalAutomationRegistry
/// @notice A local stand-in for Chainlink Automation's registry (v2.1's conditional-upkeep surface), because
///         Chainlink's own KeeperRegistry 2.1 / AutomationRegistry 2.3 are pinned to solc 0.8.16 / 0.8.19 and the
///         platform's build is 0.8.24 only. What it keeps from the real one, because the platform depends on it:
///         - every upkeep gets Chainlink's own AutomationForwarder (from the chainlink contracts package, compiled here), the
///           only address the target should accept performUpkeep from; the forwarder accepts only this registry;
///         - upkeeps are funded in LINK (the registrar's transferAndCall, or addFunds), each perform is paid from
///           the upkeep's balance, and an upkeep below its minimum balance is not performed;
///         - checkUpkeep is the node's off-chain simulation (an eth_call), performUpkeep the node's transaction
///           (here from an allowed transmitter key instead of an OCR report), forwarded with the registered gas
///           limit.
///         Pricing is a fixed, stated formula instead of the real one's gas-price feeds: a perform costs
///         (gas used + PERFORM_OVERHEAD) x GAS_PRICE_WEI x LINK_PER_ETH / 1e18 juels, and the minimum balance is
///         that for the upkeep's whole gas limit.
contract LocalAutomationRegistry {
    uint256 public constant PERFORM_OVERHEAD = 80_000;
    uint256 public constant GAS_PRICE_WEI = 20 gwei;
    uint256 public constant LINK_PER_ETH = 200; // 1 LINK = 0.005 ETH

    struct Upkeep {
        address target;
        uint32 gasLimit;
        address admin;
        uint96 balance;
        AutomationForwarder forwarder;
        bytes checkData;
    }

    IERC20 public immutable link;
    address public immutable owner;
    address public immutable forwarderLogic;
    address public registrar;
    mapping(address => bool) public isTransmitter;
    mapping(uint256 => Upkeep) internal _upkeeps;
    uint256 public upkeepCount;

    event UpkeepRegistered(uint256 indexed id, uint32 performGas, address admin);
    event FundsAdded(uint256 indexed id, address indexed from, uint96 amount);
    event UpkeepPerformed(uint256 indexed id, bool indexed success, uint96 totalPayment, uint256 gasUsed);
    event InsufficientFundsUpkeepReport(uint256 indexed id);

    error OnlyOwner();
    error OnlyRegistrar();
    error OnlyTransmitter();
    error OnlyLink();
    error UnknownUpkeep(uint256 id);

    constructor(IERC20 link_) {
        link = link_;
        owner = msg.sender;
        forwarderLogic = address(new AutomationForwarderLogic());
    }

    function setRegistrar(address registrar_) external {
        if (msg.sender != owner) revert OnlyOwner();
        registrar = registrar_;
    }

    function setTransmitter(address transmitter, bool allowed) external {
        if (msg.sender != owner) revert OnlyOwner();
        isTransmitter[transmitter] = allowed;
    }

    /// @notice Called by the registrar once a registration is approved (v2.1's registerUpkeep signature).
    function registerUpkeep(address target, uint32 gasLimit, address admin, bytes calldata checkData, bytes calldata)
        external
        returns (uint256 id)
    {
        if (msg.sender != registrar && msg.sender != owner) revert OnlyRegistrar();
        id = ++upkeepCount;
        Upkeep storage u = _upkeeps[id];
        u.target = target;
        u.gasLimit = gasLimit;
        u.admin = admin;
        u.checkData = checkData;
        u.forwarder = new AutomationForwarder(target, address(this), forwarderLogic);
        emit UpkeepRegistered(id, gasLimit, admin);
    }

    /// @notice ERC-677 funding (LINK.transferAndCall(registry, amount, abi.encode(id))), as the real registry.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external {
        if (msg.sender != address(link)) revert OnlyLink();
        uint256 id = abi.decode(data, (uint256));
        _known(id).balance += uint96(amount);
        emit FundsAdded(id, sender, uint96(amount));
    }

    function addFunds(uint256 id, uint96 amount) external {
        _known(id).balance += amount;
        emit FundsAdded(id, msg.sender, amount);
        link.transferFrom(msg.sender, address(this), amount);
    }

    /// @notice The node's simulation: call it with eth_call (it is not a view only because targets need not be).
    function checkUpkeep(uint256 id) external returns (bool upkeepNeeded, bytes memory performData) {
        Upkeep storage u = _known(id);
        if (u.balance < getMinBalance(id)) return (false, "");
        return AutomationCompatibleInterface(u.target).checkUpkeep(u.checkData);
    }

    /// @notice The node's transaction: forwards performData to the target through the upkeep's forwarder with the
    ///         registered gas limit, and charges the upkeep for the gas used.
    function performUpkeep(uint256 id, bytes calldata performData) external returns (bool success) {
        if (!isTransmitter[msg.sender]) revert OnlyTransmitter();
        Upkeep storage u = _known(id);
        if (u.balance < getMinBalance(id)) {
            emit InsufficientFundsUpkeepReport(id);
            return false;
        }
        uint256 gasUsed;
        (success, gasUsed) = u.forwarder.forward(
            u.gasLimit, abi.encodeCall(AutomationCompatibleInterface.performUpkeep, (performData))
        );
        uint96 payment = uint96(_cost(gasUsed));
        u.balance -= payment;
        emit UpkeepPerformed(id, success, payment, gasUsed);
    }

    function getMinBalance(uint256 id) public view returns (uint96) {
        return uint96(_cost(_known(id).gasLimit));
    }

    function getBalance(uint256 id) external view returns (uint96) {
        return _known(id).balance;
    }

    function getForwarder(uint256 id) external view returns (address) {
        return address(_known(id).forwarder);
    }

    function getUpkeep(uint256 id)
        external
        view
        returns (address target, uint32 gasLimit, address admin, uint96 balance, address forwarder)
    {
        Upkeep storage u = _known(id);
        return (u.target, u.gasLimit, u.admin, u.balance, address(u.forwarder));
    }

    function _cost(uint256 gas) internal pure returns (uint256) {
        return (gas + PERFORM_OVERHEAD) * GAS_PRICE_WEI * LINK_PER_ETH;
    }

    function _known(uint256 id) internal view returns (Upkeep storage u) {
        u = _upkeeps[id];
        if (u.target == address(0)) revert UnknownUpkeep(id);
    }
}

/// @title LocalAutomationRegistrar
/// @notice Stand-in for AutomationRegistrar 2.1 with auto-approval: `registerUpkeep(RegistrationParams)` takes the
///         approved LINK from the caller, registers the upkeep and funds it with transferAndCall, as the real one.
contract LocalAutomationRegistrar {
    struct RegistrationParams {
        string name;
        bytes encryptedEmail;
        address upkeepContract;
        uint32 gasLimit;
        address adminAddress;
        uint8 triggerType;
        bytes checkData;
        bytes triggerConfig;
        bytes offchainConfig;
        uint96 amount;
    }

    IERC20 public immutable link;
    LocalAutomationRegistry public immutable registry;
    uint96 public immutable minLinkJuels;

    event RegistrationApproved(bytes32 indexed hash, string displayName, uint256 indexed upkeepId);

    error InsufficientPayment();
    error OnlyConditionalUpkeeps();

    constructor(IERC20 link_, LocalAutomationRegistry registry_, uint96 minLinkJuels_) {
        link = link_;
        registry = registry_;
        minLinkJuels = minLinkJuels_;
    }

    function registerUpkeep(RegistrationParams calldata p) external returns (uint256 id) {
        if (p.amount < minLinkJuels) revert InsufficientPayment();
        if (p.triggerType != 0) revert OnlyConditionalUpkeeps();
        link.transferFrom(msg.sender, address(this), p.amount);
        id = registry.registerUpkeep(p.upkeepContract, p.gasLimit, p.adminAddress, p.checkData, p.offchainConfig);
        (bool ok,) = address(link).call(
            abi.encodeWithSignature("transferAndCall(address,uint256,bytes)", address(registry), p.amount, abi.encode(id))
        );
        require(ok, "LINK transferAndCall failed");
        emit RegistrationApproved(keccak256(abi.encode(p.upkeepContract, p.gasLimit, p.checkData)), p.name, id);
    }
}
