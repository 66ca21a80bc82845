package cli

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

func (e *env) deployCommand() *ffcli.Command {
	fs := e.flagSet("deploy")
	rpcURL := fs.String("rpc", "", "the chain's JSON-RPC `URL` (http://, ws:// or an IPC path)")
	keyFile := fs.String("key", "", "`file` with the deployer's key: a hex private key or a keystore JSON")
	passFile := fs.String("passphrase-file", "", "`file` with the keystore passphrase (for a keystore key)")
	paramsFile := fs.String("params", "", "JSON `file` with the deployment parameters (default: the devnet's)")
	out := fs.String("out", "network.json", "where to write the network `file` nodes load")
	return &ffcli.Command{
		Name:       "deploy",
		ShortUsage: "hydrogend deploy -rpc URL -key FILE [-params FILE] [-out network.json]",
		ShortHelp:  "Deploy the Hydrogen contracts to an EVM chain and write the network file.",
		LongHelp: "Deploys the randomness source, the node registry and the task manager, binds\n" +
			"them together and writes chain id, addresses and parameters to the network\n" +
			"file. The key is used only to sign; it is never printed or logged.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("deploy", args); err != nil {
				return err
			}
			if *rpcURL == "" || *keyFile == "" {
				return usageError{"deploy needs -rpc and -key"}
			}
			key, err := loadKey(*keyFile, *passFile)
			if err != nil {
				return err
			}
			params := chain.DefaultParams()
			if *paramsFile != "" {
				b, err := os.ReadFile(*paramsFile)
				if err != nil {
					return err
				}
				dec := json.NewDecoder(strings.NewReader(string(b)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&params); err != nil {
					return fmt.Errorf("parameters %s: %w", *paramsFile, err)
				}
			}
			if err := params.Validate(); err != nil {
				return err
			}
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			client, err := chain.Dial(dctx, *rpcURL)
			cancel()
			if err != nil {
				return fmt.Errorf("connect to %s: %w", *rpcURL, err)
			}
			defer client.Close()
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			tx, err := chain.NewTransactor(ctx, client, key, log, chain.ProtocolABIs()...)
			if err != nil {
				return fmt.Errorf("connect to %s: %w", *rpcURL, err)
			}
			tx.PollInterval = 500 * time.Millisecond
			fmt.Fprintf(e.stdout, "deploying from %s to chain %s\n", tx.From(), tx.ChainID())
			net, err := chain.Deploy(ctx, tx, params)
			if err != nil {
				return err
			}
			if err := net.Save(*out); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "registry   %s\ntasks      %s\nrandomness %s\nwrote %s\n", net.Registry, net.Tasks, net.Randomness, *out)
			return nil
		},
	}
}

// loadKey reads a hex private key file, or a keystore JSON file unlocked
// with the passphrase in passFile. Errors never include the key.
func loadKey(keyFile, passFile string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "{") {
		if passFile == "" {
			return nil, usageError{"the key file is a keystore: give -passphrase-file"}
		}
		pass, err := os.ReadFile(passFile)
		if err != nil {
			return nil, err
		}
		k, err := keystore.DecryptKey(b, strings.TrimRight(string(pass), "\r\n"))
		if err != nil {
			return nil, fmt.Errorf("keystore %s: %w", keyFile, err)
		}
		return k.PrivateKey, nil
	}
	k, err := crypto.HexToECDSA(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("key file %s does not hold a hex private key or a keystore", keyFile)
	}
	return k, nil
}
