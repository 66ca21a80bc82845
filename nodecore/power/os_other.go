//go:build !linux && !windows && !darwin

package power

import "context"

type unsupported struct{}

// OS returns a source that always says ErrUnsupported.
func OS() Source { return unsupported{} }

func (unsupported) Read(context.Context) (State, error) { return State{}, ErrUnsupported }
