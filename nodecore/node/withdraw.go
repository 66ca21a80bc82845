package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// Withdrawal errors.
var (
	ErrBadWithdrawAddress = errors.New("node: not an address to withdraw to")
	ErrWithdrawTooMuch    = errors.New("node: more than the wallet can send")
	ErrNothingToWithdraw  = errors.New("node: nothing to withdraw above the gas reserve")
)

// Gas limits of a withdrawal's transactions: claiming the fees owed, and
// a plain transfer (sent with the transactor's margin).
var (
	claimGas    uint64 = 120_000
	transferGas        = chain.GasLimit(21_000)
)

// WithdrawPlan is what Withdraw will do: claim the fees the network owes
// (if any), then send Amount to To, leaving Reserve in the wallet for the
// node's own transactions.
type WithdrawPlan struct {
	To      common.Address
	Amount  *big.Int
	Claim   *big.Int
	Gas     *big.Int // the most both transactions may cost
	Reserve *big.Int
	// All sends everything above the reserve and the gas, as priced when
	// sent (Amount is then the estimate at the time of the plan).
	All bool
}

// Withdrawal is what a withdrawal did.
type Withdrawal struct {
	Txs  []common.Hash
	Sent *big.Int // wei that reached the address
}

// PlanWithdraw plans sending amount wei (nil: everything above the
// reserve) to to. Nothing is sent.
func (n *Node) PlanWithdraw(ctx context.Context, to common.Address, amount *big.Int) (WithdrawPlan, error) {
	if to == (common.Address{}) || to == n.addr {
		return WithdrawPlan{}, fmt.Errorf("%w: %s", ErrBadWithdrawAddress, to.Hex())
	}
	if amount != nil && amount.Sign() <= 0 {
		return WithdrawPlan{}, fmt.Errorf("%w: %s wei", ErrWithdrawTooMuch, amount)
	}
	w, err := n.Wallet(ctx)
	if err != nil {
		return WithdrawPlan{}, err
	}
	feeCap, err := n.tx.MaxFeePerGas(ctx)
	if err != nil {
		return WithdrawPlan{}, err
	}
	units := transferGas
	if w.Owed.Sign() > 0 {
		units += claimGas
	}
	// Headroom on top: a replacement of a stuck transaction pays more.
	gas := new(big.Int).Mul(feeCap, new(big.Int).SetUint64(units))
	gas.Mul(gas, chain.SweepHeadroom.Num()).Quo(gas, chain.SweepHeadroom.Denom())
	reserve := new(big.Int)
	if w.State != chain.NodeQuit {
		r, err := n.gasReserve(ctx) // the node still sends transactions
		if err != nil {
			return WithdrawPlan{}, err
		}
		reserve.Set(r)
	}
	avail := new(big.Int).Add(w.Balance, w.Owed)
	avail.Sub(avail, gas).Sub(avail, reserve)
	p := WithdrawPlan{To: to, Claim: w.Owed, Gas: gas, Reserve: reserve}
	switch {
	case amount == nil && avail.Sign() <= 0:
		return WithdrawPlan{}, ErrNothingToWithdraw
	case amount == nil:
		p.Amount, p.All = avail, true
	case amount.Cmp(avail) > 0:
		return WithdrawPlan{}, fmt.Errorf("%w: asked %s wei, at most %s", ErrWithdrawTooMuch, amount, max0(avail))
	default:
		p.Amount = new(big.Int).Set(amount)
	}
	return p, nil
}

func max0(v *big.Int) *big.Int {
	if v.Sign() < 0 {
		return new(big.Int)
	}
	return v
}

// Withdraw carries out a plan: it claims the fees owed, then sends the
// amount (or, for "all", everything above the reserve as priced then).
func (n *Node) Withdraw(ctx context.Context, p WithdrawPlan) (Withdrawal, error) {
	var w Withdrawal
	if p.Claim != nil && p.Claim.Sign() > 0 {
		owed, err := n.client.FeeBalance(ctx, n.addr)
		if err != nil {
			return w, err
		}
		if owed.Sign() > 0 {
			r, err := n.client.WithdrawFees(ctx)
			if err != nil {
				return w, fmt.Errorf("claiming the fees: %w", err)
			}
			n.recordTx(ctx, ledger.MoveFeesClaimed, owed, r, "")
			w.Txs = append(w.Txs, r.TxHash)
		}
	}
	to := p.To
	var r *types.Receipt
	var err error
	if p.All {
		r, w.Sent, err = n.tx.Sweep(ctx, to, p.Reserve)
	} else {
		w.Sent = p.Amount
		r, err = n.tx.Send(ctx, &to, nil, p.Amount)
	}
	if err != nil {
		return w, fmt.Errorf("sending to %s: %w", to.Hex(), err)
	}
	n.recordTx(ctx, ledger.MoveSent, w.Sent, r, to.Hex())
	w.Txs = append(w.Txs, r.TxHash)
	n.log.Info("withdrew", "to", to, "wei", w.Sent, "txs", len(w.Txs))
	return w, nil
}
