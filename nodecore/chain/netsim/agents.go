package netsim

import (
	"crypto/ecdsa"
	"math/big"
	"math/bits"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/internal/attack"
)

// honest reports whether a strategy computes every task it can and tells
// the truth (slow and flaky nodes are honest owners too).
func (s Strategy) honest() bool { return s == Honest || s == Slow || s == Flaky }

// ------------------------------------------------------------ applications

// createDue creates the tasks whose time has come (a Poisson process at
// cfg.Rate): each by an application drawn by its share.
func (s *Sim) createDue() {
	for s.created < s.cfg.Tasks && s.nextCreate <= float64(s.now+1) {
		s.nextCreate += s.r.ExpFloat64() / s.cfg.Rate
		var a *app
		switch x := s.r.Float64(); {
		case x < s.cfg.Steer:
			a = s.steerer
		case x < s.cfg.Steer+s.cfg.Grief:
			a = s.apps[s.cfg.Apps+s.r.IntN(3)]
		default:
			a = s.apps[s.r.IntN(s.cfg.Apps)]
		}
		s.create(a)
	}
}

// create sends one task of application a.
func (s *Sim) create(a *app) {
	s.created++
	t := &task{app: a, created: s.now, timeout: s.cfg.Timeout, dev: map[int][]uint64{}, text: map[int][]byte{}}
	m := s.pickModel()
	t.model = &aiModels[m]
	t.spec = chain.Spec{Type: chain.TaskImage, MinVRAMMiB: t.model.vram, Version: version10, Models: []common.Hash{t.model.hash()}}
	if t.model.text {
		t.spec.Type = chain.TaskText
	}
	if s.r.Float64() < share11 {
		t.spec.Version = version11
	}
	if a.kind == appFakeModel {
		t.model = nil
		var h common.Hash
		for i := range h {
			h[i] = byte(s.r.Uint32())
		}
		t.spec.Models = []common.Hash{h}
	}
	for i := range t.spec.ArgsHash {
		t.spec.ArgsHash[i] = byte(s.r.Uint32())
	}
	t.images = 1
	if t.spec.Type == chain.TaskImage {
		t.images = 1 + s.r.IntN(4)
		t.truth = randomImages(s.r, t.images)
	} else {
		t.truth = []uint64{s.r.Uint64(), s.r.Uint64(), s.r.Uint64(), s.r.Uint64()}
	}
	switch a.kind {
	case appMinFee:
		t.fee = new(big.Int).Set(s.params.Tasks.MinFee)
	default:
		f := new(big.Int).Mul(s.cfg.Fee, big.NewInt(int64(800+s.r.IntN(701))))
		t.fee = f.Div(f, big.NewInt(1000))
	}
	a.tasks++
	a.spent.Add(a.spent, t.fee)
	data := s.pack.CreateTask(t.spec, t.timeout)
	to := s.net.Network.Tasks
	if a.kind == appSteer {
		data = s.steerBind.PackCreate(attack.TaskManagerSpec(t.spec.SpecBinding()), t.timeout)
		to = a.steerer
	}
	s.send(&txReq{from: &a.actor, to: to, value: t.fee, data: data, kind: callCreate, task: t, done: func(r *types.Receipt) {
		if r.Status != types.ReceiptStatusSuccessful {
			s.failures = append(s.failures, "a task creation reverted")
			return
		}
		for _, l := range r.Logs {
			if ev, err := s.tmBind.UnpackTaskCreatedEvent(l); err == nil {
				t.id = ev.Id.Uint64()
				t.state = chain.TaskDrawing
				s.tasks[t.id] = t
				s.order = append(s.order, t)
				return
			}
		}
		s.failures = append(s.failures, "a task creation emitted no TaskCreated")
	}})
}

func (s *Sim) pickModel() int {
	x := s.r.Float64()
	for i, m := range aiModels {
		if x < m.tasks {
			return i
		}
		x -= m.tasks
	}
	return 0
}

// ------------------------------------------------------------ the keeper

