package icon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/systray"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/tray"
)

// Options configure the tray.
type Options struct {
	Client *api.Client
	// OpenWindow opens the Hydrogen window (a separate process).
	OpenWindow func() error
	// Watcher, when set, samples the owner's presence, which the tray
	// streams to the daemon; Period is how often (default 250 ms).
	Watcher *idle.Watcher
	Period  time.Duration
	// EarningsEvery is how often today's earnings are read (default 1 min;
	// also after each task).
	EarningsEvery time.Duration
	Log           *slog.Logger
	Now           func() time.Time
}

// Run shows the tray icon until ctx ends or the owner quits. It blocks,
// and must be called once per process (the tray library is global).
func Run(ctx context.Context, o Options) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Period == 0 {
		o.Period = 250 * time.Millisecond
	}
	if o.EarningsEvery == 0 {
		o.EarningsEvery = time.Minute
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	systray.Run(func() { onReady(ctx, &wg, o) }, cancel)
	cancel()
	wg.Wait()
}

// menu holds the tray's items.
type menu struct {
	status, today, download                   *systray.MenuItem
	addressChange, cancelChange               *systray.MenuItem
	earnNow, pauseHour, pauseTomorrow, resume *systray.MenuItem
	open, quit                                *systray.MenuItem

	mu   sync.Mutex // guards last
	last *tray.View
}

func onReady(ctx context.Context, wg *sync.WaitGroup, o Options) {
	m := &menu{}
	m.status = systray.AddMenuItem("…", "")
	m.status.Disable()
	m.today = systray.AddMenuItem("", "")
	m.today.Disable()
	m.download = systray.AddMenuItem("", "")
	m.download.Disable()
	m.download.Hide()
	// A pending change of the withdrawal address, and its cancel: shown
	// while one waits for its delay.
	m.addressChange = systray.AddMenuItem("", "")
	m.addressChange.Disable()
	m.addressChange.Hide()
	m.cancelChange = systray.AddMenuItem(lang.L("Cancel the withdrawal address change"),
		lang.L("Withdrawals keep going to the current address"))
	m.cancelChange.Hide()
	systray.AddSeparator()
	m.earnNow = systray.AddMenuItem(lang.L("Earn now"), lang.L("Let the GPU work even while you are here"))
	m.pauseHour = systray.AddMenuItem(lang.L("Pause for 1 hour"), "")
	m.pauseTomorrow = systray.AddMenuItem(lang.L("Pause until tomorrow"), lang.L("Until 08:00 tomorrow"))
	m.resume = systray.AddMenuItem(lang.L("Resume"), lang.L("Back to your schedule and presence rules"))
	systray.AddSeparator()
	m.open = systray.AddMenuItem(lang.L("Open Hydrogen"), "")
	m.quit = systray.AddMenuItem(lang.L("Quit"), lang.L("Close the tray; the node service keeps its own schedule"))
	systray.SetTitle("Hydrogen")

	var mu sync.Mutex // guards status, statusErr, today
	var status *api.Status
	var statusErr error
	today := "0"
	refresh := func() {
		mu.Lock()
		v := tray.ViewOf(status, statusErr, today, o.Now())
		mu.Unlock()
		m.apply(v)
	}
	refresh()
	goRun := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	earnings := make(chan struct{}, 1)
	askEarnings := func() {
		select {
		case earnings <- struct{}{}:
		default:
		}
	}
	goRun(func() {
		lastTask := uint64(0)
		o.Client.WatchForever(ctx, func(s api.Status) {
			mu.Lock()
			status, statusErr = &s, nil
			mu.Unlock()
			if s.Task != lastTask {
				lastTask = s.Task
				askEarnings() // a task ended or began
			}
			refresh()
		}, func(err error) {
			mu.Lock()
			status, statusErr = nil, err
			mu.Unlock()
			refresh()
		}, 5*time.Second)
	})
	goRun(func() {
		t := time.NewTicker(o.EarningsEvery)
		defer t.Stop()
		for {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			hours, err := o.Client.Earnings(cctx, "hour")
			cancel()
			if err == nil {
				mu.Lock()
				today = tray.TodayWei(hours, o.Now())
				mu.Unlock()
				refresh()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-earnings:
			}
		}
	})
	if o.Watcher != nil {
		goRun(func() { streamPresence(ctx, o) })
	}
	control := func(c api.Control) {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := o.Client.Control(cctx, c); err != nil {
			o.Log.Warn("tray: control failed", "action", c.Action, "err", err)
			systray.SetTooltip("Hydrogen: " + tray.ErrorText(err))
		}
	}
	// Each item has its own receiver, always waiting: the tray library
	// drops a click nobody is waiting for.
	on := func(item *systray.MenuItem, f func()) {
		goRun(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-item.ClickedCh:
					f()
				}
			}
		})
	}
	on(m.earnNow, func() { control(api.Control{Action: api.ActionEarnNow}) })
	on(m.pauseHour, func() { control(api.Control{Action: api.ActionPauseFor, Duration: api.Duration(time.Hour)}) })
	on(m.pauseTomorrow, func() {
		d := tray.TomorrowMorning(o.Now()).Sub(o.Now())
		control(api.Control{Action: api.ActionPauseFor, Duration: api.Duration(d)})
	})
	on(m.resume, func() { control(api.Control{Action: api.ActionResume}) })
	on(m.cancelChange, func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, err := o.Client.CancelAddressChange(cctx); err != nil {
			o.Log.Warn("tray: cancelling the withdrawal address change failed", "err", err)
			systray.SetTooltip("Hydrogen: " + tray.ErrorText(err))
			return
		}
		o.Log.Info("tray: the withdrawal address change was cancelled")
	})
	on(m.open, func() {
		if o.OpenWindow == nil {
			return
		}
		if err := o.OpenWindow(); err != nil {
			o.Log.Warn("tray: cannot open the window", "err", err)
		}
	})
	on(m.quit, systray.Quit)
	goRun(func() {
		<-ctx.Done()
		systray.Quit()
	})
}

