//go:build !windows

package tray

import (
	"os"
	"syscall"
)

const exeSuffix = ""

func interrupt(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
