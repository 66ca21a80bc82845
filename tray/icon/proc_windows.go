//go:build windows

package icon

import "os"

const exeSuffix = ".exe"

// interrupt stops a child on Windows, which has no SIGTERM for it.
func interrupt(p *os.Process) error { return p.Kill() }