// apply shows v, touching only what changed (each change is a D-Bus
// signal on Linux).
func (m *menu) apply(v tray.View) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.last
	if old == nil || old.Icon() != v.Icon() {
		if icon, err := v.Icon().Icon(); err == nil {
			systray.SetIcon(icon)
		}
	}
	if old == nil || old.Status != v.Status {
		m.status.SetTitle(v.Status)
	}
	if old == nil || old.Tooltip != v.Tooltip {
		systray.SetTooltip(v.Tooltip)
	}
	if old == nil || old.Today != v.Today {
		m.today.SetTitle(v.Today)
		if v.Today == "" {
			m.today.Hide()
		} else {
			m.today.Show()
		}
	}
	if (old == nil && v.Download != "") || (old != nil && old.Download != v.Download) {
		m.download.SetTitle(v.Download)
		if v.Download == "" {
			m.download.Hide()
		} else {
			m.download.Show()
		}
	}
	if (old == nil && v.AddressChange != "") || (old != nil && old.AddressChange != v.AddressChange) {
		m.addressChange.SetTitle(v.AddressChange)
		if v.AddressChange == "" {
			m.addressChange.Hide()
		} else {
			m.addressChange.Show()
		}
	}
	if old == nil || old.CanCancelAddressChange != v.CanCancelAddressChange {
		if v.CanCancelAddressChange {
			m.cancelChange.Show()
		} else {
			m.cancelChange.Hide()
		}
	}
	enable := func(item *systray.MenuItem, on bool, was bool) {
		if old != nil && on == was {
			return
		}
		if on {
			item.Enable()
		} else {
			item.Disable()
		}
	}
	var o tray.View
	if old != nil {
		o = *old
	}
	enable(m.earnNow, v.CanEarnNow, o.CanEarnNow)
	enable(m.pauseHour, v.CanPause, o.CanPause)
	enable(m.pauseTomorrow, v.CanPause, o.CanPause)
	enable(m.resume, v.CanResume, o.CanResume)
	m.last = &v
}

// streamPresence samples the owner's presence and reports it when the
// daemon needs to know: at once when the owner comes back or a
// full-screen program, an inhibitor or a controller appears, else every
// Heartbeat. While the owner is at the keyboard (a game, typing) it
// samples every ActivePeriod: nothing but leaving can change the
// decision then, and the tray stays cheap; once input stops it samples
// every Period, to notice the return at once.
func streamPresence(ctx context.Context, o Options) {
	defer o.Watcher.Close()
	var last *api.Presence
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p := o.Watcher.Sample()
		w := Wire(p)
		if ShouldReport(last, w) {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := o.Client.ReportPresence(cctx, w)
			cancel()
			if err == nil {
				last = &w
			} else {
				o.Log.Debug("tray: presence report failed", "err", err)
			}
		}
		t.Reset(NextSample(p, o.Period))
	}
}

// ActivePeriod is the sampling period while the owner is active.
const ActivePeriod = time.Second

// NextSample is the pause before the next presence sample: period once
// the owner has been idle 2 s (or nobody can tell), ActivePeriod before.
func NextSample(p idle.Presence, period time.Duration) time.Duration {
	if p.Idle != idle.Unknown && p.Idle < 2*time.Second {
		return ActivePeriod
	}
	return period
}

// Heartbeat is the longest the tray stays silent: well inside the
// daemon's staleness limit (10 s), after which it assumes the owner is
// present.
const Heartbeat = 4 * time.Second

// Wire converts a presence sample for the API.
func Wire(p idle.Presence) api.Presence {
	conv := func(d time.Duration) api.Duration {
		if d == idle.Unknown {
			return api.Unknown
		}
		return api.Duration(d)
	}
	return api.Presence{At: p.At, Idle: conv(p.Idle), ControllerIdle: conv(p.ControllerIdle), FullScreen: p.FullScreen,
		Inhibited: p.Inhibited, Inhibitors: p.Inhibitors, Sources: p.Sources}
}

// ShouldReport decides whether sample p goes to the daemon, given the
// last report sent (nil: none yet).
func ShouldReport(last *api.Presence, p api.Presence) bool {
	if last == nil || p.At.Sub(last.At) >= Heartbeat {
		return true
	}
	if p.FullScreen != last.FullScreen || p.Inhibited != last.Inhibited || (p.Idle == api.Unknown) != (last.Idle == api.Unknown) {
		return true
	}
	// Input since the last report: the idle time is less than the last
	// report's plus the time since. It matters at once only when the
	// daemon believed the owner idle for a while.
	elapsed := api.Duration(p.At.Sub(last.At))
	if p.Idle != api.Unknown && last.Idle != api.Unknown && p.Idle+api.Duration(time.Second) < last.Idle+elapsed && last.Idle >= api.Duration(time.Second) {
		return true
	}
	if p.ControllerIdle != last.ControllerIdle && p.ControllerIdle != api.Unknown &&
		(last.ControllerIdle == api.Unknown || p.ControllerIdle+api.Duration(time.Second) < last.ControllerIdle+elapsed) {
		return true
	}
	return false
}
