package chain_test

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

var (
	ctx   = context.Background()
	v123  = chain.Version{Major: 1, Minor: 2, Patch: 3}
	score = chain.ImageScore(0x0123456789abcdef, 0xfedcba9876543210)
)

// join makes each account a node with a 24 GiB card holding models.
func join(t *testing.T, accts []*simchain.Account, models ...common.Hash) {
	t.Helper()
	for _, a := range accts {
		_, err := a.Client.Join(ctx, chain.JoinRequest{
			GPUName: "NVIDIA GeForce RTX 4090", VRAMMiB: 24576, Version: v123, Models: models, Stake: simchain.Eth(1),
		})
		if err != nil {
			t.Fatalf("join %s: %v", a.Addr, err)
		}
	}
}

func imageSpec(models ...common.Hash) chain.Spec {
	return chain.Spec{Type: chain.TaskImage, ArgsHash: common.HexToHash("0xa1"), Models: models, MinVRAMMiB: 8192, Version: v123}
}

// task is a created task and the accounts of its nodes.
type task struct {
	id     uint64
	draw   *types.Receipt
	nodes  [3]*simchain.Account
	nonces [3][32]byte
	scores [3][]byte
}

func create(t *testing.T, n *simchain.Net, app *simchain.Account, spec chain.Spec, fee *big.Int) *task {
	t.Helper()
	id, addrs, rs, err := app.Client.CreateTask(ctx, spec, 600, fee)
	if err != nil {
		t.Fatalf("create task: %v", err)
	}
	tk := &task{id: id, draw: rs.Draw}
	for i, a := range addrs {
		tk.nodes[i] = byAddr(t, n, a)
		if _, err := rand.Read(tk.nonces[i][:]); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

func byAddr(t *testing.T, n *simchain.Net, a common.Address) *simchain.Account {
	t.Helper()
	for _, acct := range n.Accounts {
		if acct.Addr == a {
			return acct
		}
	}
	t.Fatalf("no account %s", a)
	return nil
}

func (tk *task) vote(slot int) chain.Vote {
	return chain.Vote{Score: tk.scores[slot], ResultHash: common.BytesToHash(tk.nodes[slot].Addr.Bytes()), Nonce: tk.nonces[slot]}
}

func (tk *task) commit(t *testing.T, slot int, s []byte) {
	t.Helper()
	tk.scores[slot] = s
	c, err := tk.nodes[slot].Client.Commitment(tk.id, tk.vote(slot))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tk.nodes[slot].Client.Commit(ctx, tk.id, c); err != nil {
		t.Fatalf("commit slot %d: %v", slot, err)
	}
}

func (tk *task) disclose(t *testing.T, slot int) {
	t.Helper()
	if _, err := tk.nodes[slot].Client.Disclose(ctx, tk.id, tk.vote(slot)); err != nil {
		t.Fatalf("disclose slot %d: %v", slot, err)
	}
}

// deliver has the node in slot record its result, which pays the fee.
func (tk *task) deliver(t *testing.T, slot int) {
	t.Helper()
	if _, err := tk.nodes[slot].Client.SubmitResult(ctx, tk.id, tk.vote(slot)); err != nil {
		t.Fatalf("submit result slot %d: %v", slot, err)
	}
}

// audit draws the task's auditors and has them commit and disclose the
// given scores; it returns their accounts.
func (tk *task) audit(t *testing.T, n *simchain.Net, app *simchain.Account, spec chain.Spec, scores ...[]byte) []*simchain.Account {
	t.Helper()
	seats, _, err := app.Client.Draw(ctx, tk.id, spec)
	if err != nil {
		t.Fatalf("draw auditors: %v", err)
	}
	au := &task{id: tk.id}
	var panel []common.Address
	for _, a := range seats[chain.TaskSeatCount:] {
		if a != (common.Address{}) {
			panel = append(panel, a)
		}
	}
	if len(panel) != 3 {
		t.Fatalf("drew %d auditors, want 3", len(panel))
	}
	for i := range 3 {
		au.nodes[i] = byAddr(t, n, panel[i])
		au.nonces[i] = tk.nonces[i]
		au.nonces[i][0] ^= 0xa5
	}
	for i := range 3 {
		au.commit(t, i, scores[i])
	}
	for i := range 3 {
		au.disclose(t, i)
	}
	return au.nodes[:]
}

// flip flips an agreeing task's audit coin (anyone may), which makes its
// own nodes' verdicts final when no audit is drawn.
func flip(t *testing.T, app *simchain.Account, id uint64) {
	t.Helper()
	if _, err := app.Client.CloseTask(ctx, id); err != nil {
		t.Fatalf("flip the audit coin: %v", err)
	}
	ti := taskOf(t, app.Client, id)
	if ti.Coin {
		t.Fatal("the coin is still pending")
	}
	if ti.State == chain.TaskAuditing {
		t.Fatal("the coin called an audit: a test that flips needs noAudits()")
	}
}

// noAudits are the default parameters without random audits, for tests
// that need to know how a task ends.
func noAudits() *chain.Params {
	p := chain.DefaultParams()
	p.Tasks.AuditRateBps = 0
	return &p
}

func taskOf(t *testing.T, c *chain.Client, id uint64) chain.TaskInfo {
	t.Helper()
	ti, err := c.Task(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return ti
}

func nodeOf(t *testing.T, c *chain.Client, a common.Address) chain.NodeInfo {
	t.Helper()
	ni, err := c.Node(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return ni
}

func feeOf(t *testing.T, c *chain.Client, a common.Address) *big.Int {
	t.Helper()
	b, err := c.FeeBalance(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantRevert(t *testing.T, err error, name string) {
	t.Helper()
	if !chain.IsRevert(err, name) {
		t.Fatalf("got %v, want revert %s", err, name)
	}
}

func TestHonestTaskPaysAllAndScoresOrder(t *testing.T) {
	n := simchain.New(t, 4, noAudits())
	nodes, app := n.Accounts[:3], n.Accounts[3]
	join(t, nodes)
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))

	for slot := range 3 {
		if s := nodeOf(t, app.Client, tk.nodes[slot].Addr).State; s != chain.NodeBusy {
			t.Fatalf("selected node is %s, want busy", s)
		}
	}
	// Commit in the order 2, 0, 1: points 10, 9, 8 by order, not slot.
	tk.commit(t, 2, score)
	tk.commit(t, 0, score)
	tk.commit(t, 1, score)
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskDisclosing {
		t.Fatalf("after three commits: %s", st)
	}
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	ti := taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskValidated || ti.Honest != 7 {
		t.Fatalf("task %s honest %03b, want validated 111", ti.State, ti.Honest)
	}
	if [3]uint8(ti.Points[:3]) != [3]uint8{9, 8, 10} {
		t.Errorf("points %v, want [9 8 10]", ti.Points)
	}
	if !ti.Coin {
		t.Error("an agreeing task's audit coin is not pending")
	}
	for slot := range 3 {
		ni := nodeOf(t, app.Client, tk.nodes[slot].Addr)
		if ni.State != chain.NodeBusy || ni.QoS != 10000 {
			t.Errorf("slot %d before the coin: %s qos %d, want busy and unscored (an audit may still judge it)", slot, ni.State, ni.QoS)
		}
		if fee := feeOf(t, app.Client, tk.nodes[slot].Addr); fee.Sign() != 0 {
			t.Errorf("slot %d was paid %s before the result was recorded", slot, fee)
		}
	}

	// The result: only a node that was right may record it, with the
	// result hash it committed to, once; that pays the fee.
	_, err := app.Client.SubmitResult(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "NotSelected")
	forged := tk.vote(1)
	forged.ResultHash = common.HexToHash("0xbeef")
	_, err = tk.nodes[1].Client.SubmitResult(ctx, tk.id, forged)
	wantRevert(t, err, "BadCommitment")
	tk.deliver(t, 1)
	ti = taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskDone || ti.ResultHash != tk.vote(1).ResultHash {
		t.Fatalf("after result: %s %s", ti.State, ti.ResultHash)
	}
	wantQoS := map[int]uint32{2: (10000*19 + 10*1000) / 20, 0: (10000*19 + 9*1000) / 20, 1: (10000*19 + 8*1000) / 20}
	for slot, q := range wantQoS {
		ni := nodeOf(t, app.Client, tk.nodes[slot].Addr)
		if ni.QoS != q || ni.State != chain.NodeAvailable {
			t.Errorf("slot %d: qos %d state %s, want %d available", slot, ni.QoS, ni.State, q)
		}
	}
	_, err = tk.nodes[0].Client.SubmitResult(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "BadTaskState")
	for slot := range 3 {
		if fee := feeOf(t, app.Client, tk.nodes[slot].Addr); fee.Cmp(simchain.Eth(1)) != 0 {
			t.Errorf("slot %d earned %s, want 1 ETH", slot, fee)
		}
	}

	// Fees are pulled, once.
	before, _ := n.Backend.BalanceAt(ctx, tk.nodes[0].Addr, nil)
	if _, err := tk.nodes[0].Client.WithdrawFees(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := n.Backend.BalanceAt(ctx, tk.nodes[0].Addr, nil)
	if gain := new(big.Int).Sub(after, before); gain.Cmp(simchain.Eth(1)) >= 0 || gain.Cmp(new(big.Int).Sub(simchain.Eth(1), big.NewInt(1e15))) < 0 {
		t.Errorf("withdrawal gained %s, want 1 ETH less gas", gain)
	}
	_, err = tk.nodes[0].Client.WithdrawFees(ctx)
	wantRevert(t, err, "NothingToWithdraw")
}

// TestRandomScoreIsSlashed: a made-up score differs from the two honest
// ones; the disagreement is audited by three more nodes, whose
// confirmation pays; the slash waits for a second panel of three to
// confirm too. The cheater is slashed and its stake goes to the nodes
// that were right.
func TestRandomScoreIsSlashed(t *testing.T) {
	n := simchain.New(t, 10, noAudits())
	join(t, n.Accounts[:9])
	app := n.Accounts[9]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))
	tk.commit(t, 0, score)
	// 0x0123456789abcdef with 3 bits flipped: within the threshold.
	tk.commit(t, 1, chain.ImageScore(0x0123456789abcdef^0b10101, 0xfedcba9876543210))
	tk.commit(t, 2, chain.ImageScore(0xdeadbeefdeadbeef^0xffff0000ffff, 0xfedcba9876543210^0xffffffff)) // made up
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskAuditing {
		t.Fatalf("a disagreement is %s, want auditing", st)
	}
	audit := tk.audit(t, n, app, imageSpec(), score, score, score)
	if ti := taskOf(t, app.Client, tk.id); ti.State != chain.TaskAuditing || ti.Panels != 2 {
		t.Fatalf("after the first panel: %s with %d panels, want a second panel", ti.State, ti.Panels)
	}
	audit = append(audit, tk.audit(t, n, app, imageSpec(), score, score, score)...)
	ti := taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskValidated || ti.Honest != 0b111111011 || ti.Slashed != 0b000000100 {
		t.Fatalf("task %s honest %09b slashed %09b, want validated 111111011 / 000000100", ti.State, ti.Honest, ti.Slashed)
	}
	cheater := nodeOf(t, app.Client, tk.nodes[2].Addr)
	if cheater.State != chain.NodeQuit || cheater.Stake.Sign() != 0 || cheater.Unbonding.Sign() != 0 || cheater.Slashes != 1 {
		t.Errorf("cheater: %+v, want quit with nothing and one slash", cheater)
	}
	// The slashed stake is shared by the eight that were right.
	each := new(big.Int).Div(simchain.Eth(1), big.NewInt(8))
	for _, a := range append([]*simchain.Account{tk.nodes[0], tk.nodes[1]}, audit...) {
		if b, _ := app.Client.StakeBalance(ctx, a.Addr); b.Cmp(each) < 0 {
			t.Errorf("%s got %s of the slashed stake, want %s", a.Addr, b, each)
		}
	}
	if b, _ := app.Client.StakeBalance(ctx, n.Deployer.Addr); b.Sign() != 0 {
		t.Errorf("the deployer got %s of the slashed stake", b)
	}
	tk.deliver(t, 0)
	for _, a := range append([]*simchain.Account{tk.nodes[0], tk.nodes[1]}, audit...) {
		if fee := feeOf(t, app.Client, a.Addr); fee.Cmp(new(big.Int).Div(simchain.Eth(3), big.NewInt(8))) < 0 {
			t.Errorf("%s earned %s, want an eighth of 3 ETH", a.Addr, fee)
		}
	}
}

func TestCopyingAScoreIsImpossible(t *testing.T) {
	n := simchain.New(t, 4, noAudits())
	join(t, n.Accounts[:3])
	app := n.Accounts[3]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))
	// The lazy node commits before it can know anyone's score.
	tk.commit(t, 2, chain.ImageScore(1, 2))
	tk.commit(t, 0, score)
	tk.commit(t, 1, score)
	tk.disclose(t, 0)
	// Now the honest score is public; the lazy node cannot open its
	// commitment to it.
	copied := tk.vote(2)
	copied.Score = score
	_, err := tk.nodes[2].Client.Disclose(ctx, tk.id, copied)
	wantRevert(t, err, "BadCommitment")
	// Nor can it take over another node's commitment.
	copied.Nonce = tk.nonces[0]
	_, err = tk.nodes[2].Client.Disclose(ctx, tk.id, copied)
	wantRevert(t, err, "BadCommitment")
	tk.disclose(t, 1)
	// It stays silent: after the window anyone settles with the two, and
	// a node that committed and never disclosed loses part of its stake.
	n.Backend.Advance(301 * time.Second)
	if _, err := app.Client.CloseTask(ctx, tk.id); err != nil {
		t.Fatal(err)
	}
	flip(t, app, tk.id)
	ti := taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskValidated || ti.Honest != 0b011 || ti.Slashed != 0b100 {
		t.Fatalf("task %s honest %03b slashed %03b", ti.State, ti.Honest, ti.Slashed)
	}
	lazy := nodeOf(t, app.Client, tk.nodes[2].Addr)
	if lazy.State != chain.NodeQuit || lazy.Slashes != 1 {
		t.Errorf("silent node: %+v, want removed (its stake fell under the minimum) with a slash", lazy)
	}
	if got, want := lazy.Unbonding, simchain.Eth(1); got.Cmp(new(big.Int).Sub(want, new(big.Int).Div(want, big.NewInt(10)))) != 0 {
		t.Errorf("silent node keeps %s unbonding, want 0.9 ETH", got)
	}
}

func TestAbsentNodeLosesQoSTaskSettles(t *testing.T) {
	n := simchain.New(t, 4, noAudits())
	join(t, n.Accounts[:3])
	app := n.Accounts[3]
	tk := create(t, n, app, imageSpec(), simchain.Eth(2))
	tk.commit(t, 0, score)
	tk.commit(t, 1, score)
	// Disclosing before the commit deadline is refused: slot 2 may still commit.
	_, err := tk.nodes[0].Client.Disclose(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "BadTaskState")
	n.Backend.Advance(601 * time.Second)
	_, err = tk.nodes[2].Client.Commit(ctx, tk.id, common.HexToHash("0x1"))
	wantRevert(t, err, "CommitDeadlinePassed")
	tk.scores[2] = score
	_, err = tk.nodes[2].Client.Disclose(ctx, tk.id, tk.vote(2))
	wantRevert(t, err, "NotCommitted")
	tk.disclose(t, 0)
	tk.disclose(t, 1) // the last of the committed: judges
	flip(t, app, tk.id)
	ti := taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskValidated || ti.Honest != 0b011 {
		t.Fatalf("task %s honest %03b", ti.State, ti.Honest)
	}
	absent := nodeOf(t, app.Client, tk.nodes[2].Addr)
	if absent.QoS != 9500 || absent.State != chain.NodeAvailable || absent.Stake.Cmp(simchain.Eth(1)) != 0 {
		t.Errorf("absent node: %+v, want qos 9500, available, stake kept", absent)
	}
}

// TestNoMajorityRefunds: three scores that all differ are audited; when
// the auditors cannot agree either, the fee is refunded and nobody is
// slashed (nobody can be blamed).
func TestNoMajorityRefunds(t *testing.T) {
	n := simchain.New(t, 7, noAudits())
	join(t, n.Accounts[:6])
	app := n.Accounts[6]
	fee := simchain.Eth(3)
	tk := create(t, n, app, imageSpec(), fee)
	tk.commit(t, 0, chain.ImageScore(0x00000000ffffffff))
	tk.commit(t, 1, chain.ImageScore(0xffffffff00000000))
	tk.commit(t, 2, chain.ImageScore(0x0f0f0f0f0f0f0f0f))
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskAuditing {
		t.Fatalf("task %s, want auditing", st)
	}
	tk.audit(t, n, app, imageSpec(), chain.ImageScore(0xf0f0f0f0f0f0f0f0), chain.ImageScore(0x3333333333333333), chain.ImageScore(0x5555555555555555))
	// No majority after the first panel: a second is called; the network
	// has no node left to sit on it (all six are on the task), so the draw
	// judges at once without it.
	if ti := taskOf(t, app.Client, tk.id); ti.State != chain.TaskAuditing || ti.Panels != 2 {
		t.Fatalf("after a first panel without a majority: %s panels %d", ti.State, ti.Panels)
	}
	if seats, _, err := app.Client.Draw(ctx, tk.id, imageSpec()); err != nil || seats != ([chain.Seats]common.Address{}) {
		t.Fatalf("a draw with every node on the task: %v %v", seats, err)
	}
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskAborted {
		t.Fatalf("task %s, want aborted", st)
	}
	if got := feeOf(t, app.Client, app.Addr); got.Cmp(fee) != 0 {
		t.Errorf("refund %s, want %s", got, fee)
	}
	for slot := range 3 {
		ni := nodeOf(t, app.Client, tk.nodes[slot].Addr)
		if ni.State != chain.NodeAvailable || ni.Stake.Cmp(simchain.Eth(1)) != 0 {
			t.Errorf("slot %d after no majority: %+v; nobody can be blamed", slot, ni)
		}
	}
}

func TestAnyoneClosesAfterDeadline(t *testing.T) {
	n := simchain.New(t, 5, noAudits())
	join(t, n.Accounts[:3])
	app, stranger := n.Accounts[3], n.Accounts[4]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))
	tk.commit(t, 0, score)
	_, err := stranger.Client.CloseTask(ctx, tk.id)
	wantRevert(t, err, "TooEarly")
	n.Backend.Advance(601 * time.Second)
	if _, err := stranger.Client.CloseTask(ctx, tk.id); err != nil {
		t.Fatal(err)
	}
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskAborted {
		t.Fatalf("one commit then the deadline: %s, want aborted", st)
	}
	if got := feeOf(t, app.Client, app.Addr); got.Cmp(simchain.Eth(3)) != 0 {
		t.Errorf("refund %s", got)
	}
	q := nodeOf(t, app.Client, tk.nodes[1].Addr).QoS
	if q != 9500 {
		t.Errorf("a node that never committed has qos %d, want 9500", q)
	}
	_, err = stranger.Client.CloseTask(ctx, tk.id)
	wantRevert(t, err, "BadTaskState")
}

