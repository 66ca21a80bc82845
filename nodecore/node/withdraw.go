package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// Withdrawal errors.
var (
	ErrBadWithdrawAddress = errors.New("node: not an address to withdraw to")
	ErrWithdrawTooMuch    = errors.New("node: more than the wallet can send")
	ErrNothingToWithdraw  = errors.New("node: nothing to withdraw above the gas reserve")
)

// Gas a withdrawal's transactions may use: claiming the fees owed, and a
// plain transfer.
const (
	claimGas    = 120_000
	transferGas = 21_000
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
	units := uint64(transferGas)
	if w.Owed.Sign() > 0 {
		units += claimGas
	}
	// Half again on top: a replacement of a stuck transaction pays more.
	gas := new(big.Int).Mul(feeCap, new(big.Int).SetUint64(units*3/2))
	reserve := new(big.Int)
	if w.State != chain.NodeQuit {
		reserve.Set(n.cfg.GasReserve) // the node still sends transactions
	}
	avail := new(big.Int).Add(w.Balance, w.Owed)
	avail.Sub(avail, gas).Sub(avail, reserve)
	p := WithdrawPlan{To: to, Claim: w.Owed, Gas: gas, Reserve: reserve}
	switch {
	case amount == nil && avail.Sign() <= 0:
		return WithdrawPlan{}, ErrNothingToWithdraw
	case amount == nil:
		p.Amount = avail
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

// Withdraw carries out a plan and returns the transactions it sent.
func (n *Node) Withdraw(ctx context.Context, p WithdrawPlan) ([]common.Hash, error) {
	var txs []common.Hash
	if p.Claim != nil && p.Claim.Sign() > 0 {
		r, err := n.client.WithdrawFees(ctx)
		if err != nil {
			return txs, fmt.Errorf("claiming the fees: %w", err)
		}
		txs = append(txs, r.TxHash)
	}
	to := p.To
	r, err := n.tx.Send(ctx, &to, nil, p.Amount)
	if err != nil {
		return txs, fmt.Errorf("sending %s wei to %s: %w", p.Amount, to.Hex(), err)
	}
	txs = append(txs, r.TxHash)
	n.log.Info("withdrew", "to", to, "wei", p.Amount, "txs", len(txs))
	return txs, nil
}
