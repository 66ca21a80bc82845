package bindings

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// TestBindingsUpToDate compiles the Solidity sources with the pinned solc
// and regenerates every binding and the runtime code hashes into a
// temporary directory; the committed files must be identical. Run `go generate ./nodecore/chain/...` after
// changing a contract.
func TestBindingsUpToDate(t *testing.T) {
	testenv.Tool(t, "node")
	if _, err := os.Stat("../contracts/node_modules/solc"); err != nil {
		t.Fatalf("solc is not installed: run scripts/setup (npm ci in nodecore/chain/contracts): %v", err)
	}
	build := t.TempDir()
	run(t, "node", "../contracts/compile.mjs", build)
	for _, b := range []struct{ typ, pkg, committed string }{
		{"NodeRegistry", "bindings", "noderegistry.go"},
		{"TaskManager", "bindings", "taskmanager.go"},
		{"BlockRandomness", "bindings", "blockrandomness.go"},
		{"ReentrantNode", "attack", "../internal/attack/reentrantnode.go"},
	} {
		out := filepath.Join(build, b.typ+".go")
		run(t, "go", "tool", "abigen", "--v2",
			"--abi", filepath.Join(build, b.typ+".abi"), "--bin", filepath.Join(build, b.typ+".bin"),
			"--pkg", b.pkg, "--type", b.typ, "--out", out)
		want, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(b.committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: the contracts changed; run go generate ./nodecore/chain/...", b.committed)
		}
	}
	// The runtime code hashes a node checks on chain.
	out := filepath.Join(build, "runtime.go")
	run(t, "go", "run", "genruntime.go", "-build", build, "-out", out, "NodeRegistry", "TaskManager", "BlockRandomness")
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile("runtime.go"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("runtime.go is stale (%v): the contracts changed; run go generate ./nodecore/chain/...", err)
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
