package datadir

import (
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		goos string
		root bool
		env  map[string]string
		want string
	}{
		{"override wins", "linux", true, map[string]string{EnvVar: "/srv/h2"}, "/srv/h2"},
		{"linux service", "linux", true, nil, "/var/lib/hydrogen"},
		{"linux user", "linux", false, nil, filepath.Join("/home/ada", ".local", "share", "hydrogen")},
		{"linux XDG", "linux", false, map[string]string{"XDG_DATA_HOME": "/data/ada"}, filepath.Join("/data/ada", "hydrogen")},
		{"relative XDG ignored", "linux", false, map[string]string{"XDG_DATA_HOME": "data"}, filepath.Join("/home/ada", ".local", "share", "hydrogen")},
		{"windows", "windows", false, map[string]string{"ProgramData": `D:\PD`}, filepath.Join(`D:\PD`, "Hydrogen")},
		{"macOS user", "darwin", false, nil, filepath.Join("/home/ada", "Library", "Application Support", "Hydrogen")},
		{"macOS root", "darwin", true, nil, "/Library/Application Support/Hydrogen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.goos, tt.root, "/home/ada", func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Fatalf("resolve = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFree(t *testing.T) {
	free, total, err := Free(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || free > total {
		t.Fatalf("free %d of total %d is not plausible", free, total)
	}
	if _, _, err := Free(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("the free space of a missing directory")
	}
}
