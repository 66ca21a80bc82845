package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/relay"
)

func (e *env) relayCommand() *ffcli.Command {
	fs := e.flagSet("relay")
	listen := fs.String("listen", "127.0.0.1:8650", "`address` to serve HTTP on")
	data := fs.String("data", "", "`directory` to store payloads in (required)")
	rpcURL := fs.String("rpc", "", "the chain's JSON-RPC `URL` (required)")
	netFile := fs.String("network", "network.json", "the network `file` written by hydrogend deploy")
	retention := fs.Duration("retention", relay.DefaultLimits.Retention, "how long payloads are kept")
	return &ffcli.Command{
		Name:       "relay",
		ShortUsage: "hydrogend relay -data DIR -rpc URL [-network network.json] [-listen 127.0.0.1:8650]",
		ShortHelp:  "Run a relay: the HTTP store for task arguments and results.",
		LongHelp: "Applications store task arguments and read results; nodes read arguments and\n" +
			"store results, so nodes behind NAT never accept connections. Every write is\n" +
			"signed by a wallet and checked against the chain.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("relay", args); err != nil {
				return err
			}
			if *data == "" || *rpcURL == "" {
				return usageError{"relay needs -data and -rpc"}
			}
			if *retention < time.Minute {
				return usageError{"-retention must be at least a minute"}
			}
			network, err := chain.LoadNetwork(*netFile)
			if err != nil {
				return err
			}
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			client, err := ethclient.DialContext(dctx, *rpcURL)
			cancel()
			if err != nil {
				return fmt.Errorf("connect to %s: %w", *rpcURL, err)
			}
			defer client.Close()
			log := slog.New(slog.NewTextHandler(e.stderr, nil))
			limits := relay.DefaultLimits
			limits.Retention = *retention
			srv, err := relay.NewServer(chain.NewClient(client, network, nil), *data, limits, log)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", *listen)
			if err != nil {
				return err
			}
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
			fmt.Fprintf(e.stdout, "relay listening on http://%s\n", ln.Addr())
			if f, ok := e.stdout.(*os.File); ok {
				_ = f.Sync()
			}
			ctx, stop := context.WithCancel(ctx)
			defer stop()
			janitor := make(chan error, 1)
			go func() { janitor <- srv.RunJanitor(ctx) }()
			served := make(chan error, 1)
			go func() { served <- hs.Serve(ln) }()
			select {
			case <-ctx.Done():
			case err = <-served:
			}
			stop()
			sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer scancel()
			_ = hs.Shutdown(sctx)
			<-janitor
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
}
