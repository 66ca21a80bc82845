package presencebench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
)

// TestRunMeasures runs the benchmark briefly under Xvfb; the latency
// target is the benchmark's to judge.
func TestRunMeasures(t *testing.T) {
	_, err := exec.LookPath("xdotool")
	testenv.Require(t, os.Getenv("DISPLAY") != "" && err == nil, "an X display (Xvfb) and xdotool")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, 20, 3, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PresenceCPU <= 0 || rep.Median <= 0 || rep.P99 < rep.Median || rep.Max < rep.P99 {
		t.Fatalf("%+v", rep)
	}
	found := false
	for _, s := range rep.PresenceSources {
		found = found || s == "x11"
	}
	if !found {
		t.Fatalf("the X11 source did not answer: %v", rep.PresenceSources)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if !strings.Contains(out.String(), "input → pause decision") {
		t.Fatal(out.String())
	}
}
