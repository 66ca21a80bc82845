package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

func TestDeployRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key, _ := crypto.GenerateKey()
	hexKey := write("key.hex", "0x"+strings.TrimPrefix(crypto.PubkeyToAddress(key.PublicKey).Hex(), "0x")+"\n") // an address, not a key
	secret := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	goodKey := write("good.hex", secret)
	ks, err := keystore.EncryptKey(&keystore.Key{Address: crypto.PubkeyToAddress(key.PublicKey), PrivateKey: key}, "right", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	ksFile := write("ks.json", string(ks))
	wrongPass := write("wrong.pass", "wrong\n")
	badParams := write("params.json", `{"registry":{"minStake":1},"surprise":true}`)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no flags", []string{"deploy"}, ExitUsage, "deploy needs -rpc and -key"},
		{"missing key file", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", filepath.Join(dir, "nope")}, ExitFailure, "no such file"},
		{"not a key", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", hexKey}, ExitFailure, "does not hold a hex private key"},
		{"keystore without passphrase", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", ksFile}, ExitUsage, "give -passphrase-file"},
		{"keystore wrong passphrase", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", ksFile, "-passphrase-file", wrongPass}, ExitFailure, "could not decrypt"},
		{"unknown parameter", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", goodKey, "-params", badParams}, ExitFailure, "unknown field"},
		{"nobody at the rpc", []string{"deploy", "-rpc", "http://127.0.0.1:1", "-key", goodKey}, ExitFailure, "connect to http://127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if strings.Contains(out+errOut, secret) || strings.Contains(out+errOut, "right") {
				t.Fatal("a key or passphrase was printed")
			}
		})
	}
}
