package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/moby/moby/client"
)

func TestCheckOS(t *testing.T) {
	tests := []struct {
		goos, goarch, name string
		want               Status
		wantCode           string
	}{
		{"linux", "amd64", "Debian GNU/Linux 12 (bookworm)", OK, "os.supported"},
		{"windows", "amd64", "Windows 11", OK, "os.supported"},
		{"linux", "arm64", "", OK, "os.supported"},
		{"darwin", "arm64", "", Warning, "os.no_nvidia"},
		{"linux", "386", "", Failed, "os.unsupported"},
		{"freebsd", "amd64", "", Failed, "os.unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.goos+"/"+tt.goarch, func(t *testing.T) {
			r := checkOS(tt.goos, tt.goarch, tt.name)
			assertResult(t, r, tt.want, tt.wantCode)
			if !strings.HasPrefix(r.Detail, tt.goos+"/"+tt.goarch) || !strings.Contains(r.Detail, tt.name) {
				t.Errorf("detail %q does not name the platform", r.Detail)
			}
		})
	}
}

func TestCheckGPU(t *testing.T) {
	rtx := gpu.Device{Name: "NVIDIA GeForce RTX 4090", UUID: "GPU-a", MemoryTotal: 24 * GiB}
	small := gpu.Device{Name: "NVIDIA GeForce GTX 1050", UUID: "GPU-b", MemoryTotal: 2 * GiB}
	tests := []struct {
		name       string
		inv        gpu.Inventory
		err        error
		want       Status
		wantCode   string
		wantDetail string
	}{
		{"no driver", gpu.Inventory{}, fmt.Errorf("%w (libnvidia-ml.so.1 is not installed)", gpu.ErrNoDriver), Warning, "gpu.no_driver", "no NVIDIA driver"},
		{"no permission", gpu.Inventory{}, gpu.ErrNoPermission, Failed, "gpu.no_permission", "permission"},
		{"unsupported platform", gpu.Inventory{}, gpu.ErrUnsupported, Warning, "gpu.unsupported", "not supported"},
		{"other NVML error", gpu.Inventory{}, errors.New("nvml device 0 name: GPU is lost"), Failed, "gpu.error", "GPU is lost"},
		{"driver, no GPU", gpu.Inventory{DriverVersion: "580.82.07"}, nil, Warning, "gpu.none", "580.82.07"},
		{"small card only", gpu.Inventory{DriverVersion: "580.82.07", Devices: []gpu.Device{small}}, nil, Warning, "gpu.small_vram", "GTX 1050 (2 GiB)"},
		{"good card", gpu.Inventory{DriverVersion: "580.82.07", Devices: []gpu.Device{rtx, small}}, nil, OK, "gpu.ok", "RTX 4090 (24 GiB), NVIDIA GeForce GTX 1050 (2 GiB); driver 580.82.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkGPU(tt.inv, tt.err)
			assertResult(t, r, tt.want, tt.wantCode)
			if !strings.Contains(r.Detail, tt.wantDetail) {
				t.Errorf("detail %q, want it to contain %q", r.Detail, tt.wantDetail)
			}
		})
	}
}

// fakeEngine is a Docker engine that answers as told.
type fakeEngine struct {
	pingErr    error
	versionErr error
	version    client.ServerVersionResult
}

func (f fakeEngine) Ping(context.Context, client.PingOptions) (client.PingResult, error) {
	return client.PingResult{}, f.pingErr
}

func (f fakeEngine) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	return f.version, f.versionErr
}

func (f fakeEngine) DaemonHost() string { return "unix:///var/run/docker.sock" }

func TestCheckDocker(t *testing.T) {
	v := func(ver, api string) client.ServerVersionResult {
		return client.ServerVersionResult{Version: ver, APIVersion: api}
	}
	tests := []struct {
		name       string
		goos       string
		connectErr error
		eng        fakeEngine
		want       Status
		wantCode   string
		wantText   string // in detail or fix
	}{
		{"bad DOCKER_HOST", "linux", errors.New("unable to parse docker host `tcp:/x`"), fakeEngine{}, Failed, "docker.config", "DOCKER_HOST"},
		{"not running on linux", "linux", nil, fakeEngine{pingErr: errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock")}, Failed, "docker.unreachable", "systemctl enable --now docker"},
		{"not running on windows", "windows", nil, fakeEngine{pingErr: errors.New("open //./pipe/docker_engine: The system cannot find the file specified.")}, Failed, "docker.unreachable", "Docker Desktop"},
		{"socket permission", "linux", nil, fakeEngine{pingErr: errors.New("dial unix /var/run/docker.sock: connect: permission denied")}, Failed, "docker.no_permission", "docker group"},
		{"version fails", "linux", nil, fakeEngine{versionErr: errors.New("EOF")}, Failed, "docker.unreachable", "answered ping but not version"},
		{"too old", "linux", nil, fakeEngine{version: v("18.09.1", "1.39")}, Failed, "docker.too_old", "19.03"},
		{"garbage api version", "linux", nil, fakeEngine{version: v("?", "banana")}, Failed, "docker.too_old", "update Docker"},
		{"oldest good", "linux", nil, fakeEngine{version: v("19.03.0", "1.40")}, OK, "docker.ok", "Docker 19.03.0 (API 1.40)"},
		{"debian", "linux", nil, fakeEngine{version: v("20.10.24+dfsg1", "1.41")}, OK, "docker.ok", "Docker 20.10.24+dfsg1 (API 1.41)"},
		{"future major", "linux", nil, fakeEngine{version: v("40.0.0", "2.0")}, OK, "docker.ok", "API 2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			connect := func() (Engine, error) {
				if tt.connectErr != nil {
					return nil, tt.connectErr
				}
				return tt.eng, nil
			}
			r := checkDocker(context.Background(), tt.goos, connect)
			assertResult(t, r, tt.want, tt.wantCode)
			if !strings.Contains(r.Detail+" | "+r.Fix, tt.wantText) {
				t.Errorf("result %+v does not mention %q", r, tt.wantText)
			}
		})
	}
}

