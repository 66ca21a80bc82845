//go:build windows

package service

import "os"

// stopChild stops a child on Windows, which has no SIGTERM to send it.
func stopChild(p *os.Process) error { return p.Kill() }
