//go:build linux

package idle

import (
	"errors"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Joysticks watches the kernel's joystick devices (/dev/input/js*): any
// button or axis event is controller activity, so playing with a gamepad
// is not "away". Devices plugged in later are picked up at the next
// sample.
type Joysticks struct {
	// Glob finds the devices; default /dev/input/js*.
	Glob string

	mu   sync.Mutex     // guards the fields below
	open map[string]int // path → raw non-blocking fd (not Go's poller, which would wait)
	last time.Time      // last controller input seen
	scan time.Time      // last look for new devices
}

// rescanEvery is how often new controllers are looked for.
const rescanEvery = 2 * time.Second

// jsEvent is struct js_event: time (ms), value, type, number.
const jsEventSize = 8

// jsEventInit flags the synthetic events sent when a device is opened.
const jsEventInit = 0x80

// Name is "joystick".
func (j *Joysticks) Name() string { return "joystick" }

// Sample reads the events that arrived since the last sample.
func (j *Joysticks) Sample(now time.Time, p *Presence) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.open == nil {
		j.open = map[string]int{}
	}
	glob := j.Glob
	if glob == "" {
		glob = "/dev/input/js*"
	}
	// New controllers are looked for every few seconds, not every sample.
	var paths []string
	if now.Sub(j.scan) >= rescanEvery || now.Before(j.scan) {
		paths, _ = filepath.Glob(glob)
		j.scan = now
	}
	for _, path := range paths {
		if _, ok := j.open[path]; ok {
			continue
		}
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != nil {
			continue // no permission: other sources still count
		}
		j.open[path] = fd
	}
	var buf []byte
	if len(j.open) > 0 {
		buf = make([]byte, 64*jsEventSize)
	}
	for path, fd := range j.open {
		for {
			n, err := syscall.Read(fd, buf)
			for i := 0; i+jsEventSize <= n; i += jsEventSize {
				// Any real event (a button in either state, an axis
				// moving, even back to centre) is the owner at the
				// controller; the synthetic ones sent on open are not.
				if buf[i+6]&jsEventInit == 0 {
					j.last = now
				}
			}
			if err != nil || n == 0 {
				if !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR) {
					syscall.Close(fd) // unplugged (ENODEV) or end of file
					delete(j.open, path)
				}
				break
			}
			if n < len(buf) {
				break
			}
		}
	}
	if !j.last.IsZero() {
		d := now.Sub(j.last)
		if d < p.ControllerIdle {
			p.ControllerIdle = max(d, 0)
		}
	}
	return nil
}

// Close closes the devices.
func (j *Joysticks) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for p, fd := range j.open {
		syscall.Close(fd)
		delete(j.open, p)
	}
	return nil
}
