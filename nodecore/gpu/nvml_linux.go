//go:build linux && cgo

package gpu

import (
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

func probe() (Inventory, error) {
	return probeLib(nvml.New())
}

// probeLib lists the GPUs that lib reports. It is separate from probe so
// tests can hand it go-nvml's mock.
func probeLib(lib nvml.Interface) (inv Inventory, err error) {
	if ret := lib.Init(); ret != nvml.SUCCESS {
		return Inventory{}, initError(ret)
	}
	defer func() {
		if ret := lib.Shutdown(); ret != nvml.SUCCESS && err == nil {
			err = fmt.Errorf("nvml shutdown: %w", ret)
		}
	}()

	driver, ret := lib.SystemGetDriverVersion()
	if ret != nvml.SUCCESS {
		return Inventory{}, fmt.Errorf("nvml driver version: %w", ret)
	}
	inv.DriverVersion = driver

	count, ret := lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return Inventory{}, fmt.Errorf("nvml device count: %w", ret)
	}
	for i := range count {
		d, err := readDevice(lib, i)
		if err != nil {
			return Inventory{}, err
		}
		inv.Devices = append(inv.Devices, d)
	}
	return inv, nil
}

func readDevice(lib nvml.Interface, i int) (Device, error) {
	h, ret := lib.DeviceGetHandleByIndex(i)
	if ret != nvml.SUCCESS {
		return Device{}, fmt.Errorf("nvml device %d: %w", i, ret)
	}
	d := Device{Index: i}
	if d.Name, ret = h.GetName(); ret != nvml.SUCCESS {
		return Device{}, fmt.Errorf("nvml device %d name: %w", i, ret)
	}
	if d.UUID, ret = h.GetUUID(); ret != nvml.SUCCESS {
		return Device{}, fmt.Errorf("nvml device %d uuid: %w", i, ret)
	}
	mem, ret := h.GetMemoryInfo()
	if ret != nvml.SUCCESS {
		return Device{}, fmt.Errorf("nvml device %d memory: %w", i, ret)
	}
	d.MemoryTotal = mem.Total
	return d, nil
}

// initError maps NVML's Init failures to this package's sentinels.
func initError(ret nvml.Return) error {
	switch ret {
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return fmt.Errorf("%w (libnvidia-ml.so.1 is not installed)", ErrNoDriver)
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return fmt.Errorf("%w (the kernel driver is not loaded)", ErrNoDriver)
	case nvml.ERROR_NO_PERMISSION:
		return ErrNoPermission
	}
	return fmt.Errorf("nvml init: %w", ret)
}
