// Package soak is Hydrogen's reliability soak: a real `hydrogend run`
// process on a devnet (two in-process peers, so that every task seats
// it) is killed with SIGKILL at random moments over many tasks, and cut
// off from its RPC endpoint and from the relay for a while, each through
// a loopback proxy the soak controls. At the end the node's books are
// checked against the chain: every task settled, nobody slashed, the
// ledger to the wei what the chain owes.
package soak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// Config says what the soak plays.
type Config struct {
	// Exe is the hydrogend binary run as the node; Env is added to its
	// environment.
	Exe string
	Env []string
	// Dir keeps the devnet, the node's data and its log.
	Dir string
	// Tasks is how many tasks are created, one after another.
	Tasks int
	// KillRate is the share of tasks during which the node is killed
	// with SIGKILL (at a random moment in the first seconds).
	KillRate float64
	// Cut is how long the RPC endpoint, then the relay, are cut off
	// (once each, a third and two thirds of the way); 0: never.
	Cut time.Duration
	// TaskWait bounds the wait for one task to settle (it is then
	// counted stuck and the soak goes on).
	TaskWait time.Duration
	// Dockerd, when set, is a dockerd binary: the node then runs its
	// engines in Docker (-engine docker) on an engine of the soak's own,
	// which is restarted halfway, in the middle of a task. Needs root.
	Dockerd string
	// Scrypt is the node wallet's keystore strength (zero: standard).
	Scrypt wallet.Scrypt
	Seed   uint64
	// Log receives the soak's progress (nil: none).
	Log *slog.Logger
}

// Report is what the soak saw.
type Report struct {
	Tasks          int // created
	Settled        int // settled on chain and checked by the application
	Paid           int // paid to the node, per its ledger
	Kills          int // SIGKILLs sent
	Restarts       int // node processes started after the first
	RPCCuts        int
	RelayCuts      int
	DockerRestarts int
	HonestSlashes  int      // the node's slashes (ledger rows and stake lost)
	LedgerDiff     *big.Int // ledger's earnings less what the chain owes, wei
	Stuck          []uint64 // tasks not settled in time
	Problems       []string // the application's findings on results
	Elapsed        time.Duration
	StakeLost      *big.Int
	UnpaidOrFailed int // tasks the node did not earn on (late after a cut, say)
	Exits          int // the node exiting by itself (no RPC at start), restarted
}

// Failed reports whether anything a soak must never see happened.
func (r Report) Failed() bool {
	return r.HonestSlashes != 0 || r.LedgerDiff.Sign() != 0 || len(r.Stuck) != 0 || len(r.Problems) != 0 || r.StakeLost.Sign() != 0
}

// Write prints the report as a table.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "hydrogend bench soak: %d tasks in %s\n\n", r.Tasks, r.Elapsed.Round(time.Second))
	rows := [][2]string{
		{"tasks created", fmt.Sprint(r.Tasks)},
		{"tasks settled and checked", fmt.Sprint(r.Settled)},
		{"paid to the node", fmt.Sprint(r.Paid)},
		{"not earned (late after a kill or a cut)", fmt.Sprint(r.UnpaidOrFailed)},
		{"SIGKILLs", fmt.Sprint(r.Kills)},
		{"node restarts after a kill", fmt.Sprint(r.Restarts)},
		{"node exits restarted (as by its service)", fmt.Sprint(r.Exits)},
		{"RPC cut off", fmt.Sprint(r.RPCCuts)},
		{"relay cut off", fmt.Sprint(r.RelayCuts)},
		{"dockerd restarted mid-task", fmt.Sprint(r.DockerRestarts)},
		{"honest slashes (want 0)", fmt.Sprint(r.HonestSlashes)},
		{"stake lost, wei (want 0)", r.StakeLost.String()},
		{"ledger − chain, wei (want 0)", r.LedgerDiff.String()},
		{"stuck tasks (want 0)", fmt.Sprint(len(r.Stuck))},
		{"bad results (want 0)", fmt.Sprint(len(r.Problems))},
	}
	for _, row := range rows {
		fmt.Fprintf(w, "  %-42s %s\n", row[0], row[1])
	}
	for _, id := range r.Stuck {
		fmt.Fprintf(w, "  stuck: task %d\n", id)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  bad result: %s\n", p)
	}
}

