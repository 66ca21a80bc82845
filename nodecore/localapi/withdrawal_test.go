package localapi

import (
	"bytes"
	"context"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
)

// payNode is a node with money: it plans and sends withdrawals and
// records where they went.
type payNode struct {
	*fakeNode
	mu   sync.Mutex       // guards sent
	sent []common.Address // the destination of every withdrawal carried out
}

func (p *payNode) PlanWithdraw(_ context.Context, to common.Address, amount *big.Int) (node.WithdrawPlan, error) {
	if to == (common.Address{}) || to == p.Snapshot().Address {
		return node.WithdrawPlan{}, node.ErrBadWithdrawAddress
	}
	if amount == nil {
		amount = big.NewInt(4e18)
	}
	return node.WithdrawPlan{To: to, Amount: amount, Claim: big.NewInt(42), Gas: big.NewInt(21000), Reserve: big.NewInt(1e17), All: amount == nil}, nil
}

func (p *payNode) Withdraw(_ context.Context, plan node.WithdrawPlan) (node.Withdrawal, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, plan.To)
	return node.Withdrawal{Txs: []common.Hash{{1}}, Sent: plan.Amount}, nil
}

func (p *payNode) destinations() []common.Address {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]common.Address(nil), p.sent...)
}

// offsetClock is the real clock moved forward by the test.
type offsetClock struct {
	mu  sync.Mutex // guards off
	off time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *offsetClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

var (
	nodeAddr = common.HexToAddress("0x00000000000000000000000000000000000000aB")
	owner    = common.HexToAddress("0x1111111111111111111111111111111111111111")
	owner2   = common.HexToAddress("0x2222222222222222222222222222222222222222")
	thief    = common.HexToAddress("0xBAD0000000000000000000000000000000000BAD")
)

// payRig serves the API for a node with money and the withdrawal address
// kept in dir.
func payRig(t *testing.T, dir string, clock *offsetClock) (*rig, *payNode, *WithdrawalAddress) {
	t.Helper()
	n := &payNode{fakeNode: &fakeNode{snap: node.Snapshot{State: node.StateAvailable, Address: nodeAddr}}}
	wa, err := OpenWithdrawalAddress(filepath.Join(dir, "withdrawal-address.json"), DefaultWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := serve(t, sockPath(t), n.fakeNode, me(), func(s *Server) {
		s.Node, s.Withdrawal, s.Now = n, wa, clock.Now
	})
	return r, n, wa
}

// withdraw asks for a quote to to and confirms it.
func withdraw(ctx context.Context, c *api.Client, to common.Address) (api.WithdrawDone, error) {
	q, err := c.Withdraw(ctx, api.Withdraw{To: to.Hex(), Amount: "all"})
	if err != nil {
		return api.WithdrawDone{}, err
	}
	return c.ConfirmWithdraw(ctx, q.ID)
}

func errParams(err error) map[string]string {
	var e *api.Error
	if api.AsError(err, &e) {
		return e.Params
	}
	return nil
}

// TestFinding2WithdrawOnlyToTheAddress (issue 17, finding 2): a writer —
// the tray, the window, or malware running as the desktop user — cannot
// send the wallet anywhere but the withdrawal address: not before one is
// set, not to another address however it asks.
func TestFinding2WithdrawOnlyToTheAddress(t *testing.T) {
	ctx := context.Background()
	clock := &offsetClock{}
	r, n, _ := payRig(t, t.TempDir(), clock)
	c := r.client

	// No withdrawal address yet: nothing leaves.
	if _, err := withdraw(ctx, c, thief); !api.IsCode(err, api.CodeNoWithdrawalAddress) {
		t.Fatalf("withdrawing before an address is set: %v, want %s", err, api.CodeNoWithdrawalAddress)
	}
	// A node that runs already (upgraded from before the address
	// existed) takes its first address after the delay, like a change:
	// a writer cannot name it unseen. Until then nothing leaves.
	wa, err := c.SetWithdrawalAddress(ctx, owner.Hex())
	if err != nil || wa.Address != "" || wa.Pending == nil || wa.Pending.Address != owner.Hex() || wa.Delay != api.Duration(DefaultWithdrawalDelay) {
		t.Fatalf("the first address of a running node: %+v %v", wa, err)
	}
	if _, err := withdraw(ctx, c, owner); !api.IsCode(err, api.CodeNoWithdrawalAddress) {
		t.Fatalf("withdrawing while the first address waits: %v, want %s", err, api.CodeNoWithdrawalAddress)
	}
	clock.advance(DefaultWithdrawalDelay + time.Second)
	if wa, err = c.WithdrawalAddress(ctx); err != nil || wa.Address != owner.Hex() || wa.Pending != nil {
		t.Fatalf("the first address after the delay: %+v %v", wa, err)
	}
	// Any other destination is refused, in every spelling, and says where
	// withdrawals go.
	for _, to := range []string{thief.Hex(), strings.ToLower(thief.Hex()), "0x" + strings.ToUpper(thief.Hex()[2:])} {
		_, err := c.Withdraw(ctx, api.Withdraw{To: to, Amount: "all"})
		if !api.IsCode(err, api.CodeNotWithdrawalAddress) || errParams(err)[api.ParamAddress] != owner.Hex() {
			t.Errorf("withdrawing to %s: %v (params %v), want %s naming %s", to, err, errParams(err), api.CodeNotWithdrawalAddress, owner.Hex())
		}
	}
	if _, err := c.Withdraw(ctx, api.Withdraw{To: thief.Hex(), Amount: "1000"}); !api.IsCode(err, api.CodeNotWithdrawalAddress) {
		t.Errorf("a part to another address: %v", err)
	}
	if got := n.destinations(); len(got) != 0 {
		t.Fatalf("money went to %v", got)
	}
	// To the withdrawal address it goes, once confirmed.
	q, err := c.Withdraw(ctx, api.Withdraw{To: strings.ToLower(owner.Hex()), Amount: "all"})
	if err != nil || q.To != owner.Hex() {
		t.Fatalf("the quote to the withdrawal address: %+v %v", q, err)
	}
	if done, err := c.ConfirmWithdraw(ctx, q.ID); err != nil || done.Amount != "4000000000000000000" {
		t.Fatalf("confirm: %+v %v", done, err)
	}
	if got := n.destinations(); len(got) != 1 || got[0] != owner {
		t.Fatalf("sent to %v, want only %s", got, owner.Hex())
	}
}

// TestFinding2AddressChangeDelayed (issue 17, finding 2): a change of the
// withdrawal address waits for the delay, shown in the status (the
// tray's notice) from the moment it is asked for; withdrawals meanwhile
// still go to the old address; then the new one applies, by itself.
// Cancelling works, and everything survives a restart.
func TestFinding2AddressChangeDelayed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := &offsetClock{}
	r, n, store := payRig(t, dir, clock)
	c := r.client
	if _, err := store.Set(clock.Now(), owner, true); err != nil { // the first run's wizard set it
		t.Fatal(err)
	}
	// watch opens a watch stream of c into a channel of its own (each
	// stream's goroutine sends only to its own).
	watch := func(c *api.Client) (chan api.Status, context.CancelFunc) {
		ch := make(chan api.Status, 64)
		wctx, cancel := context.WithCancel(ctx)
		go c.Watch(wctx, func(s api.Status) {
			select {
			case ch <- s:
			case <-wctx.Done():
			}
		})
		return ch, cancel
	}
	statuses, wcancel := watch(c)
	waitStatus := func(what string, ok func(api.Status) bool) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case s := <-statuses:
				if ok(s) {
					return
				}
			case <-timeout:
				t.Fatalf("the watch never showed %s", what)
			}
		}
	}
	waitStatus("the first status", func(s api.Status) bool { return s.AddressChange == nil })

	// A writer asks for another address: it is pending for the delay.
	asked := clock.Now()
	wa, err := c.SetWithdrawalAddress(ctx, thief.Hex())
	if err != nil || wa.Address != owner.Hex() || wa.Pending == nil || wa.Pending.Address != thief.Hex() {
		t.Fatalf("a change: %+v %v", wa, err)
	}
	effective := wa.Pending.Effective
	if d := effective.Sub(asked); d < DefaultWithdrawalDelay || d > DefaultWithdrawalDelay+time.Minute {
		t.Fatalf("the change applies %s after it was asked, want %s", d, DefaultWithdrawalDelay)
	}
	waitStatus("the pending change", func(s api.Status) bool {
		return s.AddressChange != nil && s.AddressChange.Address == thief.Hex() && s.AddressChange.Effective.Equal(effective)
	})
	// Asking again does not start the clock again, nor apply it.
	if wa, err := c.SetWithdrawalAddress(ctx, thief.Hex()); err != nil || !wa.Pending.Effective.Equal(effective) || wa.Address != owner.Hex() {
		t.Fatalf("asked twice: %+v %v", wa, err)
	}
	// Withdrawals still go to the old address; the new one is refused,
	// saying when it would apply.
	_, err = c.Withdraw(ctx, api.Withdraw{To: thief.Hex(), Amount: "all"})
	if !api.IsCode(err, api.CodeAddressChangePending) || errParams(err)[api.ParamUntil] != effective.UTC().Format(time.RFC3339) || errParams(err)[api.ParamAddress] != thief.Hex() {
		t.Fatalf("withdrawing to the pending address: %v %v", err, errParams(err))
	}
	if _, err := withdraw(ctx, c, owner); err != nil {
		t.Fatalf("withdrawing to the old address during the change: %v", err)
	}
	clock.advance(DefaultWithdrawalDelay - time.Minute)
	if _, err := c.Withdraw(ctx, api.Withdraw{To: thief.Hex(), Amount: "all"}); !api.IsCode(err, api.CodeAddressChangePending) {
		t.Fatalf("a minute before the change: %v", err)
	}

	// The daemon restarts (with a shorter delay): the change keeps its time.
	wcancel()
	r.stop()
	wa2, err := OpenWithdrawalAddress(filepath.Join(dir, "withdrawal-address.json"), MinWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g := wa2.Get(clock.Now()); g.Address != owner.Hex() || g.Pending == nil || g.Pending.Address != thief.Hex() || !g.Pending.Effective.Equal(effective) {
		t.Fatalf("after a restart: %+v", g)
	}
	r = serve(t, sockPath(t), n.fakeNode, me(), func(s *Server) { s.Node, s.Withdrawal, s.Now = n, wa2, clock.Now })
	c = r.client
	// The delay ends 200 ms from now: the watch says so by itself, and
	// the new address applies.
	clock.advance(time.Minute - 200*time.Millisecond)
	statuses, wcancel = watch(c)
	defer wcancel()
	waitStatus("the pending change after the restart", func(s api.Status) bool { return s.AddressChange != nil })
	waitStatus("the change applied", func(s api.Status) bool { return s.AddressChange == nil })
	if g, err := c.WithdrawalAddress(ctx); err != nil || g.Address != thief.Hex() || g.Pending != nil || g.Delay != api.Duration(MinWithdrawalDelay) {
		t.Fatalf("after the delay: %+v %v", g, err)
	}
	if _, err := c.Withdraw(ctx, api.Withdraw{To: owner.Hex(), Amount: "all"}); !api.IsCode(err, api.CodeNotWithdrawalAddress) {
		t.Fatalf("the old address after the change: %v", err)
	}
	if _, err := withdraw(ctx, c, thief); err != nil {
		t.Fatalf("the new address: %v", err)
	}
	if got := n.destinations(); len(got) != 2 || got[0] != owner || got[1] != thief {
		t.Fatalf("sent to %v, want the old address during the delay, then the new one", got)
	}

	// Cancelling: a change asked for, cancelled by any writer, is gone,
	// also after a restart; the current address asked for again cancels
	// too.
	if wa, err := c.SetWithdrawalAddress(ctx, owner2.Hex()); err != nil || wa.Pending == nil {
		t.Fatalf("a second change: %+v %v", wa, err)
	}
	if wa, err := c.CancelAddressChange(ctx); err != nil || wa.Pending != nil || wa.Address != thief.Hex() {
		t.Fatalf("cancel: %+v %v", wa, err)
	}
	waitStatus("the cancelled change gone", func(s api.Status) bool { return s.AddressChange == nil })
	if wa, err := c.CancelAddressChange(ctx); err != nil || wa.Pending != nil {
		t.Fatalf("cancelling nothing: %+v %v", wa, err)
	}
	clock.advance(2 * DefaultWithdrawalDelay)
	if wa, err := c.WithdrawalAddress(ctx); err != nil || wa.Address != thief.Hex() {
		t.Fatalf("a cancelled change applied: %+v %v", wa, err)
	}
	if _, err := c.SetWithdrawalAddress(ctx, owner2.Hex()); err != nil {
		t.Fatal(err)
	}
	if wa, err := c.SetWithdrawalAddress(ctx, thief.Hex()); err != nil || wa.Pending != nil || wa.Address != thief.Hex() {
		t.Fatalf("the current address asked for again: %+v %v", wa, err)
	}
	wa3, err := OpenWithdrawalAddress(filepath.Join(dir, "withdrawal-address.json"), DefaultWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g := wa3.Get(clock.Now().Add(10 * DefaultWithdrawalDelay)); g.Address != thief.Hex() || g.Pending != nil {
		t.Fatalf("the cancellations were not kept: %+v", g)
	}
	fi, err := os.Stat(filepath.Join(dir, "withdrawal-address.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the file: %v %v", fi, err)
	}
}

// TestWithdrawalAddressBadInput: a malformed, zero or own address is
// refused with its own code, and nothing changes — neither the address,
// a pending change, nor the file.
func TestWithdrawalAddressBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "withdrawal-address.json")
	r, _, store := payRig(t, dir, &offsetClock{})
	c := r.client
	bad := []struct {
		name, address, code string
	}{
		{"empty", "", api.CodeBadAddress},
		{"short", "0x1234", api.CodeBadAddress},
		{"no 0x", strings.TrimPrefix(owner2.Hex(), "0x"), api.CodeBadAddress},
		{"not hex", "0x" + strings.Repeat("g", 40), api.CodeBadAddress},
		{"a checksum typo", strings.Replace(common.HexToAddress("0xE1dD904Ef36894Ff9cC671bdD09dC1bCA2622fE0").Hex(), "E1dD", "E1Dd", 1), api.CodeBadAddress},
		{"the zero address", "0x0000000000000000000000000000000000000000", api.CodeZeroAddress},
		{"the node's own wallet", nodeAddr.Hex(), api.CodeOwnAddress},
		{"the node's own wallet, lower case", strings.ToLower(nodeAddr.Hex()), api.CodeOwnAddress},
	}
	check := func(stage string, want api.WithdrawalAddress, wantFile []byte) {
		t.Helper()
		for _, b := range bad {
			if _, err := c.SetWithdrawalAddress(ctx, b.address); !api.IsCode(err, b.code) {
				t.Errorf("%s: %s %q: %v, want %s", stage, b.name, b.address, err, b.code)
			}
		}
		got, err := c.WithdrawalAddress(ctx)
		if err != nil || got.Address != want.Address || (got.Pending == nil) != (want.Pending == nil) ||
			(got.Pending != nil && (got.Pending.Address != want.Pending.Address || !got.Pending.Effective.Equal(want.Pending.Effective))) {
			t.Errorf("%s: after the bad input %+v %v, want %+v", stage, got, err, want)
		}
		b, err := os.ReadFile(file)
		if wantFile == nil && !os.IsNotExist(err) || wantFile != nil && !bytes.Equal(b, wantFile) {
			t.Errorf("%s: the file changed: %q %v", stage, b, err)
		}
	}
	check("none set", api.WithdrawalAddress{}, nil)
	if _, err := store.Set(time.Now(), owner, true); err != nil { // as the first run's wizard does
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(file)
	check("one set", api.WithdrawalAddress{Address: owner.Hex()}, saved)
	pending, err := c.SetWithdrawalAddress(ctx, owner2.Hex())
	if err != nil {
		t.Fatal(err)
	}
	saved, _ = os.ReadFile(file)
	check("a change pending", pending, saved)
	// A withdrawal with bad input is refused before the address is looked at.
	if _, err := c.Withdraw(ctx, api.Withdraw{To: "0x1234", Amount: "all"}); !api.IsCode(err, api.CodeBadAddress) {
		t.Errorf("withdrawing to a malformed address: %v", err)
	}
	if _, err := c.Withdraw(ctx, api.Withdraw{To: owner.Hex(), Amount: "-1"}); !api.IsCode(err, api.CodeBadAmount) {
		t.Errorf("a negative amount: %v", err)
	}
}

