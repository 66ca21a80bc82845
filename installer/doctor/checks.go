package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/hydrogen-network/hydrogen/nodecore/datadir"
	"github.com/hydrogen-network/hydrogen/nodecore/display"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/moby/moby/client"
)

// Sizes used by the checks.
const (
	GiB = 1 << 30
	// MinVRAM is the least VRAM a GPU needs for the network's image models.
	MinVRAM = 8 * GiB
	// MinFreeDisk is below which the node cannot even store its ledger safely.
	MinFreeDisk = 1 * GiB
	// WantFreeDisk is what a useful model cache needs (SDXL plus an LLM).
	WantFreeDisk = 30 * GiB
)

// MinDockerAPI is the oldest Docker Engine API the worker can use: GPU
// device requests arrived in API 1.40 (Docker 19.03).
const MinDockerAPI = "1.40"

// Engine is the part of the Docker client the check needs.
type Engine interface {
	Ping(ctx context.Context, opts client.PingOptions) (client.PingResult, error)
	ServerVersion(ctx context.Context, opts client.ServerVersionOptions) (client.ServerVersionResult, error)
	DaemonHost() string
}

// System is where the checks read their facts. Each field may be replaced
// in tests; Real fills them from this machine.
type System struct {
	GOOS, GOARCH string
	OSName       string // e.g. "Debian GNU/Linux 12 (bookworm)"; may be empty
	DataDir      string
	GPU          func() (gpu.Inventory, error)
	Docker       func() (Engine, error)
	Display      func(ctx context.Context) (display.Session, error)
	DiskFree     func(path string) (free, total uint64, err error)
}

// Real returns the System of this machine, with the node's data in dataDir.
func Real(dataDir string) System {
	return System{
		GOOS:    runtime.GOOS,
		GOARCH:  runtime.GOARCH,
		OSName:  osName(),
		DataDir: dataDir,
		GPU:     gpu.Probe,
		Docker: func() (Engine, error) {
			return client.New(client.FromEnv)
		},
		Display:  display.Detect,
		DiskFree: datadir.Free,
	}
}

// Checks returns every check doctor can make today, in the order printed.
func Checks(sys System) []Check {
	return []Check{
		{"Operating system", func(context.Context) Result { return checkOS(sys.GOOS, sys.GOARCH, sys.OSName) }},
		{"NVIDIA GPU", func(context.Context) Result {
			inv, err := sys.GPU()
			return checkGPU(inv, err)
		}},
		{"Docker engine", func(ctx context.Context) Result { return checkDocker(ctx, sys.GOOS, sys.Docker) }},
		{"Disk space", func(context.Context) Result { return checkDisk(sys.DataDir, sys.DiskFree) }},
		{"Display", func(ctx context.Context) Result {
			s, err := sys.Display(ctx)
			return checkDisplay(s, err)
		}},
	}
}

func checkOS(goos, goarch, name string) Result {
	r := Result{Check: "Operating system", Detail: goos + "/" + goarch}
	if name != "" {
		r.Detail += ", " + name
	}
	switch {
	case (goos == "linux" || goos == "windows") && (goarch == "amd64" || goarch == "arm64"):
		r.Code, r.Status = "os.supported", OK
	case goos == "darwin":
		r.Code, r.Status = "os.no_nvidia", Warning
		r.Fix = "macOS has no NVIDIA GPU support; the app runs, but the node can only earn on Linux or Windows"
	default:
		r.Code, r.Status = "os.unsupported", Failed
		r.Fix = "run Hydrogen on 64-bit Linux or Windows"
	}
	return r
}

func checkGPU(inv gpu.Inventory, err error) Result {
	r := Result{Check: "NVIDIA GPU"}
	switch {
	case errors.Is(err, gpu.ErrNoDriver):
		r.Code, r.Status, r.Detail = "gpu.no_driver", Warning, err.Error()
		r.Fix = "install the NVIDIA driver for your card, then reboot; without it the node cannot earn"
		return r
	case errors.Is(err, gpu.ErrNoPermission):
		r.Code, r.Status, r.Detail = "gpu.no_permission", Failed, err.Error()
		r.Fix = "run the daemon as a user that can open /dev/nvidia* (the service account does)"
		return r
	case errors.Is(err, gpu.ErrUnsupported):
		r.Code, r.Status, r.Detail = "gpu.unsupported", Warning, err.Error()
		r.Fix = "GPU detection for this platform comes with the GPU monitor; the daemon cannot earn here yet"
		return r
	case err != nil:
		r.Code, r.Status, r.Detail = "gpu.error", Failed, err.Error()
		r.Fix = "check the driver with nvidia-smi; reinstall it if nvidia-smi fails too"
		return r
	}
	if len(inv.Devices) == 0 {
		r.Code, r.Status = "gpu.none", Warning
		r.Detail = fmt.Sprintf("driver %s is loaded but reports no GPU", inv.DriverVersion)
		r.Fix = "check that the card is seated and powered, and that nvidia-smi lists it"
		return r
	}
	var names []string
	big := 0
	for _, d := range inv.Devices {
		names = append(names, fmt.Sprintf("%s (%s)", d.Name, formatGiB(d.MemoryTotal)))
		if d.MemoryTotal >= MinVRAM {
			big++
		}
	}
	r.Detail = fmt.Sprintf("%s; driver %s", strings.Join(names, ", "), inv.DriverVersion)
	if big == 0 {
		r.Code, r.Status = "gpu.small_vram", Warning
		r.Fix = fmt.Sprintf("the network's models need at least %s of VRAM; tasks will not be assigned to this GPU", formatGiB(MinVRAM))
		return r
	}
	r.Code, r.Status = "gpu.ok", OK
	return r
}

