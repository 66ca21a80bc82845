package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
)

// TestModelDownloadSurvivesKill: `hydrogend run`, downloading a model the
// network needs under a bandwidth limit, is killed with SIGKILL halfway;
// restarted, it resumes from what reached the disk (the server sends the
// model once, plus at most the progress not yet saved), verifies it and
// reports it held.
func TestModelDownloadSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and hydrogend processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const size = 24 << 20
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second, ModelBytes: size})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	data, addr := newNodeData(t)
	settings := filepath.Join(data, "settings.json")
	if err := os.WriteFile(settings, []byte(`{"downloadLimitMBps": 2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "-data", data, "-network", d.NetworkFile, "-poll", "50ms", "-mirror-networks", "127.0.0.0/8"} // the devnet serves its models on loopback
	p := startDaemon(t, "", args...)
	waitNodeState(t, ctx, d, addr, chain.NodeAvailable)
	// A task needing a LoRA nobody holds: the node is picked for it or
	// asked to hold it; either way it downloads it.
	if _, err := d.Source().CreateWith(ctx, engine.KindImage, devnet.DemoLoRA); err != nil {
		t.Fatal(err)
	}
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	var id string // the model being downloaded (the task's base model or the LoRA)
	for id == "" {
		st, err := c.Status(ctx)
		for _, dl := range st.Downloads {
			if dl.Done > 17<<20 {
				id = dl.ID // past the state saved at 16 MiB
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the download never got far: %+v %v", st.Downloads, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	p.exited <- nil // for the cleanup
	mid, err := models.ParseID(id)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(data, "models", filepath.FromSlash(mid.Path()))
	part := file + ".part"
	for _, f := range []string{part, part + ".json"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("after the kill: %v", err)
		}
	}
	before := d.ModelBytesServed(id)

	// Restarted without the limit: it finishes the download and reports.
	if err := os.WriteFile(settings, []byte(`{"downloadLimitMBps": 0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	q := startDaemon(t, "", args...)
	for {
		ms, err := c.Models(ctx)
		if err == nil && slices.ContainsFunc(ms.Models, func(m api.Model) bool { return m.ID == id }) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the model never arrived: %+v %v\n%s", ms, err, q.logText())
		case <-time.After(100 * time.Millisecond):
		}
	}
	served := d.ModelBytesServed(id)
	copies := int64(1) // this node's, and each peer's that holds it
	for _, peer := range d.Peers {
		if peer.Models.Has(id) {
			copies++
		}
	}
	t.Logf("%s: served %d MiB before the kill, %d MiB in all, for %d copies of %d MiB", id, before>>20, served>>20, copies, size>>20)
	if extra := served - copies*size; extra > 9<<20 {
		t.Fatalf("%d MiB served beyond one download per node: the download restarted instead of resuming", extra>>20)
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) != size {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
	for _, f := range []string{part, part + ".json"} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("%s left behind: %v", f, err)
		}
	}
	for {
		on, err := d.App().NodeModels(ctx, addr)
		if err == nil && slices.Contains(on, chain.ModelHash(id)) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not reported: %v %v\n%s", on, err, q.logText())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !strings.Contains(q.logText(), "model downloaded") {
		t.Fatalf("log:\n%s", q.logText())
	}

	// The same through `hydrogend models`, for a rig without the app.
	code, out, errOut := run(t, "models", "list", "-data", data)
	if code != ExitOK || !strings.Contains(out, id) || !strings.Contains(out, "24 MiB") || !strings.Contains(out, "DOWNLOAD") || !strings.Contains(out, "done") {
		t.Fatalf("models list: %d\n%s%s", code, out, errOut)
	}
	t.Logf("hydrogend models list:\n%s", out)
	if code, out, errOut := run(t, "models", "quota", "-data", data, "500"); code != ExitOK || !strings.Contains(out, "of a 500.0 GiB quota") {
		t.Fatalf("models quota: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "models", "rm", "-data", data, "base:../etc"); code != ExitFailure || !strings.Contains(errOut, "bad model ID") {
		t.Fatalf("models rm of a bad ID: %d %s", code, errOut)
	}
	for _, args := range [][]string{{"models"}, {"models", "rm", "-data", data}, {"models", "quota", "-data", data, "lots"}, {"models", "list", "extra"}} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}
