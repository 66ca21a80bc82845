package chain_test

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// recorder counts sends and can fail the first ones.
type recorder struct {
	chain.Backend
	mu       sync.Mutex
	sent     []*types.Transaction
	failNext atomic.Int32
}

func (r *recorder) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if r.failNext.Load() > 0 {
		r.failNext.Add(-1)
		return syscall.ECONNREFUSED
	}
	r.mu.Lock()
	r.sent = append(r.sent, tx)
	r.mu.Unlock()
	return r.Backend.SendTransaction(ctx, tx)
}

func transactor(t *testing.T, b chain.Backend, a *simchain.Account) *chain.Transactor {
	t.Helper()
	tx, err := chain.NewTransactor(ctx, b, a.Key, nil, chain.ProtocolABIs()...)
	if err != nil {
		t.Fatal(err)
	}
	tx.PollInterval = 2 * time.Millisecond
	return tx
}

func TestTransactorReplacesAStuckTransaction(t *testing.T) {
	n := simchain.New(t, 2, nil)
	n.Backend.Manual = true // nothing is mined until we say so
	rec := &recorder{Backend: n.Backend}
	tx := transactor(t, rec, n.Accounts[0])
	tx.StuckAfter = 30 * time.Millisecond
	to := n.Accounts[1].Addr

	done := make(chan *types.Receipt, 1)
	errc := make(chan error, 1)
	go func() {
		r, err := tx.Send(ctx, &to, nil, big.NewInt(12345))
		errc <- err
		done <- r
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec.mu.Lock()
		k := len(rec.sent)
		rec.mu.Unlock()
		if k >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no replacement after 10 s (%d sends)", k)
		}
		time.Sleep(5 * time.Millisecond)
	}
	n.Backend.Sim.Commit()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	rcpt := <-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// The mined version is a replacement (a third may have gone out
	// while the block was being made, on a loaded machine).
	first := rec.sent[0]
	i := slices.IndexFunc(rec.sent, func(tx *types.Transaction) bool { return tx.Hash() == rcpt.TxHash })
	if i < 1 {
		t.Fatalf("mined %s: version %d of the %d sent", rcpt.TxHash, i, len(rec.sent))
	}
	last := rec.sent[i]
	if last.Nonce() != first.Nonce() {
		t.Fatalf("the replacement has nonce %d, the original %d", last.Nonce(), first.Nonce())
	}
	if last.GasTipCap().Cmp(first.GasTipCap()) <= 0 || last.GasFeeCap().Cmp(new(big.Int).Div(new(big.Int).Mul(first.GasFeeCap(), big.NewInt(11)), big.NewInt(10))) < 0 {
		t.Fatalf("replacement fees %s/%s do not beat %s/%s by 10%%", last.GasTipCap(), last.GasFeeCap(), first.GasTipCap(), first.GasFeeCap())
	}
	if bal, _ := n.Backend.BalanceAt(ctx, to, nil); bal.Cmp(new(big.Int).Add(simchain.Eth(1000), big.NewInt(12345))) != 0 {
		t.Fatalf("paid once? balance %s", bal)
	}
}

func TestTransactorRetriesTransientFailures(t *testing.T) {
	n := simchain.New(t, 2, nil)
	rec := &recorder{Backend: n.Backend}
	rec.failNext.Store(2)
	tx := transactor(t, rec, n.Accounts[0])
	to := n.Accounts[1].Addr
	if _, err := tx.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatalf("two refused connections were not retried: %v", err)
	}
	tx.Retries = 1
	rec.failNext.Store(5)
	if _, err := tx.Send(ctx, &to, nil, big.NewInt(1)); err == nil {
		t.Fatal("five failures with one retry succeeded")
	}
	// The failed send did not burn a nonce: the next one goes through.
	rec.failNext.Store(0)
	if _, err := tx.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
}

func TestTransactorConcurrentSendsGetDistinctNonces(t *testing.T) {
	n := simchain.New(t, 2, nil)
	rec := &recorder{Backend: n.Backend}
	tx := transactor(t, rec, n.Accounts[0])
	to := n.Accounts[1].Addr
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := tx.Send(ctx, &to, nil, big.NewInt(1))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[uint64]bool{}
	for _, s := range rec.sent {
		if seen[s.Nonce()] {
			t.Fatalf("nonce %d used twice", s.Nonce())
		}
		seen[s.Nonce()] = true
	}
	if nonce, _ := n.Backend.NonceAt(ctx, n.Accounts[0].Addr, nil); nonce != 20 {
		t.Fatalf("account nonce %d after 20 sends", nonce)
	}
}

func TestTransactorResyncsANonceUsedElsewhere(t *testing.T) {
	n := simchain.New(t, 2, nil)
	a := n.Accounts[0]
	to := n.Accounts[1].Addr
	mine := transactor(t, n.Backend, a)
	if _, err := mine.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	// Another program (a second transactor) sends from the same key.
	other := transactor(t, n.Backend, a)
	if _, err := other.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := mine.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatalf("a stale nonce was not recovered: %v", err)
	}
}

// greedyEndpoint is an RPC endpoint suggesting an absurd tip, or
// reporting an absurd base fee.
type greedyEndpoint struct {
	recorder
	tip, base *big.Int
}

func (g *greedyEndpoint) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	if g.tip != nil {
		return g.tip, nil
	}
	return g.recorder.Backend.SuggestGasTipCap(ctx)
}

func (g *greedyEndpoint) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	h, err := g.recorder.Backend.HeaderByNumber(ctx, n)
	if err == nil && g.base != nil {
		h.BaseFee = g.base
	}
	return h, err
}

// TestFinding10FeeCeiling: an endpoint's suggested tip is never paid past
// the ceiling; a base fee over it refuses to send (ErrFeeTooHigh); a
// stuck transaction's replacement stays under it too.
func TestFinding10FeeCeiling(t *testing.T) {
	n := simchain.New(t, 2, nil)
	to := n.Accounts[1].Addr
	g := &greedyEndpoint{recorder: recorder{Backend: n.Backend}, tip: new(big.Int).Mul(big.NewInt(1e6), big.NewInt(1e9))} // a million gwei
	tx := transactor(t, g, n.Accounts[0])
	tx.FeeCeiling = big.NewInt(50e9)
	if _, err := tx.Send(ctx, &to, nil, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	sent := g.sent[len(g.sent)-1]
	if sent.GasFeeCap().Cmp(tx.FeeCeiling) > 0 || sent.GasTipCap().Cmp(sent.GasFeeCap()) > 0 || sent.GasTipCap().Cmp(chain.DefaultMaxTip) > 0 {
		t.Fatalf("paid up to %s (tip %s) per gas, the ceiling is %s", sent.GasFeeCap(), sent.GasTipCap(), tx.FeeCeiling)
	}
	g.tip, g.base = nil, big.NewInt(60e9)
	if _, err := tx.Send(ctx, &to, nil, big.NewInt(1)); !errors.Is(err, chain.ErrFeeTooHigh) {
		t.Fatalf("a base fee over the ceiling: %v", err)
	}
	if len(g.sent) != 1 {
		t.Fatalf("%d transactions sent", len(g.sent))
	}
}
