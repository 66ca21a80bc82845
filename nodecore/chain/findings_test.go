package chain_test

// One test per finding of the adversarial review of protocol v1 (issue 15),
// each on the simulated chain, showing that the attack it found is now
// refused or does not pay. The helpers are prefixed f so that they cannot
// clash with the other test files of the package.

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

var (
	fctx = context.Background()
	fVer = chain.Version{Major: 1, Minor: 2, Patch: 3}
	// fTrue is the honest score of the findings' image tasks: four images.
	fTrue = chain.ImageScore(0x0123456789abcdef, 0xfedcba9876543210, 0x0f1e2d3c4b5a6978, 0x8796a5b4c3d2e1f0)
	// fFake is a made-up score: every bit of every image differs from fTrue.
	fFake = chain.ImageScore(^uint64(0x0123456789abcdef), ^uint64(0xfedcba9876543210), ^uint64(0x0f1e2d3c4b5a6978), ^uint64(0x8796a5b4c3d2e1f0))
	fFee  = simchain.Eth(3)
)

// fParams is DefaultParams with the audit rate set explicitly.
func fParams(auditBps uint16) *chain.Params {
	p := chain.DefaultParams()
	p.Tasks.AuditRateBps = auditBps
	return &p
}

// fJoin makes each account a node with a card of vram MiB, of version v,
// declaring models, with the minimum stake (1 ETH).
func fJoin(t *testing.T, accts []*simchain.Account, vram uint32, v chain.Version, models ...common.Hash) {
	t.Helper()
	for _, a := range accts {
		_, err := a.Client.Join(fctx, chain.JoinRequest{
			GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: vram, Version: v, Models: models, Stake: simchain.Eth(1),
		})
		if err != nil {
			t.Fatalf("join %s: %v", a.Addr, err)
		}
	}
}

// fSpec is an image task of version fVer needing 8 GiB.
func fSpec(models ...common.Hash) chain.Spec {
	return chain.Spec{Type: chain.TaskImage, ArgsHash: common.HexToHash("0xf1"), Models: models, MinVRAMMiB: 8192, Version: fVer}
}

// fBinding is a spec as the contract's ABI takes it.
func fBinding(s chain.Spec) bindings.TaskManagerSpec {
	ms := make([][32]byte, len(s.Models))
	for i, m := range s.Models {
		ms[i] = m
	}
	return bindings.TaskManagerSpec{
		TaskType: uint8(s.Type), ArgsHash: s.ArgsHash, Models: ms, MinVramMiB: s.MinVRAMMiB, GpuId: s.GPU,
		Version: big.NewInt(int64(s.Version.Packed())),
	}
}

// fAccts maps addresses to the net's accounts (nil for the zero address).
func fAccts(t *testing.T, n *simchain.Net, addrs []common.Address) []*simchain.Account {
	t.Helper()
	out := make([]*simchain.Account, len(addrs))
	for i, a := range addrs {
		if a == (common.Address{}) {
			continue
		}
		if out[i] = n.Account(a); out[i] == nil {
			t.Fatalf("seat %d: %s is none of ours", i, a)
		}
	}
	return out
}

// fLateDraw draws a replacement after a wait past the draw window (a
// yield's sit-out): the first draw only asks for a new round, seating
// nobody; the second, within that round's window, seats.
func fLateDraw(t *testing.T, app *simchain.Account, id uint64, spec chain.Spec) [chain.Seats]common.Address {
	t.Helper()
	drawn, _, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	if drawn != ([chain.Seats]common.Address{}) {
		t.Fatalf("a draw past the draw window seated %v", drawn)
	}
	if drawn, _, err = app.Client.Draw(fctx, id, spec); err != nil {
		t.Fatal(err)
	}
	return drawn
}

// fDrawAfterJoins draws seats of task id for nodes that joined after its
// round was requested: that round's draw never seats them (it reads the
// pools as the request saw them), so when it seats nobody (an audit then
// waits and asks for a new round) it draws again, from the new round.
func fDrawAfterJoins(t *testing.T, app *simchain.Account, id uint64, spec chain.Spec) [chain.Seats]common.Address {
	t.Helper()
	for range 2 {
		drawn, _, err := app.Client.Draw(fctx, id, spec)
		if err != nil {
			t.Fatal(err)
		}
		if drawn != ([chain.Seats]common.Address{}) {
			return drawn
		}
	}
	t.Fatalf("task %d: two draws seated nobody", id)
	return [chain.Seats]common.Address{}
}

// fCreate creates a task and draws its three nodes.
func fCreate(t *testing.T, n *simchain.Net, app *simchain.Account, spec chain.Spec, fee *big.Int) (uint64, []*simchain.Account) {
	t.Helper()
	id, addrs, _, err := app.Client.CreateTask(fctx, spec, 600, fee)
	if err != nil {
		t.Fatalf("create task: %v", err)
	}
	return id, fAccts(t, n, addrs[:])
}

