// Command hydrogen-refengine is the reference engine's server, built
// static (CGO_ENABLED=0) into a FROM scratch image: it serves the ComfyUI
// and OpenAI-compatible subsets on a unix socket in a directory the
// worker mounts. Its probe subcommand reports, from inside a container,
// the network it sees, for the worker's isolation tests.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/engine/reference/refserver"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "probe" {
		os.Exit(probe(os.Args[2:]))
	}
	fs := flag.NewFlagSet("hydrogen-refengine", flag.ExitOnError)
	socket := fs.String("socket", "", "unix socket `path` to serve on")
	listen := fs.String("listen", "", "TCP `address` to serve on instead")
	step := fs.Duration("step-time", 0, "time each sampler step takes (simulates a busy GPU)")
	fs.Parse(os.Args[1:])
	var ln net.Listener
	var err error
	switch {
	case *socket != "":
		_ = os.Remove(*socket)
		ln, err = net.Listen("unix", *socket)
		if err == nil {
			err = os.Chmod(*socket, 0o660)
		}
	case *listen != "":
		ln, err = net.Listen("tcp", *listen)
	default:
		err = fmt.Errorf("-socket or -listen is required")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hydrogen-refengine:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := refserver.New()
	s.StepTime = *step
	go s.Run(ctx)
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Fprintf(os.Stderr, "reference engine (synthetic output) serving on %s\n", ln.Addr())
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "hydrogen-refengine:", err)
		os.Exit(1)
	}
}

// probeReport is what probe prints.
type probeReport struct {
	Interfaces []string `json:"interfaces"` // name and addresses
	Routes     []string `json:"routes"`     // /proc/net/route and ipv6_route lines
	Dial       string   `json:"dial"`       // "ok" or the error
}

func probe(args []string) int {
	fs := flag.NewFlagSet("probe", flag.ExitOnError)
	dial := fs.String("dial", "", "TCP `address` to try to connect to")
	fs.Parse(args)
	var r probeReport
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		addrs, _ := i.Addrs()
		var as []string
		for _, a := range addrs {
			as = append(as, a.String())
		}
		r.Interfaces = append(r.Interfaces, i.Name+" "+strings.Join(as, ","))
	}
	for _, f := range []string{"/proc/net/route", "/proc/net/ipv6_route"} {
		b, _ := os.ReadFile(f)
		for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line != "" && !(f == "/proc/net/route" && i == 0) { // skip the header
				r.Routes = append(r.Routes, strings.Join(strings.Fields(line), " "))
			}
		}
	}
	if *dial != "" {
		c, err := net.DialTimeout("tcp", *dial, 2*time.Second)
		if err != nil {
			r.Dial = err.Error()
		} else {
			r.Dial = "ok"
			c.Close()
		}
	}
	json.NewEncoder(os.Stdout).Encode(r)
	return 0
}
