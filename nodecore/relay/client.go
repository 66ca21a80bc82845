package relay

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Client talks to a relay as one wallet.
type Client struct {
	base string
	host string // the relay's host, which signatures name
	key  *ecdsa.PrivateKey
	// HTTP is the client requests go through (http.DefaultClient if nil).
	HTTP *http.Client
	// MaxResponse bounds what a read of arguments or results accepts.
	MaxResponse int64
	// ChainID is the chain the client signs for. If nil, the client asks
	// the relay once (GET /v1/health): set it from the network file so
	// that a relay of another chain is refused.
	ChainID *big.Int
	now     func() time.Time

	mu     sync.Mutex // guards learnt
	learnt *big.Int   // the chain id the relay told, when ChainID is nil
}

// NewClient returns a client of the relay at baseURL signing with key.
func NewClient(baseURL string, key *ecdsa.PrivateKey) *Client {
	base := strings.TrimRight(baseURL, "/")
	var host string
	if u, err := url.Parse(base); err == nil {
		host = NormalizeHost(u.Host)
	}
	return &Client{base: base, host: host, key: key, MaxResponse: DefaultLimits.MaxResult, now: time.Now}
}

func taskPath(id uint64, what string) string {
	return "/v1/tasks/" + strconv.FormatUint(id, 10) + "/" + what
}

// maxSmallAnswer bounds the answers that are JSON: health, model names.
const maxSmallAnswer = 64 << 10

// Retries of a request the relay answered 429 or 503: at most
// maxAttempts in all, waiting what Retry-After says up to maxRetryWait.
const (
	maxAttempts  = 3
	maxRetryWait = 10 * time.Second
)

// PutArgs stores a task's arguments; they must hash to the task's ArgsHash.
func (c *Client) PutArgs(ctx context.Context, id uint64, args []byte) error {
	_, err := c.do(ctx, http.MethodPut, taskPath(id, "args"), args, c.MaxResponse)
	return err
}

// GetArgs reads a task's arguments. The caller checks them against the
// chain (ArgsHash) before use: the relay is not trusted.
func (c *Client) GetArgs(ctx context.Context, id uint64) ([]byte, error) {
	return c.do(ctx, http.MethodGet, taskPath(id, "args"), nil, c.MaxResponse)
}

// PutResult stores a task's result files; their ResultHash must be on chain.
func (c *Client) PutResult(ctx context.Context, id uint64, files [][]byte) error {
	b, err := EncodeBundle(files)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPut, taskPath(id, "result"), b, c.MaxResponse)
	return err
}

// GetResult reads a task's result files. A bundle that is not plain
// files within its own size is refused (ErrBadBundle, ErrBundleSparse,
// ErrBundleTooLarge).
func (c *Client) GetResult(ctx context.Context, id uint64) ([][]byte, error) {
	b, err := c.do(ctx, http.MethodGet, taskPath(id, "result"), nil, c.MaxResponse)
	if err != nil {
		return nil, err
	}
	files, err := DecodeBundle(b, DefaultLimits.MaxFiles)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	return files, nil
}

// ModelID asks the relay for the model ID behind a chain's model hash,
// and checks that the ID hashes to it.
func (c *Client) ModelID(ctx context.Context, h common.Hash) (string, error) {
	b, err := c.get(ctx, "/v1/models/"+h.Hex())
	if err != nil {
		return "", err
	}
	var m ModelName
	if err := json.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("relay: the model name is not JSON: %w", err)
	}
	if _, err := models.ParseID(m.ID); err != nil {
		return "", fmt.Errorf("relay: %w", err)
	}
	if chain.ModelHash(m.ID) != h {
		return "", fmt.Errorf("relay: the model name %q does not hash to %s", m.ID, h)
	}
	return m.ID, nil
}

// chainID is the chain the client signs for.
func (c *Client) chainID(ctx context.Context) (*big.Int, error) {
	if c.ChainID != nil {
		return c.ChainID, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.learnt != nil {
		return c.learnt, nil
	}
	b, err := c.get(ctx, "/v1/health")
	if err != nil {
		return nil, err
	}
	var h Health
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("relay: the health answer is not JSON: %w", err)
	}
	if h.Protocol != protocol {
		return nil, fmt.Errorf("relay: the relay speaks %q, not %s", truncate(h.Protocol), protocol)
	}
	id, ok := new(big.Int).SetString(h.ChainID, 10)
	if !ok || id.Sign() <= 0 {
		return nil, fmt.Errorf("relay: the relay names no chain id (%q)", truncate(h.ChainID))
	}
	c.learnt = id
	return id, nil
}

// get reads one of the relay's unsigned JSON answers.
func (c *Client) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	return c.send(req, maxSmallAnswer)
}

// do sends a signed request, again (signed anew) while the relay answers
// 429 or 503 with a Retry-After it can wait, and returns the answer.
func (c *Client) do(ctx context.Context, method, path string, body []byte, limit int64) ([]byte, error) {
	chainID, err := c.chainID(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		hdr, err := Sign(c.key, Scope{ChainID: chainID, Host: c.host}, method, path, c.now(), body)
		if err != nil {
			return nil, err
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		data, err := c.send(req, limit)
		var re *Error
		if attempt >= maxAttempts || !errors.As(err, &re) || re.RetryAfter <= 0 || re.RetryAfter > maxRetryWait {
			return data, err
		}
		t := time.NewTimer(re.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

// send sends req and reads at most limit bytes of answer.
func (c *Client) send(req *http.Request, limit int64) ([]byte, error) {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("relay: answer of %d bytes, larger than %d", resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("relay: reading the answer: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("relay: answer larger than %d bytes", limit)
	}
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode, Code: CodeInternal, Message: http.StatusText(resp.StatusCode)}
		var wrapped struct {
			Error *Error `json:"error"`
		}
		if json.Unmarshal(data, &wrapped) == nil && wrapped.Error != nil {
			e = wrapped.Error
			e.Status = resp.StatusCode
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
				e.RetryAfter = time.Duration(secs) * time.Second
			}
		}
		return nil, e
	}
	return data, nil
}