// Run plays the soak.
func Run(ctx context.Context, cfg Config) (Report, error) {
	start := time.Now()
	rep := Report{LedgerDiff: new(big.Int), StakeLost: new(big.Int)}
	switch {
	case cfg.Exe == "" || cfg.Dir == "":
		return rep, errors.New("soak: a hydrogend binary and a directory are required")
	case cfg.Tasks < 1:
		return rep, errors.New("soak: at least one task")
	case cfg.KillRate < 0 || cfg.KillRate > 1:
		return rep, errors.New("soak: the kill rate is a share, 0 to 1")
	}
	if cfg.TaskWait <= 0 {
		cfg.TaskWait = 3*time.Minute + 2*cfg.Cut
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x50a4))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	d, err := devnet.Start(ctx, devnet.Config{
		Dir: filepath.Join(cfg.Dir, "devnet"), Peers: 2, NodePoll: 100 * time.Millisecond,
		MaxLead: 20 * time.Second, // the node checks its clock against the chain's
		Log:     log.With("part", "devnet"),
	})
	if err != nil {
		return rep, err
	}
	defer d.Close()
	rpcProxy, relayProxy, netFile, err := proxied(ctx, d, cfg.Dir)
	if err != nil {
		return rep, err
	}
	defer func() {
		cancel()
		rpcProxy.Close()
		relayProxy.Close()
	}()

	data := filepath.Join(cfg.Dir, "node")
	addr, err := newNode(data, cfg.Scrypt)
	if err != nil {
		return rep, err
	}
	n := &nodeProc{exe: cfg.Exe, env: cfg.Env, log: filepath.Join(cfg.Dir, "node.log"),
		args: []string{"run", "-data", data, "-network", netFile, "-poll", "100ms", "-mirror-networks", "127.0.0.0/8,::1"}}
	var dk *dockerd
	if cfg.Dockerd != "" {
		dk = &dockerd{bin: cfg.Dockerd, dir: filepath.Join(cfg.Dir, "docker")}
		if err := dk.start(ctx); err != nil {
			return rep, err
		}
		defer dk.stop()
		n.args = append(n.args, "-engine", "docker", "-docker-host", dk.Host())
	}
	if err := n.start(); err != nil {
		return rep, err
	}
	defer n.stop()
	if err := waitAvailable(ctx, d, addr, 2*time.Minute); err != nil {
		return rep, err
	}
	stake, err := stakeOf(ctx, d, addr)
	if err != nil {
		return rep, err
	}
	log.Info("the node joined", "address", addr, "stake_wei", stake)

	for i := range cfg.Tasks {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		switch {
		case cfg.Cut > 0 && i == cfg.Tasks/3:
			log.Info("cutting the RPC endpoint off", "for", cfg.Cut)
			rpcProxy.Cut(ctx, cfg.Cut)
			rep.RPCCuts++
		case cfg.Cut > 0 && i == 2*cfg.Tasks/3:
			log.Info("cutting the relay off", "for", cfg.Cut)
			relayProxy.Cut(ctx, cfg.Cut)
			rep.RelayCuts++
		}
		kind := engine.KindImage
		if i%2 == 1 {
			kind = engine.KindText
		}
		id, err := create(ctx, d, kind, cfg.TaskWait)
		if err != nil {
			return rep, err
		}
		rep.Tasks++
		if dk != nil && i == cfg.Tasks/2 {
			// In the middle of the task: its container goes with the engine.
			time.Sleep(time.Duration(rng.Int64N(int64(2 * time.Second))))
			log.Info("restarting dockerd", "task", id)
			if err := dk.restart(ctx); err != nil {
				return rep, err
			}
			rep.DockerRestarts++
		}
		if rng.Float64() < cfg.KillRate {
			time.Sleep(time.Duration(rng.Int64N(int64(3 * time.Second))))
			if err := n.kill(); err != nil {
				return rep, err
			}
			rep.Kills++
			time.Sleep(time.Duration(rng.Int64N(int64(time.Second))))
			if err := n.start(); err != nil {
				return rep, err
			}
			rep.Restarts++
		}
		if err := waitFinal(ctx, d, id, cfg.TaskWait); err != nil {
			log.Warn("a task did not settle in time", "task", id, "err", err)
			rep.Stuck = append(rep.Stuck, id)
		}
		log.Info("task done", "task", id, "n", i+1, "of", cfg.Tasks, "kills", rep.Kills)
	}
	// The application is done with every task; the node records the
	// last settlements a moment later (its stream lags the chain).
	if err := waitLedgerSettled(ctx, filepath.Join(data, "hydrogend.sock"), 2*time.Minute); err != nil {
		log.Warn("the node's ledger still has open tasks", "err", err)
	}
	n.stop()
	rep.Exits = n.exited()

	for _, t := range d.Source().Tasks() {
		if t.Checked {
			rep.Settled++
		}
		if t.Problem != "" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("task %d: %s", t.ID, t.Problem))
		}
	}
	l, err := ledger.Open(filepath.Join(data, "ledger.db"))
	if err != nil {
		return rep, err
	}
	defer l.Close()
	tot, err := l.Totals(ctx)
	if err != nil {
		return rep, err
	}
	rep.Paid = tot.ByResult[ledger.Paid]
	rep.HonestSlashes = tot.ByResult[ledger.Slashed]
	rep.UnpaidOrFailed = tot.Tasks - rep.Paid - rep.HonestSlashes - tot.ByResult[ledger.Pending]
	owed, err := d.App().FeeBalance(ctx, addr)
	if err != nil {
		return rep, err
	}
	shares, err := d.App().StakeBalance(ctx, addr) // shares of slashed stake: earnings too
	if err != nil {
		return rep, err
	}
	rep.LedgerDiff.Sub(tot.Earned, owed.Add(owed, shares))
	now, err := stakeOf(ctx, d, addr)
	if err != nil {
		return rep, err
	}
	rep.StakeLost.Sub(stake, now)
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// proxied writes the node's network file: the devnet's, with the RPC
// endpoint and the relay behind proxies the soak can cut.
func proxied(ctx context.Context, d *devnet.Devnet, dir string) (rpcP, relayP *proxy, file string, err error) {
	nw := *d.Network
	through := func(raw string) (*proxy, string, error) {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, "", err
		}
		p, err := newProxy(ctx, u.Host)
		if err != nil {
			return nil, "", err
		}
		u.Host = p.Addr()
		return p, u.String(), nil
	}
	if rpcP, nw.RPC, err = through(nw.RPC); err != nil {
		return nil, nil, "", err
	}
	if relayP, nw.Relay, err = through(nw.Relay); err != nil {
		rpcP.Close()
		return nil, nil, "", err
	}
	file = filepath.Join(dir, "node-network.json")
	if err := nw.Save(file); err != nil {
		rpcP.Close()
		relayP.Close()
		return nil, nil, "", err
	}
	return rpcP, relayP, file, nil
}

