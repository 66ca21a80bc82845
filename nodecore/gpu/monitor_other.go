//go:build !(linux && cgo) && !windows

package gpu

import "time"

// NewReader reports ErrUnsupported: this build has no NVML binding for
// the platform.
func NewReader() Reader { return unsupported{} }

type unsupported struct{}

func (unsupported) Read() Snapshot { return Snapshot{At: time.Now(), Err: ErrUnsupported} }
func (unsupported) Close() error   { return nil }
