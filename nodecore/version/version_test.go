package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuild(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}
	tests := []struct {
		name           string
		ver, commit    string
		bi             *debug.BuildInfo
		want           Info
		wantShortLines []string
	}{
		{
			name: "no build info",
			want: Info{Version: DevVersion, Commit: "unknown"},
		},
		{
			name: "vcs stamped dev build",
			bi:   stamped,
			want: Info{Version: DevVersion, Commit: "0123456789abcdef0123", Modified: true, GoVersion: "go1.26.8"},
		},
		{
			name:   "link-time values win over stamps",
			ver:    "2.0.1",
			commit: "feedface",
			bi:     stamped,
			want:   Info{Version: "2.0.1", Commit: "feedface", GoVersion: "go1.26.8"},
		},
		{
			name: "module install records its version",
			bi:   installed,
			want: Info{Version: "1.4.0", Commit: "unknown", GoVersion: "go1.26.8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromBuild(tt.ver, tt.commit, tt.bi)
			if tt.want.GoVersion == "" {
				tt.want.GoVersion = got.GoVersion // runtime's, varies
			}
			tt.want.Platform = got.Platform
			if got != tt.want {
				t.Fatalf("fromBuild = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	i := Info{Version: "1.2.3", Commit: "0123456789abcdef", Modified: true, GoVersion: "go1.26.8", Platform: "linux/amd64"}
	s := i.String()
	for _, want := range []string{"Hydrogen 1.2.3\n", "commit:   0123456789ab (modified)\n", "go:       go1.26.8\n", "platform: linux/amd64\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %q, missing %q", s, want)
		}
	}
}
