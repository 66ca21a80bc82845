// Package localapi serves the local API (nodecore/api) over a unix
// socket: the only door into the daemon. The socket is mode 0660 and
// group-owned; every connection's peer credentials (SO_PEERCRED) are
// checked again per request: reads are open to root, the daemon's own
// user and the socket's group; writes (presence, control) to root, the
// daemon's user and the users named as writers (the installing user).
package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/redact"
	"github.com/hydrogen-network/hydrogen/nodecore/settings"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// Node is what the API needs of the node engine.
type Node interface {
	Snapshot() node.Snapshot
	Watch(ctx context.Context) <-chan node.Snapshot
	Leave(ctx context.Context) error
	Rejoin(ctx context.Context) error
	SetAutoRejoin(on bool)
	Wallet(ctx context.Context) (node.WalletInfo, error)
	PlanWithdraw(ctx context.Context, to common.Address, amount *big.Int) (node.WithdrawPlan, error)
	Withdraw(ctx context.Context, p node.WithdrawPlan) (node.Withdrawal, error)
	Network(ctx context.Context, rpc string) node.NetworkInfo
	ModelName(h common.Hash) (string, bool)
}

// Governor is what the API needs of the hire-out governor.
type Governor interface {
	Decision() policy.Decision
	Watch(ctx context.Context) <-chan policy.Decision
	ReportPresence(p idle.Presence)
	SetOverride(o policy.Override)
}

// Ledger is what the API reads of the node's ledger.
type Ledger interface {
	EarningsBy(ctx context.Context, period time.Duration, from, to time.Time, loc *time.Location) ([]ledger.Bucket, error)
	Recent(ctx context.Context, n int) ([]ledger.Entry, error)
	Totals(ctx context.Context) (ledger.Totals, error)
	Account(ctx context.Context, n int) ([]ledger.AccountEntry, error)
}

// Downloads is what the API reads of the model downloads
// (models.Manager).
type Downloads interface {
	Downloads() []models.DownloadStatus
	// Watch ticks as downloads start, progress and end, until ctx ends.
	Watch(ctx context.Context) <-chan struct{}
}

// Access says who may use the API.
type Access struct {
	// Unix (Linux, macOS): the socket is 0660 and group-owned.
	Owner   uint32   // the daemon's user
	Group   uint32   // the socket's group: may read
	Writers []uint32 // may also write

	// Windows: the pipe's ACL admits SYSTEM, Administrators and these
	// users (SIDs), who may read and write; checked again per request.
	Users []string
}

// Cred is a caller's identity from the socket or pipe.
type Cred struct {
	PID, UID, GID uint32
	Groups        []uint32 // supplementary groups, when the platform says (macOS)
	SID           string   // Windows: the caller's user
	Admin         bool     // Windows: SYSTEM or an elevated administrator
}

// Server is the local API. The running daemon's parts (Node, Governor,
// Ledger, Downloads, NetworkName, RPC) are given before Serve or, by a
// daemon that first waits for the first-run wizard, in one step by
// Attach; until then only the setup endpoints work. Once Serve runs,
// nothing else of the Server changes.
type Server struct {
	Node     Node
	Governor Governor
	Setup    Setup // nil: no first-run setup through the API
	// GPU returns the card's latest sample (nil: none).
	GPU func() *api.GPU
	// Models is the node's model store (nil: none).
	Models ModelStore
	// Downloads are the model downloads (nil: none).
	Downloads Downloads
	// Network names the network; RPC is the chain endpoint in use.
	NetworkName, RPC string
	Ledger           Ledger          // nil: the ledger endpoints answer unavailable
	Settings         *settings.Store // its subscribers learn of a change
	Logs             *LogRing        // nil: GET /v1/logs answers unavailable
	// Withdrawal is the only address withdrawals go to (nil: no
	// withdrawals through the API).
	Withdrawal *WithdrawalAddress
	Access     Access
	Log        *slog.Logger
	Now        func() time.Time

	mu       sync.Mutex // guards presence, attached; the running daemon's parts once Serve runs
	presence *api.Presence
	attached chan struct{}             // closed by Attach
	quotes   offers[node.WithdrawPlan] // withdrawals waiting for their confirmation
	backups  offers[string]            // backup offers (the wallet's address)
	changes  watch.Hub[struct{}]       // the withdrawal address changed
}

