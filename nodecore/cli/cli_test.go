package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hydrogen-network/hydrogen/installer/doctor"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    []string
		wantNotOut []string
	}{
		{name: "no args prints help", wantCode: ExitOK, wantOut: []string{"USAGE", "version", "doctor"}},
		{name: "--help", args: []string{"--help"}, wantCode: ExitOK, wantOut: []string{"SUBCOMMANDS", "version", "doctor", "bench", "Exit codes"}},
		{name: "-h", args: []string{"-h"}, wantCode: ExitOK, wantOut: []string{"SUBCOMMANDS"}},
		{name: "doctor help", args: []string{"doctor", "-h"}, wantCode: ExitOK, wantOut: []string{"-data-dir", "-json"}},
		{name: "version", args: []string{"version"}, wantCode: ExitOK, wantOut: []string{"Hydrogen ", "commit:", "go:       " + runtime.Version()}},
		{name: "unknown command", args: []string{"mine-bitcoin"}, wantCode: ExitUsage, wantErr: []string{`unknown command "mine-bitcoin"`, "USAGE"}},
		{name: "unknown flag", args: []string{"doctor", "--frobnicate"}, wantCode: ExitUsage, wantErr: []string{"flag provided but not defined: -frobnicate"}},
		{name: "stray argument", args: []string{"version", "extra"}, wantCode: ExitUsage, wantErr: []string{"version takes no arguments"}},
		{name: "bench without a benchmark", args: []string{"bench"}, wantCode: ExitUsage, wantErr: []string{"bench needs a benchmark"}},
		{name: "bench gas bad size", args: []string{"bench", "gas", "-nodes", "10,x"}, wantCode: ExitUsage, wantErr: []string{`"x" is not a size`}},
		{name: "bench gas too few tasks", args: []string{"bench", "gas", "-tasks", "0"}, wantCode: ExitUsage, wantErr: []string{"-tasks must be"}},
		{name: "relay without flags", args: []string{"relay"}, wantCode: ExitUsage, wantErr: []string{"relay needs -data and -rpc"}},
		{name: "relay short retention", args: []string{"relay", "-data", "/tmp/x", "-rpc", "http://127.0.0.1:1", "-retention", "1s"}, wantCode: ExitUsage, wantErr: []string{"-retention must be"}},
		{name: "relay without network file", args: []string{"relay", "-data", "/tmp/x", "-rpc", "http://127.0.0.1:1", "-network", "/nonexistent/network.json"}, wantCode: ExitFailure, wantErr: []string{"no such file"}},
		{name: "bench network bad share", args: []string{"bench", "network", "-collude", "0.1,x"}, wantCode: ExitUsage, wantErr: []string{`-collude: "x" is not a share`}},
		{name: "bench network too many dishonest", args: []string{"bench", "network", "-collude", "0.6", "-lazy", "0.5"}, wantCode: ExitUsage, wantErr: []string{"honest nodes need the rest"}},
		{name: "bench network bad fee", args: []string{"bench", "network", "-fee", "lots"}, wantCode: ExitUsage, wantErr: []string{`-fee: "lots" is not an amount`}},
		{name: "bench network too few nodes", args: []string{"bench", "network", "-nodes", "5"}, wantCode: ExitUsage, wantErr: []string{"at least 10 nodes"}},
		{name: "bench gas", args: []string{"bench", "gas", "-nodes", "10,20", "-tasks", "3"}, wantCode: ExitOK, wantOut: []string{"total per task", "disclose 3 + judge", "audit amortised", "registered nodes"}},
		{name: "help lists the node commands", args: []string{"--help"}, wantCode: ExitOK, wantOut: []string{"  run ", "  devnet ", "  wallet "}},
		{name: "devnet stray argument", args: []string{"devnet", "now"}, wantCode: ExitUsage, wantErr: []string{"devnet takes no arguments"}},
		{name: "devnet negative peers", args: []string{"devnet", "-peers", "-1"}, wantCode: ExitUsage, wantErr: []string{"-peers and -cheaters"}},
		{name: "devnet too many peers", args: []string{"devnet", "-peers", "60", "-cheaters", "5"}, wantCode: ExitUsage, wantErr: []string{"-peers and -cheaters"}},
		{name: "devnet bad rate", args: []string{"devnet", "-rate", "-3"}, wantCode: ExitUsage, wantErr: []string{"-rate must be"}},
		{name: "devnet exit without tasks", args: []string{"devnet", "-exit-when-done"}, wantCode: ExitUsage, wantErr: []string{"-exit-when-done needs -tasks"}},
		{name: "devnet bad port", args: []string{"devnet", "-port", "70000"}, wantCode: ExitUsage, wantErr: []string{"ports are between"}},
		{name: "devnet tiny block period", args: []string{"devnet", "-block-period", "1ms"}, wantCode: ExitUsage, wantErr: []string{"-block-period"}},
		{name: "bench handback no runs", args: []string{"bench", "handback", "-runs", "0"}, wantCode: ExitUsage, wantErr: []string{"-runs must be"}},
		{name: "bench presence no trials", args: []string{"bench", "presence", "-trials", "0"}, wantCode: ExitUsage, wantErr: []string{"-samples and -trials"}},
		{name: "bench node no tasks", args: []string{"bench", "node", "-tasks", "0"}, wantCode: ExitUsage, wantErr: []string{"-tasks must be"}},
		{name: "run bad presence", args: []string{"run", "-presence", "maybe"}, wantCode: ExitUsage, wantErr: []string{"-presence is none, api or local"}},
		{name: "run bad writer", args: []string{"run", "-api-writers", "1000,bob"}, wantCode: ExitUsage, wantErr: []string{`"bob" is not a user ID`}},
		{name: "run silly temperature", args: []string{"run", "-temp-limit", "300"}, wantCode: ExitUsage, wantErr: []string{"-temp-limit 40 to 100"}},
		{name: "run other engine", args: []string{"run", "-engine", "comfyui"}, wantCode: ExitUsage, wantErr: []string{"want reference or docker"}},
		{name: "run bad reference time", args: []string{"run", "-reference-time", "-1s"}, wantCode: ExitUsage, wantErr: []string{"-reference-time must be"}},
		{name: "leave without a node", args: []string{"leave", "-socket", "/nonexistent/hydrogend.sock"}, wantCode: ExitFailure, wantErr: []string{"the node does not answer on /nonexistent/hydrogend.sock", "is `hydrogend run`"}},
		{name: "join stray argument", args: []string{"join", "now"}, wantCode: ExitUsage, wantErr: []string{"join takes no arguments"}},
		{name: "account without a node", args: []string{"account", "-socket", "/nonexistent/hydrogend.sock"}, wantCode: ExitFailure, wantErr: []string{"the node does not answer"}},
		{name: "help lists leave and join", args: []string{"--help"}, wantCode: ExitOK, wantOut: []string{"  leave ", "  join ", "  account "}},
		{name: "run without network file", args: []string{"run", "-data", "/nonexistent/hydrogen", "-api", "off"}, wantCode: ExitFailure, wantErr: []string{"/nonexistent/hydrogen/network.json"}},
		{name: "service without subcommand", args: []string{"service"}, wantCode: ExitUsage, wantErr: []string{"service needs a subcommand"}},
		{name: "service bad name", args: []string{"service", "install", "-name", "../etc"}, wantCode: ExitUsage, wantErr: []string{"is not a service name"}},
		{name: "service bad env", args: []string{"service", "install", "-env", "A=$(reboot)"}, wantCode: ExitUsage, wantErr: []string{"is not KEY=VALUE"}},
		{name: "service status stray", args: []string{"service", "status", "now"}, wantCode: ExitUsage, wantErr: []string{"takes no arguments"}},
		{name: "bench models huge", args: []string{"bench", "models", "-mib", "100000"}, wantCode: ExitUsage, wantErr: []string{"-mib must be"}},
		{name: "footprint too short", args: []string{"bench", "footprint", "-duration", "10ms"}, wantCode: ExitUsage, wantErr: []string{"-duration must be"}},
		{name: "wallet without subcommand", args: []string{"wallet"}, wantCode: ExitUsage, wantErr: []string{"wallet needs a subcommand"}},
		{name: "wallet create without passphrase", args: []string{"wallet", "create", "-data", "/tmp/x"}, wantCode: ExitUsage, wantErr: []string{"-passphrase-file is required"}},
		{name: "wallet import without key", args: []string{"wallet", "import", "-data", "/tmp/x", "-passphrase-file", "/tmp/p"}, wantCode: ExitUsage, wantErr: []string{"wallet import needs -key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, w := range tt.wantNotOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			if tt.wantCode == ExitOK && errOut != "" {
				t.Errorf("a successful command wrote to stderr: %s", errOut)
			}
		})
	}
}

