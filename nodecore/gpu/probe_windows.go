//go:build windows

package gpu

// probe lists the GPUs through the monitor's nvml.dll binding.
func probe() (Inventory, error) {
	r := NewReader()
	defer r.Close()
	s := r.Read()
	if s.Err != nil {
		return Inventory{}, s.Err
	}
	inv := Inventory{DriverVersion: s.DriverVersion}
	for _, g := range s.GPUs {
		inv.Devices = append(inv.Devices, Device{Index: g.Index, Name: g.Name, UUID: g.UUID, MemoryTotal: g.MemoryTotal})
	}
	return inv, nil
}
