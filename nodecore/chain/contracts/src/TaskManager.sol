// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "./NodeRegistry.sol";
import {Payouts} from "./Payouts.sol";

/// @title TaskManager: the life of a task, from creation to payout.
/// @notice An application pays a fee and creates a task; the registry
/// draws three nodes; each commits to a hash of its result score and a
/// secret nonce, then, once all have committed, discloses the score. Two
/// agreeing scores of three validate the task: the agreeing nodes share
/// the fee, a disagreeing node is slashed. No majority refunds the fee.
/// See docs/protocol.md.
contract TaskManager is Payouts {
    enum TaskType {
        Image, // 0: score = one 64-bit perceptual hash per image
        Text // 1: score = sha256 of the output
    }

    /// Task states; the numbers cross the wire and never change.
    enum TaskState {
        None, // 0: no such task
        Committing, // 1: selected nodes commit to their scores
        Disclosing, // 2: committed nodes disclose their scores
        Validated, // 3: paid; waiting for the result hash
        Done, // 4: result hash recorded
        Aborted // 5: refunded
    }

    /// Why a task was aborted or how it settled.
    enum Outcome {
        Success, // 0
        NoMajority, // 1: the disclosed scores did not agree
        TooFewNodes // 2: fewer than two nodes committed in time
    }

    /// What the creator asks for. Its hash is stored; the full spec is in
    /// the TaskCreated event and must be passed back to yieldTask.
    struct Spec {
        TaskType taskType;
        bytes32 argsHash; // sha256 of the arguments stored in the relay
        bytes32[] models;
        uint32 minVramMiB;
        bytes32 gpuId; // 0 for any GPU with minVramMiB
        uint24 version; // major<<16 | minor<<8 | patch
    }

    struct Task {
        address creator;
        uint96 fee;
        bytes32 specHash;
        bytes32 resultHash;
        uint64 commitDeadline;
        uint64 discloseDeadline;
        TaskState state;
        TaskType taskType;
        uint8 commits; // how many have committed
        uint8 discloses; // how many have disclosed
        uint8 disclosed; // bit i: node i disclosed
        uint8 honest; // bit i: node i was paid (set at settlement)
        uint8 p0; // points per node, by commit order (10/5/2)
        uint8 p1;
        uint8 p2;
        address[3] nodes;
        bytes32[3] commitments;
    }

    struct Params {
        uint64 minTimeout; // seconds a task must give nodes to commit
        uint64 maxTimeout;
        uint64 discloseWindow; // seconds to disclose after the commit phase
        uint8 distanceThreshold; // max Hamming distance of two agreeing image hashes
        uint8 maxImages; // images one image task may return
        uint8 maxModels; // models one task may need
    }

    uint8 public constant POINTS_FIRST = 10;
    uint8 public constant POINTS_SECOND = 5;
    uint8 public constant POINTS_THIRD = 2;

    NodeRegistry public immutable registry;
    Params internal params;
    uint64 public taskCount;
    mapping(uint256 => Task) internal tasks;
    mapping(uint256 => bytes[3]) internal scores;

    event TaskCreated(uint256 indexed id, address indexed creator, Spec spec, uint256 fee, uint64 commitDeadline);
    event TaskAssigned(uint256 indexed id, address indexed node, uint8 slot);
    event TaskCommitted(uint256 indexed id, address indexed node, uint8 order);
    event TaskDisclosing(uint256 indexed id, uint64 discloseDeadline);
    event TaskDisclosed(uint256 indexed id, address indexed node, bytes score);
    event TaskYielded(uint256 indexed id, address indexed node, address indexed replacement, uint8 slot);
    event TaskSettled(uint256 indexed id, TaskState state, Outcome outcome, uint8 honest, uint8 slashed);
    event TaskResult(uint256 indexed id, bytes32 resultHash, address indexed node);

    error NoFee();
    error FeeTooLarge();
    error BadTimeout(uint64 timeout);
    error TooManyModels(uint256 count);
    error NotEnoughNodes(uint256 found);
    error BadTaskState(TaskState state);
    error NotSelected();
    error AlreadyCommitted();
    error NotCommitted();
    error AlreadyDisclosed();
    error EmptyCommitment();
    error CommitDeadlinePassed();
    error DiscloseDeadlinePassed();
    error BadCommitment();
    error BadScore();
    error TooEarly();
    error SpecMismatch();
    error NotHonest();


    constructor(NodeRegistry registry_, Params memory p) {
        registry = registry_;
        params = p;
    }

    // --------------------------------------------------------- applications

    /// @notice Creates a task paying msg.value, and assigns it to three nodes.
    function createTask(Spec calldata spec, uint64 timeout) external payable returns (uint256 id) {
        if (msg.value == 0) revert NoFee();
        if (msg.value > type(uint96).max) revert FeeTooLarge();
        if (timeout < params.minTimeout || timeout > params.maxTimeout) revert BadTimeout(timeout);
        if (spec.models.length > params.maxModels) revert TooManyModels(spec.models.length);
        id = ++taskCount;
        bytes32 specHash = keccak256(abi.encode(spec));
        address[] memory chosen = registry.assign(
            uint64(id),
            NodeRegistry.Requirements(spec.minVramMiB, spec.gpuId, spec.version, spec.models),
            3,
            keccak256(abi.encode(id, msg.sender, specHash))
        );
        if (chosen.length < 3) revert NotEnoughNodes(chosen.length);
        Task storage t = tasks[id];
        t.creator = msg.sender;
        t.fee = uint96(msg.value);
        t.specHash = specHash;
        t.commitDeadline = uint64(block.timestamp) + timeout;
        t.state = TaskState.Committing;
        t.taskType = spec.taskType;
        emit TaskCreated(id, msg.sender, spec, msg.value, t.commitDeadline);
        for (uint8 i; i < 3; ++i) {
            t.nodes[i] = chosen[i];
            emit TaskAssigned(id, chosen[i], i);
        }
    }

    // ---------------------------------------------------------------- nodes

    /// @notice Commits to a score: keccak256(abi.encode(id, node, score, nonce)).
    function commit(uint256 id, bytes32 commitment) external {
        Task storage t = tasks[id];
        if (t.state != TaskState.Committing) revert BadTaskState(t.state);
        if (block.timestamp > t.commitDeadline) revert CommitDeadlinePassed();
        if (commitment == bytes32(0)) revert EmptyCommitment();
        uint8 slot = _slot(t, msg.sender);
        if (t.commitments[slot] != bytes32(0)) revert AlreadyCommitted();
        t.commitments[slot] = commitment;
        uint8 order = ++t.commits;
        uint8 pts = order == 1 ? POINTS_FIRST : order == 2 ? POINTS_SECOND : POINTS_THIRD;
        if (slot == 0) t.p0 = pts;
        else if (slot == 1) t.p1 = pts;
        else t.p2 = pts;
        emit TaskCommitted(id, msg.sender, order);
        if (order == _nodeCount(t)) _startDisclosing(id, t, uint64(block.timestamp));
    }

    /// @notice Discloses the score committed to. The last disclosure settles.
    function disclose(uint256 id, bytes calldata score, bytes32 nonce) external {
        Task storage t = tasks[id];
        if (t.state == TaskState.Committing && block.timestamp > t.commitDeadline && t.commits >= 2) {
            _startDisclosing(id, t, t.commitDeadline);
        }
        if (t.state != TaskState.Disclosing) revert BadTaskState(t.state);
        if (block.timestamp > t.discloseDeadline) revert DiscloseDeadlinePassed();
        uint8 slot = _slot(t, msg.sender);
        bytes32 c = t.commitments[slot];
        if (c == bytes32(0)) revert NotCommitted();
        if (t.disclosed & (uint8(1) << slot) != 0) revert AlreadyDisclosed();
        if (keccak256(abi.encode(id, msg.sender, score, nonce)) != c) revert BadCommitment();
        if (!_validScore(t.taskType, score)) revert BadScore();
        scores[id][slot] = score;
        t.disclosed |= uint8(1) << slot;
        emit TaskDisclosed(id, msg.sender, score);
        if (++t.discloses == t.commits) _settle(id, t);
    }

    /// @notice Hands a selected task back before committing (the owner came
    /// back). A replacement is drawn; the node is not slashed.
    function yieldTask(uint256 id, Spec calldata spec) external {
        Task storage t = tasks[id];
        if (t.state != TaskState.Committing) revert BadTaskState(t.state);
        if (keccak256(abi.encode(spec)) != t.specHash) revert SpecMismatch();
        uint8 slot = _slot(t, msg.sender);
        if (t.commitments[slot] != bytes32(0)) revert AlreadyCommitted();
        address replacement = registry.yieldTask(
            uint64(id),
            msg.sender,
            NodeRegistry.Requirements(spec.minVramMiB, spec.gpuId, spec.version, spec.models),
            keccak256(abi.encode(id, msg.sender, block.number))
        );
        t.nodes[slot] = replacement;
        emit TaskYielded(id, msg.sender, replacement, slot);
        if (replacement != address(0)) {
            emit TaskAssigned(id, replacement, slot);
            return;
        }
        uint8 left = _nodeCount(t);
        if (left < 2) {
            _abort(id, t, Outcome.TooFewNodes);
        } else if (t.commits == left) {
            _startDisclosing(id, t, uint64(block.timestamp));
        }
    }

    /// @notice Records the hash of the result a paid node uploaded.
    function submitResult(uint256 id, bytes32 resultHash) external {
        Task storage t = tasks[id];
        if (t.state != TaskState.Validated) revert BadTaskState(t.state);
        uint8 slot = _slot(t, msg.sender);
        if (t.honest & (uint8(1) << slot) == 0) revert NotHonest();
        t.resultHash = resultHash;
        t.state = TaskState.Done;
        emit TaskResult(id, resultHash, msg.sender);
    }

    // --------------------------------------------------------------- anyone

    /// @notice Closes a task whose deadline passed: settles with the scores
    /// disclosed so far, or refunds when fewer than two nodes committed.
    function close(uint256 id) external {
        Task storage t = tasks[id];
        if (t.state == TaskState.Committing) {
            if (block.timestamp <= t.commitDeadline) revert TooEarly();
            if (t.commits < 2) {
                _abort(id, t, Outcome.TooFewNodes);
                return;
            }
            _startDisclosing(id, t, t.commitDeadline);
        }
        if (t.state != TaskState.Disclosing) revert BadTaskState(t.state);
        if (block.timestamp <= t.discloseDeadline) revert TooEarly();
        _settle(id, t);
    }


    // ---------------------------------------------------------------- views

    function getParams() external view returns (Params memory) {
        return params;
    }

    function getTask(uint256 id) external view returns (Task memory) {
        return tasks[id];
    }

    function getScores(uint256 id) external view returns (bytes[3] memory) {
        return scores[id];
    }

    /// @notice The commitment a node sends for a score and nonce.
    function commitmentOf(uint256 id, address node, bytes calldata score, bytes32 nonce)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(id, node, score, nonce));
    }

    /// @notice Whether two disclosed scores agree under the task type's rule.
    function scoresAgree(TaskType tt, bytes memory a, bytes memory b) public view returns (bool) {
        if (a.length != b.length) return false;
        if (tt == TaskType.Text) return keccak256(a) == keccak256(b);
        for (uint256 off; off < a.length; off += 8) {
            uint64 x;
            uint64 y;
            assembly {
                x := shr(192, mload(add(add(a, 32), off)))
                y := shr(192, mload(add(add(b, 32), off)))
            }
            if (_popcount(x ^ y) > params.distanceThreshold) return false;
        }
        return true;
    }

    // ------------------------------------------------------------- internals

    function _slot(Task storage t, address node) internal view returns (uint8) {
        if (node == address(0)) revert NotSelected();
        if (t.nodes[0] == node) return 0;
        if (t.nodes[1] == node) return 1;
        if (t.nodes[2] == node) return 2;
        revert NotSelected();
    }

    function _nodeCount(Task storage t) internal view returns (uint8 n) {
        for (uint256 i; i < 3; ++i) {
            if (t.nodes[i] != address(0)) n++;
        }
    }

    function _startDisclosing(uint256 id, Task storage t, uint64 from) internal {
        t.state = TaskState.Disclosing;
        t.discloseDeadline = from + params.discloseWindow;
        emit TaskDisclosing(id, t.discloseDeadline);
    }

    function _validScore(TaskType tt, bytes calldata score) internal view returns (bool) {
        if (tt == TaskType.Text) return score.length == 32;
        return score.length > 0 && score.length % 8 == 0 && score.length / 8 <= params.maxImages;
    }

    function _points(Task storage t) internal view returns (uint32[3] memory p) {
        p[0] = t.p0;
        p[1] = t.p1;
        p[2] = t.p2;
    }

    function _settle(uint256 id, Task storage t) internal {
        bytes[3] storage s = scores[id];
        uint8 d = t.disclosed;
        // Find an agreeing pair; a third node is honest if it agrees with
        // either member of the pair.
        uint8 honest;
        for (uint8 i; i < 3 && honest == 0; ++i) {
            for (uint8 j = i + 1; j < 3; ++j) {
                if (d & (1 << i) != 0 && d & (1 << j) != 0 && scoresAgree(t.taskType, s[i], s[j])) {
                    honest = uint8((1 << i) | (1 << j));
                    uint8 k = 3 - i - j;
                    if (d & (1 << k) != 0 && (scoresAgree(t.taskType, s[k], s[i]) || scoresAgree(t.taskType, s[k], s[j]))) {
                        honest |= uint8(1 << k);
                    }
                    break;
                }
            }
        }
        uint32[3] memory pts = _points(t);
        if (honest == 0) {
            _abort(id, t, Outcome.NoMajority);
            return;
        }
        uint8 slashed = d & ~honest;
        uint256 paid = honest == 7 ? 3 : 2;
        uint256 share = t.fee / paid;
        uint256 dust = t.fee - share * paid;
        bool first = true;
        for (uint256 i; i < 3; ++i) {
            if (honest & (1 << i) == 0) {
                if (slashed & (1 << i) == 0) pts[i] = 0; // absent: a timeout
                continue;
            }
            balances[t.nodes[i]] += first ? share + dust : share;
            first = false;
        }
        t.honest = honest;
        t.state = TaskState.Validated;
        registry.release(uint64(id), t.nodes, pts, slashed);
        emit TaskSettled(id, TaskState.Validated, Outcome.Success, honest, slashed);
    }

    function _abort(uint256 id, Task storage t, Outcome why) internal {
        // Nodes that did their part keep their points; the others timed out.
        uint32[3] memory pts = _points(t);
        for (uint256 i; i < 3; ++i) {
            bool didPart = why == Outcome.NoMajority
                ? t.disclosed & (1 << i) != 0
                : t.commitments[i] != bytes32(0);
            if (!didPart) pts[i] = 0;
        }
        t.state = TaskState.Aborted;
        balances[t.creator] += t.fee;
        registry.release(uint64(id), t.nodes, pts, 0);
        emit TaskSettled(id, TaskState.Aborted, why, 0, 0);
    }

    function _popcount(uint64 x) internal pure returns (uint256) {
        unchecked {
            x = x - ((x >> 1) & 0x5555555555555555);
            x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
            x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f;
            return uint256((x * 0x0101010101010101) >> 56);
        }
    }
}