// keeper is who moves a task on (draws, closes): the first seat held by
// a node that wants the task to end, else its creator. (Colluders, lazy
// nodes and copiers do not help.)
func (s *Sim) keeper(t *task) (*actor, *node) {
	for _, n := range t.seats {
		if n != nil && !n.crashed && !n.gone && (n.strat.honest() || n.strat == Claimer || n.strat == YieldAbuser) {
			return &n.actor, n
		}
	}
	return &t.app.actor, nil
}

// drawNeeded answers TaskDrawing: the creator draws its task's nodes (the
// steerer only when the draw suits it); a keeper draws replacements and
// auditors, once three nodes are free or the wait is over; colluders
// voting junk try to draw their own auditors. With keepers (the product:
// every member draws at once, node/keeper.go) an honest node draws in the
// same block as any such try.
func (s *Sim) drawNeeded(t *task) {
	if t.drawing {
		return
	}
	t.drawing = true
	s.after(1, func() { s.draw(t) })
}

// needsDraw reports whether a task still has seats waiting for a draw.
func needsDraw(t *task) bool {
	switch {
	case t.finished:
		return false
	case t.state == chain.TaskDrawing, t.state == chain.TaskAuditing && t.commitDeadline == 0:
		return true
	case t.state == chain.TaskCommitting:
		return slices.Contains(t.seats[:chain.TaskSeatCount], nil)
	case t.state == chain.TaskAuditing:
		from := 3 * int(t.panels)
		return slices.Contains(t.seats[from:from+3], nil)
	}
	return false
}

func (s *Sim) draw(t *task) {
	t.drawing = false
	if !needsDraw(t) {
		return
	}
	panel := t.state == chain.TaskAuditing && t.commitDeadline == 0
	if panel && s.now+1 <= t.deadline && s.freeNodes(t) < 3 {
		t.drawing = true
		s.after(5, func() { s.draw(t) })
		return
	}
	from, who := s.keeper(t)
	kept := who != nil // an honest seat draws at once
	if t.state == chain.TaskDrawing {
		from, who, kept = &t.app.actor, nil, false
	}
	if s.cfg.Keeper && !kept {
		from, who, kept = s.keeperNode(), nil, true
	}
	steer := t.state == chain.TaskDrawing && t.app.kind == appSteer
	if steer || (panel && t.cheat && s.steerer != nil) {
		// A try that reverts unless the draw suits the group; when it
		// reverts, it tries again next block until the draw window
		// closes, unless a keeper's draw in the same block (after the
		// try) seats the same nodes anyway.
		t.steerTries++
		data := s.steerBind.PackSteerPanel(new(big.Int).SetUint64(t.id), attack.TaskManagerSpec(t.spec.SpecBinding()), 3)
		actor := &s.steerer.actor
		if steer {
			want := s.cfg.SteerWant
			if s.now+2 > t.requested+s.params.Tasks.DrawWindow { // the window closes: take any draw
				want = 0
			}
			data = s.steerBind.PackSteer(new(big.Int).SetUint64(t.id), attack.TaskManagerSpec(t.spec.SpecBinding()), uint8(want))
			actor = &t.app.actor
		}
		s.send(&txReq{from: actor, to: s.steerer.steerer, kind: callSteer, task: t, data: data,
			done: func(r *types.Receipt) {
				if r.Status != types.ReceiptStatusSuccessful {
					s.drawNeeded(t) // unlucky: again next block, if still needed
				}
			}})
		if !kept {
			return
		}
	}
	s.send(&txReq{from: from, who: who, to: s.net.Network.Tasks, kind: callDraw, task: t, data: s.pack.Draw(t.id, t.spec)})
}

// keeperNode is the honest member that keeps a draw: any online one.
func (s *Sim) keeperNode() *actor {
	for range 100 {
		n := s.nodes[s.r.IntN(len(s.nodes))]
		if n.strat.honest() && !n.crashed && !n.gone {
			return &n.actor
		}
	}
	return s.bank
}

// freeNodes counts the available nodes a task's auditors could be drawn
// from, as a node's client asks before drawing (ReadyNodes).
func (s *Sim) freeNodes(t *task) int {
	free := 0
	for _, n := range s.nodes {
		if n.state == chain.NodeAvailable && n.claimed >= t.spec.MinVRAMMiB && n.version.Minor == t.spec.Version.Minor {
			if free++; free >= 3 {
				break
			}
		}
	}
	return free
}