func TestPauseAndQuitWhileBusyLandAfterTheTask(t *testing.T) {
	n := simchain.New(t, 4, noAudits()) // the coin must not call an audit: the nodes land after the task
	join(t, n.Accounts[:3])
	app := n.Accounts[3]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))
	pauser, quitter := tk.nodes[0], tk.nodes[1]
	if _, err := pauser.Client.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := quitter.Client.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if s := nodeOf(t, app.Client, pauser.Addr).State; s != chain.NodePendingPause {
		t.Errorf("pauser is %s", s)
	}
	if s := nodeOf(t, app.Client, quitter.Addr).State; s != chain.NodePendingQuit {
		t.Errorf("quitter is %s", s)
	}
	for slot := range 3 {
		tk.commit(t, slot, score)
	}
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	flip(t, app, tk.id)
	if s := nodeOf(t, app.Client, pauser.Addr).State; s != chain.NodePaused {
		t.Errorf("pauser landed in %s, want paused", s)
	}
	if s := nodeOf(t, app.Client, quitter.Addr).State; s != chain.NodeQuit {
		t.Errorf("quitter landed in %s, want quit", s)
	}
	// The quitter's stake unbonds before it can be withdrawn.
	q := nodeOf(t, app.Client, quitter.Addr)
	if q.Unbonding.Cmp(simchain.Eth(1)) != 0 || q.Stake.Sign() != 0 {
		t.Errorf("quitter: %+v, want 1 ETH unbonding", q)
	}
	_, err := quitter.Client.WithdrawStake(ctx)
	wantRevert(t, err, "Unbonding")
	n.Backend.Advance(time.Duration(n.Network.Params.Registry.UnbondingPeriod+1) * time.Second)
	if _, err := quitter.Client.WithdrawStake(ctx); err != nil {
		t.Fatal(err)
	}
	// A paused node is never selected: with one node paused and one gone,
	// a new task cannot find three, and is refunded.
	_, _, _, err = app.Client.CreateTask(ctx, imageSpec(), 600, simchain.Eth(1))
	if !errors.Is(err, chain.ErrNotEnoughNodes) {
		t.Fatalf("a task without three nodes: %v", err)
	}
	if _, err := pauser.Client.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if s := nodeOf(t, app.Client, pauser.Addr).State; s != chain.NodeAvailable {
		t.Errorf("resumed node is %s", s)
	}
	_, err = quitter.Client.Pause(ctx)
	wantRevert(t, err, "BadState")
}

