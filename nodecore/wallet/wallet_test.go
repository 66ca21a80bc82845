package wallet

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

var light = Scrypt{keystore.LightScryptN, keystore.LightScryptP}

func TestCreateUnlock(t *testing.T) {
	dir := t.TempDir()
	addr, err := Create(dir, "correct horse", light)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Address(dir); err != nil || got != addr {
		t.Fatalf("Address = %s, %v", got, err)
	}
	pass := filepath.Join(dir, "pass")
	if err := os.WriteFile(pass, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := Unlock(dir, pass)
	if err != nil || crypto.PubkeyToAddress(k.PublicKey) != addr {
		t.Fatalf("unlock: %v", err)
	}
	if _, err := UnlockWith(dir, "wrong"); !errors.Is(err, ErrBadPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := Create(dir, "again", light); !errors.Is(err, ErrExists) {
		t.Fatalf("a second wallet replaced the first: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, File)); fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("wallet file mode %v is readable by others", fi.Mode())
	}
}

func TestImport(t *testing.T) {
	key, _ := crypto.GenerateKey()
	want := crypto.PubkeyToAddress(key.PublicKey)
	hexKey := hex.EncodeToString(crypto.FromECDSA(key))

	dir := t.TempDir()
	if got, err := ImportHex(dir, "0x"+hexKey+"\n", "pw", light); err != nil || got != want {
		t.Fatalf("import hex: %s %v", got, err)
	}
	if _, err := ImportHex(t.TempDir(), "not-a-key-"+hexKey[:10], "pw", light); err == nil || strings.Contains(err.Error(), hexKey[:10]) {
		t.Fatalf("bad hex: %v (must not echo the input)", err)
	}
	if _, err := ImportHex(t.TempDir(), hexKey, "", light); err == nil {
		t.Fatal("an empty passphrase was accepted")
	}

	ks, _ := keystore.EncryptKey(&keystore.Key{Address: want, PrivateKey: key}, "old", light.N, light.P)
	dir2 := t.TempDir()
	if _, err := ImportKeystore(dir2, ks, "bad", "new", light); err == nil {
		t.Fatal("a keystore opened with the wrong passphrase")
	}
	if got, err := ImportKeystore(dir2, ks, "old", "new", light); err != nil || got != want {
		t.Fatalf("import keystore: %s %v", got, err)
	}
	if k, err := UnlockWith(dir2, "new"); err != nil || crypto.PubkeyToAddress(k.PublicKey) != want {
		t.Fatalf("unlock imported: %v", err)
	}
}

func TestNoWallet(t *testing.T) {
	if _, err := Address(t.TempDir()); !errors.Is(err, ErrNoWallet) {
		t.Fatal(err)
	}
	if _, err := UnlockWith(t.TempDir(), "x"); !errors.Is(err, ErrNoWallet) {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, File), []byte("garbage"), 0o600)
	if _, err := Address(dir); err == nil {
		t.Fatal("garbage read as a wallet")
	}
}
