package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

// Phases a test may crash the node at.
const (
	PhaseReceived  = "received" // assigned; arguments not read yet
	PhaseRunning   = "running"  // the engine runs it
	PhaseFetched   = "fetched"
	PhaseComputed  = "computed"
	PhaseCommitted = "committed"
	PhaseDisclosed = "disclosed"
	PhaseUploading = "uploading"
)

func (n *Node) crash(phase string, id uint64) error {
	n.hub.update(func(s *Snapshot) {
		if s.Task == id {
			s.TaskPhase = phase
		}
	})
	if n.cfg.AtPhase != nil {
		n.cfg.AtPhase(phase, id)
	}
	if n.crashAt != nil && n.crashAt(phase, id) {
		return errCrash
	}
	return nil
}

// slotOf returns the node's slot in a task, or -1.
func (n *Node) slotOf(t chain.TaskInfo) int {
	for i, a := range t.Nodes {
		if a == n.addr {
			return i
		}
	}
	return -1
}

// work runs a task assigned to this node up to its commitment, then lets
// advance take it further.
func (n *Node) work(ctx context.Context, id uint64) error {
	n.taskMu.Lock()
	defer n.taskMu.Unlock()
	done := n.timed(id, true) // recorded only for this node's tasks
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	slot := n.slotOf(t)
	if slot < 0 {
		return nil // yielded away, or an event for a task we lost
	}
	defer done()
	spec, _, err := n.client.TaskSpec(ctx, id)
	if err != nil {
		return err
	}
	models := make([]string, len(spec.Models))
	for i, m := range spec.Models {
		models[i] = m.Hex()
	}
	kind := engine.KindImage
	if spec.Type == chain.TaskText {
		kind = engine.KindText
	}
	if err := n.cfg.Ledger.Receive(ctx, id, kind, models, n.cfg.Now()); err != nil {
		return err
	}
	n.hub.update(func(s *Snapshot) { s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = id, kind, "", PhaseReceived })
	if t.State != chain.TaskCommitting || t.Commitments[slot] != (common.Hash{}) {
		return n.advanceLocked(ctx, id)
	}
	if _, ok, err := n.cfg.Ledger.LoadProgress(ctx, id); err != nil {
		return err
	} else if ok {
		return n.commitLocked(ctx, id, t) // computed before a crash: commit what was saved
	}

	if ok, why := n.Hireable(); !ok {
		return n.yieldLocked(ctx, id, spec, "the owner is using the computer: "+why)
	}
	left := time.Unix(int64(t.CommitDeadline), 0).Sub(n.cfg.Now())
	if left < n.cfg.MinTaskTime {
		return n.yieldLocked(ctx, id, spec, fmt.Sprintf("only %s left before the commit deadline", left.Round(time.Second)))
	}
	args, err := n.fetchArgs(ctx, id, t)
	if errors.Is(err, errCrash) || ctx.Err() != nil {
		return err
	}
	if err != nil {
		return n.failLocked(ctx, id, spec, fmt.Sprintf("fetching the arguments: %v", err))
	}
	if relay.ArgsHash(args) != spec.ArgsHash {
		return n.failLocked(ctx, id, spec, "the relay's arguments do not match the chain's hash")
	}
	if err := n.crash(PhaseFetched, id); err != nil {
		return err
	}
	a, err := engine.ParseArgs(args)
	if err != nil {
		return n.failLocked(ctx, id, spec, err.Error())
	}
	n.learnModels(a)
	_ = n.cfg.Ledger.SetModels(ctx, id, a.ModelIDs()) // names for the app; the chain's hashes otherwise
	release, err := n.taskModels(ctx, id, t, a)
	switch {
	case errors.Is(err, errBadTask):
		return n.failLocked(ctx, id, spec, err.Error())
	case err != nil && ctx.Err() == nil:
		return n.yieldLocked(ctx, id, spec, "the task's model could not be fetched: "+err.Error())
	case err != nil:
		return err
	}
	defer release()
	n.hub.update(func(s *Snapshot) { s.TaskModel = a.Model })
	_ = n.cfg.Ledger.Mark(ctx, id, ledger.Started, n.cfg.Now(), "", "")
	began := time.Now()
	out, err := n.runEngine(ctx, a, time.Unix(int64(t.CommitDeadline), 0))
	// The models are free once the engine is done: the commitment and
	// the disclosure need only the output. (The owner's delete then never
	// meets a task that already settled.)
	release()
	ran := time.Since(began)
	n.addTiming(id, func(t *TaskTiming) { t.Engine += ran })
	if errors.Is(err, ErrGateClosed) && ctx.Err() == nil {
		_, why := n.Hireable()
		return n.yieldLocked(ctx, id, spec, "the owner took the GPU back: "+why)
	}
	if err != nil {
		return n.failLocked(ctx, id, spec, fmt.Sprintf("%s: %v", n.cfg.Engine.Name(), err))
	}
	score, err := engine.Score(a.Kind, out)
	if err != nil {
		return n.failLocked(ctx, id, spec, err.Error())
	}
	bundle, err := relay.EncodeBundle(out.Files())
	if err != nil {
		return err
	}
	nonce, err := newNonce()
	if err != nil {
		return err
	}
	// The nonce and score are saved before the commitment leaves: a node
	// that committed and lost them could never disclose.
	if err := n.cfg.Ledger.SaveProgress(ctx, id, ledger.Progress{Nonce: nonce, Score: score, Result: bundle}); err != nil {
		return err
	}
	_ = n.cfg.Ledger.Mark(ctx, id, ledger.Finished, n.cfg.Now(), "", "")
	if err := n.crash(PhaseComputed, id); err != nil {
		return err
	}
	return n.commitLocked(ctx, id, t)
}