func checkDocker(ctx context.Context, goos string, connect func() (Engine, error)) Result {
	r := Result{Check: "Docker engine"}
	startFix := "install Docker Engine and start it (sudo systemctl enable --now docker)"
	if goos == "windows" || goos == "darwin" {
		startFix = "install Docker Desktop and start it"
	}
	eng, err := connect()
	if err != nil {
		r.Code, r.Status, r.Detail, r.Fix = "docker.config", Failed, err.Error(), "check DOCKER_HOST; unset it to use the local engine"
		return r
	}
	if _, err := eng.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		r.Code, r.Status, r.Fix = "docker.unreachable", Failed, startFix
		r.Detail = fmt.Sprintf("no engine answers at %s: %v", eng.DaemonHost(), err)
		if strings.Contains(err.Error(), "permission denied") {
			r.Code = "docker.no_permission"
			r.Fix = "add this user to the docker group (sudo usermod -aG docker $USER) and log in again"
		}
		return r
	}
	v, err := eng.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		r.Code, r.Status, r.Fix = "docker.unreachable", Failed, startFix
		r.Detail = fmt.Sprintf("engine at %s answered ping but not version: %v", eng.DaemonHost(), err)
		return r
	}
	r.Detail = fmt.Sprintf("Docker %s (API %s)", v.Version, v.APIVersion)
	if !apiAtLeast(v.APIVersion, MinDockerAPI) {
		r.Code, r.Status = "docker.too_old", Failed
		r.Fix = fmt.Sprintf("update Docker: Hydrogen needs Docker 19.03 (API %s) or newer for GPU containers", MinDockerAPI)
		return r
	}
	r.Code, r.Status = "docker.ok", OK
	return r
}

// apiAtLeast reports whether the Docker API version v ("1.41") is at least min.
func apiAtLeast(v, min string) bool {
	pv, pm := apiParts(v), apiParts(min)
	if pv == nil || pm == nil {
		return false
	}
	if pv[0] != pm[0] {
		return pv[0] > pm[0]
	}
	return pv[1] >= pm[1]
}

func apiParts(v string) []int {
	maj, minr, ok := strings.Cut(v, ".")
	if !ok {
		return nil
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(minr)
	if err1 != nil || err2 != nil {
		return nil
	}
	return []int{a, b}
}

func checkDisk(dataDir string, diskFree func(string) (uint64, uint64, error)) Result {
	r := Result{Check: "Disk space"}
	where := existingAncestor(dataDir)
	free, total, err := diskFree(where)
	if err != nil {
		r.Code, r.Status, r.Detail = "disk.error", Failed, fmt.Sprintf("cannot read free space of %s: %v", where, err)
		r.Fix = "check that the data directory is on a mounted, readable disk (set HYDROGEN_DATA_DIR to move it)"
		return r
	}
	r.Detail = fmt.Sprintf("%s free of %s at %s", formatGiB(free), formatGiB(total), dataDir)
	switch {
	case free < MinFreeDisk:
		r.Code, r.Status = "disk.full", Failed
		r.Fix = "free some space, or move the data directory with HYDROGEN_DATA_DIR"
	case free < WantFreeDisk:
		r.Code, r.Status = "disk.low", Warning
		r.Fix = fmt.Sprintf("models need about %s; free space or move the data directory with HYDROGEN_DATA_DIR", formatGiB(WantFreeDisk))
	default:
		r.Code, r.Status = "disk.ok", OK
	}
	return r
}

// existingAncestor returns dir, or its nearest parent that exists: the data
// directory is only created when the node first starts.
func existingAncestor(dir string) string {
	d := filepath.Clean(dir)
	for {
		if _, err := os.Stat(d); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return d
		}
		d = parent
	}
}

func checkDisplay(s display.Session, err error) Result {
	r := Result{Check: "Display"}
	if err != nil {
		r.Code, r.Status, r.Detail = "display.none", Warning, err.Error()
		r.Fix = "the desktop app needs a graphical session; on a headless machine use hydrogend alone"
		return r
	}
	r.Code, r.Status, r.Detail = "display.ok", OK, s.String()
	return r
}

func formatGiB(b uint64) string {
	g := float64(b) / GiB
	if g >= 10 || g == float64(int(g)) {
		return fmt.Sprintf("%.0f GiB", g)
	}
	return fmt.Sprintf("%.1f GiB", g)
}
