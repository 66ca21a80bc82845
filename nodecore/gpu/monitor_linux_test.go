//go:build linux && cgo

package gpu

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
)

// liveDevice is a mock GPU whose processes the test changes.
func liveDevice(name, uuid string, mu *sync.Mutex, gfx *[]nvml.ProcessInfo, comp *[]nvml.ProcessInfo) *mock.Device {
	d := fakeDevice(name, uuid, 24<<30)
	d.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) {
		return nvml.Memory{Total: 24 << 30, Used: 3 << 30, Free: 21 << 30}, nvml.SUCCESS
	}
	d.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{Gpu: 97, Memory: 40}, nvml.SUCCESS }
	d.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 71, nvml.SUCCESS }
	d.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 312_500, nvml.SUCCESS }
	d.GetEnforcedPowerLimitFunc = func() (uint32, nvml.Return) { return 450_000, nvml.SUCCESS }
	d.GetComputeRunningProcessesFunc = func() ([]nvml.ProcessInfo, nvml.Return) {
		mu.Lock()
		defer mu.Unlock()
		return append([]nvml.ProcessInfo(nil), *comp...), nvml.SUCCESS
	}
	d.GetGraphicsRunningProcessesFunc = func() ([]nvml.ProcessInfo, nvml.Return) {
		mu.Lock()
		defer mu.Unlock()
		return append([]nvml.ProcessInfo(nil), *gfx...), nvml.SUCCESS
	}
	return d
}

func names(pid uint32) string {
	return map[uint32]string{100: "python3", 4242: "eldenring.exe", 77: "firefox"}[pid]
}

func TestMonitorTwoGPUsAndAGame(t *testing.T) {
	var mu sync.Mutex
	var gfx0, comp0, gfx1, comp1 []nvml.ProcessInfo
	comp0 = []nvml.ProcessInfo{{Pid: 100, UsedGpuMemory: 9 << 30}} // our worker
	lib := fakeLib(nvml.SUCCESS,
		liveDevice("NVIDIA GeForce RTX 4090", "GPU-a", &mu, &gfx0, &comp0),
		liveDevice("NVIDIA GeForce RTX 3060", "GPU-b", &mu, &gfx1, &comp1))
	s := &Sampler{Reader: newNVMLReader(lib, names, time.Now), Ours: func(pid uint32) bool { return pid == 100 }}

	snap := s.Sample()
	if snap.Err != nil || snap.DriverVersion != "580.82.07" || len(snap.GPUs) != 2 {
		t.Fatalf("snapshot %+v", snap)
	}
	g := snap.GPUs[0]
	if g.Name != "NVIDIA GeForce RTX 4090" || g.UUID != "GPU-a" || g.MemoryUsed != 3<<30 || g.Utilization != 97 || g.TemperatureC != 71 || g.PowerW != 312.5 || g.PowerLimitW != 450 || len(g.Errors) != 0 {
		t.Fatalf("GPU 0: %+v", g)
	}
	if len(g.Processes) != 1 || !g.Processes[0].Ours || len(g.Foreign()) != 0 {
		t.Fatalf("only our worker should be there: %+v", g.Processes)
	}

	// A game starts on GPU 0 (graphics and compute contexts, one PID).
	mu.Lock()
	gfx0 = []nvml.ProcessInfo{{Pid: 4242, UsedGpuMemory: 6 << 30}}
	comp0 = append(comp0, nvml.ProcessInfo{Pid: 4242, UsedGpuMemory: 1 << 30})
	mu.Unlock()
	f := s.Sample().GPUs[0].Foreign()
	if len(f) != 1 || f[0].Name != "eldenring.exe" || f[0].Kind != Graphics || f[0].MemoryUsed != 6<<30 {
		t.Fatalf("the game: %+v", f)
	}
	if len(s.Last().GPUs[1].Foreign()) != 0 {
		t.Fatal("the game showed up on the other GPU")
	}
	// It quits.
	mu.Lock()
	gfx0, comp0 = nil, comp0[:1]
	mu.Unlock()
	if f := s.Sample().GPUs[0].Foreign(); len(f) != 0 {
		t.Fatalf("the game is still listed: %+v", f)
	}
}

func TestMonitorDriverMissing(t *testing.T) {
	for _, ret := range []nvml.Return{nvml.ERROR_LIBRARY_NOT_FOUND, nvml.ERROR_DRIVER_NOT_LOADED} {
		r := newNVMLReader(fakeLib(ret), names, time.Now)
		s := r.Read()
		if !errors.Is(s.Err, ErrNoDriver) || len(s.GPUs) != 0 {
			t.Fatalf("%v: %+v", ret, s)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMonitorDeviceQueryFails(t *testing.T) {
	var mu sync.Mutex
	var none []nvml.ProcessInfo
	d := liveDevice("NVIDIA GeForce RTX 3060", "GPU-b", &mu, &none, &none)
	d.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 0, nvml.ERROR_GPU_IS_LOST }
	d.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
	r := newNVMLReader(fakeLib(nvml.SUCCESS, d), names, time.Now)
	g := r.Read().GPUs[0]
	if g.HasTemp || g.HasPower || !g.HasUtil || !g.HasMemoryInfo || !g.HasProcesses || g.Name == "" {
		t.Fatalf("%+v", g)
	}
	if len(g.Errors) != 2 || !strings.Contains(g.Errors[0], "temperature") || !strings.Contains(g.Errors[1], "power") {
		t.Fatalf("errors %v", g.Errors)
	}
}

func TestSamplerRunAndSubscribe(t *testing.T) {
	var mu sync.Mutex
	var none []nvml.ProcessInfo
	closed := false
	lib := fakeLib(nvml.SUCCESS, liveDevice("GPU", "GPU-c", &mu, &none, &none))
	lib.ShutdownFunc = func() nvml.Return { closed = true; return nvml.SUCCESS }
	s := &Sampler{Reader: newNVMLReader(lib, names, time.Now), Period: 5 * time.Millisecond}
	ch := s.Subscribe(t.Context())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	for range 3 {
		select {
		case snap := <-ch:
			if len(snap.GPUs) != 1 {
				t.Fatal(snap)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no snapshot")
		}
	}
	cancel()
	<-done
	if !closed {
		t.Fatal("NVML not shut down when the sampler stopped")
	}
}
