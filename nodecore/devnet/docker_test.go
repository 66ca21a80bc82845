package devnet

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
	"github.com/hydrogen-network/hydrogen/nodecore/worker/refimage"
)

// TestPeersInContainers runs the demo with every honest peer's engine in
// a worker container from the reference image: tasks settle as they do
// in-process, and closing the devnet leaves no container behind.
func TestPeersInContainers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d := testenv.Docker(t, worker.Connect)
	if err := refimage.Build(ctx, d); err != nil {
		t.Fatal(err)
	}
	n, err := Start(ctx, Config{Dir: t.TempDir(), Peers: 3, Rate: 6000, Tasks: 6, NodePoll: 50 * time.Millisecond, MaxLead: time.Hour, Docker: d, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]bool{}
	for _, p := range n.Peers {
		for _, w := range p.engines.Workers {
			owners[w.Name()] = true
		}
	}
	if err := n.Run(ctx); err != nil {
		n.Close()
		t.Fatal(err)
	}
	s, err := n.Summarize(ctx, true)
	n.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) > 0 || s.Succeeded != 6 {
		t.Fatalf("%d succeeded, problems %v", s.Succeeded, s.Problems)
	}
	list, err := d.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", worker.LabelManaged+"=true")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list.Items {
		for _, name := range c.Names {
			if owners[name[1:]] {
				t.Errorf("container %s left after Close (%s)", name, c.State)
			}
		}
	}
	if len(owners) != 3 {
		t.Fatalf("%d worker containers named, want one per peer", len(owners))
	}
}

// TestCleanDeadDevnets removes only the containers of devnets whose
// process is gone.
func TestCleanDeadDevnets(t *testing.T) {
	ctx := context.Background()
	d := testenv.Docker(t, worker.Connect)
	if err := refimage.Build(ctx, d); err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(labels map[string]string) string {
		r, err := d.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: refimage.Tag, Labels: labels}, HostConfig: &container.HostConfig{NetworkMode: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.ContainerRemove(context.Background(), r.ID, client.ContainerRemoveOptions{Force: true}) })
		return r.ID
	}
	gone := mk(map[string]string{worker.LabelManaged: "true", LabelDevnetPID: strconv.Itoa(dead.Process.Pid)})
	alive := mk(map[string]string{worker.LabelManaged: "true", LabelDevnetPID: strconv.Itoa(os.Getpid())})
	other := mk(map[string]string{"com.example.pid": strconv.Itoa(dead.Process.Pid)}) // not a devnet's
	foreign := mk(map[string]string{LabelDevnetPID: strconv.Itoa(dead.Process.Pid)})  // not Hydrogen-managed
	if err := cleanDeadDevnets(ctx, d, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for id, wantGone := range map[string]bool{gone: true, alive: false, other: false, foreign: false} {
		_, err := d.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if cerrdefs.IsNotFound(err) != wantGone {
			t.Errorf("container %s (gone %v alive %v other %v): gone=%v, want %v", id[:12], id == gone, id == alive, id == other, cerrdefs.IsNotFound(err), wantGone)
		}
	}
}
