// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRandomSource} from "./Randomness.sol";
import {Payouts} from "./Payouts.sol";

/// @title NodeRegistry: the nodes of the Hydrogen network, their stake,
/// their models, their quality of service, and the random selection of
/// nodes for tasks.
/// @notice Selection never scans the network: available nodes live in
/// indexed sets (one per VRAM class, one per model), and a selection draws
/// random members with a bounded number of tries. Its gas is flat in the
/// number of nodes. See docs/protocol.md.
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

    struct Node {
        NodeState state;
        uint24 version; // major<<16 | minor<<8 | patch
        uint8 class; // VRAM class, see classOf
        uint32 vramMiB;
        uint32 qos; // rolling score, 0..QOS_MAX
        uint16 yields; // yields counted in yieldEpoch
        uint64 yieldEpoch; // the yield period those yields belong to
        uint64 task; // the task it runs, 0 for none
        bytes32 gpuId; // keccak256 of the GPU name
        uint256 stake;
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
        uint16 maxYields; // yields allowed per yield period
        uint64 yieldPeriod; // seconds
        uint8 minHolders; // fewer holders of a model than this triggers downloads
        uint8 notifyCount; // how many nodes are told to download it
        uint8 maxModels; // models one node may declare
    }

    struct AddressSet {
        address[] items;
        mapping(address => uint256) pos; // index + 1; 0 = absent
    }

    // ------------------------------------------------------------- constants

    /// The best rolling score: ten points (a first commit) every task.
    uint32 public constant QOS_MAX = 10_000;
    /// Points are scaled by this into the rolling score.
    uint32 public constant POINT_SCALE = 1_000;
    /// VRAM classes by their lower bound in MiB.
    uint8 public constant CLASSES = 8;
    /// Random draws per node to find in the model pool before falling back.
    uint256 internal constant MODEL_TRIES = 4;
    /// Random draws per node to find in the whole pool before giving up.
    uint256 internal constant POOL_TRIES = 8;

    // ----------------------------------------------------------------- state

    IRandomSource public immutable random;
    address public immutable deployer;
    address public immutable treasury;
    Params internal params;
    address public taskManager;

    mapping(address => Node) internal nodes;
    mapping(address => bytes32[]) internal nodeModels;
    mapping(address => mapping(bytes32 => uint256)) internal modelPos; // index + 1
    AddressSet[CLASSES] internal available;
    mapping(bytes32 => AddressSet) internal holders; // joined, unpaused nodes per model
    /// @notice The number of nodes in the network (in any state but Quit).
    uint256 public memberCount;
    mapping(bytes32 => mapping(address => bool)) public downloadPending;

    // ---------------------------------------------------------------- events

    event NodeJoined(address indexed node, string gpuName, bytes32 gpuId, uint32 vramMiB, uint24 version, uint256 stake);
    event NodeStateChanged(address indexed node, NodeState state);
    event NodeKicked(address indexed node, uint32 qos);
    event NodeSlashed(address indexed node, uint256 stake, uint64 indexed task);
    event ModelReported(address indexed node, bytes32 indexed model, bool held);
    event DownloadRequested(address indexed node, bytes32 indexed model);
    event QosChanged(address indexed node, uint32 qos, uint32 points);

    // ---------------------------------------------------------------- errors

    error NotTaskManager();
    error AlreadyBound();
    error StakeTooLow(uint256 sent, uint256 minStake);
    error BadState(NodeState state);
    error TooManyModels(uint256 count, uint256 max);
    error BadNode();
    error YieldLimit(uint16 used, uint16 max);

    modifier onlyTasks() {
        if (msg.sender != taskManager) revert NotTaskManager();
        _;
    }


    constructor(IRandomSource random_, address treasury_, Params memory p) {
        random = random_;
        deployer = msg.sender;
        treasury = treasury_;
        params = p;
    }

    /// @notice Binds the task contract, once, by the deployer.
    function bindTaskManager(address tm) external {
        if (msg.sender != deployer) revert NotTaskManager();
        if (taskManager != address(0)) revert AlreadyBound();
        taskManager = tm;
    }

    // ------------------------------------------------------------ node calls

    /// @notice Joins the network with a stake of at least minStake.
    function join(string calldata gpuName, uint32 vramMiB, uint24 version, bytes32[] calldata models)
        external
        payable
    {
        Node storage n = nodes[msg.sender];
        if (n.state != NodeState.Quit) revert BadState(n.state);
        if (msg.value < params.minStake) revert StakeTooLow(msg.value, params.minStake);
        if (vramMiB == 0 || bytes(gpuName).length == 0 || bytes(gpuName).length > 64) revert BadNode();
        if (models.length > params.maxModels) revert TooManyModels(models.length, params.maxModels);
        bytes32 gpuId = keccak256(bytes(gpuName));
        nodes[msg.sender] = Node({
            state: NodeState.Available,
            version: version,
            class: classOf(vramMiB),
            vramMiB: vramMiB,
            qos: QOS_MAX,
            yields: 0,
            yieldEpoch: 0,
            task: 0,
            gpuId: gpuId,
            stake: msg.value
        });
        ++memberCount;
        for (uint256 i; i < models.length; ++i) {
            _addModel(msg.sender, models[i], true);
        }
        _add(available[classOf(vramMiB)], msg.sender);
        emit NodeJoined(msg.sender, gpuName, gpuId, vramMiB, version, msg.value);
        emit NodeStateChanged(msg.sender, NodeState.Available);
    }

    /// @notice Stops taking tasks; a busy node pauses when its task ends.
    function pause() external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Available) {
            _remove(available[n.class], msg.sender);
            _setHolding(msg.sender, false);
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
            _setHolding(msg.sender, true);
            _add(available[n.class], msg.sender);
            _setState(msg.sender, n, NodeState.Available);
        } else if (n.state == NodeState.PendingPause) {
            _setState(msg.sender, n, NodeState.Busy);
        } else {
            revert BadState(n.state);
        }
    }

    /// @notice Leaves the network and gets the stake back (to withdraw); a
    /// busy node quits when its task ends.
    function quit() external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Available || n.state == NodeState.Paused) {
            _leave(msg.sender, n, true);
        } else if (n.state == NodeState.Busy || n.state == NodeState.PendingPause) {
            _setState(msg.sender, n, NodeState.PendingQuit);
        } else {
            revert BadState(n.state);
        }
    }

    /// @notice Reports that this node now holds (or no longer holds) a model.
    function reportModel(bytes32 model, bool held) external {
        Node storage n = nodes[msg.sender];
        if (n.state == NodeState.Quit) revert BadState(n.state);
        if (held) {
            if (modelPos[msg.sender][model] == 0 && nodeModels[msg.sender].length >= params.maxModels) {
                revert TooManyModels(nodeModels[msg.sender].length + 1, params.maxModels);
            }
            _addModel(msg.sender, model, n.state != NodeState.Paused);
            delete downloadPending[model][msg.sender];
        } else {
            _removeModel(msg.sender, model);
        }
        emit ModelReported(msg.sender, model, held);
    }


    // ------------------------------------------------------ task manager calls

    /// @notice Selects up to `count` eligible nodes for a task and marks them
    /// busy; then asks more nodes to download any model that too few hold,
    /// and the first model when its holders could not fill the task (demand
    /// outgrew them).
    /// @return chosen the selected nodes (fewer than count if not enough
    /// eligible nodes could be drawn).
    function assign(uint64 taskId, Requirements calldata req, uint256 count, bytes32 seed)
        external
        onlyTasks
        returns (address[] memory chosen)
    {
        uint256 word = random.randomWord(seed);
        bool short;
        (chosen, short) = _select(taskId, req, count, word);
        _notifyDownloads(req, word, short);
    }

    /// @notice Ends a task for nodes: applies their points, slashes those
    /// in `slashMask`, and lands pending pauses and quits.
    function release(uint64 taskId, address[3] calldata who, uint32[3] calldata points, uint8 slashMask)
        external
        onlyTasks
    {
        for (uint256 i; i < 3; ++i) {
            address a = who[i];
            if (a == address(0)) continue;
            Node storage n = nodes[a];
            if (n.task != taskId) continue;
            if (slashMask & uint8(1 << i) != 0) {
                _slash(a, n, taskId);
                continue;
            }
            _score(a, n, points[i]);
            _land(a, n);
            if (n.state != NodeState.Quit && n.qos < params.kickThreshold) {
                emit NodeKicked(a, n.qos);
                _leave(a, n, true);
            }
        }
    }

    /// @notice Hands a task back for `node` and draws a replacement. The
    /// node pays yieldCost from its score, at most maxYields times per
    /// yield period; it is not slashed.
    /// @return replacement the new node, or 0 if none could be drawn.
    function yieldTask(uint64 taskId, address node, Requirements calldata req, bytes32 seed)
        external
        onlyTasks
        returns (address replacement)
    {
        Node storage n = nodes[node];
        if (n.task != taskId) revert BadState(n.state);
        uint64 epoch = uint64(block.timestamp / params.yieldPeriod);
        if (n.yieldEpoch != epoch) {
            n.yieldEpoch = epoch;
            n.yields = 0;
        }
        if (n.yields >= params.maxYields) revert YieldLimit(n.yields, params.maxYields);
        n.yields++;
        // Draw the replacement while the yielding node is still busy, so it
        // cannot draw itself.
        (address[] memory r,) = _select(taskId, req, 1, random.randomWord(seed));
        if (r.length == 1) replacement = r[0];
        uint32 cost = params.yieldCost < n.qos ? params.yieldCost : n.qos;
        n.qos -= cost;
        emit QosChanged(node, n.qos, 0);
        _land(node, n);
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

    function holderCount(bytes32 model) external view returns (uint256) {
        return holders[model].items.length;
    }

    /// @notice The number of available nodes in VRAM classes >= class.
    function availableCount(uint8 class) public view returns (uint256 total) {
        for (uint256 c = class; c < CLASSES; ++c) {
            total += available[c].items.length;
        }
    }

    /// @notice The VRAM class of a card: 0 below 8 GiB, then 8, 12, 16, 24,
    /// 32, 48 and 80 GiB and up.
    function classOf(uint32 vramMiB) public pure returns (uint8) {
        if (vramMiB >= 81920) return 7;
        if (vramMiB >= 49152) return 6;
        if (vramMiB >= 32768) return 5;
        if (vramMiB >= 24576) return 4;
        if (vramMiB >= 16384) return 3;
        if (vramMiB >= 12288) return 2;
        if (vramMiB >= 8192) return 1;
        return 0;
    }

    /// @notice Whether a node of `nodeVersion` can run a task of `taskVersion`:
    /// same major; a newer minor, or the same minor with patch >= the task's.
    function versionCompatible(uint24 nodeVersion, uint24 taskVersion) public pure returns (bool) {
        if (nodeVersion >> 16 != taskVersion >> 16) return false;
        uint8 nMinor = uint8(nodeVersion >> 8);
        uint8 tMinor = uint8(taskVersion >> 8);
        if (nMinor != tMinor) return nMinor > tMinor;
        return uint8(nodeVersion) >= uint8(taskVersion);
    }

    // ------------------------------------------------------------- selection

    /// @dev `short` is true when the first model's holders were enough to
    /// draw from but too few of them were free to fill the task.
    function _select(uint64 taskId, Requirements calldata req, uint256 count, uint256 word)
        internal
        returns (address[] memory chosen, bool short)
    {
        chosen = new address[](count);
        uint256 found;
        if (req.models.length > 0 && holders[req.models[0]].items.length >= params.minHolders) {
            found = _selectHolders(taskId, req, word, chosen);
            short = found < count;
        }
        found = _selectAny(taskId, req, word, chosen, found);
        assembly {
            mstore(chosen, found)
        }
    }

    /// @dev Prefers nodes holding the first model, when enough do. The
    /// holder set does not change while we draw, so the draws are distinct
    /// members: a partial Fisher-Yates shuffle whose few swaps live in memory.
    function _selectHolders(uint64 taskId, Requirements calldata req, uint256 word, address[] memory chosen)
        internal
        returns (uint256 found)
    {
        AddressSet storage pool = holders[req.models[0]];
        uint256 len = pool.items.length;
        if (len < params.minHolders) return 0;
        uint256 tries = chosen.length * MODEL_TRIES;
        if (tries > len) tries = len;
        uint256[] memory swapKey = new uint256[](tries);
        uint256[] memory swapVal = new uint256[](tries);
        for (uint256 j; j < tries && found < chosen.length; ++j) {
            uint256 i = j + _rand(word, j) % (len - j);
            uint256 atI = _swapped(swapKey, swapVal, j, i);
            swapKey[j] = i;
            swapVal[j] = _swapped(swapKey, swapVal, j, j);
            address a = pool.items[atI];
            if (_eligible(a, req, true)) {
                _occupy(a, taskId);
                chosen[found++] = a;
            }
        }
    }

    /// @dev Fills the rest from every available node with a big enough
    /// card: random draws, a bounded number of tries.
    function _selectAny(uint64 taskId, Requirements calldata req, uint256 word, address[] memory chosen, uint256 found)
        internal
        returns (uint256)
    {
        uint8 minClass = classOf(req.minVramMiB);
        uint256 tries = (chosen.length - found) * POOL_TRIES;
        for (uint256 t; t < tries && found < chosen.length; ++t) {
            uint256 total = availableCount(minClass);
            if (total == 0) break;
            address a = _pick(minClass, _rand(word, 100 + t) % total);
            if (_eligible(a, req, false)) {
                _occupy(a, taskId);
                chosen[found++] = a;
            }
        }
        return found;
    }

    /// @dev Tells up to notifyCount eligible available nodes lacking each
    /// under-held model (and the first model, when its holders were too busy
    /// to fill the task) to download it. It walks the available nodes from a
    /// random start, so every node it looks at is a different one, and
    /// looks at no more than 3 × notifyCount: flat gas.
    function _notifyDownloads(Requirements calldata req, uint256 word, bool firstShort) internal {
        uint8 minClass = classOf(req.minVramMiB);
        uint256 total = availableCount(minClass);
        if (total == 0) return;
        for (uint256 m; m < req.models.length; ++m) {
            bytes32 model = req.models[m];
            if (holders[model].items.length >= params.minHolders && !(m == 0 && firstShort)) continue;
            uint256 start = _rand(word, 1_000 + m) % total;
            uint256 limit = uint256(params.notifyCount) * 3;
            if (limit > total) limit = total;
            uint256 sent;
            for (uint256 k; k < limit && sent < params.notifyCount; ++k) {
                address a = _pick(minClass, (start + k) % total);
                if (modelPos[a][model] != 0 || downloadPending[model][a] || !_eligible(a, req, false)) {
                    continue;
                }
                downloadPending[model][a] = true;
                emit DownloadRequested(a, model);
                sent++;
            }
        }
    }

    function _eligible(address a, Requirements calldata req, bool needModels) internal view returns (bool) {
        Node storage n = nodes[a];
        if (n.state != NodeState.Available) return false;
        if (n.vramMiB < req.minVramMiB) return false;
        if (req.gpuId != bytes32(0) && n.gpuId != req.gpuId) return false;
        if (!versionCompatible(n.version, req.version)) return false;
        if (needModels) {
            for (uint256 i; i < req.models.length; ++i) {
                if (modelPos[a][req.models[i]] == 0) return false;
            }
        }
        return true;
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

    function _pick(uint8 minClass, uint256 i) internal view returns (address) {
        for (uint8 c = minClass; c < CLASSES; ++c) {
            uint256 len = available[c].items.length;
            if (i < len) return available[c].items[i];
            i -= len;
        }
        revert BadNode(); // unreachable: i < availableCount(minClass)
    }

    function _rand(uint256 word, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(word, i)));
    }

    function _occupy(address a, uint64 taskId) internal {
        Node storage n = nodes[a];
        _remove(available[n.class], a);
        n.task = taskId;
        _setState(a, n, NodeState.Busy);
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
            _add(available[n.class], a);
            _setState(a, n, NodeState.Available);
        } else if (n.state == NodeState.PendingPause) {
            _setHolding(a, false);
            _setState(a, n, NodeState.Paused);
        } else if (n.state == NodeState.PendingQuit) {
            _leave(a, n, true);
        }
    }

    function _slash(address a, Node storage n, uint64 taskId) internal {
        uint256 stake = n.stake;
        n.stake = 0;
        balances[treasury] += stake;
        emit NodeSlashed(a, stake, taskId);
        _leave(a, n, false);
    }

    /// @dev Removes a node from every set; returns its stake if refund.
    function _leave(address a, Node storage n, bool refund) internal {
        if (n.state == NodeState.Available) _remove(available[n.class], a);
        if (n.state != NodeState.Paused) _setHolding(a, false);
        bytes32[] storage ms = nodeModels[a];
        for (uint256 i; i < ms.length; ++i) {
            delete modelPos[a][ms[i]];
        }
        delete nodeModels[a];
        if (refund && n.stake > 0) {
            balances[a] += n.stake;
            n.stake = 0;
        }
        n.task = 0;
        --memberCount;
        _setState(a, n, NodeState.Quit);
    }

    function _setState(address a, Node storage n, NodeState s) internal {
        n.state = s;
        emit NodeStateChanged(a, s);
    }

    /// @dev Adds or removes a node from the holder sets of all its models.
    function _setHolding(address a, bool on) internal {
        bytes32[] storage ms = nodeModels[a];
        for (uint256 i; i < ms.length; ++i) {
            if (on) _add(holders[ms[i]], a);
            else _remove(holders[ms[i]], a);
        }
    }

    function _addModel(address a, bytes32 model, bool hold) internal {
        if (modelPos[a][model] != 0) return;
        nodeModels[a].push(model);
        modelPos[a][model] = nodeModels[a].length;
        if (hold) _add(holders[model], a);
    }

    function _removeModel(address a, bytes32 model) internal {
        uint256 p = modelPos[a][model];
        if (p == 0) return;
        bytes32[] storage ms = nodeModels[a];
        bytes32 last = ms[ms.length - 1];
        ms[p - 1] = last;
        modelPos[a][last] = p;
        ms.pop();
        delete modelPos[a][model];
        _remove(holders[model], a);
    }

    function _add(AddressSet storage s, address a) internal {
        if (s.pos[a] != 0) return;
        s.items.push(a);
        s.pos[a] = s.items.length;
    }

    function _remove(AddressSet storage s, address a) internal {
        uint256 p = s.pos[a];
        if (p == 0) return;
        uint256 len = s.items.length;
        if (p != len) {
            address last = s.items[len - 1];
            s.items[p - 1] = last;
            s.pos[last] = p;
        }
        s.items.pop();
        delete s.pos[a];
    }
}
