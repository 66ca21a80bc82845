package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// Cursor is a position in the chain's log: the next log to deliver is the
// first at or after (Block, LogIndex).
type Cursor struct {
	Block    uint64 `json:"block"`
	LogIndex uint   `json:"logIndex"`
}

// after reports whether log l is at or after the cursor.
func (c Cursor) covers(l types.Log) bool {
	return l.BlockNumber > c.Block || (l.BlockNumber == c.Block && l.Index >= c.LogIndex)
}

// CursorStore keeps a stream's cursor across restarts. The node engine
// stores it in the same transaction as the effects of each event; FileCursor
// is the simple store for tools.
type CursorStore interface {
	// Load returns the saved cursor; ok is false when none was saved.
	Load() (c Cursor, ok bool, err error)
	Save(Cursor) error
}

// FileCursor keeps a cursor in a JSON file, replaced atomically.
type FileCursor string

// Load reads the cursor file.
func (f FileCursor) Load() (Cursor, bool, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, err
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return Cursor{}, false, fmt.Errorf("chain: cursor file %s is corrupt: %w", f, err)
	}
	return c, true, nil
}

// Save writes the cursor file atomically.
func (f FileCursor) Save(c Cursor) error {
	b, _ := json.Marshal(c)
	return atomicfile.Write(string(f), b, 0o600)
}

// Stream delivers the protocol contracts' logs in chain order, each
// exactly once across restarts: the cursor is saved after each log is
// handled, and a handler error stops the stream before the cursor moves,
// so that log is delivered again next time.
type Stream struct {
	backend Backend
	net     *Network
	store   CursorStore
	log     *slog.Logger

	// Confirmations is how many blocks a log must be buried under before
	// it is delivered (reorg safety; 0 on the devnet).
	Confirmations uint64
	// PollInterval is how often the head is checked for new blocks.
	PollInterval time.Duration
	// MaxRange is the most blocks one log query spans.
	MaxRange uint64
	// Events, when set, are the only events delivered (by their IDs,
	// the logs' first topic); the endpoint is asked for them alone.
	Events []common.Hash
}

// MemCursor keeps a cursor in memory, starting at Start: for a stream
// that needs no delivery across restarts.
type MemCursor struct {
	mu    sync.Mutex
	cur   Cursor
	saved bool
	Start Cursor
}

// Load returns the last saved cursor, or Start.
func (m *MemCursor) Load() (Cursor, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.saved {
		return m.Start, true, nil
	}
	return m.cur, true, nil
}

// Save keeps c.
func (m *MemCursor) Save(c Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cur, m.saved = c, true
	return nil
}

// NewStream returns a stream of net's logs that keeps its cursor in store.
func NewStream(backend Backend, net *Network, store CursorStore, log *slog.Logger) *Stream {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Stream{backend: backend, net: net, store: store, log: log, PollInterval: 2 * time.Second, MaxRange: 2000}
}

// Run delivers logs to handle until ctx ends (returning nil) or handle or
// the cursor store fails. RPC failures are retried with backoff.
func (s *Stream) Run(ctx context.Context, handle func(context.Context, types.Log) error) error {
	cur, ok, err := s.store.Load()
	if err != nil {
		return err
	}
	if !ok {
		cur = Cursor{Block: s.net.DeployBlock}
	}
	delays := backoff.New(s.PollInterval, time.Minute)
	for {
		wait := s.PollInterval
		next, err := s.step(ctx, cur, handle)
		var he handlerError
		switch {
		case errors.As(err, &he):
			return he.err
		case ctx.Err() != nil:
			return nil
		case err != nil:
			wait = delays.Next()
			s.log.Warn("event stream: rpc failed; retrying", "err", err, "in", wait)
		default:
			delays.Reset()
		}
		caughtUp := err == nil && next == cur
		cur = next
		if err == nil && !caughtUp {
			continue // more blocks may be waiting
		}
		if !backoff.SleepFor(ctx, wait) {
			return nil
		}
	}
}

// wanted reports whether l is one of the events asked for.
func (s *Stream) wanted(l types.Log) bool {
	if len(s.Events) == 0 {
		return true
	}
	return len(l.Topics) > 0 && slices.Contains(s.Events, l.Topics[0])
}