// drawable counts the members a draw for t could seat as it was made:
// the available members that fit t (as freeNodes judges them) and the
// ones just drawn into seats (busy now), and how many of them collude.
// It is what chance alone gives the colluders: a share of the members
// that could take the seats, not of the whole network.
func (s *Sim) drawable(t *task, drawn []*node) (colluders, all int) {
	for _, n := range s.nodes {
		if n.gone || n.claimed < t.spec.MinVRAMMiB || n.version.Minor != t.spec.Version.Minor {
			continue
		}
		if n.state != chain.NodeAvailable && !slices.Contains(drawn, n) {
			continue
		}
		all++
		if n.strat == Colluder {
			colluders++
		}
	}
	return colluders, all
}

// atLeast is the chance that three seats drawn without repetition from
// all members, c of them colluders, seat at least k colluders.
func atLeast(k, c, all int) float64 {
	if all < 3 {
		return 0
	}
	choose3 := func(n int) float64 { return float64(n) * float64(n-1) * float64(n-2) / 6 }
	h := all - c
	p := 0.0
	for j := k; j <= 3; j++ { // j colluders, 3-j others
		ways := 0.0
		switch j {
		case 3:
			ways = choose3(c)
		case 2:
			ways = float64(c) * float64(c-1) / 2 * float64(h)
		case 1:
			ways = float64(c) * float64(h) * float64(h-1) / 2
		case 0:
			ways = choose3(h)
		}
		p += max(ways, 0) / choose3(all)
	}
	return p
}

// closeAt has the keeper close the task just after deadline d, if it is
// still waiting for it then.
func (s *Sim) closeAt(t *task, d uint64) {
	s.at(d+1, func() {
		if t.finished || t.closing == d {
			return
		}
		due := false
		switch t.state {
		case chain.TaskCommitting, chain.TaskAuditing:
			due = t.commitDeadline == d && t.commitDeadline != 0
		case chain.TaskDisclosing, chain.TaskAuditDisclosing, chain.TaskValidated:
			due = t.deadline == d
		}
		if !due {
			return
		}
		t.closing = d
		from, who := s.keeper(t)
		s.send(&txReq{from: from, who: who, to: s.net.Network.Tasks, kind: callClose, task: t, data: s.pack.Close(t.id)})
	})
}

// ------------------------------------------------------------ the nodes

// onSeat is a node's answer to being drawn for seat slot of task t.
func (s *Sim) onSeat(t *task, n *node, slot int) {
	row := n.row()
	row.Seats++
	if slot >= chain.TaskSeatCount {
		row.AuditSeats++
	}
	if slot < chain.TaskSeatCount || t.commitDeadline != 0 {
		s.closeAt(t, t.commitDeadline)
	}
	if n.crashed || n.gone {
		return // the PC is off: the seat times out
	}
	s.plan(t, n, slot)
}

// plan decides what the node in slot does on the task and schedules it.
func (s *Sim) plan(t *task, n *node, slot int) {
	switch n.strat {
	case Lazy:
		s.commitLater(t, n, slot, 2, s.made(t), true, true)
		return
	case Copier:
		s.copyLater(t, n, slot)
		return
	case Colluder:
		switch {
		case t.cheat:
			s.commitLater(t, n, slot, 2, t.junk, true, true)
			return
		case s.cfg.SilentMinority && slot < chain.TaskSeatCount:
			s.commitLater(t, n, slot, 2, s.made(t), false, true) // junk it never discloses
			return
		}
	case Claimer:
		if n.vram < t.spec.MinVRAMMiB {
			s.commitLater(t, n, slot, 2, s.made(t), true, true) // it cannot run the task: a made-up score
			return
		}
	case YieldAbuser:
		// A hand-back costs no score and is not counted: the abuser says
		// its owner came back (the registry cannot tell), and sits out.
		if slot < chain.TaskSeatCount && s.dislikes(t) && s.now+1+s.params.Tasks.ReplaceTime <= t.commitDeadline {
			s.yield(t, n, true)
			return
		}
	}
	s.work(t, n, slot)
}

