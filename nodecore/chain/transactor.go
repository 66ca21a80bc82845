package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
	"github.com/hydrogen-network/hydrogen/nodecore/chain/bindings"
)

// Backend is the part of an Ethereum client the chain package needs;
// *ethclient.Client and the simulated backend's client satisfy it.
type Backend interface {
	ethereum.ChainReader
	ethereum.ChainStateReader
	ethereum.ContractCaller
	ethereum.GasEstimator
	ethereum.GasPricer
	ethereum.LogFilterer
	ethereum.PendingStateReader
	ethereum.TransactionReader
	ethereum.TransactionSender
	ChainID(ctx context.Context) (*big.Int, error)
	BlockNumber(ctx context.Context) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	PendingCallContract(ctx context.Context, call ethereum.CallMsg) ([]byte, error)
}

// MaxTxGas is the most gas one transaction may use under Osaka (EIP-7825).
const MaxTxGas = 1 << 24

// Transactor sends one account's transactions: it assigns nonces, prices
// and estimates gas, waits for receipts, retries transient RPC failures,
// and replaces a transaction that stays unmined. It is safe for
// concurrent use; transactions are sent in the order Send is called.
type Transactor struct {
	backend Backend
	key     *ecdsa.PrivateKey
	from    common.Address
	chainID *big.Int
	errABIs []*abi.ABI
	log     *slog.Logger

	// PollInterval is how often a pending transaction's receipt is polled.
	PollInterval time.Duration
	// StuckAfter is how long a transaction may stay unmined before it is
	// replaced with the same nonce and higher fees.
	StuckAfter time.Duration
	// Retries is how many times a transient RPC failure is retried.
	Retries int
	// FeeCeiling caps what any transaction may pay per gas, tip
	// included, replacements too (default DefaultMaxFeePerGas): the
	// endpoint's suggested price is never trusted alone.
	FeeCeiling *big.Int
	// TipCeiling caps the priority fee per gas (default DefaultMaxTip):
	// a lying endpoint's suggested tip goes to the block's builder.
	TipCeiling *big.Int

	mu        sync.Mutex // guards nonce and haveNonce
	nonce     uint64
	haveNonce bool

	waited atomic.Int64 // nanoseconds spent waiting for receipts
}

type backgroundKey struct{}

// Background marks ctx as background work (a model report while a task
// runs): its transactions' waits are left out of Waited, which times the
// work in the foreground.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// Waited is the total time this transactor spent waiting for its
// transactions to be mined: block time, not work.
func (t *Transactor) Waited() time.Duration { return time.Duration(t.waited.Load()) }

// NewTransactor returns a transactor for key on backend. errABIs are the
// contract ABIs whose custom errors a revert is decoded against.
func NewTransactor(ctx context.Context, backend Backend, key *ecdsa.PrivateKey, log *slog.Logger, errABIs ...*abi.ABI) (*Transactor, error) {
	id, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain: chain id: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Transactor{
		backend:      backend,
		key:          key,
		from:         crypto.PubkeyToAddress(key.PublicKey),
		chainID:      id,
		errABIs:      errABIs,
		log:          log,
		PollInterval: time.Second,
		StuckAfter:   3 * time.Minute,
		Retries:      5,
	}, nil
}

// DefaultMaxFeePerGas is the most a transaction pays per gas unless the
// owner says otherwise: 500 gwei, far above what the networks Hydrogen
// runs on ask, far below what a lying endpoint could make a node spend.
var DefaultMaxFeePerGas = big.NewInt(500e9)

// DefaultMaxTip is the most a transaction tips per gas unless the owner
// says otherwise: 5 gwei, above what busy networks ask.
var DefaultMaxTip = big.NewInt(5e9)

// maxTip is the tip ceiling in force.
func (t *Transactor) maxTip() *big.Int {
	if t.TipCeiling != nil && t.TipCeiling.Sign() > 0 {
		return t.TipCeiling
	}
	return DefaultMaxTip
}

// ErrFeeTooHigh is a network (or an endpoint) asking more per gas than
// the owner's ceiling.
var ErrFeeTooHigh = errors.New("chain: the gas price is over this node's ceiling")

