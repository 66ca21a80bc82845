package deptest

import (
	"slices"
	"strings"
	"testing"
)

const module = "github.com/hydrogen-network/hydrogen"

// repoRoot is where go list runs: the module root.
const repoRoot = "../.."

// graphicsDeny is everything that would tie the daemon to a display:
// Fyne, its GL/GLFW bindings, mobile GL, the tray library, and our own
// desktop packages (which import Fyne).
var graphicsDeny = []string{
	"fyne.io/",
	"github.com/fyne-io/",
	"github.com/go-gl/",
	"golang.org/x/mobile/",
	"github.com/veandco/go-sdl2",
	module + "/app",
	module + "/tray",
	module + "/i18n",
	module + "/assets",
}

// testOnlyDeny is what belongs in tests and never in a shipped binary:
// the testing package (and testing/...), httptest, and our own helpers
// for tests. A library that links testing outside its tests (as
// github.com/jezek/xgb does) is replaced by one that does not.
var testOnlyDeny = []string{
	"testing",
	"net/http/httptest",
	module + "/nodecore/testenv",
}

// hydrogendRule: no graphics at all, nothing made for tests, and cgo only
// where reviewed: NVML (loaded at run time) and the chain's own native
// code (secp256k1 signatures; the simulated chain's storage: pebble and
// zstd).
var hydrogendRule = Rule{
	Deny: append(slices.Clone(graphicsDeny), testOnlyDeny...),
	CgoAllow: []string{
		"github.com/NVIDIA/go-nvml/",
		"github.com/ethereum/go-ethereum/crypto/secp256k1",
		"github.com/cockroachdb/pebble/internal/manual",
		"github.com/cockroachdb/pebble/v2/internal/manual",
		"github.com/DataDog/zstd",
	},
}

// desktopRule: the window and the tray reach the daemon only through the
// local API; of nodecore they may use only client-side packages.
var desktopRule = Rule{
	Deny: []string{module + "/nodecore/", module + "/installer/"},
	Except: []string{
		module + "/nodecore/api",
		module + "/nodecore/version",
		module + "/nodecore/display",
		module + "/nodecore/idle",
		module + "/nodecore/atomicfile",
		module + "/nodecore/datadir",
		module + "/nodecore/backoff", // the API client's reconnecting watch
	},
}

func listOrFatal(t *testing.T, pkg, goos string) *Graph {
	t.Helper()
	g, err := List(repoRoot, pkg, goos)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Packages) < 10 {
		t.Fatalf("go list %s found only %d packages", pkg, len(g.Packages))
	}
	return g
}

// TestHydrogendLinksNoGraphics: the daemon links no graphics and nothing
// made for tests, on every OS it ships for.
func TestHydrogendLinksNoGraphics(t *testing.T) {
	for _, goos := range []string{"linux", "windows", "darwin"} {
		t.Run(goos, func(t *testing.T) {
			g := listOrFatal(t, "./nodecore/cmd/hydrogend", goos)
			if g.Root != module+"/nodecore/cmd/hydrogend" {
				t.Fatalf("root = %s", g.Root)
			}
			for _, v := range Check(g, hydrogendRule) {
				t.Errorf("hydrogend links %s", v)
			}
		})
	}
}

// TestRuleCatchesFyne shows the check is not vacuous: applied to a real
// package that imports Fyne (the desktop window), the hydrogend rule must
// report Fyne with the chain that reaches it. Adding such an import to
// hydrogend makes TestHydrogendLinksNoGraphics fail the same way.
func TestRuleCatchesFyne(t *testing.T) {
	g := listOrFatal(t, "./app", "linux")
	vs := Check(g, hydrogendRule)
	var fyne *Violation
	for i, v := range vs {
		if v.Package == "fyne.io/fyne/v2" {
			fyne = &vs[i]
		}
	}
	if fyne == nil {
		t.Fatalf("the rule missed fyne.io/fyne/v2 in ./app; got %v", vs)
	}
	if fyne.Chain[0] != module+"/app" || fyne.Chain[len(fyne.Chain)-1] != "fyne.io/fyne/v2" {
		t.Errorf("chain %v does not run from app to fyne", fyne.Chain)
	}
	// The desktop binary links the GL driver: its cgo bindings must be
	// reported as well as the imports.
	vs = Check(listOrFatal(t, ".", "linux"), hydrogendRule)
	gl := slices.ContainsFunc(vs, func(v Violation) bool {
		return strings.Contains(v.Why, "cgo") && strings.HasPrefix(v.Package, "github.com/go-gl/glfw/")
	})
	if !gl {
		t.Errorf("the GLFW cgo binding of the desktop binary was not reported: %v", vs)
	}
}

