package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/net/netutil"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Tasks is what the relay reads from the chain; *chain.Client has it.
type Tasks interface {
	Task(ctx context.Context, id uint64) (chain.TaskInfo, error)
	TaskSpec(ctx context.Context, id uint64) (chain.Spec, common.Address, error)
	// Network is the network the relay serves; signatures name its chain.
	Network() *chain.Network
}

// Limits bound what the relay accepts and keeps. A zero field (nil for
// MinFeePerMiB) takes DefaultLimits' value.
type Limits struct {
	MaxArgs   int64         // bytes of one task's arguments
	MaxResult int64         // bytes of one result bundle
	MaxFiles  int           // files in one result bundle
	Retention time.Duration // how long a task's payloads are kept, from their first store

	// MinFeePerMiB is the least task fee, in wei, per started MiB the relay
	// keeps for a task (arguments and results together): the task's fee
	// pays for its storage. Zero: no minimum.
	MinFeePerMiB *big.Int

	// UnknownPerSecond and UnknownBurst bound, per client IP address, the
	// requests signed by wallets the relay has not seen on a task: each
	// costs a chain read, and wallets cost nothing to make. (Behind a
	// reverse proxy every client has the proxy's address.)
	UnknownPerSecond float64
	UnknownBurst     int
	// UnknownTotalPerSecond and UnknownTotalBurst bound the same requests
	// from all addresses together, so that many addresses cannot make
	// the relay read the chain without end either.
	UnknownTotalPerSecond float64
	UnknownTotalBurst     int
	// SignerPerSecond and SignerBurst bound the requests of each wallet
	// the relay has seen on a task (a creator or a node).
	SignerPerSecond float64
	SignerBurst     int
	// MaxClients bounds the addresses and wallets tracked for the rates
	// above; past it, new ones are refused until old ones go quiet.
	MaxClients int
	// MaxNonces bounds the signatures remembered to refuse a replay (each
	// for MaxSkew after its time); past it the relay answers 503.
	MaxNonces int
	// MaxUploads bounds the result bundles read at once; more wait up to
	// UploadWait, then get a 503.
	MaxUploads int
	UploadWait time.Duration

	// MaxConns bounds open connections (LimitListener).
	MaxConns int
	// Timeouts and header size of HTTPServer. TransferTimeout replaces
	// ReadTimeout or WriteTimeout for the body of an authorised result
	// upload or download, the only large ones.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	TransferTimeout   time.Duration
	MaxHeaderBytes    int
}

// DefaultLimits: 1 MiB of arguments, 64 MiB and 16 files of results,
// kept for 7 days from their first store, at least 10^12 wei (0.000001
// ETH) of task fee per MiB kept; 5 requests a second (bursts of 30) per
// IP address (IPv6: per /64) for unknown wallets and 50 (bursts of 100)
// from all addresses, 20 (bursts of 60) per known wallet;
// 1024 connections, 8 result uploads read at once; 10 s to send the
// headers, 30 s for a small request or answer, 5 minutes for a result's
// transfer. DefaultLimits.MinFeePerMiB is shared: copy it to change it.
var DefaultLimits = Limits{
	MaxArgs: 1 << 20, MaxResult: 64 << 20, MaxFiles: 16, Retention: 7 * 24 * time.Hour,
	MinFeePerMiB:     big.NewInt(1e12),
	UnknownPerSecond: 5, UnknownBurst: 30, UnknownTotalPerSecond: 50, UnknownTotalBurst: 100,
	SignerPerSecond: 20, SignerBurst: 60,
	MaxClients: 1 << 16, MaxNonces: 1 << 17, MaxUploads: 8, UploadWait: 10 * time.Second,
	MaxConns:          1024,
	ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
	IdleTimeout: time.Minute, TransferTimeout: 5 * time.Minute, MaxHeaderBytes: 16 << 10,
}

