package devnet

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// faucet gives devnet ether to nodes that ask, so that a node started
// with `hydrogend run` against a devnet can stake without a manual
// transfer. It serves POST {"address": "0x…"} on the devnet's HTTP port.
type faucet struct {
	tx     *chain.Transactor
	amount *big.Int
	log    *slog.Logger

	mu      sync.Mutex
	granted map[common.Address]time.Time
	max     int // grants in total, so a runaway client cannot drain it
}

// faucetRequest is the body of a faucet request.
type faucetRequest struct {
	Address string `json:"address"`
}

// FaucetReply is the answer to a granted request.
type FaucetReply struct {
	Tx     common.Hash `json:"tx"`
	Amount string      `json:"amountWei"`
}

// faucetCooldown is how long an address waits between grants.
const faucetCooldown = time.Minute

func (f *faucet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		faucetError(w, http.StatusMethodNotAllowed, "method_not_allowed", "use POST")
		return
	}
	var req faucetRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1024))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		faucetError(w, http.StatusBadRequest, "bad_request", "the body must be {\"address\": \"0x…\"}")
		return
	}
	if !common.IsHexAddress(req.Address) || common.HexToAddress(req.Address) == (common.Address{}) {
		faucetError(w, http.StatusBadRequest, "bad_address", "not an Ethereum address")
		return
	}
	to := common.HexToAddress(req.Address)
	f.mu.Lock()
	if at, ok := f.granted[to]; ok && time.Since(at) < faucetCooldown {
		f.mu.Unlock()
		faucetError(w, http.StatusTooManyRequests, "too_soon", "this address was funded less than a minute ago")
		return
	}
	if len(f.granted) >= f.max {
		f.mu.Unlock()
		faucetError(w, http.StatusServiceUnavailable, "exhausted", "the faucet has given all it gives")
		return
	}
	f.granted[to] = time.Now()
	f.mu.Unlock()

	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	rcpt, err := f.tx.Send(ctx, &to, nil, f.amount)
	if err != nil {
		f.mu.Lock()
		delete(f.granted, to)
		f.mu.Unlock()
		f.log.Warn("faucet transfer failed", "to", to, "err", err)
		faucetError(w, http.StatusBadGateway, "transfer_failed", err.Error())
		return
	}
	f.log.Info("faucet funded a node", "to", to, "wei", f.amount)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(FaucetReply{Tx: rcpt.TxHash, Amount: f.amount.String()})
}

func faucetError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
