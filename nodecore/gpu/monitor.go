package gpu

import (
	"context"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// ProcessKind says how a process uses the GPU.
type ProcessKind uint8

// Kinds of GPU processes, as NVML lists them.
const (
	Compute  ProcessKind = 1 // CUDA and other compute work (our worker, ML apps)
	Graphics ProcessKind = 2 // a 3D context: games, browsers, the desktop
)

func (k ProcessKind) String() string {
	switch k {
	case Compute:
		return "compute"
	case Graphics:
		return "graphics"
	}
	return "unknown"
}

// Process is a process using a GPU.
type Process struct {
	PID        uint32
	Name       string // executable name, e.g. "eldenring.exe"; "" if unknown
	Kind       ProcessKind
	MemoryUsed uint64 // bytes; 0 when the driver does not say
	Ours       bool   // our worker's: not a sign of the owner
}

// GPU is one GPU's state at a sample.
type GPU struct {
	Index         int
	Name          string
	UUID          string
	MemoryTotal   uint64 // bytes
	MemoryUsed    uint64
	Utilization   uint32  // percent of time the GPU was busy
	TemperatureC  uint32  // core temperature
	PowerW        float64 // draw
	PowerLimitW   float64 // enforced limit
	Processes     []Process
	Errors        []string // queries that failed on this GPU; the rest is still reported
	HasUtil       bool     // Utilization was read
	HasTemp       bool     // TemperatureC was read
	HasPower      bool     // PowerW and PowerLimitW were read
	HasProcesses  bool     // Processes were read
	HasMemoryInfo bool     // MemoryTotal and MemoryUsed were read
}

// Snapshot is every GPU at one time.
type Snapshot struct {
	At            time.Time
	DriverVersion string
	GPUs          []GPU
	// Err is why nothing could be read: ErrNoDriver ("no NVIDIA GPU
	// found"), ErrNoPermission, ErrUnsupported, or NVML's error.
	Err error
}

// Foreign returns the processes on g that are not ours.
func (g GPU) Foreign() []Process {
	var out []Process
	for _, p := range g.Processes {
		if !p.Ours {
			out = append(out, p)
		}
	}
	return out
}

// WithOurs returns a copy of g whose processes are marked ours when owns
// says so (g, which other watchers of a sample share, is unchanged).
func (g GPU) WithOurs(owns func(pid uint32) bool) GPU {
	g.Processes = append([]Process(nil), g.Processes...)
	for i := range g.Processes {
		g.Processes[i].Ours = g.Processes[i].Ours || owns(g.Processes[i].PID)
	}
	return g
}

// Reader takes one snapshot. Readers hold NVML open between samples;
// Close releases it.
type Reader interface {
	Read() Snapshot
	Close() error
}

// Sampler reads a Reader every Period and publishes the snapshots.
type Sampler struct {
	Reader Reader
	Period time.Duration // default 500 ms
	// Ours, when set, marks processes as our worker's (by PID).
	Ours func(pid uint32) bool

	samples watch.Hub[Snapshot]
}

// Last returns the latest snapshot.
func (s *Sampler) Last() Snapshot { return s.samples.Last() }

// Subscribe returns a channel of the snapshots (the latest first, once
// there is one; a slow reader gets the latest) until ctx ends.
func (s *Sampler) Subscribe(ctx context.Context) <-chan Snapshot { return s.samples.Subscribe(ctx) }

// Sample reads once and publishes.
func (s *Sampler) Sample() Snapshot {
	snap := s.Reader.Read()
	if s.Ours != nil {
		for i := range snap.GPUs {
			for j := range snap.GPUs[i].Processes {
				p := &snap.GPUs[i].Processes[j]
				p.Ours = s.Ours(p.PID)
			}
		}
	}
	s.samples.Publish(snap)
	return snap
}

// Run samples until ctx ends, then closes the reader.
func (s *Sampler) Run(ctx context.Context) error {
	period := s.Period
	if period <= 0 {
		period = 500 * time.Millisecond
	}
	defer s.Reader.Close()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		s.Sample()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
