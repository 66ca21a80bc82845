//go:build linux && cgo

package gpu

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// NewReader opens NVML (loaded at run time: without a driver every
// snapshot says ErrNoDriver, nothing crashes).
func NewReader() Reader { return newNVMLReader(nvml.New(), procName, time.Now) }

type nvmlReader struct {
	lib    nvml.Interface
	name   func(pid uint32) string
	now    func() time.Time
	err    error // Init's failure, reported in every snapshot
	driver string
	open   bool
}

func newNVMLReader(lib nvml.Interface, name func(uint32) string, now func() time.Time) *nvmlReader {
	r := &nvmlReader{lib: lib, name: name, now: now}
	if ret := lib.Init(); ret != nvml.SUCCESS {
		r.err = initError(ret)
		return r
	}
	r.open = true
	if v, ret := lib.SystemGetDriverVersion(); ret == nvml.SUCCESS {
		r.driver = v
	}
	return r
}

func (r *nvmlReader) Close() error {
	if !r.open {
		return nil
	}
	r.open = false
	if ret := r.lib.Shutdown(); ret != nvml.SUCCESS {
		return fmt.Errorf("nvml shutdown: %w", ret)
	}
	return nil
}

func (r *nvmlReader) Read() Snapshot {
	s := Snapshot{At: r.now(), DriverVersion: r.driver, Err: r.err}
	if r.err != nil {
		return s
	}
	n, ret := r.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		s.Err = fmt.Errorf("nvml device count: %w", ret)
		return s
	}
	for i := range n {
		s.GPUs = append(s.GPUs, r.readGPU(i))
	}
	return s
}

// readGPU reads what it can of one GPU: a query that fails is noted in
// Errors and the others are still reported.
func (r *nvmlReader) readGPU(i int) GPU {
	g := GPU{Index: i}
	fail := func(what string, ret nvml.Return) { g.Errors = append(g.Errors, fmt.Sprintf("%s: %v", what, ret)) }
	h, ret := r.lib.DeviceGetHandleByIndex(i)
	if ret != nvml.SUCCESS {
		fail("handle", ret)
		return g
	}
	if g.Name, ret = h.GetName(); ret != nvml.SUCCESS {
		fail("name", ret)
	}
	if g.UUID, ret = h.GetUUID(); ret != nvml.SUCCESS {
		fail("uuid", ret)
	}
	if m, ret := h.GetMemoryInfo(); ret == nvml.SUCCESS {
		g.MemoryTotal, g.MemoryUsed, g.HasMemoryInfo = m.Total, m.Used, true
	} else {
		fail("memory", ret)
	}
	if u, ret := h.GetUtilizationRates(); ret == nvml.SUCCESS {
		g.Utilization, g.HasUtil = u.Gpu, true
	} else {
		fail("utilization", ret)
	}
	if t, ret := h.GetTemperature(nvml.TEMPERATURE_GPU); ret == nvml.SUCCESS {
		g.TemperatureC, g.HasTemp = t, true
	} else {
		fail("temperature", ret)
	}
	p, ret1 := h.GetPowerUsage()
	l, ret2 := h.GetEnforcedPowerLimit()
	if ret1 == nvml.SUCCESS && ret2 == nvml.SUCCESS {
		g.PowerW, g.PowerLimitW, g.HasPower = float64(p)/1000, float64(l)/1000, true
	} else {
		fail("power", max(ret1, ret2))
	}
	comp, ret1 := h.GetComputeRunningProcesses()
	gfx, ret2 := h.GetGraphicsRunningProcesses()
	if ret1 == nvml.SUCCESS || ret2 == nvml.SUCCESS {
		g.HasProcesses = true
		g.Processes = mergeProcesses(r.name, comp, gfx)
	}
	if ret1 != nvml.SUCCESS {
		fail("compute processes", ret1)
	}
	if ret2 != nvml.SUCCESS {
		fail("graphics processes", ret2)
	}
	return g
}

// mergeProcesses converts go-nvml's records and merges them (mergeRaw).
func mergeProcesses(name func(uint32) string, comp, gfx []nvml.ProcessInfo) []Process {
	conv := func(ps []nvml.ProcessInfo) []rawProcess {
		out := make([]rawProcess, len(ps))
		for i, p := range ps {
			out[i] = rawProcess{PID: p.Pid, Memory: p.UsedGpuMemory}
		}
		return out
	}
	return mergeRaw(name, conv(comp), conv(gfx))
}

// procName reads a process's executable name from /proc.
func procName(pid uint32) string {
	b, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