// fetchArgs reads the task's arguments from the relay. The application
// stores them right after creating the task, so "not there yet" is
// retried while there is time to run the task.
func (n *Node) fetchArgs(ctx context.Context, id uint64, t chain.TaskInfo) ([]byte, error) {
	wait := n.cfg.Poll
	for {
		args, err := n.relay.GetArgs(ctx, id)
		var re *relay.Error
		if err == nil || !errors.As(err, &re) || re.Code != relay.CodeNotFound {
			return args, err
		}
		if time.Unix(int64(t.CommitDeadline), 0).Sub(n.cfg.Now()) < n.cfg.MinTaskTime+wait {
			return nil, err
		}
		began := time.Now()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		slept := time.Since(began)
		n.addTiming(id, func(t *TaskTiming) { t.Idle += slept })
		wait = min(wait*2, 5*time.Second)
	}
}

func (n *Node) commitLocked(ctx context.Context, id uint64, t chain.TaskInfo) error {
	p, _, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil {
		return err
	}
	c, err := chain.Commitment(id, n.addr, p.Score, p.Nonce)
	if err != nil {
		return err
	}
	rcpt, err := n.client.Commit(ctx, id, c)
	if err != nil {
		if chain.IsRevert(err, "AlreadyCommitted") || chain.IsRevert(err, "CommitDeadlinePassed") || chain.IsRevert(err, "BadTaskState") {
			return n.advanceLocked(ctx, id)
		}
		return err
	}
	_ = n.cfg.Ledger.Mark(ctx, id, ledger.Committed, n.cfg.Now(), "commit", rcpt.TxHash.Hex())
	if err := n.crash(PhaseCommitted, id); err != nil {
		return err
	}
	return n.advanceLocked(ctx, id)
}

// advance takes an open task as far as the chain allows.
func (n *Node) advance(ctx context.Context, id uint64) error {
	n.taskMu.Lock()
	defer n.taskMu.Unlock()
	defer n.timed(id, false)()
	return n.advanceLocked(ctx, id)
}

func (n *Node) advanceLocked(ctx context.Context, id uint64) error {
	e, err := n.cfg.Ledger.Get(ctx, id)
	if err != nil || e.Outcome != ledger.Pending {
		return nil // not ours, or already settled here
	}
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	slot := n.slotOf(t)
	now := uint64(n.cfg.Now().Unix())
	n.log.Debug("advance", "task", id, "state", t.State, "slot", slot, "commits", t.Commits, "disclosed", t.Disclosed)
	switch t.State {
	case chain.TaskCommitting:
		if slot >= 0 && t.Commitments[slot] != (common.Hash{}) && now > t.CommitDeadline {
			if t.Commits >= 2 {
				return n.discloseLocked(ctx, id, t, slot)
			}
			return n.closeLocked(ctx, id)
		}
	case chain.TaskDisclosing:
		if slot >= 0 && t.Commitments[slot] != (common.Hash{}) && t.Disclosed&(1<<slot) == 0 {
			return n.discloseLocked(ctx, id, t, slot)
		}
		if now > t.DiscloseDeadline {
			return n.closeLocked(ctx, id)
		}
	case chain.TaskValidated, chain.TaskDone, chain.TaskAborted:
		return n.settleLocked(ctx, id, t, slot)
	}
	return nil
}

func (n *Node) discloseLocked(ctx context.Context, id uint64, t chain.TaskInfo, slot int) error {
	p, ok, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil || !ok {
		return err
	}
	rcpt, err := n.client.Disclose(ctx, id, p.Score, p.Nonce)
	n.log.Debug("disclose", "task", id, "err", err)
	if err != nil {
		if chain.IsRevert(err, "AlreadyDisclosed") || chain.IsRevert(err, "BadTaskState") || chain.IsRevert(err, "DiscloseDeadlinePassed") {
			return nil
		}
		return err
	}
	_ = n.cfg.Ledger.Mark(ctx, id, ledger.Disclosed, n.cfg.Now(), "disclose", rcpt.TxHash.Hex())
	if err := n.crash(PhaseDisclosed, id); err != nil {
		return err
	}
	t, err = n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	if t.State != chain.TaskDisclosing {
		return n.settleLocked(ctx, id, t, slot)
	}
	return nil
}

