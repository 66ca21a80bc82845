package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
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

// enterPhase records that task id reached phase: the app's snapshot
// shows it, the AtPhase hook hears of it (the kill -9 tests stop the
// daemon there) and, in tests, crashAt may stop the node as if killed
// (errCrash).
func (n *Node) enterPhase(phase string, id uint64) error {
	n.update(func(s *Snapshot) {
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

// slotOf returns the node's seat in a task (0-2 its nodes, 3-5 its
// auditors), or -1.
func (n *Node) slotOf(t chain.TaskInfo) int {
	for i, a := range t.Nodes {
		if a == n.addr {
			return i
		}
	}
	return -1
}

func bit(slot int) uint16 { return 1 << slot }

// commitPhase reports whether the task's current phase takes commitments
// (the task's own, or its audit's once the auditors are drawn).
func commitPhase(t chain.TaskInfo) bool {
	return t.State == chain.TaskCommitting || (t.State == chain.TaskAuditing && t.CommitDeadline != 0)
}

// work runs a task assigned to this node (as one of its three nodes or as
// an auditor) up to its commitment, then lets advance take it further.
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
	if commitPhase(t) && t.Phase()&bit(slot) != 0 && t.Committed&bit(slot) == 0 {
		// Seated to commit: a task handed back before and drawn again
		// (a replacement draw may pick the yielder) is this node's again.
		if err := n.cfg.Ledger.Reopen(ctx, id, n.cfg.Now()); err != nil {
			return err
		}
		n.noted(id, "drop progress", n.cfg.Ledger.DropProgress(ctx, id))
	}
	n.update(func(s *Snapshot) { s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = id, kind, "", PhaseReceived })
	if !commitPhase(t) || t.Phase()&bit(slot) == 0 || t.Committed&bit(slot) != 0 {
		return n.advanceLocked(ctx, id)
	}
	if _, ok, err := n.cfg.Ledger.LoadProgress(ctx, id); err != nil {
		return err
	} else if ok {
		return n.commitLocked(ctx, id) // computed before a crash: commit what was saved
	}

	if ok, why := n.Hireable(); !ok {
		return n.yieldOrStay(ctx, id, spec, true, api.TaskOwnerPresent.With(why))
	}
	left := time.Unix(int64(t.CommitDeadline), 0).Sub(n.cfg.Now())
	if left < n.cfg.MinTaskTime {
		return n.yieldOrStay(ctx, id, spec, false, api.TaskTooLittleTime.With(left.Round(time.Second).String()))
	}
	args, err := n.fetchArgs(ctx, id, t)
	if errors.Is(err, errCrash) || ctx.Err() != nil {
		return err
	}
	var re *relay.Error
	if errors.As(err, &re) && re.Code == relay.CodeNotFound {
		return n.noArgumentsLocked(ctx, id, slot, spec, "the application never stored the task's arguments in the relay")
	}
	if err != nil {
		return n.failLocked(ctx, id, spec, api.TaskArgsUnavailable.With(err.Error()))
	}
	if relay.ArgsHash(args) != spec.ArgsHash {
		return n.noArgumentsLocked(ctx, id, slot, spec, "the relay's arguments do not match the chain's hash")
	}
	if err := n.enterPhase(PhaseFetched, id); err != nil {
		return err
	}
	a, err := engine.ParseArgs(args)
	if err == nil {
		err = argsMatchSpec(a, spec)
	}
	if err == nil {
		// A workflow outside the engine's allowlist is refused before
		// any of its models is downloaded.
		err = engine.Check(n.cfg.Engine, a)
	}
	if err != nil {
		return n.noArgumentsLocked(ctx, id, slot, spec, "the task's arguments are invalid: "+err.Error())
	}
	n.learnModels(a)
	n.noted(id, "models", n.cfg.Ledger.SetModels(ctx, id, a.ModelIDs())) // names for the app; the chain's hashes otherwise
	release, err := n.taskModels(ctx, id, t, a)
	switch {
	case errors.Is(err, errBadTask):
		return n.noArgumentsLocked(ctx, id, slot, spec, err.Error())
	case err != nil && ctx.Err() == nil:
		return n.yieldOrStay(ctx, id, spec, false, api.TaskModelUnavailable.With(err.Error()))
	case err != nil:
		return err
	}
	defer release()
	n.update(func(s *Snapshot) { s.TaskModel = a.Model })
	n.noted(id, "started", n.cfg.Ledger.Mark(ctx, id, ledger.Started, n.cfg.Now(), "", ""))
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
		return n.yieldOrStay(ctx, id, spec, true, api.TaskOwnerReturned.With(why))
	}
	if err != nil {
		return n.failLocked(ctx, id, spec, api.TaskEngineFailed.With(fmt.Sprintf("%s: %v", n.cfg.Engine.Name(), err)))
	}
	score, err := engine.Score(a.Kind, out)
	if err != nil {
		return n.failLocked(ctx, id, spec, api.TaskResultUnusable.With(err.Error()))
	}
	bundle, err := relay.EncodeBundle(out.Files())
	if err != nil {
		return err
	}
	if err := n.saveVote(ctx, id, score, bundle); err != nil {
		return err
	}
	n.noted(id, "finished", n.cfg.Ledger.Mark(ctx, id, ledger.Finished, n.cfg.Now(), "", ""))
	if err := n.enterPhase(PhaseComputed, id); err != nil {
		return err
	}
	return n.commitLocked(ctx, id)
}

// argsMatchSpec checks the arguments against the task's spec on chain:
// the same kind, and only models whose hashes the spec lists (the chain
// drew the nodes for those; a node fetches nothing else for a task).
func argsMatchSpec(a engine.Args, spec chain.Spec) error {
	kind := engine.KindImage
	if spec.Type == chain.TaskText {
		kind = engine.KindText
	}
	if a.Kind != kind {
		return fmt.Errorf("%w: a %s task's arguments are for a %s task", engine.ErrBadArgs, kind, a.Kind)
	}
	for _, m := range a.ModelIDs() {
		if !slices.Contains(spec.Models, chain.ModelHash(m)) {
			return fmt.Errorf("%w: model %q is not among the models the chain lists for the task", engine.ErrBadArgs, m)
		}
	}
	return nil
}

// saveVote saves the score, a fresh nonce and the result before the
// commitment leaves: a node that committed and lost them could never
// disclose (and a silent node is penalised).
func (n *Node) saveVote(ctx context.Context, id uint64, score, bundle []byte) error {
	nonce, err := newNonce()
	if err != nil {
		return err
	}
	return n.cfg.Ledger.SaveProgress(ctx, id, ledger.Progress{Nonce: nonce, Score: score, Result: bundle})
}

// noArgumentsLocked votes that the task's arguments could not be had: the
// creator's fault. If the other nodes agree, the creator pays them a share
// of the fee and nobody loses score. An auditor does not vote so: the
// task's own nodes had the arguments, and the chain takes an auditor's
// NO_ARGUMENTS for silence; it gives the seat up like any task it cannot
// run.
func (n *Node) noArgumentsLocked(ctx context.Context, id uint64, slot int, spec chain.Spec, why string) error {
	if slot >= chain.TaskSeatCount {
		return n.failLocked(ctx, id, spec, api.TaskAuditNoArguments.With(why))
	}
	n.log.Warn("the task's arguments are missing", "task", id, "why", why)
	if err := n.saveVote(ctx, id, chain.NoArgumentsScore(), nil); err != nil {
		return err
	}
	return n.commitLocked(ctx, id)
}

// voteOf is the vote a saved progress commits to: its score, the hash of
// its result (zero without one) and its nonce.
func voteOf(p ledger.Progress) (chain.Vote, error) {
	v := chain.Vote{Score: p.Score, Nonce: p.Nonce}
	if len(p.Result) > 0 {
		files, err := relay.DecodeBundle(p.Result, engine.MaxImages)
		if err != nil {
			return v, err
		}
		v.ResultHash = relay.ResultHash(files)
	}
	return v, nil
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

func (n *Node) commitLocked(ctx context.Context, id uint64) error {
	p, _, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil {
		return err
	}
	v, err := voteOf(p)
	if err != nil {
		return err
	}
	c, err := n.client.Commitment(id, v)
	if err != nil {
		return err
	}
	rcpt, err := n.client.Commit(ctx, id, c)
	if err != nil {
		if chain.Reverted[*bindings.TaskManagerAlreadyCommitted](err) || chain.Reverted[*bindings.TaskManagerCommitDeadlinePassed](err) || chain.Reverted[*bindings.TaskManagerBadTaskState](err) || chain.Reverted[*bindings.TaskManagerNotSelected](err) {
			return n.advanceLocked(ctx, id)
		}
		return err
	}
	n.noted(id, "committed", n.cfg.Ledger.Mark(ctx, id, ledger.Committed, n.cfg.Now(), "commit", rcpt.TxHash.Hex()))
	if err := n.enterPhase(PhaseCommitted, id); err != nil {
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
	n.log.Debug("advance", "task", id, "state", t.State, "slot", slot, "committed", t.Committed, "disclosed", t.Disclosed)
	if slot >= 0 && t.Vacant != 0 && (t.State == chain.TaskCommitting || t.State == chain.TaskAuditing) {
		// A seat was handed back, or auditors are needed: every node of
		// the task draws at once (each wants the task to go on; one that
		// waited could choose among the pools, see keeper.go).
		ready, err := n.drawReady(ctx, id, t)
		if err == nil && ready {
			if t, err = n.drawSeats(ctx, id); err != nil {
				return err
			}
		}
	}
	mine := slot >= 0 && t.Committed&bit(slot) != 0
	switch t.State {
	case chain.TaskCommitting, chain.TaskAuditing:
		if t.CommitDeadline != 0 && now > t.CommitDeadline {
			if mine && t.Commits() >= 2 && t.Phase()&bit(slot) != 0 && now <= t.CommitDeadline+n.knownParams().Tasks.DiscloseWindow {
				return n.discloseLocked(ctx, id, slot)
			}
			return n.closeLocked(ctx, id) // opens disclosure, or refunds when too few committed
		}
	case chain.TaskDisclosing, chain.TaskAuditDisclosing:
		if now > t.DiscloseDeadline {
			return n.closeLocked(ctx, id)
		}
		if mine && t.Phase()&bit(slot) != 0 && t.Disclosed&bit(slot) == 0 {
			return n.discloseLocked(ctx, id, slot)
		}
	case chain.TaskValidated:
		if t.Coin && (slot < 0 || t.Honest&bit(slot) == 0) {
			// The audit coin may still call an audit that changes the
			// verdicts: wait (a node that was right flips it).
			if now > t.ResultDeadline {
				return n.closeLocked(ctx, id)
			}
			return nil
		}
		if slot >= 0 && t.Honest&bit(slot) != 0 {
			if err := n.deliverLocked(ctx, id, t); err != nil {
				return err
			}
			if t, err = n.client.Task(ctx, id); err != nil {
				return err
			}
			if t.State == chain.TaskDone || t.State == chain.TaskAborted {
				return n.settleLocked(ctx, id, t, slot)
			}
			if t.State != chain.TaskValidated {
				return nil // the coin called an audit
			}
		} else {
			return n.settleLocked(ctx, id, t, slot) // judged without this node's pay
		}
		if now > t.ResultDeadline {
			return n.closeLocked(ctx, id)
		}
	case chain.TaskDone:
		if slot >= 0 && t.Honest&bit(slot) != 0 {
			// Uploads the result if it is this node's (after a crash
			// between recording it and uploading it).
			if err := n.deliverLocked(ctx, id, t); err != nil {
				return err
			}
		}
		return n.settleLocked(ctx, id, t, slot)
	case chain.TaskAborted:
		return n.settleLocked(ctx, id, t, slot)
	}
	return nil
}

// freeFor is how many nodes a draw for task id could seat now: the
// task's pools (for a task naming a GPU, uncounted: as many as needed).
func (n *Node) freeFor(ctx context.Context, id uint64) (uint64, error) {
	spec, _, err := n.client.TaskSpec(ctx, id)
	if err != nil {
		return 0, err
	}
	if spec.GPU != (common.Hash{}) {
		return chain.Seats, nil
	}
	return n.client.PoolCount(ctx, spec)
}

// drawSeats fills a task's empty seats; another node may have been
// first. It needs no lock: it changes nothing of the node's.
func (n *Node) drawSeats(ctx context.Context, id uint64) (chain.TaskInfo, error) {
	spec, _, err := n.client.TaskSpec(ctx, id)
	if err != nil {
		return chain.TaskInfo{}, err
	}
	if _, _, err := n.client.Draw(ctx, id, spec); err != nil && !chain.Reverted[*bindings.TaskManagerNothingToDraw](err) {
		n.log.Warn("drawing a task's empty seats failed", "task", id, "err", err)
	}
	return n.client.Task(ctx, id)
}

func (n *Node) discloseLocked(ctx context.Context, id uint64, slot int) error {
	p, ok, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil || !ok {
		return err
	}
	v, err := voteOf(p)
	if err != nil {
		return err
	}
	rcpt, err := n.client.Disclose(ctx, id, v)
	n.log.Debug("disclose", "task", id, "err", err)
	if err != nil {
		if chain.Reverted[*bindings.TaskManagerDiscloseDeadlinePassed](err) {
			return n.closeLocked(ctx, id)
		}
		if chain.Reverted[*bindings.TaskManagerAlreadyDisclosed](err) || chain.Reverted[*bindings.TaskManagerBadTaskState](err) {
			return nil
		}
		return err
	}
	n.noted(id, "disclosed", n.cfg.Ledger.Mark(ctx, id, ledger.Disclosed, n.cfg.Now(), "disclose", rcpt.TxHash.Hex()))
	if err := n.enterPhase(PhaseDisclosed, id); err != nil {
		return err
	}
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	if !t.State.Open() {
		return n.advanceLocked(ctx, id)
	}
	return nil
}

func (n *Node) closeLocked(ctx context.Context, id uint64) error {
	if _, err := n.client.CloseTask(ctx, id); err != nil && !chain.Reverted[*bindings.TaskManagerTooEarly](err) && !chain.Reverted[*bindings.TaskManagerBadTaskState](err) {
		return err
	}
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return err
	}
	slot := n.slotOf(t)
	if t.State == chain.TaskDone || t.State == chain.TaskAborted || (t.State == chain.TaskValidated && !t.Coin && (slot < 0 || t.Honest&bit(slot) == 0)) {
		return n.settleLocked(ctx, id, t, slot)
	}
	return nil
}

// settleLocked records how the task ended for this node.
func (n *Node) settleLocked(ctx context.Context, id uint64, t chain.TaskInfo, slot int) error {
	outcome, earned, lost, reason := n.verdict(t, slot)
	if t.Slashed != 0 && slot >= 0 {
		// The chain's own figures: what this node lost (a stake may have
		// been partly unbonding), and its share of what others lost.
		sl, err := n.client.Slashes(ctx, id)
		if err != nil {
			return err // the deadline ticker settles it again
		}
		if l := sl.Lost[n.addr]; l != nil {
			lost = l
		} else if t.Slashed&bit(slot) != 0 {
			// The chain says this seat was slashed but the endpoint's log
			// index has no event yet: settle later rather than guess.
			return fmt.Errorf("node: task %d: slashed, but no NodeSlashed event found yet", id)
		}
		if part := stakeShare(sl, t, slot); part.Sign() > 0 {
			earned = new(big.Int).Add(earned, part)
			reason = strings.TrimPrefix(reason+"; ", "; ") + string(api.TaskStakeShare)
		}
	}
	role, audit := seatAudit(t, slot)
	if err := n.cfg.Ledger.SetAudit(ctx, id, role, audit); err != nil {
		return err
	}
	if err := n.cfg.Ledger.Settle(ctx, id, outcome, earned, lost, reason, n.cfg.Now()); err != nil {
		return err
	}
	// Logged as soon as the ledger holds the row, so that whoever reads
	// the ledger finds the line too.
	n.log.Info("task settled", "task", id, "outcome", outcome, "earned_wei", earned, "role", role, "audit", audit)
	if err := n.cfg.Ledger.DropProgress(ctx, id); err != nil {
		n.log.Warn("dropping a settled task's progress", "task", id, "err", err)
	}
	n.update(func(s *Snapshot) {
		if s.Task == id {
			s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = 0, "", "", ""
		}
	})
	if info, err := n.client.Node(ctx, n.addr); err == nil {
		n.setFromChain(info)
	}
	n.refreshWaiting(ctx) // a validated task may have proven a model
	return nil
}

// seatAudit is the seat the node in slot held (-1: released before the
// end) and what the task's audit, if any, found about it.
func seatAudit(t chain.TaskInfo, slot int) (ledger.Role, ledger.Audit) {
	role := ledger.RoleNode
	if slot >= chain.TaskSeatCount {
		role = ledger.RoleAuditor
	}
	in := func(mask uint16) bool { return slot >= 0 && mask&bit(slot) != 0 }
	switch {
	case !t.Audited():
		return role, ledger.AuditNone
	case slot < 0:
		return ledger.RoleAuditor, ledger.AuditReleased // only an auditor leaves a task before its end
	case in(t.Slashed) && !in(t.Disclosed):
		return role, ledger.AuditSilent
	case in(t.Slashed):
		return role, ledger.AuditWrong
	case in(t.Honest) && (t.State == chain.TaskDone || t.State == chain.TaskValidated):
		return role, ledger.AuditRight
	}
	return role, ledger.AuditUnsettled
}

// verdict is how a judged task ended for the node in slot: the ledger's
// outcome, the fee it earned, the stake it lost, and why.
func (n *Node) verdict(t chain.TaskInfo, slot int) (ledger.Outcome, *big.Int, *big.Int, string) {
	earned, lost := new(big.Int), new(big.Int)
	in := func(mask uint16) bool { return slot >= 0 && mask&bit(slot) != 0 }
	if in(t.Slashed) {
		if in(t.Disclosed) {
			return ledger.Slashed, earned, lost.Set(n.staked()), string(api.TaskSlashedDiffered)
		}
		bps := int64(n.knownParams().Registry.SilencePenaltyBps)
		lost.Mul(n.staked(), big.NewInt(bps)).Div(lost, big.NewInt(10_000))
		return ledger.Slashed, earned, lost, string(api.TaskSlashedSilent)
	}
	switch {
	case slot < 0:
		return ledger.Unpaid, earned, lost, string(api.TaskSeatEmptied)
	case t.State == chain.TaskDone && in(t.Honest):
		return ledger.Paid, share(t.Fee, t.Honest, slot), lost, ""
	case t.State == chain.TaskAborted && t.Outcome == chain.OutcomeNoArguments:
		if in(t.Disclosed) {
			bps := int64(n.knownParams().Tasks.ArgsShareBps)
			part := new(big.Int).Mul(t.Fee, big.NewInt(bps))
			part.Div(part, big.NewInt(10_000))
			return ledger.Paid, share(part, t.Disclosed, slot), lost, string(api.TaskNoArgumentsPaid)
		}
		return ledger.Aborted, earned, lost, string(api.TaskNoArguments)
	case t.State == chain.TaskAborted && t.Outcome == chain.OutcomeNoResult:
		return ledger.Unpaid, earned, lost, string(api.TaskNoResult)
	case t.State == chain.TaskAborted:
		return ledger.Aborted, earned, lost, string(api.TaskRefunded)
	case in(t.Disclosed):
		return ledger.Unpaid, earned, lost, string(api.TaskInDoubt)
	default:
		return ledger.Unpaid, earned, lost, string(api.TaskMissedDeadline)
	}
}

// stakeShare is what the registry credited the seat slot out of the
// stake slashed on task t: the pot split equally among the seats that
// were right, the rounding dust to the first of them (NodeRegistry._share).
func stakeShare(sl chain.TaskSlashes, t chain.TaskInfo, slot int) *big.Int {
	if sl.Recipients == 0 || t.Honest&bit(slot) == 0 {
		return new(big.Int)
	}
	each := new(big.Int).Div(sl.Pot, new(big.Int).SetUint64(sl.Recipients))
	for i := range chain.Seats {
		if t.Honest&bit(i) != 0 && t.Nodes[i] != (common.Address{}) {
			if i == slot {
				dust := new(big.Int).Sub(sl.Pot, new(big.Int).Mul(each, new(big.Int).SetUint64(sl.Recipients)))
				each.Add(each, dust)
			}
			break
		}
	}
	return each
}

// share is what the contract paid the seat slot of mask out of amount:
// split equally among the seats of mask, the rounding dust to the first.
func share(amount *big.Int, mask uint16, slot int) *big.Int {
	paid, first := 0, -1
	for i := range chain.Seats {
		if mask&bit(i) != 0 {
			paid++
			if first < 0 {
				first = i
			}
		}
	}
	if paid == 0 {
		return new(big.Int)
	}
	s := new(big.Int).Div(amount, big.NewInt(int64(paid)))
	if slot == first {
		dust := new(big.Int).Sub(amount, new(big.Int).Mul(s, big.NewInt(int64(paid))))
		s.Add(s, dust)
	}
	return s
}

// deliverLocked records the result on chain (if no node that was right
// has yet), which pays the fee, and uploads the result when the chain's
// hash is this node's.
func (n *Node) deliverLocked(ctx context.Context, id uint64, t chain.TaskInfo) error {
	p, ok, err := n.cfg.Ledger.LoadProgress(ctx, id)
	if err != nil || !ok {
		return err
	}
	if len(p.Result) == 0 {
		return nil // nothing to deliver
	}
	files, err := relay.DecodeBundle(p.Result, engine.MaxImages)
	if err != nil {
		return err
	}
	v, err := voteOf(p)
	if err != nil {
		return err
	}
	if t.State == chain.TaskValidated {
		rcpt, err := n.client.SubmitResult(ctx, id, v)
		switch {
		case err == nil:
			// Recording may instead have flipped the audit coin to an audit.
			if t, err = n.client.Task(ctx, id); err != nil {
				return err
			}
			if t.State == chain.TaskDone && t.ResultHash == v.ResultHash {
				n.noted(id, "settled", n.cfg.Ledger.Mark(ctx, id, ledger.Settled, n.cfg.Now(), "result", rcpt.TxHash.Hex()))
			}
		case chain.Reverted[*bindings.TaskManagerTooEarly](err):
			return nil // the coin's block is not past yet: next tick
		case chain.Reverted[*bindings.TaskManagerBadTaskState](err) || chain.Reverted[*bindings.TaskManagerResultDeadlinePassed](err) || chain.Reverted[*bindings.TaskManagerNotHonest](err):
			if t, err = n.client.Task(ctx, id); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if t.State != chain.TaskDone {
		return nil
	}
	if t.ResultHash != v.ResultHash {
		return nil // another node's result is the one on chain
	}
	if err := n.enterPhase(PhaseUploading, id); err != nil {
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

// yieldOrStay is yieldLocked for a node that, refused, stays on the task
// (pending in its ledger) and lets the deadline ticker take it on.
func (n *Node) yieldOrStay(ctx context.Context, id uint64, spec chain.Spec, handBack bool, why string) error {
	if err := n.yieldLocked(ctx, id, spec, handBack, ledger.Yielded, why); !errors.Is(err, errYieldFailed) {
		return err
	}
	return nil
}

// errYieldFailed: the yield was refused; the node is still on the task.
var errYieldFailed = errors.New("node: the yield failed")

// yieldLocked hands a task back and settles it in the ledger once, as
// outcome (Yielded, or Failed: the node could not run it), with why. If
// the node committed meanwhile it goes on with the task instead. Either
// way the registry
// pauses the node for its resume delay (a sit-out); a hand-back (the
// owner came back) costs nothing more, an ordinary yield some score. The
// node resumes once the delay passed and the gate is open.
func (n *Node) yieldLocked(ctx context.Context, id uint64, spec chain.Spec, handBack bool, outcome ledger.Outcome, why string) error {
	rcpt, err := n.client.Yield(ctx, id, spec, handBack)
	if chain.Reverted[*bindings.TaskManagerAlreadyCommitted](err) {
		return n.advanceLocked(ctx, id)
	}
	if err != nil {
		// Still seated: the entry stays pending and the deadline ticker
		// takes the task on (it times out, or closes).
		n.log.Warn("yield failed", "task", id, "hand_back", handBack, "err", err)
		return errYieldFailed
	}
	if rcpt != nil {
		n.noted(id, "settled", n.cfg.Ledger.Mark(ctx, id, ledger.Settled, n.cfg.Now(), "yield", rcpt.TxHash.Hex()))
	}
	if err := n.cfg.Ledger.Settle(ctx, id, outcome, nil, nil, why, n.cfg.Now()); err != nil {
		return err
	}
	n.update(func(s *Snapshot) { s.Task, s.TaskKind, s.TaskModel, s.TaskPhase = 0, "", "", "" })
	n.handedBack.Store(true)
	if ok, _ := n.Hireable(); ok {
		// The gate is open (an ordinary yield, or it reopened meanwhile):
		// resume once allowed.
		n.SetHireable(true, "")
	}
	if info, err := n.client.Node(ctx, n.addr); err == nil {
		n.setFromChain(info)
	}
	return nil
}

// failLocked gives up a task this node cannot run: it yields so the task
// gets another node instead of timing out.
func (n *Node) failLocked(ctx context.Context, id uint64, spec chain.Spec, why string) error {
	n.log.Warn("cannot run task", "task", id, "why", why)
	if err := n.yieldLocked(ctx, id, spec, false, ledger.Failed, why); !errors.Is(err, errYieldFailed) {
		return err
	}
	return nil
}

// noted logs a ledger write about a task that failed: these record what
// the app shows (timings, model names), never what the node must know to
// resume, so the task goes on.
func (n *Node) noted(id uint64, what string, err error) {
	if err != nil {
		n.log.Warn("the ledger did not record a task's step", "task", id, "step", what, "err", err)
	}
}
