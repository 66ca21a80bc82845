package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/hydrogen-network/hydrogen/installer/doctor"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/atomicfile"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// Setup is the daemon's side of the app's first-run wizard
// (localapi.Setup): it creates or imports the wallet, writes the network
// file, runs doctor, and lets the daemon go on (Start). It is the
// daemon's first step: the node is built only once nothing is missing.
type Setup struct {
	data, netFile, passFile string
	demoFile                string // the local demo network's file; "" for none
	scrypt                  wallet.Scrypt

	mu      sync.Mutex // serializes the steps
	started chan struct{}
	once    sync.Once
}

// NewSetup is the setup of the data directory data: the network file
// netFile, the wallet's passphrase in passFile, the demo network's file
// demoFile ("" for none); wallets are encrypted with scrypt.
func NewSetup(data, netFile, passFile, demoFile string, scrypt wallet.Scrypt) *Setup {
	return &Setup{data: data, netFile: netFile, passFile: passFile, demoFile: demoFile, scrypt: scrypt, started: make(chan struct{})}
}

// Needs lists what is missing, and the wallet's address if there is one.
// Only what does not exist is needed: a network file that does not load
// or a wallet that does not unlock is the owner's to fix, and `run`
// reports it instead of waiting.
func (f *Setup) Needs() (needs []string, addr string) {
	a, err := wallet.Address(f.data)
	if errors.Is(err, wallet.ErrNoWallet) {
		needs = append(needs, api.NeedWallet)
	} else if err == nil {
		addr = a.Hex()
	}
	if _, err := os.Stat(f.netFile); errors.Is(err, os.ErrNotExist) {
		needs = append(needs, api.NeedNetwork)
	}
	return needs, addr
}

func (f *Setup) State() api.SetupState {
	needs, addr := f.Needs()
	st := api.SetupState{Needs: needs, Address: addr, Demo: f.demo() == nil}
	if st.Needs == nil {
		st.Needs = []string{}
	}
	if n, err := chain.LoadNetwork(f.netFile); err == nil {
		st.Network = n.Name
		if st.Network == "" {
			st.Network = "chain " + n.ChainID.ToInt().String()
		}
	}
	select {
	case <-f.started:
		st.Started = true
	default:
	}
	return st
}

// demo checks the demo network's file.
func (f *Setup) demo() error {
	if f.demoFile == "" {
		return errors.New("no demo network")
	}
	_, err := chain.LoadNetwork(f.demoFile)
	return err
}

func apiErr(status int, code, format string, v ...any) error {
	return &api.Error{Code: code, Message: fmt.Sprintf(format, v...), Status: status}
}

func (f *Setup) Wallet(ctx context.Context, w api.WalletSetup) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := wallet.Address(f.data); err == nil {
		return "", apiErr(http.StatusConflict, api.CodeSetupDone, "this node already has a wallet")
	}
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return "", err
	}
	// The daemon unlocks the wallet unattended: its passphrase is a
	// random secret in a file only this user can read.
	pass, err := os.ReadFile(f.passFile)
	if errors.Is(err, os.ErrNotExist) {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		pass = []byte(hex.EncodeToString(b[:]))
		if err := atomicfile.Write(f.passFile, pass, 0o600); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if w.Create {
		a, err := wallet.Create(f.data, string(pass), f.scrypt)
		return a.Hex(), err
	}
	if len(w.Keystore) > 0 {
		a, err := wallet.ImportKeystore(f.data, w.Keystore, w.Passphrase, string(pass), f.scrypt)
		if err != nil {
			return "", apiErr(http.StatusBadRequest, api.CodeBadBackup, "cannot open the backup: not a keystore file, or not its passphrase")
		}
		return a.Hex(), nil
	}
	a, err := wallet.ImportHex(f.data, w.ImportKey, string(pass), f.scrypt)
	if err != nil {
		return "", apiErr(http.StatusBadRequest, api.CodeBadKey, "not a private key: 64 hex digits, with or without 0x")
	}
	return a.Hex(), nil
}

// Backup re-encrypts the wallet under the owner's passphrase, at the
// keystore's standard strength: the file leaves this machine.
func (f *Setup) Backup(ctx context.Context, passphrase string) (api.WalletBackup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	addr, b, err := wallet.Export(f.data, f.passFile, passphrase, f.scrypt)
	switch {
	case errors.Is(err, wallet.ErrWeakPassphrase):
		return api.WalletBackup{}, apiErr(http.StatusBadRequest, api.CodeWeakPassphrase, "%v", err)
	case errors.Is(err, wallet.ErrNoWallet):
		return api.WalletBackup{}, apiErr(http.StatusConflict, api.CodeNotReady, "this node has no wallet yet")
	case err != nil:
		return api.WalletBackup{}, err
	}
	return api.WalletBackup{Address: addr.Hex(), Keystore: b}, nil
}

func (f *Setup) Network(ctx context.Context, n api.NetworkSetup) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b []byte
	if n.Demo {
		if err := f.demo(); err != nil {
			return apiErr(http.StatusBadRequest, api.CodeNoDemo, "no local demo network runs here (%v): start one with `hydrogend devnet`", err)
		}
		var err error
		if b, err = os.ReadFile(f.demoFile); err != nil {
			return err
		}
	} else {
		b = n.File
	}
	net, err := chain.ParseNetwork(b)
	switch {
	case errors.Is(err, chain.ErrBadEndpoint):
		return apiErr(http.StatusBadRequest, api.CodeBadEndpoint, "%v", err)
	case errors.Is(err, chain.ErrNetworkMismatch):
		return apiErr(http.StatusBadRequest, api.CodeNetworkMismatch, "%v", err)
	case err != nil:
		return apiErr(http.StatusBadRequest, api.CodeBadNetwork, "not a Hydrogen network file: %v", err)
	}
	if net.RPC == "" || net.Relay == "" {
		return apiErr(http.StatusBadRequest, api.CodeBadNetwork, "the network file names no chain or relay endpoint")
	}
	// A file from the API never makes the daemon speak to a local socket.
	if net.IPC() {
		return apiErr(http.StatusBadRequest, api.CodeBadEndpoint, "a network file set through the API may not name an IPC endpoint; name it with -rpc")
	}
	// A network set up is replaced only on the owner's word (whether the
	// node still holds funds in it, the API checked: localapi).
	if _, err := os.Stat(f.netFile); err == nil && !n.Replace {
		return apiErr(http.StatusConflict, api.CodeNetworkSet, "a network is set up already; replacing it needs the owner's confirmation (replace)")
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return err
	}
	return net.Save(f.netFile)
}

func (f *Setup) Doctor(ctx context.Context) []api.Check {
	var out []api.Check
	for _, r := range doctor.Run(ctx, doctor.Checks(doctor.Real(f.data))) {
		out = append(out, api.Check{Name: r.Check, Code: r.Code, Status: r.Status.String(), Detail: r.Detail, Fix: r.Fix})
	}
	return out
}

// Started is closed once Start let the daemon go on.
func (f *Setup) Started() <-chan struct{} { return f.started }

// Start lets the daemon go on once nothing is missing.
func (f *Setup) Start(ctx context.Context) error {
	if needs, _ := f.Needs(); len(needs) > 0 {
		return apiErr(http.StatusConflict, api.CodeNotReady, "still needed: %v", needs)
	}
	f.once.Do(func() { close(f.started) })
	return nil
}