// work is what an honest node does: fetch the arguments and the model,
// compute, commit (a slow node waits to be last), disclose.
func (s *Sim) work(t *task, n *node, slot int) {
	if t.app.kind == appNoArgs {
		if slot >= chain.TaskSeatCount {
			return // an auditor without the arguments does not commit
		}
		s.commitLater(t, n, slot, 20, chain.NoArgumentsScore(), true, false) // the relay never had them
		return
	}
	if t.model == nil {
		if s.yieldOK(t, n) {
			s.yield(t, n, false) // the model cannot be fetched
		}
		return
	}
	need := 0.0
	if !n.held[t.model.hash()] {
		need = t.model.gb * 1000 / n.bw
	}
	took := need + s.computeTime(t, n)
	left := float64(t.commitDeadline) - float64(s.now)
	if took > left-10 {
		if s.yieldOK(t, n) {
			s.yield(t, n, false) // it could not finish in time
			return
		}
	}
	if need > 0 {
		s.after(need, func() { s.gotModel(n, t.model.hash()) })
	}
	s.book(n, s.cfg.Compute)
	s.commitLater(t, n, slot, took+1, s.honestScore(t, n), true, false)
}

// book charges a node's row the cost of one computation.
func (s *Sim) book(n *node, cost *big.Int) {
	n.compute.Add(n.compute, cost)
	row := n.row()
	row.Compute.Add(row.Compute, cost)
	row.Computed++
}

func (s *Sim) computeTime(t *task, n *node) float64 {
	base := 6.0 * float64(t.images)
	if t.spec.Type == chain.TaskText {
		base = 12
	}
	return base * gpus[n.gpu].slow * (1 + 0.3*s.r.Float64())
}

// dislikes: what a yield-abuser hopes to trade for a better task.
func (s *Sim) dislikes(t *task) bool {
	low := new(big.Int).Mul(s.params.Tasks.MinFee, big.NewInt(2))
	return t.fee.Cmp(low) <= 0 || t.spec.Type == chain.TaskText
}

// yieldOK reports whether an ordinary yield would pass now: time for a
// replacement and a yield left in the window.
func (s *Sim) yieldOK(t *task, n *node) bool {
	if s.now+1+s.params.Tasks.ReplaceTime > t.commitDeadline {
		return false
	}
	recent := 0
	for _, y := range n.yields {
		if s.now+1 < y+s.params.Registry.YieldPeriod {
			recent++
		}
	}
	return recent < int(s.params.Registry.MaxYields)
}

func (s *Sim) yield(t *task, n *node, handBack bool) {
	if !handBack {
		n.yields = append(n.yields, s.now+1)
		n.row().Yields++
	} else {
		n.row().HandBacks++
	}
	s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Tasks, kind: callYield, task: t, data: s.pack.Yield(t.id, t.spec, handBack)})
}

// commitLater commits vote after d seconds (a slow node: once the others
// have, or just before the deadline), and remembers whether to disclose.
func (s *Sim) commitLater(t *task, n *node, slot int, d float64, score []byte, disclose, made bool) {
	v := &chain.Vote{Score: score, ResultHash: crypto.Keccak256Hash(score, n.addr.Bytes())}
	if n.strat.honest() || n.strat == Claimer || n.strat == YieldAbuser || (n.strat == Colluder && !t.cheat) {
		v.ResultHash = crypto.Keccak256Hash(score) // the same output has the same hash
	}
	for i := range v.Nonce {
		v.Nonce[i] = byte(s.r.Uint32())
	}
	silent := !disclose
	s.after(d, func() {
		if n.strat == Slow && !s.lastToCommit(t, slot) && s.now+10 < t.commitDeadline {
			t.waiting = append(t.waiting, func() { s.commitNow(t, n, slot, v, silent, made) })
			s.at(t.commitDeadline-8, func() { s.commitNow(t, n, slot, v, silent, made) })
			return
		}
		s.commitNow(t, n, slot, v, silent, made)
	})
}

