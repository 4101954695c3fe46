// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {CrossChainReceiver, MessageType} from "src/CrossChainReceiver.sol";
import {SequenceHarness} from "./SequenceHarness.sol";
import {PlatformDeployer} from "script/PlatformDeployer.sol";

/// @dev Stands in for the position manager, vault and liquidation engine: counts what the receiver makes them do.
contract DeliveryRecorder {
    uint256 public effects;

    function recordRemotePosition(uint64, uint256, address, int256) external {
        effects += 1;
    }

    function liquidateFromRemote(uint256) external {
        effects += 1;
    }

    function creditCrossChainDeposit(address, address, uint256) external {
        effects += 1;
    }

    function processCrossChainWithdrawal(address, address, uint256) external {
        effects += 1;
    }
}

/// @notice SEQ-03 a CCIP message is processed at most once, on the receiver's bytecode: the harness is the
///         router and delivers the same message (same messageId) twice; the second delivery must have no
///         effect (replay guard), whatever the message body.
contract SEQ03Harness is SequenceHarness {
    uint64 public constant SOURCE_CHAIN = 16015286601757825753;
    address public constant REMOTE_SENDER = address(0xBEEF);

    CrossChainReceiver public receiver;
    DeliveryRecorder public recorder;
    uint256 public distinctDelivered;

    constructor() {
        recorder = new DeliveryRecorder();
        receiver = PlatformDeployer.deployCrossChainReceiver(
            address(this), address(recorder), address(recorder), address(recorder), address(this)
        );
        receiver.setAllowedSourceChain(SOURCE_CHAIN, true);
        receiver.setAllowedSender(REMOTE_SENDER, true);
    }

    function _message(bytes32 messageId, uint256 remoteId, int256 sizeDelta)
        internal
        pure
        returns (Client.Any2EVMMessage memory message)
    {
        message.messageId = messageId;
        message.sourceChainSelector = SOURCE_CHAIN;
        message.sender = abi.encode(REMOTE_SENDER);
        message.data = abi.encode(MessageType.POSITION_UPDATE, abi.encode(remoteId, address(0xA11CE), sizeDelta));
    }

    /// @notice delivers a position update, then a second message under the same messageId whose body may
    ///         differ (a replayed or forged redelivery); the guard must key on the id, not on the body
    function act_deliverTwice(uint256 remoteId, int256 sizeDelta, int256 replayedSizeDelta) external {
        bytes32 id = keccak256("SEQ-03 message");
        receiver.ccipReceive(_message(id, remoteId, sizeDelta));
        distinctDelivered += 1;
        try receiver.ccipReceive(_message(id, remoteId, replayedSizeDelta)) {} catch {}
        _record();
    }

    /// @notice processed effects never exceed the number of distinct messages delivered
    function property() public view override returns (bool) {
        return recorder.effects() <= distinctDelivered;
    }
}
