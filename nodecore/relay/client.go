package relay

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// Client talks to a relay as one wallet.
type Client struct {
	base string
	key  *ecdsa.PrivateKey
	// HTTP is the client requests go through (http.DefaultClient if nil).
	HTTP *http.Client
	// MaxResponse bounds what a read accepts.
	MaxResponse int64
	now         func() time.Time
}

// NewClient returns a client of the relay at baseURL signing with key.
func NewClient(baseURL string, key *ecdsa.PrivateKey) *Client {
	return &Client{base: strings.TrimRight(baseURL, "/"), key: key, MaxResponse: DefaultLimits.MaxResult, now: time.Now}
}

func taskPath(id uint64, what string) string {
	return "/v1/tasks/" + strconv.FormatUint(id, 10) + "/" + what
}

// PutArgs stores a task's arguments; they must hash to the task's ArgsHash.
func (c *Client) PutArgs(ctx context.Context, id uint64, args []byte) error {
	_, err := c.do(ctx, http.MethodPut, taskPath(id, "args"), args)
	return err
}

// GetArgs reads a task's arguments. The caller checks them against the
// chain (ArgsHash) before use: the relay is not trusted.
func (c *Client) GetArgs(ctx context.Context, id uint64) ([]byte, error) {
	return c.do(ctx, http.MethodGet, taskPath(id, "args"), nil)
}

// PutResult stores a task's result files; their ResultHash must be on chain.
func (c *Client) PutResult(ctx context.Context, id uint64, files [][]byte) error {
	b, err := EncodeBundle(files)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPut, taskPath(id, "result"), b)
	return err
}

// GetResult reads a task's result files.
func (c *Client) GetResult(ctx context.Context, id uint64) ([][]byte, error) {
	b, err := c.do(ctx, http.MethodGet, taskPath(id, "result"), nil)
	if err != nil {
		return nil, err
	}
	return DecodeBundle(b, DefaultLimits.MaxFiles)
}

// ModelID asks the relay for the model ID behind a chain's model hash,
// and checks that the ID hashes to it.
func (c *Client) ModelID(ctx context.Context, h common.Hash) (string, error) {
	b, err := c.do(ctx, http.MethodGet, "/v1/models/"+h.Hex(), nil)
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

func (c *Client) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hdr, err := Sign(c.key, method, path, c.now(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.MaxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("relay: reading the answer: %w", err)
	}
	if int64(len(data)) > c.MaxResponse {
		return nil, fmt.Errorf("relay: answer larger than %d bytes", c.MaxResponse)
	}
	if resp.StatusCode >= 300 {
		var wrapped struct {
			Error *Error `json:"error"`
		}
		if json.Unmarshal(data, &wrapped) == nil && wrapped.Error != nil {
			wrapped.Error.Status = resp.StatusCode
			return nil, wrapped.Error
		}
		return nil, &Error{Status: resp.StatusCode, Code: CodeInternal, Message: http.StatusText(resp.StatusCode)}
	}
	return data, nil
}