// withDefaults fills l's zero fields from DefaultLimits.
func (l Limits) withDefaults() (Limits, error) {
	d := DefaultLimits
	orDefault(&l.MaxArgs, d.MaxArgs)
	orDefault(&l.MaxResult, d.MaxResult)
	orDefault(&l.MaxFiles, d.MaxFiles)
	orDefault(&l.Retention, d.Retention)
	orDefault(&l.UnknownPerSecond, d.UnknownPerSecond)
	orDefault(&l.UnknownBurst, d.UnknownBurst)
	orDefault(&l.UnknownTotalPerSecond, d.UnknownTotalPerSecond)
	orDefault(&l.UnknownTotalBurst, d.UnknownTotalBurst)
	orDefault(&l.SignerPerSecond, d.SignerPerSecond)
	orDefault(&l.SignerBurst, d.SignerBurst)
	orDefault(&l.MaxClients, d.MaxClients)
	orDefault(&l.MaxNonces, d.MaxNonces)
	orDefault(&l.MaxUploads, d.MaxUploads)
	orDefault(&l.UploadWait, d.UploadWait)
	orDefault(&l.MaxConns, d.MaxConns)
	orDefault(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	orDefault(&l.ReadTimeout, d.ReadTimeout)
	orDefault(&l.WriteTimeout, d.WriteTimeout)
	orDefault(&l.IdleTimeout, d.IdleTimeout)
	orDefault(&l.TransferTimeout, d.TransferTimeout)
	orDefault(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	switch {
	case l.MinFeePerMiB == nil:
		l.MinFeePerMiB = new(big.Int).Set(d.MinFeePerMiB)
	case l.MinFeePerMiB.Sign() < 0:
		return l, errors.New("relay: the minimum fee per MiB is negative")
	default:
		l.MinFeePerMiB = new(big.Int).Set(l.MinFeePerMiB)
	}
	return l, nil
}

// orDefault sets *v to def unless it is positive (NaN is not).
func orDefault[T int | int64 | float64 | time.Duration](v *T, def T) {
	if !(*v > 0) {
		*v = def
	}
}

// knownFor is how long a wallet seen on a task counts as known.
const knownFor = 24 * time.Hour

// Server is the relay's HTTP API.
type Server struct {
	tasks   Tasks
	dir     string
	limits  Limits
	log     *slog.Logger
	now     func() time.Time
	chainID *big.Int
	hosts   []string // normalised; empty: the request's Host header
	auth    verifier

	unknown    *buckets                  // per client IP, for unknown wallets
	unknownAll *buckets                  // all clients together, for unknown wallets
	signers    *buckets                  // per known wallet
	known      *expiring[common.Address] // wallets seen on a task
	nonces     *expiring[nonceKey]       // recent signatures
	uploads    chan struct{}             // a token per result upload being read
}

// nonceKey is a signature's identity for refusing replays.
type nonceKey struct {
	signer common.Address
	nonce  string
}

// Option configures a Server.
type Option func(*Server)

// WithHosts names the hosts (host[:port], as clients' base URLs have
// them) the relay answers to; a request signed for another is refused.
// Without it, a request must be signed for the host of its Host header,
// which whoever replays a request chooses: name the hosts of a public
// relay.
func WithHosts(hosts ...string) Option {
	return func(s *Server) {
		for _, h := range hosts {
			if h = NormalizeHost(h); h != "" {
				s.hosts = append(s.hosts, h)
			}
		}
	}
}

// NewServer returns a relay storing payloads under dir.
func NewServer(tasks Tasks, dir string, limits Limits, log *slog.Logger, opts ...Option) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limits, err := limits.withDefaults()
	if err != nil {
		return nil, err
	}
	n := tasks.Network()
	if n == nil || n.ChainID == nil || n.ChainID.ToInt().Sign() <= 0 {
		return nil, errors.New("relay: the network names no chain id")
	}
	if err := os.MkdirAll(filepath.Join(dir, "tasks"), 0o700); err != nil {
		return nil, err
	}
	s := &Server{
		tasks: tasks, dir: dir, limits: limits, log: log, now: time.Now,
		chainID:    new(big.Int).Set(n.ChainID.ToInt()),
		unknown:    newBuckets(limits.UnknownPerSecond, limits.UnknownBurst, limits.MaxClients),
		unknownAll: newBuckets(limits.UnknownTotalPerSecond, limits.UnknownTotalBurst, 1),
		signers:    newBuckets(limits.SignerPerSecond, limits.SignerBurst, limits.MaxClients),
		known:      newExpiring[common.Address](limits.MaxClients),
		nonces:     newExpiring[nonceKey](limits.MaxNonces),
		uploads:    make(chan struct{}, limits.MaxUploads),
	}
	for _, o := range opts {
		o(s)
	}
	s.auth = verifier{chainID: s.chainID.String(), hostOK: s.hostOK}
	return s, nil
}

// hostOK reports whether a request that reached the relay as reqHost may
// have been signed for host.
func (s *Server) hostOK(host, reqHost string) bool {
	if len(s.hosts) == 0 {
		return host == reqHost
	}
	return slices.Contains(s.hosts, host)
}

// HTTPServer returns an http.Server for the relay's API with the limits'
// timeouts and header size. Serve it on LimitListener(ln).
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.limits.ReadHeaderTimeout,
		ReadTimeout:       s.limits.ReadTimeout,
		WriteTimeout:      s.limits.WriteTimeout,
		IdleTimeout:       s.limits.IdleTimeout,
		MaxHeaderBytes:    s.limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// LimitListener returns ln accepting at most Limits.MaxConns connections
// at once; more wait in the kernel's backlog.
func (s *Server) LimitListener(ln net.Listener) net.Listener {
	return netutil.LimitListener(ln, s.limits.MaxConns)
}

// Error codes of the JSON errors the relay answers with.
const (
	CodeBadRequest   = "bad_request"
	CodeNoSignature  = "no_signature"
	CodeBadSignature = "bad_signature"
	CodeStale        = "stale_timestamp"
	CodeWrongRelay   = "wrong_relay"
	CodeReplay       = "replayed"
	CodeForbidden    = "forbidden"
	CodeUnknownTask  = "unknown_task"
	CodeNotFound     = "not_found"
	CodeHashMismatch = "hash_mismatch"
	CodeTooLarge     = "too_large"
	CodeFeeTooLow    = "fee_too_low"
	CodeRateLimited  = "rate_limited"
	CodeBusy         = "busy"
	CodeNotReady     = "not_ready"
	CodeChain        = "chain_unavailable"
	CodeInternal     = "internal"
)

// Error is the relay's answer to a bad request.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// RetryAfter is when to try again (429 and 503; the Retry-After header).
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string { return fmt.Sprintf("relay: %s (%d %s)", e.Message, e.Status, e.Code) }

func fail(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Handler returns the HTTP API:
//
//	PUT /v1/tasks/{id}/args     the creator stores the arguments
//	GET /v1/tasks/{id}/args     the creator or a selected node reads them
//	PUT /v1/tasks/{id}/result   a paid node stores the result bundle
//	GET /v1/tasks/{id}/result   the creator reads it
//	GET /v1/models/{hash}       anyone reads the model ID behind a hash
//	GET /v1/health              the relay's protocol and chain id
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, Health{Status: "ok", Protocol: protocol, ChainID: s.chainID.String()})
	})
	mux.Handle("PUT /v1/tasks/{id}/args", s.handle(route{limit: s.limits.MaxArgs, authorize: s.mayPutArgs, serve: s.putArgs}))
	mux.Handle("GET /v1/tasks/{id}/args", s.handle(route{authorize: s.mayGetArgs, serve: s.getArgs}))
	mux.Handle("PUT /v1/tasks/{id}/result", s.handle(route{limit: s.limits.MaxResult, upload: true, authorize: s.mayPutResult, serve: s.putResult}))
	mux.Handle("GET /v1/tasks/{id}/result", s.handle(route{download: true, authorize: s.mayGetResult, serve: s.getResult}))
	mux.HandleFunc("GET /v1/models/{hash}", s.getModel)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fail(http.StatusNotFound, CodeNotFound, "no such endpoint: %s %s", r.Method, truncate(r.URL.Path)))
	})
	return mux
}