func TestYieldHandsBackWithoutSlashing(t *testing.T) {
	n := simchain.New(t, 8, noAudits())
	join(t, n.Accounts[:7])
	app := n.Accounts[7]
	spec := imageSpec()
	tk := create(t, n, app, spec, simchain.Eth(3))
	yielder := tk.nodes[1]

	// Committed nodes cannot yield; the spec must be the task's.
	tk.commit(t, 0, score)
	_, err := tk.nodes[0].Client.Yield(ctx, tk.id, spec, false)
	wantRevert(t, err, "AlreadyCommitted")
	wrong := spec
	wrong.MinVRAMMiB = 1
	_, err = yielder.Client.Yield(ctx, tk.id, wrong, false)
	wantRevert(t, err, "SpecMismatch")

	if _, err := yielder.Client.Yield(ctx, tk.id, spec, false); err != nil {
		t.Fatal(err)
	}
	ti := taskOf(t, app.Client, tk.id)
	if ti.Nodes[1] != (common.Address{}) || ti.Vacant != 0b010 {
		t.Fatalf("after a yield the seat is %s, vacant %03b: the replacement is drawn later", ti.Nodes[1], ti.Vacant)
	}
	// The yielder sits out resumeDelay, paused: yielding a task to be
	// drawn for a better one costs that time.
	y := nodeOf(t, app.Client, yielder.Addr)
	if y.State != chain.NodePaused || y.Stake.Cmp(simchain.Eth(1)) != 0 || y.QoS != 9500 || y.Yields != 1 || y.ResumeAfter == 0 {
		t.Errorf("yielder: %+v; want paused, stake kept, qos 9500, 1 yield", y)
	}
	_, err = yielder.Client.Resume(ctx)
	wantRevert(t, err, "TooEarly")
	seats, _, err := app.Client.Draw(ctx, tk.id, spec)
	if err != nil {
		t.Fatal(err)
	}
	repl := seats[1]
	ti = taskOf(t, app.Client, tk.id)
	if repl == (common.Address{}) || ti.Nodes[1] != repl || repl == ti.Nodes[0] || repl == ti.Nodes[2] {
		t.Fatalf("replacement %s for %s among %v", repl, yielder.Addr, ti.Nodes)
	}
	// The task completes with the replacement.
	tk.nodes[1] = byAddr(t, n, repl)
	tk.commit(t, 1, score)
	tk.commit(t, 2, score)
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	if st := taskOf(t, app.Client, tk.id).State; st != chain.TaskValidated {
		t.Fatalf("task after a yield: %s", st)
	}
	flip(t, app, tk.id)
	n.Backend.Advance(time.Duration(n.Network.Params.Registry.ResumeDelay+1) * time.Second)
	if _, err := yielder.Client.Resume(ctx); err != nil {
		t.Fatal(err)
	}

	// Three yields in any day; the fourth is refused. Tasks that do not
	// reach the yielder are closed after their deadline to free their nodes.
	for i := 2; i <= 4; {
		if nodeOf(t, app.Client, yielder.Addr).State == chain.NodePaused { // sat out its last yield
			if _, err := yielder.Client.Resume(ctx); err != nil {
				t.Fatal(err)
			}
		}
		tk := create(t, n, app, spec, simchain.Eth(1))
		for _, a := range tk.nodes {
			if a.Addr != yielder.Addr {
				continue
			}
			_, err := yielder.Client.Yield(ctx, tk.id, spec, false)
			if i <= 3 && err != nil {
				t.Fatalf("yield %d: %v", i, err)
			}
			if i == 3 {
				if q := nodeOf(t, app.Client, yielder.Addr).QoS; q != 10000-3*500 {
					t.Errorf("after three yields qos %d, want %d: each costs a bounded 5 %%", q, 10000-3*500)
				}
			}
			if i == 4 {
				wantRevert(t, err, "YieldLimit")
			}
			i++
		}
		n.Backend.Advance(601 * time.Second)
		if _, err := app.Client.CloseTask(ctx, tk.id); err != nil {
			t.Fatal(err)
		}
	}
	// The refused yield left it in the task, which then timed out: that
	// costs the usual timeout, not more.
	if q := nodeOf(t, app.Client, yielder.Addr).QoS; q != (10000-3*500)*19/20 {
		t.Errorf("after the refused yield and a timeout qos %d, want %d", q, (10000-3*500)*19/20)
	}
}

