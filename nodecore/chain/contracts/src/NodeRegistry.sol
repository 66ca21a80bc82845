// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomSource} from "./Randomness.sol";
import {Payouts} from "./Payouts.sol";

/// @title NodeRegistry: the nodes of the Hydrogen network, their stake,
/// their models, their record, and the random selection of nodes for tasks.
/// @notice Selection never scans the network. Members live in pools
/// indexed by version (major.minor) and VRAM class, so every member of a
/// task's pools fits it; proven holders of a model (nodes that did
/// validated work with it) live in a set per model. A member keeps its
/// slot in these sets while it is a member, busy or paused: a draw picks
/// random slots among those its round's request saw and takes the members
/// that can work now, with a bounded number of tries, so its gas is flat
/// in the number of nodes and nothing done after the round's word is
/// known changes whom a pick reads. A node's record (score, yields,
/// kicks, slashes) belongs to its address and survives quitting. See
/// docs/protocol.md.
contract NodeRegistry is Payouts {
    // ----------------------------------------------------------------- types

    /// Node states; the numbers cross the wire and never change.
    enum NodeState {
        Quit, // 0: not in the network (never joined, quit, kicked or slashed)
        Available, // 1: waiting for a task
        Busy, // 2: running a task
        PendingPause, // 3: busy; pauses when the task ends
        PendingQuit, // 4: busy; quits when the task ends
        Paused // 5: in the network, takes no tasks
    }

    /// What the end of a task means for one of its nodes.
    enum Verdict {
        Free, // 0: released without a score (a task that never started)
        Scored, // 1: scored with its points (0 points: a timeout)
        Honest, // 2: agreed with the result: scored, proves the task's model, shares slashed stake
        Slash, // 3: clearly disagreed with the result: whole stake slashed, removed
        Silent // 4: committed and never disclosed: silencePenaltyBps of its stake slashed
    }

    struct Node {
        NodeState state;
        uint24 version; // major<<16 | minor<<8 | patch
        uint8 class; // VRAM class, see classOf
        uint32 vramMiB;
        uint32 qos; // rolling score, 0..QOS_MAX
        uint64 task; // the task it runs, 0 for none
        uint40 resumeAfter; // no resume (after a hand-back) or rejoin (after a kick or slash) before this
        uint16 kicks;
        uint16 slashes;
        bytes32 gpuId; // keccak256 of the GPU name
        uint256 stake;
        uint256 unbonding; // stake on its way out, withdrawable from unbondAt
        uint64 unbondAt;
        uint32 yields; // yields ever
        uint8 yieldNext; // next entry of yieldTimes
        bool joined; // has been a member: its record is kept
        uint32[8] yieldTimes; // the last maxYields yields (a ring)
    }

    /// What a task asks of a node.
    struct Requirements {
        uint32 minVramMiB;
        bytes32 gpuId; // 0: any GPU with minVramMiB
        uint24 version;
        bytes32[] models;
    }

    /// Deployment parameters; fixed for the contract's life.
    struct Params {
        uint256 minStake;
        uint32 qosWindow; // the rolling score averages about this many tasks
        uint32 kickThreshold; // a node whose score falls below this is removed
        uint32 yieldCost; // score a yield costs, out of QOS_MAX
        uint16 maxYields; // yields allowed in any yieldPeriod (at most 8)
        uint64 yieldPeriod; // seconds
        uint8 minHolders; // fewer proven holders of a model than this: drawn from all nodes, downloads asked
        uint8 notifyCount; // how many nodes one task may ask to download
        uint8 maxModels; // models one node may declare
        uint64 unbondingPeriod; // seconds from leaving until the stake can be withdrawn
        uint64 rejoinDelay; // seconds a kicked or slashed node waits before joining again
        uint32 rejoinScore; // a kicked node's score when it rejoins, if lower
        uint64 resumeDelay; // seconds after an owner's hand-back before the node may resume
        uint16 silencePenaltyBps; // share of the stake a silent node loses
        uint64 notifyCooldown; // seconds between download requests for one model, or by one creator
    }

    /// Members of a pool, of a GPU or of a model's holders, in slots that
    /// never move: a member keeps its slot (busy, paused or available)
    /// until it leaves the set, and a freed slot goes to the next member
    /// to come. The slot count only grows, by doubling, and the block each
    /// doubling came in is kept, so a draw reads the set exactly as its
    /// round's request saw it: slots added later are past the count it
    /// uses, and a member that came later is skipped by its `since` (see
    /// _at, _capAt). The member count is kept as of the end of the block
    /// before its last change too (_countAt).
    struct Members {
        mapping(uint256 => uint256) slots; // member | since << 160 (the block it came in); 0 = free
        mapping(address => uint256) pos; // slot + 1; 0 = not a member
        mapping(uint256 => uint256) free; // a stack of freed slots
        mapping(uint256 => uint256) began; // level => the block it began in
        uint32 freeCount;
        uint32 used; // slots [0, used) have been handed out
        uint32 count; // members now
        uint32 prevCount; // members at the end of the block before countBlock
        uint40 countBlock; // the block count last changed in
        uint8 level; // slot count: 0 none, else FIRST_CAP << (level - 1)
        uint40 levelBegan; // the block the current level began in
    }

    // ------------------------------------------------------------- constants

    /// The best rolling score: ten points (a first commit) every task.
    uint32 public constant QOS_MAX = 10_000;
    /// Points are scaled by this into the rolling score.
    uint32 public constant POINT_SCALE = 1_000;
    /// VRAM classes by their lower bound in MiB.
    uint8 public constant CLASSES = 14;
    /// Random slots per seat to try among a model's holders before falling back.
    uint256 internal constant MODEL_TRIES = 4;
    /// Random slots per seat to try among a GPU's members.
    uint256 internal constant GPU_TRIES = 16;
    /// Random slots per seat to try in a task's pools (busy, paused and
    /// free slots are skipped).
    uint256 internal constant POOL_TRIES = 64;
    /// A model's entry in modelPos: index + 1, and this bit once proven.
    uint256 internal constant PROVEN = 1 << 255;
    /// The first slot count of a set.
    uint256 internal constant FIRST_CAP = 4;

    // ----------------------------------------------------------------- state

    IRandomSource public immutable random;
    address public immutable deployer;
    Params internal params;
    address public taskManager;

    mapping(address => Node) internal nodes;
    mapping(address => bytes32[]) internal nodeModels; // declared models
    mapping(address => mapping(bytes32 => uint256)) internal modelPos; // index + 1 | PROVEN
    mapping(bytes32 => Members) internal pools; // members by poolKey(version, class)
    mapping(bytes32 => uint256) internal ready; // available members by poolKey (for views only)
    mapping(bytes32 => Members) internal gpuMembers; // members by gpuKey(version, gpu)
    mapping(bytes32 => Members) internal holders; // proven holders per model
    /// @notice The number of nodes in the network (in any state but Quit).
    uint256 public memberCount;
    mapping(bytes32 => mapping(address => bool)) public downloadPending;
    mapping(bytes32 => uint256) public lastNotice; // per model and per creator (as bytes32)

    // ---------------------------------------------------------------- events

    event NodeJoined(address indexed node, string gpuName, bytes32 gpuId, uint32 vramMiB, uint24 version, uint256 stake);
    event NodeStateChanged(address indexed node, NodeState state);
    event NodeKicked(address indexed node, uint32 qos);
    event NodeSlashed(address indexed node, uint256 amount, uint64 indexed task);
    event ModelReported(address indexed node, bytes32 indexed model, bool held);
    event ModelProven(address indexed node, bytes32 indexed model);
    event DownloadRequested(address indexed node, bytes32 indexed model);
    event QosChanged(address indexed node, uint32 qos, uint32 points);
    event StakeShared(uint64 indexed task, uint256 amount, uint256 recipients);

    // ---------------------------------------------------------------- errors

    error NotTaskManager();
    error AlreadyBound();
    error StakeTooLow(uint256 sent, uint256 minStake);
    error BadState(NodeState state);
    error TooManyModels(uint256 count, uint256 max);
    error BadNode();
    error YieldLimit(uint16 used, uint16 max);
    error TooEarly(uint256 until);
    error Unbonding(uint256 until);

    modifier onlyTasks() {
        if (msg.sender != taskManager) revert NotTaskManager();
        _;
    }

    constructor(IRandomSource random_, Params memory p) {
        if (p.maxYields == 0 || p.maxYields > 8) revert BadNode();
        random = random_;
        deployer = msg.sender;
        params = p;
    }

    /// @notice Binds the task contract, once, by the deployer.
    function bindTaskManager(address tm) external {
        if (msg.sender != deployer) revert NotTaskManager();
        if (taskManager != address(0)) revert AlreadyBound();
        taskManager = tm;
    }

    // ------------------------------------------------------------ node calls

    /// @notice Joins the network with a stake of at least minStake (a stake
    /// still unbonding counts). A returning address keeps its record.
    function join(string calldata gpuName, uint32 vramMiB, uint24 version, bytes32[] calldata models)
        external
        payable
    {
        Node storage n = nodes[msg.sender];
        if (n.state != NodeState.Quit) revert BadState(n.state);
        if (n.joined && block.timestamp < n.resumeAfter) revert TooEarly(n.resumeAfter);
        uint256 stake = msg.value + n.unbonding;
        if (stake < params.minStake) revert StakeTooLow(stake, params.minStake);
        if (vramMiB == 0 || bytes(gpuName).length == 0 || bytes(gpuName).length > 64) revert BadNode();
        if (models.length > params.maxModels) revert TooManyModels(models.length, params.maxModels);
        bytes32 gpuId = keccak256(bytes(gpuName));
        if (!n.joined) {
            n.joined = true;
            n.qos = QOS_MAX;
        } else if (n.qos < params.rejoinScore) {
            n.qos = params.rejoinScore; // back on probation after a kick
        }
        n.version = version;
        n.class = classOf(vramMiB);
        n.vramMiB = vramMiB;
        n.gpuId = gpuId;
        n.stake = stake;
        n.unbonding = 0;
        n.unbondAt = 0;
        ++memberCount;
        for (uint256 i; i < models.length; ++i) {
            _declare(msg.sender, models[i]);
        }
        emit NodeJoined(msg.sender, gpuName, gpuId, vramMiB, version, stake);
        _join(pools[_poolKey(n)], msg.sender);
        _join(gpuMembers[_gpuKey(version, gpuId)], msg.sender);
        _setState(msg.sender, n, NodeState.Available);
    }

    /// @notice Stops taking tasks; a busy node pauses when its task ends.
    function pause() external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Available) {
            _setState(msg.sender, n, NodeState.Paused);
        } else if (n.state == NodeState.Busy) {
            _setState(msg.sender, n, NodeState.PendingPause);
        } else {
            revert BadState(n.state);
        }
    }

    /// @notice Takes tasks again after a pause (or cancels a pending pause).
    function resume() external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Paused) {
            if (block.timestamp < n.resumeAfter) revert TooEarly(n.resumeAfter);
            _setState(msg.sender, n, NodeState.Available);
        } else if (n.state == NodeState.PendingPause) {
            _setState(msg.sender, n, NodeState.Busy);
        } else {
            revert BadState(n.state);
        }
    }

    /// @notice Leaves the network; the stake unbonds and can be withdrawn
    /// after unbondingPeriod. A busy node quits when its task ends.
    function quit() external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Available || n.state == NodeState.Paused) {
            _leave(msg.sender, n);
        } else if (n.state == NodeState.Busy || n.state == NodeState.PendingPause) {
            _setState(msg.sender, n, NodeState.PendingQuit);
        } else {
            revert BadState(n.state);
        }
    }

    /// @notice Declares that this node holds (or dropped) a model. A
    /// declaration earns no preference in selection: only validated work
    /// with the model makes a node one of its holders. It stops download
    /// requests for the model.
    function reportModel(bytes32 model, bool held) external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Quit) revert BadState(n.state);
        if (held) {
            if (modelPos[msg.sender][model] == 0 && nodeModels[msg.sender].length >= params.maxModels) {
                revert TooManyModels(nodeModels[msg.sender].length + 1, params.maxModels);
            }
            _declare(msg.sender, model);
            delete downloadPending[model][msg.sender];
        } else {
            _dropModel(msg.sender, model);
        }
        emit ModelReported(msg.sender, model, held);
    }

    // ------------------------------------------------------ task manager calls

    /// @notice Draws up to `count` eligible nodes for a task and marks them
    /// busy: up to count-1 from the proven holders of the first model when
    /// there are enough of them, the rest (at least one seat, so newcomers
    /// get work) from every available node the task fits. Then asks nodes
    /// to download models too few hold (rate-limited per model and creator).
    /// The sets are read as they were at block `asOf`, the request of the
    /// round whose word this is: members that came later are skipped, and
    /// a member that cannot work now (busy, paused, gone) is skipped too,
    /// which only ever declines a node's own seat.
    /// @return chosen the selected nodes (fewer than count if not enough
    /// eligible nodes could be drawn).
    function assign(uint64 taskId, Requirements calldata req, uint256 count, uint256 word, address creator, uint256 asOf)
        external
        onlyTasks
        returns (address[] memory chosen)
    {
        chosen = new address[](count);
        uint256 found;
        bool short;
        if (req.models.length > 0 && count > 1 && _countAt(holders[req.models[0]], asOf) >= params.minHolders) {
            found = _selectHolders(taskId, req, word, chosen, count - 1, asOf);
            short = found < count - 1;
        }
        found = _selectPool(taskId, req, word, chosen, found, asOf);
        assembly {
            mstore(chosen, found)
        }
        _notifyDownloads(req, word, short, creator);
    }

    /// @notice Ends a task for its nodes: applies each verdict, lands
    /// pending pauses and quits, kicks nodes whose score fell too low, and
    /// shares slashed stake among the honest nodes (burned if none).
    function release(
        uint64 taskId,
        address[9] calldata who,
        uint8[9] calldata points,
        Verdict[9] calldata verdicts,
        bytes32 model
    ) external onlyTasks {
        uint256 pot;
        for (uint256 i; i < 9; ++i) {
            address a = who[i];
            if (a == address(0)) continue;
            Node storage n = nodes[a];
            if (n.task != taskId) continue;
            Verdict v = verdicts[i];
            if (v == Verdict.Slash) {
                pot += _slash(a, n, taskId, 10_000);
                continue;
            }
            if (v == Verdict.Silent) {
                pot += _slash(a, n, taskId, params.silencePenaltyBps);
                if (n.state == NodeState.Quit) continue;
                _score(a, n, 0);
            } else if (v != Verdict.Free) {
                _score(a, n, points[i]);
            }
            if (v == Verdict.Honest && model != bytes32(0) && n.state != NodeState.PendingQuit) {
                _prove(a, model); // (one quitting now would leave the set at once)
            }
            _land(a, n);
            if (n.state != NodeState.Quit && n.qos < params.kickThreshold) {
                emit NodeKicked(a, n.qos);
                n.kicks++;
                n.resumeAfter = uint40(block.timestamp + params.rejoinDelay);
                _leave(a, n);
            }
        }
        if (pot > 0) _share(taskId, who, verdicts, pot);
    }

    /// @notice Hands a task back for `node`, which then sits out: paused
    /// for at least resumeDelay (so yielding a task to be drawn for a
    /// better one costs that time). An ordinary yield also costs yieldCost
    /// of its score, at most maxYields in any yieldPeriod; a hand-back (the
    /// owner came back) costs nothing else and is not counted. Either way
    /// the replacement is drawn later by the task manager, from randomness
    /// the node cannot see now.
    function yieldTask(uint64 taskId, address node, bool handBack) external onlyTasks {
        Node storage n = nodes[node];
        if (n.task != taskId) revert BadState(n.state);
        if (handBack) {
            _sitOut(node, n);
            return;
        }
        uint16 max = params.maxYields;
        uint8 next = n.yieldNext;
        uint32 oldest = n.yieldTimes[next];
        if (oldest != 0 && block.timestamp < uint256(oldest) + params.yieldPeriod) revert YieldLimit(max, max);
        n.yieldTimes[next] = uint32(block.timestamp);
        n.yieldNext = uint8((uint256(next) + 1) % max);
        n.yields++;
        uint32 cost = params.yieldCost < n.qos ? params.yieldCost : n.qos;
        n.qos -= cost;
        emit QosChanged(node, n.qos, 0);
        _sitOut(node, n);
    }

    /// @dev Frees a node that handed its task back and pauses it for
    /// resumeDelay (one quitting leaves).
    function _sitOut(address node, Node storage n) internal {
        n.resumeAfter = uint40(block.timestamp + params.resumeDelay);
        n.task = 0;
        if (n.state == NodeState.PendingQuit) {
            _leave(node, n);
        } else {
            _setState(node, n, NodeState.Paused);
        }
    }

    // ----------------------------------------------------------------- views

    function getParams() external view returns (Params memory) {
        return params;
    }

    function getNode(address node) external view returns (Node memory) {
        return nodes[node];
    }

    function getNodeModels(address node) external view returns (bytes32[] memory) {
        return nodeModels[node];
    }

    /// @notice How many members (busy, paused or available) have proven
    /// they hold a model.
    function holderCount(bytes32 model) external view returns (uint256) {
        return holders[model].count;
    }

    /// @notice Whether a node has proven (by validated work) that it holds a model.
    function isProven(address node, bytes32 model) external view returns (bool) {
        return modelPos[node][model] & PROVEN != 0;
    }

    /// @notice The number of available nodes of a version's major.minor in
    /// VRAM classes >= class.
    function poolCount(uint24 version, uint8 class) public view returns (uint256 total) {
        for (uint256 c = class; c < CLASSES; ++c) {
            total += ready[_key(version, uint8(c))];
        }
    }

    /// @notice The VRAM class of a card: 0 below 4 GiB, then 4, 6, 8, 10,
    /// 12, 16, 20, 24, 32, 48, 80, 96 and 128 GiB and up (fine where home cards are,
    /// so a task's need rounded up to a class skips few cards that fit).
    function classOf(uint32 vramMiB) public pure returns (uint8 c) {
        while (c + 1 < CLASSES && vramMiB >= _bound(c + 1)) ++c;
    }

    /// @notice The class a task's VRAM need is rounded up to: the smallest
    /// class whose every card has at least minVramMiB (CLASSES when none does).
    function classFor(uint32 minVramMiB) public pure returns (uint8) {
        if (minVramMiB == 0) return 0;
        uint8 c = classOf(minVramMiB);
        if (_bound(c) < minVramMiB) c++;
        return c;
    }

    /// @notice Whether a node of `nodeVersion` can run a task of
    /// `taskVersion`: the same major and minor (patches are compatible).
    function versionCompatible(uint24 nodeVersion, uint24 taskVersion) public pure returns (bool) {
        return nodeVersion >> 8 == taskVersion >> 8;
    }

    // ------------------------------------------------------------- selection

    /// @dev Draws up to `want` distinct proven holders of the first model:
    /// a partial Fisher-Yates shuffle of the holder slots as of `asOf`
    /// whose few swaps live in memory.
    function _selectHolders(
        uint64 taskId,
        Requirements calldata req,
        uint256 word,
        address[] memory chosen,
        uint256 want,
        uint256 asOf
    ) internal returns (uint256 found) {
        Members storage h = holders[req.models[0]];
        uint256 len = _capAt(h, asOf);
        uint256 tries = want * MODEL_TRIES;
        if (tries > len) tries = len;
        uint256[] memory swapKey = new uint256[](tries);
        uint256[] memory swapVal = new uint256[](tries);
        for (uint256 j; j < tries && found < want; ++j) {
            address a = _at(h, _shuffle(swapKey, swapVal, j, j + _rand(word, j) % (len - j)), asOf);
            if (a != address(0) && _eligible(a, req)) {
                _occupy(a, taskId);
                chosen[found++] = a;
            }
        }
    }

    /// @dev Fills the rest: for an exact GPU from that GPU's members,
    /// otherwise from the slots of the task's version and VRAM classes
    /// (whose every member fits it) as of `asOf`, taking the available
    /// members the picks land on (bounded tries).
    function _selectPool(
        uint64 taskId,
        Requirements calldata req,
        uint256 word,
        address[] memory chosen,
        uint256 found,
        uint256 asOf
    ) internal returns (uint256) {
        if (req.gpuId != bytes32(0)) return _selectGpu(taskId, req, word, chosen, found, asOf);
        uint8 minClass = classFor(req.minVramMiB);
        (uint256[] memory caps, uint256 total) = _poolCaps(req.version, minClass, asOf);
        if (total == 0) return found;
        uint256 tries = (chosen.length - found) * POOL_TRIES;
        for (uint256 t; t < tries && found < chosen.length; ++t) {
            address a = _poolSlot(req.version, minClass, caps, _rand(word, 100 + t) % total, asOf);
            if (a == address(0) || nodes[a].state != NodeState.Available) continue;
            _occupy(a, taskId);
            chosen[found++] = a;
        }
        return found;
    }

    /// @dev Draws a task that names its GPU from that GPU's members as of
    /// `asOf` (bounded tries).
    function _selectGpu(
        uint64 taskId,
        Requirements calldata req,
        uint256 word,
        address[] memory chosen,
        uint256 found,
        uint256 asOf
    ) internal returns (uint256) {
        Members storage g = gpuMembers[_gpuKey(req.version, req.gpuId)];
        uint256 len = _capAt(g, asOf);
        if (len == 0) return found;
        uint256 tries = (chosen.length - found) * GPU_TRIES;
        for (uint256 t; t < tries && found < chosen.length; ++t) {
            address a = _at(g, _rand(word, 100 + t) % len, asOf);
            if (a != address(0) && nodes[a].state == NodeState.Available && nodes[a].vramMiB >= req.minVramMiB) {
                _occupy(a, taskId);
                chosen[found++] = a;
            }
        }
        return found;
    }

    /// @dev Asks up to notifyCount available nodes lacking a model that too
    /// few have proven (or the first model, when its holders were too busy
    /// to fill the task) to download it: at most once per notifyCooldown per
    /// model and per creator. It walks the pools' slots from a random start
    /// and looks at no more than 3 × notifyCount of them: flat gas.
    function _notifyDownloads(Requirements calldata req, uint256 word, bool firstShort, address creator) internal {
        if (req.gpuId != bytes32(0)) return;
        bytes32 creatorKey = bytes32(uint256(uint160(creator)));
        uint256 cooldown = params.notifyCooldown;
        if (lastNotice[creatorKey] != 0 && block.timestamp < lastNotice[creatorKey] + cooldown) return;
        uint8 minClass = classFor(req.minVramMiB);
        (uint256[] memory caps, uint256 total) = _poolCaps(req.version, minClass, block.number);
        if (total == 0) return;
        uint256 sent;
        uint256 limit = uint256(params.notifyCount) * 3;
        if (limit > total) limit = total;
        for (uint256 m; m < req.models.length && sent < params.notifyCount; ++m) {
            bytes32 model = req.models[m];
            if (holders[model].count >= params.minHolders && !(m == 0 && firstShort)) continue;
            if (lastNotice[model] != 0 && block.timestamp < lastNotice[model] + cooldown) continue;
            lastNotice[model] = block.timestamp;
            lastNotice[creatorKey] = block.timestamp;
            uint256 start = _rand(word, 1_000 + m) % total;
            for (uint256 k; k < limit && sent < params.notifyCount; ++k) {
                address a = _poolSlot(req.version, minClass, caps, (start + k) % total, block.number);
                if (a == address(0) || nodes[a].state != NodeState.Available) continue;
                if (modelPos[a][model] != 0 || downloadPending[model][a]) continue;
                downloadPending[model][a] = true;
                emit DownloadRequested(a, model);
                sent++;
            }
        }
    }

    function _eligible(address a, Requirements calldata req) internal view returns (bool) {
        Node storage n = nodes[a];
        if (n.state != NodeState.Available) return false;
        if (n.vramMiB < req.minVramMiB) return false;
        if (req.gpuId != bytes32(0) && n.gpuId != req.gpuId) return false;
        if (!versionCompatible(n.version, req.version)) return false;
        for (uint256 i = 1; i < req.models.length; ++i) {
            if (modelPos[a][req.models[i]] == 0) return false;
        }
        return true;
    }

    /// @dev Step j of the shuffle: swaps positions j and i, returns what
    /// was at i.
    function _shuffle(uint256[] memory swapKey, uint256[] memory swapVal, uint256 j, uint256 i)
        internal
        pure
        returns (uint256 atI)
    {
        atI = _swapped(swapKey, swapVal, j, i);
        swapKey[j] = i;
        swapVal[j] = _swapped(swapKey, swapVal, j, j);
    }

    /// @dev The value at position p of a virtually shuffled 0..len-1 after
    /// the first n swaps (position swapKey[k] holds swapVal[k]).
    function _swapped(uint256[] memory swapKey, uint256[] memory swapVal, uint256 n, uint256 p)
        internal
        pure
        returns (uint256)
    {
        for (uint256 k = n; k > 0; --k) {
            if (swapKey[k - 1] == p) return swapVal[k - 1];
        }
        return p;
    }

    /// @dev The slot counts of a version's pools of classes >= minClass
    /// as of block asOf, and their sum.
    function _poolCaps(uint24 version, uint8 minClass, uint256 asOf)
        internal
        view
        returns (uint256[] memory caps, uint256 total)
    {
        caps = new uint256[](CLASSES - minClass);
        for (uint256 c = minClass; c < CLASSES; ++c) {
            uint256 cap = _capAt(pools[_key(version, uint8(c))], asOf);
            caps[c - minClass] = cap;
            total += cap;
        }
    }

    /// @dev The member in slot i of the pools laid end to end (0: none).
    function _poolSlot(uint24 version, uint8 minClass, uint256[] memory caps, uint256 i, uint256 asOf)
        internal
        view
        returns (address)
    {
        for (uint256 c; c < caps.length; ++c) {
            if (i < caps[c]) return _at(pools[_key(version, uint8(c + minClass))], i, asOf);
            i -= caps[c];
        }
        return address(0); // unreachable: i < the sum of caps
    }

    function _rand(uint256 word, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(word, i)));
    }

    function _occupy(address a, uint64 taskId) internal {
        Node storage n = nodes[a];
        n.task = taskId;
        _setState(a, n, NodeState.Busy);
    }

    /// @dev The lower bound in MiB of VRAM class c (c = CLASSES: above
    /// every card).
    function _bound(uint256 c) internal pure returns (uint32) {
        if (c >= CLASSES) return type(uint32).max;
        // GiB: 0, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 80, 96, 128, a byte each.
        return uint32(uint8(bytes14(0x000406080a0c1014182030506080)[c])) * 1024;
    }

    function _key(uint24 version, uint8 class) internal pure returns (bytes32) {
        return bytes32((uint256(version >> 8) << 8) | class);
    }

    function _poolKey(Node storage n) internal view returns (bytes32) {
        return _key(n.version, n.class);
    }

    function _gpuKey(uint24 version, bytes32 gpuId) internal pure returns (bytes32) {
        return keccak256(abi.encode(version >> 8, gpuId));
    }

    // ------------------------------------------------------- state changes

    function _score(address a, Node storage n, uint32 points) internal {
        uint256 w = params.qosWindow;
        n.qos = uint32((uint256(n.qos) * (w - 1) + uint256(points) * POINT_SCALE) / w);
        emit QosChanged(a, n.qos, points);
    }

    /// @dev Lands a node whose task ended.
    function _land(address a, Node storage n) internal {
        n.task = 0;
        if (n.state == NodeState.Busy) {
            _setState(a, n, NodeState.Available);
        } else if (n.state == NodeState.PendingPause) {
            _setState(a, n, NodeState.Paused);
        } else if (n.state == NodeState.PendingQuit) {
            _leave(a, n);
        }
    }

    /// @dev Takes bps/10000 of a node's stake (stake and unbonding). A full
    /// slash, or one that leaves less than minStake, removes the node.
    function _slash(address a, Node storage n, uint64 taskId, uint256 bps) internal returns (uint256 amount) {
        uint256 held = n.stake + n.unbonding;
        amount = held * bps / 10_000;
        uint256 fromStake = amount < n.stake ? amount : n.stake;
        n.stake -= fromStake;
        n.unbonding -= amount - fromStake;
        n.slashes++;
        emit NodeSlashed(a, amount, taskId);
        if (bps >= 10_000 || n.stake < params.minStake) {
            n.resumeAfter = uint40(block.timestamp + params.rejoinDelay);
            _leave(a, n);
        }
    }

    /// @dev Shares slashed stake equally among the task's honest nodes (the
    /// rounding dust to the first); with none, it stays in the contract for
    /// good (burned): nobody, the deployer included, profits from a slash
    /// without having been right.
    function _share(uint64 taskId, address[9] calldata who, Verdict[9] calldata verdicts, uint256 pot) internal {
        uint256 honest;
        for (uint256 i; i < 9; ++i) {
            if (verdicts[i] == Verdict.Honest && who[i] != address(0)) honest++;
        }
        if (honest == 0) {
            emit StakeShared(taskId, pot, 0);
            return;
        }
        uint256 each = pot / honest;
        uint256 dust = pot - each * honest;
        for (uint256 i; i < 9; ++i) {
            if (verdicts[i] != Verdict.Honest || who[i] == address(0)) continue;
            balances[who[i]] += each + dust;
            dust = 0;
        }
        emit StakeShared(taskId, pot, honest);
    }

    /// @dev Removes a node from every set; its stake starts unbonding.
    function _leave(address a, Node storage n) internal {
        _part(pools[_poolKey(n)], a);
        _part(gpuMembers[_gpuKey(n.version, n.gpuId)], a);
        bytes32[] storage ms = nodeModels[a];
        for (uint256 i; i < ms.length; ++i) {
            if (modelPos[a][ms[i]] & PROVEN != 0) _part(holders[ms[i]], a);
            delete modelPos[a][ms[i]];
        }
        delete nodeModels[a];
        if (n.stake > 0) {
            n.unbonding += n.stake;
            n.stake = 0;
            n.unbondAt = uint64(block.timestamp + params.unbondingPeriod);
        }
        n.task = 0;
        --memberCount;
        _setState(a, n, NodeState.Quit);
    }

    /// @dev Stake whose unbonding ended becomes withdrawable.
    function _beforeWithdraw(address who) internal override {
        Node storage n = nodes[who];
        if (n.unbonding == 0) return;
        if (block.timestamp < n.unbondAt) {
            if (balances[who] == 0) revert Unbonding(n.unbondAt);
            return;
        }
        balances[who] += n.unbonding;
        n.unbonding = 0;
    }

    /// @dev Sets a node's state, counting its pool's available members.
    function _setState(address a, Node storage n, NodeState s) internal {
        NodeState was = n.state;
        if (was == NodeState.Available && s != NodeState.Available) ready[_poolKey(n)]--;
        else if (was != NodeState.Available && s == NodeState.Available) ready[_poolKey(n)]++;
        n.state = s;
        emit NodeStateChanged(a, s);
    }

    function _declare(address a, bytes32 model) internal {
        if (modelPos[a][model] != 0) return;
        nodeModels[a].push(model);
        modelPos[a][model] = nodeModels[a].length;
    }

    /// @dev Validated work with a model proves the node holds it; the model
    /// is declared for it if it has room.
    function _prove(address a, bytes32 model) internal {
        uint256 p = modelPos[a][model];
        if (p & PROVEN != 0) return;
        if (p == 0) {
            if (nodeModels[a].length >= params.maxModels) return;
            _declare(a, model);
            p = modelPos[a][model];
            delete downloadPending[model][a];
        }
        modelPos[a][model] = p | PROVEN;
        _join(holders[model], a);
        emit ModelProven(a, model);
    }

    function _dropModel(address a, bytes32 model) internal {
        uint256 p = modelPos[a][model] & ~PROVEN;
        if (p == 0) return;
        bytes32[] storage ms = nodeModels[a];
        bytes32 last = ms[ms.length - 1];
        ms[p - 1] = last;
        if (last != model) modelPos[a][last] = (modelPos[a][last] & PROVEN) | p;
        ms.pop();
        delete modelPos[a][model];
        _part(holders[model], a);
    }

    /// @dev Gives a newcomer to a set a slot: a freed one, else the next
    /// unused one, doubling the slot count when all are used.
    function _join(Members storage s, address a) internal {
        if (s.pos[a] != 0) return;
        uint256 i;
        if (s.freeCount > 0) {
            i = s.free[--s.freeCount];
        } else {
            i = s.used++;
            if (i >= _capOf(s.level)) {
                uint8 l = s.level + 1;
                s.level = l;
                s.levelBegan = uint40(block.number);
                s.began[l] = block.number;
            }
        }
        s.slots[i] = uint256(uint160(a)) | block.number << 160;
        s.pos[a] = i + 1;
        _recount(s);
        s.count++;
    }

    /// @dev Frees a leaver's slot (nobody else moves).
    function _part(Members storage s, address a) internal {
        uint256 p = s.pos[a];
        if (p == 0) return;
        delete s.slots[p - 1];
        delete s.pos[a];
        s.free[s.freeCount++] = uint32(p - 1);
        _recount(s);
        s.count--;
    }

    /// @dev Keeps the count as of the end of the last block before this
    /// one's changes.
    function _recount(Members storage s) internal {
        if (s.countBlock == block.number) return;
        s.prevCount = s.count;
        s.countBlock = uint40(block.number);
    }

    /// @dev The member in slot i as of block asOf: 0 when the slot is free
    /// or its member came after asOf.
    function _at(Members storage s, uint256 i, uint256 asOf) internal view returns (address) {
        uint256 v = s.slots[i];
        if (v == 0 || v >> 160 > asOf) return address(0);
        return address(uint160(v));
    }

    /// @dev The slot count as of block asOf: the level then (every
    /// doubling's block is kept, so this is exact; each level after asOf
    /// costs one read, and someone paid a doubling's joins for it).
    function _capAt(Members storage s, uint256 asOf) internal view returns (uint256) {
        uint256 l = s.level;
        if (l == 0 || s.levelBegan <= asOf) return _capOf(l);
        while (l > 0 && s.began[l] > asOf) --l;
        return _capOf(l);
    }

    /// @dev The member count as of block asOf: exact when the count
    /// changed in at most one block after asOf (a draw lands within a
    /// block or two of its request: keepers), else the count before the
    /// last block that changed it.
    function _countAt(Members storage s, uint256 asOf) internal view returns (uint256) {
        return s.countBlock > asOf ? s.prevCount : s.count;
    }

    function _capOf(uint256 level) internal pure returns (uint256) {
        return level == 0 ? 0 : FIRST_CAP << (level - 1);
    }
}