// Health is the answer of GET /v1/health.
type Health struct {
	Status   string `json:"status"`
	Protocol string `json:"protocol"`
	ChainID  string `json:"chain_id"` // decimal
}

// request is a signed, parsed request.
type request struct {
	id     uint64
	signer common.Address
	body   []byte // read once authorised
	task   chain.TaskInfo
}

// route is one signed endpoint.
type route struct {
	limit     int64                 // bytes of body
	upload    bool                  // a result upload: waits for a slot, gets TransferTimeout to arrive
	download  bool                  // a result download: gets TransferTimeout to leave
	authorize func(*request) *Error // before the body is read
	serve     func(context.Context, *request) ([]byte, int, *Error)
}

// handle checks, cheapest first, the task id, the declared size, the
// signature, the client's rate, the nonce, then loads the task from the
// chain and authorises the signer; only then does it read at most
// rt.limit bytes of body, check them against the signed hash and serve.
func (s *Server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := parseID(r.PathValue("id"))
		if err != nil {
			writeError(w, fail(http.StatusBadRequest, CodeBadRequest, "task id %q is not a task number", truncate(r.PathValue("id"))))
			return
		}
		if r.ContentLength > rt.limit {
			writeError(w, tooLarge(r.ContentLength, rt.limit))
			return
		}
		now := s.now()
		sig, err := s.auth.verify(r.Header.Get, r.Host, r.Method, r.URL.Path, now)
		if err != nil {
			code := CodeBadSignature
			switch {
			case errors.Is(err, ErrNoSignature):
				code = CodeNoSignature
			case errors.Is(err, ErrStale):
				code = CodeStale
			case errors.Is(err, ErrWrongRelay):
				code = CodeWrongRelay
			}
			writeError(w, fail(http.StatusUnauthorized, code, "%v", err))
			return
		}
		if herr := s.admit(sig.signer, r.RemoteAddr, now); herr != nil {
			writeError(w, herr)
			return
		}
		switch added, room := s.nonces.add(nonceKey{sig.signer, sig.nonce}, sig.ts.Add(MaxSkew+time.Second), now); {
		case !room:
			writeError(w, busy("too many requests in the last %s", 2*MaxSkew))
			return
		case !added:
			writeError(w, fail(http.StatusUnauthorized, CodeReplay, "%v (nonce %s)", ErrReplay, sig.nonce))
			return
		}
		task, err := s.tasks.Task(r.Context(), id)
		if err != nil {
			s.log.Warn("relay: chain read failed", "task", id, "err", err)
			writeError(w, fail(http.StatusBadGateway, CodeChain, "cannot read task %d from the chain", id))
			return
		}
		if task.State == chain.TaskNone {
			writeError(w, fail(http.StatusNotFound, CodeUnknownTask, "task %d does not exist", id))
			return
		}
		if sig.signer == task.Creator || slices.Contains(task.Nodes[:], sig.signer) {
			s.known.add(sig.signer, now.Add(knownFor), now)
		}
		req := &request{id: id, signer: sig.signer, task: task}
		if herr := rt.authorize(req); herr != nil {
			writeError(w, herr)
			return
		}
		rc := http.NewResponseController(w)
		if rt.upload {
			if herr := s.uploadSlot(r.Context()); herr != nil {
				writeError(w, herr)
				return
			}
			defer func() { <-s.uploads }()
			_ = rc.SetReadDeadline(time.Now().Add(s.limits.TransferTimeout))
		}
		if req.body, err = readBody(w, r, rt.limit); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, tooLarge(-1, rt.limit))
				return
			}
			writeError(w, fail(http.StatusBadRequest, CodeBadRequest, "reading the body: %v", err))
			return
		}
		if ArgsHash(req.body) != sig.bodySum {
			writeError(w, fail(http.StatusUnauthorized, CodeBadSignature, "%v: the body does not hash to its signed hash", ErrBadSignature))
			return
		}
		out, status, herr := rt.serve(r.Context(), req)
		if herr != nil {
			writeError(w, herr)
			return
		}
		s.log.Info("relay", "method", r.Method, "path", r.URL.Path, "signer", sig.signer, "bytes", len(req.body)+len(out))
		if out == nil {
			w.WriteHeader(status)
			return
		}
		if rt.download {
			_ = rc.SetWriteDeadline(time.Now().Add(s.limits.TransferTimeout))
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(status)
		_, _ = w.Write(out)
	})
}

