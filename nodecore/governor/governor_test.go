package governor

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
)

// counts is what the fakes saw.
type counts struct {
	open                             bool
	why                              string
	gates, releases, pauses, resumes int
}

type fakes struct {
	mu       sync.Mutex
	open     bool
	why      string
	gates    int
	releases int
	pauses   int
	resumes  int
}

func (f *fakes) SetHireable(ok bool, why string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open, f.why = ok, why
	f.gates++
}
func (f *fakes) Release(context.Context) error { f.mu.Lock(); f.releases++; f.mu.Unlock(); return nil }
func (f *fakes) Pause(context.Context) error   { f.mu.Lock(); f.pauses++; f.mu.Unlock(); return nil }
func (f *fakes) Resume(context.Context) error  { f.mu.Lock(); f.resumes++; f.mu.Unlock(); return nil }

func (f *fakes) get() counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	return counts{open: f.open, why: f.why, gates: f.gates, releases: f.releases, pauses: f.pauses, resumes: f.resumes}
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestGovernor(t *testing.T) {
	f := &fakes{}
	clk := &clock{t: time.Date(2026, 11, 18, 14, 0, 0, 0, time.UTC)}
	cfg := policy.Defaults()
	cfg.Location = time.UTC
	g := New(Options{Policy: cfg, Gate: f, Workers: []Releaser{f}, Chain: f, ChainPauseAfter: 5 * time.Minute, Now: clk.now})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- g.Run(ctx, 5*time.Millisecond) }()
	report := func(idleFor time.Duration) {
		g.ReportPresence(idle.Presence{At: clk.now(), Idle: idleFor, ControllerIdle: idle.Unknown, Sources: []string{"x11"}})
	}

	// No report yet: paused (the owner may be there), worker released.
	eventually(t, "the first decision", func() bool { return f.get().gates == 1 })
	if s := f.get(); s.open || s.why != string(policy.PauseNoPresence) {
		t.Fatalf("%+v", s)
	}
	eventually(t, "release", func() bool { return f.get().releases == 1 })

	// Away for 11 minutes: earn; the gate opens at the report, not later.
	report(11 * time.Minute)
	if s := f.get(); !s.open || s.why != string(policy.EarnAway) {
		t.Fatalf("after the report: %+v", s)
	}
	// A keypress: the gate closes within the report call itself.
	report(0)
	if s := f.get(); s.open || s.why != string(policy.PauseUserActive) {
		t.Fatalf("after input: %+v", s)
	}
	eventually(t, "release on the new pause", func() bool { return f.get().releases == 2 })
	// Still present: no second release for the same pause, no chain pause yet.
	clk.add(4 * time.Minute)
	report(0)
	time.Sleep(30 * time.Millisecond)
	if s := f.get(); s.releases != 2 || s.pauses != 0 {
		t.Fatalf("%+v", s)
	}
	// The pause lasts past ChainPauseAfter: paused on chain, once.
	clk.add(2 * time.Minute)
	report(0)
	eventually(t, "chain pause", func() bool { return f.get().pauses == 1 })
	time.Sleep(30 * time.Millisecond)
	if f.get().pauses != 1 {
		t.Fatal("paused on chain twice")
	}
	// Away again: earn, and resume on chain.
	clk.add(11 * time.Minute)
	report(10 * time.Minute)
	eventually(t, "chain resume", func() bool { return f.get().resumes == 1 && f.get().open })

	// The watcher dies: reports stop; time passes; the tick pauses.
	clk.add(11 * time.Second)
	eventually(t, "pause on a silent watcher", func() bool { return !f.get().open && f.get().why == string(policy.PauseNoPresence) })

	// A game on the GPU beats a fresh "away" report.
	report(time.Hour)
	if !f.get().open {
		t.Fatal("not earning with a fresh report")
	}
	g.ReportGPU(&gpu.GPU{HasProcesses: true, Processes: []gpu.Process{{PID: 9, Name: "eldenring.exe", MemoryUsed: 6 << 30}}})
	if s := f.get(); s.open || s.why != string(policy.PauseForeignGPU) || g.Decision().Detail.Process != "eldenring.exe" {
		t.Fatalf("game: %+v %+v", s, g.Decision())
	}
	// The owner asks to pause for an hour; the game leaves; still paused.
	g.SetOverride(policy.Override{Kind: policy.PauseUntil, Until: clk.now().Add(time.Hour)})
	g.ReportGPU(&gpu.GPU{})
	if d := g.Decision(); d.Earn || d.Reason != policy.PauseOverride {
		t.Fatalf("%+v", d)
	}
	cancel()
	<-done
}

func TestWatch(t *testing.T) {
	f := &fakes{}
	g := New(Options{Policy: policy.Config{Headless: true, PauseOnBattery: true}, Gate: f})
	ch := g.Watch(t.Context())
	g.decide()
	if d := <-ch; !d.Earn || d.Reason != policy.EarnHeadless {
		t.Fatalf("%+v", d)
	}
	g.SetBattery(true)
	if d := <-ch; d.Earn || d.Reason != policy.PauseBattery {
		t.Fatalf("%+v", d)
	}
}

// TestTaskEndClosesTheGrace: a running task with little left keeps the
// gate open when the schedule closes the window; the moment the task
// ends (SetTask, no tick needed) the governor pauses.
func TestTaskEndClosesTheGrace(t *testing.T) {
	f := &fakes{}
	clk := &clock{t: time.Date(2026, 11, 18, 14, 0, 0, 0, time.UTC)}
	cfg := policy.Defaults()
	cfg.Location, cfg.Headless = time.UTC, true
	g := New(Options{Policy: cfg, Gate: f, Now: clk.now})
	g.SetBattery(false)
	if d := g.Decision(); !d.Earn || d.Reason != policy.EarnHeadless {
		t.Fatalf("start: %+v", d)
	}
	g.SetTask(policy.Task{Running: true, Left: 20 * time.Second})
	cfg.Schedule[time.Wednesday][14] = policy.Never
	g.SetPolicy(cfg)
	if d := g.Decision(); !d.Earn || d.Reason != policy.EarnFinish || !f.get().open {
		t.Fatalf("schedule closed during a short task: %+v, gate open %v", d, f.get().open)
	}
	g.SetTask(policy.Task{})
	if d := g.Decision(); d.Earn || d.Reason != policy.PauseSchedule || f.get().open {
		t.Fatalf("the task ended: %+v, gate open %v", d, f.get().open)
	}
	// A long task is not waited for.
	cfg.Schedule[time.Wednesday][14] = policy.WhenAway
	g.SetPolicy(cfg)
	g.SetTask(policy.Task{Running: true, Left: 10 * time.Minute})
	cfg.Schedule[time.Wednesday][14] = policy.Never
	g.SetPolicy(cfg)
	if d := g.Decision(); d.Earn || d.Reason != policy.PauseSchedule {
		t.Fatalf("a long task kept earning: %+v", d)
	}
}
