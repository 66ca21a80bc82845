package localapi

import (
	"errors"
	"math/big"
	"net/http"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
)

// QuoteTTL is how long a withdrawal quote may be confirmed.
const QuoteTTL = 2 * time.Minute

// withdraw plans a withdrawal to the withdrawal address and keeps the
// plan for confirmation; nothing is sent.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) {
	nd, _, ok := s.ready(w)
	if !ok {
		return
	}
	var req api.Withdraw
	if !decode(w, r, &req) {
		return
	}
	to, code, msg := parseAddress(req.To)
	if code != "" {
		fail(w, http.StatusBadRequest, code, "the address to withdraw to: "+msg)
		return
	}
	var amount *big.Int
	if req.Amount != "all" {
		v, ok := new(big.Int).SetString(req.Amount, 10)
		if !ok || v.Sign() <= 0 || len(req.Amount) > 40 {
			fail(w, http.StatusBadRequest, api.CodeBadAmount, `the amount is a positive number of wei, or "all"`)
			return
		}
		amount = v
	}
	// Withdrawals go only to the withdrawal address, which a writer can
	// change only after a delay the owner sees in the tray.
	if !s.checkDestination(w, to) {
		return
	}
	p, err := nd.PlanWithdraw(r.Context(), to, amount)
	switch {
	case errors.Is(err, node.ErrBadWithdrawAddress):
		fail(w, http.StatusBadRequest, api.CodeBadAddress, "withdraw to another wallet than this node's")
		return
	case errors.Is(err, node.ErrWithdrawTooMuch):
		fail(w, http.StatusBadRequest, api.CodeBadAmount, err.Error())
		return
	case errors.Is(err, node.ErrNothingToWithdraw):
		fail(w, http.StatusBadRequest, api.CodeNothingToSend, err.Error())
		return
	case err != nil:
		fail(w, http.StatusServiceUnavailable, api.CodeChain, "the chain did not answer: "+err.Error())
		return
	}
	key, exp := s.quotes.issue(s.Now(), QuoteTTL, p)
	reply(w, api.WithdrawQuote{ID: key, To: p.To.Hex(), Amount: wei(p.Amount), Claim: wei(p.Claim), Gas: wei(p.Gas), Reserve: wei(p.Reserve), Expires: exp})
}

// confirmWithdraw carries out a quote, once.
func (s *Server) confirmWithdraw(w http.ResponseWriter, r *http.Request) {
	nd, _, ok := s.ready(w)
	if !ok {
		return
	}
	var c api.Confirm
	if !decode(w, r, &c) {
		return
	}
	plan, found := s.quotes.take(s.Now(), c.ID)
	if !found {
		fail(w, http.StatusBadRequest, api.CodeNoQuote, "no such withdrawal to confirm, or it expired: ask again")
		return
	}
	if !s.checkDestination(w, plan.To) { // a change applied since the quote
		return
	}
	done, err := nd.Withdraw(r.Context(), plan)
	out := api.WithdrawDone{Amount: wei(done.Sent)}
	for _, h := range done.Txs {
		out.Txs = append(out.Txs, h.Hex())
	}
	if err != nil {
		fail(w, http.StatusBadGateway, api.CodeChain, err.Error())
		return
	}
	s.Log.Info("withdrawal confirmed", "to", plan.To, "wei", done.Sent)
	reply(w, out)
}

// BackupTTL is how long a backup offer may be confirmed.
const BackupTTL = 2 * time.Minute

// offerBackup issues a one-time confirmation to hand the wallet out: the
// key leaves the daemon only to a writer, in two requests less than
// BackupTTL apart, encrypted under a passphrase of the owner's.
func (s *Server) offerBackup(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) || !s.backupAllowed(w, r) {
		return
	}
	var none struct{}
	if !decode(w, r, &none) {
		return
	}
	addr := s.Setup.State().Address
	if addr == "" {
		fail(w, http.StatusConflict, api.CodeNotReady, "this node has no wallet yet")
		return
	}
	key, exp := s.backups.issue(s.Now(), BackupTTL, addr)
	reply(w, api.BackupOffer{ID: key, Address: addr, Expires: exp})
}

// confirmBackup hands the wallet out against an offer, once.
func (s *Server) confirmBackup(w http.ResponseWriter, r *http.Request) {
	if !s.setupOr503(w) || !s.backupAllowed(w, r) {
		return
	}
	var c api.BackupConfirm
	if !decode(w, r, &c) {
		return
	}
	if _, found := s.backups.take(s.Now(), c.ID); !found {
		fail(w, http.StatusBadRequest, api.CodeNoQuote, "no such backup to confirm, or it expired: ask again")
		return
	}
	b, err := s.Setup.Backup(r.Context(), c.Passphrase)
	if err != nil {
		failErr(w, err)
		return
	}
	s.Log.Info("wallet backup handed out", "address", b.Address) // never the key, never the passphrase
	reply(w, b)
}

// backupAllowed refuses to hand the key to a mere writer once the node
// runs: in the first run's wizard the owner is at the computer, later a
// writer may be software running as the desktop user, and the key would
// take everything the withdrawal address protects. An administrator (or
// the daemon's own user) may, and `hydrogend wallet export` does it from
// the command line.
func (s *Server) backupAllowed(w http.ResponseWriter, r *http.Request) bool {
	if nd, gov, _ := s.parts(); nd == nil || gov == nil {
		return true // the first run's setup
	}
	if c, ok := r.Context().Value(credKey{}).(Cred); ok && s.Access.canAdmin(c) {
		return true
	}
	fail(w, http.StatusForbidden, api.CodeBackupNeedsAdmin, "once the node runs, only an administrator may take the wallet's key out: run `sudo hydrogend wallet export`")
	return false
}
