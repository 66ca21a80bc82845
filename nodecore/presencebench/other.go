//go:build !(linux || freebsd || openbsd || netbsd)

package presencebench

import (
	"context"
	"errors"
	"time"
)

// Run needs an X display to send input to; this platform has none.
func Run(ctx context.Context, samples, trials int, period time.Duration) (Report, error) {
	return Report{}, errors.New("presencebench: runs on an X11 display only")
}
