package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/daemon"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// TestDockerEngineWithTheDefaults: `hydrogend run -engine docker` as the
// README has a newcomer run it, on a machine without the real engine
// images: the node says so, runs the labelled reference engine in a
// worker container instead, and earns. (Images named on the command line
// are used as named: pulled when missing, which this test cannot do.)
func TestDockerEngineWithTheDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet, hydrogend and containers")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dk := testenv.Docker(t, worker.Connect)
	for _, img := range []string{DefaultImageEngine, DefaultTextEngine} {
		if _, err := dk.ImageInspect(ctx, img); err == nil {
			t.Skipf("%s is on this machine: nothing falls back", img)
		}
	}
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	data, addr := newNodeData(t)
	p := startDaemon(t, "", "run", "-data", data, "-network", d.NetworkFile, "-poll", "50ms", "-engine", "docker", "-mirror-networks", "127.0.0.0/8")
	waitNodeState(t, ctx, d, addr, chain.NodeAvailable)
	if log := p.logText(); !strings.Contains(log, "running the reference engine in Docker instead") || !strings.Contains(log, DefaultImageEngine) {
		t.Fatalf("the fallback was not said:\n%s", log)
	}
	id, err := d.Source().Create(ctx, engine.KindImage)
	if err != nil {
		t.Fatal(err)
	}
	waitTaskSettledFor(t, ctx, d, data, id)
	list, err := dk.ContainerList(ctx, client.ContainerListOptions{Filters: client.Filters{}.Add("label", worker.LabelOwner+"="+daemon.OwnerID(data))})
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("no worker container of this node: %v", err)
	}
	if !strings.Contains(p.logText(), `engine="reference engine`) {
		t.Errorf("the node does not name the reference engine as its engine:\n%s", p.logText())
	}
}
