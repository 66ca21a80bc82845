package netsim

import (
	"container/heap"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// callKind names a transaction for the gas and revert tallies.
type callKind uint8

const (
	callJoin callKind = iota
	callCreate
	callDraw
	callSteer
	callCommit
	callDisclose
	callClose
	callSubmit
	callYield
	callPause
	callResume
	callQuit
	callReport
	callFund
	callSetup
	numCalls
)

var callNames = [numCalls]string{"join", "create", "draw", "steer", "commit", "disclose", "close", "submit", "yield", "pause", "resume", "quit", "report model", "fund", "setup"}

// callGas is the gas limit each kind of call is sent with: above the
// most it uses (a disclosure or close may judge and release nine nodes).
var callGas = [numCalls]uint64{
	callJoin: 1_500_000, callCreate: 400_000, callDraw: chain.DrawGas, callSteer: 3_000_000,
	callCommit: chain.CommitGas, callDisclose: chain.SettleGas, callClose: chain.SettleGas,
	callSubmit: chain.SettleGas, callYield: 1_500_000, callPause: 800_000, callResume: 800_000,
	callQuit: 1_500_000, callReport: 300_000, callFund: 21_000, callSetup: 12_000_000,
}

// An actor is an account that sends transactions: a node, an
// application, the bank.
type actor struct {
	key   *ecdsa.PrivateKey
	addr  common.Address
	nonce uint64
	gas   uint64 // used by its mined transactions
}

func newActor(key *ecdsa.PrivateKey) actor {
	return actor{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// A txReq is a transaction waiting for the next block.
type txReq struct {
	from  *actor
	to    common.Address
	data  []byte
	value *big.Int
	kind  callKind
	task  *task
	who   *node // the node it is sent for, if any
	done  func(r *types.Receipt)
	// retries: blocks this transaction was held back for (see mine)
	retries int
}

// A sent transaction and what it was for.
type sentTx struct {
	req *txReq
	tx  *types.Transaction
}

// receiptsReader is what the simulated client offers beyond simulated.Client.
type receiptsReader interface {
	BlockReceipts(ctx context.Context, blockNrOrHash rpc.BlockNumberOrHash) ([]*types.Receipt, error)
}

// send signs and sends every queued transaction, mines one block (one
// second later on the chain's clock) and returns its receipts by
// transaction. A transaction the pool refuses is a bug of the
// simulation: the run stops.
func (s *Sim) mine(ctx context.Context) error {
	reqs := s.queue
	s.queue = nil
	sent := make([]sentTx, 0, len(reqs))
	for _, r := range reqs {
		value := r.value
		if value == nil {
			value = new(big.Int)
		}
		to := r.to
		tx, err := types.SignNewTx(r.from.key, s.signer, &types.DynamicFeeTx{
			ChainID: s.chainID, Nonce: r.from.nonce, GasTipCap: tipCap, GasFeeCap: feeCap,
			Gas: callGas[r.kind], To: &to, Value: value, Data: r.data,
		})
		if err != nil {
			return err
		}
		if err := s.backend.Client.SendTransaction(ctx, tx); err != nil {
			// The pool takes in a mined block asynchronously: a new
			// identity's first transaction right after its funding
			// block may still see no balance. Try it again next block.
			if strings.Contains(err.Error(), "insufficient funds") && r.from.nonce == 0 && r.retries < 5 {
				r.retries++
				s.queue = append(s.queue, r)
				continue
			}
			return fmt.Errorf("netsim: the pool refused a %s from %s (nonce %d): %w", callNames[r.kind], r.from.addr, r.from.nonce, err)
		}
		r.from.nonce++
		sent = append(sent, sentTx{req: r, tx: tx})
	}
	byHash := make(map[common.Hash]*types.Receipt, len(sent))
	var head *types.Header
	for try := 0; ; try++ {
		s.backend.Sim.Commit()
		h, err := s.backend.Client.HeaderByNumber(ctx, nil)
		if err != nil {
			return err
		}
		head = h
		s.now = head.Time
		s.blocks++
		var blockGas uint64
		if len(sent) > 0 {
			rs, err := s.receipts.BlockReceipts(ctx, rpc.BlockNumberOrHashWithHash(head.Hash(), false))
			if err != nil {
				return err
			}
			for _, r := range rs {
				byHash[r.TxHash] = r
				blockGas += r.GasUsed
			}
		}
		s.blockGas = append(s.blockGas, blockGas)
		missing := 0
		for _, st := range sent {
			if byHash[st.tx.Hash()] == nil {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		// The pool may hold a transaction back a block (it promotes
		// asynchronously): mine again.
		s.remined++
		if try == 5 {
			for _, st := range sent {
				if byHash[st.tx.Hash()] == nil {
					return fmt.Errorf("netsim: a %s from %s was not mined in blocks up to %d", callNames[st.req.kind], st.req.from.addr, head.Number)
				}
			}
		}
	}
	for _, st := range sent {
		s.account(st, byHash[st.tx.Hash()])
	}
	for _, st := range sent {
		r := byHash[st.tx.Hash()]
		if st.req.done != nil {
			st.req.done(r)
		}
		if r.Status == types.ReceiptStatusSuccessful {
			for _, l := range r.Logs {
				if err := s.onLog(l); err != nil {
					return err
				}
			}
		} else {
			s.onRevert(ctx, st, head.Number)
		}
	}
	s.afterBlock()
	return nil
}

var (
	tipCap = big.NewInt(1_000_000)      // the miner's least tip
	feeCap = big.NewInt(10_000_000_000) // above the base fee, which only falls (blocks stay under half full)
)

// advance moves the chain's clock to t (an empty block) when nothing is
// to be sent before it.
func (s *Sim) advance(t uint64) {
	if t <= s.now+1 {
		return
	}
	s.backend.Advance(time.Duration(t-s.now-1) * time.Second)
	s.now = t - 1
	s.blocks++
}

// account books a mined transaction's gas.
func (s *Sim) account(st sentTx, r *types.Receipt) {
	st.req.from.gas += r.GasUsed
	if st.req.who != nil {
		st.req.who.row().Gas += r.GasUsed
	}
	s.callGasUsed[st.req.kind] += r.GasUsed
	s.calls[st.req.kind]++
	if t := st.req.task; t != nil && !(st.req.kind == callSteer && r.Status != types.ReceiptStatusSuccessful) {
		t.gas += r.GasUsed // a steerer's failed tries are its own cost, not the task's
	}
}

// onRevert tallies a reverted transaction with its reason, read by
// replaying it on the block before.
func (s *Sim) onRevert(ctx context.Context, st sentTx, block *big.Int) {
	msg := ethereum.CallMsg{From: st.req.from.addr, To: st.tx.To(), Gas: st.tx.Gas(), Value: st.tx.Value(), Data: st.tx.Data()}
	reason := "unknown"
	_, err := s.backend.Client.CallContract(ctx, msg, new(big.Int).Sub(block, common.Big1))
	var re *chain.RevertError
	if err = chain.DecodeRevert(err, s.steererABI); errors.As(err, &re) && re.Name != "" {
		reason = re.Name
	} else if err != nil {
		reason = err.Error()
	} else {
		reason = "out of gas or a later state" // it passes on the block before
	}
	strat := "app"
	if st.req.who != nil {
		strat = st.req.who.strat.String()
	}
	key := revertKey{strat, callNames[st.req.kind], reason}
	if s.reverts[key] == 0 && st.req.task != nil {
		t := st.req.task
		slot := -1
		if st.req.who != nil {
			if k, ok := st.req.who.seats[t.id]; ok {
				slot = k
			}
		}
		s.revertFirst[key] = fmt.Sprintf("task %d %s panels %d committed %09b disclosed %09b, its seat %d, at %d (commit deadline %d, deadline %d)",
			t.id, t.state, t.panels, t.committed, t.disclosed, slot, s.now, t.commitDeadline, t.deadline)
	}
	s.reverts[key]++
	if st.req.who != nil {
		st.req.who.row().Reverts++
	}
}

type revertKey struct{ strategy, call, reason string }

// ---------------------------------------------------------------- timers

// A timer is an action due at a chain time.
type timer struct {
	at  uint64
	seq uint64
	fn  func()
}

type timers []timer

func (h timers) Len() int { return len(h) }
func (h timers) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timers) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timers) Push(x any)   { *h = append(*h, x.(timer)) }
func (h *timers) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// at schedules fn for the block at chain time t (the next block at the
// earliest).
func (s *Sim) at(t uint64, fn func()) {
	s.seq++
	heap.Push(&s.timers, timer{at: max(t, s.now+1), seq: s.seq, fn: fn})
}

// after schedules fn d seconds from now.
func (s *Sim) after(d float64, fn func()) { s.at(s.now+uint64(max(d, 1)+0.5), fn) }

// send queues a transaction for the next block.
func (s *Sim) send(r *txReq) { s.queue = append(s.queue, r) }
