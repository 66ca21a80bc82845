package devnet

import (
	"context"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestFaucetAndChain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := Start(ctx, Config{Dir: t.TempDir(), Peers: 0, MaxLead: 2 * time.Second, BlockPeriod: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	post := func(method, body string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, method, d.FaucetURL, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	k, _ := crypto.GenerateKey()
	addr := crypto.PubkeyToAddress(k.PublicKey)
	bad := []struct {
		name, method, body string
		status             int
		code               string
	}{
		{"GET", http.MethodGet, "", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"not JSON", http.MethodPost, "address=0x12", http.StatusBadRequest, "bad_request"},
		{"unknown field", http.MethodPost, `{"address":"` + addr.Hex() + `","amount":"1e30"}`, http.StatusBadRequest, "bad_request"},
		{"not an address", http.MethodPost, `{"address":"0x1234"}`, http.StatusBadRequest, "bad_address"},
		{"zero address", http.MethodPost, `{"address":"0x0000000000000000000000000000000000000000"}`, http.StatusBadRequest, "bad_address"},
		{"huge body", http.MethodPost, `{"address":"` + strings.Repeat("a", 5000) + `"}`, http.StatusBadRequest, "bad_request"},
	}
	for _, b := range bad {
		status, body := post(b.method, b.body)
		var e struct {
			Error struct{ Code, Message string }
		}
		if status != b.status || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != b.code || e.Error.Message == "" {
			t.Errorf("%s: %d %s, want %d %s", b.name, status, body, b.status, b.code)
		}
	}
	if bal, _ := d.Chain.BalanceAt(ctx, addr, nil); bal.Sign() != 0 {
		t.Fatalf("refused requests moved funds: %s", bal)
	}

	status, body := post(http.MethodPost, `{"address":"`+addr.Hex()+`"}`)
	if status != http.StatusOK {
		t.Fatalf("grant: %d %s", status, body)
	}
	var r FaucetReply
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Mul(d.Network.Params.Registry.MinStake, big.NewInt(5))
	if bal, _ := d.Chain.BalanceAt(ctx, addr, nil); bal.Cmp(want) != 0 || r.Amount != want.String() {
		t.Fatalf("granted %s (reply %s), want %s", bal, r.Amount, want)
	}
	if status, body := post(http.MethodPost, `{"address":"`+strings.ToLower(addr.Hex())+`"}`); status != http.StatusTooManyRequests || !strings.Contains(body, "too_soon") {
		t.Fatalf("second grant: %d %s", status, body)
	}

	// The chain keeps time: with no transactions, blocks still come every
	// period, and a burst of transactions never takes its clock more than
	// MaxLead ahead of the wall clock.
	// (Deploying ran the chain ahead: blocks wait until the wall clock
	// is within the lead again.)
	h1, _ := d.Chain.BlockNumber(ctx)
	time.Sleep(3 * time.Second)
	if h2, _ := d.Chain.BlockNumber(ctx); h2 < h1+2 {
		t.Fatalf("%d blocks in 3 s with a 200 ms period", h2-h1)
	}
	for i := range 8 {
		k, _ := crypto.GenerateKey()
		if status, body := post(http.MethodPost, `{"address":"`+crypto.PubkeyToAddress(k.PublicKey).Hex()+`"}`); status != http.StatusOK {
			t.Fatalf("grant %d: %d %s", i, status, body)
		}
		head, err := d.Chain.HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if lead := time.Until(time.Unix(int64(head.Time), 0)); lead > 3*time.Second {
			t.Fatalf("after %d transactions the chain is %s ahead (max lead 2 s)", i+1, lead)
		}
	}
	if d.Chain.HTTP == "" || !strings.HasPrefix(d.Chain.WS, "ws://127.0.0.1:") {
		t.Fatalf("endpoints %q %q", d.Chain.HTTP, d.Chain.WS)
	}
}
