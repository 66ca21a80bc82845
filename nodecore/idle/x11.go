//go:build linux || freebsd || openbsd || netbsd

package idle

import (
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/BurntSushi/xgb"
	"github.com/BurntSushi/xgb/screensaver"
	"github.com/BurntSushi/xgb/xproto"
)

var quietXGB sync.Once

// X11 reads the X server's screensaver extension: the time since the
// last input on this display, and whether screen blanking is suspended
// (video players call XScreenSaverSuspend).
type X11 struct {
	conn *xgb.Conn
	root xproto.Window
}

// NewX11 connects to display (empty: $DISPLAY).
func NewX11(display string) (*X11, error) {
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	if display == "" {
		display = os.Getenv("DISPLAY")
	}
	if display == "" {
		return nil, fmt.Errorf("%w: no DISPLAY", ErrUnavailable)
	}
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("%w: X display %s: %v", ErrUnavailable, display, err)
	}
	if err := screensaver.Init(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: the X server lacks the screensaver extension: %v", ErrUnavailable, err)
	}
	return &X11{conn: c, root: xproto.Setup(c).DefaultScreen(c).Root}, nil
}

// Name is "x11".
func (x *X11) Name() string { return "x11" }

// Sample reads the idle time and the screensaver state.
func (x *X11) Sample(_ time.Time, p *Presence) error {
	info, err := screensaver.QueryInfo(x.conn, xproto.Drawable(x.root)).Reply()
	if err != nil {
		return err
	}
	idleInput(p, time.Duration(info.MsSinceUserInput)*time.Millisecond)
	if info.State == screensaver.StateDisabled {
		p.Inhibited = true
		p.Inhibitors = append(p.Inhibitors, "X11 screensaver suspended")
	}
	return nil
}

// Close closes the connection.
func (x *X11) Close() error {
	x.conn.Close()
	return nil
}
