package netsim

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// onLog follows one event of a mined block.
func (s *Sim) onLog(l *types.Log) error {
	ev, err := chain.Decode(*l)
	if err != nil {
		return nil // Withdrawn, the steerer's own: nothing to follow
	}
	switch e := ev.(type) {
	case *bindings.NodeRegistryNodeStateChanged:
		if n := s.byAddr[e.Node]; n != nil {
			s.nodeState(n, chain.NodeState(e.State))
		}
	case *bindings.NodeRegistryNodeSlashed:
		n := s.byAddr[e.Node]
		if n == nil {
			return fmt.Errorf("netsim: a slash of %s, not one of ours", e.Node)
		}
		n.stake.Sub(n.stake, e.Amount)
		n.lost.Add(n.lost, e.Amount)
		row := n.row()
		row.Lost.Add(row.Lost, e.Amount)
		whole := e.Amount.Cmp(s.params.Registry.MinStake) >= 0
		if whole {
			row.Slashed++
		} else {
			row.Silent++
		}
		if n.strat.honest() {
			// Classified when the task settles (the verdict follows).
			s.pendingHurt[e.Task] = append(s.pendingHurt[e.Task], hurt{n: n, whole: whole})
		}
	case *bindings.NodeRegistryNodeKicked:
		if n := s.byAddr[e.Node]; n != nil {
			n.row().Kicked++
		}
	case *bindings.NodeRegistryStakeShared:
		if e.Recipients.Sign() > 0 {
			s.pendingPot[e.Task] = new(big.Int).Set(e.Amount)
		} else {
			s.burned.Add(s.burned, e.Amount)
		}
	case *bindings.NodeRegistryDownloadRequested:
		if n := s.byAddr[e.Node]; n != nil {
			s.downloadAsked(n, e.Model)
		}
	case *bindings.TaskManagerTaskCreated:
		// Registered by the creation's receipt (see create).
	case *bindings.TaskManagerTaskDrawing:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			t.requested = s.now
			s.drawNeeded(t)
		}
	case *bindings.TaskManagerTaskAssigned:
		t, n := s.tasks[e.Id.Uint64()], s.byAddr[e.Node]
		if t == nil || n == nil {
			return fmt.Errorf("netsim: task %v assigned to %s: unknown", e.Id, e.Node)
		}
		switch {
		case t.state == chain.TaskDrawing:
			t.state = chain.TaskCommitting
			t.commitDeadline = s.now + uint64(t.timeout)
		case t.state == chain.TaskAuditing && t.commitDeadline == 0:
			t.commitDeadline = s.now + uint64(t.timeout)
		}
		t.seats[e.Slot] = n
		n.seats[t.id] = int(e.Slot)
		s.seated = append(s.seated, seatNote{t: t, n: n, slot: int(e.Slot)})
	case *bindings.TaskManagerTaskCommitted:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			if n := s.byAddr[e.Node]; n != nil {
				if slot, ok := n.seats[t.id]; ok {
					t.committed |= 1 << slot
				}
			}
			s.committedNote = append(s.committedNote, t)
		}
	case *bindings.TaskManagerTaskDisclosing:
		t := s.tasks[e.Id.Uint64()]
		if t == nil {
			return nil
		}
		if t.state == chain.TaskCommitting {
			t.state = chain.TaskDisclosing
		} else {
			t.state = chain.TaskAuditDisclosing
		}
		t.deadline = e.DiscloseDeadline
		s.disclosing = append(s.disclosing, t)
	case *bindings.TaskManagerTaskDisclosed:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			if n := s.byAddr[e.Node]; n != nil {
				t.disclosed |= 1 << n.seats[t.id]
			}
		}
	case *bindings.TaskManagerTaskYielded:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			t.seats[e.Slot] = nil
			if n := s.byAddr[e.Node]; n != nil {
				delete(n.seats, t.id)
			}
		}
	case *bindings.TaskManagerTaskAuditing:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			t.state = chain.TaskAuditing
			t.panels++
			t.coin = false
			t.commitDeadline = 0
			t.deadline = s.now + uint64(t.timeout)
			if !t.audited {
				t.audited = true
				s.audits++
				if e.Disagreement {
					s.disagreements++
				}
			}
		}
	case *bindings.TaskManagerTaskSettled:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			s.settled(t, chain.TaskState(e.State), chain.Outcome(e.Outcome), e.Honest, e.Slashed)
		}
	case *bindings.TaskManagerTaskResult:
		if t := s.tasks[e.Id.Uint64()]; t != nil {
			t.state = chain.TaskDone
			s.pay(t, t.fee, t.honest)
			t.app.results++
			s.finish(t)
		}
	}
	return nil
}

