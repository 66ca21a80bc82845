package chain_test

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/simchain"
)

// allLogs is every protocol log on the chain, in order.
func allLogs(t *testing.T, n *simchain.Net) []types.Log {
	t.Helper()
	logs, err := n.Backend.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(n.Network.DeployBlock),
		Addresses: []common.Address{n.Network.Registry, n.Network.Tasks},
	})
	if err != nil {
		t.Fatal(err)
	}
	return logs
}

type logKey struct {
	block uint64
	index uint
}

// collect runs a stream until it has delivered want logs in total (or
// fails), returning what it delivered.
func collect(t *testing.T, s *chain.Stream, want int, fail func(types.Log) error) ([]types.Log, error) {
	t.Helper()
	var mu sync.Mutex
	var got []types.Log
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, func(_ context.Context, l types.Log) error {
			if fail != nil {
				if err := fail(l); err != nil {
					return err
				}
			}
			mu.Lock()
			defer mu.Unlock()
			got = append(got, l)
			if len(got) >= want {
				cancel()
			}
			return nil
		})
	}()
	err := <-done
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("stream delivered %d of %d logs in 30 s", len(got), want)
	}
	mu.Lock()
	defer mu.Unlock()
	return got, err
}

func newStream(n *simchain.Net, b chain.Backend, cursor string) *chain.Stream {
	s := chain.NewStream(b, n.Network, chain.FileCursor(cursor), nil)
	s.PollInterval = 5 * time.Millisecond
	s.MaxRange = 3 // many small queries: exercises range boundaries
	return s
}

func activity(t *testing.T, n *simchain.Net) {
	t.Helper()
	if _, err := n.RunHonestTask(ctx, n.Accounts[len(n.Accounts)-1], imageSpec(), big.NewInt(1e15)); err != nil {
		t.Fatal(err)
	}
}

func TestStreamDeliversEachLogOnceAcrossRestarts(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	activity(t, n)
	cursor := filepath.Join(t.TempDir(), "cursor.json")

	first := allLogs(t, n)
	got, err := collect(t, newStream(n, n.Backend, cursor), len(first), nil)
	if err != nil {
		t.Fatal(err)
	}
	// More happens while the stream is down; a new stream resumes.
	activity(t, n)
	all := allLogs(t, n)
	more, err := collect(t, newStream(n, n.Backend, cursor), len(all)-len(first), nil)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, more...)
	if len(got) != len(all) {
		t.Fatalf("delivered %d logs, chain has %d", len(got), len(all))
	}
	for i := range all {
		if got[i].BlockNumber != all[i].BlockNumber || got[i].Index != all[i].Index {
			t.Fatalf("log %d: delivered %d/%d, want %d/%d", i, got[i].BlockNumber, got[i].Index, all[i].BlockNumber, all[i].Index)
		}
	}
	// Every log decodes (all but Withdrawn, which is not emitted here).
	kinds := map[string]bool{}
	for _, l := range all {
		ev, err := chain.Decode(l)
		if err != nil {
			t.Fatalf("decode %d/%d: %v", l.BlockNumber, l.Index, err)
		}
		switch ev.(type) {
		case *bindings.TaskManagerTaskAssigned:
			kinds["assigned"] = true
		case *bindings.TaskManagerTaskSettled:
			kinds["settled"] = true
		case *bindings.NodeRegistryNodeJoined:
			kinds["joined"] = true
		}
	}
	if len(kinds) != 3 {
		t.Errorf("decoded kinds %v", kinds)
	}
	if _, err := chain.Decode(types.Log{Topics: []common.Hash{{1}}}); err == nil {
		t.Error("an unknown log decoded")
	}
}

