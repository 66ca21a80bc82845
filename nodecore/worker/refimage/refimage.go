// Package refimage builds the reference engine's container image: the
// static hydrogen-refengine binary in a FROM scratch image, through the
// Docker Engine API. Compiling the binary needs the Go toolchain and this
// source tree, which tests, benchmarks and the demo from a checkout have.
package refimage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hydrogen-network/hydrogen/nodecore/worker"
)

// Tag is the image's tag.
const Tag = "hydrogen/refengine:dev"

// Socket is the engine's socket name in the worker's run directory.
const Socket = "engine.sock"

// Cmd serves on the socket; with stepTime > 0 every sampler step takes
// that long (a busy GPU).
func Cmd(stepTime string) []string {
	c := []string{"-socket", worker.RunPath + "/" + Socket}
	if stepTime != "" {
		c = append(c, "-step-time", stepTime)
	}
	return c
}

const dockerfile = `FROM scratch
COPY hydrogen-refengine /hydrogen-refengine
USER 65533:65533
ENTRYPOINT ["/hydrogen-refengine"]
CMD ["-socket", "/run/hydrogen/engine.sock"]
`

// CompileBinary builds hydrogen-refengine statically into dir.
func CompileBinary(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "hydrogen-refengine")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./nodecore/cmd/hydrogen-refengine")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("refimage: go build: %v: %s", err, b)
	}
	return out, nil
}

func moduleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("refimage: the Go toolchain is needed to build the reference engine: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("refimage: run from the Hydrogen source tree")
	}
	return filepath.Dir(mod), nil
}

// Build compiles the binary and builds the image tagged Tag.
func Build(ctx context.Context, d worker.Docker) error {
	dir, err := os.MkdirTemp("", "hydrogen-refimage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := CompileBinary(ctx, dir)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	return worker.BuildImage(ctx, d, Tag, dockerfile, []worker.File{{Name: "hydrogen-refengine", Mode: 0o755, Data: data}})
}