type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// step delivers the logs of one range of blocks and returns the new cursor.
func (s *Stream) step(ctx context.Context, cur Cursor, handle func(context.Context, types.Log) error) (Cursor, error) {
	head, err := s.backend.BlockNumber(ctx)
	if err != nil {
		return cur, err
	}
	if head < s.Confirmations || head-s.Confirmations < cur.Block {
		return cur, nil
	}
	to := min(head-s.Confirmations, cur.Block+s.MaxRange-1)
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(cur.Block),
		ToBlock:   new(big.Int).SetUint64(to),
		Addresses: []common.Address{s.net.Registry, s.net.Tasks},
	}
	if len(s.Events) > 0 {
		q.Topics = [][]common.Hash{s.Events}
	}
	logs, err := s.backend.FilterLogs(ctx, q)
	if err != nil {
		return cur, err
	}
	for _, l := range logs {
		if l.Removed || !cur.covers(l) {
			continue
		}
		// What the endpoint sends is checked against what was asked:
		// a log of another contract, or of a block outside the range, is
		// an endpoint lying, never an event to act on.
		if (l.Address != s.net.Registry && l.Address != s.net.Tasks) || l.BlockNumber > to || !s.wanted(l) {
			s.log.Warn("the RPC endpoint sent a log that was not asked for; ignored", "address", l.Address, "block", l.BlockNumber, "asked_to", to)
			continue
		}
		if err := handle(ctx, l); err != nil {
			return cur, handlerError{fmt.Errorf("chain: handling log %d/%d: %w", l.BlockNumber, l.Index, err)}
		}
		cur = Cursor{Block: l.BlockNumber, LogIndex: l.Index + 1}
		if err := s.store.Save(cur); err != nil {
			return cur, handlerError{fmt.Errorf("chain: saving cursor: %w", err)}
		}
	}
	cur = Cursor{Block: to + 1}
	if err := s.store.Save(cur); err != nil {
		return cur, handlerError{fmt.Errorf("chain: saving cursor: %w", err)}
	}
	return cur, nil
}

// Decode returns the typed event of a protocol log (for example
// *bindings.TaskManagerTaskAssigned), or an error for a log it does not
// know. (Withdrawn, which both contracts emit alike, is not decoded.)
func Decode(l types.Log) (any, error) {
	if len(l.Topics) == 0 {
		return nil, errors.New("chain: anonymous log")
	}
	if d, ok := decoders[l.Topics[0]]; ok {
		return d(&l)
	}
	return nil, fmt.Errorf("chain: unknown event %s", l.Topics[0])
}

var decoders = func() map[common.Hash]func(*types.Log) (any, error) {
	reg, tm := bindings.NewNodeRegistry(), bindings.NewTaskManager()
	m := map[common.Hash]func(*types.Log) (any, error){}
	regABI, tmABI := ProtocolABIs()[0], ProtocolABIs()[1]
	wrap := func(name string, f func(*types.Log) (any, error)) {
		if e, ok := regABI.Events[name]; ok {
			m[e.ID] = f
		} else if e, ok := tmABI.Events[name]; ok {
			m[e.ID] = f
		} else {
			panic("chain: no event " + name)
		}
	}
	wrap("NodeJoined", func(l *types.Log) (any, error) { return reg.UnpackNodeJoinedEvent(l) })
	wrap("NodeStateChanged", func(l *types.Log) (any, error) { return reg.UnpackNodeStateChangedEvent(l) })
	wrap("NodeKicked", func(l *types.Log) (any, error) { return reg.UnpackNodeKickedEvent(l) })
	wrap("NodeSlashed", func(l *types.Log) (any, error) { return reg.UnpackNodeSlashedEvent(l) })
	wrap("ModelReported", func(l *types.Log) (any, error) { return reg.UnpackModelReportedEvent(l) })
	wrap("DownloadRequested", func(l *types.Log) (any, error) { return reg.UnpackDownloadRequestedEvent(l) })
	wrap("QosChanged", func(l *types.Log) (any, error) { return reg.UnpackQosChangedEvent(l) })
	wrap("ModelProven", func(l *types.Log) (any, error) { return reg.UnpackModelProvenEvent(l) })
	wrap("StakeShared", func(l *types.Log) (any, error) { return reg.UnpackStakeSharedEvent(l) })
	wrap("TaskDrawing", func(l *types.Log) (any, error) { return tm.UnpackTaskDrawingEvent(l) })
	wrap("TaskAuditing", func(l *types.Log) (any, error) { return tm.UnpackTaskAuditingEvent(l) })
	wrap("TaskCreated", func(l *types.Log) (any, error) { return tm.UnpackTaskCreatedEvent(l) })
	wrap("TaskAssigned", func(l *types.Log) (any, error) { return tm.UnpackTaskAssignedEvent(l) })
	wrap("TaskCommitted", func(l *types.Log) (any, error) { return tm.UnpackTaskCommittedEvent(l) })
	wrap("TaskDisclosing", func(l *types.Log) (any, error) { return tm.UnpackTaskDisclosingEvent(l) })
	wrap("TaskDisclosed", func(l *types.Log) (any, error) { return tm.UnpackTaskDisclosedEvent(l) })
	wrap("TaskYielded", func(l *types.Log) (any, error) { return tm.UnpackTaskYieldedEvent(l) })
	wrap("TaskSettled", func(l *types.Log) (any, error) { return tm.UnpackTaskSettledEvent(l) })
	wrap("TaskResult", func(l *types.Log) (any, error) { return tm.UnpackTaskResultEvent(l) })
	return m
}()
