package localapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/redact"
)

// The delay before a change of the withdrawal address applies: long
// enough for the owner to see it in the tray and cancel it. The daemon's
// -withdrawal-delay flag sets it within these bounds; the API cannot.
const (
	DefaultWithdrawalDelay = 48 * time.Hour
	MinWithdrawalDelay     = time.Hour
	MaxWithdrawalDelay     = 30 * 24 * time.Hour
)

// ErrBadDelay is a withdrawal delay outside MinWithdrawalDelay to
// MaxWithdrawalDelay.
var ErrBadDelay = fmt.Errorf("localapi: the withdrawal address delay is %s to %s", MinWithdrawalDelay, MaxWithdrawalDelay)

// WithdrawalAddress keeps the only address withdrawals go to, in a file
// of the data directory (0600, replaced atomically). The first address is
// set at once; a change is pending for the delay, during which
// withdrawals still go to the old address and any writer may cancel it.
// Software running as the owner can ask for a change, but not make it
// apply before the owner has had the delay to see it.
type WithdrawalAddress struct {
	path  string
	delay time.Duration
	log   *slog.Logger

	mu  sync.Mutex // guards cur and the file
	cur payout
}

// payout is the file's content.
type payout struct {
	Address common.Address // zero: none yet
	Pending *addressChange // nil: none
}

type addressChange struct {
	Address              common.Address
	Requested, Effective time.Time
}

// payoutFile is how payout is written.
type payoutFile struct {
	Version int                `json:"version"`
	Address string             `json:"address,omitempty"`
	Pending *api.AddressChange `json:"pending,omitempty"`
}

const payoutVersion = 1

// OpenWithdrawalAddress reads the withdrawal address kept at path (none
// when the file does not exist). A file that does not validate is an
// error, never overwritten.
func OpenWithdrawalAddress(path string, delay time.Duration, log *slog.Logger) (*WithdrawalAddress, error) {
	if delay < MinWithdrawalDelay || delay > MaxWithdrawalDelay {
		return nil, fmt.Errorf("%w: %s", ErrBadDelay, delay)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wa := &WithdrawalAddress{path: path, delay: delay, log: log}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return wa, nil
	}
	if err != nil {
		return nil, err
	}
	if wa.cur, err = parsePayout(b); err != nil {
		return nil, fmt.Errorf("localapi: withdrawal address %s: %w", path, err)
	}
	return wa, nil
}

func parsePayout(b []byte) (payout, error) {
	var f payoutFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return payout{}, err
	}
	if f.Version != payoutVersion {
		return payout{}, fmt.Errorf("version %d, want %d", f.Version, payoutVersion)
	}
	var p payout
	if f.Address != "" {
		a, code, msg := parseAddress(f.Address)
		if code != "" {
			return payout{}, fmt.Errorf("address %q: %s", f.Address, msg)
		}
		p.Address = a
	}
	if f.Pending != nil {
		a, code, msg := parseAddress(f.Pending.Address)
		switch {
		case code != "":
			return payout{}, fmt.Errorf("pending address %q: %s", f.Pending.Address, msg)
		case p.Address == (common.Address{}):
			return payout{}, errors.New("a pending change without a current address")
		case f.Pending.Effective.IsZero() || f.Pending.Effective.Before(f.Pending.Requested):
			return payout{}, errors.New("a pending change without its time")
		}
		p.Pending = &addressChange{Address: a, Requested: f.Pending.Requested, Effective: f.Pending.Effective}
	}
	return p, nil
}