// TestBenchNetwork runs a small network bench: it prints the strategy
// table and writes the table and the chart next to each other.
func TestBenchNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("plays tasks on the simulated chain")
	}
	dir := t.TempDir()
	// Claimers are honest on every task their card can run: four of them
	// over 40 tasks are too few to tell apart from honest nodes (once in a
	// while they come out "above honest" by chance); TestNetwork500 plays
	// them at scale.
	code, out, errOut := run(t, "bench", "network", "-nodes", "120", "-tasks", "40", "-rate", "0.2", "-collude", "0", "-claimer", "0", "-out", dir)
	if code != ExitOK {
		t.Fatalf("bench network: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"net/node/1k tasks", "vs honest", "lazy", "colluders 0 % (junk with 2 seats", "gas per task", "honest nodes that lost stake: ", "ledger: every fee"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	text, err := os.ReadFile(filepath.Join(dir, "network.txt"))
	if err != nil || !strings.Contains(string(text), "net/node/1k tasks") {
		t.Fatalf("network.txt: %v", err)
	}
	img, err := os.ReadFile(filepath.Join(dir, "network.png"))
	if err != nil || !bytes.HasPrefix(img, []byte("\x89PNG")) {
		t.Fatalf("network.png: %d bytes, %v", len(img), err)
	}
}

func TestDoctorCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "doctor", "-data-dir", dir)
	for _, w := range []string{"Operating system", "NVIDIA GPU", "Docker engine", "Disk space", "Display", " ok, ", " failed"} {
		if !strings.Contains(out, w) {
			t.Errorf("doctor output lacks %q:\n%s", w, out)
		}
	}
	if !strings.Contains(out, dir) {
		t.Errorf("doctor did not check the given data directory %s:\n%s", dir, out)
	}

	code2, js, _ := run(t, "doctor", "-data-dir", dir, "-json")
	var results []doctor.Result
	if err := json.Unmarshal([]byte(js), &results); err != nil {
		t.Fatalf("doctor -json is not JSON: %v\n%s", err, js)
	}
	failed := doctor.Worst(results) == doctor.Failed
	for _, c := range []int{code, code2} {
		if failed != (c == ExitFailure) || (!failed && c != ExitOK) {
			t.Errorf("exit %d with worst status %s", c, doctor.Worst(results))
		}
	}
	if testenv.Full() {
		// The test script runs dockerd and Xvfb; the machine lacks only a GPU,
		// which is a warning. So doctor must pass.
		if code != ExitOK {
			t.Fatalf("doctor exit %d on the prepared test machine:\n%s%s", code, out, errOut)
		}
		if !strings.Contains(out, "warning  NVIDIA GPU") || !strings.Contains(out, "no NVIDIA driver") {
			t.Errorf("doctor should warn about the missing NVIDIA driver:\n%s", out)
		}
		if !strings.Contains(out, "ok       Docker engine     Docker ") {
			t.Errorf("doctor did not find the running dockerd:\n%s", out)
		}
	}
}