// maxFee is the ceiling in force.
func (t *Transactor) maxFee() *big.Int {
	if t.FeeCeiling != nil && t.FeeCeiling.Sign() > 0 {
		return t.FeeCeiling
	}
	return DefaultMaxFeePerGas
}

// From returns the sending address.
func (t *Transactor) From() common.Address { return t.from }

// ChainID returns the chain the transactor signs for.
func (t *Transactor) ChainID() *big.Int { return new(big.Int).Set(t.chainID) }

// RevertError is a contract call that reverted, decoded when the contract
// raised one of its custom errors.
type RevertError struct {
	Name string // the custom error, e.g. "NotSelected"; "" when unknown
	Args []any  // its arguments
	Data []byte // the raw revert data
	// Values are the protocol's custom error as its bindings' types
	// (e.g. *bindings.TaskManagerTooEarly; two when both contracts
	// declare it), none for another contract's; test them with Reverted.
	Values []any
}

func (e *RevertError) Error() string {
	switch {
	case e.Name != "" && len(e.Args) > 0:
		return fmt.Sprintf("reverted: %s%v", e.Name, e.Args)
	case e.Name != "":
		return "reverted: " + e.Name
	case len(e.Data) > 0:
		return "reverted: " + hexutil.Encode(e.Data)
	}
	return "reverted"
}

// IsRevert reports whether err is a revert with the named custom error
// (of any contract: tests' contracts too). For the protocol's errors,
// Reverted checks the type instead of a name.
func IsRevert(err error, name string) bool {
	var re *RevertError
	return errors.As(err, &re) && re.Name == name
}

// Reverted reports whether err is a revert with the protocol's custom
// error E, a binding's error type: Reverted[*bindings.TaskManagerTooEarly](err).
func Reverted[E any](err error) bool {
	var re *RevertError
	if !errors.As(err, &re) {
		return false
	}
	for _, v := range re.Values {
		if _, ok := v.(E); ok {
			return true
		}
	}
	return false
}

// protocolErrors decode the protocol's custom errors into their bindings'
// types.
var protocolErrors = []func([]byte) (any, error){bindings.NewTaskManager().UnpackError, bindings.NewNodeRegistry().UnpackError}