// saveLocked writes p, then makes it current; nothing changes on an
// error.
func (wa *WithdrawalAddress) saveLocked(p payout) error {
	f := payoutFile{Version: payoutVersion}
	if p.Address != (common.Address{}) {
		f.Address = p.Address.Hex()
	}
	if c := p.Pending; c != nil {
		f.Pending = &api.AddressChange{Address: c.Address.Hex(), Requested: c.Requested, Effective: c.Effective}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(wa.path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("localapi: saving the withdrawal address: %w", err)
	}
	wa.cur = p
	return nil
}

// settleLocked applies a pending change whose delay has passed. It
// applies even if the file cannot be written: the file still holds the
// change with its time, so it reads the same after a restart.
func (wa *WithdrawalAddress) settleLocked(now time.Time) {
	c := wa.cur.Pending
	if c == nil || now.Before(c.Effective) {
		return
	}
	next := payout{Address: c.Address}
	if err := wa.saveLocked(next); err != nil {
		wa.log.Warn("the withdrawal address change applies, but the file keeps it pending", "err", err)
		wa.cur = next
	}
	wa.log.Info("withdrawal address changed after its delay", "address", next.Address, "requested", c.Requested)
}

// Delay is how long a change waits.
func (wa *WithdrawalAddress) Delay() time.Duration { return wa.delay }

// current returns the address withdrawals go to at now (zero: none) and
// the change pending, if any.
func (wa *WithdrawalAddress) current(now time.Time) (common.Address, *addressChange) {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.settleLocked(now)
	var c *addressChange
	if wa.cur.Pending != nil {
		cp := *wa.cur.Pending
		c = &cp
	}
	return wa.cur.Address, c
}

// Get returns the withdrawal address as the API shows it.
func (wa *WithdrawalAddress) Get(now time.Time) api.WithdrawalAddress {
	addr, c := wa.current(now)
	out := api.WithdrawalAddress{Delay: api.Duration(wa.delay)}
	if addr != (common.Address{}) {
		out.Address = addr.Hex()
	}
	if c != nil {
		out.Pending = c.wire()
	}
	return out
}

func (c *addressChange) wire() *api.AddressChange {
	return &api.AddressChange{Address: c.Address.Hex(), Requested: c.Requested, Effective: c.Effective}
}

// Set makes a the withdrawal address: at once when none is set, else
// after the delay (a pending change; a newer request replaces it and
// starts the delay again). Asking for the current address cancels a
// pending change; asking again for the pending one changes nothing.
// changed reports whether anything did.
//
// The first address applies at once only when first is set (the first
// run's wizard, before the node runs: the owner is at the computer);
// otherwise (a node upgraded from before the address existed) it waits
// the delay like any change, so that a writer cannot name it unseen.
func (wa *WithdrawalAddress) Set(now time.Time, a common.Address, first bool) (changed bool, err error) {
	if a == (common.Address{}) {
		return false, errors.New("localapi: the zero address")
	}
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.settleLocked(now)
	cur := wa.cur
	switch {
	case cur.Address == (common.Address{}) && first:
		if err := wa.saveLocked(payout{Address: a}); err != nil {
			return false, err
		}
		wa.log.Info("withdrawal address set", "address", a)
	case a == cur.Address && cur.Pending == nil, cur.Pending != nil && a == cur.Pending.Address:
		return false, nil
	case a == cur.Address:
		if err := wa.saveLocked(payout{Address: cur.Address}); err != nil {
			return false, err
		}
		wa.log.Info("withdrawal address change cancelled: the current address asked for again", "address", cur.Address, "dropped", cur.Pending.Address)
	default:
		c := &addressChange{Address: a, Requested: now, Effective: now.Add(wa.delay)}
		if err := wa.saveLocked(payout{Address: cur.Address, Pending: c}); err != nil {
			return false, err
		}
		wa.log.Warn("withdrawal address change requested: it applies after the delay unless cancelled",
			"address", cur.Address, "new", a, "effective", c.Effective)
	}
	return true, nil
}

// Cancel drops a pending change; changed reports whether there was one.
func (wa *WithdrawalAddress) Cancel(now time.Time) (changed bool, err error) {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.settleLocked(now)
	c := wa.cur.Pending
	if c == nil {
		return false, nil
	}
	if err := wa.saveLocked(payout{Address: wa.cur.Address}); err != nil {
		return false, err
	}
	wa.log.Info("withdrawal address change cancelled", "address", wa.cur.Address, "dropped", c.Address)
	return true, nil
}

// parseAddress reads an address typed by the owner: 0x and 40 hex digits,
// all one case or with a right checksum. It returns an api code and a
// message for what is wrong.
func parseAddress(s string) (a common.Address, code, msg string) {
	if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") {
		return a, api.CodeBadAddress, "an address is 0x and 40 hex digits"
	}
	a = common.HexToAddress(s)
	if strings.ToLower(s) != s && strings.ToUpper(s[2:]) != s[2:] && a.Hex() != s {
		return common.Address{}, api.CodeBadAddress, "the address's checksum (its upper and lower case) is wrong: check for a typo"
	}
	return a, "", ""
}