func TestStreamRedeliversAfterHandlerError(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	activity(t, n)
	all := allLogs(t, n)
	cursor := filepath.Join(t.TempDir(), "cursor.json")
	boom := errors.New("disk full")
	failAt := all[5]
	got, err := collect(t, newStream(n, n.Backend, cursor), len(all), func(l types.Log) error {
		if l.BlockNumber == failAt.BlockNumber && l.Index == failAt.Index {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the handler's error", err)
	}
	if len(got) != 5 {
		t.Fatalf("delivered %d logs before the failure, want 5", len(got))
	}
	rest, err := collect(t, newStream(n, n.Backend, cursor), len(all)-5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rest[0].BlockNumber != failAt.BlockNumber || rest[0].Index != failAt.Index {
		t.Fatalf("after restart the first log is %d/%d, want the failed %d/%d", rest[0].BlockNumber, rest[0].Index, failAt.BlockNumber, failAt.Index)
	}
	dup := map[logKey]bool{}
	for _, l := range append(got, rest...) {
		k := logKey{l.BlockNumber, l.Index}
		if dup[k] {
			t.Fatalf("log %v delivered twice", k)
		}
		dup[k] = true
	}
	if len(dup) != len(all) {
		t.Fatalf("delivered %d distinct logs, want %d", len(dup), len(all))
	}
}

// flaky fails every call while down is set, like a node that went away.
type flaky struct {
	chain.Backend
	down  atomic.Bool
	fails atomic.Int32
}

func (f *flaky) BlockNumber(ctx context.Context) (uint64, error) {
	if f.down.Load() {
		f.fails.Add(1)
		return 0, syscall.ECONNREFUSED
	}
	return f.Backend.BlockNumber(ctx)
}

func (f *flaky) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if f.down.Load() {
		f.fails.Add(1)
		return nil, syscall.ECONNRESET
	}
	return f.Backend.FilterLogs(ctx, q)
}

func TestStreamSurvivesAnOutage(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	fb := &flaky{Backend: n.Backend}
	fb.down.Store(true)
	go func() {
		for fb.fails.Load() < 3 {
			time.Sleep(time.Millisecond)
		}
		fb.down.Store(false)
	}()
	all := allLogs(t, n)
	got, err := collect(t, newStream(n, fb, filepath.Join(t.TempDir(), "c")), len(all), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) || fb.fails.Load() < 3 {
		t.Fatalf("delivered %d of %d after %d failures", len(got), len(all), fb.fails.Load())
	}
}

func TestFileCursorRejectsCorruption(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cursor.json")
	c := chain.FileCursor(p)
	if _, ok, err := c.Load(); ok || err != nil {
		t.Fatalf("missing file: ok=%v err=%v", ok, err)
	}
	if err := c.Save(chain.Cursor{Block: 7, LogIndex: 2}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Load()
	if err != nil || !ok || got != (chain.Cursor{Block: 7, LogIndex: 2}) {
		t.Fatalf("round trip: %+v %v %v", got, ok, err)
	}
	if err := writeFile(p, "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Load(); err == nil {
		t.Fatal("a corrupt cursor loaded")
	}
}

// lying is an endpoint that adds to every answer a copy of each log made
// to look like another contract's, and one from a block not asked for.
type lying struct{ chain.Backend }

func (l lying) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	logs, err := l.Backend.FilterLogs(ctx, q)
	var out []types.Log
	for _, lg := range logs {
		out = append(out, lg)
		other := lg
		other.Address = common.HexToAddress("0xbad")
		out = append(out, other)
		future := lg
		future.BlockNumber = q.ToBlock.Uint64() + 100
		out = append(out, future)
	}
	return out, err
}

// TestFinding10LogsCheckedAgainstTheQuery: logs an endpoint makes up
// (another contract's, a block outside the range asked for) are never
// handed to the node.
func TestFinding10LogsCheckedAgainstTheQuery(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	all := allLogs(t, n)
	got, err := collect(t, newStream(n, lying{n.Backend}, filepath.Join(t.TempDir(), "c")), len(all), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range got {
		if (l.Address != n.Network.Registry && l.Address != n.Network.Tasks) || l.BlockNumber > all[len(all)-1].BlockNumber {
			t.Fatalf("a made-up log was delivered: %+v", l)
		}
	}
	if len(got) != len(all) {
		t.Fatalf("delivered %d of %d", len(got), len(all))
	}
}

// unfiltered is an endpoint that ignores the events asked for and
// answers with every log of the contracts.
type unfiltered struct{ chain.Backend }

func (u unfiltered) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	q.Topics = nil
	return u.Backend.FilterLogs(ctx, q)
}

// TestStreamDeliversOnlyTheEventsAsked: a stream asked for some events
// (as keeping draws is) delivers those alone, also from an endpoint that
// answers with every log; its cursor may live in memory.
func TestStreamDeliversOnlyTheEventsAsked(t *testing.T) {
	n := simchain.New(t, 4, nil)
	join(t, n.Accounts[:3])
	activity(t, n)
	activity(t, n)
	drawing := chain.ProtocolABIs()[1].Events["TaskDrawing"].ID
	var want int
	for _, l := range allLogs(t, n) {
		if l.Topics[0] == drawing {
			want++
		}
	}
	if want < 2 {
		t.Fatalf("%d TaskDrawing logs, want at least two", want)
	}
	for name, b := range map[string]chain.Backend{"honest": n.Backend, "unfiltered": unfiltered{n.Backend}} {
		s := chain.NewStream(b, n.Network, &chain.MemCursor{Start: chain.Cursor{Block: n.Network.DeployBlock}}, nil)
		s.PollInterval = 5 * time.Millisecond
		s.Events = []common.Hash{drawing}
		got, err := collect(t, s, want, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range got {
			if l.Topics[0] != drawing {
				t.Errorf("%s endpoint: delivered a log of another event: %x", name, l.Topics[0])
			}
		}
		if len(got) != want {
			t.Errorf("%s endpoint: delivered %d of %d", name, len(got), want)
		}
	}
}