// nodeState follows a node's state; a node removed against its will is
// replaced by a new identity when its strategy would do so.
func (s *Sim) nodeState(n *node, st chain.NodeState) {
	prev := n.state
	n.state = st
	if st == chain.NodePaused && !n.away && !n.gone {
		// A yield sat the node out: it resumes once the registry allows.
		s.after(float64(s.params.Registry.ResumeDelay+1), func() { s.resume(n) })
	}
	if st != chain.NodeQuit || prev == chain.NodeQuit || n.quitting {
		if st == chain.NodeQuit {
			n.quitting = false
			s.rejoinLater(n)
		}
		return
	}
	// Slashed wholly, under the least stake, or kicked.
	n.gone = true
	for id := range n.seats {
		delete(n.seats, id)
	}
	if s.cfg.Respawn && !n.strat.honest() {
		s.respawn(n)
	}
}

// settled follows TaskSettled: a judgement with the audit coin pending,
// a final verdict, or a refund.
func (s *Sim) settled(t *task, st chain.TaskState, out chain.Outcome, honest, slashed uint16) {
	fromJudge := t.state == chain.TaskDisclosing
	flipped := t.state == chain.TaskValidated && t.coin
	t.state, t.outcome, t.honest, t.slashed = st, out, honest, slashed
	if pot := s.pendingPot[t.id]; pot != nil {
		delete(s.pendingPot, t.id)
		s.payShares(t, pot, honest)
	}
	for _, h := range s.pendingHurt[t.id] {
		s.classify(t, h, honest)
	}
	delete(s.pendingHurt, t.id)
	if st == chain.TaskValidated && fromJudge {
		t.coin = true
		t.deadline = s.now + s.params.Tasks.ResultWindow
		s.submitLater(t)
		s.closeAt(t, t.deadline)
		return
	}
	// The nodes are released.
	for k, n := range t.seats {
		if n != nil && n.seats[t.id] == k {
			delete(n.seats, t.id)
		}
	}
	switch st {
	case chain.TaskValidated:
		t.coin = false
		if !flipped {
			t.deadline = s.now + s.params.Tasks.ResultWindow
			s.closeAt(t, t.deadline)
		}
		s.submitLater(t)
	case chain.TaskAborted:
		if out == chain.OutcomeTooFewNodes {
			s.tooFew[s.tooFewWhy(t)]++
		}
		refund := new(big.Int).Set(t.fee)
		if out == chain.OutcomeDrawMissed {
			burn := new(big.Int).Set(s.params.Tasks.MinFee)
			if burn.Cmp(t.fee) > 0 {
				burn.Set(t.fee)
			}
			refund.Sub(refund, burn)
			s.drawBurned.Add(s.drawBurned, burn)
			s.drawMissed++
		}
		if out == chain.OutcomeNoArguments {
			share := new(big.Int).Mul(t.fee, big.NewInt(int64(s.params.Tasks.ArgsShareBps)))
			share.Div(share, big.NewInt(10_000))
			if honest != 0 {
				s.pay(t, share, honest)
				refund.Sub(refund, share)
			}
		}
		t.app.refund.Add(t.app.refund, refund)
		s.finish(t)
	}
}

// pay books amount paid to the seats of mask as TaskManager._pay does:
// equal parts, the rounding dust to the first.
func (s *Sim) pay(t *task, amount *big.Int, mask uint16) {
	s.split(t, amount, mask, func(n *node, v *big.Int) {
		n.fees.Add(n.fees, v)
		row := n.row()
		row.Fees.Add(row.Fees, v)
		row.Paid++
	})
}

// payShares books slashed stake shared among the seats that were right,
// as NodeRegistry._share does.
func (s *Sim) payShares(t *task, pot *big.Int, mask uint16) {
	s.split(t, pot, mask, func(n *node, v *big.Int) {
		n.shares.Add(n.shares, v)
		row := n.row()
		row.Shares.Add(row.Shares, v)
	})
}

func (s *Sim) split(t *task, amount *big.Int, mask uint16, f func(*node, *big.Int)) {
	var count int64
	for k := range chain.Seats {
		if mask&(1<<k) != 0 && t.seats[k] != nil {
			count++
		}
	}
	if count == 0 {
		return
	}
	each := new(big.Int).Div(amount, big.NewInt(count))
	dust := new(big.Int).Sub(amount, new(big.Int).Mul(each, big.NewInt(count)))
	for k := range chain.Seats {
		if mask&(1<<k) == 0 || t.seats[k] == nil {
			continue
		}
		v := new(big.Int).Add(each, dust)
		dust.SetInt64(0)
		f(t.seats[k], v)
	}
}

// finish counts a task that ended (Done or Aborted).
func (s *Sim) finish(t *task) {
	if t.finished {
		return
	}
	t.finished = true
	s.finishedN++
	s.gasPerTask = append(s.gasPerTask, t.gas)
	if t.state == chain.TaskDone && !t.audited {
		s.gasPlain = append(s.gasPlain, t.gas)
	}
	for _, n := range t.seats {
		if n != nil && t.audited {
			n.row().Audited++
		}
	}
	if step := max(s.cfg.Tasks/200, 1); s.finishedN%step == 0 || s.finishedN == s.cfg.Tasks {
		s.sample()
	}
}

