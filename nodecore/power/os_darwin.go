package power

import (
	"context"
	"fmt"
	"os/exec"
)

type pmset struct{}

// OS returns the running OS's power source: `pmset -g batt`, which needs
// no cgo.
func OS() Source { return pmset{} }

func (pmset) Read(ctx context.Context) (State, error) {
	out, err := exec.CommandContext(ctx, "/usr/bin/pmset", "-g", "batt").Output()
	if err != nil {
		return State{}, fmt.Errorf("power: pmset: %w", err)
	}
	return ParsePmset(string(out))
}
