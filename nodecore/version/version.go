// Package version reports which build of Hydrogen is running. Both binaries,
// the desktop app and the daemon, print the same text from here.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// These are set at link time by the release build:
//
//	go build -ldflags "-X github.com/hydrogen-network/hydrogen/nodecore/version.Version=1.2.3 \
//	  -X github.com/hydrogen-network/hydrogen/nodecore/version.Commit=abcdef0"
//
// When they are empty the values are read from the Go build information
// that `go build` stamps into a binary built from a git checkout.
var (
	// Version is the semantic version of this build.
	Version = ""
	// Commit is the git commit this build was made from.
	Commit = ""
)

// DevVersion is reported when a build carries no version: a developer build.
const DevVersion = "0.1.0-dev"

// Info describes one build.
type Info struct {
	Version   string // semantic version, DevVersion for developer builds
	Commit    string // git commit hash, "unknown" when not recorded
	Modified  bool   // whether the working tree had uncommitted changes
	GoVersion string // the Go toolchain that built the binary
	Platform  string // GOOS/GOARCH
}

// Get returns the information of the running binary.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(Version, Commit, bi)
}

// fromBuild combines the link-time values with the stamped build
// information; link-time values win.
func fromBuild(ver, commit string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:   ver,
		Commit:    commit,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.modified":
				if commit == "" {
					info.Modified = s.Value == "true"
				}
			}
		}
		// A module-aware install (go install ...@v1.2.3) records the version.
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
	}
	if info.Version == "" {
		info.Version = DevVersion
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// ShortCommit returns the first 12 characters of the commit hash.
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String formats the information the way `hydrogend version` and
// `hydrogen --version` print it.
func (i Info) String() string {
	commit := i.ShortCommit()
	if i.Modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("Hydrogen %s\ncommit:   %s\ngo:       %s\nplatform: %s\n",
		i.Version, commit, i.GoVersion, i.Platform)
}
