// Package testenv gives tests the real components they need (an X
// display, a Docker engine, a tool on the PATH): a test skips without
// one, and fails instead under the test script (HYDROGEN_TEST_FULL=1),
// which must provide them. Every package's tests use it, the desktop's
// and the installer's too; the daemon never links it.
package testenv

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Full reports whether the test script runs the tests: then a missing
// component is a failure, not a skip.
func Full() bool { return os.Getenv("HYDROGEN_TEST_FULL") == "1" }

// Require skips t when ok is false, or fails it under the test script.
func Require(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if Full() {
		t.Fatalf("%s is required", what)
	}
	t.Skipf("no %s", what)
}

// Requiref is Require with the reason the component is missing, and
// how to get it.
func Requiref(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	if Full() {
		t.Fatalf(format+" (required by the test script)", args...)
	}
	t.Skipf(format, args...)
}

// Display requires an X display ($DISPLAY; scripts/test starts Xvfb).
func Display(t testing.TB) {
	t.Helper()
	Requiref(t, os.Getenv("DISPLAY") != "", "no DISPLAY: scripts/test starts Xvfb")
}

// Tool requires a program on the PATH (scripts/setup installs it).
func Tool(t testing.TB, name string) {
	t.Helper()
	_, err := exec.LookPath(name)
	Requiref(t, err == nil, "%s is missing: run scripts/setup", name)
}

// Docker connects to the Docker engine ($DOCKER_HOST or the default)
// with connect (worker.Connect: testenv imports no part of Hydrogen, so
// that every package's tests may use it), closed when the test ends.
func Docker[C interface{ Close() error }](t testing.TB, connect func(context.Context, string) (C, error)) C {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := connect(ctx, "")
	if err != nil {
		Require(t, false, "a Docker engine ("+err.Error()+")")
	}
	t.Cleanup(func() { d.Close() })
	return d
}