// lastToCommit reports whether every other live seat of the phase has committed.
func (s *Sim) lastToCommit(t *task, slot int) bool {
	for k := phaseStart(slot); k < phaseStart(slot)+3; k++ {
		if k != slot && t.seats[k] != nil && t.committed&(1<<k) == 0 {
			return false
		}
	}
	return true
}

func phaseStart(slot int) int { return slot / 3 * 3 }

// committing reports whether the seat's phase takes commits in the next block.
func (s *Sim) committing(t *task, slot int) bool {
	switch {
	case t.state == chain.TaskCommitting:
		return slot < chain.TaskSeatCount && s.now+1 <= t.commitDeadline
	case t.state == chain.TaskAuditing && t.commitDeadline != 0:
		return phaseStart(slot) == 3*t.panels && s.now+1 <= t.commitDeadline
	}
	return false
}

// othersCommitted lets waiting slow nodes commit.
func (s *Sim) othersCommitted(t *task) {
	w := t.waiting
	t.waiting = nil
	for _, f := range w {
		s.after(1, f)
	}
}

func (s *Sim) commitNow(t *task, n *node, slot int, v *chain.Vote, silent, made bool) {
	if t.finished || t.seats[slot] != n || t.committed&(1<<slot) != 0 || n.crashed || t.votes[slot] != nil || !s.committing(t, slot) {
		return
	}
	c, err := s.net.Network.Commitment(t.id, n.addr, *v)
	if err != nil {
		s.failures = append(s.failures, err.Error())
		return
	}
	t.votes[slot] = v
	t.silent |= boolMask(silent, slot)
	t.made |= boolMask(made, slot)
	s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Tasks, kind: callCommit, task: t, data: s.pack.Commit(t.id, c)})
}

func boolMask(b bool, slot int) uint16 {
	if b {
		return 1 << slot
	}
	return 0
}

// copyLater is the copier: it waits for another seat's commitment and
// sends the same one, then tries to disclose that seat's vote. The
// commitment binds the node's address, so the disclosure fails and the
// copier is silent.
func (s *Sim) copyLater(t *task, n *node, slot int) {
	s.after(3, func() {
		if t.finished || t.seats[slot] != n || t.committed&(1<<slot) != 0 || n.gone || !s.committing(t, slot) {
			return
		}
		for k := phaseStart(slot); k < phaseStart(slot)+3; k++ {
			if k == slot || t.votes[k] == nil || t.committed&(1<<k) == 0 {
				continue
			}
			src := t.seats[k]
			if src == nil {
				continue
			}
			c, err := s.net.Network.Commitment(t.id, src.addr, *t.votes[k]) // read from the other's transaction
			if err != nil {
				return
			}
			cp := *t.votes[k]
			t.votes[slot] = &cp
			t.copied |= 1 << slot
			t.made |= 1 << slot
			s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Tasks, kind: callCommit, task: t, data: s.pack.Commit(t.id, c)})
			return
		}
		if s.now+15 >= t.commitDeadline {
			s.commitNow(t, n, slot, &chain.Vote{Score: s.made(t)}, false, true)
			return
		}
		s.copyLater(t, n, slot)
	})
}

// discloseAll: every node that committed in the phase that opened
// discloses (a node whose PC is off, or that meant to stay silent, does not).
func (s *Sim) discloseAll(t *task) {
	start := 0
	if t.state == chain.TaskAuditDisclosing {
		start = 3 * t.panels
	}
	for k := start; k < start+3; k++ {
		n := t.seats[k]
		if n == nil || t.committed&(1<<k) == 0 || t.silent&(1<<k) != 0 || t.votes[k] == nil {
			continue
		}
		delay := 1 + s.r.Float64()*3
		slot := k
		s.after(delay, func() {
			if t.finished || n.crashed || t.seats[slot] != n || t.disclosed&(1<<slot) != 0 || s.now+1 > t.deadline {
				return
			}
			s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Tasks, kind: callDisclose, task: t, data: s.pack.Disclose(t.id, *t.votes[slot])})
		})
	}
}

