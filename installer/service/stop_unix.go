//go:build !windows

package service

import (
	"os"
	"syscall"
)

func stopChild(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
