// Package doctor checks whether this machine can run a Hydrogen node and
// says, for each thing that is wrong, how to fix it in one line.
//
// Each check is a small function from facts to a Result, so it can be
// table-tested; Checks wires them to the real system.
package doctor

import (
	"context"
	"fmt"
	"time"
)

// Status is the outcome of one check.
type Status int

// The outcomes, from best to worst. The values cross the wire (doctor
// --json, later the local API) and never change.
const (
	OK      Status = 0
	Warning Status = 1
	Failed  Status = 2
)

// String returns "ok", "warning" or "failed".
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warning:
		return "warning"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes the status as its name.
func (s Status) MarshalText() ([]byte, error) {
	if s < OK || s > Failed {
		return nil, fmt.Errorf("doctor: unknown status %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for _, v := range []Status{OK, Warning, Failed} {
		if string(b) == v.String() {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("doctor: unknown status %q", b)
}

// Result is what one check found.
type Result struct {
	Check  string `json:"check"`         // what was checked, e.g. "Docker engine"
	Code   string `json:"code"`          // stable code for translation, e.g. "docker.unreachable"
	Status Status `json:"status"`        // ok, warning or failed
	Detail string `json:"detail"`        // what was found, one line
	Fix    string `json:"fix,omitempty"` // how to fix it, one line; empty when ok
}

// Check is one named check.
type Check struct {
	Name string
	Run  func(ctx context.Context) Result
}

// CheckTimeout bounds each check, so a hung engine cannot hang doctor.
const CheckTimeout = 10 * time.Second

// Run runs the checks in order and returns their results. A check that
// does not finish within CheckTimeout is reported as failed.
func Run(ctx context.Context, checks []Check) []Result {
	out := make([]Result, 0, len(checks))
	for _, c := range checks {
		out = append(out, runOne(ctx, c))
	}
	return out
}

func runOne(ctx context.Context, c Check) Result {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	done := make(chan Result, 1)
	go func() { done <- c.Run(ctx) }()
	select {
	case r := <-done:
		if r.Check == "" {
			r.Check = c.Name
		}
		return r
	case <-ctx.Done():
		return Result{
			Check:  c.Name,
			Code:   "check.timeout",
			Status: Failed,
			Detail: fmt.Sprintf("no answer within %s", CheckTimeout),
			Fix:    "run doctor again; if it repeats, the component above is hung",
		}
	}
}

// Worst returns the worst status among results (OK for none).
func Worst(results []Result) Status {
	w := OK
	for _, r := range results {
		w = max(w, r.Status)
	}
	return w
}