func TestCheckDisk(t *testing.T) {
	dir := t.TempDir()
	notYet := filepath.Join(dir, "not", "created", "yet")
	tests := []struct {
		name        string
		free, total uint64
		err         error
		want        Status
		wantCode    string
	}{
		{"plenty", 200 * GiB, 500 * GiB, nil, OK, "disk.ok"},
		{"exactly enough", WantFreeDisk, 500 * GiB, nil, OK, "disk.ok"},
		{"low", 12 * GiB, 500 * GiB, nil, Warning, "disk.low"},
		{"full", 300 << 20, 500 * GiB, nil, Failed, "disk.full"},
		{"unreadable", 0, 0, errors.New("input/output error"), Failed, "disk.error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked string
			r := checkDisk(notYet, func(p string) (uint64, uint64, error) {
				asked = p
				return tt.free, tt.total, tt.err
			})
			assertResult(t, r, tt.want, tt.wantCode)
			if asked != dir {
				t.Errorf("free space asked of %q, want the nearest existing parent %q", asked, dir)
			}
		})
	}
}

func TestCheckDisplay(t *testing.T) {
	r := checkDisplay(display.Session{}, fmt.Errorf("%w: neither DISPLAY nor WAYLAND_DISPLAY is set", display.ErrNoDisplay))
	assertResult(t, r, Warning, "display.none")
	if !strings.Contains(r.Fix, "hydrogend") {
		t.Errorf("fix %q should point headless users to hydrogend", r.Fix)
	}
	r = checkDisplay(display.Session{Kind: display.KindX11, Name: ":99"}, nil)
	assertResult(t, r, OK, "display.ok")
	if r.Detail != "X11 display :99" {
		t.Errorf("detail = %q", r.Detail)
	}
}

func TestRunTimesOutAHungCheck(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	defer close(release)
	checks := []Check{
		{"fine", func(context.Context) Result { return Result{Code: "x.ok", Status: OK} }},
		{"hung", func(context.Context) Result { <-release; return Result{} }},
	}
	cancel() // an ended context stands in for CheckTimeout passing
	start := time.Now()
	got := Run(ctx, checks)
	if len(got) != 2 {
		t.Fatalf("got %d results", len(got))
	}
	if got[0].Check != "fine" {
		t.Errorf("check name not filled in: %+v", got[0])
	}
	if got[1].Status != Failed || got[1].Code != "check.timeout" {
		t.Errorf("hung check = %+v, want failed check.timeout", got[1])
	}
	if time.Since(start) > CheckTimeout {
		t.Errorf("Run waited for the hung check")
	}
}

func TestWorst(t *testing.T) {
	if Worst(nil) != OK {
		t.Error("no results should be OK")
	}
	rs := []Result{{Status: OK}, {Status: Warning}, {Status: OK}}
	if Worst(rs) != Warning {
		t.Error("want Warning")
	}
	if Worst(append(rs, Result{Status: Failed})) != Failed {
		t.Error("want Failed")
	}
}

func TestStatusText(t *testing.T) {
	b, err := json.Marshal(Result{Check: "c", Code: "c.ok", Status: Warning})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":"warning"`) {
		t.Fatalf("json %s", b)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil || r.Status != Warning {
		t.Fatalf("round trip: %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"status":"grand"}`), &r); err == nil {
		t.Fatal("an unknown status decoded without error")
	}
	if _, err := Status(7).MarshalText(); err == nil {
		t.Fatal("an unknown status encoded without error")
	}
}

// TestRealSystem runs every check against this machine. The test script
// starts dockerd and Xvfb; with HYDROGEN_TEST_FULL set they must be found.
// No build machine has an NVIDIA driver, so the GPU check must say so as
// a warning.
func TestRealSystem(t *testing.T) {
	full := testenv.Full()
	results := Run(context.Background(), Checks(Real(t.TempDir())))
	byCheck := map[string]Result{}
	for _, r := range results {
		byCheck[r.Check] = r
		t.Logf("%-8s %-16s %s", r.Status, r.Check, r.Detail)
	}
	if len(byCheck) != 5 {
		t.Fatalf("got %d distinct checks, want 5", len(byCheck))
	}
	if r := byCheck["Operating system"]; r.Status != OK {
		t.Errorf("OS check on the build machine: %+v", r)
	}
	if r := byCheck["NVIDIA GPU"]; r.Status == Failed {
		t.Errorf("GPU check failed instead of warning: %+v", r)
	}
	if full {
		if r := byCheck["Docker engine"]; r.Status != OK {
			t.Errorf("docker check with dockerd running: %+v", r)
		}
		if r := byCheck["Display"]; r.Status != OK {
			t.Errorf("display check with Xvfb running: %+v", r)
		}
	}
}

func assertResult(t *testing.T, r Result, want Status, code string) {
	t.Helper()
	if r.Status != want || r.Code != code {
		t.Fatalf("got %s %s (%+v), want %s %s", r.Status, r.Code, r, want, code)
	}
	if r.Detail == "" {
		t.Errorf("empty detail: %+v", r)
	}
	if (r.Status == OK) != (r.Fix == "") {
		t.Errorf("fix must be present exactly when not ok: %+v", r)
	}
}