// statusChanged tells the status watchers that a part of the status
// nobody else announces changed: the withdrawal address.
func (s *Server) statusChanged() { s.changes.Publish(struct{}{}) }

// downloads converts the model manager's downloads; active only, or all.
func (s *Server) downloads(all bool) []api.Download {
	dl := s.current().Downloads
	if dl == nil {
		return nil
	}
	var out []api.Download
	for _, d := range dl.Downloads() {
		if !all && (d.State == models.DownloadDone || d.State == models.DownloadFailed) {
			continue
		}
		eta := api.Duration(d.ETA)
		if d.ETA < 0 {
			eta = api.Unknown
		}
		out = append(out, api.Download{ID: d.ID, State: d.State, Done: d.Done, Total: d.Total, Rate: d.Rate, ETA: eta,
			Problem: downloadProblem(d), Error: d.Err, Started: d.Started, Ended: d.Ended})
	}
	return out
}

// downloadProblem is the code of a failed download's error.
func downloadProblem(d models.DownloadStatus) api.DownloadProblem {
	err := d.Failure
	switch {
	case d.State != models.DownloadFailed:
		return ""
	case errors.Is(err, models.ErrNotFound):
		return api.DownloadNotFound
	case errors.Is(err, models.ErrForbidden):
		return api.DownloadRefused
	case errors.Is(err, models.ErrChecksum):
		return api.DownloadChecksum
	case errors.Is(err, models.ErrStalled):
		return api.DownloadStalled
	case errors.Is(err, models.ErrTooLarge):
		return api.DownloadTooLarge
	case errors.Is(err, models.ErrPrivateAddress):
		return api.DownloadPrivate
	case errors.Is(err, models.ErrInsecureRedirect), errors.Is(err, models.ErrTooManyRedirects):
		return api.DownloadRedirect
	case errors.Is(err, models.ErrQuota), errors.Is(err, models.ErrDiskFull):
		return api.DownloadNoRoom
	case errors.Is(err, models.ErrNotInCatalog):
		return api.DownloadUnknownModel
	}
	return api.DownloadFailedOther
}

// Parts are what the running daemon gives the server (Attach).
type Parts struct {
	Node      Node
	Governor  Governor
	Ledger    Ledger
	Downloads Downloads
	// NetworkName names the network; RPC is the chain endpoint in use.
	NetworkName, RPC string
}

// Attach gives the server the running daemon's parts once the daemon is
// set up, in one step; watchers waiting in setup mode move on to the
// node's status. It is the server's only change once it serves.
func (s *Server) Attach(p Parts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Node, s.Governor, s.Ledger, s.Downloads, s.NetworkName, s.RPC = p.Node, p.Governor, p.Ledger, p.Downloads, p.NetworkName, p.RPC
	s.initLocked()
	select {
	case <-s.attached:
	default:
		close(s.attached)
	}
}

// current returns the parts the server uses now: those it was built
// with, then Attach's.
func (s *Server) current() Parts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Parts{Node: s.Node, Governor: s.Governor, Ledger: s.Ledger, Downloads: s.Downloads, NetworkName: s.NetworkName, RPC: s.RPC}
}

func (s *Server) initLocked() {
	if s.attached == nil {
		s.attached = make(chan struct{})
	}
}

// parts returns the node and governor, nil in setup mode, and a channel
// closed when they are attached.
func (s *Server) parts() (Node, Governor, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return s.Node, s.Governor, s.attached
}

// ready returns the node and governor, or answers not ready.
func (s *Server) ready(w http.ResponseWriter) (Node, Governor, bool) {
	n, g, _ := s.parts()
	if n == nil || g == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeNotReady, "the node is not set up yet: finish the first-run steps in the Hydrogen app")
		return nil, nil, false
	}
	return n, g, true
}

// MaxBody bounds a request body.
const MaxBody = 3 << 20 // a network file (at most 1 MiB) escaped in JSON

type credKey struct{}

// Serve serves ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.mu.Lock()
	s.initLocked()
	if s.Node != nil && s.Governor != nil {
		select {
		case <-s.attached:
		default:
			close(s.attached)
		}
	}
	s.mu.Unlock()
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			cred, err := peerCred(c)
			if err != nil {
				s.Log.Warn("local API: no peer credentials; the caller is refused", "err", err)
				return ctx
			}
			return context.WithValue(ctx, credKey{}, cred)
		},
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx) // watch streams end with ctx
		<-errc
		return nil
	case err := <-errc:
		return err
	}
}

