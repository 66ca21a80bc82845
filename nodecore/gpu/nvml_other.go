//go:build !(linux && cgo) && !windows

package gpu

func probe() (Inventory, error) {
	// No NVML binding for this platform in this build: say so rather than
	// guess.
	return Inventory{}, ErrUnsupported
}
