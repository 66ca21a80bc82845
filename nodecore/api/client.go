package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/backoff"
)

// Client talks to the daemon. Its zero value needs only Socket; Dial
// replaces the transport in tests.
type Client struct {
	// Socket is the daemon's unix socket.
	Socket string
	// Dial, when set, opens the connection instead.
	Dial func(ctx context.Context) (net.Conn, error)

	hcOnce sync.Once    // guards the first set of hc
	hc     *http.Client // built on first use, shared by every goroutine
}

func (c *Client) http() *http.Client {
	c.hcOnce.Do(func() {
		c.hc = &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				if c.Dial != nil {
					return c.Dial(ctx)
				}
				return dial(ctx, c.Socket)
			},
			MaxIdleConns: 2, IdleConnTimeout: 30 * time.Second,
		}}
	})
	return c.hc
}

// base is the URL host for requests over the socket.
const base = "http://hydrogend"

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+Prefix+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readError(resp)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(out)
}

func readError(resp *http.Response) error {
	var e struct {
		Error *Error `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(b, &e) == nil && e.Error != nil {
		e.Error.Status = resp.StatusCode
		return e.Error
	}
	return &Error{Code: "api.http", Message: fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(b)), Status: resp.StatusCode}
}

// Status returns the daemon's snapshot.
func (c *Client) Status(ctx context.Context) (Status, error) {
	return call[Status](ctx, c, http.MethodGet, "/status", nil)
}

// ReportPresence sends the watcher's sample.
func (c *Client) ReportPresence(ctx context.Context, p Presence) error {
	return c.do(ctx, http.MethodPost, "/presence", p, nil)
}

// Control asks the daemon to pause, resume, earn now or quit.
func (c *Client) Control(ctx context.Context, ctl Control) error {
	return c.do(ctx, http.MethodPost, "/control", ctl, nil)
}

// Watch streams the status: the full snapshot first, then each change.
// It returns when the stream ends (the daemon stopped) or ctx ends.
func (c *Client) Watch(ctx context.Context, fn func(Status)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+Prefix+"/watch", nil)
	if err != nil {
		return err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readError(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Status == nil {
			return fmt.Errorf("api: bad watch event: %q", sc.Bytes())
		}
		fn(*ev.Status)
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return err
	}
	return io.EOF
}

// WatchForever keeps a watch open across daemon restarts: each time the
// stream ends or cannot open, it calls down (if set) and tries again
// after a pause that grows to max. It returns when ctx ends.
func (c *Client) WatchForever(ctx context.Context, fn func(Status), down func(error), max time.Duration) {
	delays := backoff.New(100*time.Millisecond, max)
	for ctx.Err() == nil {
		got := false
		err := c.Watch(ctx, func(s Status) { got = true; fn(s) })
		if ctx.Err() != nil {
			return
		}
		if down != nil {
			down(err)
		}
		if got {
			delays.Reset() // it was up: retry soon
		}
		if !delays.Sleep(ctx) {
			return
		}
	}
}

// call makes a request and decodes its answer as T.
func call[T any](ctx context.Context, c *Client, method, path string, in any) (T, error) {
	var out T
	err := c.do(ctx, method, path, in, &out)
	return out, err
}

// IsCode reports whether err is an API error with code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Earnings returns the last 24 hours by hour (by "hour") or the last 30
// days by day (by "day").
func (c *Client) Earnings(ctx context.Context, by string) ([]Bucket, error) {
	return call[[]Bucket](ctx, c, http.MethodGet, "/earnings?by="+url.QueryEscape(by), nil)
}

// Tasks returns the last limit tasks, newest first.
func (c *Client) Tasks(ctx context.Context, limit int) ([]Task, error) {
	return call[[]Task](ctx, c, http.MethodGet, "/tasks?limit="+strconv.Itoa(limit), nil)
}

// Account returns the last limit money movements (stake, withdrawals),
// newest first.
func (c *Client) Account(ctx context.Context, limit int) ([]AccountEntry, error) {
	return call[[]AccountEntry](ctx, c, http.MethodGet, "/account?limit="+strconv.Itoa(limit), nil)
}

// Totals returns the ledger's sums.
func (c *Client) Totals(ctx context.Context) (Totals, error) {
	return call[Totals](ctx, c, http.MethodGet, "/totals", nil)
}

// Settings returns the owner's settings.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	return call[Settings](ctx, c, http.MethodGet, "/settings", nil)
}

// PatchSettings changes the fields set in s and returns all settings.
func (c *Client) PatchSettings(ctx context.Context, s Settings) (Settings, error) {
	return call[Settings](ctx, c, http.MethodPatch, "/settings", s)
}

// Wallet returns the node's wallet: address, balance, fees owed, stake.
func (c *Client) Wallet(ctx context.Context) (Wallet, error) {
	return call[Wallet](ctx, c, http.MethodGet, "/wallet", nil)
}

// Logs returns the daemon's last lines of log, oldest first.
func (c *Client) Logs(ctx context.Context, lines int) ([]string, error) {
	return call[[]string](ctx, c, http.MethodGet, "/logs?lines="+strconv.Itoa(lines), nil)
}

// Network returns the chain and relay as the daemon sees them.
func (c *Client) Network(ctx context.Context) (Network, error) {
	return call[Network](ctx, c, http.MethodGet, "/network", nil)
}

// Models lists the model cache.
func (c *Client) Models(ctx context.Context) (Models, error) {
	return call[Models](ctx, c, http.MethodGet, "/models", nil)
}

// DeleteModel removes a model from the cache.
func (c *Client) DeleteModel(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/models?id="+url.QueryEscape(id), nil, nil)
}

// Withdraw asks what a withdrawal would do; nothing is sent until
// ConfirmWithdraw.
func (c *Client) Withdraw(ctx context.Context, w Withdraw) (WithdrawQuote, error) {
	return call[WithdrawQuote](ctx, c, http.MethodPost, "/wallet/withdraw", w)
}

// ConfirmWithdraw carries out a quote.
func (c *Client) ConfirmWithdraw(ctx context.Context, id string) (WithdrawDone, error) {
	return call[WithdrawDone](ctx, c, http.MethodPost, "/wallet/withdraw/confirm", Confirm{ID: id})
}

// WithdrawalAddress returns where withdrawals go and any change waiting
// for its delay.
func (c *Client) WithdrawalAddress(ctx context.Context) (WithdrawalAddress, error) {
	return call[WithdrawalAddress](ctx, c, http.MethodGet, "/wallet/address", nil)
}

// SetWithdrawalAddress sets the first withdrawal address, or asks for a
// change, which applies after the daemon's delay (the answer's Pending).
func (c *Client) SetWithdrawalAddress(ctx context.Context, address string) (WithdrawalAddress, error) {
	return call[WithdrawalAddress](ctx, c, http.MethodPut, "/wallet/address", SetWithdrawalAddress{Address: address})
}

// CancelAddressChange drops a pending change of the withdrawal address;
// withdrawals keep going to the current one.
func (c *Client) CancelAddressChange(ctx context.Context) (WithdrawalAddress, error) {
	return call[WithdrawalAddress](ctx, c, http.MethodDelete, "/wallet/address/pending", nil)
}

// OfferBackup asks for a one-time confirmation to back the wallet up.
func (c *Client) OfferBackup(ctx context.Context) (BackupOffer, error) {
	return call[BackupOffer](ctx, c, http.MethodPost, "/wallet/backup", struct{}{})
}

// ConfirmBackup hands out the wallet, encrypted under passphrase, against
// an offer.
func (c *Client) ConfirmBackup(ctx context.Context, id, passphrase string) (WalletBackup, error) {
	return call[WalletBackup](ctx, c, http.MethodPost, "/wallet/backup/confirm", BackupConfirm{ID: id, Passphrase: passphrase})
}

// BackupWallet is OfferBackup then ConfirmBackup: the owner's "Back up
// wallet" in one call.
func (c *Client) BackupWallet(ctx context.Context, passphrase string) (WalletBackup, error) {
	o, err := c.OfferBackup(ctx)
	if err != nil {
		return WalletBackup{}, err
	}
	return c.ConfirmBackup(ctx, o.ID, passphrase)
}

// Setup returns what the daemon still needs before it can run.
func (c *Client) Setup(ctx context.Context) (SetupState, error) {
	return call[SetupState](ctx, c, http.MethodGet, "/setup", nil)
}

// SetupWallet creates or imports the node's wallet.
func (c *Client) SetupWallet(ctx context.Context, w WalletSetup) (SetupState, error) {
	return call[SetupState](ctx, c, http.MethodPost, "/setup/wallet", w)
}

// SetupNetwork chooses the network.
func (c *Client) SetupNetwork(ctx context.Context, n NetworkSetup) (SetupState, error) {
	return call[SetupState](ctx, c, http.MethodPost, "/setup/network", n)
}

// StartNode starts the node once set up.
func (c *Client) StartNode(ctx context.Context) (SetupState, error) {
	return call[SetupState](ctx, c, http.MethodPost, "/setup/start", nil)
}

// Doctor runs the daemon's checks of this machine.
func (c *Client) Doctor(ctx context.Context) ([]Check, error) {
	return call[[]Check](ctx, c, http.MethodGet, "/doctor", nil)
}

// AsError finds the API error in err's chain.
func AsError(err error, target **Error) bool { return errors.As(err, target) }

// FindSocket returns the first of the data directories' sockets that
// exists (a daemon may be listening), else the first one's.
func FindSocket(dataDirs []string) string {
	for _, d := range dataDirs {
		p := DefaultSocket(d)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if len(dataDirs) == 0 {
		return ""
	}
	return DefaultSocket(dataDirs[0])
}
