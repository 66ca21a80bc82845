package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAutostartEntry(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	p := filepath.Join(dir, "autostart", "network.hydrogen.tray.desktop")
	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(b), "[Desktop Entry]") || !strings.Contains(string(b), "Exec=\"") || !strings.Contains(string(b), TrayProgram) {
		t.Fatalf("%q %v", b, err)
	}
	if err := SetAutostart(true); err != nil { // again: the same entry
		t.Fatal(err)
	}
	if err := SetAutostart(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("entry left: %v", err)
	}
	if err := SetAutostart(false); err != nil {
		t.Fatalf("off twice: %v", err)
	}
}
