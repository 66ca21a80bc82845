// Package testenv gives tests the real components they need (an X
// display, a Docker engine): a test skips without one, and fails instead
// under the test script (HYDROGEN_TEST_FULL=1), which must provide them.
package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hydrogen-network/hydrogen/nodecore/worker"
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

// Docker connects to the Docker engine ($DOCKER_HOST or the default),
// closed when the test ends.
func Docker(t testing.TB) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := worker.Connect(ctx, "")
	if err != nil {
		Require(t, false, "a Docker engine ("+err.Error()+")")
	}
	t.Cleanup(func() { d.Close() })
	return d
}