// TestWithdrawalAddressFile: the daemon refuses to start on a file that
// does not validate (never overwriting it), and on a delay out of bounds.
func TestWithdrawalAddressFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content string }{
		{"not JSON", "{"},
		{"an unknown field", `{"version":1,"address":"` + owner.Hex() + `","extra":1}`},
		{"another version", `{"version":2,"address":"` + owner.Hex() + `"}`},
		{"a bad address", `{"version":1,"address":"0x12"}`},
		{"a change without an address", `{"version":1,"pending":{"address":"` + owner.Hex() + `","requested":"2026-01-01T00:00:00Z","effective":"2026-01-03T00:00:00Z"}}`},
		{"a change without its time", `{"version":1,"address":"` + owner.Hex() + `","pending":{"address":"` + owner2.Hex() + `","requested":"2026-01-01T00:00:00Z"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := OpenWithdrawalAddress(p, DefaultWithdrawalDelay, nil); err == nil {
				t.Fatal("opened")
			}
			if b, _ := os.ReadFile(p); string(b) != tc.content {
				t.Fatalf("overwritten: %q", b)
			}
		})
	}
	for _, d := range []time.Duration{0, MinWithdrawalDelay - time.Second, MaxWithdrawalDelay + time.Second} {
		if _, err := OpenWithdrawalAddress(filepath.Join(dir, "new.json"), d, nil); err == nil {
			t.Errorf("a delay of %s accepted", d)
		}
	}
	wa, err := OpenWithdrawalAddress(filepath.Join(dir, "missing", "x.json"), MinWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wa.Set(time.Now(), owner, true); err == nil || wa.Get(time.Now()).Address != "" {
		t.Fatalf("a failed write changed the address: %v %+v", err, wa.Get(time.Now()))
	}
}

// TestFirstAddressAtOnceOnlyInSetup: before the node runs (the first
// run's wizard, the owner at the computer) the first withdrawal address
// applies at once; see TestFinding2WithdrawOnlyToTheAddress for a node
// that runs.
func TestFirstAddressAtOnceOnlyInSetup(t *testing.T) {
	wa, err := OpenWithdrawalAddress(filepath.Join(t.TempDir(), "withdrawal-address.json"), DefaultWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := serve(t, sockPath(t), &fakeNode{}, me(), func(s *Server) { s.Node, s.Governor, s.Withdrawal = nil, nil, wa })
	got, err := r.client.SetWithdrawalAddress(context.Background(), owner.Hex())
	if err != nil || got.Address != owner.Hex() || got.Pending != nil {
		t.Fatalf("the first address in setup: %+v %v", got, err)
	}
	got, err = r.client.SetWithdrawalAddress(context.Background(), owner2.Hex())
	if err != nil || got.Address != owner.Hex() || got.Pending == nil {
		t.Fatalf("a second address in setup: %+v %v", got, err)
	}
}

// TestFinding2BackupNeedsAnAdminOnceRunning: the wallet's key would take
// everything the withdrawal address protects, so once the node runs a
// writer (the desktop user, or software running as them) cannot have a
// backup; root (or the daemon's own user) can, and in the first run's
// setup the owner can.
func TestFinding2BackupNeedsAnAdminOnceRunning(t *testing.T) {
	setup := &fakeSetup{addr: "0x1"}
	desktop := uint32(4242)
	access := Access{Owner: 0, Group: 4242, Writers: []uint32{desktop}}
	srv := &Server{Node: &fakeNode{}, Setup: setup, Access: access, Log: slog.New(slog.DiscardHandler), Now: time.Now}
	srv.Governor = governor.New(governor.Options{Policy: policy.Defaults(), Gate: srv.Node.(*fakeNode)})
	srv.mu.Lock()
	srv.initLocked()
	srv.mu.Unlock()
	h := srv.Handler()
	ask := func(uid uint32) int {
		req := httptest.NewRequest("POST", api.Prefix+"/wallet/backup", strings.NewReader("{}"))
		req = req.WithContext(context.WithValue(req.Context(), credKey{}, Cred{UID: uid, PID: 1}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusForbidden && !strings.Contains(rec.Body.String(), api.CodeBackupNeedsAdmin) {
			t.Fatalf("refused without the code: %s", rec.Body.String())
		}
		return rec.Code
	}
	if code := ask(desktop); code != http.StatusForbidden {
		t.Fatalf("a desktop writer asked a running node for its key: %d, want 403", code)
	}
	if code := ask(0); code != http.StatusOK {
		t.Fatalf("root asked for a backup: %d", code)
	}
	srv.Node, srv.Governor = nil, nil // the first run's setup: the owner at the wizard
	if code := ask(desktop); code != http.StatusOK {
		t.Fatalf("a backup in the wizard: %d", code)
	}
}