// Handler routes the API, checking the caller on every request.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+api.Prefix+"/status", s.read(s.status))
	mux.HandleFunc("GET "+api.Prefix+"/watch", s.read(s.watch))
	mux.HandleFunc("GET "+api.Prefix+"/earnings", s.read(s.earnings))
	mux.HandleFunc("GET "+api.Prefix+"/tasks", s.read(s.tasks))
	mux.HandleFunc("GET "+api.Prefix+"/totals", s.read(s.totals))
	mux.HandleFunc("GET "+api.Prefix+"/account", s.read(s.account))
	mux.HandleFunc("GET "+api.Prefix+"/wallet", s.read(s.wallet))
	mux.HandleFunc("GET "+api.Prefix+"/logs", s.read(s.logs))
	mux.HandleFunc("GET "+api.Prefix+"/settings", s.read(s.getSettings))
	mux.HandleFunc("PATCH "+api.Prefix+"/settings", s.write(s.patchSettings))
	mux.HandleFunc("POST "+api.Prefix+"/presence", s.write(s.reportPresence))
	mux.HandleFunc("POST "+api.Prefix+"/control", s.write(s.control))
	mux.HandleFunc("GET "+api.Prefix+"/network", s.read(s.network))
	mux.HandleFunc("GET "+api.Prefix+"/models", s.read(s.models))
	mux.HandleFunc("DELETE "+api.Prefix+"/models", s.write(s.deleteModel))
	mux.HandleFunc("POST "+api.Prefix+"/wallet/withdraw", s.write(s.withdraw))
	mux.HandleFunc("POST "+api.Prefix+"/wallet/withdraw/confirm", s.write(s.confirmWithdraw))
	mux.HandleFunc("GET "+api.Prefix+"/wallet/address", s.read(s.getWithdrawalAddress))
	mux.HandleFunc("PUT "+api.Prefix+"/wallet/address", s.write(s.setWithdrawalAddress))
	mux.HandleFunc("DELETE "+api.Prefix+"/wallet/address/pending", s.write(s.cancelAddressChange))
	mux.HandleFunc("POST "+api.Prefix+"/wallet/backup", s.write(s.offerBackup))
	mux.HandleFunc("POST "+api.Prefix+"/wallet/backup/confirm", s.write(s.confirmBackup))
	mux.HandleFunc("GET "+api.Prefix+"/setup", s.read(s.setupState))
	mux.HandleFunc("POST "+api.Prefix+"/setup/wallet", s.write(s.setupWallet))
	mux.HandleFunc("POST "+api.Prefix+"/setup/network", s.write(s.setupNetwork))
	mux.HandleFunc("POST "+api.Prefix+"/setup/start", s.write(s.setupStart))
	mux.HandleFunc("GET "+api.Prefix+"/doctor", s.read(s.doctor))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, api.CodeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func (s *Server) read(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().Value(credKey{}).(Cred)
		if !ok || !s.Access.canRead(c) {
			fail(w, http.StatusForbidden, api.CodeForbidden, "this user may not use the Hydrogen daemon")
			return
		}
		h(w, r)
	}
}

func (s *Server) write(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().Value(credKey{}).(Cred)
		if !ok || !s.Access.canWrite(c) {
			fail(w, http.StatusForbidden, api.CodeForbidden, "this user may not change the Hydrogen daemon")
			return
		}
		h(w, r)
	}
}

func fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// Messages often quote an error of the chain's client, which quotes
	// the endpoint, key and all: readers see it redacted.
	_ = json.NewEncoder(w).Encode(map[string]*api.Error{"error": {Code: code, Message: redact.Text(msg)}})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body strictly, answering the error itself.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, api.CodeTooLarge, fmt.Sprintf("the body is over %d bytes", MaxBody))
			return false
		}
		fail(w, http.StatusBadRequest, api.CodeBadRequest, "the body is not the expected JSON: "+err.Error())
		return false
	}
	if dec.More() {
		fail(w, http.StatusBadRequest, api.CodeBadRequest, "trailing data after the JSON body")
		return false
	}
	return true
}

