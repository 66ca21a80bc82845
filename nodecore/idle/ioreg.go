package idle

import (
	"errors"
	"regexp"
	"strconv"
)

var hidIdlePattern = regexp.MustCompile(`"HIDIdleTime"\s*=\s*(\d+)`)

// parseHIDIdle finds HIDIdleTime (nanoseconds) in ioreg's output.
func parseHIDIdle(out []byte) (int64, error) {
	m := hidIdlePattern.FindSubmatch(out)
	if m == nil {
		return 0, errors.New("idle: no HIDIdleTime in ioreg's output")
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}