// readBody reads at most limit bytes of r's body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength > 0 { // at most limit, checked: one allocation
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(body)
}

func tooLarge(n, limit int64) *Error {
	if n >= 0 {
		return fail(http.StatusRequestEntityTooLarge, CodeTooLarge, "the body is %d bytes; this endpoint takes at most %d", n, limit)
	}
	return fail(http.StatusRequestEntityTooLarge, CodeTooLarge, "the body exceeds %d bytes", limit)
}

func busy(format string, args ...any) *Error {
	e := fail(http.StatusServiceUnavailable, CodeBusy, "the relay is busy: "+format, args...)
	e.RetryAfter = time.Second
	return e
}

// admit takes a token for a request by signer from remote: from the
// wallet's bucket if the relay has seen it on a task, else from the
// client address's bucket shared by all the wallets it has not seen
// there, and from the one bucket of all those requests.
func (s *Server) admit(signer common.Address, remote string, now time.Time) *Error {
	var ok bool
	var wait time.Duration
	if s.known.has(signer, now) {
		ok, wait = s.signers.allow(signer.Hex(), now)
	} else if ok, wait = s.unknown.allow(clientKey(remote), now); ok {
		ok, wait = s.unknownAll.allow("", now)
	}
	if ok {
		return nil
	}
	s.log.Debug("relay: rate limited", "signer", signer)
	e := fail(http.StatusTooManyRequests, CodeRateLimited, "too many requests; try again in %s", wait.Round(time.Millisecond))
	e.RetryAfter = wait
	return e
}

