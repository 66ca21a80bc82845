package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Tasks is what the relay reads from the chain; *chain.Client has it.
type Tasks interface {
	Task(ctx context.Context, id uint64) (chain.TaskInfo, error)
	TaskSpec(ctx context.Context, id uint64) (chain.Spec, common.Address, error)
}

// Limits bound what the relay accepts and keeps.
type Limits struct {
	MaxArgs   int64         // bytes of one task's arguments
	MaxResult int64         // bytes of one result bundle
	MaxFiles  int           // files in one result bundle
	Retention time.Duration // how long a task's payloads are kept
}

// DefaultLimits: 1 MiB of arguments, 64 MiB and 16 files of results,
// kept for 7 days.
var DefaultLimits = Limits{MaxArgs: 1 << 20, MaxResult: 64 << 20, MaxFiles: 16, Retention: 7 * 24 * time.Hour}

// Server is the relay's HTTP API.
type Server struct {
	tasks  Tasks
	dir    string
	limits Limits
	log    *slog.Logger
	now    func() time.Time
}

// NewServer returns a relay storing payloads under dir.
func NewServer(tasks Tasks, dir string, limits Limits, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tasks"), 0o700); err != nil {
		return nil, err
	}
	return &Server{tasks: tasks, dir: dir, limits: limits, log: log, now: time.Now}, nil
}

// Error codes of the JSON errors the relay answers with.
const (
	CodeBadRequest   = "bad_request"
	CodeNoSignature  = "no_signature"
	CodeBadSignature = "bad_signature"
	CodeStale        = "stale_timestamp"
	CodeForbidden    = "forbidden"
	CodeUnknownTask  = "unknown_task"
	CodeNotFound     = "not_found"
	CodeHashMismatch = "hash_mismatch"
	CodeTooLarge     = "too_large"
	CodeNotReady     = "not_ready"
	CodeChain        = "chain_unavailable"
	CodeInternal     = "internal"
)

// Error is the relay's answer to a bad request.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
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
//	GET /v1/health
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("PUT /v1/tasks/{id}/args", s.handle(s.limits.MaxArgs, s.putArgs))
	mux.Handle("GET /v1/tasks/{id}/args", s.handle(0, s.getArgs))
	mux.Handle("PUT /v1/tasks/{id}/result", s.handle(s.limits.MaxResult, s.putResult))
	mux.Handle("GET /v1/tasks/{id}/result", s.handle(0, s.getResult))
	mux.HandleFunc("GET /v1/models/{hash}", s.getModel)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fail(http.StatusNotFound, CodeNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// request is a signed, parsed request.
type request struct {
	id     uint64
	signer common.Address
	body   []byte
	task   chain.TaskInfo
}

// handle reads at most limit bytes of body, checks the signature and the
// task id, loads the task from the chain and calls h.
func (s *Server) handle(limit int64, h func(context.Context, *request) ([]byte, int, *Error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := parseID(r.PathValue("id"))
		if err != nil {
			writeError(w, fail(http.StatusBadRequest, CodeBadRequest, "task id %q is not a task number", r.PathValue("id")))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max(limit, 0)))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, fail(http.StatusRequestEntityTooLarge, CodeTooLarge, "the body exceeds %d bytes", limit))
				return
			}
			writeError(w, fail(http.StatusBadRequest, CodeBadRequest, "reading the body: %v", err))
			return
		}
		signer, err := verify(r.Header.Get, r.Method, r.URL.Path, body, s.now())
		if err != nil {
			code := CodeBadSignature
			switch {
			case errors.Is(err, ErrNoSignature):
				code = CodeNoSignature
			case errors.Is(err, ErrStale):
				code = CodeStale
			}
			writeError(w, fail(http.StatusUnauthorized, code, "%v", err))
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
		out, status, herr := h(r.Context(), &request{id: id, signer: signer, body: body, task: task})
		if herr != nil {
			writeError(w, herr)
			return
		}
		s.log.Info("relay", "method", r.Method, "path", r.URL.Path, "signer", signer, "bytes", len(body)+len(out))
		if out == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(status)
		_, _ = w.Write(out)
	})
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
	if err := s.write(r.id, "args", r.body); err != nil {
		return nil, 0, s.internal(err)
	}
	s.learnModels(r.body, spec)
	return nil, http.StatusCreated, nil
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

func (s *Server) getArgs(_ context.Context, r *request) ([]byte, int, *Error) {
	allowed := r.signer == r.task.Creator
	for _, n := range r.task.Nodes {
		allowed = allowed || (n == r.signer && n != common.Address{})
	}
	if !allowed {
		return nil, 0, fail(http.StatusForbidden, CodeForbidden, "only the task's creator and its nodes may read its arguments")
	}
	return s.read(r.id, "args")
}

func (s *Server) putResult(_ context.Context, r *request) ([]byte, int, *Error) {
	slot := -1
	for i, n := range r.task.Nodes {
		if n == r.signer && r.task.Honest&(1<<i) != 0 {
			slot = i
		}
	}
	if slot < 0 {
		return nil, 0, fail(http.StatusForbidden, CodeForbidden, "only a node paid for task %d may store its results", r.id)
	}
	if r.task.State != chain.TaskDone {
		return nil, 0, fail(http.StatusConflict, CodeNotReady, "task %d has no result hash on chain yet (state %s)", r.id, r.task.State)
	}
	files, err := DecodeBundle(r.body, s.limits.MaxFiles)
	if err != nil {
		return nil, 0, fail(http.StatusBadRequest, CodeBadRequest, "%v", err)
	}
	if got := ResultHash(files); got != r.task.ResultHash {
		return nil, 0, fail(http.StatusConflict, CodeHashMismatch, "the results hash to %s; the chain records %s", got, r.task.ResultHash)
	}
	canonical, err := EncodeBundle(files)
	if err != nil {
		return nil, 0, s.internal(err)
	}
	if err := s.write(r.id, "result", canonical); err != nil {
		return nil, 0, s.internal(err)
	}
	return nil, http.StatusCreated, nil
}

func (s *Server) getResult(_ context.Context, r *request) ([]byte, int, *Error) {
	if r.signer != r.task.Creator {
		return nil, 0, fail(http.StatusForbidden, CodeForbidden, "only the task's creator may read its results")
	}
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

// Sweep deletes expired task directories once and returns how many.
func (s *Server) Sweep() (int, error) {
	root := filepath.Join(s.dir, "tasks")
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	cutoff := s.now().Add(-s.limits.Retention)
	n := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() || info.ModTime().After(cutoff) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func writeError(w http.ResponseWriter, e *Error) {
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