func (n *Node) closeLocked(ctx context.Context, id uint64) error {
	if _, err := n.client.CloseTask(ctx, id); err != nil && !chain.IsRevert(err, "TooEarly") && !chain.IsRevert(err, "BadTaskState") {
		return err
	}
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	if t.State == chain.TaskValidated || t.State == chain.TaskDone || t.State == chain.TaskAborted {
		return n.settleLocked(ctx, id, t, n.slotOf(t))
	}
	return nil
}

// settleLocked records how the task ended for this node and, for a paid
// node, records and uploads the result.
func (n *Node) settleLocked(ctx context.Context, id uint64, t chain.TaskInfo, slot int) error {
	outcome, earned, reason := ledger.Aborted, new(big.Int), "no majority or too few nodes; the fee was refunded"
	if t.State == chain.TaskValidated || t.State == chain.TaskDone {
		switch {
		case slot >= 0 && t.Honest&(1<<slot) != 0:
			outcome, reason = ledger.Paid, ""
			earned = share(t, slot)
			if err := n.deliverLocked(ctx, id, t); err != nil {
				return err
			}
		case slot >= 0 && t.Disclosed&(1<<slot) != 0:
			outcome, reason = ledger.Slashed, "this node's score disagreed with the other two"
		default:
			outcome, reason = ledger.Unpaid, "this node did not disclose in time"
		}
	}
	lost := new(big.Int)
	if outcome == ledger.Slashed {
		lost.Set(n.cfg.Stake)
	}
	if err := n.cfg.Ledger.Settle(ctx, id, outcome, earned, lost, reason, n.cfg.Now()); err != nil {
		return err
	}
	_ = n.cfg.Ledger.DropProgress(ctx, id)
	n.hub.update(func(s *Snapshot) { s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = 0, "", "", "" })
	if info, err := n.client.Node(ctx, n.addr); err == nil {
		n.setFromChain(info)
	}
	n.log.Info("task settled", "task", id, "outcome", outcome, "earned_wei", earned)
	return nil
}

// share is what the contract paid node slot: the fee split among the
// honest nodes, the rounding dust to the first of them.
func share(t chain.TaskInfo, slot int) *big.Int {
	paid, first := 0, -1
	for i := range 3 {
		if t.Honest&(1<<i) != 0 {
			paid++
			if first < 0 {
				first = i
			}
		}
	}
	s := new(big.Int).Div(t.Fee, big.NewInt(int64(paid)))
	if slot == first {
		dust := new(big.Int).Sub(t.Fee, new(big.Int).Mul(s, big.NewInt(int64(paid))))
		s.Add(s, dust)
	}
	return s
}

// deliverLocked records the result hash on chain (if no paid node has
// yet) and uploads the result when the chain's hash is this node's.
func (n *Node) deliverLocked(ctx context.Context, id uint64, t chain.TaskInfo) error {
	p, ok, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil || !ok {
		return err
	}
	files, err := relay.DecodeBundle(p.Result, engine.MaxImages)
	if err != nil {
		return err
	}
	mine := relay.ResultHash(files)
	if t.State == chain.TaskValidated {
		rcpt, err := n.client.SubmitResult(ctx, id, mine)
		switch {
		case err == nil:
			_ = n.cfg.Ledger.Mark(ctx, id, ledger.Settled, n.cfg.Now(), "result", rcpt.TxHash.Hex())
			t.ResultHash = mine
		case chain.IsRevert(err, "BadTaskState"):
			if t, err = n.client.Task(ctx, id); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if t.ResultHash != mine {
		return nil // another paid node's result is the one on chain
	}
	if err := n.crash(PhaseUploading, id); err != nil {
		return err
	}
	if err := n.relay.PutResult(ctx, id, files); err != nil {
		var re *relay.Error
		if errors.As(err, &re) && re.Status < 500 {
			n.log.Warn("the relay refused the result", "task", id, "err", err)
			return nil
		}
		return err
	}
	return nil
}

// yieldLocked hands a task back and records why.
func (n *Node) yieldLocked(ctx context.Context, id uint64, spec chain.Spec, why string) error {
	rcpt, err := n.client.Yield(ctx, id, spec)
	if err != nil && !chain.IsRevert(err, "AlreadyCommitted") {
		n.log.Warn("yield failed", "task", id, "err", err)
		return nil // the task will time out; the deadline ticker settles it
	}
	if rcpt != nil {
		_ = n.cfg.Ledger.Mark(ctx, id, ledger.Settled, n.cfg.Now(), "yield", rcpt.TxHash.Hex())
	}
	if err := n.cfg.Ledger.Settle(ctx, id, ledger.Yielded, nil, nil, why, n.cfg.Now()); err != nil {
		return err
	}
	n.hub.update(func(s *Snapshot) { s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = 0, "", "", "" })
	return nil
}

// failLocked gives up a task this node cannot run: it yields so the task
// gets another node instead of timing out.
func (n *Node) failLocked(ctx context.Context, id uint64, spec chain.Spec, why string) error {
	n.log.Warn("cannot run task", "task", id, "why", why)
	if err := n.yieldLocked(ctx, id, spec, why); err != nil {
		return err
	}
	return n.cfg.Ledger.Settle(ctx, id, ledger.Failed, nil, nil, why, n.cfg.Now())
}
