package chain_test

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/internal/attack"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// shapingSpec is fSpec ABI-encoded, as the Shaper takes it.
func shapingSpec(t *testing.T, s chain.Spec) []byte {
	t.Helper()
	args := bindings.NewTaskManager().GetABI().Methods["draw"].Inputs[1:]
	b, err := args.Pack(fBinding(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPoolShapingCannotSteer: colluders who, in the block they draw a
// task and with its word known, try every way of pausing and resuming
// their own nodes (2^4 here, each drawn and undone in one transaction)
// never seat more of their nodes than they would with all of them
// available: a draw reads the sets as its round's request saw them, and
// a node's pause only declines its own pick. (When draws read the
// available members of the moment, every pause moved the others and
// resized the pool: a wholly colluding panel was one search away.)
func TestPoolShapingCannotSteer(t *testing.T) {
	const honest, puppets, tasks = 12, 4, 24
	n := simchain.New(t, honest+2, fParams(0))
	fJoin(t, n.Accounts[:honest], 24576, fVer)
	app, owner := n.Accounts[honest], n.Accounts[honest+1]

	sh := attack.NewShaper()
	rcpt, err := owner.Tx.Send(fctx, nil,
		append(common.FromHex(attack.ShaperMetaData.Bin), sh.PackConstructor(n.Network.Tasks, n.Network.Registry)...), nil)
	if err != nil {
		t.Fatal(err)
	}
	shaper := rcpt.ContractAddress
	if _, err := owner.Tx.Send(fctx, &shaper,
		sh.PackSpawn(big.NewInt(puppets), "NVIDIA GeForce RTX 4090", 24576, big.NewInt(int64(fVer.Packed()))),
		simchain.Eth(puppets)); err != nil {
		t.Fatal(err)
	}

	spec := fSpec()
	specABI := shapingSpec(t, spec)
	var seated, improved int
	for range tasks {
		id, _, err := app.Client.Create(fctx, spec, 600, fFee)
		if err != nil {
			t.Fatal(err)
		}
		// A block after the creation's: the round's word is known now.
		n.Backend.Advance(time.Second)
		rcpt, err := owner.Tx.SendFixed(fctx, &shaper, sh.PackShape(new(big.Int).SetUint64(id), specABI), nil, 16_000_000)
		if err != nil {
			data := sh.PackShape(new(big.Int).SetUint64(id), specABI)
			_, cerr := n.Backend.CallContract(fctx, ethereum.CallMsg{From: owner.Addr, To: &shaper, Data: data, Gas: 16_000_000}, nil)
			t.Fatalf("task %d: shape: %v (%v)", id, err, cerr)
		}
		var ev *attack.ShaperShaped
		for _, l := range rcpt.Logs {
			if e, err := sh.UnpackShapedEvent(l); err == nil {
				ev = e
			}
		}
		if ev == nil {
			t.Fatalf("task %d: no Shaped event", id)
		}
		if ev.Best > ev.AllAvailable {
			improved++
			t.Errorf("task %d: pausing and resuming (mask %b) seated %d colluders, %d with all of them available (by mask: %v)",
				id, ev.Mask, ev.Best, ev.AllAvailable, ev.ByMask)
		}
		seated += int(ev.AllAvailable)
		if got := fTask(t, n, id); got.State != chain.TaskCommitting {
			t.Fatalf("task %d is %v after the draw", id, got.State)
		}
		// Nobody commits: the task ends and frees its nodes for the next.
		fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline+1)
		if _, err := app.Client.CloseTask(fctx, id); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("colluders (%d of %d nodes) held %d of %d seats; shaping improved %d of %d draws",
		puppets, honest+puppets, seated, 3*tasks, improved, tasks)
}

// TestDrawSkipsLaterJoiners: nodes that join after a round was requested
// (here: twenty of them, in the block before the draw, outnumbering the
// members three to one) are never seated by that round's draw, and the
// draw still seats three of the members it saw.
func TestDrawSkipsLaterJoiners(t *testing.T) {
	n := simchain.New(t, 28, fParams(0))
	members, app, late := n.Accounts[:6], n.Accounts[6], n.Accounts[7:27]
	fJoin(t, members, 24576, fVer)
	spec := fSpec()
	id, _, err := app.Client.Create(fctx, spec, 600, fFee)
	if err != nil {
		t.Fatal(err)
	}
	fJoin(t, late, 24576, fVer)
	drawn, _, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range drawn[:3] {
		if a == (common.Address{}) {
			t.Fatalf("seat %d is empty: %v", i, drawn)
		}
		for _, l := range late {
			if a == l.Addr {
				t.Errorf("seat %d went to %s, which joined after the round's request", i, a)
			}
		}
	}
	// A task created now draws from everyone.
	fresh := map[common.Address]bool{}
	for range 3 {
		_, seats := fCreate(t, n, app, spec, fFee)
		for _, a := range seats {
			fresh[a.Addr] = true
		}
	}
	var lateSeats int
	for _, l := range late {
		if fresh[l.Addr] {
			lateSeats++
		}
	}
	if lateSeats == 0 {
		t.Error("nine seats drawn after the joins went to none of the twenty newcomers")
	}
}