// clientKey is the rate-limit key of a client address: its IP, or for
// IPv6 its /64, which one subscriber usually has whole.
func clientKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if ip = ip.Unmap(); ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// uploadSlot waits up to UploadWait for a result upload's slot.
func (s *Server) uploadSlot(ctx context.Context) *Error {
	select {
	case s.uploads <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.limits.UploadWait)
	defer t.Stop()
	select {
	case s.uploads <- struct{}{}:
		return nil
	case <-t.C:
		return busy("%d result uploads in progress", s.limits.MaxUploads)
	case <-ctx.Done():
		return busy("the request ended while waiting")
	}
}

// parseID accepts a decimal task number and nothing else: no signs, no
// leading zeros, no path tricks.
func parseID(s string) (uint64, error) {
	if s == "" || len(s) > 20 || (len(s) > 1 && s[0] == '0') {
		return 0, errors.New("bad id")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("bad id")
		}
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, errors.New("bad id")
	}
	return id, nil
}

func (s *Server) mayPutArgs(r *request) *Error {
	if r.signer != r.task.Creator {
		return fail(http.StatusForbidden, CodeForbidden, "only the task's creator may store its arguments")
	}
	return nil
}

func (s *Server) putArgs(ctx context.Context, r *request) ([]byte, int, *Error) {
	spec, creator, err := s.tasks.TaskSpec(ctx, r.id)
	if err != nil {
		return nil, 0, fail(http.StatusBadGateway, CodeChain, "cannot read task %d's spec from the chain", r.id)
	}
	if r.signer != creator {
		return nil, 0, fail(http.StatusForbidden, CodeForbidden, "only the task's creator may store its arguments")
	}
	if got := ArgsHash(r.body); got != spec.ArgsHash {
		return nil, 0, fail(http.StatusConflict, CodeHashMismatch, "the arguments hash to %s; the chain records %s", got, spec.ArgsHash)
	}
	if herr := s.checkFee(r, int64(len(r.body))+max(s.size(r.id, "result"), 0)); herr != nil {
		return nil, 0, herr
	}
	return s.store(r, "args", r.body, func() { s.learnModels(r.body, spec) })
}