func TestOnlySelectedNodesAndValidDisclosures(t *testing.T) {
	n := simchain.New(t, 5, nil)
	join(t, n.Accounts[:3])
	app, stranger := n.Accounts[3], n.Accounts[4]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))

	_, err := stranger.Client.Commit(ctx, tk.id, common.HexToHash("0x1"))
	wantRevert(t, err, "NotSelected")
	_, err = tk.nodes[0].Client.Commit(ctx, tk.id, common.Hash{})
	wantRevert(t, err, "EmptyCommitment")
	tk.commit(t, 0, score)
	_, err = tk.nodes[0].Client.Commit(ctx, tk.id, common.HexToHash("0x2"))
	wantRevert(t, err, "AlreadyCommitted")
	tk.commit(t, 1, score)
	// Disclosing before everyone committed is refused.
	_, err = tk.nodes[0].Client.Disclose(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "BadTaskState")
	tk.commit(t, 2, score)

	_, err = stranger.Client.Disclose(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "NotSelected")
	wrongNonce := tk.vote(0)
	wrongNonce.Nonce = [32]byte{}
	_, err = tk.nodes[0].Client.Disclose(ctx, tk.id, wrongNonce)
	wantRevert(t, err, "BadCommitment")
	tk.disclose(t, 0)
	_, err = tk.nodes[0].Client.Disclose(ctx, tk.id, tk.vote(0))
	wantRevert(t, err, "AlreadyDisclosed")
	n.Backend.Advance(301 * time.Second)
	_, err = tk.nodes[1].Client.Disclose(ctx, tk.id, tk.vote(1))
	wantRevert(t, err, "DiscloseDeadlinePassed")
}

