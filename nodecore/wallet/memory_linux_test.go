//go:build !race

// The race detector's shadow memory would count as the process's own.

package wallet

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func vmRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestScryptMemoryGivenBack: the keystore's standard scrypt takes 256 MB
// per unlock; the daemon hands it back to the OS at once instead of
// holding it for minutes (316 MB measured before, an idle daemon's goal
// is 40 MB). Measured from /proc, as an outside observer would.
func TestScryptMemoryGivenBack(t *testing.T) {
	if testing.Short() {
		t.Skip("a standard-strength keystore costs a second and 256 MB")
	}
	dir := t.TempDir()
	if _, err := Create(dir, "pass", Standard); err != nil {
		t.Fatal(err)
	}
	if rss := vmRSS(t); rss > 128<<20 {
		t.Errorf("after creating the wallet the process holds %d MB", rss>>20)
	}
	pass := filepath.Join(dir, "passphrase")
	if err := os.WriteFile(pass, []byte("pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(dir, pass); err != nil {
		t.Fatal(err)
	}
	if rss := vmRSS(t); rss > 128<<20 {
		t.Errorf("after unlocking the process holds %d MB: scrypt's 256 MB was not given back", rss>>20)
	}
}
