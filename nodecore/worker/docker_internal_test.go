package worker

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestVersionAtLeast(t *testing.T) {
	for _, c := range []struct {
		have string
		ok   bool
	}{{"1.41", true}, {"1.43", true}, {"2.0", true}, {"1.40", false}, {"1.9", false}, {"0.99", false}, {"", false}, {"x.y", false}, {"1", false}} {
		if got := versionAtLeast(c.have, MinAPIVersion); got != c.ok {
			t.Errorf("versionAtLeast(%q) = %v", c.have, got)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want *Error
	}{
		{fmt.Errorf("dial: %w", syscall.ENOENT), ErrDockerMissing},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), ErrDockerStopped},
		{fmt.Errorf("dial: %w", syscall.EACCES), ErrDockerDenied},
		{errors.New("Cannot connect to the Docker daemon: permission denied"), ErrDockerDenied},
		{errors.New("something else"), ErrDockerStopped},
	}
	for _, c := range cases {
		got := classify(c.err)
		if !errors.Is(got, c.want) || !errors.Is(got, c.err) {
			t.Errorf("classify(%v) = %v, want %s wrapping it", c.err, got, c.want.Code)
		}
	}
	if errors.Is(wrap(ErrOOM, nil), ErrCrashed) {
		t.Error("codes are told apart")
	}
}
