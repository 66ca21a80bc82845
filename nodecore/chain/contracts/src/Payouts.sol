// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Payouts: money owed is pulled, never pushed.
/// @notice Contracts credit `balances`; the owner withdraws. The balance is
/// zeroed before the transfer and a lock refuses re-entry, so a recipient
/// that calls back during its payment only makes its own withdrawal fail.
abstract contract Payouts {
    mapping(address => uint256) public balances;
    uint256 private locked = 1;

    event Withdrawn(address indexed to, uint256 amount);

    error NothingToWithdraw();
    error TransferFailed();
    error Reentrant();

    modifier nonReentrant() {
        if (locked != 1) revert Reentrant();
        locked = 2;
        _;
        locked = 1;
    }

    /// @notice Sends msg.sender everything this contract owes it.
    function withdraw() external nonReentrant {
        _beforeWithdraw(msg.sender);
        uint256 amount = balances[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        balances[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
        emit Withdrawn(msg.sender, amount);
    }

    /// @dev Moves what has become due to `who` into its balance (the
    /// registry: stake whose unbonding ended).
    function _beforeWithdraw(address who) internal virtual {}
}
