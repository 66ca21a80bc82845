// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "./NodeRegistry.sol";
import {IRandomSource, RandomStatus} from "./Randomness.sol";
import {Payouts} from "./Payouts.sol";

/// @title TaskManager: the life of a task, from creation to payout.
/// @notice An application pays a fee and creates a task; three nodes are
/// drawn in a later block, from randomness nobody could see when the task
/// was created. Each commits to a hash of its score, its result's hash and
/// a secret nonce, then, once all have committed, discloses them. A share
/// of tasks, unpredictable when nodes commit, and every task whose nodes
/// disagree, is audited by three more nodes: whoever is on the wrong side
/// of the audit is slashed, and the slashed stake goes to the right side.
/// The fee is paid when a node that was right records its result.
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
        Validated, // 3: judged; the fee waits for the result
        Done, // 4: result recorded, fee paid
        Aborted, // 5: refunded (see the outcome)
        Drawing, // 6: created; its nodes are drawn from a later block
        Auditing, // 7: auditors are drawn and commit
        AuditDisclosing // 8: auditors disclose
    }

    /// How a task ended.
    enum Outcome {
        Success, // 0
        NoMajority, // 1: the disclosed scores did not agree
        TooFewNodes, // 2: fewer than two nodes could be drawn or committed in time
        NoArguments, // 3: the nodes could not get the arguments; they keep a share
        NoResult, // 4: no node that was right recorded the result in time
        DrawMissed // 5: nobody drew its nodes within drawWindow; minFee of the fee burned
    }

    /// What the creator asks for. Its hash is stored; the full spec is in
    /// the TaskCreated event and is passed back to draw and yieldTask.
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
        bytes32 model; // the first model: validated work proves a node holds it
        bytes32 resultHash;
        uint40 round; // the randomness round awaited: a draw, or the audit coin
        uint40 commitDeadline; // of the current phase
        uint40 deadline; // disclose deadline of the current phase; when Validated, the result deadline
        uint32 timeout; // seconds nodes get to commit
        TaskState state;
        TaskType taskType;
        Outcome outcome;
        uint8 panels; // audit panels drawn (0 to 2)
        uint16 vacant; // bit i: seat i waits for a draw
        uint16 committed; // bit i: seat i committed
        uint16 disclosed; // bit i: seat i disclosed
        uint16 honest; // bit i: seat i was right (set when judged)
        uint16 slashed; // bit i: seat i was slashed
        uint72 points; // 8 bits per seat: QoS points by commit order
        bool coin; // Validated, agreeing: the audit coin is still to be flipped (from round)
        uint8 confirmed; // pairs (bit c: _taskPair(c)) the first panel confirmed while a seat differed: the second must confirm before a slash
        uint40 requestedAt; // when the awaited draw round was requested: the draw must come within drawWindow
        uint40 requestedBlock; // the block that requested it: the draw reads the registry's sets as of it
        address[9] nodes; // seats 0-2: the task's nodes; 3-5: the first audit panel; 6-8: the second
        bytes32[9] commitments;
    }

    struct Params {
        uint64 minTimeout; // seconds a task must give nodes to commit
        uint64 maxTimeout;
        uint64 discloseWindow; // seconds to disclose after the commit phase
        uint8 distanceThreshold; // most differing bits per image for two image scores to agree
        uint8 doubtThreshold; // most differing bits before a score clearly disagrees (slashable)
        uint8 maxImages; // images one image task may return
        uint8 maxModels; // models one task may need
        uint256 minFee;
        uint16 auditRateBps; // share of agreeing tasks audited, in basis points
        uint16 argsShareBps; // share of the fee nodes keep when the arguments never arrived
        uint64 replaceTime; // a yield must leave a replacement this long before the commit deadline
        uint64 resultWindow; // seconds to record the result once judged
        uint64 drawWindow; // seconds after its round is requested within which a draw must come
    }

    uint8 public constant POINTS_FIRST = 10;
    uint8 public constant POINTS_SECOND = 9;
    uint8 public constant POINTS_THIRD = 8;
    /// The score a node discloses when it could not get the arguments.
    bytes1 public constant NO_ARGUMENTS = 0x00;

    uint8 internal constant SEATS = 9;
    uint16 internal constant TASK_SEATS = 0x007;
    uint16 internal constant PANEL_1 = 0x038;
    uint16 internal constant PANEL_2 = 0x1C0;
    uint16 internal constant AUDIT_SEATS = 0x1F8;

    /// Relations of two scores.
    uint8 internal constant AGREE = 0;
    uint8 internal constant DOUBT = 1;
    uint8 internal constant DIFFER = 2;

    NodeRegistry public immutable registry;
    IRandomSource public immutable random;
    Params internal params;
    uint64 public taskCount;
    /// Wei burned by missed draws: held here, owed to nobody.
    uint256 public burned;
    mapping(uint256 => Task) internal tasks;
    mapping(uint256 => bytes[9]) internal scores;

    event TaskCreated(uint256 indexed id, address indexed creator, Spec spec, uint256 fee, uint32 timeout);
    event TaskDrawing(uint256 indexed id, uint256 round);
    event TaskAssigned(uint256 indexed id, address indexed node, uint8 slot);
    event TaskCommitted(uint256 indexed id, address indexed node, uint8 order);
    event TaskDisclosing(uint256 indexed id, uint64 discloseDeadline);
    event TaskDisclosed(uint256 indexed id, address indexed node, bytes score, bytes32 resultHash);
    event TaskYielded(uint256 indexed id, address indexed node, uint8 slot, bool handBack);
    event TaskAuditing(uint256 indexed id, bool disagreement);
    event TaskSettled(uint256 indexed id, TaskState state, Outcome outcome, uint16 honest, uint16 slashed);
    event TaskResult(uint256 indexed id, bytes32 resultHash, address indexed node);

    error FeeTooLow(uint256 sent, uint256 minFee);
    error FeeTooLarge();
    error BadTimeout(uint64 timeout);
    error TooManyModels(uint256 count);
    error BadTaskState(TaskState state);
    error NotSelected();
    error AlreadyCommitted();
    error NotCommitted();
    error AlreadyDisclosed();
    error EmptyCommitment();
    error CommitDeadlinePassed();
    error DiscloseDeadlinePassed();
    error ResultDeadlinePassed();
    error BadCommitment();
    error BadScore();
    error TooEarly();
    error TooLateToYield();
    error NothingToDraw();
    error SpecMismatch();
    error NotHonest();

    constructor(NodeRegistry registry_, Params memory p) {
        registry = registry_;
        random = registry_.random();
        params = p;
    }

    // --------------------------------------------------------- applications

    /// @notice Creates a task paying msg.value (at least minFee). Its nodes
    /// are drawn by `draw` from the next block on.
    function createTask(Spec calldata spec, uint32 timeout) external payable returns (uint256 id) {
        if (msg.value < params.minFee) revert FeeTooLow(msg.value, params.minFee);
        if (msg.value > type(uint96).max) revert FeeTooLarge();
        if (timeout < params.minTimeout || timeout > params.maxTimeout) revert BadTimeout(timeout);
        if (spec.models.length > params.maxModels) revert TooManyModels(spec.models.length);
        id = ++taskCount;
        Task storage t = tasks[id];
        t.creator = msg.sender;
        t.fee = uint96(msg.value);
        t.specHash = keccak256(abi.encode(spec));
        if (spec.models.length > 0) t.model = spec.models[0];
        t.timeout = timeout;
        t.state = TaskState.Drawing;
        t.taskType = spec.taskType;
        t.vacant = TASK_SEATS;
        emit TaskCreated(id, msg.sender, spec, msg.value, timeout);
        _request(id, t);
    }

    // ---------------------------------------------------------------- anyone

    /// @notice Fills a task's empty seats (its three nodes, a yielded seat,
    /// the auditors) from the randomness of the round it awaits. Anyone
    /// may call it once the round's word is known; the outcome does not
    /// depend on who calls: the registry's sets are read as the round's
    /// request saw them, and who can work now only declines picks (see
    /// docs/protocol.md, "Selection"). Nodes still draw at once
    /// ("Keepers"), and a draw must come within drawWindow of its round's
    /// request: a task whose nodes were not drawn by then ends, minFee of
    /// its fee burned and the rest refunded; a later replacement or audit
    /// draw requests a new round.
    function draw(uint256 id, Spec calldata spec) external {
        Task storage t = tasks[id];
        TaskState s = t.state;
        if (t.vacant == 0 || (s != TaskState.Drawing && s != TaskState.Committing && s != TaskState.Auditing)) {
            revert NothingToDraw();
        }
        if (keccak256(abi.encode(spec)) != t.specHash) revert SpecMismatch();
        (RandomStatus st, uint256 word) = random.reveal(t.round);
        if (st == RandomStatus.Pending) revert TooEarly();
        uint16 vacant = t.vacant;
        if (t.commitDeadline != 0 && s != TaskState.Drawing && block.timestamp + params.replaceTime > t.commitDeadline) {
            t.vacant = 0;
            _seatsChanged(id, t); // too late for a replacement: the seats stay empty
            return;
        }
        if (st == RandomStatus.Expired || block.timestamp > uint256(t.requestedAt) + params.drawWindow) {
            if (s == TaskState.Drawing) _missed(id, t);
            else _request(id, t);
            return;
        }
        t.vacant = 0;
        address[] memory chosen = registry.assign(
            uint64(id),
            NodeRegistry.Requirements(spec.minVramMiB, spec.gpuId, spec.version, spec.models),
            _count(vacant),
            uint256(keccak256(abi.encode(word, id))),
            t.creator,
            t.requestedBlock
        );
        // A task that cannot have its three nodes is refunded at once, and an
        // audit short of three auditors (a panel decides only with three)
        // waits: the nodes drawn are freed without ever being assigned.
        bool refund = (s == TaskState.Drawing && chosen.length < 3)
            || (s == TaskState.Auditing && t.commitDeadline == 0 && chosen.length < 3);
        uint256 k;
        for (uint8 i; i < SEATS; ++i) {
            if (vacant & (uint16(1) << i) == 0) continue;
            address a = k < chosen.length ? chosen[k++] : address(0);
            t.nodes[i] = a;
            if (a != address(0) && !refund) emit TaskAssigned(id, a, i);
        }
        if (s == TaskState.Drawing) {
            if (chosen.length < 3) {
                _abort(id, t, Outcome.TooFewNodes, true);
                return;
            }
            t.state = TaskState.Committing;
            t.commitDeadline = uint40(block.timestamp + t.timeout);
        } else if (s == TaskState.Auditing && t.commitDeadline == 0) {
            if (chosen.length < 3) {
                // Waiting helps only when the network has three more members
                // than the task holds.
                uint256 others = registry.memberCount() - _count(_live(t, TASK_SEATS | AUDIT_SEATS) & ~vacant);
                if (block.timestamp <= t.deadline && others >= 3) {
                    // Too few free nodes now: free the few drawn and wait
                    // (the task's nodes stay on it) for a later draw.
                    _freeSeats(id, t, vacant);
                    t.vacant = vacant;
                    _request(id, t);
                    return;
                }
                _finalize(id, t); // none for too long: judged on the task's own nodes
                return;
            }
            t.commitDeadline = uint40(block.timestamp + t.timeout);
        } else {
            _seatsChanged(id, t);
        }
    }

    /// @notice Closes a phase whose deadline passed: after the commit
    /// deadline, opens disclosure for the nodes that committed (a task with
    /// fewer than two is refunded; an audit panel needs one, and with none
    /// is judged as it stands); after the disclose deadline, judges with
    /// what was disclosed. A judged task whose result was not recorded by
    /// its deadline is refunded.
    function close(uint256 id) external {
        Task storage t = tasks[id];
        TaskState s = t.state;
        if (s == TaskState.Validated) {
            bool flipping = t.coin;
            if (flipping && _flip(id, t)) return; // anyone may flip the coin
            if (block.timestamp <= t.deadline) {
                if (flipping) return; // flipped: the verdicts are final now
                revert TooEarly();
            }
            t.outcome = Outcome.NoResult;
            t.state = TaskState.Aborted;
            balances[t.creator] += t.fee;
            emit TaskSettled(id, TaskState.Aborted, Outcome.NoResult, t.honest, t.slashed);
            return;
        }
        if (s == TaskState.Committing || (s == TaskState.Auditing && t.commitDeadline != 0)) {
            if (block.timestamp <= t.commitDeadline) revert TooEarly();
            t.vacant = 0;
            uint8 commits = _count(t.committed & _phase(s, t.panels));
            if (commits < 2 && (s == TaskState.Committing || commits == 0)) {
                if (s == TaskState.Committing) _abort(id, t, Outcome.TooFewNodes, false);
                else _finalize(id, t);
                return;
            }
            // Disclosure opens now (its window counts from the commit
            // deadline); the nodes that committed disclose.
            _startDisclosing(id, t, t.commitDeadline);
            return;
        }
        if (s != TaskState.Disclosing && s != TaskState.AuditDisclosing) revert BadTaskState(s);
        if (block.timestamp <= t.deadline) revert TooEarly();
        _phaseDisclosed(id, t);
    }

    // ---------------------------------------------------------------- nodes

    /// @notice Commits to a score and a result: keccak256(abi.encode(chainid,
    /// this contract, id, node, score, resultHash, nonce)).
    function commit(uint256 id, bytes32 commitment) external {
        Task storage t = tasks[id];
        TaskState s = t.state;
        if (s != TaskState.Committing && !(s == TaskState.Auditing && t.commitDeadline != 0)) revert BadTaskState(s);
        if (block.timestamp > t.commitDeadline) revert CommitDeadlinePassed();
        if (commitment == bytes32(0)) revert EmptyCommitment();
        uint16 phase = _phase(s, t.panels);
        uint8 slot = _slot(t, msg.sender, phase);
        uint16 bit = uint16(1) << slot;
        if (t.committed & bit != 0) revert AlreadyCommitted();
        t.commitments[slot] = commitment;
        t.committed |= bit;
        uint8 order = _count(t.committed & phase);
        uint72 pts = order == 1 ? POINTS_FIRST : order == 2 ? POINTS_SECOND : POINTS_THIRD;
        t.points |= pts << (8 * slot);
        emit TaskCommitted(id, msg.sender, order);
        _seatsChanged(id, t);
    }

    /// @notice Discloses the score and result hash committed to. The last
    /// disclosure of a phase judges it.
    function disclose(uint256 id, bytes calldata score, bytes32 resultHash, bytes32 nonce) external {
        Task storage t = tasks[id];
        TaskState s = t.state;
        if (
            (s == TaskState.Committing || (s == TaskState.Auditing && t.commitDeadline != 0))
                && block.timestamp > t.commitDeadline && _count(t.committed & _phase(s, t.panels)) >= (s == TaskState.Committing ? 2 : 1)
        ) {
            t.vacant = 0;
            _startDisclosing(id, t, t.commitDeadline);
            s = t.state;
        }
        if (s != TaskState.Disclosing && s != TaskState.AuditDisclosing) revert BadTaskState(s);
        if (block.timestamp > t.deadline) revert DiscloseDeadlinePassed();
        uint16 phase = _phase(s, t.panels);
        uint8 slot = _slot(t, msg.sender, phase);
        uint16 bit = uint16(1) << slot;
        if (t.committed & bit == 0) revert NotCommitted();
        if (t.disclosed & bit != 0) revert AlreadyDisclosed();
        if (commitmentOf(id, msg.sender, score, resultHash, nonce) != t.commitments[slot]) revert BadCommitment();
        if (!_validScore(t.taskType, score)) revert BadScore();
        scores[id][slot] = score;
        t.disclosed |= bit;
        emit TaskDisclosed(id, msg.sender, score, resultHash);
        if (t.disclosed & phase == t.committed & phase) _phaseDisclosed(id, t);
    }

    /// @notice Hands a selected task back before committing. An ordinary
    /// yield must leave a replacement replaceTime before the commit
    /// deadline and costs the node score; a hand-back (the owner came back)
    /// costs nothing, pauses the node, and may come later: then the seat
    /// stays empty. The replacement is drawn from a later block.
    function yieldTask(uint256 id, Spec calldata spec, bool handBack) external {
        Task storage t = tasks[id];
        TaskState s = t.state;
        if (s != TaskState.Committing && s != TaskState.Auditing) revert BadTaskState(s);
        if (keccak256(abi.encode(spec)) != t.specHash) revert SpecMismatch();
        uint8 slot = _slot(t, msg.sender, _phase(s, t.panels));
        if (t.committed & (uint16(1) << slot) != 0) revert AlreadyCommitted();
        if (block.timestamp > t.commitDeadline) revert CommitDeadlinePassed();
        bool replace = block.timestamp + params.replaceTime <= t.commitDeadline;
        if (!replace && !handBack) revert TooLateToYield();
        registry.yieldTask(uint64(id), msg.sender, handBack);
        t.nodes[slot] = address(0);
        emit TaskYielded(id, msg.sender, slot, handBack);
        if (replace) {
            t.vacant |= uint16(1) << slot;
            _request(id, t); // a fresh round: nobody who acted before it can know the draw
        } else {
            _seatsChanged(id, t);
        }
    }

    /// @notice Records the result of a judged task, by a node that was
    /// right, with the score, result hash and nonce it committed to; the
    /// fee is then paid to every node that was right. On an agreeing task
    /// it first flips the audit coin: when that starts an audit, nothing
    /// is recorded and the result waits for the audit's verdict.
    function submitResult(uint256 id, bytes calldata score, bytes32 resultHash, bytes32 nonce) external {
        Task storage t = tasks[id];
        if (t.state != TaskState.Validated) revert BadTaskState(t.state);
        if (block.timestamp > t.deadline) revert ResultDeadlinePassed();
        if (t.coin && _flip(id, t)) return; // audited: the result waits for the audit
        uint8 slot = _slot(t, msg.sender, TASK_SEATS | AUDIT_SEATS);
        if (t.honest & (uint16(1) << slot) == 0) revert NotHonest();
        if (commitmentOf(id, msg.sender, score, resultHash, nonce) != t.commitments[slot]) revert BadCommitment();
        t.resultHash = resultHash;
        t.state = TaskState.Done;
        _pay(t, t.fee, t.honest);
        emit TaskResult(id, resultHash, msg.sender);
    }

    // ---------------------------------------------------------------- views

    function getParams() external view returns (Params memory) {
        return params;
    }

    function getTask(uint256 id) external view returns (Task memory) {
        return tasks[id];
    }

    function getScores(uint256 id) external view returns (bytes[9] memory) {
        return scores[id];
    }

    /// @notice The commitment a node sends for a score, result and nonce:
    /// bound to this chain, this contract, the task and the node.
    function commitmentOf(uint256 id, address node, bytes calldata score, bytes32 resultHash, bytes32 nonce)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), id, node, score, resultHash, nonce));
    }

    /// @notice How two disclosed scores relate: 0 agree, 1 doubt (neither
    /// paid nor slashable), 2 differ. Image scores compare image by image,
    /// by the most differing bits of any image; text scores must be equal.
    function relation(TaskType tt, bytes memory a, bytes memory b) public view returns (uint8) {
        if (a.length != b.length) return DIFFER;
        if (tt == TaskType.Text || a.length == 1) return keccak256(a) == keccak256(b) ? AGREE : DIFFER;
        uint256 worst;
        for (uint256 off; off < a.length; off += 8) {
            uint64 x;
            uint64 y;
            assembly {
                x := shr(192, mload(add(add(a, 32), off)))
                y := shr(192, mload(add(add(b, 32), off)))
            }
            uint256 d = _popcount(x ^ y);
            if (d > worst) worst = d;
        }
        if (worst <= params.distanceThreshold) return AGREE;
        if (worst <= params.doubtThreshold) return DOUBT;
        return DIFFER;
    }

    // ------------------------------------------------------------- internals

    function _request(uint256 id, Task storage t) internal {
        uint256 round = random.request();
        t.round = uint40(round);
        t.requestedAt = uint40(block.timestamp);
        t.requestedBlock = uint40(block.number);
        emit TaskDrawing(id, round);
    }

    /// @dev Nobody drew the task's nodes in time (a creator waiting for
    /// pools it likes would let the window pass): the task ends, minFee
    /// of the fee (at most all of it) is burned, the rest refunded.
    function _missed(uint256 id, Task storage t) internal {
        uint96 burn = params.minFee < t.fee ? uint96(params.minFee) : t.fee;
        burned += burn;
        t.fee -= burn;
        t.vacant = 0;
        _abort(id, t, Outcome.DrawMissed, true);
    }

    /// @dev The seats of the phase a state belongs to.
    function _phase(TaskState s, uint8 panels) internal pure returns (uint16) {
        if (s != TaskState.Auditing && s != TaskState.AuditDisclosing) return TASK_SEATS;
        return panels == 2 ? PANEL_2 : PANEL_1;
    }

    function _slot(Task storage t, address node, uint16 seats) internal view returns (uint8) {
        if (node == address(0)) revert NotSelected();
        for (uint8 i; i < SEATS; ++i) {
            if (seats & (uint16(1) << i) != 0 && t.nodes[i] == node) return i;
        }
        revert NotSelected();
    }

    /// @dev The seats of the current phase holding a node.
    function _live(Task storage t, uint16 phase) internal view returns (uint16 live) {
        for (uint8 i; i < SEATS; ++i) {
            if (phase & (uint16(1) << i) != 0 && t.nodes[i] != address(0)) live |= (uint16(1) << i);
        }
    }

    /// @dev After a commit, a draw or a seat left empty: the phase moves on
    /// when every seat is filled and committed. A task with fewer than two
    /// nodes left is refunded; an audit panel goes on with one (its score
    /// may support a verdict), and with none it is judged as it stands.
    function _seatsChanged(uint256 id, Task storage t) internal {
        uint16 phase = _phase(t.state, t.panels);
        if (t.vacant & phase != 0) return;
        uint16 live = _live(t, phase);
        if (t.state == TaskState.Committing && _count(live) < 2) {
            _abort(id, t, Outcome.TooFewNodes, false);
            return;
        }
        if (live == 0) {
            _finalize(id, t); // every auditor of the panel handed back
            return;
        }
        if (t.committed & phase == live) _startDisclosing(id, t, uint64(block.timestamp));
    }

    function _startDisclosing(uint256 id, Task storage t, uint64 from) internal {
        if (t.state == TaskState.Committing) {
            t.state = TaskState.Disclosing;
        } else {
            t.state = TaskState.AuditDisclosing;
        }
        t.deadline = uint40(from + params.discloseWindow);
        emit TaskDisclosing(id, t.deadline);
    }

    function _phaseDisclosed(uint256 id, Task storage t) internal {
        if (t.state == TaskState.Disclosing) _judge(id, t);
        else _finalize(id, t);
    }

    /// @dev Judges the task's own three nodes. A disagreement (a score that
    /// clearly differs, or no two that agree) is audited at once. An
    /// agreeing task is Validated with its coin pending: the coin is read
    /// from this block, which nobody could know while disclosing, and is
    /// flipped by the next action on the task (recording the result, or
    /// anyone's close); it audits auditRateBps of agreeing tasks. The
    /// nodes stay on the task until then, so an audit can still slash them.
    function _judge(uint256 id, Task storage t) internal {
        (bool found, uint8 i,) = _pair(id, t, TASK_SEATS);
        if (found && _isNoArgs(scores[id][i])) {
            // Missing arguments, unless a seat computed a result from them:
            // then an audit tells who is right.
            bool computed;
            for (uint8 k; k < 3; ++k) {
                if (t.disclosed & (uint16(1) << k) != 0 && !_isNoArgs(scores[id][k])) computed = true;
            }
            if (!computed) {
                _settleNoArgs(id, t);
                return;
            }
            _startAudit(id, t, true);
            return;
        }
        if (!found && _count(t.disclosed & TASK_SEATS) < 2) {
            _abort(id, t, Outcome.NoMajority, false);
            return;
        }
        // Validated only when every disclosure agrees with one pair;
        // anything else (a score in doubt too: else a pair could take the
        // fee of an honest third for free) is audited at once.
        if (!_taskAgreed(id, t)) {
            _startAudit(id, t, true);
            return;
        }
        uint16 honest = t.disclosed & TASK_SEATS;
        t.honest = honest;
        t.state = TaskState.Validated;
        t.coin = true;
        t.round = uint40(random.request());
        t.deadline = uint40(block.timestamp + params.resultWindow);
        emit TaskSettled(id, TaskState.Validated, Outcome.Success, honest, 0);
    }

    function _startAudit(uint256 id, Task storage t, bool disagreement) internal {
        t.state = TaskState.Auditing;
        t.coin = false;
        t.commitDeadline = 0;
        t.panels++;
        t.vacant = t.panels == 1 ? PANEL_1 : PANEL_2;
        t.deadline = uint40(block.timestamp + t.timeout); // how long it may wait for auditors
        emit TaskAuditing(id, disagreement);
        _request(id, t);
    }

    /// @dev Flips a validated task's audit coin: an audit starts (true), or
    /// the task's own verdicts become final (false). A round that can no
    /// longer be read audits: waiting must not help a cheater.
    function _flip(uint256 id, Task storage t) internal returns (bool audited) {
        (RandomStatus st, uint256 word) = random.reveal(t.round);
        if (st == RandomStatus.Pending) revert TooEarly();
        if (st == RandomStatus.Expired || uint256(keccak256(abi.encode(word, id, "audit"))) % 10_000 < params.auditRateBps) {
            _startAudit(id, t, false);
            return true;
        }
        uint40 deadline = t.deadline;
        _finalize(id, t);
        t.coin = false;
        t.deadline = deadline;
    }

    /// @dev A verdict being reached: whether one was, whether it may slash,
    /// the task pairs it confirms (0: the pair (i, j) instead), and the
    /// seats spared from slashing.
    struct Judgement {
        bool found;
        bool kept; // the coin kept the task: its own verdicts (t.honest) stand
        bool trusted;
        uint8 vp;
        uint8 i;
        uint8 j;
        uint16 spared;
    }

    /// @dev The final verdicts. The task's agreeing pairs are the
    /// presumption. A panel confirms a pair of the task when at least two
    /// of its auditors disclosed and every one agrees directly with it
    /// (agreement is not transitive: agreeing with a score that agrees
    /// with the task is not enough); every seat is then judged against all
    /// the pairs so confirmed (right when it agrees with one, slashed only
    /// when it clearly differs from all). A first panel can only confirm; anything else (a
    /// panel that differs, is split, in doubt, silent or timed out) calls a
    /// second panel, drawn after the first disclosed. Short of confirming,
    /// the second panel overturns the task only when unanimous and backed
    /// by a first-panel auditor who agrees with it and clearly differed
    /// from every pair of the task (so it risked its stake); otherwise
    /// nothing is established (refunded, nobody slashed for differing). So
    /// a junk trio cannot outvote honest auditors with its three seats, and
    /// auditors who see that they hold a panel cannot use it. Whoever
    /// clearly differs from an audited verdict is slashed wholly (after an
    /// overturn, only if it backed the task); in doubt of it, unpaid.
    /// Without an audit (the coin kept the task, or no auditor could be
    /// drawn in time) the task's own judgement stands and nobody is slashed
    /// for differing.
    function _finalize(uint256 id, Task storage t) internal {
        bool seated = t.commitDeadline != 0; // the current panel got its auditors
        Judgement memory g;
        if (t.panels == 0) {
            // The coin kept the task: every disclosure agreed (_judge).
            g.found = g.kept = true;
        } else if (!seated && t.panels == 1) {
            // No auditor came in time: the task's own judgement, when
            // every disclosure agreed (else refunded).
            if (_taskAgreed(id, t)) g.vp = _confirming(id, t, TASK_SEATS, true);
            g.found = g.vp != 0;
        } else if (t.panels == 1) {
            g.vp = _confirming(id, t, PANEL_1, false);
            if (g.vp == 0) {
                _startAudit(id, t, true);
                return;
            }
            if (_anyDiffers(id, t, g.vp)) {
                // One panel may pay, not slash: a second must confirm first.
                t.confirmed = g.vp;
                _startAudit(id, t, true);
                return;
            }
            g.found = g.trusted = true;
        } else if (t.confirmed != 0) {
            // The first panel confirmed and a seat differed. The second
            // confirming the same pair makes the verdict final, slashes
            // included; holding something else unanimously leaves no
            // verdict; otherwise the first panel's verdict pays and
            // slashes nobody.
            uint8 first = t.confirmed;
            g.vp = seated ? _confirming(id, t, PANEL_2, false) : 0;
            if (g.vp & first != 0) {
                g.vp &= first;
                g.found = g.trusted = true;
            } else if (g.vp != 0 || (seated && _holdsOther(id, t))) {
                g.found = false;
            } else {
                g.vp = first;
                g.found = true;
            }
        } else {
            // The first panel did not confirm. The second confirms a pair
            // unless a first-panel auditor agreed with a seat of the task
            // it leaves out (an honest third beside a junk pair) and fewer
            // than two backed it at their own risk: no verdict. Or it
            // overturns the task, backed by a first-panel auditor who
            // disclosed the same and clearly differed from both seats of
            // every pair of the task (it risked its stake). An overturn
            // slashes the seats that backed the task; one that differed
            // from it too is only unpaid.
            g.vp = _confirming(id, t, PANEL_2, false);
            g.found = g.vp != 0;
            if (g.found && _contradicted(id, t, g.vp)) {
                g.found = false; // no verdict
            } else if (!g.found) {
                (g.found, g.i, g.j) = _pair(id, t, PANEL_2);
                g.found = g.found && !_isNoArgs(scores[id][g.i]) && _unanimous(id, t, PANEL_2, g.i, g.j, 3);
                if (g.found) (g.found, g.spared) = _supported(id, t, g.i, g.j);
            }
            g.found = g.found && seated;
            g.trusted = g.found;
        }
        NodeRegistry.Verdict[9] memory v;
        uint16 honest;
        uint16 slashed;
        // Auditors drawn too few to start get no score.
        uint16 free = t.state == TaskState.Auditing && t.commitDeadline == 0 ? _phase(t.state, t.panels) : 0;
        for (uint8 k; k < SEATS; ++k) {
            uint16 bit = uint16(1) << k;
            if (t.nodes[k] == address(0)) continue;
            if (free & bit != 0) {
                v[k] = NodeRegistry.Verdict.Free;
            } else if (t.committed & bit == 0) {
                v[k] = NodeRegistry.Verdict.Scored; // a timeout: no points
            } else if (t.disclosed & bit == 0 || (bit & AUDIT_SEATS != 0 && _isNoArgs(scores[id][k]))) {
                // Silent, or an auditor claiming the arguments the task's
                // nodes had (free otherwise: it would call a second panel
                // at no risk). An auditor without them does not commit.
                v[k] = NodeRegistry.Verdict.Silent;
                slashed |= bit;
            } else if (!g.found) {
                v[k] = NodeRegistry.Verdict.Scored;
            } else {
                // Against every pair the verdict confirms: right when it
                // agrees with one, slashed only when it clearly differs
                // from both seats of every one (in doubt of a seat of the
                // verdict, a score may be the truth beside a chain of near
                // scores).
                uint8 r = g.kept
                    ? (t.honest & bit != 0 ? AGREE : DOUBT)
                    : g.vp == 0 ? _versus(id, t, k, g.i, g.j) : _nearest(id, t, k, g.vp);
                if (r == AGREE) {
                    v[k] = NodeRegistry.Verdict.Honest;
                    honest |= bit;
                } else if (
                    r == DIFFER && g.trusted && !_isNoArgs(scores[id][k]) && g.spared & bit == 0
                        && _slashable(id, t, k, g.vp, g.i, g.j)
                ) {
                    v[k] = NodeRegistry.Verdict.Slash;
                    slashed |= bit;
                } else {
                    v[k] = NodeRegistry.Verdict.Scored;
                }
            }
        }
        uint8[9] memory pts = _pointsOf(t, honest | (t.disclosed & ~slashed));
        t.honest = honest;
        t.slashed = slashed;
        if (!g.found) {
            t.state = TaskState.Aborted;
            t.outcome = Outcome.NoMajority;
            balances[t.creator] += t.fee;
        } else {
            t.state = TaskState.Validated;
            t.deadline = uint40(block.timestamp + params.resultWindow);
        }
        registry.release(uint64(id), t.nodes, pts, v, t.model);
        emit TaskSettled(id, t.state, t.outcome, honest, slashed);
    }

    /// @dev The nodes could not get the arguments: those that disclosed
    /// share argsShareBps of the fee, the creator gets the rest, nobody
    /// loses score, a node that stayed silent is still penalised.
    function _settleNoArgs(uint256 id, Task storage t) internal {
        NodeRegistry.Verdict[9] memory v;
        uint16 slashed;
        for (uint8 k; k < SEATS; ++k) {
            uint16 bit = uint16(1) << k;
            if (t.nodes[k] == address(0)) continue;
            if (t.committed & bit != 0 && t.disclosed & bit == 0) {
                v[k] = NodeRegistry.Verdict.Silent;
                slashed |= bit;
            } else {
                v[k] = NodeRegistry.Verdict.Scored;
            }
        }
        uint256 share = uint256(t.fee) * params.argsShareBps / 10_000;
        _pay(t, share, t.disclosed);
        balances[t.creator] += t.fee - share;
        t.state = TaskState.Aborted;
        t.outcome = Outcome.NoArguments;
        t.honest = t.disclosed;
        t.slashed = slashed;
        registry.release(uint64(id), t.nodes, _pointsOf(t, t.committed), v, bytes32(0));
        emit TaskSettled(id, TaskState.Aborted, Outcome.NoArguments, t.disclosed, slashed);
    }

    /// @dev Refunds the creator. `free` releases the nodes without a score
    /// (the task never started); otherwise nodes that committed keep their
    /// points and the others timed out.
    function _abort(uint256 id, Task storage t, Outcome why, bool free) internal {
        NodeRegistry.Verdict[9] memory v;
        uint16 silent = why == Outcome.NoMajority ? t.committed & ~t.disclosed : 0;
        for (uint8 k; k < SEATS; ++k) {
            if (free) v[k] = NodeRegistry.Verdict.Free;
            else if (silent & (uint16(1) << k) != 0) v[k] = NodeRegistry.Verdict.Silent;
            else v[k] = NodeRegistry.Verdict.Scored;
        }
        uint16 keep = why == Outcome.NoMajority ? t.disclosed : t.committed;
        t.state = TaskState.Aborted;
        t.outcome = why;
        t.slashed = silent;
        balances[t.creator] += t.fee;
        registry.release(uint64(id), t.nodes, _pointsOf(t, keep), v, bytes32(0));
        emit TaskSettled(id, TaskState.Aborted, why, 0, silent);
    }

    /// @dev Releases the nodes in `seats` unscored and empties the seats.
    function _freeSeats(uint256 id, Task storage t, uint16 seats) internal {
        address[9] memory who;
        uint8[9] memory pts;
        NodeRegistry.Verdict[9] memory v;
        for (uint8 k; k < SEATS; ++k) {
            if (seats & (uint16(1) << k) == 0) continue;
            who[k] = t.nodes[k];
            t.nodes[k] = address(0);
        }
        registry.release(uint64(id), who, pts, v, bytes32(0));
    }

    /// @dev Pays `amount` equally to the seats in `mask`, the rounding dust
    /// to the first.
    function _pay(Task storage t, uint256 amount, uint16 mask) internal {
        uint256 n = _count(mask);
        if (n == 0) {
            balances[t.creator] += amount;
            return;
        }
        uint256 each = amount / n;
        uint256 dust = amount - each * n;
        for (uint8 k; k < SEATS; ++k) {
            if (mask & (uint16(1) << k) == 0) continue;
            balances[t.nodes[k]] += each + dust;
            dust = 0;
        }
    }

    /// @dev The first agreeing pair of disclosed scores among `seats`.
    function _pair(uint256 id, Task storage t, uint16 seats) internal view returns (bool, uint8, uint8) {
        uint16 d = t.disclosed & seats;
        bytes[9] storage s = scores[id];
        for (uint8 i; i < SEATS; ++i) {
            if (d & (uint16(1) << i) == 0) continue;
            for (uint8 j = i + 1; j < SEATS; ++j) {
                if (d & (uint16(1) << j) != 0 && relation(t.taskType, s[i], s[j]) == AGREE) return (true, i, j);
            }
        }
        return (false, 0, 0);
    }

    /// @dev Whether at least `need` of `seats` disclosed a real score (an
    /// auditor's NO_ARGUMENTS counts as silence) and every one agrees with
    /// the pair (i, j).
    function _unanimous(uint256 id, Task storage t, uint16 seats, uint8 i, uint8 j, uint8 need)
        internal
        view
        returns (bool)
    {
        uint16 d = t.disclosed & seats;
        uint8 n;
        for (uint8 k; k < SEATS; ++k) {
            if (d & (uint16(1) << k) == 0 || _isNoArgs(scores[id][k])) continue;
            if (_versus(id, t, k, i, j) != AGREE) return false;
            n++;
        }
        return n >= need;
    }

    /// @dev The task's agreeing pairs that every real disclosure among
    /// `seats` agrees with, as a mask of (0,1), (0,2), (1,2): a
    /// confirmation (only the first when `first`). The task's own seats
    /// need two disclosures; a panel needs all three of its auditors (so
    /// that a group holding two seats of a panel left with two cannot
    /// decide it).
    function _confirming(uint256 id, Task storage t, uint16 seats, bool first) internal view returns (uint8 m) {
        uint8 need = seats == TASK_SEATS ? 2 : 3;
        for (uint8 c; c < 3; ++c) {
            (uint8 i, uint8 j) = _taskPair(c);
            if (_agreeingPair(id, t, i, j) && _unanimous(id, t, seats, i, j, need)) {
                m |= uint8(1) << c;
                if (first) return m;
            }
        }
    }

    /// @dev Whether a real disclosure clearly differs from every pair in
    /// mask m (a seat the verdict would slash).
    function _anyDiffers(uint256 id, Task storage t, uint8 m) internal view returns (bool) {
        for (uint8 k; k < SEATS; ++k) {
            if (t.disclosed & (uint16(1) << k) == 0 || _isNoArgs(scores[id][k])) continue;
            if (_nearest(id, t, k, m) == DIFFER && _slashable(id, t, k, m, 0, 0)) return true;
        }
        return false;
    }

    /// @dev Whether the second panel unanimously holds a score (a pair of
    /// its own, all three agreeing with it).
    function _holdsOther(uint256 id, Task storage t) internal view returns (bool) {
        (bool found, uint8 i, uint8 j) = _pair(id, t, PANEL_2);
        return found && !_isNoArgs(scores[id][i]) && _unanimous(id, t, PANEL_2, i, j, 3);
    }

    /// @dev Whether the second panel's confirmation of the pairs in mask m
    /// is contradicted by the first panel: a first-panel auditor's real
    /// score agrees with the real score of a task seat in none of the
    /// pairs, and fewer than two first-panel auditors back the pairs at
    /// their own risk (agree with them while clearly differing from every
    /// such seat: they would have lost their stakes had that seat been
    /// right).
    function _contradicted(uint256 id, Task storage t, uint8 m) internal view returns (bool) {
        uint16 left; // the real task seats outside the pairs
        for (uint8 c; c < 3; ++c) {
            if (m & (uint8(1) << c) == 0) continue;
            (uint8 i, uint8 j) = _taskPair(c);
            left |= (uint16(1) << i) | (uint16(1) << j);
        }
        left = ~left & TASK_SEATS & t.disclosed;
        uint16 backers;
        bool against;
        for (uint8 a = 3; a < 6; ++a) {
            if (t.disclosed & (uint16(1) << a) == 0 || _isNoArgs(scores[id][a])) continue;
            if (_nearest(id, t, a, m) == AGREE) backers |= uint16(1) << a;
            for (uint8 k; k < 3; ++k) {
                if (left & (uint16(1) << k) != 0 && !_isNoArgs(scores[id][k])
                    && relation(t.taskType, scores[id][a], scores[id][k]) == AGREE) against = true;
            }
        }
        if (!against) return false;
        uint8 risking;
        for (uint8 b = 3; b < 6; ++b) {
            if (backers & (uint16(1) << b) == 0) continue;
            bool risked = true;
            for (uint8 k; k < 3; ++k) {
                if (left & (uint16(1) << k) == 0 || _isNoArgs(scores[id][k])) continue;
                if (relation(t.taskType, scores[id][b], scores[id][k]) != DIFFER) risked = false;
            }
            if (risked) risking++;
        }
        return risking < 2;
    }

    /// @dev Whether every disclosure of the task agrees with one of its
    /// pairs and none is NO_ARGUMENTS beside a result.
    function _taskAgreed(uint256 id, Task storage t) internal view returns (bool) {
        for (uint8 k; k < 3; ++k) {
            if (t.disclosed & (uint16(1) << k) != 0 && _isNoArgs(scores[id][k])) return false;
        }
        return _confirming(id, t, TASK_SEATS, true) != 0;
    }

    function _taskPair(uint8 c) internal pure returns (uint8, uint8) {
        return c == 0 ? (0, 1) : c == 1 ? (0, 2) : (1, 2);
    }

    /// @dev Whether seat k clearly differs from both seats of every task
    /// pair in mask m (m = 0: of the pair (i, j)).
    function _slashable(uint256 id, Task storage t, uint8 k, uint8 m, uint8 i, uint8 j) internal view returns (bool) {
        bytes[9] storage s = scores[id];
        if (m == 0) return relation(t.taskType, s[k], s[i]) == DIFFER && relation(t.taskType, s[k], s[j]) == DIFFER;
        for (uint8 c; c < 3; ++c) {
            if (m & (uint8(1) << c) == 0) continue;
            (uint8 a, uint8 b) = _taskPair(c);
            if (relation(t.taskType, s[k], s[a]) != DIFFER || relation(t.taskType, s[k], s[b]) != DIFFER) return false;
        }
        return true;
    }

    /// @dev Seat k's closest relation to the task pairs in mask m.
    function _nearest(uint256 id, Task storage t, uint8 k, uint8 m) internal view returns (uint8 r) {
        r = DIFFER;
        for (uint8 c; c < 3; ++c) {
            if (m & (uint8(1) << c) == 0) continue;
            (uint8 i, uint8 j) = _taskPair(c);
            uint8 x = _versus(id, t, k, i, j);
            if (x < r) r = x;
        }
    }

    /// @dev Whether seats i and j disclosed agreeing real scores.
    function _agreeingPair(uint256 id, Task storage t, uint8 i, uint8 j) internal view returns (bool) {
        uint16 d = t.disclosed;
        if (d & (uint16(1) << i) == 0 || d & (uint16(1) << j) == 0 || _isNoArgs(scores[id][i])) return false;
        return relation(t.taskType, scores[id][i], scores[id][j]) == AGREE;
    }

    /// @dev For an overturn to the pair (i, j): whether a first-panel
    /// auditor disclosed a score agreeing with it and clearly differing
    /// from every seat of every agreeing pair of the task (so that it
    /// would have lost its stake had the task stood), and the disclosed
    /// seats that agree with none of the task's pairs (spared: they did not
    /// back it; none when the task has no agreeing pair).
    function _supported(uint256 id, Task storage t, uint8 i, uint8 j) internal view returns (bool ok, uint16 spared) {
        uint16 backers;
        uint16 opposed = PANEL_1;
        bool presumed;
        for (uint8 c; c < 3; ++c) {
            (uint8 a, uint8 b) = _taskPair(c);
            if (!_agreeingPair(id, t, a, b)) continue;
            presumed = true;
            for (uint8 k; k < SEATS; ++k) {
                uint16 bit = uint16(1) << k;
                if (t.disclosed & bit == 0) continue;
                if (_versus(id, t, k, a, b) == AGREE) backers |= bit;
                // Opposed: clearly differs from both seats of every pair
                // (a score in doubt of one seat of a pair, agreeing with
                // another pair's seat, could ride a chain of near scores).
                if (bit & PANEL_1 != 0
                    && (relation(t.taskType, scores[id][k], scores[id][a]) != DIFFER
                        || relation(t.taskType, scores[id][k], scores[id][b]) != DIFFER)) opposed &= ~bit;
            }
        }
        for (uint8 k = 3; k < 6; ++k) {
            uint16 bit = uint16(1) << k;
            if (opposed & bit != 0 && t.disclosed & bit != 0 && _versus(id, t, k, i, j) == AGREE) ok = true;
        }
        // Without any pair the task backed nothing: nobody is spared.
        if (presumed) spared = t.disclosed & ~backers;
    }

    /// @dev How seat k's score relates to the agreeing pair (i, j): the
    /// farther of the two relations. Agreement is not transitive, so a
    /// score agrees with a pair only when it agrees with both (else a
    /// chain of scores, each within the threshold of the last, could carry
    /// a verdict from the truth to a made-up score).
    function _versus(uint256 id, Task storage t, uint8 k, uint8 i, uint8 j) internal view returns (uint8) {
        bytes[9] storage s = scores[id];
        uint8 a = relation(t.taskType, s[k], s[i]);
        uint8 b = relation(t.taskType, s[k], s[j]);
        return a > b ? a : b;
    }

    function _isNoArgs(bytes storage score) internal view returns (bool) {
        return score.length == 1 && score[0] == NO_ARGUMENTS;
    }

    /// @dev The points of each seat, zero outside `keep`.
    function _pointsOf(Task storage t, uint16 keep) internal view returns (uint8[9] memory p) {
        uint72 all = t.points;
        for (uint8 k; k < SEATS; ++k) {
            if (keep & (uint16(1) << k) != 0) p[k] = uint8(all >> (8 * k));
        }
    }

    function _validScore(TaskType tt, bytes calldata score) internal view returns (bool) {
        if (score.length == 1) return score[0] == NO_ARGUMENTS;
        if (tt == TaskType.Text) return score.length == 32;
        return score.length > 0 && score.length % 8 == 0 && score.length / 8 <= params.maxImages;
    }

    function _count(uint16 x) internal pure returns (uint8 n) {
        for (; x != 0; x &= x - 1) n++;
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
