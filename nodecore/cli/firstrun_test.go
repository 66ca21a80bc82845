package cli

import (
	"context"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// TestFirstRunThroughTheAPI starts `hydrogend run` with an empty data
// directory beside a devnet, as the desktop app finds it on a first run:
// the daemon waits with only its local API up; the wizard's steps (bad
// input first) create the wallet, choose the demo network, run doctor and
// start the node, which then joins, earns, and answers the dashboard's
// queries: network, models, metrics, and a confirmed withdrawal.
func TestFirstRunThroughTheAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and a hydrogend process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	data := t.TempDir()
	// A model already in the cache (not the network's bytes): the models
	// endpoint lists it.
	model := filepath.Join(data, "models", "checkpoints", "runwayml", "stable-diffusion-v1-5.safetensors")
	if err := os.MkdirAll(filepath.Dir(model), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(model, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startDaemon(t, "", "run", "-data", data, "-demo-network", d.NetworkFile, "-mirror-networks", "127.0.0.0/8", "-poll", "50ms", "-metrics", "127.0.0.1:0")
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	var st api.SetupState
	deadline := time.Now().Add(30 * time.Second)
	for st, err = c.Setup(ctx); err != nil; st, err = c.Setup(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("no local API: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Join(st.Needs, ",") != "wallet,network" || !st.Demo || st.Started {
		t.Fatalf("first state %+v", st)
	}
	if s, err := c.Status(ctx); err != nil || s.State != api.StateSetup || s.Reason != "wallet,network" {
		t.Fatalf("status in setup %+v %v", s, err)
	}
	// Bad input is refused with a code, and changes nothing.
	for _, bad := range []struct {
		code string
		call func() error
	}{
		{api.CodeNotReady, func() error { _, err := c.StartNode(ctx); return err }},
		{api.CodeNotReady, func() error { _, err := c.Wallet(ctx); return err }},
		{api.CodeBadKey, func() error { _, err := c.SetupWallet(ctx, api.WalletSetup{ImportKey: "0x1234"}); return err }},
		{api.CodeBadRequest, func() error {
			_, err := c.SetupWallet(ctx, api.WalletSetup{Create: true, ImportKey: "00"})
			return err
		}},
		{api.CodeBadNetwork, func() error {
			_, err := c.SetupNetwork(ctx, api.NetworkSetup{File: json.RawMessage(`{"chainId":"0x1"}`)})
			return err
		}},
		{api.CodeBadRequest, func() error { _, err := c.SetupNetwork(ctx, api.NetworkSetup{}); return err }},
	} {
		if err := bad.call(); !api.IsCode(err, bad.code) {
			t.Errorf("want %s, got %v", bad.code, err)
		}
	}
	if st, _ := c.Setup(ctx); len(st.Needs) != 2 {
		t.Fatalf("bad input changed the setup: %+v", st)
	}
	if st, err = c.SetupWallet(ctx, api.WalletSetup{Create: true}); err != nil || !common.IsHexAddress(st.Address) || strings.Join(st.Needs, ",") != "network" {
		t.Fatalf("wallet: %+v %v", st, err)
	}
	if _, err := c.SetupWallet(ctx, api.WalletSetup{Create: true}); !api.IsCode(err, api.CodeSetupDone) {
		t.Fatalf("a second wallet: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(data, "passphrase")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("passphrase file: %v %v", fi, err)
	}
	if st, err = c.SetupNetwork(ctx, api.NetworkSetup{Demo: true}); err != nil || len(st.Needs) != 0 || st.Network != devnet.NetworkName {
		t.Fatalf("network: %+v %v", st, err)
	}
	checks, err := c.Doctor(ctx)
	if err != nil || len(checks) < 4 {
		t.Fatalf("doctor: %+v %v", checks, err)
	}
	// The wizard's withdrawal address step, before the node starts: the
	// first address applies at once (not the node's own wallet).
	to := common.HexToAddress("0x00000000000000000000000000000000000Abcde")
	if _, err := c.SetWithdrawalAddress(ctx, st.Address); !api.IsCode(err, api.CodeOwnAddress) {
		t.Errorf("the node's own wallet as the withdrawal address: %v", err)
	}
	if wa, err := c.SetWithdrawalAddress(ctx, to.Hex()); err != nil || wa.Address != to.Hex() || wa.Pending != nil {
		t.Fatalf("the withdrawal address: %+v %v", wa, err)
	}
	if st, err = c.StartNode(ctx); err != nil || !st.Started {
		t.Fatalf("start: %+v %v", st, err)
	}
	addr := common.HexToAddress(st.Address)
	waitNodeState(t, ctx, d, addr, chain.NodeAvailable)
	id, err := d.Source().Create(ctx, engine.KindImage)
	if err != nil {
		t.Fatal(err)
	}
	waitTaskSettledFor(t, ctx, d, data, id)

	// The dashboard's queries.
	n, err := c.Network(ctx)
	if err != nil || n.Name != devnet.NetworkName || n.Block == 0 || !n.RelayOK || n.Nodes != 3 || n.ChainID == "" {
		t.Fatalf("network %+v %v", n, err)
	}
	ms, err := c.Models(ctx)
	// The file found in the cache was checked against the network's
	// sha256 when the first task needed it, and replaced by a download.
	if err != nil || len(ms.Models) != 1 || ms.Models[0].ID != devnet.DemoImageModel || ms.Models[0].Tasks != 1 || ms.UsedBytes != devnet.DefaultModelBytes || ms.QuotaBytes != 100<<30 ||
		len(ms.Downloads) != 1 || ms.Downloads[0].ID != devnet.DemoImageModel || ms.Downloads[0].State != api.DownloadDone {
		t.Fatalf("models %+v %v", ms, err)
	}
	// The owner deletes the model: gone from the disk and the list, and
	// the network is told.
	if err := c.DeleteModel(ctx, devnet.DemoImageModel); err != nil {
		t.Fatal(err)
	}
	if ms, err := c.Models(ctx); err != nil || len(ms.Models) != 0 || ms.UsedBytes != 0 {
		t.Fatalf("after deleting: %+v %v", ms, err)
	}
	if _, err := os.Stat(model); !os.IsNotExist(err) {
		t.Fatalf("the file is still there: %v", err)
	}
	tasks, err := c.Tasks(ctx, 5)
	if err != nil || len(tasks) != 1 || tasks[0].Outcome != "paid" {
		t.Fatalf("tasks %+v %v", tasks, err)
	}
	// Metrics on the opt-in TCP address the log names.
	m := regexp.MustCompile(`Prometheus metrics.*address=(127\.0\.0\.1:\d+)`).FindStringSubmatch(p.logText())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", p.logText())
	}
	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`hydrogen_node_state{state="available"} 1`, `hydrogen_tasks_total{outcome="paid"} 1`, "hydrogen_earned_tokens_total", `hydrogen_hire_out_open{reason="earn_headless"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}

	// Withdraw: only to the withdrawal address set in the wizard; bad
	// requests first, then a quote, confirmed once.
	for _, bad := range []struct {
		code string
		w    api.Withdraw
	}{
		{api.CodeBadAddress, api.Withdraw{To: "0x1234", Amount: "all"}},
		{api.CodeBadAddress, api.Withdraw{To: strings.ToLower(to.Hex())[:41] + "E", Amount: "all"}}, // a mixed-case typo
		{api.CodeNotWithdrawalAddress, api.Withdraw{To: addr.Hex(), Amount: "all"}},
		{api.CodeBadAmount, api.Withdraw{To: to.Hex(), Amount: "-5"}},
		{api.CodeBadAmount, api.Withdraw{To: to.Hex(), Amount: "1e18"}},
		{api.CodeBadAmount, api.Withdraw{To: to.Hex(), Amount: "1000000000000000000000000000"}},
	} {
		if _, err := c.Withdraw(ctx, bad.w); !api.IsCode(err, bad.code) {
			t.Errorf("withdraw %+v: want %s, got %v", bad.w, bad.code, err)
		}
	}
	q, err := c.Withdraw(ctx, api.Withdraw{To: to.Hex(), Amount: "all"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ConfirmWithdraw(ctx, "not-a-quote"); !api.IsCode(err, api.CodeNoQuote) {
		t.Fatalf("unknown quote: %v", err)
	}
	done, err := c.ConfirmWithdraw(ctx, q.ID)
	if err != nil || len(done.Txs) != 2 {
		t.Fatalf("confirm %+v: %+v %v", q, done, err)
	}
	if _, err := c.ConfirmWithdraw(ctx, q.ID); !api.IsCode(err, api.CodeNoQuote) {
		t.Fatalf("a quote confirmed twice: %v", err)
	}
	ec, err := ethclient.DialContext(ctx, d.Network.RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	// "all" is priced again when sent: the amount sent is what arrives,
	// and it is what the quote said give or take the gas price's move.
	got, err := ec.BalanceAt(ctx, to, nil)
	want, _ := new(big.Int).SetString(done.Amount, 10)
	quoted, _ := new(big.Int).SetString(q.Amount, 10)
	if err != nil || got.Cmp(want) != 0 || want.Sign() <= 0 {
		t.Fatalf("the recipient has %v wei (%v), the withdrawal said %s", got, err, done.Amount)
	}
	if diff := new(big.Int).Sub(want, quoted); diff.CmpAbs(weiOf(t, q.Gas)) > 0 {
		t.Fatalf("sent %s wei, quoted %s: more apart than the gas quoted (%s)", want, quoted, q.Gas)
	}
	w, err := c.Wallet(ctx)
	if err != nil || w.Owed != "0" {
		t.Fatalf("after withdrawing: %+v %v", w, err)
	}
	if strings.Contains(p.logText(), "reporting a model to the network failed") {
		t.Errorf("the model's removal was not reported:\n%s", p.logText())
	}
}
