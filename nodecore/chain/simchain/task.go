package simchain

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// TaskRun is one task run to completion by honest nodes, with the gas of
// each transaction.
type TaskRun struct {
	ID          uint64
	Nodes       [3]common.Address
	CreateGas   uint64
	CommitGas   [3]uint64 // in commit order
	DiscloseGas [3]uint64 // in disclose order; the last one settles
}

// Total is the gas of the whole task: create, three commits, three discloses.
func (r TaskRun) Total() uint64 {
	t := r.CreateGas
	for i := range 3 {
		t += r.CommitGas[i] + r.DiscloseGas[i]
	}
	return t
}

// RunHonestTask has app create a task for spec paying fee, then has the
// three selected nodes (which must be among n.Accounts) commit and
// disclose the same score.
func (n *Net) RunHonestTask(ctx context.Context, app *Account, spec chain.Spec, fee *big.Int) (TaskRun, error) {
	return RunHonestTask(ctx, app.Client, func(a common.Address) *chain.Client {
		if acct := n.Account(a); acct != nil {
			return acct.Client
		}
		return nil
	}, spec, fee)
}

// RunHonestTask is Net.RunHonestTask on any chain: nodeClient returns the
// client of a node address, or nil for a node that is not ours.
func RunHonestTask(ctx context.Context, app *chain.Client, nodeClient func(common.Address) *chain.Client, spec chain.Spec, fee *big.Int) (TaskRun, error) {
	id, nodes, rcpt, err := app.CreateTask(ctx, spec, 600, fee)
	if err != nil {
		return TaskRun{}, err
	}
	run := TaskRun{ID: id, Nodes: nodes, CreateGas: rcpt.GasUsed}
	score := chain.ImageScore(0x0123456789abcdef)
	if spec.Type == chain.TaskText {
		score = chain.TextScore([32]byte{1})
	}
	var nonces [3][32]byte
	accts := make([]*chain.Client, 3)
	for i, a := range nodes {
		if accts[i] = nodeClient(a); accts[i] == nil {
			return run, fmt.Errorf("simchain: selected node %s is not one of ours", a)
		}
		if _, err := rand.Read(nonces[i][:]); err != nil {
			return run, err
		}
		c, err := chain.Commitment(id, a, score, nonces[i])
		if err != nil {
			return run, err
		}
		r, err := accts[i].Commit(ctx, id, c)
		if err != nil {
			return run, fmt.Errorf("simchain: commit: %w", err)
		}
		run.CommitGas[i] = r.GasUsed
	}
	for i := range 3 {
		r, err := accts[i].Disclose(ctx, id, score, nonces[i])
		if err != nil {
			return run, fmt.Errorf("simchain: disclose: %w", err)
		}
		run.DiscloseGas[i] = r.GasUsed
	}
	return run, nil
}

// Account returns the account with address a, or nil.
func (n *Net) Account(a common.Address) *Account {
	if n.index == nil {
		n.index = make(map[common.Address]*Account, len(n.Accounts))
		for _, acct := range n.Accounts {
			n.index[acct.Addr] = acct
		}
	}
	return n.index[a]
}
