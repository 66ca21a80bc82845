// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRandomSource: where node selection gets its randomness.
/// @notice Selection asks for one word per task; a VRF or a commit-reveal
/// beacon can replace BlockRandomness without touching the registry.
interface IRandomSource {
    /// @return a pseudo-random word, different for each seed.
    function randomWord(bytes32 seed) external view returns (uint256);
}

/// @title BlockRandomness: randomness from the chain itself.
/// @notice Good enough for the devnet and for low-value tasks, and no more:
/// the block proposer sees prevrandao before proposing and can withhold a
/// block to re-roll a selection once per slot it controls (see
/// docs/protocol.md, "Randomness").
contract BlockRandomness is IRandomSource {
    function randomWord(bytes32 seed) external view returns (uint256) {
        return uint256(keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), seed)));
    }
}
