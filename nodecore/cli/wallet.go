package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// LightScryptEnv, set to 1, makes new keystores use go-ethereum's light
// scrypt parameters: for tests only, where the standard ones cost a
// second and 256 MB per unlock.
const LightScryptEnv = "HYDROGEN_TEST_LIGHT_SCRYPT"

func scryptParams() wallet.Scrypt {
	if os.Getenv(LightScryptEnv) == "1" {
		return wallet.Scrypt{N: keystore.LightScryptN, P: keystore.LightScryptP}
	}
	return wallet.Standard
}

// readPassphrase reads a passphrase file; an empty passphrase is refused.
func readPassphrase(path, flagName string) (string, error) {
	if path == "" {
		return "", usageError{flagName + " is required"}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("passphrase file: %w", err)
	}
	p := strings.TrimRight(string(b), "\r\n")
	if p == "" {
		return "", fmt.Errorf("passphrase file %s is empty", path)
	}
	return p, nil
}

func (e *env) walletCommand() *ffcli.Command {
	dataFlag := func(name string) (*ffcli.Command, *string, *string) {
		fs := e.flagSet("wallet " + name)
		data := fs.String("data", datadir.Default(), "data `directory` holding the wallet")
		pass := fs.String("passphrase-file", "", "`file` with the wallet's passphrase (one line, mode 0600)")
		return &ffcli.Command{Name: name, FlagSet: fs}, data, pass
	}

	create, cData, cPass := dataFlag("create")
	create.ShortUsage = "hydrogend wallet create -data DIR -passphrase-file FILE"
	create.ShortHelp = "Create a new wallet, encrypted with the passphrase."
	create.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("wallet create", args); err != nil {
			return err
		}
		pass, err := readPassphrase(*cPass, "-passphrase-file")
		if err != nil {
			return err
		}
		addr, err := wallet.Create(*cData, pass, scryptParams())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created wallet %s in %s\n", addr, *cData)
		return nil
	}

	imp, iData, iPass := dataFlag("import")
	keyFile := imp.FlagSet.String("key", "", "`file` with the key: a hex private key or a keystore JSON")
	keyPass := imp.FlagSet.String("key-passphrase-file", "", "`file` with the keystore's own passphrase (keystore JSON only)")
	imp.ShortUsage = "hydrogend wallet import -data DIR -passphrase-file FILE -key FILE [-key-passphrase-file FILE]"
	imp.ShortHelp = "Import a private key or a keystore file as the wallet."
	imp.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("wallet import", args); err != nil {
			return err
		}
		if *keyFile == "" {
			return usageError{"wallet import needs -key"}
		}
		pass, err := readPassphrase(*iPass, "-passphrase-file")
		if err != nil {
			return err
		}
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return err
		}
		var addr fmt.Stringer
		if s := strings.TrimSpace(string(b)); strings.HasPrefix(s, "{") {
			old, err := readPassphrase(*keyPass, "-key-passphrase-file")
			if err != nil {
				return err
			}
			a, err := wallet.ImportKeystore(*iData, b, old, pass, scryptParams())
			if err != nil {
				return err
			}
			addr = a
		} else {
			a, err := wallet.ImportHex(*iData, s, pass, scryptParams())
			if err != nil {
				return err
			}
			addr = a
		}
		fmt.Fprintf(e.stdout, "imported wallet %s into %s\n", addr, *iData)
		return nil
	}

	exp, eData, ePass := dataFlag("export")
	backupPass := exp.FlagSet.String("backup-passphrase-file", "", "`file` with the passphrase the backup is encrypted under (at least 8 characters)")
	out := exp.FlagSet.String("out", "", "the backup `file` to write (never an existing one)")
	exp.ShortUsage = "hydrogend wallet export -data DIR -backup-passphrase-file FILE -out FILE [-passphrase-file FILE]"
	exp.ShortHelp = "Write a backup of the wallet (a keystore file under a passphrase of yours)."
	exp.LongHelp = "Once the node runs, the window's backup asks for this: the key leaves a running\n" +
		"node only to an administrator (run it with sudo), never to any program of the\n" +
		"desktop user's. The backup is a standard Ethereum keystore file."
	exp.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("wallet export", args); err != nil {
			return err
		}
		if *out == "" {
			return usageError{"wallet export needs -out"}
		}
		pass, err := readPassphrase(*backupPass, "-backup-passphrase-file")
		if err != nil {
			return err
		}
		addr, b, err := wallet.Export(*eData, *ePass, pass, scryptParams())
		if err != nil {
			return err
		}
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			os.Remove(*out)
			return err
		}
		if err := f.Close(); err != nil {
			os.Remove(*out)
			return err
		}
		fmt.Fprintf(e.stdout, "wrote a backup of wallet %s to %s\n", addr, *out)
		return nil
	}

	show, sData, _ := dataFlag("address")
	show.ShortUsage = "hydrogend wallet address [-data DIR]"
	show.ShortHelp = "Print the wallet's address (no passphrase needed)."
	show.Exec = func(ctx context.Context, args []string) error {
		if err := noArgs("wallet address", args); err != nil {
			return err
		}
		addr, err := wallet.Address(*sData)
		if errors.Is(err, wallet.ErrNoWallet) {
			return fmt.Errorf("no wallet in %s", *sData)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, addr)
		return nil
	}
	return &ffcli.Command{
		Name:        "wallet",
		ShortUsage:  "hydrogend wallet <create|import|export|address> [flags]",
		ShortHelp:   "Create, import or show the node's wallet (an encrypted Ethereum keystore).",
		FlagSet:     e.flagSet("wallet"),
		Subcommands: []*ffcli.Command{create, imp, exp, show},
		Exec: func(context.Context, []string) error {
			return usageError{"wallet needs a subcommand: create, import, export or address"}
		},
	}
}
