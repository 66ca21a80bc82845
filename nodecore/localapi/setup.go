package localapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// Setup is the daemon's first run: a wallet, a network, then start. Its
// methods return an *api.Error for what the owner must correct.
type Setup interface {
	State() api.SetupState
	Wallet(ctx context.Context, w api.WalletSetup) (address string, err error)
	// Backup returns the wallet as a keystore file under passphrase.
	Backup(ctx context.Context, passphrase string) (api.WalletBackup, error)
	Network(ctx context.Context, n api.NetworkSetup) error
	Doctor(ctx context.Context) []api.Check
	// Start starts the node once the wallet and the network are set.
	Start(ctx context.Context) error
}

// failErr answers err: its own code when it is an *api.Error.
func failErr(w http.ResponseWriter, err error) {
	var e *api.Error
	if errors.As(err, &e) {
		status := e.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		fail(w, status, e.Code, e.Message)
		return
	}
	fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, err.Error())
}

func (s *Server) setupOr503(w http.ResponseWriter) bool {
	if s.Setup == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon is not set up through the API")
		return false
	}
	return true
}

func (s *Server) setupState(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) {
		return
	}
	reply(w, s.Setup.State())
}

func (s *Server) setupWallet(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) {
		return
	}
	var ws api.WalletSetup
	if !decode(w, r, &ws) {
		return
	}
	ways := 0
	for _, on := range []bool{ws.Create, ws.ImportKey != "", len(ws.Keystore) > 0} {
		if on {
			ways++
		}
	}
	if ways != 1 {
		fail(w, http.StatusBadRequest, api.CodeBadRequest, "either create a wallet, import a key or restore a backup")
		return
	}
	addr, err := s.Setup.Wallet(r.Context(), ws)
	if err != nil {
		failErr(w, err)
		return
	}
	s.Log.Info("setup: wallet ready", "address", addr, "imported", ws.ImportKey != "", "restored", len(ws.Keystore) > 0)
	reply(w, s.Setup.State())
}

func (s *Server) setupNetwork(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) {
		return
	}
	var ns api.NetworkSetup
	if !decode(w, r, &ns) {
		return
	}
	if ns.Demo == (len(ns.File) > 0) {
		fail(w, http.StatusBadRequest, api.CodeBadRequest, "either the demo network or a network file")
		return
	}
	if ns.Replace && !s.mayReplaceNetwork(w, r) {
		return
	}
	if err := s.Setup.Network(r.Context(), ns); err != nil {
		failErr(w, err)
		return
	}
	s.Log.Info("setup: network chosen", "demo", ns.Demo, "replaced", ns.Replace)
	reply(w, s.Setup.State())
}

func (s *Server) setupStart(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) {
		return
	}
	if err := s.Setup.Start(r.Context()); err != nil {
		failErr(w, err)
		return
	}
	reply(w, s.Setup.State())
}

func (s *Server) doctor(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	reply(w, s.Setup.Doctor(ctx))
}

// mayReplaceNetwork reports whether the network may be replaced now, or
// answers why not: never while the running node holds anything in it (it
// is in the network, or stake or fees wait in the contracts). The owner
// leaves first; the new network applies when the daemon restarts.
func (s *Server) mayReplaceNetwork(w http.ResponseWriter, r *http.Request) bool {
	nd, _, _ := s.parts()
	if nd == nil {
		return true // no node runs: nothing of it is in a network
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	wi, err := nd.Wallet(ctx)
	if err != nil {
		// The error may quote the RPC endpoint, key and all: not shown.
		fail(w, http.StatusServiceUnavailable, api.CodeChain, "the chain did not answer: whether this node holds stake or fees in the network is not known, so it is not replaced")
		return false
	}
	if wi.HoldsFunds() {
		fail(w, http.StatusConflict, api.CodeStaked, "this node is in the network, or its stake or fees are still in the contracts: leave the network and wait until both are back in the wallet, then replace it")
		return false
	}
	return true
}