// TestRuleCatchesTesting shows the testing ban is not vacuous: the rule
// applied to a real package that imports testing outside its tests (our
// test helper testenv) must report testing with the chain that reaches
// it. Linking testenv, or any library that imports testing, into
// hydrogend makes TestHydrogendLinksNoGraphics fail the same way.
func TestRuleCatchesTesting(t *testing.T) {
	g, err := List(repoRoot, "./nodecore/testenv", "linux")
	if err != nil {
		t.Fatal(err)
	}
	vs := Check(g, hydrogendRule)
	i := slices.IndexFunc(vs, func(v Violation) bool { return v.Package == "testing" })
	if i < 0 {
		t.Fatalf("the rule missed testing in testenv; got %v", vs)
	}
	if c := vs[i].Chain; c[0] != module+"/nodecore/testenv" || c[len(c)-1] != "testing" {
		t.Errorf("chain %v does not run from testenv to testing", c)
	}
	if !slices.ContainsFunc(vs, func(v Violation) bool { return v.Package == module+"/nodecore/testenv" }) {
		t.Errorf("the rule did not report testenv itself: %v", vs)
	}
}

func TestDesktopUsesOnlyClientPackages(t *testing.T) {
	for _, pkg := range []string{".", "./app", "./tray", "./tray/cmd/hydrogen-tray"} {
		t.Run(pkg, func(t *testing.T) {
			g := listOrFatal(t, pkg, "linux")
			for _, v := range Check(g, desktopRule) {
				t.Errorf("%s imports engine internals: %s", pkg, v)
			}
		})
	}
}

// trayRule: the tray stays light: no GL window, no Fyne driver or
// widgets (only Fyne's lang for translations), no chain code.
var trayRule = Rule{
	Deny: []string{"github.com/go-gl/", "fyne.io/fyne/v2/app", "fyne.io/fyne/v2/internal/driver", "fyne.io/fyne/v2/widget",
		"fyne.io/fyne/v2/canvas", module + "/app", "github.com/ethereum/"},
}

func TestTrayLinksNoWindow(t *testing.T) {
	for _, goos := range []string{"linux", "windows", "darwin"} {
		t.Run(goos, func(t *testing.T) {
			for _, v := range Check(listOrFatal(t, "./tray/cmd/hydrogen-tray", goos), trayRule) {
				t.Errorf("hydrogen-tray links %s", v)
			}
		})
	}
}

// TestDesktopRuleCatchesEngine: the desktop rule applied to the daemon's
// CLI, which does use engine packages, must object.
func TestDesktopRuleCatchesEngine(t *testing.T) {
	g := listOrFatal(t, "./nodecore/cli", "linux")
	vs := Check(g, desktopRule)
	if !slices.ContainsFunc(vs, func(v Violation) bool { return v.Package == module+"/installer/doctor" }) {
		t.Fatalf("desktop rule did not catch installer/doctor in nodecore/cli: %v", vs)
	}
	for _, v := range vs {
		if matches(v.Package, desktopRule.Except) {
			t.Errorf("an excepted package was reported: %s", v)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		path     string
		prefixes []string
		want     bool
	}{
		{"fyne.io/fyne/v2", []string{"fyne.io/"}, true},
		{"fyne.io", []string{"fyne.io/"}, false},
		{module + "/app", []string{module + "/app"}, true},
		{module + "/app/x", []string{module + "/app"}, true},
		{module + "/apple", []string{module + "/app"}, false},
	}
	for _, tt := range tests {
		if got := matches(tt.path, tt.prefixes); got != tt.want {
			t.Errorf("matches(%q, %v) = %v", tt.path, tt.prefixes, got)
		}
	}
}

// TestWindowLinksNoTrayLibrary: the window shares the tray's texts, not
// its D-Bus tray runtime.
func TestWindowLinksNoTrayLibrary(t *testing.T) {
	for _, v := range Check(listOrFatal(t, "./app", "linux"), Rule{Deny: []string{"fyne.io/systray", module + "/tray/icon"}}) {
		t.Errorf("the window links %s", v)
	}
}