// typedRevert is the protocol's custom error in data, as each binding
// that declares it decodes it.
func typedRevert(data []byte) []any {
	var out []any
	for _, unpack := range protocolErrors {
		if v, err := unpack(data); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// Send sends a transaction calling to (nil deploys data) with value, waits
// until it is mined and returns its receipt. A call that would revert is
// not sent: its decoded *RevertError is returned.
func (t *Transactor) Send(ctx context.Context, to *common.Address, data []byte, value *big.Int) (*types.Receipt, error) {
	return t.SendMin(ctx, to, data, value, 0)
}

// SendMin is Send with a gas limit of at least minGas: for calls whose
// cost depends on what others send meanwhile (the last disclosure of a
// task pays for its settlement, and nobody knows in advance who is last).
func (t *Transactor) SendMin(ctx context.Context, to *common.Address, data []byte, value *big.Int, minGas uint64) (*types.Receipt, error) {
	if value == nil {
		value = new(big.Int)
	}
	msg := ethereum.CallMsg{From: t.from, To: to, Data: data, Value: value}
	var gas uint64
	err := t.retry(ctx, "estimate gas", func() error {
		var err error
		gas, err = t.backend.EstimateGas(ctx, msg)
		return err
	})
	if err != nil {
		return nil, t.decode(err)
	}
	gas = min(max(GasLimit(gas), minGas), MaxTxGas)
	tx, err := t.sendNew(ctx, to, data, value, gas)
	if err != nil {
		return nil, err
	}
	return t.mined(ctx, msg, tx)
}

// SendFixed sends a transaction with a gas limit of gas, unestimated: for
// a call that can only succeed in a later block than the one an estimate
// runs on (a draw reads the randomness of a block that must be past).
// A failure is explained as for Send.
func (t *Transactor) SendFixed(ctx context.Context, to *common.Address, data []byte, value *big.Int, gas uint64) (*types.Receipt, error) {
	if value == nil {
		value = new(big.Int)
	}
	tx, err := t.sendNew(ctx, to, data, value, min(gas, MaxTxGas))
	if err != nil {
		return nil, err
	}
	return t.mined(ctx, ethereum.CallMsg{From: t.from, To: to, Data: data, Value: value}, tx)
}

// GasLimit is the limit a transaction estimated at gas is sent with.
// Selection draws random nodes with a bounded number of tries, so the gas
// a task creation needs depends on the block it lands in, not only on the
// state the estimate saw: room is left for the worst draws.
func GasLimit(estimate uint64) uint64 { return estimate + estimate/2 + 50_000 }

// SweepHeadroom is how much more than the fee cap of the moment a sweep
// keeps for gas: a replacement of a stuck transaction pays more.
var SweepHeadroom = big.NewRat(3, 2)

// Sweep sends to `to` everything in the wallet above keep and the most
// the transfer's gas may cost (its limit × the fee cap × SweepHeadroom),
// as priced at the moment it is sent, and returns the receipt and the
// amount sent. What the gas does not use stays in the wallet.
func (t *Transactor) Sweep(ctx context.Context, to common.Address, keep *big.Int) (*types.Receipt, *big.Int, error) {
	msg := ethereum.CallMsg{From: t.from, To: &to, Value: big.NewInt(1)}
	var gas uint64
	if err := t.retry(ctx, "estimate gas", func() error {
		var err error
		gas, err = t.backend.EstimateGas(ctx, msg)
		return err
	}); err != nil {
		return nil, nil, t.decode(err)
	}
	gas = GasLimit(gas)
	_, feeCap, err := t.fees(ctx)
	if err != nil {
		return nil, nil, err
	}
	var bal *big.Int
	if err := t.retry(ctx, "balance", func() error {
		var err error
		bal, err = t.backend.PendingBalanceAt(ctx, t.from)
		return err
	}); err != nil {
		return nil, nil, err
	}
	cost := new(big.Int).Mul(feeCap, new(big.Int).SetUint64(gas))
	cost.Mul(cost, SweepHeadroom.Num()).Quo(cost, SweepHeadroom.Denom())
	value := new(big.Int).Sub(bal, cost)
	if keep != nil {
		value.Sub(value, keep)
	}
	if value.Sign() <= 0 {
		return nil, nil, fmt.Errorf("chain: nothing to send: the balance %s wei does not cover the gas (%s wei) and what is kept", bal, cost)
	}
	msg.Value = value
	tx, err := t.sendNew(ctx, &to, nil, value, gas)
	if err != nil {
		return nil, nil, err
	}
	r, err := t.mined(ctx, msg, tx)
	return r, value, err
}

// mined waits for tx (sent for msg) and explains a failure.
func (t *Transactor) mined(ctx context.Context, msg ethereum.CallMsg, tx *types.Transaction) (*types.Receipt, error) {
	rcpt, err := t.wait(ctx, tx)
	if err != nil {
		return nil, err
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		// Replay the call to learn why it failed: on the block's own
		// state first (a transaction earlier in the same block, such as a
		// competing node's, is the usual cause), then on its parent's.
		_, callErr := t.backend.CallContract(ctx, msg, rcpt.BlockNumber)
		if callErr == nil {
			_, callErr = t.backend.CallContract(ctx, msg, new(big.Int).Sub(rcpt.BlockNumber, common.Big1))
		}
		if callErr != nil {
			return rcpt, fmt.Errorf("chain: tx %s failed: %w", rcpt.TxHash, t.decode(callErr))
		}
		if rcpt.GasUsed == tx.Gas() {
			return rcpt, fmt.Errorf("chain: tx %s ran out of gas (%d)", rcpt.TxHash, rcpt.GasUsed)
		}
		return rcpt, fmt.Errorf("chain: tx %s failed: %w", rcpt.TxHash, &RevertError{})
	}
	return rcpt, nil
}

// sendNew prices, signs and sends a transaction with the next nonce.
func (t *Transactor) sendNew(ctx context.Context, to *common.Address, data []byte, value *big.Int, gas uint64) (*types.Transaction, error) {
	tip, feeCap, err := t.fees(ctx)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if !t.haveNonce {
			err := t.retry(ctx, "nonce", func() error {
				var err error
				t.nonce, err = t.backend.PendingNonceAt(ctx, t.from)
				return err
			})
			if err != nil {
				return nil, err
			}
			t.haveNonce = true
		}
		tx, err := t.sign(&types.DynamicFeeTx{
			ChainID: t.chainID, Nonce: t.nonce, GasTipCap: tip, GasFeeCap: feeCap,
			Gas: gas, To: to, Value: value, Data: data,
		})
		if err != nil {
			return nil, err
		}
		err = t.retry(ctx, "send", func() error { return t.backend.SendTransaction(ctx, tx) })
		if err == nil || strings.Contains(err.Error(), "already known") {
			t.nonce++
			t.log.Debug("tx sent", "hash", tx.Hash(), "nonce", tx.Nonce(), "gas", gas)
			return tx, nil
		}
		// Someone else used this account, or a node forgot our
		// transactions: read the nonce again. "Replacement underpriced"
		// on a new transaction means the pool still holds another
		// sender's transaction with this nonce (it may even be mined
		// already, before the pool catches up): wait a moment first.
		t.haveNonce = false
		msg := err.Error()
		if attempt < 3 && (strings.Contains(msg, "nonce too low") || strings.Contains(msg, "nonce too high") || strings.Contains(msg, "replacement transaction underpriced")) {
			if strings.Contains(msg, "underpriced") {
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
				}
			}
			continue
		}
		return nil, fmt.Errorf("chain: send: %w", t.decode(err))
	}
}

