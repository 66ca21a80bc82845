package node

import (
	"context"
	"encoding/binary"
	"math/bits"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// Keeping draws. A draw's word is fixed before anyone can draw and the
// pools it reads are those of its round's request, but who of them is
// free changes from block to block, so whoever waits to draw can choose
// among them: a creator its task's nodes, colluding seats their
// auditors. Nobody can choose when somebody else draws at once. So every
// member keeps the network's draws: a few members, different for every
// round, draw each task waiting for a draw as soon as its round can be
// read, whether they sit on the task or not; the longer a draw waits, the
// more members try (the set doubles every poll), so colluding or offline
// keepers only delay it. A member seated on the task draws at once (see
// advanceLocked). A draw another keeper sent first fails its estimate and
// costs nothing; the contract ends a task nobody drew within the draw
// window (docs/protocol.md, "Keepers"). Keeping reads its own stream of
// the three events it needs, from the head at start, so a node computing
// a task (its main stream waits on the engine run) keeps drawing.

// keepersPerRound is how many members are expected to draw a round at
// once.
const keepersPerRound = 3

// maxKept bounds the rounds a node keeps track of, and keptFor how long
// it keeps one (an audit may wait for free nodes up to a task's longest
// timeout).
const (
	maxKept = 4096
	keptFor = 2 * time.Hour
)

// membersFor is how long a member count read for keeping is reused.
const membersFor = 30 * time.Second

// keptRound is a draw this node saw requested.
type keptRound struct {
	round uint64
	seen  time.Time
}

// noteDrawing records a round awaiting a draw (a TaskDrawing event).
func (n *Node) noteDrawing(id, round uint64) {
	n.keepMu.Lock()
	defer n.keepMu.Unlock()
	if n.kept == nil {
		n.kept = map[uint64]keptRound{}
	}
	if len(n.kept) >= maxKept {
		var oldest uint64
		var at time.Time
		for k, v := range n.kept {
			if at.IsZero() || v.seen.Before(at) {
				oldest, at = k, v.seen
			}
		}
		delete(n.kept, oldest)
	}
	n.kept[id] = keptRound{round: round, seen: time.Now()}
}

// drawn forgets a task's round once its seats were drawn (TaskAssigned)
// or it ended: nothing is left to keep until it asks for another round.
func (n *Node) drawn(id uint64) {
	n.keepMu.Lock()
	defer n.keepMu.Unlock()
	delete(n.kept, id)
}

// keepMembers is the member count, read at most every membersFor.
func (n *Node) keepMembers(ctx context.Context) (uint64, error) {
	n.keepMu.Lock()
	m, at := n.members, n.membersAt
	n.keepMu.Unlock()
	if !at.IsZero() && time.Since(at) < membersFor {
		return m, nil
	}
	m, err := n.client.MemberCount(ctx)
	if err != nil {
		return 0, err
	}
	n.keepMu.Lock()
	n.members, n.membersAt = m, time.Now()
	n.keepMu.Unlock()
	return m, nil
}

// keeperRank places this node among the members for a round: it keeps
// the round once the rank is below the number of keepers wanted. The
// rank is public (anyone can compute every member's), which is why the
// set grows while the draw waits.
func keeperRank(id, round uint64, addr common.Address) uint64 {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], id)
	binary.BigEndian.PutUint64(b[8:], round)
	return binary.BigEndian.Uint64(crypto.Keccak256(b[:], addr.Bytes())[:8])
}

// keepsNow reports whether this node draws the round now: polls is how
// many polls it has waited since it saw the round.
func keepsNow(rank, members uint64, polls int) bool {
	if members == 0 {
		return true
	}
	want := uint64(keepersPerRound) << min(polls, 32)
	return want >= members || rank%members < want
}

// keeperEvents are what keeping reads: a round requested, seats drawn, a
// task ended.
var keeperEvents = func() []common.Hash {
	ev := bindings.NewTaskManager().GetABI().Events
	return []common.Hash{ev["TaskDrawing"].ID, ev["TaskAssigned"].ID, ev["TaskSettled"].ID}
}()

// keep follows the rounds requested and draws, every poll, those this
// node keeps; it ends with ctx. Failures are logged: keeping helps the
// network, it never stops the node.
func (n *Node) keep(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		n.followRounds(ctx)
	}()
	t := time.NewTicker(n.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n.keepOnce(ctx)
	}
}

