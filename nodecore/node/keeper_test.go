package node

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// TestKeepersDrawWhatTheCreatorLeaves: an application creates a task and
// never draws it (a creator waiting for pools it likes would); the nodes,
// none of them seated on it, draw it as soon as its round can be read,
// and it is done: nobody can choose when its draw happens by waiting.
func TestKeepersDrawWhatTheCreatorLeaves(t *testing.T) {
	w := newWorld(t, 3)
	a := engine.Args{Kind: engine.KindImage, Model: "base:sd15", Prompt: "a lighthouse", Seed: 1, Width: 128, Height: 128, Count: 1}
	id := w.createTaskDrawn(a, 1, false, "base:sd15")
	ti := w.waitSettled(id)
	if ti.State != chain.TaskDone || ti.Honest != 7 {
		t.Fatalf("a task its creator never drew: %s %s honest %03b, want done by all three", ti.State, ti.Outcome, ti.Honest)
	}
	// The draw was a node's transaction, not the application's.
	q := ethereum.FilterQuery{
		Addresses: []common.Address{w.net.Network.Tasks},
		Topics:    [][]common.Hash{{chain.ProtocolABIs()[1].Events["TaskAssigned"].ID}, {common.BigToHash(new(big.Int).SetUint64(id))}},
	}
	logs, err := w.net.Backend.FilterLogs(context.Background(), q)
	if err != nil || len(logs) == 0 {
		t.Fatalf("no TaskAssigned for task %d: %v", id, err)
	}
	tx, _, err := w.net.Backend.TransactionByHash(context.Background(), logs[0].TxHash)
	if err != nil {
		t.Fatal(err)
	}
	from, err := types.Sender(types.LatestSignerForChainID(w.net.Network.ChainID.ToInt()), tx)
	if err != nil {
		t.Fatal(err)
	}
	if from == w.app.Addr {
		t.Fatal("the application drew its own task")
	}
	drew := false
	for _, r := range w.nodes {
		drew = drew || from == r.acct.Addr
	}
	if !drew {
		t.Fatalf("the draw came from %s, none of the nodes", from)
	}
}

// TestKeeperSetGrowsWhileADrawWaits: a few members keep each round at
// once, different ones for different rounds; the set doubles every poll
// the draw waits, until every member keeps it.
func TestKeeperSetGrowsWhileADrawWaits(t *testing.T) {
	const members = 1000
	addrs := make([]common.Address, members)
	for i := range addrs {
		addrs[i] = common.BytesToAddress(crypto.Keccak256([]byte{byte(i), byte(i >> 8)}))
	}
	count := func(id, round uint64, polls int) (n int, who map[common.Address]bool) {
		who = map[common.Address]bool{}
		for _, a := range addrs {
			if keepsNow(keeperRank(id, round, a), members, polls) {
				n++
				who[a] = true
			}
		}
		return n, who
	}
	n0, first := count(7, 100, 0)
	if n0 < 1 || n0 > 12 {
		t.Errorf("%d of %d members keep a fresh round, want about %d", n0, members, keepersPerRound)
	}
	_, other := count(8, 100, 0)
	same := 0
	for a := range first {
		if other[a] {
			same++
		}
	}
	if same == len(first) {
		t.Error("two tasks' rounds are kept by the same members")
	}
	prev := n0
	for polls := 1; polls < 10; polls++ {
		n, _ := count(7, 100, polls)
		if n < prev {
			t.Errorf("after %d polls %d keep, fewer than %d before", polls, n, prev)
		}
		prev = n
	}
	if prev != members {
		t.Errorf("after 9 polls %d of %d keep, want all", prev, members)
	}
	if !keepsNow(12345, 2, 0) {
		t.Error("in a network of 2 members a member does not keep every round")
	}
}

