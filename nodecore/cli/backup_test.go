package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// setupDaemon starts `hydrogend run` on an empty data directory (it
// waits for the wizard) and returns its API client once it answers.
func setupDaemon(t *testing.T, ctx context.Context, data string) (*proc, *api.Client) {
	t.Helper()
	p := startDaemon(t, "", "run", "-data", data)
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := c.Setup(ctx); err == nil {
			return p, c
		}
		if time.Now().After(deadline) {
			t.Fatalf("no local API in %s:\n%s", data, p.logText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWalletBackupRestores: the wizard's path through the API of real
// daemons: create a wallet, back it up, restore the backup into a fresh
// data directory — the same address. The backup is a standard keystore
// file that go-ethereum opens with the owner's passphrase (and only
// with it), and neither daemon logs the key or a passphrase.
func TestWalletBackupRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hydrogend processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Setenv(LightScryptEnv, "1")
	const pass = "correct horse battery staple"
	dataA := t.TempDir()
	pa, a := setupDaemon(t, ctx, dataA)
	st, err := a.SetupWallet(ctx, api.WalletSetup{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.BackupWallet(ctx, "short"); !api.IsCode(err, api.CodeWeakPassphrase) {
		t.Fatalf("a short passphrase: %v", err)
	}
	b, err := a.BackupWallet(ctx, pass)
	if err != nil || b.Address != st.Address {
		t.Fatalf("backup %s: %v (the wallet is %s)", b.Address, err, st.Address)
	}
	key, err := keystore.DecryptKey(b.Keystore, pass)
	if err != nil || key.Address.Hex() != st.Address {
		t.Fatalf("the backup does not open as a keystore with its passphrase: %v", err)
	}
	if _, err := keystore.DecryptKey(b.Keystore, pass+"!"); err == nil {
		t.Fatal("the backup opens with another passphrase")
	}
	file := filepath.Join(t.TempDir(), "hydrogen-wallet.json")
	if err := os.WriteFile(file, b.Keystore, 0o600); err != nil {
		t.Fatal(err)
	}

	// A new computer: a fresh data directory, the file restored.
	dataB := t.TempDir()
	pb, bc := setupDaemon(t, ctx, dataB)
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []api.WalletSetup{
		{Keystore: saved, Passphrase: "not it at all"},
		{Keystore: json.RawMessage(`{"version":3}`), Passphrase: pass},
		{Keystore: saved, Passphrase: pass, Create: true},
	} {
		if _, err := bc.SetupWallet(ctx, bad); !api.IsCode(err, api.CodeBadBackup) && !api.IsCode(err, api.CodeBadRequest) {
			t.Errorf("restoring %+v: %v", bad.Passphrase, err)
		}
	}
	if _, err := wallet.Address(dataB); err == nil {
		t.Fatal("a failed restore left a wallet")
	}
	got, err := bc.SetupWallet(ctx, api.WalletSetup{Keystore: saved, Passphrase: pass})
	if err != nil || got.Address != st.Address {
		t.Fatalf("restored %s (%v), want %s", got.Address, err, st.Address)
	}
	if addr, err := wallet.Address(dataB); err != nil || addr.Hex() != st.Address {
		t.Fatalf("the new data directory holds %s %v", addr.Hex(), err)
	}
	secret := hex.EncodeToString(crypto.FromECDSA(key.PrivateKey))
	for name, p := range map[string]*proc{"first": pa, "second": pb} {
		log := p.logText()
		for _, s := range []string{secret, pass, "not it at all"} {
			if strings.Contains(strings.ToLower(log), strings.ToLower(s)) {
				t.Errorf("the %s daemon logged a secret (%.8s…)", name, s)
			}
		}
	}
}

// TestWalletExport: an administrator backs the wallet up from the
// command line (a running node gives its key to no mere writer): a
// keystore file under the backup's passphrase, 0600, never over an
// existing file, that imports back to the same address.
func TestWalletExport(t *testing.T) {
	data, addr := newNodeData(t)
	dir := t.TempDir()
	pass := filepath.Join(dir, "backup-pass")
	os.WriteFile(pass, []byte("a long backup passphrase\n"), 0o600)
	out := filepath.Join(dir, "backup.json")
	args := []string{"wallet", "export", "-data", data, "-passphrase-file", filepath.Join(data, "passphrase"), "-backup-passphrase-file", pass, "-out", out}
	if code, stdout, errOut := run(t, args...); code != ExitOK || !strings.Contains(stdout, addr.Hex()) {
		t.Fatalf("export: %d %s %s", code, stdout, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the backup: %v %v", fi, err)
	}
	b, _ := os.ReadFile(out)
	key, err := keystore.DecryptKey(b, "a long backup passphrase")
	if err != nil || crypto.PubkeyToAddress(key.PrivateKey.PublicKey) != addr {
		t.Fatalf("the backup does not open to %s: %v", addr, err)
	}
	if code, _, _ := run(t, args...); code == ExitOK {
		t.Fatal("an export overwrote an existing file")
	}
	if code, _, _ := run(t, "wallet", "export", "-data", data); code != ExitUsage {
		t.Fatalf("export without -out: %d", code)
	}
}