func TestMalformedScoresRejected(t *testing.T) {
	tests := []struct {
		name string
		spec chain.Spec
		bad  []byte
	}{
		{"image score not a multiple of 8 bytes", imageSpec(), []byte{1, 2, 3}},
		{"image score empty", imageSpec(), []byte{}},
		{"one byte but not the no-arguments vote", imageSpec(), []byte{1}},
		{"too many images", imageSpec(), make([]byte, 8*17)},
		{"text score not 32 bytes", chain.Spec{Type: chain.TaskText, Version: v123}, []byte("short")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := simchain.New(t, 4, noAudits())
			join(t, n.Accounts[:3])
			app := n.Accounts[3]
			tk := create(t, n, app, tt.spec, simchain.Eth(1))
			for slot := range 3 {
				tk.commit(t, slot, tt.bad)
			}
			_, err := tk.nodes[0].Client.Disclose(ctx, tk.id, tk.vote(0))
			wantRevert(t, err, "BadScore")
		})
	}
}

func TestTextTasksNeedEqualScores(t *testing.T) {
	n := simchain.New(t, 4, noAudits())
	join(t, n.Accounts[:3])
	app := n.Accounts[3]
	spec := chain.Spec{Type: chain.TaskText, ArgsHash: common.HexToHash("0x7e"), Version: v123}
	tk := create(t, n, app, spec, simchain.Eth(3))
	a := chain.TextScore([32]byte{1})
	b := chain.TextScore([32]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}) // one bit off
	tk.commit(t, 0, a)
	tk.commit(t, 1, a)
	tk.commit(t, 2, b)
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	if ti := taskOf(t, app.Client, tk.id); ti.State != chain.TaskAuditing {
		t.Fatalf("text task %s, want auditing: one bit off is a different text", ti.State)
	}
	if r, _ := app.Client.Relation(ctx, chain.TaskText, a, b); r != 2 {
		t.Errorf("relation of two texts one bit apart: %d, want 2 (differ)", r)
	}
}