// afterBlock lets the actors answer what the block did: new seats (all
// of a draw at once, so that a group sees its whole hand), commits that
// a slow node waits for, disclosures that opened.
func (s *Sim) afterBlock() {
	seated := s.seated
	s.seated = nil
	for _, sn := range seated {
		t := sn.t
		if sn.slot < chain.TaskSeatCount && !t.decided {
			t.decided = true
			colluders := 0
			for _, n := range t.seats[:chain.TaskSeatCount] {
				if n != nil && n.strat == Colluder {
					colluders++
				}
			}
			if colluders >= s.cfg.CheatSeats {
				t.cheat = true
				t.junk = s.made(t) // the group's one made-up result
			}
			if t.app.kind == appSteer {
				s.steered[colluders]++
				c, a := s.drawable(t, t.seats[:chain.TaskSeatCount])
				s.steerChance += atLeast(2, c, a)
			}
		}
	}
	for _, sn := range seated {
		if t := sn.t; t.cheat && sn.slot >= chain.TaskSeatCount && sn.slot%3 == 0 {
			colluders := 0
			for _, n := range t.seats[sn.slot : sn.slot+3] {
				if n != nil && n.strat == Colluder {
					colluders++
				}
			}
			s.junkPanels[colluders]++
			c, a := s.drawable(t, t.seats[sn.slot:sn.slot+3])
			s.junkChance += atLeast(3, c, a)
		}
	}
	for _, sn := range seated {
		if sn.t.seats[sn.slot] == sn.n {
			s.onSeat(sn.t, sn.n, sn.slot)
		}
	}
	committed := s.committedNote
	s.committedNote = nil
	for _, t := range committed {
		s.othersCommitted(t)
	}
	disclosing := s.disclosing
	s.disclosing = nil
	for _, t := range disclosing {
		s.discloseAll(t)
		s.closeAt(t, t.deadline)
	}
}

// describe tells what each seat of a task voted: its strategy, GPU and
// how far its score is from the truth (bits, the worst image).
func (s *Sim) describe(t *task) string {
	if t == nil {
		return "unknown task"
	}
	truth := s.truthScore(t)
	var parts []string
	for k, n := range t.seats {
		if n == nil {
			continue
		}
		v := "no commit"
		switch {
		case t.votes[k] != nil && t.disclosed&(1<<k) != 0:
			if chain.IsNoArguments(t.votes[k].Score) {
				v = "no arguments"
			} else if t.spec.Type == chain.TaskText {
				v = map[bool]string{true: "true text", false: "other text"}[string(t.votes[k].Score) == string(truth)]
			} else {
				v = fmt.Sprintf("%d bits off", distance(t.votes[k].Score, truth))
			}
		case t.committed&(1<<k) != 0:
			v = "silent"
		}
		parts = append(parts, fmt.Sprintf("seat %d %s (%s): %s", k, n.strat, gpus[n.gpu].name[7:], v))
	}
	return strings.Join(parts, ", ")
}

// truthScore is the reference result of a task.
func (s *Sim) truthScore(t *task) []byte {
	if t.spec.Type == chain.TaskText {
		var sum [32]byte
		for i, w := range t.truth {
			for b := range 8 {
				sum[8*i+b] = byte(w >> (8 * b))
			}
		}
		return chain.TextScore(sum)
	}
	return imageScore(t.truth)
}

// tooFewWhy tells why a task had too few nodes.
func (s *Sim) tooFewWhy(t *task) string {
	if t.commitDeadline == 0 {
		return "fewer than three nodes free to draw"
	}
	held, need, yielded := 0, 0, 0
	for k := range chain.TaskSeatCount {
		if t.seats[k] == nil {
			yielded++
		} else if t.committed&(1<<k) == 0 {
			need++
			if t.model != nil && t.seats[k].held[t.model.hash()] {
				held++
			}
		}
	}
	return fmt.Sprintf("%d seats empty, %d not committed (%d of them had the model)", yielded, need, held)
}

// hurt is an honest node's stake loss, waiting for its task's verdict.
type hurt struct {
	n     *node
	whole bool
}

// Hurt is an honest node's stake loss and why.
type Hurt struct {
	Strategy string
	Node     string
	Task     uint64
	Cause    string // HurtNoise, HurtJunkVerdict or HurtSilent
	Seats    string // what each seat of the task voted
}

const (
	HurtNoise       = "noise: the verdict was honest work, the node's own result differed from it"
	HurtJunkVerdict = "a made-up verdict: colluders held the deciding panels"
	HurtSilent      = "silent: it committed and its PC went off before disclosing"
)

// classify tells why an honest node lost stake: silence (a crash), a
// verdict that was itself made up (colluders held the deciding panels),
// or noise (the verdict was honest work and the node's result was too far
// from it: the case the thresholds must rule out).
func (s *Sim) classify(t *task, h hurt, honest uint16) {
	cause := HurtSilent
	if h.whole {
		cause = HurtNoise
		if honest&t.made != 0 {
			cause = HurtJunkVerdict
		}
	}
	s.honestHurt = append(s.honestHurt, Hurt{Strategy: h.n.strat.String(), Node: h.n.addr.Hex(), Task: t.id, Cause: cause, Seats: s.describe(t)})
}