func (t *Transactor) sign(inner *types.DynamicFeeTx) (*types.Transaction, error) {
	return types.SignNewTx(t.key, types.LatestSignerForChainID(t.chainID), inner)
}

// MaxFeePerGas is the fee cap a transaction sent now would carry.
func (t *Transactor) MaxFeePerGas(ctx context.Context) (*big.Int, error) {
	_, feeCap, err := t.fees(ctx)
	return feeCap, err
}

// fees returns a tip and a fee cap that survive two full blocks of
// base-fee growth.
func (t *Transactor) fees(ctx context.Context) (tip, feeCap *big.Int, err error) {
	var head *types.Header
	err = t.retry(ctx, "fees", func() error {
		var err error
		if tip, err = t.backend.SuggestGasTipCap(ctx); err != nil {
			return err
		}
		head, err = t.backend.HeaderByNumber(ctx, nil)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	base := head.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	most := t.maxFee()
	if base.Cmp(most) >= 0 {
		return nil, nil, fmt.Errorf("%w: the base fee is %s wei per gas, the ceiling %s", ErrFeeTooHigh, base, most)
	}
	if tip.Sign() < 0 {
		tip = new(big.Int)
	}
	if most := t.maxTip(); tip.Cmp(most) > 0 {
		tip = new(big.Int).Set(most)
	}
	feeCap = new(big.Int).Add(new(big.Int).Mul(base, common.Big2), tip)
	if feeCap.Cmp(most) > 0 {
		feeCap = new(big.Int).Set(most)
	}
	if room := new(big.Int).Sub(feeCap, base); tip.Cmp(room) > 0 {
		tip = room // what is left above the base fee, the most a tip can be
	}
	return tip, feeCap, nil
}

// wait polls for tx's receipt, replacing it with higher fees when it stays
// unmined for StuckAfter. A receipt for any of the versions ends the wait.
func (t *Transactor) wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	sent := []*types.Transaction{tx}
	since := time.Now()
	if ctx.Value(backgroundKey{}) == nil {
		defer func(start time.Time) { t.waited.Add(int64(time.Since(start))) }(since)
	}
	tick := time.NewTicker(t.PollInterval)
	defer tick.Stop()
	for {
		for _, s := range sent {
			rcpt, err := t.backend.TransactionReceipt(ctx, s.Hash())
			if err == nil {
				return rcpt, nil
			}
			// A node that just started answers "transaction indexing is
			// in progress" until its index is built: not yet, not never.
			if !errors.Is(err, ethereum.NotFound) && !transient(err) && !strings.Contains(err.Error(), "indexing is in progress") {
				return nil, fmt.Errorf("chain: receipt of %s: %w", s.Hash(), err)
			}
		}
		if time.Since(since) > t.StuckAfter {
			last := sent[len(sent)-1]
			next, err := t.replace(ctx, last)
			if err != nil {
				t.log.Warn("replacing a stuck tx failed", "hash", last.Hash(), "err", err)
			} else {
				t.log.Info("replaced a stuck tx", "old", last.Hash(), "new", next.Hash(), "nonce", next.Nonce())
				sent = append(sent, next)
			}
			since = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("chain: waiting for %s: %w", tx.Hash(), ctx.Err())
		case <-tick.C:
		}
	}
}

// replace resends old with the same nonce and fees raised by a quarter
// (nodes require at least a tenth) or to the current price if higher.
func (t *Transactor) replace(ctx context.Context, old *types.Transaction) (*types.Transaction, error) {
	tip, feeCap, err := t.fees(ctx)
	if err != nil {
		return nil, err
	}
	bump := func(old, now *big.Int) *big.Int {
		b := new(big.Int).Add(old, new(big.Int).Div(old, big.NewInt(4)))
		b.Add(b, common.Big1)
		if now.Cmp(b) > 0 {
			return now
		}
		return b
	}
	newTip, newCap := bump(old.GasTipCap(), tip), bump(old.GasFeeCap(), feeCap)
	if most := t.maxFee(); newCap.Cmp(most) > 0 {
		// Nodes take a replacement only a tenth dearer: at the ceiling
		// the old one waits.
		return nil, fmt.Errorf("%w: replacing %s would pay %s wei per gas, the ceiling is %s", ErrFeeTooHigh, old.Hash(), newCap, most)
	}
	if most := t.maxTip(); newTip.Cmp(most) > 0 {
		return nil, fmt.Errorf("%w: replacing %s would tip %s wei per gas, the ceiling is %s", ErrFeeTooHigh, old.Hash(), newTip, most)
	}
	if newTip.Cmp(newCap) > 0 {
		newTip = newCap
	}
	tx, err := t.sign(&types.DynamicFeeTx{
		ChainID: t.chainID, Nonce: old.Nonce(),
		GasTipCap: newTip, GasFeeCap: newCap,
		Gas: old.Gas(), To: old.To(), Value: old.Value(), Data: old.Data(),
	})
	if err != nil {
		return nil, err
	}
	if err := t.backend.SendTransaction(ctx, tx); err != nil {
		return nil, err
	}
	return tx, nil
}

// retry runs f, retrying transient failures with exponential backoff.
func (t *Transactor) retry(ctx context.Context, what string, f func() error) error {
	delays := backoff.New(200*time.Millisecond, 10*time.Second)
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || !transient(err) || attempt >= t.Retries {
			return err
		}
		t.log.Warn("rpc failed; retrying", "op", what, "attempt", attempt+1, "err", err)
		if !delays.Sleep(ctx) {
			return ctx.Err()
		}
	}
}

// transient reports whether err is a failure of the connection or of an
// overloaded node, worth retrying, rather than an answer.
func transient(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var he rpc.HTTPError
	if errors.As(err, &he) {
		return he.StatusCode == 429 || he.StatusCode >= 500
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, rpc.ErrClientQuit) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "connection reset", "broken pipe", "i/o timeout", "client is closed", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// decode turns revert data carried by err into a *RevertError.
func (t *Transactor) decode(err error) error {
	return decodeRevert(err, t.errABIs)
}

func decodeRevert(err error, abis []*abi.ABI) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return err
	}
	data, decErr := hexutil.Decode(s)
	if decErr != nil || len(data) < 4 {
		return &RevertError{Data: data}
	}
	var sel [4]byte
	copy(sel[:], data[:4])
	for _, a := range abis {
		if e, lookErr := a.ErrorByID(sel); lookErr == nil {
			args, _ := e.Inputs.Unpack(data[4:])
			return &RevertError{Name: e.Name, Args: args, Data: data, Values: typedRevert(data)}
		}
	}
	if reason, uerr := abi.UnpackRevert(data); uerr == nil {
		return &RevertError{Name: reason, Data: data}
	}
	return &RevertError{Data: data}
}

func bigU(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