func TestCommitmentMatchesContract(t *testing.T) {
	n := simchain.New(t, 1, nil)
	c := n.Accounts[0].Client
	for _, s := range [][]byte{score, {}, chain.TextScore([32]byte{9}), chain.NoArgumentsScore()} {
		v := chain.Vote{Score: s, ResultHash: common.HexToHash("0x5e"), Nonce: [32]byte{7, 7, 7}}
		want, err := c.CommitmentOnChain(ctx, 42, n.Accounts[0].Addr, v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := n.Network.Commitment(42, n.Accounts[0].Addr, v)
		if err != nil || got != want {
			t.Fatalf("Go commitment %s, contract %s (%v)", got, want, err)
		}
	}
}

func TestJoinRules(t *testing.T) {
	n := simchain.New(t, 2, nil)
	a := n.Accounts[0]
	req := chain.JoinRequest{GPUName: "NVIDIA GeForce RTX 3060", VRAMMiB: 12288, Version: v123, Stake: simchain.Eth(1)}
	low := req
	low.Stake = big.NewInt(1)
	_, err := a.Client.Join(ctx, low)
	wantRevert(t, err, "StakeTooLow")
	noGPU := req
	noGPU.GPUName = ""
	_, err = a.Client.Join(ctx, noGPU)
	wantRevert(t, err, "BadNode")
	many := req
	for i := range 17 {
		many.Models = append(many.Models, chain.ModelHash(string(rune('a'+i))))
	}
	_, err = a.Client.Join(ctx, many)
	wantRevert(t, err, "TooManyModels")
	if _, err := a.Client.Join(ctx, req); err != nil {
		t.Fatal(err)
	}
	_, err = a.Client.Join(ctx, req)
	wantRevert(t, err, "BadState")
	_, err = n.Accounts[1].Client.Pause(ctx)
	wantRevert(t, err, "BadState")
	// Quitting an idle node starts its stake's unbonding at once.
	if _, err := a.Client.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if ni := nodeOf(t, a.Client, a.Addr); ni.Unbonding.Cmp(simchain.Eth(1)) != 0 || ni.State != chain.NodeQuit {
		t.Fatalf("after quitting: %+v", ni)
	}
}

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o600) }

