// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {PlatformAccessUpgradeable} from "./access/PlatformAccessUpgradeable.sol";
import {PerpMath} from "./libraries/PerpMath.sol";
import {LaunchGate} from "./libraries/LaunchGate.sol";
import {RiskBands} from "./libraries/RiskBands.sol";
import {
    IDataStreamOracle,
    ICrossChainVault,
    ILaunchControl,
    ICrossChainLendingPool,
    IPerpetualTrading,
    IPositionManager
} from "./interfaces/IPlatform.sol";

/// @title PerpetualTrading
/// @notice Leveraged positions: the trader's collateral is locked from the vault, the rest of the notional is
///         borrowed from the lending pool. Each position's backing (its `size` in tokens) sits in this contract.
///         Two balances per token live here besides the backing:
///         - the counterparty (house) balance: the book that takes traders' losses and funding and pays their
///           profits;
///         - the insurance fund: seeded by anyone (`fundInsurance`), covers liquidation shortfalls toward the pool
///           and receives liquidation penalties.
///         Liquidation waterfall (PerpMath.liquidationSplit, docs/platform.md §2): proceeds repay the pool first,
///         the insurance fund covers what it can of the shortfall, the rest is recorded as bad debt; the 5 %
///         penalty comes only from what is left after the pool is repaid.
contract PerpetualTrading is PlatformAccessUpgradeable, ReentrancyGuardUpgradeable, IPerpetualTrading {
    using SafeERC20 for IERC20;

    uint256 public constant LIQUIDATION_PENALTY_BPS = 500;

    struct Market {
        string name;
        bytes32 feedId;
        uint256 maxLeverage;
        uint256 maintenanceMarginBps;
        int256 fundingRatePpmPerHour; // positive: longs pay shorts (here: the counterparty)
        int256 cumulativeFunding; // WAD per unit notional, as of lastFundingUpdate
        uint256 lastFundingUpdate;
    }

    // ---------------------------------------------------------------- storage (ERC-7201 namespace, append only)
    /// @custom:storage-location erc7201:ccperp.storage.PerpetualTrading
    struct PerpetualTradingStorage {
        IPositionManager positionManager;
        ICrossChainVault vault;
        uint256 marketCount;
        mapping(uint256 marketId => Market) _markets;
        mapping(bytes32 nameHash => uint256 marketId) marketIdOf;
        mapping(address token => uint256) insuranceFund;
        mapping(address token => uint256) counterpartyBalance;
        // set by initialize (immutables before the proxy)
        ICrossChainLendingPool pool;
        IDataStreamOracle oracle;
        address liquidationEngine;
        // v2 (appended): per-market open-interest caps and a funding-rate clamp
        mapping(uint256 marketId => uint256) openInterestCap; // notional; 0 = no cap
        mapping(uint256 marketId => uint256) openInterest; // notional of positions opened since v2 and still open
        int256 maxFundingRatePpmPerHour; // |rate| clamp; 0 = no clamp
        // v3 (appended): the launch sequence (address 0: launched)
        ILaunchControl launchControl;
    }

    /// @dev ERC-7201 location of "ccperp.storage.PerpetualTrading":
    ///      keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PERPETUALTRADING_STORAGE_LOCATION =
        0xe1cb051e77297f7ca06ae8f306c6715358a889afe608372a8ee6f2244c765800;

    // ---------------------------------------------------------------- events
    event PositionManagerSet(address indexed positionManager);
    event VaultSet(address indexed vault);
    event MarketAdded(
        uint256 indexed marketId, string name, bytes32 indexed feedId, uint256 maxLeverage, uint256 maintenanceMarginBps
    );
    event FundingRateUpdated(uint256 indexed marketId, int256 ratePpmPerHour, int256 cumulativeFunding);
    event PositionOpened(
        uint256 indexed positionId,
        address indexed trader,
        uint256 indexed marketId,
        bool isLong,
        uint256 size,
        uint256 leverage,
        uint256 collateral,
        uint256 borrowed,
        uint256 entryPrice
    );
    event PositionClosed(
        uint256 indexed positionId,
        address indexed trader,
        uint256 price,
        uint256 value,
        int256 fundingOwed,
        uint256 repaid,
        uint256 toTrader
    );
    event PositionLiquidated(
        uint256 indexed positionId,
        uint256 price,
        uint256 healthFactor,
        uint256 repaid,
        uint256 coveredByInsurance,
        uint256 badDebt,
        uint256 penalty,
        uint256 toTrader
    );
    event OpenInterestCapSet(uint256 indexed marketId, uint256 cap);
    event MaxFundingRateSet(int256 ratePpmPerHour);
    event LaunchControlSet(address indexed launchControl);
    event BadDebtRecorded(uint256 indexed positionId, address indexed token, uint256 badDebt);
    event InsuranceFunded(address indexed token, address indexed from, uint256 amount, uint256 balance);
    event CounterpartyFunded(address indexed token, address indexed from, uint256 amount, uint256 balance);
    event CounterpartySettled(uint256 indexed positionId, address indexed token, int256 traderPnl, uint256 balance);

    // ---------------------------------------------------------------- errors
    error UnknownMarket(string name);
    error MarketExists(string name);
    error InvalidMarketParams();
    error InvalidLeverage(uint256 leverage, uint256 maxLeverage);
    error InvalidSize(uint256 size, uint256 leverage);
    error UnhealthyAtOpen(uint256 size, uint256 collateral, uint256 maintenanceMarginBps);
    error NotTrader(uint256 positionId, address caller);
    error NotLiquidationEngine(address caller);
    error NotLiquidatable(uint256 positionId, uint256 healthFactor);
    error PositionUnderwater(uint256 positionId, uint256 proceeds, uint256 owed);
    error InsufficientCounterpartyBalance(uint256 needed, uint256 available);
    error ZeroAmount();
    error OpenInterestCapExceeded(uint256 marketId, uint256 openInterest, uint256 size, uint256 cap);
    error InvalidFundingClamp(int256 ratePpmPerHour);
    error MarketOutsideBands(uint256 maxLeverage, uint256 maintenanceMarginBps);
    error NotWired();

    /// @notice Sets up the proxy's state: what the constructor did before the proxy, with the same parameters.
    /// @custom:pause-exempt runs once, inside the proxy's deployment, before anything can be paused
    function initialize(address pool_, address oracle_, address engine_, address admin) external initializer {
        __PlatformAccess_init(admin);
        __ReentrancyGuard_init();
        PerpetualTradingStorage storage $ = _s();
        _requireNonZero(pool_);
        _requireNonZero(oracle_);
        _requireNonZero(engine_);
        $.pool = ICrossChainLendingPool(pool_);
        $.oracle = IDataStreamOracle(oracle_);
        $.liquidationEngine = engine_;
    }

    function _s() private pure returns (PerpetualTradingStorage storage $) {
        assembly {
            $.slot := PERPETUALTRADING_STORAGE_LOCATION
        }
    }

    // ---------------------------------------------------------------- configuration

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setPositionManager(address pm) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(pm);
        _s().positionManager = IPositionManager(pm);
        emit PositionManagerSet(pm);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setVault(address vault_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(vault_);
        _s().vault = ICrossChainVault(vault_);
        emit VaultSet(vault_);
    }

    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function addMarket(string calldata name, bytes32 feedId, uint256 maxLeverage, uint256 maintenanceMarginBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256 marketId)
    {
        PerpetualTradingStorage storage $ = _s();
        bytes32 key = keccak256(bytes(name));
        if ($.marketIdOf[key] != 0) revert MarketExists(name);
        if (feedId == bytes32(0)) revert InvalidMarketParams();
        if (!RiskBands.marketInBand(maxLeverage, maintenanceMarginBps)) {
            revert MarketOutsideBands(maxLeverage, maintenanceMarginBps);
        }
        marketId = ++$.marketCount;
        $.marketIdOf[key] = marketId;
        Market storage m = $._markets[marketId];
        m.name = name;
        m.feedId = feedId;
        m.maxLeverage = maxLeverage;
        m.maintenanceMarginBps = maintenanceMarginBps;
        m.lastFundingUpdate = block.timestamp;
        emit MarketAdded(marketId, name, feedId, maxLeverage, maintenanceMarginBps);
    }

    /// @notice The stack's LaunchControl (v3), consulted by openPosition; never unset once set.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setLaunchControl(address launch) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireNonZero(launch);
        _s().launchControl = ILaunchControl(launch);
        emit LaunchControlSet(launch);
    }

    /// @notice Caps the open notional of a market (v2); 0 removes the cap. Positions already open count from v2 on.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setOpenInterestCap(uint256 marketId, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (marketId == 0 || marketId > _s().marketCount) revert InvalidMarketParams();
        _s().openInterestCap[marketId] = cap;
        emit OpenInterestCapSet(marketId, cap);
    }

    /// @notice Bounds every funding rate set from now on to [-max, max] ppm per hour (v2); 0 removes the clamp.
    /// @custom:pause-exempt admin configuration: the admin must be able to reconfigure during an incident
    function setMaxFundingRate(int256 maxRatePpmPerHour) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maxRatePpmPerHour < 0) revert InvalidFundingClamp(maxRatePpmPerHour);
        _s().maxFundingRatePpmPerHour = maxRatePpmPerHour;
        emit MaxFundingRateSet(maxRatePpmPerHour);
    }

    /// @notice Sets the hourly funding rate (ppm; 25 = 0.0025 %/h) after accruing the old one to now, clamped to
    ///         the configured maximum (v2).
    function updateFundingRate(string calldata name, int256 ratePpmPerHour)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        whenNotPaused
    {
        uint256 marketId = _marketId(name);
        Market storage m = _accrueFunding(marketId);
        int256 max = _s().maxFundingRatePpmPerHour;
        if (max != 0 && ratePpmPerHour > max) ratePpmPerHour = max;
        if (max != 0 && ratePpmPerHour < -max) ratePpmPerHour = -max;
        m.fundingRatePpmPerHour = ratePpmPerHour;
        emit FundingRateUpdated(marketId, ratePpmPerHour, m.cumulativeFunding);
    }

    /// @notice Adds to the insurance fund (anyone).
    function fundInsurance(address token, uint256 amount) external nonReentrant whenNotPaused {
        PerpetualTradingStorage storage $ = _s();
        if (amount == 0) revert ZeroAmount();
        $.insuranceFund[token] += amount;
        emit InsuranceFunded(token, msg.sender, amount, $.insuranceFund[token]);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Adds liquidity to the counterparty book that pays traders' profits (anyone).
    function fundCounterparty(address token, uint256 amount) external nonReentrant whenNotPaused {
        PerpetualTradingStorage storage $ = _s();
        if (amount == 0) revert ZeroAmount();
        $.counterpartyBalance[token] += amount;
        emit CounterpartyFunded(token, msg.sender, amount, $.counterpartyBalance[token]);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    // ---------------------------------------------------------------- trading

    /// @notice Opens `size` of notional at `leverage`: collateral = size / leverage from the caller's vault
    ///         balance, size - collateral borrowed from the pool, entry at the oracle price.
    function openPosition(
        string calldata market,
        Side side,
        uint256 size,
        uint256 leverage,
        address collateralToken
    ) external nonReentrant whenNotPaused returns (uint256 positionId) {
        PerpetualTradingStorage storage $ = _s();
        _requireWired();
        uint256 marketId = _marketId(market);
        LaunchGate.checkOpen($.launchControl, msg.sender, marketId, leverage);
        Market storage m = _accrueFunding(marketId);
        if (leverage == 0 || leverage > m.maxLeverage) revert InvalidLeverage(leverage, m.maxLeverage);
        if (size == 0 || size % leverage != 0) revert InvalidSize(size, leverage);
        uint256 openInterest = $.openInterest[marketId] + size;
        uint256 cap = $.openInterestCap[marketId];
        if (cap != 0 && openInterest > cap) revert OpenInterestCapExceeded(marketId, $.openInterest[marketId], size, cap);
        $.openInterest[marketId] = openInterest;
        IPositionManager.Position memory p;
        p.collateral = size / leverage;
        bool healthyAtOpen;
        (, p.principal, healthyAtOpen) = PerpMath.openSizes(p.collateral, leverage, m.maintenanceMarginBps);
        if (!healthyAtOpen) revert UnhealthyAtOpen(size, p.collateral, m.maintenanceMarginBps);
        p.trader = msg.sender;
        p.token = collateralToken;
        p.marketId = marketId;
        p.feedId = m.feedId;
        p.isLong = side == Side.Long;
        p.size = size;
        p.entryPrice = $.oracle.getPrice(m.feedId);
        p.entryFunding = m.cumulativeFunding;
        p.mmBps = m.maintenanceMarginBps;
        p.open = true;

        $.vault.lockCollateral(msg.sender, collateralToken, p.collateral);
        p.indexAtBorrow =
            p.principal == 0 ? $.pool.currentIndex(collateralToken) : $.pool.borrow(collateralToken, p.principal);
        positionId = $.positionManager.createPosition(p);
        emit PositionOpened(
            positionId, msg.sender, marketId, p.isLong, size, leverage, p.collateral, p.principal, p.entryPrice
        );
    }

    /// @notice Closes the caller's position at the oracle price: settles PnL and funding with the counterparty,
    ///         repays the pool with interest and credits the rest to the trader's vault balance.
    ///         An underwater position (proceeds below debt) cannot be closed: it is liquidated instead.
    function closePosition(uint256 positionId) external nonReentrant whenNotPaused {
        PerpetualTradingStorage storage $ = _s();
        _requireWired();
        IPositionManager.Position memory p = $.positionManager.getPosition(positionId);
        if (p.trader != msg.sender) revert NotTrader(positionId, msg.sender);
        _accrueFunding(p.marketId);
        IPositionManager.PositionState memory st = $.positionManager.positionState(positionId);
        uint256 proceeds = _proceeds(st);
        if (proceeds < st.debt) revert PositionUnderwater(positionId, proceeds, st.debt);
        if (proceeds > p.size) {
            uint256 profit = proceeds - p.size;
            if (profit > $.counterpartyBalance[p.token]) {
                revert InsufficientCounterpartyBalance(profit, $.counterpartyBalance[p.token]);
            }
        }
        _settleWithCounterparty(positionId, p.token, p.size, proceeds);
        _releaseOpenInterest(p.marketId, p.size);
        uint256 toTrader = proceeds - st.debt;

        $.positionManager.closePosition(positionId);
        emit PositionClosed(positionId, p.trader, st.price, st.value, st.fundingOwed, st.debt, toTrader);

        if (p.principal > 0) {
            IERC20(p.token).forceApprove(address($.pool), st.debt);
            $.pool.repay(p.token, p.principal, p.indexAtBorrow, st.debt, 0);
        }
        _creditTrader(p.trader, p.token, toTrader);
    }

    /// @notice Liquidates a position whose HF is below 1e18. Only the LiquidationEngine may call it.
    /// @custom:pause-exempt liquidations continue while trading is paused, to protect lenders from a position
    ///         that keeps losing value (the engine has its own pause to stop them)
    function liquidatePosition(uint256 positionId) external nonReentrant {
        PerpetualTradingStorage storage $ = _s();
        if (msg.sender != $.liquidationEngine) revert NotLiquidationEngine(msg.sender);
        _requireWired();
        IPositionManager.Position memory p = $.positionManager.getPosition(positionId);
        _accrueFunding(p.marketId);
        IPositionManager.PositionState memory st = $.positionManager.positionState(positionId);
        if (!PerpMath.isLiquidatable(st.healthFactor)) revert NotLiquidatable(positionId, st.healthFactor);

        // PnL and funding against the counterparty book; a profit it cannot pay is capped.
        uint256 proceeds = _proceeds(st);
        if (proceeds > p.size && proceeds - p.size > $.counterpartyBalance[p.token]) {
            proceeds = p.size + $.counterpartyBalance[p.token];
        }
        _settleWithCounterparty(positionId, p.token, p.size, proceeds);
        _releaseOpenInterest(p.marketId, p.size);

        PerpMath.LiquidationSplit memory s = PerpMath.liquidationSplit(
            proceeds, st.debt, p.collateral, LIQUIDATION_PENALTY_BPS, $.insuranceFund[p.token]
        );
        // Bad debt is what the lenders lose, to the unit (docs/platform.md §2). st.debt rounds up while the pool's
        // aggregate borrows round down, so the pool's books may hold a unit less of this debt than st.debt (Alice:
        // 3,000,051,370 recorded against a loss of 3,000,051,369). That unit was never lenders' assets: write off
        // only what repay takes off their books beyond what it is paid.
        if (s.badDebt > 0) s.badDebt = _lendersLoss(p.token, st.debt, s.repaidFromPosition + s.coveredByInsurance);
        $.insuranceFund[p.token] = $.insuranceFund[p.token] - s.coveredByInsurance + s.penalty;

        $.positionManager.closePosition(positionId);
        emit PositionLiquidated(
            positionId,
            st.price,
            st.healthFactor,
            s.repaidFromPosition,
            s.coveredByInsurance,
            s.badDebt,
            s.penalty,
            s.toTrader
        );
        if (s.badDebt > 0) emit BadDebtRecorded(positionId, p.token, s.badDebt);

        if (p.principal > 0) {
            uint256 amount = s.repaidFromPosition + s.coveredByInsurance;
            IERC20(p.token).forceApprove(address($.pool), amount);
            $.pool.repay(p.token, p.principal, p.indexAtBorrow, amount, s.badDebt);
        }
        _creditTrader(p.trader, p.token, s.toTrader);
    }

    /// @dev Positions opened before v2 were never counted: release at most what is counted.
    function _releaseOpenInterest(uint256 marketId, uint256 size) private {
        uint256 counted = _s().openInterest[marketId];
        _s().openInterest[marketId] = counted > size ? counted - size : 0;
    }

    // ---------------------------------------------------------------- views

    function openInterestOf(uint256 marketId) external view returns (uint256) {
        return _s().openInterest[marketId];
    }

    function openInterestCapOf(uint256 marketId) external view returns (uint256) {
        return _s().openInterestCap[marketId];
    }

    function launchControl() external view returns (ILaunchControl) {
        return _s().launchControl;
    }

    function maxFundingRatePpmPerHour() external view returns (int256) {
        return _s().maxFundingRatePpmPerHour;
    }

    function pool() external view returns (ICrossChainLendingPool) {
        return _s().pool;
    }

    function oracle() external view returns (IDataStreamOracle) {
        return _s().oracle;
    }

    function liquidationEngine() external view returns (address) {
        return _s().liquidationEngine;
    }

    function positionManager() external view returns (IPositionManager) {
        return _s().positionManager;
    }

    function vault() external view returns (ICrossChainVault) {
        return _s().vault;
    }

    function marketCount() external view returns (uint256) {
        return _s().marketCount;
    }

    function marketIdOf(bytes32 nameHash) external view returns (uint256 marketId) {
        return _s().marketIdOf[nameHash];
    }

    function insuranceFund(address token) external view returns (uint256) {
        return _s().insuranceFund[token];
    }

    function counterpartyBalance(address token) external view returns (uint256) {
        return _s().counterpartyBalance[token];
    }

    /// @notice True when the position is open and its HF (PositionManager) is below 1e18.
    ///         Reverts while the oracle refuses a price (stale / circuit breaker).
    function isLiquidatable(uint256 positionId) external view returns (bool) {
        PerpetualTradingStorage storage $ = _s();
        if (address($.positionManager) == address(0)) revert NotWired();
        if (!$.positionManager.getPosition(positionId).open) return false;
        return PerpMath.isLiquidatable($.positionManager.calculateHealthFactor(positionId));
    }

    function openPositionIds() external view returns (uint256[] memory) {
        PerpetualTradingStorage storage $ = _s();
        if (address($.positionManager) == address(0)) revert NotWired();
        return $.positionManager.openPositionIds();
    }

    function currentCumulativeFunding(uint256 marketId) public view returns (int256) {
        Market storage m = _s()._markets[marketId];
        return PerpMath.accrueFunding(
            m.cumulativeFunding, m.fundingRatePpmPerHour, block.timestamp - m.lastFundingUpdate
        );
    }

    function getMarket(uint256 marketId) external view returns (Market memory) {
        return _s()._markets[marketId];
    }

    function marketIdByName(string calldata name) external view returns (uint256) {
        return _marketId(name);
    }

    // ---------------------------------------------------------------- internals

    function _marketId(string calldata name) internal view returns (uint256 id) {
        id = _s().marketIdOf[keccak256(bytes(name))];
        if (id == 0) revert UnknownMarket(name);
    }

    function _accrueFunding(uint256 marketId) internal returns (Market storage m) {
        m = _s()._markets[marketId];
        if (block.timestamp != m.lastFundingUpdate) {
            m.cumulativeFunding = currentCumulativeFunding(marketId);
            m.lastFundingUpdate = block.timestamp;
        }
    }

    /// @dev Position value minus funding owed (plus funding received), floored at zero.
    function _proceeds(IPositionManager.PositionState memory st) internal pure returns (uint256) {
        int256 gross = int256(st.value) - st.fundingOwed;
        return gross > 0 ? uint256(gross) : 0;
    }

    /// @dev The position's backing is `size` tokens; the counterparty takes the loss or pays the profit.
    function _settleWithCounterparty(uint256 positionId, address token, uint256 size, uint256 proceeds) internal {
        PerpetualTradingStorage storage $ = _s();
        if (proceeds <= size) $.counterpartyBalance[token] += size - proceeds;
        else $.counterpartyBalance[token] -= proceeds - size;
        emit CounterpartySettled(positionId, token, int256(proceeds) - int256(size), $.counterpartyBalance[token]);
    }

    /// @dev What the pool's lenders lose when `paid` settles a debt of `owed`: CrossChainLendingPool.repay takes
    ///      min(owed, aggregate borrows) off the books (the aggregate as accrued now: its totalBorrows view) and
    ///      adds `paid` to cash.
    function _lendersLoss(address token, uint256 owed, uint256 paid) internal view returns (uint256) {
        uint256 onBooks = _s().pool.totalBorrows(token);
        uint256 removed = owed < onBooks ? owed : onBooks;
        return removed > paid ? removed - paid : 0;
    }

    function _creditTrader(address trader, address token, uint256 amount) internal {
        PerpetualTradingStorage storage $ = _s();
        if (amount == 0) return;
        IERC20(token).safeTransfer(address($.vault), amount);
        $.vault.releaseCollateral(trader, token, amount);
    }

    function _requireWired() internal view {
        PerpetualTradingStorage storage $ = _s();
        if (address($.positionManager) == address(0) || address($.vault) == address(0)) revert NotWired();
    }
}
