//go:build !windows

package icon

import (
	"os"
	"syscall"
)

const exeSuffix = ""

func interrupt(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