// fVote is a vote for score with a fresh nonce and result hash.
func fVote(t *testing.T, score []byte) chain.Vote {
	t.Helper()
	v := chain.Vote{Score: score}
	if _, err := rand.Read(v.Nonce[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(v.ResultHash[:]); err != nil {
		t.Fatal(err)
	}
	return v
}

// fVotes is one fresh vote per score.
func fVotes(t *testing.T, scores ...[]byte) []chain.Vote {
	t.Helper()
	out := make([]chain.Vote, len(scores))
	for i, s := range scores {
		out[i] = fVote(t, s)
	}
	return out
}

func fCommit(t *testing.T, a *simchain.Account, id uint64, v chain.Vote) *types.Receipt {
	t.Helper()
	c, err := a.Client.Commitment(id, v)
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.Client.Commit(fctx, id, c)
	if err != nil {
		t.Fatalf("commit by %s: %v", a.Addr, err)
	}
	return r
}

func fDisclose(t *testing.T, a *simchain.Account, id uint64, v chain.Vote) {
	t.Helper()
	if _, err := a.Client.Disclose(fctx, id, v); err != nil {
		t.Fatalf("disclose by %s: %v", a.Addr, err)
	}
}

// fVotesBy is each seat's vote on the score that score gives its node.
func fVotesBy(t *testing.T, seats []*simchain.Account, score func(*simchain.Account) []byte) []chain.Vote {
	t.Helper()
	votes := make([]chain.Vote, len(seats))
	for i, a := range seats {
		votes[i] = fVote(t, score(a))
	}
	return votes
}

// fOne gives node one score and every other node another.
func fOne(node *simchain.Account, its, others []byte) func(*simchain.Account) []byte {
	return func(a *simchain.Account) []byte {
		if a == node {
			return its
		}
		return others
	}
}

// fPlay has each seat commit its vote, then each disclose it.
func fPlay(t *testing.T, id uint64, seats []*simchain.Account, votes []chain.Vote) {
	t.Helper()
	for i, a := range seats {
		fCommit(t, a, id, votes[i])
	}
	for i, a := range seats {
		fDisclose(t, a, id, votes[i])
	}
}

// fSubmit records the result with vote; the fee is paid then.
func fSubmit(t *testing.T, a *simchain.Account, id uint64, v chain.Vote) {
	t.Helper()
	if _, err := a.Client.SubmitResult(fctx, id, v); err != nil {
		t.Fatalf("submit result by %s: %v", a.Addr, err)
	}
}

func fTask(t *testing.T, n *simchain.Net, id uint64) chain.TaskInfo {
	t.Helper()
	return taskOf(t, n.Deployer.Client, id)
}

func fNode(t *testing.T, n *simchain.Net, a common.Address) chain.NodeInfo {
	t.Helper()
	return nodeOf(t, n.Deployer.Client, a)
}

func fFeeBal(t *testing.T, n *simchain.Net, a common.Address) *big.Int {
	t.Helper()
	return feeOf(t, n.Deployer.Client, a)
}

func fStakeBal(t *testing.T, n *simchain.Net, a common.Address) *big.Int {
	t.Helper()
	b, err := n.Deployer.Client.StakeBalance(fctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fProven(t *testing.T, n *simchain.Net, a common.Address, m common.Hash) bool {
	t.Helper()
	ok, err := n.Deployer.Client.IsProven(fctx, a, m)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func fHolders(t *testing.T, n *simchain.Net, m common.Hash) uint64 {
	t.Helper()
	c, err := n.Deployer.Client.HolderCount(fctx, m)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fRevert(t *testing.T, err error, name string) {
	t.Helper()
	if !chain.IsRevert(err, name) {
		t.Fatalf("got %v, want revert %s", err, name)
	}
}

// fNow is the timestamp of the chain's head.
func fNow(t *testing.T, n *simchain.Net) uint64 {
	t.Helper()
	h, err := n.Backend.HeaderByNumber(fctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.Time
}

// fTime is the timestamp of the block a receipt is in.
func fTime(t *testing.T, n *simchain.Net, r *types.Receipt) uint64 {
	t.Helper()
	h, err := n.Backend.HeaderByNumber(fctx, r.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	return h.Time
}

// fAdvanceTo moves the chain's clock so that the head block is at ts or
// just after: a transaction's gas estimate (run on the head) and the
// transaction itself (in the next block) both see a time >= ts.
func fAdvanceTo(t *testing.T, n *simchain.Net, ts uint64) {
	t.Helper()
	if now := fNow(t, n); ts > now+1 {
		n.Backend.Advance(time.Duration(ts-now-1) * time.Second)
	}
	for fNow(t, n) < ts {
		n.Backend.Advance(time.Second)
	}
}

// fPastCommitDeadline moves the clock past task id's commit deadline and
// has anyone close the commit phase: with at least two commits that opens
// disclosure for the nodes that committed.
func fPastCommitDeadline(t *testing.T, n *simchain.Net, id uint64) {
	t.Helper()
	fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline+1)
	if _, err := n.Deployer.Client.CloseTask(fctx, id); err != nil {
		t.Fatalf("close the commit phase: %v", err)
	}
	if st := fTask(t, n, id).State; st != chain.TaskDisclosing {
		t.Fatalf("closing the commit phase led to %s, want disclosing", st)
	}
}

// fFlip has a flip the pending audit coin of task id, validated by its
// own nodes, with CloseTask (which lands after the judging block), and
// returns the receipt: then either an audit starts or the verdicts are
// final.
func fFlip(t *testing.T, n *simchain.Net, a *simchain.Account, id uint64) *types.Receipt {
	t.Helper()
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || !ti.Coin {
		t.Fatalf("task %d is %s with coin %v: no coin to flip", id, ti.State, ti.Coin)
	}
	r, err := a.Client.CloseTask(fctx, id)
	if err != nil {
		t.Fatalf("flip the audit coin: %v", err)
	}
	if fTask(t, n, id).Coin {
		t.Fatal("the audit coin is still to flip after CloseTask")
	}
	return r
}

// fCount is how many logs of the receipt decode to an event of type T.
func fCount[T any](r *types.Receipt) int {
	c := 0
	for _, l := range r.Logs {
		if ev, err := chain.Decode(*l); err == nil {
			if _, ok := ev.(T); ok {
				c++
			}
		}
	}
	return c
}

// fTryDraw asks the chain (by estimating the draw, sending nothing when it
// reverts) whether task id's seats can be drawn now, in the head block.
func fTryDraw(n *simchain.Net, from *simchain.Account, id uint64, spec chain.Spec) error {
	data := bindings.NewTaskManager().PackDraw(new(big.Int).SetUint64(id), fBinding(spec))
	_, err := from.Tx.Send(fctx, &n.Network.Tasks, data, nil)
	return err
}

// fTryClose asks the chain (by estimating a close, sending nothing when it
// reverts) whether task id can be closed now, in the head block.
func fTryClose(n *simchain.Net, from *simchain.Account, id uint64) error {
	data := bindings.NewTaskManager().PackClose(new(big.Int).SetUint64(id))
	_, err := from.Tx.Send(fctx, &n.Network.Tasks, data, nil)
	return err
}

// fIndex is the seat of a among seats, or -1.
func fIndex(seats []*simchain.Account, a *simchain.Account) int {
	for i, s := range seats {
		if s == a {
			return i
		}
	}
	return -1
}

func fEth(num, den int64) *big.Int {
	return new(big.Int).Div(simchain.Eth(num), big.NewInt(den))
}

// fWantShared checks that amounts add up to total, split equally (the
// rounding dust to one of them).
func fWantShared(t *testing.T, what string, amounts []*big.Int, total *big.Int) {
	t.Helper()
	sum := new(big.Int)
	each := new(big.Int).Div(total, big.NewInt(int64(len(amounts))))
	dust := new(big.Int).Sub(total, new(big.Int).Mul(each, big.NewInt(int64(len(amounts)))))
	for _, a := range amounts {
		sum.Add(sum, a)
		if d := new(big.Int).Sub(a, each); d.Sign() < 0 || d.Cmp(dust) > 0 {
			t.Errorf("%s: %s, want %s (+ up to %s of dust)", what, a, each, dust)
		}
	}
	if sum.Cmp(total) != 0 {
		t.Errorf("%s: %s in all, want %s", what, sum, total)
	}
}

func fWantBig(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Errorf("%s: %s, want %s", what, got, want)
	}
}

// TestFinding01UnverifiedClaims covers finding 1: identities with no GPU
// that claim a model (at join and with reportModel) and a huge card gain no
// preference. Only validated work puts a node in a model's holder set, so
// the claimers are no holders; with three proven holders every task gets
// two proven holders and at most one claimer, who cannot compute, times
// out, earns nothing and proves nothing.
func TestFinding01UnverifiedClaims(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	holders, newcomers, fakes, app := n.Accounts[:3], n.Accounts[3:6], n.Accounts[6:9], n.Accounts[9]
	m := chain.ModelHash("base:fresh-model")
	spec := fSpec(m)

	fJoin(t, holders, 24576, fVer, m)
	if got := fHolders(t, n, m); got != 0 {
		t.Fatalf("declaring a model at join made %d holders, want 0", got)
	}
	// Proof by work: one validated task with m makes its nodes holders.
	if _, err := n.RunHonestTask(fctx, app, spec, fFee); err != nil {
		t.Fatal(err)
	}
	if got := fHolders(t, n, m); got != 3 {
		t.Fatalf("after validated work: %d holders, want 3", got)
	}

	fJoin(t, newcomers, 24576, fVer)
	fJoin(t, fakes, 81920, fVer, m) // claims: an 80 GiB card and the model
	for _, f := range fakes {
		if _, err := f.Client.ReportModel(fctx, m, true); err != nil {
			t.Fatal(err)
		}
		if fProven(t, n, f.Addr, m) {
			t.Fatalf("claimer %s is a proven holder", f.Addr)
		}
	}
	if got := fHolders(t, n, m); got != 3 {
		t.Fatalf("claims changed the holder set: %d holders, want 3", got)
	}

	isFake := map[*simchain.Account]bool{fakes[0]: true, fakes[1]: true, fakes[2]: true}
	fakeSeats := 0
	for round := range 12 {
		id, seats := fCreate(t, n, app, spec, fFee)
		proven, fake := 0, 0
		for _, s := range seats {
			if fProven(t, n, s.Addr, m) {
				proven++
			}
			if isFake[s] {
				fake++
			}
		}
		if proven < 2 || fake > 1 {
			t.Fatalf("task %d: %d proven holders and %d claimers among its nodes, want >= 2 and <= 1", round, proven, fake)
		}
		fakeSeats += fake
		votes := fVotes(t, fTrue, fTrue, fTrue)
		var honest []int
		for i, s := range seats {
			if !isFake[s] {
				honest = append(honest, i)
				fCommit(t, s, id, votes[i])
			}
		}
		if fake > 0 { // a claimer without a GPU has no score to commit
			fPastCommitDeadline(t, n, id)
		}
		for _, i := range honest {
			fDisclose(t, seats[i], id, votes[i])
		}
		if ti := fTask(t, n, id); ti.State != chain.TaskValidated {
			t.Fatalf("task %d: %s, want validated", round, ti.State)
		}
		fSubmit(t, seats[honest[0]], id, votes[honest[0]])
	}
	for _, f := range fakes {
		if fProven(t, n, f.Addr, m) {
			t.Errorf("claimer %s became a holder without work", f.Addr)
		}
		if b := fFeeBal(t, n, f.Addr); b.Sign() != 0 {
			t.Errorf("claimer %s earned %s", f.Addr, b)
		}
	}
	t.Logf("claimers held %d of 36 seats; holders now %d", fakeSeats, fHolders(t, n, m))
}

// TestFinding02CreatorCannotChooseNodes covers finding 2: creating a task
// draws nobody (the TaskCreated transaction assigns no seat), and a draw in
// the creation block, where a creator contract would have to read it, is
// refused with TooEarly. The draw in a later block gives the same seats
// whoever sends it and whichever later block it lands in: a reorg that
// replaces the drawing block with another, drawn by someone else, yields
// the same nodes.
func TestFinding02CreatorCannotChooseNodes(t *testing.T) {
	n := simchain.New(t, 8, fParams(0))
	nodes, app, x, y := n.Accounts[:5], n.Accounts[5], n.Accounts[6], n.Accounts[7]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()

	// The creation and a draw in one block, the draw after it.
	n.Backend.Manual = true
	waitPending := func(a *simchain.Account, before uint64) {
		t.Helper()
		for range 1000 {
			if nonce, err := n.Backend.PendingNonceAt(fctx, a.Addr); err == nil && nonce > before {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		t.Fatalf("%s's transaction never reached the pool", a.Addr)
	}
	appNonce, err := n.Backend.PendingNonceAt(fctx, app.Addr)
	if err != nil {
		t.Fatal(err)
	}
	xNonce, err := n.Backend.PendingNonceAt(fctx, x.Addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var id uint64
	var rc, rd *types.Receipt
	var errC, errD error
	wg.Add(1)
	go func() {
		defer wg.Done()
		id, rc, errC = app.Client.Create(fctx, spec, 600, fFee)
	}()
	waitPending(app, appNonce)
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Unestimated: an estimate runs on the head block, which has no
		// task 1 yet; a creator contract would draw in the same block.
		data := bindings.NewTaskManager().PackDraw(big.NewInt(1), fBinding(spec))
		rd, errD = x.Tx.SendFixed(fctx, &n.Network.Tasks, data, nil, chain.DrawGas)
	}()
	waitPending(x, xNonce)
	n.Backend.Sim.Commit()
	wg.Wait()
	n.Backend.Manual = false
	if errC != nil {
		t.Fatal(errC)
	}
	if id != 1 {
		t.Fatalf("task id %d, want 1", id)
	}
	if fCount[*bindings.TaskManagerTaskAssigned](rc) != 0 {
		t.Error("createTask assigned seats")
	}
	if rd == nil || rd.BlockNumber.Cmp(rc.BlockNumber) != 0 || rd.TransactionIndex <= rc.TransactionIndex {
		t.Fatalf("the draw did not land after the creation in its block: %+v", rd)
	}
	fRevert(t, errD, "TooEarly")
	ti := fTask(t, n, id)
	if ti.State != chain.TaskDrawing || ti.Vacant != chain.TaskSeats || ti.Nodes != [chain.Seats]common.Address{} {
		t.Fatalf("after creation: %s vacant %03b nodes %v, want drawing, all seats empty", ti.State, ti.Vacant, ti.Nodes)
	}
	if ti.Round != rc.BlockNumber.Uint64() {
		t.Errorf("round %d, want the creation block %d", ti.Round, rc.BlockNumber)
	}

	// A later block: x draws.
	s1, r1, err := x.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	if fTask(t, n, id).State != chain.TaskCommitting {
		t.Fatal("the draw did not start the task")
	}
	// Replace that block with another, at another time, where y draws.
	if err := n.Backend.Sim.Fork(rc.BlockHash); err != nil {
		t.Fatal(err)
	}
	for quiet := 0; quiet < 3; {
		n.Backend.Sim.Rollback() // x's draw comes back to the pool: drop it
		time.Sleep(10 * time.Millisecond)
		if c, err := n.Backend.PendingTransactionCount(fctx); err == nil && c == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
	s2, r2, err := y.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	if r2.BlockHash == r1.BlockHash {
		t.Fatal("the second draw landed in the same block")
	}
	if s1 != s2 || s1[0] == (common.Address{}) {
		t.Errorf("draws by different callers in different blocks gave %v and %v", s1, s2)
	}
}

// TestFinding02LateDrawEndsTheTask: the pools a draw reads change from
// block to block, so a creator that waits to draw until they suit it
// would choose its nodes after all. A draw must come within the draw
// window of its round: a task whose nodes nobody drew by then ends with
// the minimum fee burned (the rest refunded), and a late replacement draw
// only requests a new round.
func TestFinding02LateDrawEndsTheTask(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 6, p)
	nodes, app, spare := n.Accounts[:3], n.Accounts[4], n.Accounts[3]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()

	id, _, err := app.Client.Create(fctx, spec, 600, fFee)
	if err != nil {
		t.Fatal(err)
	}
	if ti := fTask(t, n, id); ti.RequestedAt == 0 {
		t.Fatal("the round's request time was not recorded")
	}
	n.Backend.Advance(time.Duration(p.Tasks.DrawWindow+1) * time.Second)
	before, err := app.Client.FeeBalance(fctx, app.Addr)
	if err != nil {
		t.Fatal(err)
	}
	seats, r, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatalf("a late draw reverted: %v", err)
	}
	if seats != [chain.Seats]common.Address{} || fCount[*bindings.TaskManagerTaskAssigned](r) != 0 {
		t.Fatalf("a late draw seated %v", seats)
	}
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeDrawMissed {
		t.Fatalf("late draw: %s %s, want aborted draw-missed", ti.State, ti.Outcome)
	}
	after, err := app.Client.FeeBalance(fctx, app.Addr)
	if err != nil {
		t.Fatal(err)
	}
	refund := new(big.Int).Sub(after, before)
	if want := new(big.Int).Sub(fFee, p.Tasks.MinFee); refund.Cmp(want) != 0 {
		t.Errorf("refund %s, want the fee less the minimum fee %s", refund, want)
	}
	burned, err := app.Client.Burned(fctx)
	if err != nil {
		t.Fatal(err)
	}
	if burned.Cmp(p.Tasks.MinFee) != 0 {
		t.Errorf("burned %s, want the minimum fee %s", burned, p.Tasks.MinFee)
	}
	for _, a := range nodes {
		if info, err := a.Client.Node(fctx, a.Addr); err != nil || info.State != chain.NodeAvailable {
			t.Errorf("node %s after a missed draw: %v %v, want available", a.Addr, info.State, err)
		}
	}

	// A drawn task whose seat was yielded: a late replacement draw asks
	// for a new round, and a draw within that round's window seats one.
	id, seats3 := fCreate(t, n, app, spec, fFee)
	fJoin(t, []*simchain.Account{spare}, 24576, fVer)
	if _, err := seats3[0].Client.Yield(fctx, id, spec, false); err != nil {
		t.Fatal(err)
	}
	first := fTask(t, n, id)
	n.Backend.Advance(time.Duration(p.Tasks.DrawWindow+1) * time.Second)
	if seats, _, err = app.Client.Draw(fctx, id, spec); err != nil {
		t.Fatal(err)
	}
	ti = fTask(t, n, id)
	if seats != [chain.Seats]common.Address{} || ti.Vacant == 0 || ti.Round == first.Round || ti.State != chain.TaskCommitting {
		t.Fatalf("a late replacement draw: seats %v vacant %03b round %d (was %d) %s, want nothing seated and a new round", seats, ti.Vacant, ti.Round, first.Round, ti.State)
	}
	if seats, _, err = app.Client.Draw(fctx, id, spec); err != nil {
		t.Fatal(err)
	}
	if seats[0] != spare.Addr {
		t.Errorf("the replacement drawn in time is %v, want the only free node %s", seats, spare.Addr)
	}
}

// TestFinding03RisklessCollusion covers finding 3: collusion is no longer
// riskless. A pair holding two seats that agrees on a made-up score
// disagrees with the honest third, which forces an audit. The first panel
// sides with the truth, but a first panel can only confirm what the task's
// agreeing pair says, never overturn it (three colluding auditors could
// otherwise do that to any honest task), so a second panel, drawn after
// the first disclosed, decides: unanimous with the first panel, it gets
// both colluders slashed wholly (their stake shared by the seven honest
// seats, who also share the fee). A colluder holding a single seat that
// commits and never discloses is slashed silencePenaltyBps of its stake.
func TestFinding03RisklessCollusion(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 11, p)
	c1, c2, victim := n.Accounts[0], n.Accounts[1], n.Accounts[2]
	auditors, c3, app, second := n.Accounts[3:6], n.Accounts[6], n.Accounts[7], n.Accounts[8:11]
	spec := fSpec()

	// Two seats: the pair cheats, is audited and slashed.
	fJoin(t, []*simchain.Account{c1, c2, victim}, 24576, fVer)
	id, seats := fCreate(t, n, app, spec, fFee)
	votes := fVotesBy(t, seats, fOne(victim, fTrue, fFake))
	fPlay(t, id, seats, votes)
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("a disagreement led to %s, want auditing", st)
	}
	fJoin(t, auditors, 24576, fVer)
	drawn := fDrawAfterJoins(t, app, id, spec)
	aud := fAccts(t, n, drawn[3:6])
	fPlay(t, id, aud, fVotes(t, fTrue, fTrue, fTrue))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAuditing || ti.Panels != 2 || ti.Slashed != 0 {
		t.Fatalf("a first panel against the task's pair: %s panels %d slashed %09b, want a second panel, nobody slashed yet", ti.State, ti.Panels, ti.Slashed)
	}
	fJoin(t, second, 24576, fVer)
	drawn = fDrawAfterJoins(t, app, id, spec)
	aud2 := fAccts(t, n, drawn[6:9])
	fPlay(t, id, aud2, fVotes(t, fTrue, fTrue, fTrue))
	ti = fTask(t, n, id)
	vs := fIndex(seats, victim)
	if ti.State != chain.TaskValidated || ti.Honest != chain.AuditSeats|1<<vs || ti.Slashed != chain.TaskSeats&^(1<<vs) {
		t.Fatalf("after the audit: %s honest %09b slashed %09b", ti.State, ti.Honest, ti.Slashed)
	}
	fSubmit(t, victim, id, votes[vs])
	for _, c := range []*simchain.Account{c1, c2} {
		ni := fNode(t, n, c.Addr)
		if ni.State != chain.NodeQuit || ni.Stake.Sign() != 0 || ni.Unbonding.Sign() != 0 || ni.Slashes != 1 {
			t.Errorf("colluder: %s stake %s unbonding %s slashes %d, want quit with nothing", ni.State, ni.Stake, ni.Unbonding, ni.Slashes)
		}
		fWantBig(t, "colluder's fee", fFeeBal(t, n, c.Addr), new(big.Int))
	}
	var shares, fees []*big.Int
	for _, h := range append(append([]*simchain.Account{victim}, aud...), aud2...) {
		shares = append(shares, fStakeBal(t, n, h.Addr))
		fees = append(fees, fFeeBal(t, n, h.Addr))
	}
	fWantShared(t, "honest seats' shares of the slashed stake", shares, simchain.Eth(2))
	fWantShared(t, "honest seats' fees", fees, fFee)

	// One seat: committing junk and hiding costs stake.
	fJoin(t, []*simchain.Account{c3}, 24576, fVer)
	away := append(append([]*simchain.Account{}, auditors[1:]...), second...)
	for _, a := range away {
		if _, err := a.Client.Pause(fctx); err != nil {
			t.Fatal(err)
		}
	}
	id, seats = fCreate(t, n, app, spec, fFee) // victim, auditors[0], c3
	for _, a := range away {
		if _, err := a.Client.Resume(fctx); err != nil {
			t.Fatal(err)
		}
	}
	votes = fVotes(t, fTrue, fTrue, fTrue)
	for i, s := range seats {
		if s == c3 {
			votes[i] = fVote(t, fFake)
		}
		fCommit(t, s, id, votes[i])
	}
	for i, s := range seats {
		if s != c3 {
			fDisclose(t, s, id, votes[i])
		}
	}
	fAdvanceTo(t, n, fTask(t, n, id).DiscloseDeadline+1)
	if _, err := app.Client.CloseTask(fctx, id); err != nil {
		t.Fatal(err)
	}
	// Judged: validated by the two that disclosed, the audit coin still to
	// flip, so nobody's verdict is final and the colluder is still held.
	ti = fTask(t, n, id)
	cs := fIndex(seats, c3)
	if ti.State != chain.TaskValidated || !ti.Coin || ti.Honest != chain.TaskSeats&^(1<<cs) || ti.Slashed != 0 {
		t.Fatalf("silent colluder, judged: %s coin %v honest %03b slashed %03b, want validated, coin pending, nobody slashed yet",
			ti.State, ti.Coin, ti.Honest, ti.Slashed)
	}
	if ni := fNode(t, n, c3.Addr); ni.State != chain.NodeBusy || ni.Task != id || ni.Stake.Cmp(simchain.Eth(1)) != 0 {
		t.Fatalf("silent colluder before the coin: %s task %d stake %s, want busy on task %d with its stake", ni.State, ni.Task, ni.Stake, id)
	}
	fFlip(t, n, app, id) // no audit at rate 0: the verdicts are final
	ti = fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Honest != chain.TaskSeats&^(1<<cs) || ti.Slashed != 1<<cs {
		t.Fatalf("silent colluder: %s honest %03b slashed %03b, want validated, seat %d slashed", ti.State, ti.Honest, ti.Slashed, cs)
	}
	ni := fNode(t, n, c3.Addr)
	penalty := new(big.Int).Div(new(big.Int).Mul(simchain.Eth(1), big.NewInt(int64(p.Registry.SilencePenaltyBps))), big.NewInt(10_000))
	if ni.Slashes != 1 || new(big.Int).Add(ni.Stake, ni.Unbonding).Cmp(new(big.Int).Sub(simchain.Eth(1), penalty)) != 0 {
		t.Errorf("silent colluder: stake %s unbonding %s slashes %d, want %s lost", ni.Stake, ni.Unbonding, ni.Slashes, penalty)
	}
}

// TestFinding03ColludingAuditorsSlashAgreeingNodes covers finding 3 from
// the auditors' side: colluders drawn as auditors (they see it in
// TaskAssigned before they commit, so they act only then) cannot get a
// task's agreeing nodes slashed. A first panel can only confirm the task;
// any other first panel, even three colluders of three, calls a second
// panel, drawn after the first disclosed, which the colluders cannot see
// when they vote. Three honest auditors there confirm the task, and every
// colluder, on the wrong side of an audited verdict, loses its whole
// stake to the honest seats. (Overturning a task takes a second panel
// unanimous with a first-panel auditor: at f = ⅓ colluding, one audit in
// 27 for a panel whose auditors all collude, less than their stake at
// risk; see docs/protocol.md.)
func TestFinding03ColludingAuditorsSlashAgreeingNodes(t *testing.T) {
	n := simchain.New(t, 13, fParams(10_000)) // every agreeing task audited
	honest, colluders, h4, trio, app, second := n.Accounts[:3], n.Accounts[3:5], n.Accounts[5], n.Accounts[6:9], n.Accounts[9], n.Accounts[10:13]
	spec := fSpec()
	fJoin(t, honest, 24576, fVer)
	fJoin(t, second, 24576, fVer)
	pause := func(accts ...*simchain.Account) {
		t.Helper()
		for _, a := range accts {
			if _, err := a.Client.Pause(fctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	resume := func(accts ...*simchain.Account) {
		t.Helper()
		for _, a := range accts {
			if _, err := a.Client.Resume(fctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	pause(second...)

	// audit has the task's nodes agree on the true score, the coin flipped
	// by the creator, and the first panel drawn from the nodes joined now.
	audit := func(joining []*simchain.Account) (uint64, []*simchain.Account, []chain.Vote, []*simchain.Account) {
		t.Helper()
		id, seats := fCreate(t, n, app, spec, fFee)
		votes := fVotes(t, fTrue, fTrue, fTrue)
		fPlay(t, id, seats, votes)
		if ti := fTask(t, n, id); ti.State != chain.TaskValidated || !ti.Coin || ti.Honest != chain.TaskSeats {
			t.Fatalf("agreeing task: %s coin %v honest %03b, want validated, coin pending", ti.State, ti.Coin, ti.Honest)
		}
		fFlip(t, n, app, id)
		if st := fTask(t, n, id).State; st != chain.TaskAuditing {
			t.Fatalf("at a 100 %% audit rate the coin led to %s", st)
		}
		fJoin(t, joining, 24576, fVer)
		drawn := fDrawAfterJoins(t, app, id, spec)
		return id, seats, votes, fAccts(t, n, drawn[3:6])
	}
	// secondPanel checks that the first panel settled nothing, draws the
	// second panel from `second`, which votes the truth.
	secondPanel := func(id uint64, what string) {
		t.Helper()
		if ti := fTask(t, n, id); ti.State != chain.TaskAuditing || ti.Panels != 2 || ti.Slashed != 0 {
			t.Fatalf("%s: %s panels %d slashed %09b, want a second panel, nobody slashed yet", what, ti.State, ti.Panels, ti.Slashed)
		}
		resume(second...)
		// Three available among many members: a draw may miss one of
		// them; the audit then waits and draws again from a new round.
		drawn := fDrawAfterJoins(t, app, id, spec)
		aud2 := fAccts(t, n, drawn[6:9])
		for _, a := range aud2 {
			if fIndex(second, a) < 0 {
				t.Fatalf("second panel %v: want %v", aud2, second)
			}
		}
		fPlay(t, id, aud2, fVotes(t, fTrue, fTrue, fTrue))
	}
	stakes := func(accts []*simchain.Account) []*big.Int {
		var b []*big.Int
		for _, a := range accts {
			b = append(b, fStakeBal(t, n, a.Addr))
		}
		return b
	}
	since := func(now, before []*big.Int) []*big.Int {
		d := make([]*big.Int, len(now))
		for i := range now {
			d[i] = new(big.Int).Sub(now[i], before[i])
		}
		return d
	}
	wantSlashedOut := func(what string, accts []*simchain.Account) {
		t.Helper()
		for _, c := range accts {
			ni := fNode(t, n, c.Addr)
			if ni.State != chain.NodeQuit || ni.Stake.Sign() != 0 || ni.Unbonding.Sign() != 0 || ni.Slashes != 1 {
				t.Errorf("%s %s: %s stake %s unbonding %s slashes %d, want quit with nothing", what, c.Addr, ni.State, ni.Stake, ni.Unbonding, ni.Slashes)
			}
			fWantBig(t, what+"'s fee", fFeeBal(t, n, c.Addr), new(big.Int))
			fWantBig(t, what+"'s share", fStakeBal(t, n, c.Addr), new(big.Int))
		}
	}
	wantUntouched := func(accts []*simchain.Account) {
		t.Helper()
		for _, h := range accts {
			if ni := fNode(t, n, h.Addr); ni.Stake.Cmp(simchain.Eth(1)) != 0 || ni.Slashes != 0 {
				t.Errorf("honest seat %s: stake %s slashes %d, want untouched", h.Addr, ni.Stake, ni.Slashes)
			}
		}
	}

	// Two colluding auditors of three.
	id, seats, votes, aud := audit(append([]*simchain.Account{h4}, colluders...))
	ha := fIndex(aud, h4)
	if ha < 0 {
		t.Fatalf("auditors %v: the honest auditor was not drawn", aud)
	}
	fPlay(t, id, aud, fVotesBy(t, aud, fOne(h4, fTrue, fFake)))
	right := append(append(append([]*simchain.Account{}, honest...), h4), second...)
	before := stakes(right)
	secondPanel(id, "two colluding auditors")
	ti := fTask(t, n, id)
	honestMask := chain.TaskSeats | uint16(1)<<(3+ha) | chain.Panel2Seats
	if ti.State != chain.TaskValidated || ti.Honest != honestMask || ti.Slashed != chain.Panel1Seats&^honestMask {
		t.Fatalf("two colluding auditors: %s honest %09b slashed %09b, want validated, honest %09b, slashed %09b",
			ti.State, ti.Honest, ti.Slashed, honestMask, chain.Panel1Seats&^honestMask)
	}
	fSubmit(t, seats[0], id, votes[0])
	wantSlashedOut("colluding auditor", colluders)
	wantUntouched(right)
	fWantShared(t, "honest seats' shares of the slashed stake", since(stakes(right), before), simchain.Eth(2))

	// All three auditors of the first panel colluding: they settle
	// nothing alone; the second panel confirms the task.
	pause(h4)
	pause(second...)
	id, seats, votes, aud = audit(trio) // the task's seats go to the honest three
	for _, a := range aud {
		if fIndex(trio, a) < 0 {
			t.Fatalf("auditors %v: want the colluding trio", aud)
		}
	}
	fPlay(t, id, aud, fVotes(t, fFake, fFake, fFake))
	right = append(append([]*simchain.Account{}, honest...), second...)
	before = stakes(right)
	secondPanel(id, "three colluding auditors")
	ti = fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Honest != chain.TaskSeats|chain.Panel2Seats || ti.Slashed != chain.Panel1Seats {
		t.Fatalf("after the second panel: %s honest %09b slashed %09b, want the task and the second panel right, the colluding panel slashed",
			ti.State, ti.Honest, ti.Slashed)
	}
	fSubmit(t, seats[0], id, votes[0])
	wantSlashedOut("colluding auditor", trio)
	wantUntouched(right)
	fWantShared(t, "honest seats' shares of the slashed stake", since(stakes(right), before), simchain.Eth(3))
}

// TestFinding03AbsentAuditorsCannotOverturn covers the cheapest way for
// colluding auditors to call the second panel: not committing at all (a
// timeout costs score, no stake). The first panel then has one disclosure
// (the honest auditor's, opened after the commit deadline) and settles
// nothing, so a second panel is drawn; even when all three of it collude,
// a verdict against the task's agreeing nodes needs a first-panel auditor
// who disclosed the same and risked its stake. None did: nothing is
// established (the creator is refunded), and nobody is slashed.
func TestFinding03AbsentAuditorsCannotOverturn(t *testing.T) {
	n := simchain.New(t, 11, fParams(10_000))
	honest, h4, absent, app, second := n.Accounts[:3], n.Accounts[3], n.Accounts[4:6], n.Accounts[6], n.Accounts[7:10]
	spec := fSpec()
	fJoin(t, honest, 24576, fVer)
	id, seats := fCreate(t, n, app, spec, fFee)
	fPlay(t, id, seats, fVotes(t, fTrue, fTrue, fTrue))
	fFlip(t, n, app, id)
	fJoin(t, append([]*simchain.Account{h4}, absent...), 24576, fVer)
	drawn := fDrawAfterJoins(t, app, id, spec)
	aud := fAccts(t, n, drawn[3:6])
	if fIndex(aud, h4) < 0 {
		t.Fatalf("auditors %v: want the honest auditor among them", aud)
	}
	v := fVote(t, fTrue)
	fCommit(t, h4, id, v)
	fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline+1)
	if _, err := app.Client.CloseTask(fctx, id); err != nil {
		t.Fatal(err)
	}
	// The one that committed in time discloses (its score may support a
	// verdict); it is not taken for silent.
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditDisclosing {
		t.Fatalf("a first panel with one commit: %s, want its disclosure", ti.State)
	}
	fDisclose(t, h4, id, v)
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditing || ti.Panels != 2 || ti.Slashed != 0 {
		t.Fatalf("a first panel with one disclosure: %s panels %d slashed %09b, want a second panel", ti.State, ti.Panels, ti.Slashed)
	}
	fJoin(t, second, 24576, fVer)
	drawn = fDrawAfterJoins(t, app, id, spec)
	appBefore := fFeeBal(t, n, app.Addr)
	fPlay(t, id, fAccts(t, n, drawn[6:9]), fVotes(t, fFake, fFake, fFake))
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != 0 {
		t.Fatalf("a colluding second panel without first-panel support: %s %s slashed %09b, want aborted, nobody slashed", ti.State, ti.Outcome, ti.Slashed)
	}
	fWantBig(t, "creator's refund", new(big.Int).Sub(fFeeBal(t, n, app.Addr), appBefore), fFee)
	for _, h := range append(append([]*simchain.Account{}, honest...), h4) {
		if ni := fNode(t, n, h.Addr); ni.Stake.Cmp(simchain.Eth(1)) != 0 || ni.Slashes != 0 {
			t.Errorf("honest seat %s: stake %s slashes %d, want untouched", h.Addr, ni.Stake, ni.Slashes)
		}
	}
}

// TestFinding03AuditCoinUnknownBeforeDisclosure covers finding 3 from the
// coin's side: whether an agreeing task is audited must be unknown until
// its nodes have disclosed, else a group holding all three seats commits
// a made-up score, reads the coin, and discloses only when no audit comes
// (when one does, it stays silent and loses silencePenaltyBps instead of
// its whole stake). No coin exists while the nodes commit and disclose:
// the last disclosure judges the task and requests the coin's round in its
// own block, whose hash no transaction of that block can read, and the
// coin cannot be flipped in that block (TooEarly). Until it is flipped the
// verdicts are not final: the nodes stay busy, unscored and unpaid. The
// test computes the coin from the judging block's hash once it is mined
// and checks that the flip (here by recording the result) follows it.
func TestFinding03AuditCoinUnknownBeforeDisclosure(t *testing.T) {
	p := fParams(5_000)
	n := simchain.New(t, 7, p)
	nodes, app := n.Accounts[:6], n.Accounts[6]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()
	wordArgs := fArguments(t, "bytes32", "uint256")
	coinArgs := fArguments(t, "uint256", "uint256", "string")
	const tasks = 8
	audits := 0
	for range tasks {
		id, seats := fCreate(t, n, app, spec, fFee)
		drawRound := fTask(t, n, id).Round
		votes := fVotes(t, fTrue, fTrue, fTrue)
		qos := make([]uint32, 3)
		fees := make([]*big.Int, 3)
		for i, s := range seats {
			qos[i], fees[i] = fNode(t, n, s.Addr).QoS, fFeeBal(t, n, s.Addr)
			fCommit(t, s, id, votes[i])
		}
		// While the nodes commit and disclose there is no coin at all.
		noCoin := func(when string) {
			t.Helper()
			if ti := fTask(t, n, id); ti.State != chain.TaskDisclosing || ti.Coin || ti.Round != drawRound {
				t.Fatalf("task %d %s: %s coin %v round %d, want disclosing, no coin, the draw's round %d", id, when, ti.State, ti.Coin, ti.Round, drawRound)
			}
		}
		noCoin("after three commits")
		fDisclose(t, seats[0], id, votes[0])
		fDisclose(t, seats[1], id, votes[1])
		noCoin("after two disclosures")
		last, err := seats[2].Client.Disclose(fctx, id, votes[2])
		if err != nil {
			t.Fatal(err)
		}
		ti := fTask(t, n, id)
		judged := last.BlockNumber.Uint64()
		if ti.State != chain.TaskValidated || !ti.Coin || ti.Round != judged || ti.Honest != chain.TaskSeats || ti.Slashed != 0 {
			t.Fatalf("task %d judged: %s coin %v round %d honest %03b slashed %03b, want validated, coin pending from the judging block %d",
				id, ti.State, ti.Coin, ti.Round, ti.Honest, ti.Slashed, judged)
		}
		if ti.ResultDeadline != fTime(t, n, last)+p.Tasks.ResultWindow {
			t.Errorf("task %d: result deadline %d, want %d", id, ti.ResultDeadline, fTime(t, n, last)+p.Tasks.ResultWindow)
		}
		// Nobody flips the coin in the judging block, where its word is
		// unknown.
		fRevert(t, fTryClose(n, app, id), "TooEarly")
		for i, s := range seats {
			ni := fNode(t, n, s.Addr)
			if ni.State != chain.NodeBusy || ni.Task != id || ni.QoS != qos[i] {
				t.Fatalf("task %d, seat %d before the coin: %s task %d qos %d, want busy on the task, qos %d", id, i, ni.State, ni.Task, ni.QoS, qos[i])
			}
			fWantBig(t, "fee before the coin", fFeeBal(t, n, s.Addr), fees[i])
		}

		// The coin, from the judging block's hash, now that it is mined.
		w, err := wordArgs.Pack(last.BlockHash, new(big.Int).SetUint64(judged))
		if err != nil {
			t.Fatal(err)
		}
		c, err := coinArgs.Pack(new(big.Int).SetBytes(crypto.Keccak256(w)), new(big.Int).SetUint64(id), "audit")
		if err != nil {
			t.Fatal(err)
		}
		coin := new(big.Int).Mod(new(big.Int).SetBytes(crypto.Keccak256(c)), big.NewInt(10_000))
		predicted := coin.Int64() < int64(p.Tasks.AuditRateBps)

		r, err := seats[0].Client.SubmitResult(fctx, id, votes[0])
		if err != nil {
			t.Fatalf("task %d: record the result (flipping the coin): %v", id, err)
		}
		if r.BlockNumber.Uint64() <= judged {
			t.Fatalf("task %d: the flip landed in block %d, not after the judging block %d", id, r.BlockNumber, judged)
		}
		ti = fTask(t, n, id)
		audited := ti.State == chain.TaskAuditing
		if audited != predicted {
			t.Fatalf("task %d: predicted audit %v, got %s: the test's model of the coin is wrong", id, predicted, ti.State)
		}
		if ti.Coin {
			t.Fatalf("task %d: the coin is still pending after the flip", id)
		}
		if audited {
			audits++
			// The flip called an audit: nothing recorded, nobody paid or
			// released.
			if fCount[*bindings.TaskManagerTaskAuditing](r) != 1 || fCount[*bindings.TaskManagerTaskResult](r) != 0 || ti.ResultHash != (common.Hash{}) {
				t.Fatalf("task %d: the flip that called an audit recorded a result", id)
			}
			for i, s := range seats {
				if ni := fNode(t, n, s.Addr); ni.State != chain.NodeBusy || ni.Task != id {
					t.Fatalf("task %d, seat %d: %s during the audit, want busy", id, i, ni.State)
				}
				fWantBig(t, "fee during the audit", fFeeBal(t, n, s.Addr), fees[i])
			}
			drawn, _, err := app.Client.Draw(fctx, id, spec)
			if err != nil {
				t.Fatal(err)
			}
			fPlay(t, id, fAccts(t, n, drawn[3:6]), fVotes(t, fTrue, fTrue, fTrue))
			fSubmit(t, seats[0], id, votes[0])
		} else if ti.State != chain.TaskDone || ti.ResultHash != votes[0].ResultHash || fCount[*bindings.TaskManagerTaskResult](r) != 1 {
			t.Fatalf("task %d: no audit, yet the result was not recorded: %s", id, ti.State)
		}
		if ti := fTask(t, n, id); ti.State != chain.TaskDone {
			t.Fatalf("task %d ended %s, want done", id, ti.State)
		}
		for i, s := range seats {
			if ni := fNode(t, n, s.Addr); ni.State != chain.NodeAvailable {
				t.Errorf("task %d, seat %d: %s after the task, want available", id, i, ni.State)
			}
			if got := new(big.Int).Sub(fFeeBal(t, n, s.Addr), fees[i]); got.Sign() <= 0 {
				t.Errorf("task %d, seat %d was not paid", id, i)
			}
		}
	}
	t.Logf("%d of %d agreeing tasks audited at %d bps", audits, tasks, p.Tasks.AuditRateBps)
}

// TestFinding03JunkTrioCannotDodgeTheAudit covers finding 3 for a group
// holding all three seats of a task. It cannot wait for the coin (see
// above), so it may stay silent or disclose its made-up score. Staying
// silent costs each member silencePenaltyBps of its stake (nothing to
// judge: the creator is refunded). Disclosing junk gets the task validated
// with its coin pending; the trio need not record the result, nor ever
// flip the coin, but anyone may, even after the result deadline (here the
// creator): the audit the coin calls is drawn all the same. Three honest
// auditors against the trio are a tie, which calls a second panel; the
// trio, on the wrong side of six, loses its stake to the auditors.
func TestFinding03JunkTrioCannotDodgeTheAudit(t *testing.T) {
	p := fParams(10_000) // the coin always calls an audit: what is tested is who can flip it, and when
	n := simchain.New(t, 13, p)
	silent, junk, auditors, app, second := n.Accounts[:3], n.Accounts[3:6], n.Accounts[6:9], n.Accounts[9], n.Accounts[10:13]
	spec := fSpec()
	penalty := new(big.Int).Div(new(big.Int).Mul(simchain.Eth(1), big.NewInt(int64(p.Registry.SilencePenaltyBps))), big.NewInt(10_000))

	// A silent trio: commits junk, never discloses.
	fJoin(t, silent, 24576, fVer)
	id, seats := fCreate(t, n, app, spec, fFee)
	for _, s := range seats {
		fCommit(t, s, id, fVote(t, fFake))
	}
	fAdvanceTo(t, n, fTask(t, n, id).DiscloseDeadline+1)
	appBefore := fFeeBal(t, n, app.Addr)
	if _, err := app.Client.CloseTask(fctx, id); err != nil {
		t.Fatal(err)
	}
	ti := fTask(t, n, id)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoMajority || ti.Slashed != chain.TaskSeats || ti.Coin {
		t.Fatalf("silent trio: %s %s slashed %03b coin %v, want aborted, all three penalised", ti.State, ti.Outcome, ti.Slashed, ti.Coin)
	}
	fWantBig(t, "creator's refund", new(big.Int).Sub(fFeeBal(t, n, app.Addr), appBefore), fFee)
	for _, s := range silent {
		ni := fNode(t, n, s.Addr)
		if ni.Slashes != 1 || new(big.Int).Add(ni.Stake, ni.Unbonding).Cmp(new(big.Int).Sub(simchain.Eth(1), penalty)) != 0 {
			t.Errorf("silent member %s: stake %s unbonding %s slashes %d, want %s lost", s.Addr, ni.Stake, ni.Unbonding, ni.Slashes, penalty)
		}
		fWantBig(t, "silent member's fee", fFeeBal(t, n, s.Addr), new(big.Int))
	}

	// A trio that discloses junk and then does nothing.
	fJoin(t, junk, 24576, fVer)
	id, seats = fCreate(t, n, app, spec, fFee)
	for _, s := range seats {
		if fIndex(junk, s) < 0 {
			t.Fatalf("seats %v: want the junk trio", seats)
		}
	}
	votes := fVotes(t, fFake, fFake, fFake)
	fPlay(t, id, seats, votes)
	ti = fTask(t, n, id)
	if ti.State != chain.TaskValidated || !ti.Coin || ti.Honest != chain.TaskSeats {
		t.Fatalf("junk trio judged: %s coin %v honest %03b, want validated, coin pending", ti.State, ti.Coin, ti.Honest)
	}
	fAdvanceTo(t, n, ti.ResultDeadline+1) // the trio waits the result window out
	_, err := seats[0].Client.SubmitResult(fctx, id, votes[0])
	fRevert(t, err, "ResultDeadlinePassed")
	for _, s := range seats {
		if ni := fNode(t, n, s.Addr); ni.State != chain.NodeBusy || ni.Task != id {
			t.Fatalf("junk member %s with the coin pending: %s task %d, want busy on task %d", s.Addr, ni.State, ni.Task, id)
		}
	}
	fJoin(t, auditors, 24576, fVer)
	r := fFlip(t, n, app, id) // the creator flips: an audit, not a refund
	ti = fTask(t, n, id)
	if ti.State != chain.TaskAuditing || fCount[*bindings.TaskManagerTaskAuditing](r) != 1 {
		t.Fatalf("the creator's flip after the result deadline led to %s %s, want auditing", ti.State, ti.Outcome)
	}
	drawn, _, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	aud := fAccts(t, n, drawn[3:6])
	for _, a := range aud {
		if fIndex(auditors, a) < 0 {
			t.Fatalf("auditors %v: want the three honest auditors", aud)
		}
	}
	fPlay(t, id, aud, fVotes(t, fTrue, fTrue, fTrue))
	// Three against three: a second panel decides.
	ti = fTask(t, n, id)
	if ti.State != chain.TaskAuditing || ti.Panels != 2 || ti.Slashed != 0 {
		t.Fatalf("junk trio against three honest auditors: %s panels %d slashed %09b, want a second panel", ti.State, ti.Panels, ti.Slashed)
	}
	fJoin(t, second, 24576, fVer)
	drawn = fDrawAfterJoins(t, app, id, spec)
	fPlay(t, id, fAccts(t, n, drawn[6:9]), fVotes(t, fTrue, fTrue, fTrue))
	ti = fTask(t, n, id)
	for _, s := range junk {
		fWantBig(t, "junk member's fee", fFeeBal(t, n, s.Addr), new(big.Int))
	}
	if ti.State != chain.TaskValidated || ti.Honest != chain.AuditSeats || ti.Slashed != chain.TaskSeats {
		t.Fatalf("junk trio audited: %s %s honest %09b slashed %09b, want validated, the six auditors right, the trio slashed",
			ti.State, ti.Outcome, ti.Honest, ti.Slashed)
	}
	for _, s := range junk {
		if ni := fNode(t, n, s.Addr); ni.State != chain.NodeQuit || ni.Stake.Sign() != 0 || ni.Unbonding.Sign() != 0 {
			t.Errorf("junk member %s: %s stake %s unbonding %s, want slashed out", s.Addr, ni.State, ni.Stake, ni.Unbonding)
		}
	}
	for _, a := range append(aud, fAccts(t, n, drawn[6:9])...) {
		fWantBig(t, "auditor's share of the slashed stake", fStakeBal(t, n, a.Addr), fEth(3, 6))
	}
}

// fArguments are ABI arguments of the given types.
func fArguments(t *testing.T, types ...string) abi.Arguments {
	t.Helper()
	var args abi.Arguments
	for _, s := range types {
		typ, err := abi.NewType(s, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, abi.Argument{Type: typ})
	}
	return args
}

// TestFinding04YieldCannotSteer covers finding 4: a yield draws nobody in
// its own transaction (so a yielder cannot check its replacement and
// revert), a draw in the yield's block is refused with TooEarly, the
// replacement is drawn by a later draw that anyone may send, and each
// re-roll costs the yielder yieldCost of its score and counts against its
// yield limit.
func TestFinding04YieldCannotSteer(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 6, p)
	nodes, app, outsider := n.Accounts[:4], n.Accounts[4], n.Accounts[5]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()
	id, seats := fCreate(t, n, app, spec, fFee)
	yielder := seats[0]
	before := fNode(t, n, yielder.Addr)

	r, err := yielder.Client.Yield(fctx, id, spec, false)
	if err != nil {
		t.Fatal(err)
	}
	if fCount[*bindings.TaskManagerTaskYielded](r) != 1 || fCount[*bindings.TaskManagerTaskAssigned](r) != 0 {
		t.Fatal("the yield's transaction assigned the seat")
	}
	ti := fTask(t, n, id)
	if ti.Nodes[0] != (common.Address{}) || ti.Vacant != 1 || ti.Round != r.BlockNumber.Uint64() {
		t.Fatalf("after the yield: seat 0 %s vacant %03b round %d, want empty, waiting for block %d", ti.Nodes[0], ti.Vacant, ti.Round, r.BlockNumber)
	}
	fRevert(t, fTryDraw(n, outsider, id, spec), "TooEarly")
	after := fNode(t, n, yielder.Addr)
	if after.QoS != before.QoS-p.Registry.YieldCost || after.Yields != before.Yields+1 {
		t.Errorf("the yield cost %d score and counted %d, want %d and 1", before.QoS-after.QoS, after.Yields-before.Yields, p.Registry.YieldCost)
	}

	drawn, _, err := outsider.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	if drawn[0] == (common.Address{}) || fTask(t, n, id).Vacant != 0 {
		t.Fatalf("the later draw filled nothing: %v", drawn)
	}
}

// TestFinding05CreatorsPayForGriefing covers finding 5: a fee below minFee
// is refused; a task whose arguments never reach the nodes pays them
// argsShareBps of the fee and costs them no more score than a correct task
// (no timeouts, so repeated griefing kicks nobody); download requests are
// capped at notifyCount per task and rate-limited per creator and per model.
func TestFinding05CreatorsPayForGriefing(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 11, p)
	nodes, app, app2 := n.Accounts[:9], n.Accounts[9], n.Accounts[10]
	fJoin(t, nodes, 24576, fVer)
	minFee := p.Tasks.MinFee

	_, _, err := app.Client.Create(fctx, fSpec(), 600, big.NewInt(1))
	fRevert(t, err, "FeeTooLow")
	_, _, err = app.Client.Create(fctx, fSpec(), 600, new(big.Int).Sub(minFee, common.Big1))
	fRevert(t, err, "FeeTooLow")

	// noArgs has a task's nodes report that the arguments never came, and
	// checks what that costs and pays.
	noArgs := func(id uint64, seats []*simchain.Account) {
		t.Helper()
		q := make([]uint32, 3)
		fees := make([]*big.Int, 3)
		for i, s := range seats {
			q[i] = fNode(t, n, s.Addr).QoS
			fees[i] = fFeeBal(t, n, s.Addr)
		}
		fPlay(t, id, seats, fVotes(t, chain.NoArgumentsScore(), chain.NoArgumentsScore(), chain.NoArgumentsScore()))
		ti := fTask(t, n, id)
		if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoArguments || ti.Slashed != 0 {
			t.Fatalf("no arguments: %s %s slashed %03b", ti.State, ti.Outcome, ti.Slashed)
		}
		share := new(big.Int).Div(new(big.Int).Mul(ti.Fee, big.NewInt(int64(p.Tasks.ArgsShareBps))), big.NewInt(10_000))
		each := new(big.Int).Div(share, big.NewInt(3))
		w := uint64(p.Registry.QosWindow)
		for i, s := range seats {
			ni := fNode(t, n, s.Addr)
			want := uint32((uint64(q[i])*(w-1) + uint64(ti.Points[i])*1000) / w)
			if ni.QoS != want || ni.State != chain.NodeAvailable || ni.Kicks != 0 {
				t.Errorf("seat %d: qos %d %s kicks %d, want %d (its commit order's points) available", i, ni.QoS, ni.State, ni.Kicks, want)
			}
			if got := new(big.Int).Sub(fFeeBal(t, n, s.Addr), fees[i]); got.Cmp(each) < 0 {
				t.Errorf("seat %d kept %s of the fee, want at least %s", i, got, each)
			}
		}
	}

	models := func(prefix string, k int) []common.Hash {
		var ms []common.Hash
		for i := range k {
			ms = append(ms, chain.ModelHash(fmt.Sprintf("%s-%d", prefix, i)))
		}
		return ms
	}
	notices := func(rs chain.TaskReceipts) int { return fCount[*bindings.NodeRegistryDownloadRequested](rs.Draw) }

	// One task naming 8 made-up models.
	made := models("made-up", 8)
	id, addrs, rs, err := app.Client.CreateTask(fctx, fSpec(made...), 600, minFee)
	if err != nil {
		t.Fatal(err)
	}
	if c := notices(rs); c == 0 || c > int(p.Registry.NotifyCount) {
		t.Errorf("one task sent %d download requests, want 1..%d", c, p.Registry.NotifyCount)
	}
	appBefore := fFeeBal(t, n, app.Addr)
	noArgs(id, fAccts(t, n, addrs[:]))
	share := new(big.Int).Div(new(big.Int).Mul(minFee, big.NewInt(int64(p.Tasks.ArgsShareBps))), big.NewInt(10_000))
	fWantBig(t, "creator's refund", new(big.Int).Sub(fFeeBal(t, n, app.Addr), appBefore), new(big.Int).Sub(minFee, share))

	// The same creator again, other models: no requests (per creator).
	id, addrs, rs, err = app.Client.CreateTask(fctx, fSpec(models("other", 8)...), 600, minFee)
	if err != nil {
		t.Fatal(err)
	}
	if c := notices(rs); c != 0 {
		t.Errorf("the same creator's next task sent %d download requests, want 0", c)
	}
	noArgs(id, fAccts(t, n, addrs[:]))
	// Another creator, the models just requested: none (per model).
	id, addrs, rs, err = app2.Client.CreateTask(fctx, fSpec(made[:2]...), 600, minFee)
	if err != nil {
		t.Fatal(err)
	}
	if c := notices(rs); c != 0 {
		t.Errorf("another creator's task for the same models sent %d download requests, want 0", c)
	}
	noArgs(id, fAccts(t, n, addrs[:]))

	// Rounds locking all nine nodes: each pays them, nobody is kicked.
	for range 4 {
		var ids []uint64
		var all [][]*simchain.Account
		for range 3 {
			id, seats := fCreate(t, n, app, fSpec(), minFee)
			ids, all = append(ids, id), append(all, seats)
		}
		for k := range ids {
			noArgs(ids[k], all[k])
		}
	}
	for _, a := range nodes {
		ni := fNode(t, n, a.Addr)
		if ni.Kicks != 0 || ni.QoS < 8000 || fFeeBal(t, n, a.Addr).Sign() == 0 {
			t.Errorf("node %s after griefing: kicks %d qos %d fees %s", a.Addr, ni.Kicks, ni.QoS, fFeeBal(t, n, a.Addr))
		}
	}
}

// TestFinding06NoYieldAfterReplacementTime covers finding 6: an ordinary
// yield less than replaceTime before the commit deadline is refused
// (TooLateToYield) and any yield after the deadline too
// (CommitDeadlinePassed); a late hand-back leaves its seat empty rather
// than drawing a replacement that could not commit, and the two remaining
// nodes finish and are paid; a replacement drawn too late is not drawn.
func TestFinding06NoYieldAfterReplacementTime(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 5, p)
	nodes, app := n.Accounts[:4], n.Accounts[4]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()
	replace := p.Tasks.ReplaceTime

	id, seats := fCreate(t, n, app, spec, fFee)
	fAdvanceTo(t, n, fTask(t, n, id).CommitDeadline-replace+5)
	_, err := seats[0].Client.Yield(fctx, id, spec, false)
	fRevert(t, err, "TooLateToYield")
	r, err := seats[0].Client.Yield(fctx, id, spec, true)
	if err != nil {
		t.Fatalf("a late hand-back: %v", err)
	}
	ti := fTask(t, n, id)
	if ti.Nodes[0] != (common.Address{}) || ti.Vacant != 0 {
		t.Fatalf("late hand-back: seat 0 %s vacant %03b, want empty and no draw", ti.Nodes[0], ti.Vacant)
	}
	votes := fVotes(t, fTrue, fTrue, fTrue)
	fPlay(t, id, seats[1:], votes[1:])
	ti = fTask(t, n, id)
	if ti.State != chain.TaskValidated || ti.Honest != 0b110 {
		t.Fatalf("two nodes left: %s honest %03b", ti.State, ti.Honest)
	}
	fSubmit(t, seats[1], id, votes[1])
	fWantBig(t, "remaining node's fee", fFeeBal(t, n, seats[1].Addr), fEth(3, 2))

	// An early yield whose replacement would be drawn too late.
	fAdvanceTo(t, n, fTime(t, n, r)+p.Registry.ResumeDelay+1)
	if _, err := seats[0].Client.Resume(fctx); err != nil {
		t.Fatal(err)
	}
	id, seats = fCreate(t, n, app, spec, fFee)
	if _, err := seats[0].Client.Yield(fctx, id, spec, false); err != nil {
		t.Fatalf("an early yield: %v", err)
	}
	deadline := fTask(t, n, id).CommitDeadline
	fAdvanceTo(t, n, deadline-replace+5)
	_, rd, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	ti = fTask(t, n, id)
	if fCount[*bindings.TaskManagerTaskAssigned](rd) != 0 || ti.Vacant != 0 || ti.Nodes[0] != (common.Address{}) {
		t.Fatalf("a draw too late to commit filled the seat: vacant %03b seat 0 %s", ti.Vacant, ti.Nodes[0])
	}
	fCommit(t, seats[1], id, votes[1])
	fAdvanceTo(t, n, deadline+1)
	_, err = seats[2].Client.Yield(fctx, id, spec, false)
	fRevert(t, err, "CommitDeadlinePassed")
	_, err = seats[2].Client.Yield(fctx, id, spec, true)
	fRevert(t, err, "CommitDeadlinePassed")
}

// TestFinding07SlowNodeNotKicked covers finding 7: a correct node that
// commits last in each of 45 tasks earns 8 points every time and its score
// converges to 8000, far above the kick threshold (3000); it is never kicked.
func TestFinding07SlowNodeNotKicked(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 4, p)
	nodes, app := n.Accounts[:3], n.Accounts[3]
	fJoin(t, nodes, 24576, fVer)
	slow := nodes[2]
	spec := fSpec()
	w := uint64(p.Registry.QosWindow)
	want := uint64(10_000)
	for range 45 {
		id, seats := fCreate(t, n, app, spec, fFee)
		votes := fVotes(t, fTrue, fTrue, fTrue)
		s := fIndex(seats, slow)
		for i := range seats {
			if i != s {
				fCommit(t, seats[i], id, votes[i])
			}
		}
		fCommit(t, slow, id, votes[s])
		for i := range seats {
			fDisclose(t, seats[i], id, votes[i])
		}
		if pts := fTask(t, n, id).Points[s]; pts != 8 {
			t.Fatalf("the last committer got %d points, want 8", pts)
		}
		fSubmit(t, seats[0], id, votes[0])
		want = (want*(w-1) + 8*1000) / w
	}
	ni := fNode(t, n, slow.Addr)
	if uint64(ni.QoS) != want || ni.QoS < 8000 || ni.QoS < p.Registry.KickThreshold || ni.Kicks != 0 || ni.State != chain.NodeAvailable {
		t.Errorf("slow node after 45 tasks: qos %d kicks %d %s, want %d (>= 8000), never kicked", ni.QoS, ni.Kicks, ni.State, want)
	}
}

// TestFinding08RecordSurvivesRejoin covers finding 8: quitting keeps the
// node's record (score, yields) for when it joins again; its stake
// unbonds and cannot be withdrawn before unbondingPeriod; a kicked node
// cannot rejoin before rejoinDelay, and then only at rejoinScore, its kick
// counted.
func TestFinding08RecordSurvivesRejoin(t *testing.T) {
	p := fParams(0)
	p.Registry.QosWindow = 1 // one timeout kicks
	n := simchain.New(t, 5, p)
	nodes, app := n.Accounts[:4], n.Accounts[4]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()

	// x yields (a record), quits, and rejoins.
	spare := nodes[3]
	if _, err := spare.Client.Pause(fctx); err != nil {
		t.Fatal(err)
	}
	id, seats := fCreate(t, n, app, spec, fFee)
	if _, err := spare.Client.Resume(fctx); err != nil {
		t.Fatal(err)
	}
	x := seats[0]
	if _, err := x.Client.Yield(fctx, id, spec, false); err != nil {
		t.Fatal(err)
	}
	r, err := x.Client.Quit(fctx)
	if err != nil {
		t.Fatal(err)
	}
	rec := fNode(t, n, x.Addr)
	if rec.State != chain.NodeQuit || rec.Yields != 1 || rec.QoS != 10_000-p.Registry.YieldCost {
		t.Fatalf("after a yield and quitting: %s yields %d qos %d", rec.State, rec.Yields, rec.QoS)
	}
	if rec.Stake.Sign() != 0 || rec.Unbonding.Cmp(simchain.Eth(1)) != 0 || rec.UnbondAt != fTime(t, n, r)+p.Registry.UnbondingPeriod {
		t.Errorf("quit: stake %s unbonding %s at %d", rec.Stake, rec.Unbonding, rec.UnbondAt)
	}
	_, err = x.Client.WithdrawStake(fctx)
	fRevert(t, err, "Unbonding")
	fAdvanceTo(t, n, fNode(t, n, x.Addr).ResumeAfter) // the yield's sit-out
	if _, err := x.Client.Join(fctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: fVer}); err != nil {
		t.Fatalf("rejoin with the unbonding stake: %v", err)
	}
	back := fNode(t, n, x.Addr)
	if back.QoS != rec.QoS || back.Yields != rec.Yields || back.Stake.Cmp(simchain.Eth(1)) != 0 {
		t.Errorf("after rejoining: qos %d yields %d stake %s, want %d %d 1 ETH", back.QoS, back.Yields, back.Stake, rec.QoS, rec.Yields)
	}
	drawn := fLateDraw(t, app, id, spec)
	seats[0] = fAccts(t, n, drawn[:1])[0]
	votes := fVotes(t, fTrue, fTrue, fTrue)
	fPlay(t, id, seats, votes)
	fSubmit(t, seats[0], id, votes[0])

	// k times out and is kicked.
	id, seats = fCreate(t, n, app, spec, fFee)
	k := seats[0]
	for i := 1; i < 3; i++ {
		fCommit(t, seats[i], id, votes[i])
	}
	fPastCommitDeadline(t, n, id)
	fDisclose(t, seats[1], id, votes[1])
	fDisclose(t, seats[2], id, votes[2])
	// Judged, the audit coin pending: k's timeout is not scored yet.
	if ni := fNode(t, n, k.Addr); ni.State != chain.NodeBusy || ni.Task != id || ni.Kicks != 0 {
		t.Fatalf("before the coin: %s task %d kicks %d, want busy on task %d, not kicked", ni.State, ni.Task, ni.Kicks, id)
	}
	rd := fFlip(t, n, app, id)
	kicked := fNode(t, n, k.Addr)
	if kicked.State != chain.NodeQuit || kicked.Kicks != 1 || kicked.ResumeAfter != fTime(t, n, rd)+p.Registry.RejoinDelay {
		t.Fatalf("after a timeout: %s kicks %d resume after %d", kicked.State, kicked.Kicks, kicked.ResumeAfter)
	}
	_, err = k.Client.Join(fctx, chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: fVer, Stake: simchain.Eth(1)})
	fRevert(t, err, "TooEarly")
	fAdvanceTo(t, n, max(kicked.ResumeAfter, kicked.UnbondAt)+1)
	before, err := n.Backend.BalanceAt(fctx, k.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Client.WithdrawStake(fctx); err != nil {
		t.Fatalf("withdraw after unbonding: %v", err)
	}
	after, err := n.Backend.BalanceAt(fctx, k.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gain := new(big.Int).Sub(after, before); gain.Cmp(fEth(99, 100)) < 0 {
		t.Errorf("withdrawal returned %s, want about 1 ETH", gain)
	}
	fJoin(t, []*simchain.Account{k}, 24576, fVer)
	if ni := fNode(t, n, k.Addr); ni.QoS != p.Registry.RejoinScore || ni.Kicks != 1 {
		t.Errorf("kicked node rejoined with qos %d kicks %d, want %d and 1", ni.QoS, ni.Kicks, p.Registry.RejoinScore)
	}
}

// TestFinding09ResultBoundToVotes covers finding 9: the fee waits for the
// result; only a node that was right may record it, and only the result
// hash it committed to (another hash, or another node's vote, is
// BadCommitment; an outsider is NotSelected, and a refused result flips no
// audit coin); a close before the result deadline only flips the coin; a
// result not recorded by the result deadline is refused and the task
// refunds its creator (NoResult).
func TestFinding09ResultBoundToVotes(t *testing.T) {
	n := simchain.New(t, 5, fParams(0))
	nodes, app, outsider := n.Accounts[:3], n.Accounts[3], n.Accounts[4]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()
	result := common.HexToHash("0x5e5017")

	run, err := n.RunToJudged(fctx, app, spec, fFee, result)
	if err != nil {
		t.Fatal(err)
	}
	seats := fAccts(t, n, run.Nodes[:])
	if ti := fTask(t, n, run.ID); ti.State != chain.TaskValidated || ti.ResultDeadline == 0 {
		t.Fatalf("judged task: %s result deadline %d", ti.State, ti.ResultDeadline)
	}
	for _, s := range seats {
		fWantBig(t, "fee before the result", fFeeBal(t, n, s.Addr), new(big.Int))
	}
	_, err = outsider.Client.SubmitResult(fctx, run.ID, run.Votes[0])
	fRevert(t, err, "NotSelected")
	other := run.Votes[0]
	other.ResultHash = common.HexToHash("0xbad")
	_, err = seats[0].Client.SubmitResult(fctx, run.ID, other)
	fRevert(t, err, "BadCommitment")
	_, err = seats[0].Client.SubmitResult(fctx, run.ID, run.Votes[1])
	fRevert(t, err, "BadCommitment")
	// The refused results flipped nothing: their transactions reverted.
	ti := fTask(t, n, run.ID)
	if ti.State != chain.TaskValidated || !ti.Coin {
		t.Fatalf("after refused results: %s coin %v, want validated, coin pending", ti.State, ti.Coin)
	}
	// Closing before the result deadline only flips the coin (no audit at
	// rate 0): the verdicts are final, the nodes free, the deadline kept;
	// a second close is too early.
	fFlip(t, n, app, run.ID)
	if after := fTask(t, n, run.ID); after.State != chain.TaskValidated || after.Honest != chain.TaskSeats || after.ResultDeadline != ti.ResultDeadline {
		t.Fatalf("after the flip: %s honest %03b result deadline %d, want validated, all honest, deadline %d", after.State, after.Honest, after.ResultDeadline, ti.ResultDeadline)
	}
	for _, s := range seats {
		if ni := fNode(t, n, s.Addr); ni.State != chain.NodeAvailable {
			t.Errorf("node %s after the flip: %s, want available", s.Addr, ni.State)
		}
		fWantBig(t, "fee after the flip, before the result", fFeeBal(t, n, s.Addr), new(big.Int))
	}
	_, err = app.Client.CloseTask(fctx, run.ID)
	fRevert(t, err, "TooEarly")
	fSubmit(t, seats[1], run.ID, run.Votes[1])
	if ti := fTask(t, n, run.ID); ti.State != chain.TaskDone || ti.ResultHash != result {
		t.Fatalf("after the result: %s %s", ti.State, ti.ResultHash)
	}
	for _, s := range seats {
		fWantBig(t, "fee after the result", fFeeBal(t, n, s.Addr), simchain.Eth(1))
	}
	_, err = seats[0].Client.SubmitResult(fctx, run.ID, run.Votes[0])
	fRevert(t, err, "BadTaskState")

	// No result by the deadline: refused, refunded.
	run, err = n.RunToJudged(fctx, app, spec, fFee, result)
	if err != nil {
		t.Fatal(err)
	}
	fAdvanceTo(t, n, fTask(t, n, run.ID).ResultDeadline+1)
	_, err = n.Account(run.Nodes[0]).Client.SubmitResult(fctx, run.ID, run.Votes[0])
	fRevert(t, err, "ResultDeadlinePassed")
	before := fFeeBal(t, n, app.Addr)
	if ti := fTask(t, n, run.ID); ti.State != chain.TaskValidated || !ti.Coin {
		t.Fatalf("past the result deadline: %s coin %v, want validated, coin pending", ti.State, ti.Coin)
	}
	// One close flips the coin (no audit) and, the deadline past, refunds.
	if _, err := outsider.Client.CloseTask(fctx, run.ID); err != nil {
		t.Fatal(err)
	}
	ti = fTask(t, n, run.ID)
	if ti.State != chain.TaskAborted || ti.Outcome != chain.OutcomeNoResult || ti.Coin {
		t.Fatalf("no result: %s %s coin %v, want aborted no-result", ti.State, ti.Outcome, ti.Coin)
	}
	for _, a := range run.Nodes {
		if ni := fNode(t, n, a); ni.State != chain.NodeAvailable {
			t.Errorf("node %s after the refund: %s, want available", a, ni.State)
		}
	}
	fWantBig(t, "creator's refund", new(big.Int).Sub(fFeeBal(t, n, app.Addr), before), fFee)
	for _, a := range run.Nodes {
		fWantBig(t, "fee without a result", fFeeBal(t, n, a), simchain.Eth(1)) // from the first task only
	}
}

// TestFinding10IneligibleNodesNeverDrawn covers finding 10: 60 identities
// that can never run the tasks (30 of another version claiming 80 GiB, 30
// of the right version with too little VRAM) sit in other pools: every
// task succeeds, only eligible nodes are drawn, and a draw costs at most
// 1.1 times its gas without them.
func TestFinding10IneligibleNodesNeverDrawn(t *testing.T) {
	n := simchain.New(t, 65, fParams(0))
	good, otherVersion, small, app := n.Accounts[:4], n.Accounts[4:34], n.Accounts[34:64], n.Accounts[64]
	fJoin(t, good, 24576, fVer)
	spec := fSpec()
	base, err := n.RunHonestTask(fctx, app, spec, fFee)
	if err != nil {
		t.Fatal(err)
	}
	fJoin(t, otherVersion, 81920, chain.Version{Major: 9, Minor: 9, Patch: 9})
	fJoin(t, small, 4096, fVer)
	isGood := map[common.Address]bool{}
	for _, g := range good {
		isGood[g.Addr] = true
	}
	var worst uint64
	for i := range 10 {
		run, err := n.RunHonestTask(fctx, app, spec, fFee)
		if err != nil {
			t.Fatalf("task %d with 60 ineligible identities: %v", i, err)
		}
		for _, a := range run.Nodes {
			if !isGood[a] {
				t.Fatalf("task %d drew ineligible %s", i, a)
			}
		}
		worst = max(worst, run.DrawGas)
	}
	if worst*10 > base.DrawGas*11 {
		t.Errorf("draw gas %d with 60 ineligible identities, %d without: more than 1.1x", worst, base.DrawGas)
	}
	t.Logf("draw gas: %d without, at most %d with 60 ineligible identities", base.DrawGas, worst)
}

// TestFinding11PHashEdges covers finding 11: with the default thresholds a
// node 6 bits off on one of four images agrees and is paid; 16 bits off is
// in the doubt band: audited at once (else a pair could take a third's
// fee share by staying in doubt of it), then neither paid nor slashed (and
// may not record the result); 30 bits off clearly differs, is audited and
// slashed.
func TestFinding11PHashEdges(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 10, p)
	nodes, app := n.Accounts[:9], n.Accounts[9]
	fJoin(t, nodes, 24576, fVer)
	spec := fSpec()
	off := func(bits int) []byte {
		s := append([]byte(nil), fTrue...)
		x := uint64(1)<<bits - 1
		for i := range 8 {
			s[8+i] ^= byte(x >> (56 - 8*i))
		}
		return s
	}
	for bits, want := range map[int]uint8{6: 0, 16: 1, 30: 2} {
		if r, err := app.Client.Relation(fctx, chain.TaskImage, fTrue, off(bits)); err != nil || r != want {
			t.Fatalf("relation at %d bits: %d %v, want %d", bits, r, err, want)
		}
	}

	// 6 bits: paid.
	id, seats := fCreate(t, n, app, spec, fFee)
	votes := fVotes(t, fTrue, fTrue, off(6))
	fPlay(t, id, seats, votes)
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || ti.Honest != 0b111 || ti.Slashed != 0 {
		t.Fatalf("6 bits off: %s honest %03b slashed %03b", ti.State, ti.Honest, ti.Slashed)
	}
	fSubmit(t, seats[2], id, votes[2])
	fWantBig(t, "6 bits off: fee", fFeeBal(t, n, seats[2].Addr), simchain.Eth(1))

	// 16 bits: the doubt band.
	id, seats = fCreate(t, n, app, spec, fFee)
	votes = fVotes(t, fTrue, fTrue, off(16))
	before := fFeeBal(t, n, seats[2].Addr)
	fPlay(t, id, seats, votes)
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("16 bits off: %s, want audited at once", st)
	}
	drawn, _, err := app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	fPlay(t, id, fAccts(t, n, drawn[3:6]), fVotes(t, fTrue, fTrue, fTrue))
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || ti.Honest != 0b111011 || ti.Slashed != 0 {
		t.Fatalf("16 bits off: %s honest %06b slashed %06b, want validated by the audit, seat 2 unpaid, unslashed", ti.State, ti.Honest, ti.Slashed)
	}
	_, err = seats[2].Client.SubmitResult(fctx, id, votes[2])
	fRevert(t, err, "NotHonest")
	fSubmit(t, seats[0], id, votes[0])
	fWantBig(t, "16 bits off: fee", fFeeBal(t, n, seats[2].Addr), before)
	if ni := fNode(t, n, seats[2].Addr); ni.Stake.Cmp(simchain.Eth(1)) != 0 || ni.Slashes != 0 {
		t.Errorf("16 bits off: stake %s slashes %d", ni.Stake, ni.Slashes)
	}

	// 30 bits: audited and slashed.
	id, seats = fCreate(t, n, app, spec, fFee)
	votes = fVotes(t, fTrue, fTrue, off(30))
	fPlay(t, id, seats, votes)
	if st := fTask(t, n, id).State; st != chain.TaskAuditing {
		t.Fatalf("30 bits off: %s, want auditing", st)
	}
	drawn, _, err = app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	fPlay(t, id, fAccts(t, n, drawn[3:6]), fVotes(t, fTrue, fTrue, fTrue))
	// One panel pays; a slash needs a second panel to confirm too.
	if ti := fTask(t, n, id); ti.State != chain.TaskAuditing || ti.Panels != 2 {
		t.Fatalf("30 bits off, first panel: %s with %d panels, want a second panel", ti.State, ti.Panels)
	}
	drawn, _, err = app.Client.Draw(fctx, id, spec)
	if err != nil {
		t.Fatal(err)
	}
	fPlay(t, id, fAccts(t, n, drawn[6:9]), fVotes(t, fTrue, fTrue, fTrue))
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || ti.Slashed != 0b100 {
		t.Fatalf("30 bits off: %s slashed %09b, want seat 2", ti.State, ti.Slashed)
	}
	if ni := fNode(t, n, seats[2].Addr); ni.State != chain.NodeQuit || ni.Stake.Sign() != 0 {
		t.Errorf("30 bits off: %s stake %s, want slashed out", ni.State, ni.Stake)
	}
}

// TestFinding12OwnerReturnCostsNothing covers finding 12: a pause leaves
// the drawable set in its own transaction; a busy node whose owner comes
// back hands the task back at once, five times in a few minutes (more
// than maxYields): no score lost, no yield counted, never YieldLimit, the
// node paused until resumeDelay (Resume is TooEarly before), and each
// time a replacement is drawn so that its peers finish and lose nothing.
func TestFinding12OwnerReturnCostsNothing(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 5, p)
	y, peers, c, app := n.Accounts[0], n.Accounts[1:3], n.Accounts[3], n.Accounts[4]
	fJoin(t, n.Accounts[:4], 24576, fVer)
	spec := fSpec()

	avail := func() uint64 {
		t.Helper()
		k, err := app.Client.AvailableNodes(fctx, fVer)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	was := avail()
	if _, err := y.Client.Pause(fctx); err != nil {
		t.Fatal(err)
	}
	if now := avail(); now != was-1 || fNode(t, n, y.Addr).State != chain.NodePaused {
		t.Fatalf("pause: %d available, was %d", now, was)
	}
	if _, err := y.Client.Resume(fctx); err != nil {
		t.Fatal(err)
	}

	for round := range 5 {
		if _, err := c.Client.Pause(fctx); err != nil {
			t.Fatal(err)
		}
		id, seats := fCreate(t, n, app, spec, fFee) // y and the two peers
		if _, err := c.Client.Resume(fctx); err != nil {
			t.Fatal(err)
		}
		slot := fIndex(seats, y)
		before := fNode(t, n, y.Addr)
		r, err := y.Client.Yield(fctx, id, spec, true)
		if err != nil {
			t.Fatalf("hand-back %d: %v", round, err)
		}
		ni := fNode(t, n, y.Addr)
		if ni.State != chain.NodePaused || ni.QoS != before.QoS || ni.Yields != before.Yields || ni.ResumeAfter != fTime(t, n, r)+p.Registry.ResumeDelay {
			t.Fatalf("hand-back %d: %s qos %d yields %d resume after %d", round, ni.State, ni.QoS, ni.Yields, ni.ResumeAfter)
		}
		_, err = y.Client.Resume(fctx)
		fRevert(t, err, "TooEarly")
		drawn, _, err := app.Client.Draw(fctx, id, spec)
		if err != nil {
			t.Fatal(err)
		}
		if drawn[slot] != c.Addr {
			t.Fatalf("hand-back %d: replacement %s, want %s", round, drawn[slot], c.Addr)
		}
		seats[slot] = c
		votes := fVotes(t, fTrue, fTrue, fTrue)
		fPlay(t, id, seats, votes)
		if ti := fTask(t, n, id); ti.State != chain.TaskValidated || ti.Committed != chain.TaskSeats || ti.Honest != chain.TaskSeats {
			t.Fatalf("hand-back %d: the task ended %s, committed %03b", round, ti.State, ti.Committed)
		}
		fSubmit(t, seats[0], id, votes[0])
		fAdvanceTo(t, n, ni.ResumeAfter+1)
		if _, err := y.Client.Resume(fctx); err != nil {
			t.Fatalf("resume after the delay: %v", err)
		}
	}
	if ni := fNode(t, n, y.Addr); ni.QoS != 10_000 || ni.Yields != 0 || ni.Kicks != 0 {
		t.Errorf("after 5 hand-backs: qos %d yields %d kicks %d, want untouched", ni.QoS, ni.Yields, ni.Kicks)
	}
	for _, a := range append(peers, c) {
		if ni := fNode(t, n, a.Addr); ni.QoS < 9_000 {
			t.Errorf("peer %s lost score: %d", a.Addr, ni.QoS)
		}
	}
}

// TestFinding13NewcomerGetsWork covers finding 13: with enough proven
// holders of the model, a newcomer holding nothing is still drawn, since
// one seat of every task comes from all available nodes (here half a
// chance per task: never drawn in 20 tasks has odds 1e-6), and its first
// validated task makes it a holder.
func TestFinding13NewcomerGetsWork(t *testing.T) {
	n := simchain.New(t, 5, fParams(0))
	holders, newcomer, app := n.Accounts[:3], n.Accounts[3], n.Accounts[4]
	m := chain.ModelHash("base:popular-model")
	spec := fSpec(m)
	fJoin(t, holders, 24576, fVer, m)
	if _, err := n.RunHonestTask(fctx, app, spec, fFee); err != nil {
		t.Fatal(err)
	}
	fJoin(t, []*simchain.Account{newcomer}, 24576, fVer)
	drawnAt := 0
	for i := 1; i <= 20 && drawnAt == 0; i++ {
		run, err := n.RunHonestTask(fctx, app, spec, fFee)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range run.Nodes {
			if a == newcomer.Addr {
				drawnAt = i
			}
		}
	}
	if drawnAt == 0 {
		t.Fatal("the newcomer was not drawn in 20 tasks")
	}
	if !fProven(t, n, newcomer.Addr, m) || fHolders(t, n, m) != 4 {
		t.Errorf("after its first task the newcomer is no holder (holders %d)", fHolders(t, n, m))
	}
	t.Logf("newcomer drawn in task %d", drawnAt)
}

// TestAlsoCommitmentBoundToChainAndContract covers the review's "also"
// item on commitments: the commitment binds the chain id, the task
// manager's address and the node, so one made for another chain or
// contract (or by another node) differs and cannot be disclosed here
// (BadCommitment); the node that sent it stays silent and is penalised.
func TestAlsoCommitmentBoundToChainAndContract(t *testing.T) {
	n := simchain.New(t, 4, fParams(0))
	fJoin(t, n.Accounts[:3], 24576, fVer)
	app := n.Accounts[3]
	id, seats := fCreate(t, n, app, fSpec(), fFee)
	v := fVote(t, fTrue)
	here, err := n.Network.Commitment(id, seats[0].Addr, v)
	if err != nil {
		t.Fatal(err)
	}
	if on, err := app.Client.CommitmentOnChain(fctx, id, seats[0].Addr, v); err != nil || on != here {
		t.Fatalf("commitment %s on chain, %s here (%v)", on, here, err)
	}
	otherChain := *n.Network
	otherChain.ChainID = (*hexutil.Big)(new(big.Int).Add(n.Network.ChainID.ToInt(), common.Big1))
	otherContract := *n.Network
	otherContract.Tasks = n.Network.Registry
	var foreign common.Hash
	for i, net := range []*chain.Network{&otherChain, &otherContract} {
		c, err := net.Commitment(id, seats[0].Addr, v)
		if err != nil {
			t.Fatal(err)
		}
		if c == here {
			t.Fatalf("case %d: the commitment does not depend on the chain and contract", i)
		}
		foreign = c
	}
	if c, _ := n.Network.Commitment(id, seats[1].Addr, v); c == here {
		t.Fatal("the commitment does not depend on the node")
	}

	if _, err := seats[0].Client.Commit(fctx, id, foreign); err != nil {
		t.Fatal(err)
	}
	votes := fVotes(t, fTrue, fTrue, fTrue)
	for i := 1; i < 3; i++ {
		fCommit(t, seats[i], id, votes[i])
	}
	_, err = seats[0].Client.Disclose(fctx, id, v)
	fRevert(t, err, "BadCommitment")
	for i := 1; i < 3; i++ {
		fDisclose(t, seats[i], id, votes[i])
	}
	fAdvanceTo(t, n, fTask(t, n, id).DiscloseDeadline+1)
	if _, err := app.Client.CloseTask(fctx, id); err != nil {
		t.Fatal(err)
	}
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || !ti.Coin || ti.Slashed != 0 || ti.Honest != 0b110 {
		t.Fatalf("foreign commitment, judged: %s coin %v honest %03b slashed %03b, want validated, coin pending", ti.State, ti.Coin, ti.Honest, ti.Slashed)
	}
	fFlip(t, n, app, id) // no audit at rate 0: the verdicts are final
	if ti := fTask(t, n, id); ti.State != chain.TaskValidated || ti.Slashed != 1 || ti.Honest != 0b110 {
		t.Fatalf("foreign commitment: %s honest %03b slashed %03b", ti.State, ti.Honest, ti.Slashed)
	}
	if ni := fNode(t, n, seats[0].Addr); ni.Slashes != 1 || ni.Stake.Cmp(simchain.Eth(1)) >= 0 {
		t.Errorf("the node that sent the foreign commitment: stake %s slashes %d, want penalised", ni.Stake, ni.Slashes)
	}
}

// TestAlsoRollingYieldWindow covers the review's "also" item on yield
// periods: the limit is maxYields in any rolling yieldPeriod, not per
// fixed window, so no burst around a boundary: after three yields the
// fourth is refused (YieldLimit) until a full period after the first,
// still two minutes before it, then one more is allowed and the next is
// refused again.
func TestAlsoRollingYieldWindow(t *testing.T) {
	p := fParams(0)
	n := simchain.New(t, 4, p)
	y, app := n.Accounts[0], n.Accounts[3]
	fJoin(t, n.Accounts[:3], 24576, fVer)
	spec := fSpec()
	period := p.Registry.YieldPeriod
	if p.Registry.MaxYields != 3 {
		t.Fatalf("the test assumes 3 yields per period, not %d", p.Registry.MaxYields)
	}

	// yield has y yield task id and, y being the only node free, be drawn
	// back into its seat.
	yield := func(id uint64, slot int) *types.Receipt {
		t.Helper()
		r, err := y.Client.Yield(fctx, id, spec, false)
		if err != nil {
			t.Fatal(err)
		}
		fAdvanceTo(t, n, fNode(t, n, y.Addr).ResumeAfter) // a yield sits the node out
		if _, err := y.Client.Resume(fctx); err != nil {
			t.Fatal(err)
		}
		drawn := fLateDraw(t, app, id, spec)
		if drawn[slot] != y.Addr {
			t.Fatalf("redraw gave %s", drawn[slot])
		}
		return r
	}
	finish := func(id uint64, seats []*simchain.Account) {
		t.Helper()
		votes := fVotes(t, fTrue, fTrue, fTrue)
		fPlay(t, id, seats, votes)
		fSubmit(t, seats[0], id, votes[0])
	}

	id, seats := fCreate(t, n, app, spec, fFee)
	slot := fIndex(seats, y)
	t1 := fTime(t, n, yield(id, slot))
	for i := 1; i < 3; i++ {
		fAdvanceTo(t, n, t1+uint64(130*i)) // past each sit-out
		yield(id, slot)
	}
	_, err := y.Client.Yield(fctx, id, spec, false)
	fRevert(t, err, "YieldLimit")
	finish(id, seats)

	fAdvanceTo(t, n, t1+period-120)
	id, seats = fCreate(t, n, app, spec, fFee)
	slot = fIndex(seats, y)
	_, err = y.Client.Yield(fctx, id, spec, false)
	fRevert(t, err, "YieldLimit")
	fAdvanceTo(t, n, t1+period)
	yield(id, slot)
	_, err = y.Client.Yield(fctx, id, spec, false)
	fRevert(t, err, "YieldLimit")
	finish(id, seats)
	if ni := fNode(t, n, y.Addr); ni.Yields != 4 {
		t.Errorf("yields %d, want 4", ni.Yields)
	}
}

// TestAlsoSlashedStakeGoesToHonestNodes covers the review's "also" item on
// the treasury: a slashed stake is shared equally among the seats that
// were right (the task's honest nodes and the auditors), credited to their
// registry balances; the deployer and the creator get nothing of it.
func TestAlsoSlashedStakeGoesToHonestNodes(t *testing.T) {
	n := simchain.New(t, 10, fParams(0))
	first, auditors, second, app := n.Accounts[:3], n.Accounts[3:6], n.Accounts[6:9], n.Accounts[9]
	cheat := first[0]
	spec := fSpec()
	fJoin(t, first, 24576, fVer)
	id, seats := fCreate(t, n, app, spec, fFee)
	votes := fVotes(t, fTrue, fTrue, fTrue)
	cs := fIndex(seats, cheat)
	votes[cs] = fVote(t, fFake)
	fPlay(t, id, seats, votes)
	fJoin(t, auditors, 24576, fVer)
	drawn := fDrawAfterJoins(t, app, id, spec)
	fPlay(t, id, fAccts(t, n, drawn[3:6]), fVotes(t, fTrue, fTrue, fTrue))
	fJoin(t, second, 24576, fVer)
	drawn = fDrawAfterJoins(t, app, id, spec) // a slash needs the second panel too
	fPlay(t, id, fAccts(t, n, drawn[6:9]), fVotes(t, fTrue, fTrue, fTrue))
	if ti := fTask(t, n, id); ti.Slashed != 1<<cs {
		t.Fatalf("slashed %09b, want seat %d", ti.Slashed, cs)
	}
	total := new(big.Int)
	for _, a := range n.Accounts {
		b := fStakeBal(t, n, a.Addr)
		total.Add(total, b)
		switch {
		case a == cheat || a == app:
			fWantBig(t, "slashed node's or creator's share", b, new(big.Int))
		case fIndex(first, a) >= 0 || fIndex(auditors, a) >= 0 || fIndex(second, a) >= 0:
			fWantBig(t, "honest seat's share", b, fEth(1, 8))
		}
	}
	fWantBig(t, "all shares", total, simchain.Eth(1))
	fWantBig(t, "deployer's stake balance", fStakeBal(t, n, n.Deployer.Addr), new(big.Int))
	fWantBig(t, "deployer's fee balance", fFeeBal(t, n, n.Deployer.Addr), new(big.Int))
}
