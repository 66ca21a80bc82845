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
	DrawGas     uint64
	CommitGas   [3]uint64 // in commit order
	DiscloseGas [3]uint64 // in disclose order; the last one judges
	ResultGas   uint64    // recording the result, which pays the fee
	Audited     bool      // the coin chose the task for an audit
	AuditGas    uint64    // the audit's draw, commits and disclosures
	Votes       [3]chain.Vote
}

// Total is the gas of the whole task: every step, the audit included.
func (r TaskRun) Total() uint64 {
	t := r.CreateGas + r.DrawGas + r.ResultGas + r.AuditGas
	for i := range 3 {
		t += r.CommitGas[i] + r.DiscloseGas[i]
	}
	return t
}

// RunHonestTask has app create a task for spec paying fee, then has the
// three selected nodes (which must be among n.Accounts) commit and
// disclose the same score, the auditors too if the task is audited, and
// the first node record the result.
func (n *Net) RunHonestTask(ctx context.Context, app *Account, spec chain.Spec, fee *big.Int) (TaskRun, error) {
	return RunHonestTask(ctx, app.Client, n.nodeClient, spec, fee)
}

// RunToJudged is RunHonestTask up to the judgement: every node votes for
// resultHash, nobody records the result (see TaskRun.Votes).
func (n *Net) RunToJudged(ctx context.Context, app *Account, spec chain.Spec, fee *big.Int, resultHash common.Hash) (TaskRun, error) {
	return runToJudged(ctx, app.Client, n.nodeClient, spec, fee, &resultHash)
}

func (n *Net) nodeClient(a common.Address) *chain.Client {
	if acct := n.Account(a); acct != nil {
		return acct.Client
	}
	return nil
}

// RunHonestTask is Net.RunHonestTask on any chain: nodeClient returns the
// client of a node address, or nil for a node that is not ours.
func RunHonestTask(ctx context.Context, app *chain.Client, nodeClient func(common.Address) *chain.Client, spec chain.Spec, fee *big.Int) (TaskRun, error) {
	run, err := runToJudged(ctx, app, nodeClient, spec, fee, nil)
	if err != nil {
		return run, err
	}
	// Recording the result flips the audit coin first.
	r, err := nodeClient(run.Nodes[0]).SubmitResult(ctx, run.ID, run.Votes[0])
	if err != nil {
		return run, fmt.Errorf("simchain: submit result: %w", err)
	}
	run.ResultGas = r.GasUsed
	t, err := app.Task(ctx, run.ID)
	if err != nil {
		return run, err
	}
	if t.State == chain.TaskAuditing {
		run.Audited = true
		if err := audit(ctx, app, nodeClient, spec, run.ID, run.Votes[0].Score, nil, &run); err != nil {
			return run, err
		}
		r, err := nodeClient(run.Nodes[0]).SubmitResult(ctx, run.ID, run.Votes[0])
		if err != nil {
			return run, fmt.Errorf("simchain: submit result after the audit: %w", err)
		}
		run.AuditGas += r.GasUsed
	}
	return run, nil
}

// audit draws a task's auditors and has them vote score.
func audit(ctx context.Context, app *chain.Client, nodeClient func(common.Address) *chain.Client, spec chain.Spec, id uint64, score []byte, resultHash *common.Hash, run *TaskRun) error {
	seats, r, err := app.Draw(ctx, id, spec)
	if err != nil {
		return fmt.Errorf("simchain: draw auditors: %w", err)
	}
	run.AuditGas += r.GasUsed
	t, err := app.Task(ctx, id)
	if err != nil {
		return err
	}
	if t.State != chain.TaskAuditing {
		return nil // too few auditors: judged without
	}
	var panel []common.Address
	for _, a := range seats[chain.TaskSeatCount:] {
		if a != (common.Address{}) {
			panel = append(panel, a)
		}
	}
	commits, discloses := make([]uint64, len(panel)), make([]uint64, len(panel))
	if _, err := commitAndDisclose(ctx, id, panel, nodeClient, score, resultHash, commits, discloses); err != nil {
		return fmt.Errorf("simchain: audit: %w", err)
	}
	for i := range panel {
		run.AuditGas += commits[i] + discloses[i]
	}
	return nil
}

func runToJudged(ctx context.Context, app *chain.Client, nodeClient func(common.Address) *chain.Client, spec chain.Spec, fee *big.Int, resultHash *common.Hash) (TaskRun, error) {
	id, nodes, rs, err := app.CreateTask(ctx, spec, 600, fee)
	if err != nil {
		return TaskRun{}, err
	}
	run := TaskRun{ID: id, Nodes: nodes, CreateGas: rs.Create.GasUsed, DrawGas: rs.Draw.GasUsed}
	score := chain.ImageScore(0x0123456789abcdef)
	if spec.Type == chain.TaskText {
		score = chain.TextScore([32]byte{1})
	}
	votes, err := commitAndDisclose(ctx, id, nodes[:], nodeClient, score, resultHash, run.CommitGas[:], run.DiscloseGas[:])
	if err != nil {
		return run, err
	}
	copy(run.Votes[:], votes)
	t, err := app.Task(ctx, id)
	if err != nil {
		return run, err
	}
	if t.State == chain.TaskAuditing {
		run.Audited = true
		if err := audit(ctx, app, nodeClient, spec, id, score, resultHash, &run); err != nil {
			return run, err
		}
	}
	return run, nil
}

// commitAndDisclose has each of nodes commit to score (with a result hash
// of its own) and then disclose it, recording the gas of each step.
func commitAndDisclose(ctx context.Context, id uint64, nodes []common.Address, nodeClient func(common.Address) *chain.Client, score []byte, resultHash *common.Hash, commitGas, discloseGas []uint64) ([]chain.Vote, error) {
	votes := make([]chain.Vote, len(nodes))
	accts := make([]*chain.Client, len(nodes))
	for i, a := range nodes {
		if accts[i] = nodeClient(a); accts[i] == nil {
			return nil, fmt.Errorf("simchain: selected node %s is not one of ours", a)
		}
		votes[i] = chain.Vote{Score: score, ResultHash: common.BytesToHash(a.Bytes())}
		if resultHash != nil {
			votes[i].ResultHash = *resultHash
		}
		if _, err := rand.Read(votes[i].Nonce[:]); err != nil {
			return nil, err
		}
		c, err := accts[i].Commitment(id, votes[i])
		if err != nil {
			return nil, err
		}
		r, err := accts[i].Commit(ctx, id, c)
		if err != nil {
			return nil, fmt.Errorf("simchain: commit: %w", err)
		}
		commitGas[i] = r.GasUsed
	}
	for i := range nodes {
		r, err := accts[i].Disclose(ctx, id, votes[i])
		if err != nil {
			return nil, fmt.Errorf("simchain: disclose: %w", err)
		}
		discloseGas[i] = r.GasUsed
	}
	return votes, nil
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
