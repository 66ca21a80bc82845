//go:build !unix

package cli

import "os"

// installExecutable registers exe as it is: on Windows the installer puts
// it in Program Files, whose rights only administrators hold.
func installExecutable(exe, _ string, _ bool) (path, note string, err error) { return exe, "", nil }

// secureDataDir creates dir; its rights on Windows are the Windows
// issue's (a protected DACL).
func secureDataDir(dir string, _ int) error { return os.MkdirAll(dir, 0o750) }

// SystemExeDir is unused here.
const SystemExeDir = ""

// groupMembers is not known here: Windows grants the pipe to users by SID.
func groupMembers(string, string) []string { return nil }
