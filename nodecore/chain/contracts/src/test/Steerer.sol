// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TaskManager} from "../TaskManager.sol";

/// @title Steerer: a task creator that tries to choose who runs its tasks,
/// for the network simulation (`hydrogend bench network`) only.
/// @notice The draw's word is fixed when the task is created, but the
/// pools it draws from change from block to block. So the steerer draws
/// its tasks itself, through `steer`, which reverts unless the draw seats
/// at least `want` of its allies; it tries again in a later block, paying
/// for every failed try, until the draw window closes. Its allies draw
/// the auditors of their junk tasks the same way (`steerPanel`).
contract Steerer {
    TaskManager public immutable tasks;
    address public immutable owner;
    mapping(address => bool) public ally;

    error NotOwner();
    error Unlucky(uint8 seated);

    constructor(TaskManager tasks_) {
        tasks = tasks_;
        owner = msg.sender;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    receive() external payable {}

    function addAllies(address[] calldata allies) external onlyOwner {
        for (uint256 i; i < allies.length; ++i) {
            ally[allies[i]] = true;
        }
    }

    function create(TaskManager.Spec calldata spec, uint32 timeout) external payable onlyOwner returns (uint256) {
        return tasks.createTask{value: msg.value}(spec, timeout);
    }

    /// @notice Draws task id, keeping the draw only if it seats at least
    /// `want` allies. A draw that refunds the task or requests a new round
    /// (the old one expired) is kept: there is nothing to choose.
    function steer(uint256 id, TaskManager.Spec calldata spec, uint8 want) external onlyOwner {
        tasks.draw(id, spec);
        TaskManager.Task memory t = tasks.getTask(id);
        if (t.state != TaskManager.TaskState.Committing) return;
        uint8 n;
        for (uint256 i; i < 3; ++i) {
            if (ally[t.nodes[i]]) n++;
        }
        if (n < want) revert Unlucky(n);
    }

    /// @notice Draws the audit panel of task id (whose seats hold allies
    /// that voted junk), keeping the draw only if the panel it seats has
    /// at least `want` allies: colluders choosing their own auditors. A
    /// draw that seats no panel (a new round, a wait) is kept.
    function steerPanel(uint256 id, TaskManager.Spec calldata spec, uint8 want) external onlyOwner {
        tasks.draw(id, spec);
        TaskManager.Task memory t = tasks.getTask(id);
        if (t.state != TaskManager.TaskState.Auditing || t.commitDeadline == 0 || t.vacant != 0) return;
        uint256 from = t.panels == 2 ? 6 : 3;
        uint8 n;
        for (uint256 i = from; i < from + 3; ++i) {
            if (ally[t.nodes[i]]) n++;
        }
        if (n < want) revert Unlucky(n);
    }

    /// @notice Collects refunds and sends them to the owner.
    function withdraw() external onlyOwner {
        tasks.withdraw();
        (bool ok,) = owner.call{value: address(this).balance}("");
        require(ok);
    }
}