// Status builds the snapshot the API serves.
func (s *Server) Status() api.Status {
	nd, gov, _ := s.parts()
	var gs *api.GPU
	if s.GPU != nil {
		gs = s.GPU()
	}
	s.mu.Lock()
	p := s.presence
	s.mu.Unlock()
	var change *api.AddressChange
	if s.Withdrawal != nil {
		change = s.Withdrawal.Get(s.Now()).Pending
	}
	if nd == nil || gov == nil {
		st := api.Status{State: api.StateSetup, GPU: gs, Presence: p, Downloads: s.downloads(false), Updated: s.Now(), AddressChange: change}
		if s.Setup != nil {
			// In setup the reason lists what the setup still needs
			// ("wallet,network"); the UI reads the state.
			st.Reason = api.NodeReason(strings.Join(s.Setup.State().Needs, ","))
			st.Address = s.Setup.State().Address
		}
		return st
	}
	n := nd.Snapshot()
	d := gov.Decision()
	st := api.Status{
		State: n.State.Wire(), Reason: n.Reason, Address: n.Address.Hex(), Task: n.Task,
		Decision: api.Decision{
			Earn: d.Earn, Reason: d.Reason, Process: d.Detail.Process, TempC: d.Detail.TempC, LimitC: d.Detail.LimitC,
			ActiveAgo: api.Duration(d.Detail.ActiveAgo), AwayAfter: api.Duration(d.Detail.AwayAfter), Until: d.Detail.Until,
		},
		GPU: gs, Presence: p, Downloads: s.downloads(false), Updated: s.Now(), AddressChange: change,
	}
	if n.Task != 0 {
		st.Current = &api.Current{ID: n.Task, Kind: n.TaskKind, Model: n.TaskModel, Phase: n.TaskPhase}
	} else if n.State == node.StateAvailable && n.Ready > 0 {
		st.Waiting = &api.Waiting{Ready: n.Ready, Proven: n.Proven}
	}
	return st
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) { reply(w, s.Status()) }

// watch streams the status as JSON lines: all of it first, then again on
// every change of the node or the decision.
func (s *Server) watch(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, "streaming unsupported")
		return
	}
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	// due fires when a pending change of the withdrawal address applies:
	// the status changes then without anyone asking.
	due := time.NewTimer(time.Hour)
	defer due.Stop()
	send := func() bool {
		st := s.Status()
		if err := enc.Encode(api.Event{Status: &st}); err != nil {
			return false
		}
		flusher.Flush()
		due.Stop()
		if c := st.AddressChange; c != nil {
			due.Reset(max(c.Effective.Sub(s.Now()), 0) + 10*time.Millisecond)
		}
		return true
	}
	nd, gov, attached := s.parts()
	if nd == nil || gov == nil {
		// Setup mode: the status changes with each setup step (the app
		// re-reads /v1/setup) and when the node starts.
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for nd == nil || gov == nil {
			if !send() {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-attached:
			case <-tick.C:
			}
			nd, gov, _ = s.parts()
		}
	}
	// Subscribed first, then the full status: no change falls between.
	nodeCh := nd.Watch(ctx)
	decCh := gov.Watch(ctx)
	changes := s.changes.Subscribe(ctx)
	var downloads <-chan struct{} // nil: never ready
	if dl := s.current().Downloads; dl != nil {
		downloads = dl.Watch(ctx)
	}
	// A hub hands a new watcher its latest value at once: the status sent
	// next has it already.
	for _, ch := range []<-chan struct{}{changes, downloads} {
		select {
		case <-ch:
		default:
		}
	}
	select {
	case <-nodeCh:
	default:
	}
	select {
	case <-decCh:
	default:
	}
	if !send() {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-nodeCh:
			if !ok {
				return
			}
		case <-decCh:
		case <-changes:
		case <-downloads:
		case <-due.C:
		}
		if !send() {
			return
		}
	}
}

