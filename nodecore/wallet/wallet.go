// Package wallet keeps the node's key in go-ethereum's encrypted keystore
// (scrypt + AES, the format every Ethereum wallet reads) in the data
// directory. The key never leaves the daemon: nothing here logs it or
// returns it except Unlock, whose caller signs with it in-process.
//
// The passphrase comes from a file (the service's credentials file, mode
// 0600). An OS secret store is not used yet: Windows DPAPI and the Linux
// Secret Service need the user's session, which a system service lacks.
package wallet

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

// Scrypt parameters; tests use keystore.LightScryptN/P.
type Scrypt struct{ N, P int }

// releaseScrypt hands the memory of a scrypt run back to the OS at once:
// the standard parameters take 256 MB, which the Go runtime would
// otherwise return only after minutes, and an idle daemon stays small.
func releaseScrypt() { debug.FreeOSMemory() }

// Standard is the keystore's standard strength.
var Standard = Scrypt{keystore.StandardScryptN, keystore.StandardScryptP}

// File is the keystore file's name in the data directory.
const File = "wallet.json"

// ErrExists means a wallet is already there; it is never overwritten.
var ErrExists = errors.New("wallet: a wallet already exists")

// ErrNoWallet means the data directory has no wallet yet.
var ErrNoWallet = errors.New("wallet: no wallet: create or import one")

// ErrBadPassphrase means the passphrase does not open the wallet.
var ErrBadPassphrase = errors.New("wallet: wrong passphrase")

// Create makes a new key and stores it encrypted in dir.
func Create(dir, passphrase string, s Scrypt) (common.Address, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return common.Address{}, err
	}
	return store(dir, key, passphrase, s)
}

// ImportHex stores a hex private key (with or without 0x) encrypted in dir.
func ImportHex(dir, hexKey, passphrase string, s Scrypt) (common.Address, error) {
	key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(hexKey), "0x"))
	if err != nil {
		return common.Address{}, errors.New("wallet: not a hex private key") // never echo the input
	}
	return store(dir, key, passphrase, s)
}

// ImportKeystore opens a keystore file from another wallet with its
// passphrase and stores the key in dir under passphrase.
func ImportKeystore(dir string, keyJSON []byte, oldPassphrase, passphrase string, s Scrypt) (common.Address, error) {
	k, err := keystore.DecryptKey(keyJSON, oldPassphrase)
	releaseScrypt()
	if err != nil {
		return common.Address{}, fmt.Errorf("wallet: cannot open the keystore: %w", err)
	}
	return store(dir, k.PrivateKey, passphrase, s)
}

func store(dir string, key *ecdsa.PrivateKey, passphrase string, s Scrypt) (common.Address, error) {
	if passphrase == "" {
		return common.Address{}, errors.New("wallet: an empty passphrase would leave the key unprotected")
	}
	path := filepath.Join(dir, File)
	if _, err := os.Stat(path); err == nil {
		return common.Address{}, ErrExists
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	b, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: addr, PrivateKey: key}, passphrase, s.N, s.P)
	releaseScrypt()
	if err != nil {
		return common.Address{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return common.Address{}, err
	}
	tmp, err := os.CreateTemp(dir, ".wallet-*")
	if err != nil {
		return common.Address{}, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return common.Address{}, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return common.Address{}, err
	}
	if err := tmp.Close(); err != nil {
		return common.Address{}, err
	}
	// Link, not rename: fails instead of replacing a wallet that appeared meanwhile.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return common.Address{}, ErrExists
		}
		return common.Address{}, err
	}
	return addr, nil
}

// Address reads the wallet's address without unlocking it.
func Address(dir string) (common.Address, error) {
	b, err := os.ReadFile(filepath.Join(dir, File))
	if errors.Is(err, os.ErrNotExist) {
		return common.Address{}, ErrNoWallet
	}
	if err != nil {
		return common.Address{}, err
	}
	var v struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal(b, &v); err != nil || !common.IsHexAddress(v.Address) {
		return common.Address{}, fmt.Errorf("wallet: %s is not a keystore file", filepath.Join(dir, File))
	}
	return common.HexToAddress(v.Address), nil
}

// Unlock opens the wallet with the passphrase in passFile (one line).
func Unlock(dir, passFile string) (*ecdsa.PrivateKey, error) {
	pass, err := os.ReadFile(passFile)
	if err != nil {
		return nil, fmt.Errorf("wallet: passphrase file: %w", err)
	}
	return UnlockWith(dir, strings.TrimRight(string(pass), "\r\n"))
}

// UnlockWith opens the wallet with a passphrase.
func UnlockWith(dir, passphrase string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(filepath.Join(dir, File))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoWallet
	}
	if err != nil {
		return nil, err
	}
	k, err := keystore.DecryptKey(b, passphrase)
	releaseScrypt()
	if errors.Is(err, keystore.ErrDecrypt) {
		return nil, ErrBadPassphrase
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	return k.PrivateKey, nil
}

// MinBackupPassphrase is the shortest passphrase a backup may have: the
// file leaves the machine, and only the passphrase protects it.
const MinBackupPassphrase = 8

// ErrWeakPassphrase is a backup passphrase shorter than MinBackupPassphrase.
var ErrWeakPassphrase = fmt.Errorf("wallet: a backup's passphrase needs at least %d characters", MinBackupPassphrase)

// Export opens the wallet in dir with the passphrase in passFile and
// returns it as a keystore file encrypted under backupPassphrase: what
// every Ethereum wallet imports, and ImportKeystore restores.
func Export(dir, passFile, backupPassphrase string, s Scrypt) (common.Address, []byte, error) {
	if len([]rune(backupPassphrase)) < MinBackupPassphrase {
		return common.Address{}, nil, ErrWeakPassphrase
	}
	key, err := Unlock(dir, passFile)
	if err != nil {
		return common.Address{}, nil, err
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	b, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: addr, PrivateKey: key}, backupPassphrase, s.N, s.P)
	releaseScrypt()
	if err != nil {
		return common.Address{}, nil, err
	}
	return addr, b, nil
}
