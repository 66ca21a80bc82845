package chain_test

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

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

// trialSeats is what a draw of task id would seat now (an eth_call of
// the Shaper's trial, which draws and reverts with the seats).
func trialSeats(t *testing.T, n *simchain.Net, shaper common.Address, id uint64, specABI []byte) [3]common.Address {
	t.Helper()
	sh := attack.NewShaper()
	_, err := n.Backend.CallContract(fctx, ethereum.CallMsg{To: &shaper, Data: sh.PackTrial(new(big.Int).SetUint64(id), specABI), Gas: 10_000_000}, nil)
	var de rpc.DataError
	if !errors.As(err, &de) {
		t.Fatalf("trial draw: %v", err)
	}
	data, derr := hexutil.Decode(fmt.Sprint(de.ErrorData()))
	if derr != nil {
		t.Fatal(derr)
	}
	if len(data) < 4 {
		t.Fatalf("trial draw: %v", err)
	}
	tr, uerr := sh.UnpackTrialError(data[4:])
	if uerr != nil {
		t.Fatalf("trial draw: %v (%v)", err, uerr)
	}
	return tr.Seats
}

// deployShaper deploys a Shaper from acct.
func deployShaper(t *testing.T, n *simchain.Net, acct *simchain.Account) common.Address {
	t.Helper()
	sh := attack.NewShaper()
	rcpt, err := acct.Tx.Send(fctx, nil,
		append(common.FromHex(attack.ShaperMetaData.Bin), sh.PackConstructor(n.Network.Tasks, n.Network.Registry)...), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rcpt.ContractAddress
}

// TestDrawIgnoresLaterGrowth: after a round's word is known, 33
// identities join the largest VRAM class, empty until then, which the
// task's need reaches: five doublings of its slots (they quit before the
// next task, whose draw meets freed slots). The draw
// seats exactly whom it would have seated before: the slot counts are
// read as of the request, however many doublings came after (with the
// last five remembered only, the count of that class read 4, not 0, and
// every pick moved).
func TestDrawIgnoresLaterGrowth(t *testing.T) {
	n := simchain.New(t, 12+1+33, fParams(0))
	fJoin(t, n.Accounts[:12], 24576, fVer)
	app, late := n.Accounts[12], n.Accounts[13:]
	shaper := deployShaper(t, n, app)
	spec := fSpec()
	specABI := shapingSpec(t, spec)
	for range 6 {
		id, _, err := app.Client.Create(fctx, spec, 600, fFee)
		if err != nil {
			t.Fatal(err)
		}
		n.Backend.Advance(time.Second)
		before := trialSeats(t, n, shaper, id, specABI)
		// Within the draw window (a block a second): joins only; each
		// quits before the next task's.
		fJoin(t, late, 131072, fVer)
		if after := trialSeats(t, n, shaper, id, specABI); after != before {
			t.Fatalf("task %d: 33 joins after the request changed the draw from %v to %v", id, before, after)
		}
		drawn, _, err := app.Client.Draw(fctx, id, spec)
		if err != nil {
			t.Fatal(err)
		}
		if [3]common.Address(drawn[:3]) != before {
			t.Fatalf("task %d drew %v, the trial %v", id, drawn[:3], before)
		}
		for _, a := range late {
			if _, err := a.Client.Quit(fctx); err != nil {
				t.Fatal(err)
			}
		}
		fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline+1)
		if _, err := app.Client.CloseTask(fctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHolderBranchFixedAtRequest: a model has exactly minHolders proven
// holders when a task needing it asks for its round; then one of them
// drops the model, which would send the draw to the pools alone. The
// draw seats what it would have: whether a draw prefers the holders is
// decided by their count as of the request.
func TestHolderBranchFixedAtRequest(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	m := common.HexToHash("0x5d15")
	fJoin(t, n.Accounts[:3], 24576, fVer, m)
	app := n.Accounts[9]
	if _, err := n.RunHonestTask(fctx, app, fSpec(m), fFee); err != nil {
		t.Fatal(err)
	}
	if got := fHolders(t, n, m); got != 3 {
		t.Fatalf("%d holders after a paid task, want 3", got)
	}
	fJoin(t, n.Accounts[3:9], 24576, fVer, m)
	shaper := deployShaper(t, n, app)
	spec := fSpec(m)
	specABI := shapingSpec(t, spec)
	// A task whose draw would leave a holder unseated: that holder drops
	// the model (one it would seat could only decline its own seat).
	var id uint64
	var before [3]common.Address
	var dropper *simchain.Account
	for try := 0; dropper == nil; try++ {
		if try == 5 {
			t.Fatal("five draws in a row seated every holder")
		}
		var err error
		if id, _, err = app.Client.Create(fctx, spec, 600, fFee); err != nil {
			t.Fatal(err)
		}
		n.Backend.Advance(time.Second)
		before = trialSeats(t, n, shaper, id, specABI)
		for _, h := range n.Accounts[:3] {
			if !slices.Contains(before[:], h.Addr) {
				dropper = h
			}
		}
	}
	if _, err := dropper.Client.ReportModel(fctx, m, false); err != nil {
		t.Fatal(err)
	}
	if got := fHolders(t, n, m); got != 2 {
		t.Fatalf("%d holders after a drop, want 2", got)
	}
	if after := trialSeats(t, n, shaper, id, specABI); after != before {
		t.Fatalf("a holder dropping the model after the request changed the draw from %v to %v", before, after)
	}
}