// TestKeepersDrawAColludingTriosAuditors: three seats that hold a whole
// task and voted a made-up result never draw its auditors themselves
// (colluders would wait for a panel of their own, or for none); the
// other nodes, none seated on the task, draw the panel as soon as its
// round can be read.
func TestKeepersDrawAColludingTriosAuditors(t *testing.T) {
	w := newWorldFull(t, 3, 3, nil)
	ctx := context.Background()
	// The running nodes step aside while the task is drawn, so that the
	// three accounts acting by hand take all its seats.
	for _, r := range w.nodes {
		if err := r.node.Pause(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range w.hands {
		if _, err := a.Client.Join(ctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: EngineVersion, Stake: w.net.Network.Params.Registry.MinStake}); err != nil {
			t.Fatal(err)
		}
	}
	a := engine.Args{Kind: engine.KindImage, Model: "base:sd15", Prompt: "a lighthouse", Seed: 1, Width: 128, Height: 128, Count: 1}
	id := w.createTaskDrawn(a, 1, true, "base:sd15")
	ti, err := w.app.Client.Task(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hand := map[common.Address]*simchain.Account{}
	for _, h := range w.hands {
		hand[h.Addr] = h
	}
	for _, s := range ti.Nodes[:3] {
		if hand[s] == nil {
			t.Fatalf("task %d seated %s, not one of the hand-run accounts", id, s)
		}
	}
	for _, r := range w.nodes {
		if err := r.node.Resume(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Two seats agree on a made-up score, the third clearly differs: an
	// audit at once, whose panel the trio leaves undrawn.
	votes := []chain.Vote{
		{Score: make([]byte, 8), ResultHash: common.HexToHash("0x01"), Nonce: [32]byte{1}},
		{Score: make([]byte, 8), ResultHash: common.HexToHash("0x01"), Nonce: [32]byte{2}},
		{Score: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ResultHash: common.HexToHash("0x02"), Nonce: [32]byte{3}},
	}
	for i, s := range ti.Nodes[:3] {
		c, err := hand[s].Client.Commitment(id, votes[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hand[s].Client.Commit(ctx, id, c); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range ti.Nodes[:3] {
		if _, err := hand[s].Client.Disclose(ctx, id, votes[i]); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ti, err = w.app.Client.Task(ctx, id); err != nil {
			t.Fatal(err)
		}
		if ti.Nodes[3] != (common.Address{}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nobody drew the audit panel: %s vacant %09b", ti.State, ti.Vacant)
		}
		time.Sleep(20 * time.Millisecond)
	}
	running := map[common.Address]bool{}
	for _, r := range w.nodes {
		running[r.acct.Addr] = true
	}
	for _, s := range ti.Nodes[3:6] {
		if !running[s] {
			t.Errorf("auditor %s is not one of the running nodes", s)
		}
	}
}

// TestKeepersDrawWhileComputing: every running node is busy computing a
// task (its engine holds the GPU for as long as the test runs) when an
// application creates another and never draws it; the only other
// members are accounts no daemon runs. The busy nodes still keep the
// round, from their own stream of draws, and seat the idle members: a
// node computing does not stop keeping (its task's events wait on the
// engine run, keeping does not).
func TestKeepersDrawWhileComputing(t *testing.T) {
	w := newWorldFull(t, 3, 3, nil)
	ctx := context.Background()
	started := make(chan uint64, 3)
	for _, r := range w.nodes {
		r.engine = slowEngine{started: started}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
		w.start(r, nil)
		w.waitState(r, StateAvailable)
	}
	a := engine.Args{Kind: engine.KindImage, Model: "base:sd15", Prompt: "a lighthouse", Seed: 1, Width: 128, Height: 128, Count: 1}
	busy := w.createTaskDrawn(a, 1, true, "base:sd15")
	for range 3 {
		select {
		case <-started:
		case <-time.After(60 * time.Second):
			t.Fatalf("the three nodes did not all start computing task %d", busy)
		}
	}
	// Idle members that no daemon runs join after the busy task's draw.
	for _, h := range w.hands {
		if _, err := h.Client.Join(ctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: EngineVersion, Stake: w.net.Network.Params.Registry.MinStake}); err != nil {
			t.Fatal(err)
		}
	}
	a.Seed = 2
	id := w.createTaskDrawn(a, 2, false, "base:sd15")
	deadline := time.Now().Add(45 * time.Second)
	var ti chain.TaskInfo
	for {
		var err error
		if ti, err = w.app.Client.Task(ctx, id); err != nil {
			t.Fatal(err)
		}
		if ti.State != chain.TaskDrawing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %d was never drawn while the nodes computed", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	hand := map[common.Address]bool{}
	for _, h := range w.hands {
		hand[h.Addr] = true
	}
	for i, s := range ti.Nodes[:3] {
		if !hand[s] {
			t.Errorf("task %d (%s) seat %d went to %s, not an idle member", id, ti.State, i, s)
		}
	}
}
