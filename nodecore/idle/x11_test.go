//go:build linux

package idle_test

import (
	"os"
	"os/exec"
	"testing"
	"time"

	. "github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// TestX11IdleAndDecision: under Xvfb the X11 source reads rising idle
// time, xdotool input resets it to near zero, and the first sample after
// the input turns the decision from earn to pause.
func TestX11IdleAndDecision(t *testing.T) {
	_, err := exec.LookPath("xdotool")
	testenv.Require(t, os.Getenv("DISPLAY") != "" && err == nil, "an X display (Xvfb) and xdotool")
	x, err := NewX11("")
	if err != nil {
		t.Fatal(err)
	}
	w := NewWatcher(x)
	defer w.Close()
	c := policy.Defaults()
	c.AwayAfter = 700 * time.Millisecond

	first := w.Sample()
	time.Sleep(900 * time.Millisecond)
	second := w.Sample()
	if !first.Live() || !second.Live() || second.Idle < first.Idle+800*time.Millisecond {
		t.Fatalf("idle did not rise: %s then %s (%v)", first.Idle, second.Idle, second.Errors)
	}
	if d := c.Decide(policy.Input{Now: second.At, Presence: &second}); !d.Earn {
		t.Fatalf("idle %s, decision %+v, want earn", second.Idle, d)
	}
	if out, err := exec.Command("xdotool", "mousemove_relative", "--", "5", "5").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	after := w.Sample()
	if after.Idle > 300*time.Millisecond {
		t.Fatalf("idle %s right after input", after.Idle)
	}
	if d := c.Decide(policy.Input{Now: after.At, Presence: &after, Previous: policy.Decision{Earn: true}}); d.Earn || d.Reason != policy.PauseUserActive {
		t.Fatalf("after input: %+v, want paused_user_active", d)
	}
}