func (s *Server) reportPresence(w http.ResponseWriter, r *http.Request) {
	_, gov, ok := s.ready(w)
	if !ok {
		return
	}
	var p api.Presence
	if !decode(w, r, &p) {
		return
	}
	now := s.Now()
	if p.At.IsZero() || p.At.After(now.Add(5*time.Second)) || now.Sub(p.At) > time.Minute {
		fail(w, http.StatusBadRequest, api.CodeStalePresnce, "the report's time is missing, in the future or over a minute old")
		return
	}
	if len(p.Sources) > 16 || len(p.Inhibitors) > 16 {
		fail(w, http.StatusBadRequest, api.CodeBadRequest, "too many sources or inhibitors")
		return
	}
	conv := func(d api.Duration) time.Duration {
		if d == api.Unknown {
			return idle.Unknown
		}
		return time.Duration(d)
	}
	gov.ReportPresence(idle.Presence{
		At: p.At, Idle: conv(p.Idle), ControllerIdle: conv(p.ControllerIdle), FullScreen: p.FullScreen,
		Inhibited: p.Inhibited, Inhibitors: p.Inhibitors, Sources: p.Sources,
	})
	s.mu.Lock()
	s.presence = &p
	s.mu.Unlock()
	reply(w, struct{}{})
}

// Limits of a timed pause.
const (
	MinPause = time.Minute
	MaxPause = 7 * 24 * time.Hour
)

func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	nd, gov, ok := s.ready(w)
	if !ok {
		return
	}
	var c api.Control
	if !decode(w, r, &c) {
		return
	}
	switch c.Action {
	case api.ActionPauseFor:
		d := time.Duration(c.Duration)
		if c.Duration == api.Unknown || d < MinPause || d > MaxPause {
			fail(w, http.StatusBadRequest, api.CodeBadDuration, fmt.Sprintf("a pause lasts %s to %s", MinPause, MaxPause))
			return
		}
		gov.SetOverride(policy.Override{Kind: policy.PauseUntil, Until: s.Now().Add(d)})
	case api.ActionPause:
		gov.SetOverride(policy.Override{Kind: policy.PauseForever})
	case api.ActionResume:
		gov.SetOverride(policy.Override{})
	case api.ActionEarnNow:
		gov.SetOverride(policy.Override{Kind: policy.EarnNow})
	case api.ActionLeave, api.ActionRejoin:
		f, what := nd.Leave, "leaving"
		if c.Action == api.ActionRejoin {
			f, what = nd.Rejoin, "joining"
		}
		switch err := f(r.Context()); {
		case errors.Is(err, node.ErrLeaving):
			fail(w, http.StatusConflict, api.CodeLeaving, "the node is leaving the network already")
			return
		case errors.Is(err, node.ErrNotMember):
			fail(w, http.StatusConflict, api.CodeNotMember, "the node is out of the network, with nothing left to withdraw")
			return
		case errors.Is(err, node.ErrAlreadyMember):
			fail(w, http.StatusConflict, api.CodeMember, "the node is in the network already")
			return
		case err != nil:
			fail(w, http.StatusServiceUnavailable, api.CodeChain, what+" the network failed: "+err.Error())
			return
		}
	default:
		fail(w, http.StatusBadRequest, api.CodeBadAction, fmt.Sprintf("unknown action %q", c.Action))
		return
	}
	s.Log.Info("control", "action", c.Action)
	reply(w, struct{}{})
}

func wei(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// ledger returns the ledger, or answers unavailable.
func (s *Server) ledger(w http.ResponseWriter) (Ledger, bool) {
	s.mu.Lock()
	l := s.Ledger
	s.mu.Unlock()
	if l == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "the ledger is not open")
		return nil, false
	}
	return l, true
}

// earnings answers by=hour (the last 24 hours) or by=day (the last 30
// days, in the daemon's local time).
func (s *Server) earnings(w http.ResponseWriter, r *http.Request) {
	l, ok := s.ledger(w)
	if !ok {
		return
	}
	now := s.Now()
	var period time.Duration
	var from time.Time
	switch r.URL.Query().Get("by") {
	case "hour":
		period, from = time.Hour, now.Truncate(time.Hour).Add(-23*time.Hour)
	case "day":
		y, m, d := now.Date()
		period, from = 24*time.Hour, time.Date(y, m, d, 0, 0, 0, 0, now.Location()).AddDate(0, 0, -29)
	default:
		fail(w, http.StatusBadRequest, api.CodeBadQuery, "by must be hour or day")
		return
	}
	bs, err := l.EarningsBy(r.Context(), period, from, now.Add(time.Nanosecond), now.Location())
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	out := make([]api.Bucket, len(bs))
	for i, b := range bs {
		out[i] = api.Bucket{Start: b.Start, Earned: wei(b.Earned), Tasks: b.Tasks}
	}
	reply(w, out)
}

