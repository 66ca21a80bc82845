// Package worker runs the inference engine in a Docker container on the
// owner's GPU, through the Docker Engine API (github.com/moby/moby/client;
// never the docker CLI): images, a locked-down container per engine, its
// health, logs and events, orphan cleanup, and the hand-back (Release)
// that takes the GPU back from a running job.
//
// Isolation. The container has no network at all (network mode "none":
// loopback only, no route anywhere); the engine listens on a unix socket
// in a host directory bind-mounted into the container, and the node
// dials that socket. Models are mounted read-only, the root filesystem is
// read-only, every capability is dropped, no-new-privileges is set, the
// user is not root, memory and PIDs are limited. This is the Linux
// design. Docker Desktop (Windows, macOS) runs containers in a VM whose
// bind mounts do not carry unix sockets; there the plan is an internal
// network with the engine's port published on 127.0.0.1 only, which is
// not built yet: New refuses other platforms with ErrUnsupported.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"

	"github.com/moby/moby/client"
)

// Docker is the part of the Docker Engine API the worker uses; moby's
// *client.Client implements it, tests may wrap it.
type Docker interface {
	Ping(ctx context.Context, opts client.PingOptions) (client.PingResult, error)
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImagePull(ctx context.Context, ref string, opts client.ImagePullOptions) (client.ImagePullResponse, error)
	ImageBuild(ctx context.Context, buildContext io.Reader, opts client.ImageBuildOptions) (client.ImageBuildResult, error)
	ContainerCreate(ctx context.Context, opts client.ContainerCreateOptions) (client.ContainerCreateResult, error)
	ContainerStart(ctx context.Context, id string, opts client.ContainerStartOptions) (client.ContainerStartResult, error)
	ContainerRemove(ctx context.Context, id string, opts client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
	ContainerList(ctx context.Context, opts client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerInspect(ctx context.Context, id string, opts client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerLogs(ctx context.Context, id string, opts client.ContainerLogsOptions) (client.ContainerLogsResult, error)
	Events(ctx context.Context, opts client.EventsListOptions) client.EventsResult
}

// Error is a worker failure with a code the app translates.
type Error struct {
	Code string // e.g. "docker.missing"
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches errors with the same code, so the sentinels below work with
// errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels, one per code.
var (
	ErrDockerMissing   = &Error{Code: "docker.missing", Msg: "Docker is not installed (no engine socket)"}
	ErrDockerStopped   = &Error{Code: "docker.stopped", Msg: "the Docker engine is not running"}
	ErrDockerTooOld    = &Error{Code: "docker.too_old", Msg: "the Docker engine is too old"}
	ErrDockerDenied    = &Error{Code: "docker.denied", Msg: "no permission to use the Docker engine"}
	ErrNoNvidiaRuntime = &Error{Code: "worker.nvidia_runtime_missing", Msg: "Docker cannot give the container the GPU: the NVIDIA container runtime is missing"}
	ErrImageMissing    = &Error{Code: "worker.image_missing", Msg: "the engine image is not on this machine and cannot be pulled"}
	ErrUnhealthy       = &Error{Code: "worker.unhealthy", Msg: "the engine did not become healthy"}
	ErrCrashed         = &Error{Code: "worker.crashed", Msg: "the engine container stopped"}
	ErrOOM             = &Error{Code: "worker.oom", Msg: "the engine ran out of memory and was killed"}
	ErrUnsupported     = &Error{Code: "worker.unsupported", Msg: "the worker runs on Linux only in this build"}
)

func wrap(sentinel *Error, err error) *Error {
	return &Error{Code: sentinel.Code, Msg: sentinel.Msg, Err: err}
}

// MinAPIVersion is the oldest Docker Engine API the worker uses (Docker
// 20.10: device requests, no-new-privileges, pids limits).
const MinAPIVersion = "1.41"

// Connect opens the Docker engine at host (empty: $DOCKER_HOST or the
// platform default) and checks that it answers and is recent enough.
func Connect(ctx context.Context, host string) (*client.Client, error) {
	opts := []client.Opt{client.FromEnv}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	c, err := client.New(opts...)
	if err != nil {
		return nil, wrap(ErrDockerMissing, err)
	}
	ping, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		c.Close()
		return nil, classify(err)
	}
	if !versionAtLeast(ping.APIVersion, MinAPIVersion) {
		c.Close()
		return nil, wrap(ErrDockerTooOld, fmt.Errorf("API %s, need %s (Docker 20.10)", ping.APIVersion, MinAPIVersion))
	}
	return c, nil
}

// classify names why the engine did not answer.
func classify(err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT) || strings.Contains(err.Error(), "no such file or directory"):
		return wrap(ErrDockerMissing, err)
	case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused"):
		return wrap(ErrDockerStopped, err)
	case errors.Is(err, syscall.EACCES) || strings.Contains(err.Error(), "permission denied"):
		return wrap(ErrDockerDenied, err)
	}
	return wrap(ErrDockerStopped, err)
}

func versionAtLeast(have, want string) bool {
	h, w := strings.SplitN(have, ".", 2), strings.SplitN(want, ".", 2)
	if len(h) != 2 || len(w) != 2 {
		return false
	}
	hM, e1 := strconv.Atoi(h[0])
	hm, e2 := strconv.Atoi(h[1])
	wM, _ := strconv.Atoi(w[0])
	wm, _ := strconv.Atoi(w[1])
	if e1 != nil || e2 != nil {
		return false
	}
	return hM > wM || (hM == wM && hm >= wm)
}

// jsonLine is one line of the build or pull progress stream.
type jsonLine struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Progress    string `json:"progress"`
	ID          string `json:"id"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}