func TestVersionRuleMatchesContract(t *testing.T) {
	n := simchain.New(t, 1, nil)
	c := n.Accounts[0].Client
	v := func(s string) chain.Version {
		x, err := chain.ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	tests := []struct {
		node, task string
		want       bool
	}{
		{"1.2.3", "1.2.3", true},
		{"1.2.4", "1.2.3", true},
		{"1.2.2", "1.2.3", true},  // patches are compatible
		{"1.3.0", "1.2.9", false}, // a minor is its own pool
		{"1.1.9", "1.2.0", false},
		{"2.0.0", "1.9.9", false},
		{"1.9.9", "2.0.0", false},
		{"0.0.0", "0.0.0", true},
		{"255.255.255", "255.255.255", true},
	}
	for _, tt := range tests {
		got, err := c.VersionCompatible(ctx, v(tt.node), v(tt.task))
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want || v(tt.node).CanRun(v(tt.task)) != tt.want {
			t.Errorf("node %s task %s: contract %v, Go %v, want %v", tt.node, tt.task, got, v(tt.node).CanRun(v(tt.task)), tt.want)
		}
	}
	for _, bad := range []string{"1.2", "1.2.3.4", "1.2.256", "a.b.c", ""} {
		if _, err := chain.ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", bad)
		}
	}
}

