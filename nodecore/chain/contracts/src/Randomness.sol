// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// Where a requested random word stands.
enum RandomStatus {
    Pending, // 0: nobody can know it yet
    Ready, // 1: fixed and readable
    Expired // 2: can no longer be read; request another
}

/// @title IRandomSource: where node selection and audits get randomness.
/// @notice A word is requested first and read later, so whoever acts in
/// the requesting transaction (a task's creator, a yielding node, the
/// last node to commit) cannot know it or choose it. A VRF or a
/// commit-reveal beacon can replace BlockRandomness behind this interface.
interface IRandomSource {
    /// @return round an identifier of the word to read later with reveal.
    function request() external returns (uint256 round);

    /// @return status whether the round's word can be read now, and word.
    function reveal(uint256 round) external view returns (RandomStatus status, uint256 word);
}

/// @title BlockRandomness: randomness from a future block's hash.
/// @notice A round is the number of the block that requests it; its word
/// is that block's hash, which no transaction inside the block can read
/// (the EVM answers 0 for the current block), readable from the next block
/// for 256 blocks. What it cannot stop: the proposer (or sequencer) of the
/// round's block can choose among hashes by reordering or withholding it;
/// and on a chain whose blocks an outsider can predict exactly (a private
/// dev chain) the hash is predictable. See docs/protocol.md, "Randomness".
contract BlockRandomness is IRandomSource {
    function request() external view returns (uint256 round) {
        return block.number;
    }

    function reveal(uint256 round) external view returns (RandomStatus status, uint256 word) {
        if (block.number <= round) return (RandomStatus.Pending, 0);
        bytes32 h = blockhash(round);
        if (h == bytes32(0)) return (RandomStatus.Expired, 0);
        return (RandomStatus.Ready, uint256(keccak256(abi.encode(h, round))));
    }
}