// followRounds notes the rounds requested and drawn, from the chain's
// head when the node starts (rounds requested while it was down are kept
// by others), until ctx ends.
func (n *Node) followRounds(ctx context.Context) {
	var start uint64
	for {
		head, err := n.cfg.Backend.BlockNumber(ctx)
		if err == nil {
			start = head
			break
		}
		n.log.Debug("keeping draws: chain head", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(n.cfg.Poll):
		}
	}
	s := chain.NewStream(n.cfg.Backend, n.cfg.Network, &chain.MemCursor{Start: chain.Cursor{Block: start}}, n.log)
	s.PollInterval = n.cfg.Poll
	s.Events = keeperEvents
	err := s.Run(ctx, func(_ context.Context, l types.Log) error {
		ev, err := chain.Decode(l)
		if err != nil {
			return nil
		}
		switch e := ev.(type) {
		case *bindings.TaskManagerTaskDrawing:
			n.noteDrawing(e.Id.Uint64(), e.Round.Uint64())
		case *bindings.TaskManagerTaskAssigned:
			n.drawn(e.Id.Uint64())
		case *bindings.TaskManagerTaskSettled:
			n.drawn(e.Id.Uint64())
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		n.log.Warn("keeping draws stopped", "err", err)
	}
}

func (n *Node) keepOnce(ctx context.Context) {
	n.keepMu.Lock()
	due := make(map[uint64]keptRound, len(n.kept))
	for id, k := range n.kept {
		due[id] = k
	}
	n.keepMu.Unlock()
	if len(due) == 0 {
		return
	}
	members, err := n.keepMembers(ctx)
	if err != nil {
		n.log.Debug("keeping draws: member count", "err", err)
		return
	}
	for id, k := range due {
		if ctx.Err() != nil {
			return
		}
		age := time.Since(k.seen)
		if age > keptFor {
			n.drawn(id)
			continue
		}
		// The first keepers of a round look every poll (an audit waiting
		// for free nodes must be drawn the poll it can be); the wider
		// set, at polls 1, 2, 4, 8, …: a draw that waits costs each of
		// them a few reads, not one every poll.
		polls := int(age / n.cfg.Poll)
		rank := keeperRank(id, k.round, n.addr)
		first := keepsNow(rank, members, 0)
		if !first && (polls&(polls-1) != 0 || !keepsNow(rank, members, polls)) {
			continue
		}
		done, err := n.keepRound(ctx, id, k.round)
		if err != nil {
			n.log.Debug("keeping a draw failed; trying again next poll", "task", id, "err", err)
		}
		if done {
			n.keepMu.Lock()
			if cur, ok := n.kept[id]; ok && cur.round == k.round {
				delete(n.kept, id)
			}
			n.keepMu.Unlock()
		}
	}
}

// keepRound draws task id's round if it still awaits one and is due;
// done means there is nothing left to keep for that round.
func (n *Node) keepRound(ctx context.Context, id, round uint64) (done bool, err error) {
	t, err := n.client.Task(ctx, id)
	if err != nil {
		return false, err
	}
	if t.Round != round || t.Vacant == 0 || (t.State != chain.TaskDrawing && t.State != chain.TaskCommitting && t.State != chain.TaskAuditing) {
		return true, nil // drawn, moved on, or a new round (its own event)
	}
	if n.slotOf(t) >= 0 {
		return true, nil // seated: the node's own task handling draws it
	}
	ready, err := n.drawReady(ctx, id, t)
	if err != nil || !ready {
		return false, err
	}
	if _, err := n.drawSeats(ctx, id); err != nil {
		return false, err
	}
	n.log.Debug("kept a draw", "task", id, "round", round)
	return false, nil // the next poll sees whether it was drawn
}

// drawReady reports whether a task's empty seats should be drawn now:
// its own nodes and a replacement in the commit phase at once; an audit's
// seats once enough nodes are free to fill them (a panel starts with its
// three auditors), its wait is over, or the network is too small ever to
// have them.
func (n *Node) drawReady(ctx context.Context, id uint64, t chain.TaskInfo) (bool, error) {
	if t.State != chain.TaskAuditing {
		return true, nil
	}
	if t.CommitDeadline == 0 && uint64(n.cfg.Now().Unix()) > t.DiscloseDeadline {
		return true, nil // waited long enough: the draw judges or waits again
	}
	need := uint64(bits.OnesCount16(t.Vacant))
	if t.CommitDeadline == 0 {
		need = 3
	}
	free, err := n.freeFor(ctx, id)
	if err != nil {
		return false, err
	}
	if free >= need {
		return true, nil
	}
	members, err := n.client.MemberCount(ctx)
	if err != nil {
		return false, err
	}
	seated := 0
	for _, a := range t.Nodes {
		if a != (common.Address{}) {
			seated++
		}
	}
	// No use waiting for auditors in a network too small to have them.
	return members < uint64(seated)+3, nil
}
