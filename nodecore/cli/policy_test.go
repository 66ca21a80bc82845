package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/chain"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
	"github.com/hydrogen-network/hydrogen/nodecore/ledger"
)

// writeSupply writes one entry of a fake Linux power-supply class.
func writeSupply(t *testing.T, dir, name string, files map[string]string) {
	t.Helper()
	d := filepath.Join(dir, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range files {
		if err := os.WriteFile(filepath.Join(d, k), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBatteryAndScheduleGraceThroughTheDaemon runs `hydrogend run` (a
// headless rig, so it earns whenever the policy lets it) beside a devnet
// and drives the two inputs the policy had never received in the
// product: the machine's power source, read from a power-supply class
// the test controls, and the task the engine runs, when the owner's
// schedule closes the earning window in the middle of it.
func TestBatteryAndScheduleGraceThroughTheDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet and a hydrogend process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	supplies := t.TempDir()
	writeSupply(t, supplies, "AC", map[string]string{"type": "Mains", "online": "1"})
	writeSupply(t, supplies, "BAT0", map[string]string{"type": "Battery", "status": "Charging"})
	data, addr := newNodeData(t)
	t.Setenv("TZ", "UTC") // the schedule's hours, in the daemon and here
	startDaemon(t, "", "run", "-data", data, "-network", d.NetworkFile, "-poll", "50ms",
		"-power-supply", supplies, "-reference-time", "3s", "-mirror-networks", "127.0.0.0/8")
	c := &api.Client{Socket: filepath.Join(data, "hydrogend.sock")}
	waitNodeState(t, ctx, d, addr, chain.NodeAvailable)
	decision := func(what, want string) {
		t.Helper()
		var last string
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			st, err := c.Status(ctx)
			if err == nil && string(st.Decision.Reason) == want {
				return
			}
			last = fmt.Sprint(st.Decision, err)
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: the decision is %s, want %s", what, last, want)
	}
	decision("plugged in", "earn_headless")

	// Unplugged: the daemon reads the battery and pauses; plugged in
	// again, it earns.
	writeSupply(t, supplies, "AC", map[string]string{"online": "0"})
	writeSupply(t, supplies, "BAT0", map[string]string{"status": "Discharging"})
	decision("on battery", "paused_battery")
	if st, err := c.Status(ctx); err != nil || st.Decision.Earn {
		t.Fatalf("earning on battery: %+v %v", st.Decision, err)
	}
	writeSupply(t, supplies, "AC", map[string]string{"online": "1"})
	writeSupply(t, supplies, "BAT0", map[string]string{"status": "Charging"})
	decision("plugged in again", "earn_headless")

	// A first task teaches the node how long its engine takes (3 s).
	first, err := d.Source().Create(ctx, engine.KindImage)
	if err != nil {
		t.Fatal(err)
	}
	waitTaskSettledFor(t, ctx, d, data, first)

	// A second task is running when the owner's schedule turns this hour
	// (and the next, should the hour turn) to "never": with a few seconds
	// left it finishes instead of being handed back; then the node pauses.
	second, err := d.Source().Create(ctx, engine.KindImage)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := c.Status(ctx)
		if err == nil && st.Current != nil && st.Current.ID == second && st.Current.Phase == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %d never ran: %+v %v", second, st.Current, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var sched [7][24]uint8
	now := time.Now().UTC()
	for _, at := range []time.Time{now, now.Add(time.Hour)} {
		sched[at.Weekday()][at.Hour()] = 1
	}
	if _, err := c.PatchSettings(ctx, api.Settings{Schedule: &sched}); err != nil {
		t.Fatal(err)
	}
	decision("the schedule closes during a short task", "earn_finishing")
	waitTaskSettledFor(t, ctx, d, data, second)
	decision("the task done", "paused_schedule")
	l, err := ledger.Open(filepath.Join(data, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if e, err := l.Get(ctx, second); err != nil || e.Outcome != ledger.Paid {
		t.Fatalf("the task that finished in the grace: %+v %v, want paid", e, err)
	}
}