// submitLater: the first seat that was right records the result.
func (s *Sim) submitLater(t *task) {
	for k, n := range t.seats {
		if n == nil || t.honest&(1<<k) == 0 || n.crashed || t.votes[k] == nil || t.copied&(1<<k) != 0 {
			continue
		}
		slot := k
		s.after(1+s.r.Float64()*2, func() {
			if t.finished || t.state != chain.TaskValidated || t.submitting {
				return
			}
			t.submitting = true
			s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Tasks, kind: callSubmit, task: t, data: s.pack.SubmitResult(t.id, *t.votes[slot]),
				done: func(*types.Receipt) { t.submitting = false }})
		})
		return
	}
}

// ------------------------------------------------------------ scores

// honestScore is what node n's card computes for t (see the noise model).
func (s *Sim) honestScore(t *task, n *node) []byte {
	if t.spec.Type == chain.TaskText {
		sc, ok := t.text[n.gpu]
		if !ok {
			var sum [32]byte
			if s.cfg.TextDiverge > 0 && s.r.Float64() < s.cfg.TextDiverge {
				for i := range sum {
					sum[i] = byte(s.r.Uint32())
				}
			} else {
				for i, w := range t.truth {
					for b := range 8 {
						sum[8*i+b] = byte(w >> (8 * b))
					}
				}
			}
			sc = chain.TextScore(sum)
			t.text[n.gpu] = sc
		}
		return sc
	}
	dev, ok := t.dev[n.gpu]
	if !ok {
		dev = make([]uint64, t.images)
		for i := range dev {
			dev[i] = flipExactly(s.r, deviation(s.r, s.cfg.MaxDeviation))
		}
		t.dev[n.gpu] = dev
	}
	hs := make([]uint64, t.images)
	for i := range hs {
		hs[i] = t.truth[i] ^ dev[i]
		if s.r.IntN(2) == 0 {
			hs[i] ^= 1 << s.r.IntN(64) // the card's own nondeterminism
		}
	}
	return imageScore(hs)
}

// made is a made-up score: random hashes or text.
func (s *Sim) made(t *task) []byte {
	if t.spec.Type == chain.TaskText {
		return randomText(s.r)
	}
	return imageScore(randomImages(s.r, t.images))
}

// distance is the most differing bits of any image of two scores.
func distance(a, b []byte) int {
	worst := 0
	for i := 0; i+8 <= len(a) && i+8 <= len(b); i += 8 {
		var x, y uint64
		for k := range 8 {
			x = x<<8 | uint64(a[i+k])
			y = y<<8 | uint64(b[i+k])
		}
		worst = max(worst, bits.OnesCount64(x^y))
	}
	return worst
}

// ------------------------------------------------------------ models

// downloadAsked: an honest owner's node downloads a model the network
// asked for, if its card can run it, and declares it.
func (s *Sim) downloadAsked(n *node, model common.Hash) {
	if !(n.strat.honest() || n.strat == Claimer || n.strat == YieldAbuser || n.strat == Colluder) || n.held[model] || n.fetching[model] {
		return
	}
	for _, m := range aiModels {
		if m.hash() == model && m.vram <= n.vram {
			n.fetching[model] = true
			s.after(m.gb*1000/n.bw, func() { s.gotModel(n, model) })
		}
	}
}

func (s *Sim) gotModel(n *node, model common.Hash) {
	delete(n.fetching, model)
	if n.held[model] || n.gone {
		return
	}
	n.held[model] = true
	if n.state != chain.NodeQuit {
		s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Registry, kind: callReport, data: s.pack.ReportModel(model, true)})
	}
}

// ------------------------------------------------------------ churn

