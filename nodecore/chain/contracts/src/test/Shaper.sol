// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "../NodeRegistry.sol";
import {TaskManager} from "../TaskManager.sol";

/// @title Puppet: a node that is a contract, run by a Shaper (tests only).
contract Puppet {
    NodeRegistry public immutable registry;
    address public immutable owner;

    constructor(NodeRegistry r) {
        registry = r;
        owner = msg.sender;
    }

    function join(string calldata gpu, uint32 vram, uint24 version) external payable {
        require(msg.sender == owner);
        registry.join{value: msg.value}(gpu, vram, version, new bytes32[](0));
    }

    /// @notice Pauses (on) or resumes (off) the node, when it is not so already.
    function setPaused(bool on) external {
        require(msg.sender == owner);
        NodeRegistry.NodeState s = registry.getNode(address(this)).state;
        if (on && s == NodeRegistry.NodeState.Available) registry.pause();
        else if (!on && s == NodeRegistry.NodeState.Paused) registry.resume();
    }
}

/// @title Shaper: colluders shaping the pools a draw reads, for tests only.
/// @notice In the block it draws a task, with the round's word known, the
/// shaper tries every way of pausing and resuming its puppet nodes, draws
/// in each (undone), and keeps the way that seats the most of its nodes:
/// the 2^m choices an attacker with m pausable nodes has. `shape` emits
/// how many it seated with the best way and with all of them available.
/// The spec comes ABI-encoded (`abi.encode(spec)`), so that its binding
/// shares no type with the Steerer's.
contract Shaper {
    TaskManager public immutable tasks;
    NodeRegistry public immutable registry;
    address public immutable owner;
    Puppet[] public puppets;

    event Shaped(uint256 indexed id, uint8 best, uint8 allAvailable, uint256 mask, uint8[] byMask);

    error Probe(uint8 seated);
    error Trial(address[3] seats);

    constructor(TaskManager t, NodeRegistry r) {
        tasks = t;
        registry = r;
        owner = msg.sender;
    }

    /// @notice Makes `count` puppet nodes, each staked with msg.value / count.
    function spawn(uint256 count, string calldata gpu, uint32 vram, uint24 version) external payable {
        require(msg.sender == owner);
        for (uint256 i; i < count; ++i) {
            Puppet p = new Puppet(registry);
            p.join{value: msg.value / count}(gpu, vram, version);
            puppets.push(p);
        }
    }

    /// @notice Pauses (bit i set) or resumes puppet i, then draws task id
    /// and reverts with the number of puppets seated: a trial, undone.
    function probe(uint256 id, bytes calldata spec, uint256 mask) external {
        require(msg.sender == address(this));
        revert Probe(_drawWith(id, abi.decode(spec, (TaskManager.Spec)), mask));
    }

    /// @notice Draws task id as it stands and reverts with the seats: what
    /// a draw now would seat (for eth_call).
    function trial(uint256 id, bytes calldata spec) external {
        tasks.draw(id, abi.decode(spec, (TaskManager.Spec)));
        TaskManager.Task memory t = tasks.getTask(id);
        revert Trial([t.nodes[0], t.nodes[1], t.nodes[2]]);
    }

    /// @notice Tries every mask, then draws with the best one.
    function shape(uint256 id, bytes calldata spec) external {
        require(msg.sender == owner);
        uint256 ways = 1 << puppets.length;
        uint8 best;
        uint8 all;
        uint256 bestMask;
        uint8[] memory byMask = new uint8[](ways);
        for (uint256 mask; mask < ways; ++mask) {
            uint8 got;
            try this.probe(id, spec, mask) {}
            catch (bytes memory r) {
                if (r.length != 36 || bytes4(r) != Probe.selector) {
                    assembly {
                        revert(add(r, 32), mload(r)) // the trial failed otherwise: say why
                    }
                }
                got = uint8(r[35]);
            }
            byMask[mask] = got;
            if (mask == 0) all = got;
            if (got > best) (best, bestMask) = (got, mask);
        }
        _drawWith(id, abi.decode(spec, (TaskManager.Spec)), bestMask);
        emit Shaped(id, best, all, bestMask, byMask);
    }

    function _drawWith(uint256 id, TaskManager.Spec memory spec, uint256 mask) internal returns (uint8 seated) {
        for (uint256 i; i < puppets.length; ++i) {
            puppets[i].setPaused(mask & (1 << i) != 0);
        }
        tasks.draw(id, spec);
        TaskManager.Task memory t = tasks.getTask(id);
        for (uint256 s; s < 3; ++s) {
            address a = t.nodes[s];
            for (uint256 i; i < puppets.length; ++i) {
                if (a == address(puppets[i])) seated++;
            }
        }
    }
}