func TestParamsReadableOnChain(t *testing.T) {
	n := simchain.New(t, 1, nil)
	got, err := n.Accounts[0].Client.Params(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := n.Network.Params
	if got.Registry.MinStake.Cmp(want.Registry.MinStake) != 0 ||
		got.Registry.KickThreshold != want.Registry.KickThreshold || got.Tasks.MinFee.Cmp(want.Tasks.MinFee) != 0 || got.Tasks.AuditRateBps != want.Tasks.AuditRateBps || got.Tasks.DoubtThreshold != want.Tasks.DoubtThreshold {
		t.Fatalf("on chain %+v, deployed %+v", got, want)
	}
	bad := want
	bad.Tasks.MaxTimeout = 1
	if err := bad.Validate(); err == nil {
		t.Error("max timeout below min validated")
	}
}

func TestStateNames(t *testing.T) {
	for s, want := range map[chain.NodeState]string{chain.NodeQuit: "quit", chain.NodePendingPause: "pending-pause", chain.NodePaused: "paused", 9: "NodeState(9)"} {
		if s.String() != want {
			t.Errorf("%d: %q, want %q", s, s.String(), want)
		}
	}
	if b, err := chain.TaskValidated.MarshalText(); err != nil || string(b) != "validated" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	if b, err := chain.TaskAuditDisclosing.MarshalText(); err != nil || string(b) != "audit-disclosing" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	if _, err := chain.TaskState(9).MarshalText(); err == nil {
		t.Error("an unknown task state encoded")
	}
	if _, err := chain.NodeState(6).MarshalText(); err == nil {
		t.Error("an unknown node state encoded")
	}
}

func TestTaskSpecFromChain(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	app := n.Accounts[3]
	spec := imageSpec(chain.ModelHash("base:x"))
	spec.ArgsHash = common.HexToHash("0x1234")
	tk := create(t, n, app, spec, simchain.Eth(1))
	got, creator, err := app.Client.TaskSpec(ctx, tk.id)
	if err != nil {
		t.Fatal(err)
	}
	if creator != app.Addr || got.ArgsHash != spec.ArgsHash || got.Version != spec.Version || len(got.Models) != 1 || got.Models[0] != spec.Models[0] {
		t.Fatalf("spec %+v creator %s", got, creator)
	}
	if _, _, err := app.Client.TaskSpec(ctx, 999); err == nil {
		t.Fatal("a task that does not exist has a spec")
	}
}

// TestAuditWaitsForFreeNodes: an audit that finds fewer than two free
// nodes frees those it found and waits (the task's nodes stay on it); a
// later draw, once nodes are free, seats the auditors.
func TestAuditWaitsForFreeNodes(t *testing.T) {
	n := simchain.New(t, 10, noAudits())
	join(t, n.Accounts[:9])
	app := n.Accounts[9]
	tk := create(t, n, app, imageSpec(), simchain.Eth(3))
	var others []*simchain.Account
	for _, a := range n.Accounts[:9] {
		if a != tk.nodes[0] && a != tk.nodes[1] && a != tk.nodes[2] {
			others = append(others, a)
		}
	}
	for _, a := range others[1:] { // one stays available
		if _, err := a.Client.Pause(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tk.commit(t, 0, score)
	tk.commit(t, 1, score)
	tk.commit(t, 2, chain.ImageScore(0xdeadbeefdeadbeef^0xffff0000ffff, 0xfedcba9876543210^0xffffffff))
	for slot := range 3 {
		tk.disclose(t, slot)
	}
	seats, _, err := app.Client.Draw(ctx, tk.id, imageSpec())
	if err != nil || seats != ([chain.Seats]common.Address{}) {
		t.Fatalf("a draw with one free node: %v %v", seats, err)
	}
	ti := taskOf(t, app.Client, tk.id)
	if ti.State != chain.TaskAuditing || ti.Vacant != chain.Panel1Seats || ti.Nodes[3] != (common.Address{}) {
		t.Fatalf("after a short draw: %s vacant %09b nodes %v, want still waiting for auditors", ti.State, ti.Vacant, ti.Nodes)
	}
	if s := nodeOf(t, app.Client, others[0].Addr).State; s != chain.NodeAvailable {
		t.Fatalf("the node drawn alone is %s, want freed", s)
	}
	for _, slot := range []int{0, 1, 2} {
		if s := nodeOf(t, app.Client, tk.nodes[slot].Addr).State; s != chain.NodeBusy {
			t.Fatalf("task node %d is %s while its audit waits, want busy", slot, s)
		}
	}
	for _, a := range others[1:] {
		if _, err := a.Client.Resume(ctx); err != nil {
			t.Fatal(err)
		}
	}
	audit := tk.audit(t, n, app, imageSpec(), score, score, score)
	if len(audit) != 3 {
		t.Fatal("no auditors once nodes were free")
	}
	tk.audit(t, n, app, imageSpec(), score, score, score) // the second panel confirms the slash
	if ti := taskOf(t, app.Client, tk.id); ti.State != chain.TaskValidated || ti.Slashed != 0b100 {
		t.Fatalf("after the audit: %s slashed %09b", ti.State, ti.Slashed)
	}
}
