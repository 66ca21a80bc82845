// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "../NodeRegistry.sol";
import {TaskManager} from "../TaskManager.sol";

/// @title ReentrantNode: a hostile node for tests only. It joins, takes
/// tasks like any node, and when paid tries to withdraw again from inside
/// the payment.
contract ReentrantNode {
    NodeRegistry public immutable registry;
    TaskManager public immutable tasks;
    uint256 public reentries;
    bool public attackRegistry;

    constructor(NodeRegistry r, TaskManager t) {
        registry = r;
        tasks = t;
    }

    function join(string calldata gpu, uint32 vram, uint24 version, bytes32[] calldata models) external payable {
        registry.join{value: msg.value}(gpu, vram, version, models);
    }

    function quit() external {
        registry.quit();
    }

    function commit(uint256 id, bytes32 c) external {
        tasks.commit(id, c);
    }

    function disclose(uint256 id, bytes calldata score, bytes32 resultHash, bytes32 nonce) external {
        tasks.disclose(id, score, resultHash, nonce);
    }

    function submitResult(uint256 id, bytes calldata score, bytes32 resultHash, bytes32 nonce) external {
        tasks.submitResult(id, score, resultHash, nonce);
    }

    function withdrawFees() external {
        attackRegistry = false;
        tasks.withdraw();
    }

    function withdrawStake() external {
        attackRegistry = true;
        registry.withdraw();
    }

    receive() external payable {
        reentries++;
        if (attackRegistry) registry.withdraw();
        else tasks.withdraw();
    }
}
