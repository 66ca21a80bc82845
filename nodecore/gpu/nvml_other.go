//go:build !(linux && cgo)

package gpu

func probe() (Inventory, error) {
	// Windows reads nvml.dll through golang.org/x/sys/windows (go-nvml does
	// not build there); that binding belongs to the GPU monitor and is not
	// in this build yet, so say so rather than guess.
	return Inventory{}, ErrUnsupported
}