// MaxTasks bounds one ledger page.
const MaxTasks = 500

// account lists the money movements outside tasks: stake, quits,
// removals, withdrawals.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	l, ok := s.ledger(w)
	if !ok {
		return
	}
	n, ok := limitParam(w, r, 50, MaxTasks)
	if !ok {
		return
	}
	es, err := l.Account(r.Context(), n)
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	out := make([]api.AccountEntry, 0, len(es))
	for _, e := range es {
		out = append(out, api.AccountEntry{At: e.At, Move: string(e.Move), Amount: wei(e.Amount), Tx: e.Tx, Detail: e.Detail})
	}
	reply(w, out)
}

// limitParam reads ?limit=, def when absent, 1 to most.
func limitParam(w http.ResponseWriter, r *http.Request, def, most int) (int, bool) {
	q := r.URL.Query().Get("limit")
	if q == "" {
		return def, true
	}
	v, err := strconv.Atoi(q)
	if err != nil || v < 1 || v > most {
		fail(w, http.StatusBadRequest, api.CodeBadQuery, fmt.Sprintf("limit must be 1 to %d", most))
		return 0, false
	}
	return v, true
}

func (s *Server) tasks(w http.ResponseWriter, r *http.Request) {
	l, ok := s.ledger(w)
	if !ok {
		return
	}
	n, ok := limitParam(w, r, 50, MaxTasks)
	if !ok {
		return
	}
	es, err := l.Recent(r.Context(), n)
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	nd, _, _ := s.parts()
	out := make([]api.Task, 0, len(es))
	for _, e := range es {
		for i, m := range e.Models {
			if nd != nil && len(m) == 66 && strings.HasPrefix(m, "0x") {
				if id, ok := nd.ModelName(common.HexToHash(m)); ok {
					e.Models[i] = id // a hash from the chain, named
				}
			}
		}
		t := api.Task{ID: e.TaskID, Kind: e.Kind, Models: e.Models, Times: map[string]time.Time{}, Outcome: string(e.Outcome), Reason: e.Reason, Earned: wei(e.Earned), Lost: wei(e.Lost), Txs: e.Txs,
			Role: string(e.Role), Audit: string(e.Audit)}
		for step, at := range e.Times {
			t.Times[string(step)] = at
		}
		out = append(out, t)
	}
	reply(w, out)
}

func (s *Server) totals(w http.ResponseWriter, r *http.Request) {
	l, ok := s.ledger(w)
	if !ok {
		return
	}
	t, err := l.Totals(r.Context())
	if err != nil {
		fail(w, http.StatusInternalServerError, api.CodeUnavailable, err.Error())
		return
	}
	out := api.Totals{Tasks: t.Tasks, ByOutcome: map[string]int{}, Earned: wei(t.Earned), Lost: wei(t.Lost)}
	for o, n := range t.ByResult {
		out.ByOutcome[string(o)] = n
	}
	reply(w, out)
}

func (s *Server) wallet(w http.ResponseWriter, r *http.Request) {
	nd, _, ok := s.ready(w)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	wi, err := nd.Wallet(ctx)
	if err != nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "the chain did not answer: "+err.Error())
		return
	}
	reply(w, api.Wallet{Address: wi.Address.Hex(), Balance: wei(wi.Balance), Owed: wei(wi.Owed), Stake: wei(wi.Stake), State: wi.State.String(), QoS: wi.QoS})
}

// MaxLogLines bounds GET /v1/logs.
const MaxLogLines = 1000

func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	if s.Logs == nil {
		fail(w, http.StatusServiceUnavailable, api.CodeUnavailable, "the daemon keeps no log here")
		return
	}
	n := 200
	if q := r.URL.Query().Get("lines"); q != "" {
		v, err := strconv.Atoi(q)
		if err != nil || v < 1 || v > MaxLogLines {
			fail(w, http.StatusBadRequest, api.CodeBadQuery, fmt.Sprintf("lines must be 1 to %d", MaxLogLines))
			return
		}
		n = v
	}
	reply(w, s.Logs.Tail(n))
}
