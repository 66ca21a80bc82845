package cli

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// TestDevnetExitWhenDone runs the command (on free ports) with a
// cheater added: thirty tasks settle, the summary says so, exit 0.
func TestDevnetExitWhenDone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a devnet")
	}
	code, out, errOut := run(t, "devnet", "-rpc-port", "0", "-port", "0", "-cheaters", "1", "-tasks", "30", "-exit-when-done")
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, w := range []string{"chain      1337  http://127.0.0.1:", "ws://127.0.0.1:", "relay      http://127.0.0.1:", "faucet     http://", "network    ", "model      lora:hydrogen/demo-style  http://127.0.0.1:", "hydrogend run -network ", "cheater-1", "consistent: every ledger matches the chain to the wei"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// created 30, succeeded 30, aborted 0, open 0, bad 0
	if !regexp.MustCompile(`(?m)^\s+30\s+30\s+0\s+0\s+0\s*$`).MatchString(out) {
		t.Errorf("the task table does not say 30 created and 30 succeeded:\n%s", out)
	}
}

// TestRunRefusesBadSetups: what `hydrogend run` says when the wallet or
// the network is wrong, before touching the chain.
func TestRunRefusesBadSetups(t *testing.T) {
	t.Setenv(LightScryptEnv, "1")
	data := t.TempDir()
	net := filepath.Join(data, "network.json")
	// A network file without parameters is refused.
	if err := os.WriteFile(net, []byte(`{"chainId":"0x539","registry":"0x1000000000000000000000000000000000000001","tasks":"0x1000000000000000000000000000000000000002"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "run", "-data", data, "-api", "off")
	if code != ExitFailure || !strings.Contains(errOut, "minimum stake") {
		t.Fatalf("no parameters: exit %d: %s", code, errOut)
	}
	// A network file with no endpoints.
	n := &chain.Network{ChainID: (*hexutil.Big)(big.NewInt(1337)), Registry: common.HexToAddress("0x01"), Tasks: common.HexToAddress("0x02"), Params: chain.DefaultParams()}
	if err := n.Save(net); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "run", "-data", data, "-api", "off")
	if code != ExitUsage || !strings.Contains(errOut, "names no RPC or relay endpoint") {
		t.Fatalf("no endpoints: exit %d: %s", code, errOut)
	}
	// An IPC endpoint outside the data directory (another of the
	// machine's sockets) is refused; one inside would be used.
	ipc := *n
	ipc.RPC, ipc.Relay = "/var/run/docker.sock", "http://127.0.0.1:1"
	if err := ipc.Save(net); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "run", "-data", data, "-api", "off")
	if code != ExitFailure || !strings.Contains(errOut, "outside the data directory") {
		t.Fatalf("IPC outside the data directory: exit %d: %s", code, errOut)
	}
	if err := n.Save(net); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "run", "-data", data, "-api", "off", "-max-stake", "a lot"); code != ExitUsage || !strings.Contains(errOut, "-max-stake") {
		t.Fatalf("-max-stake: exit %d: %s", code, errOut)
	}
	// No wallet yet, and no API for the app to create one.
	code, _, errOut = run(t, "run", "-data", data, "-api", "off", "-rpc", "ws://127.0.0.1:1", "-relay", "http://127.0.0.1:1")
	if code != ExitFailure || !strings.Contains(errOut, "hydrogend wallet create -data "+data) {
		t.Fatalf("no wallet: exit %d: %s", code, errOut)
	}
	// A wallet, the wrong passphrase.
	pass := filepath.Join(data, "passphrase")
	os.WriteFile(pass, []byte("right\n"), 0o600)
	if code, _, errOut := run(t, "wallet", "create", "-data", data, "-passphrase-file", pass); code != ExitOK {
		t.Fatal(errOut)
	}
	wrong := filepath.Join(data, "wrong")
	os.WriteFile(wrong, []byte("wrong\n"), 0o600)
	code, _, errOut = run(t, "run", "-data", data, "-passphrase-file", wrong, "-rpc", "ws://127.0.0.1:1", "-relay", "http://127.0.0.1:1")
	if code != ExitFailure || !strings.Contains(errOut, "wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d: %s", code, errOut)
	}
	// The right passphrase, a chain that is not there: a clear error, no hang.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var o, e strings.Builder
	code = Run(ctx, []string{"run", "-data", data, "-rpc", "http://127.0.0.1:1", "-relay", "http://127.0.0.1:1"}, &o, &e)
	if code != ExitFailure || !strings.Contains(e.String(), "chain") {
		t.Fatalf("no chain: exit %d: %s", code, e.String())
	}
}

func TestWalletCommands(t *testing.T) {
	t.Setenv(LightScryptEnv, "1")
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte("s3cret passphrase\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)

	a := filepath.Join(dir, "a")
	if code, _, errOut := run(t, "wallet", "create", "-data", a, "-passphrase-file", empty); code != ExitFailure || !strings.Contains(errOut, "is empty") {
		t.Fatalf("empty passphrase: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "wallet", "create", "-data", a, "-passphrase-file", pass)
	if code != ExitOK || !strings.Contains(out, "created wallet 0x") {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	addr := strings.Fields(out)[2]
	if code, out, _ := run(t, "wallet", "address", "-data", a); code != ExitOK || strings.TrimSpace(out) != addr {
		t.Fatalf("address: %d %q, want %s", code, out, addr)
	}
	if code, _, errOut := run(t, "wallet", "create", "-data", a, "-passphrase-file", pass); code != ExitFailure || !strings.Contains(errOut, "already exists") {
		t.Fatalf("second create: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "wallet", "address", "-data", filepath.Join(dir, "none")); code != ExitFailure || !strings.Contains(errOut, "no wallet") {
		t.Fatalf("address without wallet: %d %s", code, errOut)
	}

	// Import a hex key: the key never appears in any output.
	key, _ := crypto.GenerateKey()
	hexKey := filepath.Join(dir, "key.hex")
	os.WriteFile(hexKey, []byte(strings.TrimPrefix(hexOf(key), "0x")+"\n"), 0o600)
	code, out, errOut = run(t, "wallet", "import", "-data", filepath.Join(dir, "b"), "-passphrase-file", pass, "-key", hexKey)
	want := crypto.PubkeyToAddress(key.PublicKey).Hex()
	if code != ExitOK || !strings.Contains(out, want) {
		t.Fatalf("import hex: %d %s %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, hexOf(key)[2:]) {
		t.Fatal("the private key was printed")
	}
	bad := filepath.Join(dir, "bad.hex")
	os.WriteFile(bad, []byte("not-a-key-zzzz"), 0o600)
	if code, out, errOut := run(t, "wallet", "import", "-data", filepath.Join(dir, "c"), "-passphrase-file", pass, "-key", bad); code != ExitFailure || strings.Contains(out+errOut, "zzzz") {
		t.Fatalf("bad key: %d %s %s", code, out, errOut)
	}

	// Import a keystore file with its own passphrase.
	ks, err := keystore.EncryptKey(&keystore.Key{Address: crypto.PubkeyToAddress(key.PublicKey), PrivateKey: key}, "old", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	ksFile := filepath.Join(dir, "key.json")
	os.WriteFile(ksFile, ks, 0o600)
	oldPass := filepath.Join(dir, "old")
	os.WriteFile(oldPass, []byte("old"), 0o600)
	if code, _, errOut := run(t, "wallet", "import", "-data", filepath.Join(dir, "d"), "-passphrase-file", pass, "-key", ksFile); code != ExitUsage || !strings.Contains(errOut, "-key-passphrase-file is required") {
		t.Fatalf("keystore without its passphrase: %d %s", code, errOut)
	}
	code, out, errOut = run(t, "wallet", "import", "-data", filepath.Join(dir, "d"), "-passphrase-file", pass, "-key", ksFile, "-key-passphrase-file", oldPass)
	if code != ExitOK || !strings.Contains(out, want) {
		t.Fatalf("import keystore: %d %s %s", code, out, errOut)
	}
	var v map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "d", "wallet.json"))
	if json.Unmarshal(b, &v) != nil || v["crypto"] == nil {
		t.Fatal("the imported wallet is not a keystore file")
	}
}

func hexOf(k *ecdsa.PrivateKey) string { return hexutil.Encode(crypto.FromECDSA(k)) }
