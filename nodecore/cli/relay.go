package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

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
	retention := fs.Duration("retention", relay.DefaultLimits.Retention, "how long payloads are kept, from their first store")
	hosts := fs.String("public-host", "", "comma-separated `hosts` (host[:port], as in clients' relay URLs) that signed requests must name; without it, the Host header")
	maxConns := fs.Int("max-conns", relay.DefaultLimits.MaxConns, "most open `connections`")
	feePerMiB := fs.String("min-fee-per-mib", relay.DefaultLimits.MinFeePerMiB.String(), "least task fee in `wei` per MiB kept for a task (0: none)")
	return &ffcli.Command{
		Name:       "relay",
		ShortUsage: "hydrogend relay -data DIR -rpc URL [-network network.json] [-listen 127.0.0.1:8650] [-public-host relay.example.org]",
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
			if *maxConns < 1 {
				return usageError{"-max-conns must be at least 1"}
			}
			fee, ok := new(big.Int).SetString(*feePerMiB, 10)
			if !ok || fee.Sign() < 0 {
				return usageError{"-min-fee-per-mib must be a whole number of wei"}
			}
			network, err := chain.LoadNetwork(*netFile)
			if err != nil {
				return err
			}
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			client, err := chain.Dial(dctx, *rpcURL)
			cancel()
			if err != nil {
				return fmt.Errorf("connect to %s: %w", *rpcURL, err)
			}
			defer client.Close()
			log := slog.New(slog.NewTextHandler(e.stderr, nil))
			limits := relay.DefaultLimits
			limits.Retention = *retention
			limits.MaxConns = *maxConns
			limits.MinFeePerMiB = fee
			var opts []relay.Option
			if *hosts != "" {
				opts = append(opts, relay.WithHosts(strings.Split(*hosts, ",")...))
			} else {
				// A devnet's relay, on this machine, is fine so; a public
				// one should name its host.
				log.Warn("relay: no public host named (-public-host); signatures are checked against the Host header, so a relay that forwards requests here could replay them")
			}
			srv, err := relay.NewServer(chain.NewClient(client, network, nil), *data, limits, log, opts...)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", *listen)
			if err != nil {
				return err
			}
			hs := srv.HTTPServer()
			fmt.Fprintf(e.stdout, "relay listening on http://%s\n", ln.Addr())
			if f, ok := e.stdout.(*os.File); ok {
				_ = f.Sync()
			}
			ctx, stop := context.WithCancel(ctx)
			defer stop()
			janitor := make(chan error, 1)
			go func() { janitor <- srv.RunJanitor(ctx) }()
			served := make(chan error, 1)
			go func() { served <- hs.Serve(srv.LimitListener(ln)) }()
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