// failParams answers an error whose text needs params.
func failParams(w http.ResponseWriter, status int, code, msg string, params map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]*api.Error{"error": {Code: code, Message: redact.Text(msg), Params: params}})
}

// payoutOr503 returns the withdrawal address store, or answers that this
// daemon keeps none.
func (s *Server) payoutOr503(w http.ResponseWriter) (*WithdrawalAddress, bool) {
	if s.Withdrawal == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "this daemon keeps no withdrawal address")
		return nil, false
	}
	return s.Withdrawal, true
}

// ownAddress is the node's wallet, once there is one (zero before).
func (s *Server) ownAddress() common.Address {
	if nd, _, _ := s.parts(); nd != nil {
		return nd.Snapshot().Address
	}
	if s.Setup != nil {
		if a := s.Setup.State().Address; common.IsHexAddress(a) {
			return common.HexToAddress(a)
		}
	}
	return common.Address{}
}

// getWithdrawalAddress answers GET /v1/wallet/address.
func (s *Server) getWithdrawalAddress(w http.ResponseWriter, r *http.Request) {
	wa, ok := s.payoutOr503(w)
	if !ok {
		return
	}
	reply(w, wa.Get(s.Now()))
}

// setWithdrawalAddress answers PUT /v1/wallet/address: the first address
// at once, a new one after the delay. It works in setup mode too, so the
// first-run wizard can ask for it.
func (s *Server) setWithdrawalAddress(w http.ResponseWriter, r *http.Request) {
	wa, ok := s.payoutOr503(w)
	if !ok {
		return
	}
	var req api.SetWithdrawalAddress
	if !decode(w, r, &req) {
		return
	}
	a, code, msg := parseAddress(strings.TrimSpace(req.Address))
	switch {
	case code != "":
		fail(w, http.StatusBadRequest, code, msg)
		return
	case a == (common.Address{}):
		fail(w, http.StatusBadRequest, api.CodeZeroAddress, "the zero address: what is sent there is lost")
		return
	case a == s.ownAddress():
		fail(w, http.StatusBadRequest, api.CodeOwnAddress, "that is this node's own wallet: withdraw to another one")
		return
	}
	nd, gov, _ := s.parts()
	changed, err := wa.Set(s.Now(), a, nd == nil || gov == nil) // at once only in the first run's setup
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	if changed {
		s.statusChanged()
	}
	reply(w, wa.Get(s.Now()))
}

// cancelAddressChange answers DELETE /v1/wallet/address/pending. Any
// writer may cancel: it only keeps the money going where it went.
func (s *Server) cancelAddressChange(w http.ResponseWriter, r *http.Request) {
	wa, ok := s.payoutOr503(w)
	if !ok {
		return
	}
	changed, err := wa.Cancel(s.Now())
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	if changed {
		s.statusChanged()
	}
	reply(w, wa.Get(s.Now()))
}

// checkDestination answers, and returns false, unless to is where
// withdrawals go now.
func (s *Server) checkDestination(w http.ResponseWriter, to common.Address) bool {
	wa, ok := s.payoutOr503(w)
	if !ok {
		return false
	}
	dest, c := wa.current(s.Now())
	switch {
	case dest == (common.Address{}):
		fail(w, http.StatusConflict, api.CodeNoWithdrawalAddress, "no withdrawal address is set yet: set one first")
		return false
	case to == dest:
		return true
	case c != nil && to == c.Address:
		until := c.Effective.UTC().Format(time.RFC3339)
		failParams(w, http.StatusConflict, api.CodeAddressChangePending,
			fmt.Sprintf("withdrawals go to %s until %s, when the change to %s applies", dest.Hex(), until, c.Address.Hex()),
			map[string]string{api.ParamAddress: c.Address.Hex(), api.ParamUntil: until})
		return false
	}
	failParams(w, http.StatusBadRequest, api.CodeNotWithdrawalAddress,
		"withdrawals go only to the withdrawal address, "+dest.Hex(), map[string]string{api.ParamAddress: dest.Hex()})
	return false
}