// store keeps data as the task's name unless it is stored already: the
// chain's hash fixes a payload's content, so a second store changes
// nothing, and in particular not when the task's payloads expire.
func (s *Server) store(r *request, name string, data []byte, stored func()) ([]byte, int, *Error) {
	if s.size(r.id, name) >= 0 {
		return nil, http.StatusOK, nil
	}
	if err := s.write(r.id, name, data); err != nil {
		return nil, 0, s.internal(err)
	}
	if stored != nil {
		stored()
	}
	return nil, http.StatusCreated, nil
}

// size is the size of a task's stored payload, -1 if there is none.
func (s *Server) size(id uint64, name string) int64 {
	fi, err := os.Stat(filepath.Join(s.taskDir(id), name))
	if err != nil {
		return -1
	}
	return fi.Size()
}

// checkFee refuses to keep n bytes (in all) for a task whose fee does not
// pay MinFeePerMiB per started MiB.
func (s *Server) checkFee(r *request, n int64) *Error {
	per := s.limits.MinFeePerMiB
	if per.Sign() == 0 {
		return nil
	}
	mib := (max(n, 0) + 1<<20 - 1) >> 20
	need := new(big.Int).Mul(per, big.NewInt(mib))
	fee := r.task.Fee
	if fee == nil {
		fee = new(big.Int)
	}
	if fee.Cmp(need) < 0 {
		return fail(http.StatusPaymentRequired, CodeFeeTooLow, "task %d's fee of %s wei does not pay for keeping %d MiB here: that takes %s wei (%s wei per MiB)", r.id, fee, mib, need, per)
	}
	return nil
}

// learnModels keeps the model IDs the arguments name whose hashes the
// task's spec lists: the names behind the chain's model hashes, which a
// node the network asks to download a model looks up (GET /v1/models).
// The chain's hash vouches for each name; arguments that do not parse
// teach nothing (the nodes will refuse the task).
func (s *Server) learnModels(args []byte, spec chain.Spec) {
	a, err := engine.ParseArgs(args)
	if err != nil {
		return
	}
	for _, id := range a.ModelIDs() {
		h := chain.ModelHash(id)
		if _, err := models.ParseID(id); err != nil || !slices.Contains(spec.Models, h) {
			continue
		}
		p := filepath.Join(s.dir, "models", h.Hex())
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			s.log.Warn("relay: keeping a model name failed", "err", err)
			return
		}
		if err := atomicfile.Write(p, []byte(id), 0o600); err != nil {
			s.log.Warn("relay: keeping a model name failed", "err", err)
		}
	}
}

// ModelName is the answer of GET /v1/models/{hash}.
type ModelName struct {
	ID string `json:"id"`
}

// getModel answers the model ID behind a chain's model hash. Anyone may
// ask: a model ID is no secret, and the hash checks it.
func (s *Server) getModel(w http.ResponseWriter, r *http.Request) {
	h := r.PathValue("hash")
	if len(h) != 66 || !strings.HasPrefix(h, "0x") || strings.Trim(h[2:], "0123456789abcdefABCDEF") != "" {
		writeError(w, fail(http.StatusBadRequest, CodeBadRequest, "%q is not a model hash (0x and 64 hex digits)", h))
		return
	}
	b, err := os.ReadFile(filepath.Join(s.dir, "models", common.HexToHash(h).Hex()))
	if errors.Is(err, os.ErrNotExist) {
		writeError(w, fail(http.StatusNotFound, CodeNotFound, "no task has named the model %s yet", h))
		return
	}
	if err != nil {
		writeError(w, s.internal(err))
		return
	}
	writeJSON(w, http.StatusOK, ModelName{ID: string(b)})
}

func (s *Server) mayGetArgs(r *request) *Error {
	allowed := r.signer == r.task.Creator
	for _, n := range r.task.Nodes {
		allowed = allowed || (n == r.signer && n != common.Address{})
	}
	if !allowed {
		return fail(http.StatusForbidden, CodeForbidden, "only the task's creator and its nodes may read its arguments")
	}
	return nil
}

func (s *Server) getArgs(_ context.Context, r *request) ([]byte, int, *Error) {
	return s.read(r.id, "args")
}

