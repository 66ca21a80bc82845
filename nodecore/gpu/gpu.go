// Package gpu reads the NVIDIA GPUs of this machine through NVML.
//
// On Linux NVML is github.com/NVIDIA/go-nvml, which loads libnvidia-ml at
// run time, so the binaries start on machines without a driver. On
// Windows it loads nvml.dll through golang.org/x/sys/windows (go-nvml does
// not build there). Other platforms report ErrUnsupported.
package gpu

import "errors"

// Device is one NVIDIA GPU as NVML reports it.
type Device struct {
	Index       int    // NVML index
	Name        string // marketing name, e.g. "NVIDIA GeForce RTX 4090"
	UUID        string // stable identifier, e.g. "GPU-5c9b…"
	MemoryTotal uint64 // VRAM in bytes
}

// Inventory is what NVML says about the machine: the driver and its GPUs.
type Inventory struct {
	DriverVersion string
	Devices       []Device
}

var (
	// ErrNoDriver means the NVIDIA driver (libnvidia-ml) is not installed
	// or not loaded: there is no NVIDIA GPU this node can use.
	ErrNoDriver = errors.New("no NVIDIA driver found")
	// ErrNoPermission means NVML is present but this user may not use it.
	ErrNoPermission = errors.New("no permission to use the NVIDIA driver")
	// ErrUnsupported means this build has no NVML binding for the platform.
	ErrUnsupported = errors.New("NVIDIA GPU detection is not supported in this build")
)

// Probe loads NVML, lists the GPUs and unloads it again.
func Probe() (Inventory, error) {
	return probe()
}
