package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/installer/service"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// needService fails under HYDROGEN_TEST_FULL (CI) and skips elsewhere
// when this machine cannot register a SysV service.
func needService(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "registering a service needs root"
	case !strings.HasSuffix(service.Platform(), "-systemv"):
		why = "the service test is written for SysV init; this system uses " + service.Platform()
	}
	if _, err := exec.LookPath("service"); err != nil && why == "" {
		why = "no service command"
	}
	if why == "" {
		return
	}
	testenv.Requiref(t, false, "%s", why)
}

// childOf returns the PID of a child of pid (any of its threads may have
// started it).
func childOf(pid int) int {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		if f := strings.Fields(string(b)); len(f) > 0 {
			c, _ := strconv.Atoi(f[0])
			return c
		}
	}
	return 0
}

// TestServiceLifecycle registers hydrogend as a SysV service on a devnet,
// starts it, connects to its local API as the app does, kills the node
// with SIGKILL and sees the service bring it back, stops it, and
// uninstalls it leaving nothing behind: no init script, no rc links, no
// pid file, no logs.
func TestServiceLifecycle(t *testing.T) {
	needService(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	data := t.TempDir()
	pass := filepath.Join(data, "passphrase")
	if err := os.WriteFile(pass, []byte("service test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(LightScryptEnv, "1")
	if code, _, errOut := run(t, "wallet", "create", "-data", data, "-passphrase-file", pass); code != ExitOK {
		t.Fatalf("wallet create: %s", errOut)
	}
	b, err := os.ReadFile(d.NetworkFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "network.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	addr, _ := wallet.Address(data)

	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	name := "hydrogend-test-" + hex.EncodeToString(suffix[:])
	script := "/etc/init.d/" + name
	leftovers := func() []string {
		var left []string
		for _, p := range []string{script, "/var/run/" + name + ".pid", "/var/log/" + name + ".log", "/var/log/" + name + ".err"} {
			if _, err := os.Lstat(p); err == nil {
				left = append(left, p)
			}
		}
		links, _ := filepath.Glob("/etc/rc?.d/*" + name)
		return append(left, links...)
	}
	defer func() {
		if len(leftovers()) > 0 {
			run(t, "service", "uninstall", "-name", name) // after a failure
		}
	}()
	status := func() string {
		_, out, _ := run(t, "service", "status", "-name", name)
		return strings.TrimSpace(out)
	}
	if code, _, errOut := run(t, "service", "install", "-name", name, "-data", data, "-exe-dir", filepath.Join(t.TempDir(), "lib"),
		"-env", asHydrogend+"=1", "-env", LightScryptEnv+"=1", "--", "-poll", "100ms"); code != ExitOK {
		t.Fatalf("install: %s", errOut)
	}
	if links, _ := filepath.Glob("/etc/rc?.d/*" + name); len(links) != 7 {
		t.Fatalf("rc links after install: %v", links)
	}
	if code, _, _ := run(t, "service", "install", "-name", name, "-data", data); code == ExitOK {
		t.Fatal("a second install succeeded")
	}
	if st := status(); st != "stopped (unix-systemv)" {
		t.Fatalf("status after install: %q", st)
	}
	if code, _, errOut := run(t, "service", "start", "-name", name); code != ExitOK {
		t.Fatalf("start: %s", errOut)
	}
	if st := status(); st != "running (unix-systemv)" {
		t.Fatalf("status after start: %q", st)
	}
	// The app connects to the service's daemon.
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	connected := func() api.Status {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			s, err := c.Status(ctx)
			// In the network; paused on chain, since no presence reaches
			// this service (the owner may be there).
			if err == nil && s.Address == addr.Hex() && (s.State == "available" || s.State == "paused") {
				return s
			}
			if time.Now().After(deadline) {
				logs, _ := os.ReadFile("/var/log/" + name + ".err")
				t.Fatalf("the service's API: %+v %v\n%s", s, err, logs)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	connected()
	waitNodeState(t, ctx, d, addr, chain.NodePaused)

	// Recovery: the node killed dead comes back by itself.
	pidText, err := os.ReadFile("/var/run/" + name + ".pid")
	if err != nil {
		t.Fatal(err)
	}
	super, _ := strconv.Atoi(strings.TrimSpace(string(pidText)))
	child := childOf(super)
	if child == 0 {
		t.Fatalf("the supervisor %d has no child", super)
	}
	if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c2 := childOf(super); c2 != 0 && c2 != child {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the service did not restart its node")
		}
		time.Sleep(100 * time.Millisecond)
	}
	connected()

	if code, _, errOut := run(t, "service", "stop", "-name", name); code != ExitOK {
		t.Fatalf("stop: %s", errOut)
	}
	if st := status(); st != "stopped (unix-systemv)" {
		t.Fatalf("status after stop: %q", st)
	}
	if _, err := c.Status(ctx); err == nil {
		t.Fatal("the API still answers after stop")
	}
	if err := syscall.Kill(super, 0); err == nil {
		t.Fatalf("the supervisor %d still runs", super)
	}
	if code, _, errOut := run(t, "service", "uninstall", "-name", name); code != ExitOK {
		t.Fatalf("uninstall: %s", errOut)
	}
	if left := leftovers(); len(left) > 0 {
		t.Fatalf("uninstall left %v", left)
	}
	if st := status(); st != "not installed (unix-systemv)" {
		t.Fatalf("status after uninstall: %q", st)
	}
}