func (s *Server) mayPutResult(r *request) *Error {
	slot := -1
	for i, n := range r.task.Nodes {
		if n == r.signer && r.task.Honest&(1<<i) != 0 {
			slot = i
		}
	}
	if slot < 0 {
		return fail(http.StatusForbidden, CodeForbidden, "only a node paid for task %d may store its results", r.id)
	}
	if r.task.State != chain.TaskDone {
		return fail(http.StatusConflict, CodeNotReady, "task %d has no result hash on chain yet (state %s)", r.id, r.task.State)
	}
	return nil
}

func (s *Server) putResult(_ context.Context, r *request) ([]byte, int, *Error) {
	files, err := DecodeBundle(r.body, s.limits.MaxFiles)
	if err != nil {
		if errors.Is(err, ErrBundleTooLarge) {
			return nil, 0, fail(http.StatusRequestEntityTooLarge, CodeTooLarge, "%v", err)
		}
		return nil, 0, fail(http.StatusBadRequest, CodeBadRequest, "%v", err)
	}
	if got := ResultHash(files); got != r.task.ResultHash {
		return nil, 0, fail(http.StatusConflict, CodeHashMismatch, "the results hash to %s; the chain records %s", got, r.task.ResultHash)
	}
	canonical, err := EncodeBundle(files)
	if err != nil {
		return nil, 0, s.internal(err)
	}
	if herr := s.checkFee(r, int64(len(canonical))+max(s.size(r.id, "args"), 0)); herr != nil {
		return nil, 0, herr
	}
	return s.store(r, "result", canonical, nil)
}

func (s *Server) mayGetResult(r *request) *Error {
	if r.signer != r.task.Creator {
		return fail(http.StatusForbidden, CodeForbidden, "only the task's creator may read its results")
	}
	return nil
}

func (s *Server) getResult(_ context.Context, r *request) ([]byte, int, *Error) {
	return s.read(r.id, "result")
}

func (s *Server) taskDir(id uint64) string {
	return filepath.Join(s.dir, "tasks", strconv.FormatUint(id, 10))
}

// write stores data atomically: a reader sees the old file or the new one.
func (s *Server) write(id uint64, name string, data []byte) error {
	dir := s.taskDir(id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, name), data, 0o600)
}

func (s *Server) read(id uint64, name string) ([]byte, int, *Error) {
	b, err := os.ReadFile(filepath.Join(s.taskDir(id), name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fail(http.StatusNotFound, CodeNotFound, "task %d has no %s yet", id, name)
	}
	if err != nil {
		return nil, 0, s.internal(err)
	}
	return b, http.StatusOK, nil
}

func (s *Server) internal(err error) *Error {
	s.log.Error("relay: storage failed", "err", err)
	return fail(http.StatusInternalServerError, CodeInternal, "the relay could not store or read the payload")
}

// RunJanitor deletes the payloads of tasks older than the retention period,
// checking every tenth of it (at least every minute), until ctx ends.
func (s *Server) RunJanitor(ctx context.Context) error {
	every := max(min(s.limits.Retention/10, time.Hour), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(); err != nil {
			s.log.Warn("relay: sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sweep deletes the task directories whose first payload was stored
// longer than the retention period ago, once, and returns how many.
func (s *Server) Sweep() (int, error) {
	root := filepath.Join(s.dir, "tasks")
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	cutoff := s.now().Add(-s.limits.Retention)
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if first, ok := firstStored(dir); !ok || first.After(cutoff) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// firstStored is when the first payload in a task's directory was
// stored: the oldest time of the directory and its files, which are
// written once.
func firstStored(dir string) (time.Time, bool) {
	info, err := os.Stat(dir)
	if err != nil {
		return time.Time{}, false
	}
	first := info.ModTime()
	files, err := os.ReadDir(dir)
	if err != nil {
		return time.Time{}, false
	}
	for _, f := range files {
		if fi, err := f.Info(); err == nil && fi.ModTime().Before(first) {
			first = fi.ModTime()
		}
	}
	return first, true
}

func writeError(w http.ResponseWriter, e *Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
