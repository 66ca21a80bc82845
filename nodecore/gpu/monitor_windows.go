//go:build windows

package gpu

import (
	"fmt"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows NVML is nvml.dll, installed with the driver (System32 on
// current drivers, NVSMI on older ones), called without cgo.

type nvmlDLL struct {
	dll   *windows.LazyDLL
	procs map[string]*windows.LazyProc
}

func loadNVML() (*nvmlDLL, error) {
	candidates := []*windows.LazyDLL{windows.NewLazySystemDLL("nvml.dll")}
	if pf, err := windows.KnownFolderPath(windows.FOLDERID_ProgramFiles, 0); err == nil {
		candidates = append(candidates, windows.NewLazyDLL(filepath.Join(pf, "NVIDIA Corporation", "NVSMI", "nvml.dll")))
	}
	for _, d := range candidates {
		if d.Load() == nil {
			return &nvmlDLL{dll: d, procs: map[string]*windows.LazyProc{}}, nil
		}
	}
	return nil, fmt.Errorf("%w (nvml.dll was not found)", ErrNoDriver)
}

// call calls an NVML function; NVML returns 0 for success.
func (n *nvmlDLL) call(name string, args ...uintptr) error {
	p, ok := n.procs[name]
	if !ok {
		p = n.dll.NewProc(name)
		n.procs[name] = p
	}
	if err := p.Find(); err != nil {
		return fmt.Errorf("%s: not in this driver's nvml.dll", name)
	}
	r, _, _ := p.Call(args...)
	if r != 0 {
		return nvmlError(name, r)
	}
	return nil
}

// nvmlError names NVML's return codes that matter here.
func nvmlError(name string, code uintptr) error {
	switch code {
	case 3:
		return fmt.Errorf("%s: not supported", name)
	case 4:
		return fmt.Errorf("%s: %w", name, ErrNoPermission)
	case 7:
		return fmt.Errorf("%s: insufficient size", name)
	case 9:
		return fmt.Errorf("%s: %w (the driver is not loaded)", name, ErrNoDriver)
	case 15:
		return fmt.Errorf("%s: the GPU is lost", name)
	}
	return fmt.Errorf("%s: NVML error %d", name, code)
}

type windowsReader struct {
	n      *nvmlDLL
	err    error
	driver string
	open   bool
}

// NewReader opens nvml.dll; without it every snapshot says ErrNoDriver.
func NewReader() Reader {
	n, err := loadNVML()
	if err != nil {
		return &windowsReader{err: err}
	}
	r := &windowsReader{n: n}
	if err := n.call("nvmlInit_v2"); err != nil {
		r.err = err
		return r
	}
	r.open = true
	buf := make([]byte, 96)
	if n.call("nvmlSystemGetDriverVersion", uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))) == nil {
		r.driver = cString(buf)
	}
	return r
}

func (r *windowsReader) Close() error {
	if !r.open {
		return nil
	}
	r.open = false
	return r.n.call("nvmlShutdown")
}

func (r *windowsReader) Read() Snapshot {
	s := Snapshot{At: time.Now(), DriverVersion: r.driver, Err: r.err}
	if r.err != nil {
		return s
	}
	var count uint32
	if err := r.n.call("nvmlDeviceGetCount_v2", uintptr(unsafe.Pointer(&count))); err != nil {
		s.Err = err
		return s
	}
	for i := range int(count) {
		s.GPUs = append(s.GPUs, r.readGPU(i))
	}
	return s
}

func (r *windowsReader) readGPU(i int) GPU {
	g := GPU{Index: i}
	fail := func(err error) { g.Errors = append(g.Errors, err.Error()) }
	var h uintptr
	if err := r.n.call("nvmlDeviceGetHandleByIndex_v2", uintptr(i), uintptr(unsafe.Pointer(&h))); err != nil {
		fail(err)
		return g
	}
	str := func(fn string) string {
		buf := make([]byte, 96)
		if err := r.n.call(fn, h, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))); err != nil {
			fail(err)
			return ""
		}
		return cString(buf)
	}
	g.Name, g.UUID = str("nvmlDeviceGetName"), str("nvmlDeviceGetUUID")
	mem := make([]byte, 24)
	if err := r.n.call("nvmlDeviceGetMemoryInfo", h, uintptr(unsafe.Pointer(&mem[0]))); err == nil {
		g.MemoryTotal, g.MemoryUsed, _ = memoryInfo(mem)
		g.HasMemoryInfo = true
	} else {
		fail(err)
	}
	var util [2]uint32
	if err := r.n.call("nvmlDeviceGetUtilizationRates", h, uintptr(unsafe.Pointer(&util[0]))); err == nil {
		g.Utilization, g.HasUtil = util[0], true
	} else {
		fail(err)
	}
	var temp uint32
	if err := r.n.call("nvmlDeviceGetTemperature", h, 0, uintptr(unsafe.Pointer(&temp))); err == nil {
		g.TemperatureC, g.HasTemp = temp, true
	} else {
		fail(err)
	}
	var mw, limit uint32
	e1 := r.n.call("nvmlDeviceGetPowerUsage", h, uintptr(unsafe.Pointer(&mw)))
	e2 := r.n.call("nvmlDeviceGetEnforcedPowerLimit", h, uintptr(unsafe.Pointer(&limit)))
	if e1 == nil && e2 == nil {
		g.PowerW, g.PowerLimitW, g.HasPower = float64(mw)/1000, float64(limit)/1000, true
	} else {
		fail(fmt.Errorf("power: %v %v", e1, e2))
	}
	comp, e1 := r.processes(h, "nvmlDeviceGetComputeRunningProcesses_v3")
	gfx, e2 := r.processes(h, "nvmlDeviceGetGraphicsRunningProcesses_v3")
	if e1 == nil || e2 == nil {
		g.HasProcesses = true
		g.Processes = mergeRaw(processName, comp, gfx)
	}
	if e1 != nil {
		fail(e1)
	}
	if e2 != nil {
		fail(e2)
	}
	return g
}

func (r *windowsReader) processes(h uintptr, fn string) ([]rawProcess, error) {
	count := uint32(64)
	buf := make([]byte, int(count)*processInfoV3Size)
	if err := r.n.call(fn, h, uintptr(unsafe.Pointer(&count)), uintptr(unsafe.Pointer(&buf[0]))); err != nil {
		return nil, err
	}
	return parseProcessInfos(buf, int(count))
}

// processName returns a process's executable name, e.g. eldenring.exe.
func processName(pid uint32) string {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return ""
	}
	return filepath.Base(windows.UTF16ToString(buf[:n]))
}
