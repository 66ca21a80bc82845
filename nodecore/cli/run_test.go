package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// asHydrogend, set in a re-executed test binary, makes it hydrogend.
const asHydrogend = "HYDROGEN_TEST_AS_HYDROGEND"

func TestMain(m *testing.M) {
	if os.Getenv(asHydrogend) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// proc is a hydrogend process: this test binary re-executed.
type proc struct {
	cmd    *exec.Cmd
	halted chan string // the halt marker line, once
	exited chan error
	mu     sync.Mutex
	log    strings.Builder
}

func startDaemon(t *testing.T, haltAt string, args ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), asHydrogend+"=1", LightScryptEnv+"=1")
	if haltAt != "" {
		cmd.Env = append(cmd.Env, HaltEnv+"="+haltAt)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &proc{cmd: cmd, halted: make(chan string, 1), exited: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			d.mu.Lock()
			d.log.WriteString(line + "\n")
			d.mu.Unlock()
			if strings.HasPrefix(line, HaltMarker) {
				d.halted <- line
			}
		}
		d.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-d.exited
		if t.Failed() {
			t.Logf("hydrogend log:\n%s", d.logText())
		}
	})
	return d
}

// newNodeData makes a data directory with a wallet (and its passphrase
// file) for a hydrogend process.
func newNodeData(t *testing.T) (string, common.Address) {
	t.Helper()
	data := t.TempDir()
	pass := filepath.Join(data, "passphrase")
	if err := os.WriteFile(pass, []byte("test passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(LightScryptEnv, "1")
	if code, _, errOut := run(t, "wallet", "create", "-data", data, "-passphrase-file", pass); code != ExitOK {
		t.Fatalf("wallet create: %d %s", code, errOut)
	}
	addr, err := wallet.Address(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, addr
}

func (d *proc) logText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

// TestKill9AtEachPhase runs `hydrogend run` as a process beside a devnet
// with two peers, so that every task includes it, and kills it with
// SIGKILL at each phase of a task: after fetching the arguments, after
// computing, after committing, after disclosing, while uploading. The
// restarted process finishes the task: it settles with all three nodes
// paid, the node is never slashed, and its ledger holds exactly one row
// per task whose sum matches what the chain owes it, to the wei.
func TestKill9AtEachPhase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and hydrogend processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var holdPeers sync.Map // phase -> bool: peers wait after disclosing
	d, err := devnet.Start(ctx, devnet.Config{
		Dir: t.TempDir(), RPCPort: 0, HTTPPort: 0, Peers: 2, NodePoll: 50 * time.Millisecond,
		MaxLead: 20 * time.Second, // the process checks the clock against the chain's
		PeerAtPhase: func(peer, phase string, task uint64) {
			// Peers let the process record the result first, so that it
			// is the node that uploads (the "uploading" phase).
			if phase == node.PhaseDisclosed {
				if _, ok := holdPeers.Load("hold"); ok {
					time.Sleep(1500 * time.Millisecond)
				}
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	data, addr := newNodeData(t)
	args := []string{"run", "-data", data, "-network", d.NetworkFile, "-poll", "50ms", "-v", "-mirror-networks", "127.0.0.0/8"}

	var ids []uint64
	for i, phase := range []string{node.PhaseFetched, node.PhaseComputed, node.PhaseCommitted, node.PhaseDisclosed, node.PhaseUploading} {
		t.Run(phase, func(t *testing.T) {
			if phase == node.PhaseUploading {
				holdPeers.Store("hold", true)
				defer holdPeers.Delete("hold")
			}
			p := startDaemon(t, phase, args...)
			waitNodeState(t, ctx, d, addr, chain.NodeAvailable) // the first start joins through the faucet
			kind := engine.KindImage
			if i%2 == 1 {
				kind = engine.KindText
			}
			id, err := d.Source().Create(ctx, kind)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			select {
			case line := <-p.halted:
				t.Logf("%s; sending SIGKILL", line)
			case err := <-p.exited:
				t.Fatalf("hydrogend exited before the phase: %v", err)
			case <-time.After(60 * time.Second):
				t.Fatalf("hydrogend did not reach phase %s of task %d", phase, id)
			}
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := <-p.exited; err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("hydrogend exit after SIGKILL: %v", err)
			}
			p.exited <- nil // for the cleanup

			q := startDaemon(t, "", args...)
			waitTaskSettledFor(t, ctx, d, data, id)
			// The daemon's local API answers with the node's state and
			// the hire-out decision (a headless rig here).
			st, err := (&api.Client{Socket: filepath.Join(data, "hydrogend.sock")}).Status(ctx)
			if err != nil || st.Address != addr.Hex() || !st.Decision.Earn || st.Decision.Reason != "earn_headless" {
				t.Fatalf("local API status %+v, %v", st, err)
			}
			if tasks, err := (&api.Client{Socket: filepath.Join(data, "hydrogend.sock")}).Tasks(ctx, 10); err != nil || len(tasks) == 0 || tasks[0].ID != id || tasks[0].Outcome != "paid" {
				t.Fatalf("local API tasks %+v, %v", tasks, err)
			}
			waitLogLine(t, ctx, data, "task settled")
			// Stop cleanly for the next phase's halting process.
			if err := q.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-q.exited:
				if err != nil {
					t.Fatalf("hydrogend after SIGTERM: %v", err)
				}
				q.exited <- nil
			case <-time.After(30 * time.Second):
				t.Fatal("hydrogend did not stop on SIGTERM")
			}
		})
		if t.Failed() {
			return
		}
	}

	info, err := d.App().Node(ctx, addr)
	if err != nil || info.State == chain.NodeQuit || info.Stake.Sign() == 0 {
		t.Fatalf("node after five kills: %+v %v", info, err)
	}
	l, err := ledger.Open(filepath.Join(data, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tot, err := l.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tot.Tasks != len(ids) || tot.ByResult[ledger.Paid] != len(ids) {
		t.Fatalf("ledger: %d rows %v, want %d paid", tot.Tasks, tot.ByResult, len(ids))
	}
	owed, err := d.App().FeeBalance(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	if tot.Earned.Cmp(owed) != 0 {
		t.Fatalf("ledger says %s wei, the chain owes %s", tot.Earned, owed)
	}
}

// waitLogLine waits until the daemon's local API shows a log line
// containing want: the ledger row is written a moment before its line.
func waitLogLine(t *testing.T, ctx context.Context, data, want string) {
	t.Helper()
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	deadline := time.Now().Add(10 * time.Second)
	for {
		lines, err := c.Logs(ctx, 50)
		if err == nil && strings.Contains(strings.Join(lines, "\n"), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("local API logs %q, %v: no line with %q", lines, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitNodeState(t *testing.T, ctx context.Context, d *devnet.Devnet, addr common.Address, want chain.NodeState) {
	t.Helper()
	// A minute, or up to three when the test's context allows: a first
	// start may build the reference engine's image before it joins (over
	// a minute on a loaded clean machine).
	deadline := time.Now().Add(60 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.After(deadline) {
		deadline = time.Now().Add(min(time.Until(dl), 3*time.Minute))
	}
	for {
		info, err := d.App().Node(ctx, addr)
		if err == nil && info.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s is %v (%v), want %s", addr, info.State, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitTaskSettledFor waits until task id is done on chain with every node
// paid, the result is readable, and the process's ledger has it paid.
func waitTaskSettledFor(t *testing.T, ctx context.Context, d *devnet.Devnet, data string, id uint64) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		if err := d.Source().Check(ctx); err != nil {
			t.Fatal(err)
		}
		for _, st := range d.Source().Tasks() {
			if st.ID != id {
				continue
			}
			if st.Problem != "" {
				t.Fatalf("task %d: %s", id, st.Problem)
			}
			last = fmt.Sprintf("state %s honest %03b checked %v", st.State, st.Honest, st.Checked)
			if !st.Checked {
				break
			}
			if st.Honest != 7 {
				t.Fatalf("task %d: %s", id, last)
			}
			l, err := ledger.Open(filepath.Join(data, "ledger.db"))
			if err != nil {
				t.Fatal(err)
			}
			e, err := l.Get(ctx, id)
			l.Close()
			if err == nil && e.Outcome == ledger.Paid {
				return
			}
			last += fmt.Sprintf("; ledger %v %v", e.Outcome, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("task %d not settled in 90 s: %s", id, last)
}