// flakyCycle: online for a while (mean two hours), then away (mean twenty
// minutes): half the time the owner sits down to play (the node hands
// its seats back and pauses), a third of the time the PC goes off
// (crash: seats time out, a committed vote goes silent), otherwise the
// owner quits and rejoins later.
func (s *Sim) flakyCycle(n *node) {
	s.after(s.r.ExpFloat64()*7200, func() {
		if n.gone {
			return
		}
		away := 60 + s.r.ExpFloat64()*1200
		switch x := s.r.Float64(); {
		case x < 0.5:
			n.away = true
			n.row().Away++
			s.leaveSeats(n)
			s.after(1, func() {
				if n.state == chain.NodeAvailable || n.state == chain.NodeBusy {
					s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Registry, kind: callPause, data: s.pack.Pause()})
				}
			})
			s.after(away, func() {
				n.away = false
				s.resume(n)
				s.flakyCycle(n)
			})
		case x < 0.83:
			n.crashed = true
			n.row().Crashes++
			s.after(away, func() {
				n.crashed = false
				s.recover(n)
				s.flakyCycle(n)
			})
		default:
			n.away = true
			n.quitting = true
			n.row().Quits++
			s.leaveSeats(n)
			s.after(1, func() {
				if n.state != chain.NodeQuit && n.state != chain.NodePendingQuit {
					s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Registry, kind: callQuit, data: s.pack.Quit()})
				}
			})
			n.back = s.now + uint64(away)
		}
	})
}

// leaveSeats hands back every seat the node has not committed on.
func (s *Sim) leaveSeats(n *node) {
	for id, slot := range n.seats {
		t := s.tasks[id]
		if t == nil || t.finished || t.committed&(1<<slot) != 0 || s.now+1 > t.commitDeadline {
			continue
		}
		if t.state == chain.TaskCommitting || t.state == chain.TaskAuditing {
			t.votes[slot] = nil
			s.yield(t, n, true)
		}
	}
}

// resume: the owner is done; the node takes tasks again.
func (s *Sim) resume(n *node) {
	if n.gone {
		return
	}
	s.after(1, func() {
		if n.state == chain.NodePaused || n.state == chain.NodePendingPause {
			s.send(&txReq{from: &n.actor, who: n, to: s.net.Network.Registry, kind: callResume, data: s.pack.Resume()})
		}
	})
}

// recover: the PC is back on; the node picks up the seats it still holds.
func (s *Sim) recover(n *node) {
	for id, slot := range n.seats {
		t := s.tasks[id]
		if t == nil || t.finished {
			continue
		}
		switch {
		case t.committed&(1<<slot) == 0 && (t.state == chain.TaskCommitting || t.state == chain.TaskAuditing) && t.commitDeadline > s.now+1:
			s.plan(t, n, slot)
		case t.committed&(1<<slot) != 0 && t.disclosed&(1<<slot) == 0 && (t.state == chain.TaskDisclosing || t.state == chain.TaskAuditDisclosing):
			s.discloseAll(t)
		}
	}
}

// rejoinLater: a flaky owner who quit comes back after being away.
func (s *Sim) rejoinLater(n *node) {
	if n.strat != Flaky || n.gone {
		return
	}
	s.at(max(n.back, s.now+1), func() {
		if n.gone || n.state != chain.NodeQuit {
			return
		}
		n.away = false
		s.join(n, false)
		s.flakyCycle(n)
	})
}

// respawn replaces a removed dishonest identity by a new one: a new key,
// funded by the bank, with a new stake.
func (s *Sim) respawn(old *node) {
	key, err := crypto.GenerateKey()
	if err != nil {
		s.failures = append(s.failures, err.Error())
		return
	}
	n := s.newNodeLike(key, old)
	old.row().Identities++
	// It joins once the funds are in: a full block can hold the transfer
	// back past any fixed wait.
	s.send(&txReq{from: s.bank, to: n.addr, kind: callFund, value: new(big.Int).Add(s.params.Registry.MinStake, big.NewInt(1e18)),
		done: func(r *types.Receipt) {
			if r.Status != types.ReceiptStatusSuccessful {
				s.failures = append(s.failures, "funding a new identity failed")
				return
			}
			s.after(1, func() {
				s.join(n, true)
				if n.strat == Colluder {
					s.addAllies([]common.Address{n.addr})
				}
			})
		}})
}

// newNodeLike makes the successor of a removed identity: same strategy
// and slot, a card and models drawn afresh.
func (s *Sim) newNodeLike(key *ecdsa.PrivateKey, old *node) *node {
	return s.newNode(key, old.strat, old.slot)
}