// newNode makes the node's data directory: a wallet and its passphrase.
func newNode(data string, s wallet.Scrypt) (common.Address, error) {
	if s.N == 0 {
		s = wallet.Standard
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return common.Address{}, err
	}
	const pass = "soak passphrase"
	if err := os.WriteFile(filepath.Join(data, "passphrase"), []byte(pass+"\n"), 0o600); err != nil {
		return common.Address{}, err
	}
	return wallet.Create(data, pass, s)
}

func stakeOf(ctx context.Context, d *devnet.Devnet, addr common.Address) (*big.Int, error) {
	info, err := d.App().Node(ctx, addr)
	if err != nil {
		return nil, err
	}
	return info.Stake, nil
}

func waitAvailable(ctx context.Context, d *devnet.Devnet, addr common.Address, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if info, err := d.App().Node(ctx, addr); err == nil && info.State == chain.NodeAvailable {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("soak: the node did not join within %s", limit)
}

// create creates a task, waiting while the network has too few
// available nodes (the node restarting, or waiting out a pause).
func create(ctx context.Context, d *devnet.Devnet, kind string, limit time.Duration) (uint64, error) {
	deadline := time.Now().Add(limit)
	for {
		id, err := d.Source().Create(ctx, kind)
		if !errors.Is(err, chain.ErrNotEnoughNodes) || time.Now().After(deadline) {
			return id, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// waitFinal waits until the application is done with task id.
func waitFinal(ctx context.Context, d *devnet.Devnet, id uint64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if err := d.Source().Check(ctx); err != nil {
			return err
		}
		for _, t := range d.Source().Tasks() {
			if t.ID == id && t.Final() {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("task %d: not final after %s", id, limit)
}

// waitLedgerSettled waits until the node's ledger (read through its
// local API) has no task still pending.
func waitLedgerSettled(ctx context.Context, sock string, limit time.Duration) error {
	c := &api.Client{Socket: sock}
	deadline := time.Now().Add(limit)
	for {
		tot, err := c.Totals(ctx)
		if err == nil && tot.ByOutcome[string(ledger.Pending)] == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("%d tasks pending after %s", tot.ByOutcome[string(ledger.Pending)], limit)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// nodeProc is the node's hydrogend process, its output appended to a
// log. Like the service manager in front of a real node, it starts the
// process again (after a second) when it exits without being told to: a
// node that cannot reach its RPC endpoint at start exits.
type nodeProc struct {
	exe  string
	env  []string
	args []string
	log  string

	mu      sync.Mutex // guards the fields below
	cmd     *exec.Cmd
	done    chan struct{}
	exits   int  // exits on its own, each followed by a start
	stopped bool // no more restarts
}

func (p *nodeProc) start() error {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.exe, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return err
	}
	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done, p.stopped = cmd, done, false
	p.mu.Unlock()
	go func() {
		_ = cmd.Wait() // a kill's error is the point
		f.Close()
		p.mu.Lock()
		again := p.cmd == cmd && !p.stopped // it went by itself
		if again {
			p.exits++
		}
		p.mu.Unlock()
		close(done)
		if again {
			time.Sleep(time.Second)
			p.mu.Lock()
			still := p.cmd == cmd && !p.stopped
			p.mu.Unlock()
			if still {
				_ = p.start() // a failure to start shows as a stuck task
			}
		}
	}()
	return nil
}

// exited is how many times the process exited without being told to.
func (p *nodeProc) exited() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exits
}

// kill sends SIGKILL and waits for the process to go.
func (p *nodeProc) kill() error { return p.signal(syscall.SIGKILL, false) }

// stop asks the process to stop (SIGTERM), killing it after 30 s, and
// starts it no more.
func (p *nodeProc) stop() {
	if err := p.signal(syscall.SIGTERM, true); err != nil {
		_ = p.signal(syscall.SIGKILL, true)
	}
}

func (p *nodeProc) signal(sig syscall.Signal, final bool) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.cmd = nil
	p.stopped = p.stopped || final
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-done:
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("soak: the node did not stop on %s", sig)
	}
}

// LastLines returns the node log's last n lines (for a failure).
func LastLines(dir string, n int) []string {
	f, err := os.Open(filepath.Join(dir, "node.log"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines
}
