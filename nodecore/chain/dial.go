package chain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// DefaultMaxResponse bounds one answer of a JSON-RPC endpoint (over HTTP
// or WebSocket): a block range of the protocol's logs fits many times
// over, an endpoint streaming without end does not.
const DefaultMaxResponse = 64 << 20

// ErrResponseTooLarge is an endpoint's answer over the bound.
var ErrResponseTooLarge = errors.New("chain: the RPC endpoint's answer is too large")

// Dial connects to a JSON-RPC endpoint (http, ws or an IPC path) with
// every answer bounded by DefaultMaxResponse.
func Dial(ctx context.Context, rawurl string) (*ethclient.Client, error) {
	return DialLimit(ctx, rawurl, DefaultMaxResponse)
}

// DialLimit is Dial with answers bounded by max bytes.
func DialLimit(ctx context.Context, rawurl string, max int64) (*ethclient.Client, error) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	c, err := rpc.DialOptions(ctx, rawurl,
		rpc.WithHTTPClient(&http.Client{Transport: limitTransport{next: base, max: max}}),
		rpc.WithWebsocketMessageSizeLimit(max))
	if err != nil {
		return nil, err
	}
	return ethclient.NewClient(c), nil
}

// limitTransport bounds every response body it carries.
type limitTransport struct {
	next http.RoundTripper
	max  int64
}

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrResponseTooLarge, resp.ContentLength, t.max)
	}
	resp.Body = &limitBody{r: resp.Body, left: t.max}
	return resp, nil
}

// limitBody fails a read past its bound instead of truncating silently.
type limitBody struct {
	r    io.ReadCloser
	left int64
}

func (b *limitBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body that ends exactly at the bound
		// from one that goes on.
		var one [1]byte
		if n, _ := b.r.Read(one[:]); n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitBody) Close() error { return b.r.Close() }
