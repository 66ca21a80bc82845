package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFootprintBenchRuns builds the tray and runs `bench footprint` for a
// few seconds with the window off: the table names the tray with its
// memory and CPU. (The measurement itself is the bench's, not a test's.)
func TestFootprintBenchRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet")
	}
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("HYDROGEN_TEST_FULL") == "1" {
			t.Fatal("HYDROGEN_TEST_FULL is set but DISPLAY is not")
		}
		t.Skip("no DISPLAY")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("no xdotool")
	}
	tray := filepath.Join(t.TempDir(), "hydrogen-tray")
	build := exec.Command("go", "build", "-o", tray, "../../tray/cmd/hydrogen-tray")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv(LightScryptEnv, "1")
	code, out, errOut := run(t, "bench", "footprint", "-tray", tray, "-window", "off", "-duration", "3s")
	if code != ExitOK && code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "hydrogen-tray") || !strings.Contains(out, "playing") || !strings.Contains(out, "RSS median MB") {
		t.Fatalf("table:\n%s\n%s", out, errOut)
	}
}
