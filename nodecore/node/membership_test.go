package node

import (
	"context"
	"math/big"
	"math/bits"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// kickingParams make a node that times out on one task fall below the
// kick threshold at once (the rolling score is the last task's points),
// with no wait to rejoin or to get the stake back.
func kickingParams() *chain.Params {
	p := testParams()
	p.Registry.QosWindow = 1
	return p
}

// timeOut creates a task that r, a slow node, misses: once the two
// others committed, the chain's clock passes the commit deadline and the
// task is closed without r (0 points).
func (w *world) timeOut(r *running) uint64 {
	w.t.Helper()
	ctx := context.Background()
	id := w.createTask(engine.KindImage, 1)
	deadline := time.Now().Add(20 * time.Second)
	for {
		t, err := w.app.Client.Task(ctx, id)
		if err != nil {
			w.t.Fatal(err)
		}
		slot := r.node.slotOf(t)
		if slot < 0 {
			w.t.Fatalf("the slow node is not on task %d: %v", id, t.Nodes)
		}
		if bits.OnesCount16(t.Committed&^bit(slot)) == 2 {
			break
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the other nodes did not commit task %d", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.advance(121 * time.Second)
	if _, err := w.app.Client.CloseTask(ctx, id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// account reads a node's money movements, oldest first.
func (w *world) account(r *running) []ledger.AccountEntry {
	w.t.Helper()
	l, err := ledger.Open(r.ledger)
	if err != nil {
		w.t.Fatal(err)
	}
	defer l.Close()
	es, err := l.Account(context.Background(), 100)
	if err != nil {
		w.t.Fatal(err)
	}
	slices.Reverse(es)
	return es
}

func moves(es []ledger.AccountEntry) (out []ledger.Move) {
	for _, e := range es {
		out = append(out, e.Move)
	}
	return out
}

// slowNode joins a world with an engine that takes d per task: it commits
// last.
func slowNode(w *world, d time.Duration, noAuto bool) *running {
	w.t.Helper()
	r := &running{acct: w.spare(), ledger: filepath.Join(w.t.TempDir(), "ledger.db"), noise: 9,
		engine: reference.Engine{NoisePixels: 12, NoiseSeed: 9, Work: d}, noAutoRejoin: noAuto}
	w.start(r, nil)
	w.waitState(r, StateAvailable)
	w.nodes = append(w.nodes, r)
	return r
}

func (w *world) waitReason(r *running, s State, why Reason) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		sn := r.node.Snapshot()
		if sn.State == s && sn.Reason == why {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("node is %s (%q), want %s (%q)", sn.State, sn.Reason, s, why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestKickedNodeRejoins: a node the registry removes for a low QoS score
// notices it while it runs (reason removed_qos), brings its returned
// stake back to the wallet and rejoins — the soak's stranded stakes — and
// the ledger records each step.
func TestKickedNodeRejoins(t *testing.T) {
	w := newWorldWith(t, 2, kickingParams())
	r := slowNode(w, 3*time.Second, false)
	id := w.timeOut(r)
	w.waitSettled(id)
	deadline := time.Now().Add(20 * time.Second)
	for !slices.Contains(moves(w.account(r)), ledger.MoveStakeReturned) || r.node.Snapshot().State != StateAvailable {
		if time.Now().After(deadline) {
			t.Fatalf("no rejoin: %s %q, account %v", r.node.Snapshot().State, r.node.Snapshot().Reason, moves(w.account(r)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	es := w.account(r)
	want := []ledger.Move{ledger.MoveStaked, ledger.MoveRemoved, ledger.MoveStakeReturned, ledger.MoveStaked}
	if !slices.Equal(moves(es), want) {
		t.Fatalf("account %v, want %v", moves(es), want)
	}
	stake := w.net.Network.Params.Registry.MinStake
	if es[1].Detail != "kicked" || es[2].Amount.Cmp(stake) != 0 || es[2].Tx == "" || es[3].Amount.Cmp(stake) != 0 {
		t.Fatalf("account %+v", es)
	}
	ctx := context.Background()
	if owed, err := r.acct.Client.StakeBalance(ctx, r.acct.Addr); err != nil || owed.Sign() != 0 {
		t.Fatalf("stake left in the registry: %v %v", owed, err)
	}
	if info, err := r.acct.Client.Node(ctx, r.acct.Addr); err != nil || info.State != chain.NodeAvailable || info.Stake.Cmp(stake) != 0 {
		t.Fatalf("on chain: %+v %v", info, err)
	}
}

// TestKickedNodeWaitsForTheOwner: with automatic rejoining off, a kicked
// node stays out with a reason, across a restart, until the owner
// rejoins; the returned stake is used for the new join.
func TestKickedNodeWaitsForTheOwner(t *testing.T) {
	w := newWorldWith(t, 2, kickingParams())
	r := slowNode(w, 3*time.Second, true)
	w.waitSettled(w.timeOut(r))
	w.waitReason(r, StateStopped, ReasonKicked)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	w.start(r, nil)
	w.waitReason(r, StateStopped, ReasonKicked)
	if got := moves(w.account(r)); !slices.Equal(got, []ledger.Move{ledger.MoveStaked, ledger.MoveRemoved}) {
		t.Fatalf("account after the restart %v: the removal is recorded once, nothing else moved", got)
	}
	if err := r.node.Rejoin(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.waitState(r, StateAvailable)
	if err := r.node.Rejoin(context.Background()); err != ErrAlreadyMember {
		t.Fatalf("rejoining a member: %v", err)
	}
	if got := moves(w.account(r)); !slices.Equal(got, []ledger.Move{ledger.MoveStaked, ledger.MoveRemoved, ledger.MoveStakeReturned, ledger.MoveStaked}) {
		t.Fatalf("account %v", got)
	}
}

// TestSlashedNodeWaits: a slashed node lost its stake; it never rejoins
// by itself, whatever the setting: a new stake is the owner's decision.
func TestSlashedNodeWaits(t *testing.T) {
	w := newWorld(t, 8) // nine nodes: a disagreement among three is audited by two panels of three
	r := &running{acct: w.spare(), ledger: filepath.Join(t.TempDir(), "ledger.db"), noise: 3,
		engine: reference.Engine{NoisePixels: 1 << 20, NoiseSeed: 99}} // a result unlike the others'
	w.start(r, nil)
	w.waitState(r, StateAvailable)
	w.nodes = append(w.nodes, r)
	var last uint64
	for i := 0; r.node.Snapshot().Reason != ReasonSlashed; i++ {
		if i == 20 {
			t.Fatal("the node with made-up results was never slashed")
		}
		last = w.createTask(engine.KindImage, 10+i)
		w.waitSettled(last)
		time.Sleep(100 * time.Millisecond)
	}
	w.waitReason(r, StateStopped, ReasonSlashed)
	// The ledgers say who audited and what the audit found.
	if e, err := w.entry(r, last); err != nil || e.Outcome != ledger.Slashed || e.Role != ledger.RoleNode || e.Audit != ledger.AuditWrong {
		t.Fatalf("the slashed node's entry: %+v %v, want slashed, its own task, audit wrong", e, err)
	}
	auditors := 0
	for _, o := range w.nodes {
		if o == r {
			continue
		}
		e, err := w.entry(o, last)
		if err != nil {
			continue // not seated in that task
		}
		if e.Audit != ledger.AuditRight {
			t.Errorf("an honest seat's entry: %+v, want audit right", e)
		}
		if e.Role == ledger.RoleAuditor {
			auditors++
		}
	}
	if auditors == 0 {
		t.Error("no ledger records an auditor's seat in the audited task")
	}
	// The books equal the chain's, to the wei: the slashed node's loss is
	// what the registry took, and the nodes that were right earned the
	// fees plus their shares of it (nothing else is owed yet: nobody
	// withdrew, nobody left).
	for _, o := range w.nodes {
		l, err := ledger.Open(o.ledger)
		if err != nil {
			t.Fatal(err)
		}
		tot, err := l.Totals(context.Background())
		l.Close()
		if err != nil {
			t.Fatal(err)
		}
		fees, err := w.app.Client.FeeBalance(context.Background(), o.acct.Addr)
		if err != nil {
			t.Fatal(err)
		}
		shares, err := w.app.Client.StakeBalance(context.Background(), o.acct.Addr)
		if err != nil {
			t.Fatal(err)
		}
		if o == r {
			if tot.Lost.Cmp(w.net.Network.Params.Registry.MinStake) != 0 {
				t.Errorf("the slashed node's ledger lost %s wei, want its stake %s", tot.Lost, w.net.Network.Params.Registry.MinStake)
			}
			continue
		}
		if want := new(big.Int).Add(fees, shares); tot.Earned.Cmp(want) != 0 {
			t.Errorf("node %s: ledger says %s wei earned, the chain owes %s in fees and %s in stake shares", o.acct.Addr, tot.Earned, fees, shares)
		}
	}
	time.Sleep(200 * time.Millisecond) // long enough for a rejoin that must not happen
	if sn := r.node.Snapshot(); sn.State != StateStopped {
		t.Fatalf("a slashed node went on: %s", sn.State)
	}
	es := w.account(r)
	if !slices.Equal(moves(es), []ledger.Move{ledger.MoveStaked, ledger.MoveRemoved}) || es[1].Detail != "slashed" {
		t.Fatalf("account %+v", es)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	w.start(r, nil)
	w.waitReason(r, StateStopped, ReasonSlashed)
}

// TestLeaveWhileBusy: the owner leaves while the node runs a task: the
// quit is pending until the task ends, then the stake and the fees come
// back to the wallet — to the wei, gas counted — and the node stays out
// across a restart until the owner rejoins.
func TestLeaveWhileBusy(t *testing.T) {
	w := newWorld(t, 2)
	r := slowNode(w, 600*time.Millisecond, false)
	ctx := context.Background()
	w.waitSettled(w.createTask(engine.KindImage, 1)) // fees to bring back
	before, err := w.net.Backend.BalanceAt(ctx, r.acct.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	from, err := w.net.Backend.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fees, err := r.acct.Client.FeeBalance(ctx, r.acct.Addr)
	if err != nil || fees.Sign() == 0 {
		t.Fatalf("no fees owed after a paid task: %v %v", fees, err)
	}
	id := w.createTask(engine.KindImage, 2)
	for r.node.Snapshot().TaskPhase != PhaseRunning {
		time.Sleep(5 * time.Millisecond)
	}
	if err := r.node.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.node.Leave(ctx); err != ErrLeaving {
		t.Fatalf("leaving twice: %v", err)
	}
	w.waitSettled(id)
	w.waitReason(r, StateStopped, ReasonLeft)
	e, err := w.entry(r, id)
	if err != nil || e.Outcome != ledger.Paid {
		t.Fatalf("the task in progress when leaving: %+v %v, want paid", e, err)
	}
	fees.Add(fees, e.Earned)

	// The chain owes nothing; the ledger's steps match it to the wei.
	stake := w.net.Network.Params.Registry.MinStake
	for what, f := range map[string]func(context.Context, common.Address) (*big.Int, error){"stake": r.acct.Client.StakeBalance, "fees": r.acct.Client.FeeBalance} {
		if v, err := f(ctx, r.acct.Addr); err != nil || v.Sign() != 0 {
			t.Errorf("%s still owed: %v %v", what, v, err)
		}
	}
	es := w.account(r)
	if got := moves(es); !slices.Equal(got, []ledger.Move{ledger.MoveStaked, ledger.MoveQuit, ledger.MoveStakeReturned, ledger.MoveFeesClaimed}) {
		t.Fatalf("account %v", got)
	}
	if es[2].Amount.Cmp(stake) != 0 || es[3].Amount.Cmp(fees) != 0 {
		t.Fatalf("returned %s stake, claimed %s fees; want %s and %s", es[2].Amount, es[3].Amount, stake, fees)
	}
	after, err := w.net.Backend.BalanceAt(ctx, r.acct.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	gas := w.gasSpent(r, from)
	want := new(big.Int).Add(before, stake)
	want.Add(want, fees).Sub(want, gas)
	if after.Cmp(want) != 0 {
		t.Fatalf("wallet %s wei, want %s (before %s + stake %s + fees %s − gas %s)", after, want, before, stake, fees, gas)
	}

	// Out for good: a restart does not join; the owner's rejoin does.
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	w.start(r, nil)
	w.waitReason(r, StateStopped, ReasonLeft)
	if err := r.node.Leave(ctx); err != ErrNotMember {
		t.Fatalf("leaving again: %v", err)
	}
	if err := r.node.Rejoin(ctx); err != nil {
		t.Fatal(err)
	}
	w.waitState(r, StateAvailable)
}

// gasSpent is what r's transactions mined after block from cost it.
func (w *world) gasSpent(r *running, from uint64) *big.Int {
	w.t.Helper()
	ctx := context.Background()
	head, err := w.net.Backend.BlockNumber(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	id, err := w.net.Backend.ChainID(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(id)
	total := new(big.Int)
	for n := from + 1; n <= head; n++ {
		b, err := w.net.Backend.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			w.t.Fatal(err)
		}
		for _, tx := range b.Transactions() {
			if sender, err := types.Sender(signer, tx); err != nil || sender != r.acct.Addr {
				continue
			}
			rc, err := w.net.Backend.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				w.t.Fatal(err)
			}
			total.Add(total, new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice))
		}
	}
	return total
}

// TestTurningAutoRejoinOnRejoins: a kicked node waiting for the owner
// rejoins the moment the owner turns automatic rejoining on.
func TestTurningAutoRejoinOnRejoins(t *testing.T) {
	w := newWorldWith(t, 2, kickingParams())
	r := slowNode(w, 3*time.Second, true)
	w.waitSettled(w.timeOut(r))
	w.waitReason(r, StateStopped, ReasonKicked)
	r.node.SetAutoRejoin(true)
	w.waitState(r, StateAvailable)
}
