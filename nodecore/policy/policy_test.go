package policy

import (
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
)

// A Wednesday, 14:00 UTC.
var noon = time.Date(2026, 11, 18, 14, 0, 0, 0, time.UTC)

func cfg() Config {
	c := Defaults()
	c.Location = time.UTC
	return c
}

func away(d time.Duration) *idle.Presence {
	return &idle.Presence{At: noon, Idle: d, ControllerIdle: idle.Unknown, Sources: []string{"x11"}}
}

func card(temp uint32, util uint32, procs ...gpu.Process) *gpu.GPU {
	return &gpu.GPU{Name: "NVIDIA GeForce RTX 4090", HasTemp: true, TemperatureC: temp, HasUtil: true, Utilization: util, HasProcesses: true, Processes: procs}
}

var (
	worker  = gpu.Process{PID: 100, Name: "python3", Kind: gpu.Compute, MemoryUsed: 9 << 30, Ours: true}
	game    = gpu.Process{PID: 4242, Name: "eldenring.exe", Kind: gpu.Graphics, MemoryUsed: 6 << 30}
	browser = gpu.Process{PID: 77, Name: "firefox", Kind: gpu.Graphics, MemoryUsed: 180 << 20}
	discord = gpu.Process{PID: 78, Name: "Discord.exe", Kind: gpu.Graphics, MemoryUsed: 90 << 20}
)

func TestRules(t *testing.T) {
	never := cfg()
	never.Schedule[time.Wednesday][14] = Never
	always := cfg()
	always.Schedule[time.Wednesday][14] = Always
	headless := cfg()
	headless.Headless = true
	blockDiscord := cfg()
	blockDiscord.Block = []string{"discord.exe"}
	allowGame := cfg()
	allowGame.Allow = append(allowGame.Allow, "ELDENRING.EXE")

	controller := away(time.Hour)
	controller.ControllerIdle = 3 * time.Second
	full := away(time.Hour)
	full.FullScreen = true
	film := away(time.Hour)
	film.Inhibited, film.Inhibitors = true, []string{"X11 screensaver suspended"}
	stale := away(time.Hour)
	stale.At = noon.Add(-time.Minute)
	dead := &idle.Presence{At: noon, Idle: idle.Unknown, ControllerIdle: idle.Unknown}

	cases := []struct {
		name   string
		c      Config
		in     Input
		earn   bool
		reason Reason
		check  func(Detail) bool
	}{
		{"away long enough", cfg(), Input{Presence: away(11 * time.Minute), GPU: card(60, 0)}, true, EarnAway, nil},
		{"away exactly the threshold", cfg(), Input{Presence: away(10 * time.Minute)}, true, EarnAway, nil},
		{"active two minutes ago", cfg(), Input{Presence: away(2 * time.Minute)}, false, PauseUserActive,
			func(d Detail) bool { return d.ActiveAgo == 2*time.Minute && d.AwayAfter == 10*time.Minute }},
		{"input just now while earning", cfg(), Input{Presence: away(0), Previous: Decision{Earn: true, Reason: EarnAway}}, false, PauseUserActive, nil},
		{"a report five seconds old has aged", cfg(), Input{Presence: &idle.Presence{At: noon.Add(-5 * time.Second), Idle: 9*time.Minute + 56*time.Second, ControllerIdle: idle.Unknown}}, true, EarnAway, nil},
		{"controller in use", cfg(), Input{Presence: controller}, false, PauseController, nil},
		{"full screen", cfg(), Input{Presence: full}, false, PauseFullScreen, nil},
		{"film inhibits", cfg(), Input{Presence: film}, false, PauseInhibited, nil},
		{"no report ever", cfg(), Input{}, false, PauseNoPresence, nil},
		{"watcher silent", cfg(), Input{Presence: stale}, false, PauseNoPresence, nil},
		{"no source measures", cfg(), Input{Presence: dead}, false, PauseNoPresence, nil},
		{"headless rig without reports", headless, Input{}, true, EarnHeadless, nil},
		{"game on the GPU", cfg(), Input{Presence: away(time.Hour), GPU: card(60, 99, worker, game)}, false, PauseForeignGPU,
			func(d Detail) bool { return d.Process == "eldenring.exe" }},
		{"game blocks even a headless rig", headless, Input{GPU: card(60, 99, game)}, false, PauseForeignGPU, nil},
		{"browser sliver does not block", cfg(), Input{Presence: away(time.Hour), GPU: card(60, 3, worker, browser)}, true, EarnAway, nil},
		{"browser busy GPU with no task of ours blocks", cfg(), Input{Presence: away(time.Hour), GPU: card(60, 65, browser)}, false, PauseForeignGPU,
			func(d Detail) bool { return d.Process == "firefox" }},
		{"browser while our task keeps the GPU busy", cfg(), Input{Presence: away(time.Hour), GPU: card(60, 99, worker, browser), Task: Task{Running: true, Left: time.Minute}}, true, EarnAway, nil},
		{"block list", blockDiscord, Input{Presence: away(time.Hour), GPU: card(60, 1, discord)}, false, PauseForeignGPU, nil},
		{"allow list (any case)", allowGame, Input{Presence: away(time.Hour), GPU: card(60, 99, game)}, true, EarnAway, nil},
		{"unnamed foreign process", cfg(), Input{Presence: away(time.Hour), GPU: card(60, 99, gpu.Process{PID: 9, MemoryUsed: 2 << 30})}, false, PauseForeignGPU,
			func(d Detail) bool { return d.Process == "PID 9" }},
		{"too hot", cfg(), Input{Presence: away(time.Hour), GPU: card(86, 99, worker)}, false, PauseTemp,
			func(d Detail) bool { return d.TempC == 86 && d.LimitC == 83 }},
		{"cooling: still paused between the limit and the margin", cfg(), Input{Presence: away(time.Hour), GPU: card(80, 0), Previous: Decision{Reason: PauseTemp}}, false, PauseTemp, nil},
		{"cooled below the margin", cfg(), Input{Presence: away(time.Hour), GPU: card(77, 0), Previous: Decision{Reason: PauseTemp}}, true, EarnAway, nil},
		{"80 °C while earning is fine", cfg(), Input{Presence: away(time.Hour), GPU: card(80, 99, worker), Previous: Decision{Earn: true}}, true, EarnAway, nil},
		{"on battery", cfg(), Input{Presence: away(time.Hour), OnBattery: true}, false, PauseBattery, nil},
		{"schedule never", never, Input{Presence: away(time.Hour)}, false, PauseSchedule, nil},
		{"schedule never, a short task finishes", never, Input{Presence: away(time.Hour), Task: Task{Running: true, Left: 20 * time.Second}, Previous: Decision{Earn: true}}, true, EarnFinish, nil},
		{"schedule never, a long task stops", never, Input{Presence: away(time.Hour), Task: Task{Running: true, Left: 5 * time.Minute}, Previous: Decision{Earn: true}}, false, PauseSchedule, nil},
		{"schedule always, owner present", always, Input{Presence: away(0)}, true, EarnSchedule, nil},
		{"schedule always on battery", always, Input{OnBattery: true}, false, PauseBattery, nil},
		{"pause for an hour", cfg(), Input{Presence: away(time.Hour), Override: Override{Kind: PauseUntil, Until: noon.Add(time.Hour)}}, false, PauseOverride,
			func(d Detail) bool { return d.Until.Equal(noon.Add(time.Hour)) }},
		{"the hour is over", cfg(), Input{Presence: away(time.Hour), Override: Override{Kind: PauseUntil, Until: noon.Add(-time.Second)}}, true, EarnAway, nil},
		{"pause until resumed beats earn-always", always, Input{Override: Override{Kind: PauseForever}}, false, PauseOverride, nil},
		{"earn now while present", cfg(), Input{Presence: away(0), Override: Override{Kind: EarnNow}}, true, EarnOverride, nil},
		{"earn now still stops for heat", cfg(), Input{Presence: away(0), GPU: card(90, 99, worker), Override: Override{Kind: EarnNow}}, false, PauseTemp, nil},
		{"earn now still yields to a game", cfg(), Input{Presence: away(0), GPU: card(60, 99, game), Override: Override{Kind: EarnNow}}, false, PauseForeignGPU, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Now = noon
			d := tc.c.Decide(in)
			if d.Earn != tc.earn || d.Reason != tc.reason {
				t.Fatalf("decision %+v, want earn=%v %s", d, tc.earn, tc.reason)
			}
			if tc.check != nil && !tc.check(d.Detail) {
				t.Fatalf("detail %+v", d.Detail)
			}
		})
	}
}

// TestADay replays a day of signals, sampled every second, and checks
// the decision at each event.
func TestADay(t *testing.T) {
	c := cfg()
	c.Schedule[time.Wednesday][23] = Never // the owner's quiet hour
	start := time.Date(2026, 11, 18, 8, 0, 0, 0, time.UTC)

	type state struct {
		lastInput, lastPad time.Time
		gpu                *gpu.GPU
		fullScreen, film   bool
		watcherDead        bool
		typing             bool
		lastReport         *idle.Presence
	}
	s := state{lastInput: start, gpu: card(55, 0, worker), typing: true}
	var prev Decision
	step := func(now time.Time) Decision {
		if s.typing {
			s.lastInput = now
		}
		if !s.watcherDead {
			p := &idle.Presence{At: now, Idle: now.Sub(s.lastInput), ControllerIdle: idle.Unknown, FullScreen: s.fullScreen, Inhibited: s.film, Sources: []string{"x11"}}
			if !s.lastPad.IsZero() {
				p.ControllerIdle = now.Sub(s.lastPad)
			}
			s.lastReport = p
		}
		prev = c.Decide(Input{Now: now, Presence: s.lastReport, GPU: s.gpu, Previous: prev})
		return prev
	}
	// run advances second by second to at, returning the decisions.
	now := start
	run := func(until time.Time) (first, last Decision, flips int) {
		first = step(now)
		last = first
		for now.Before(until) {
			now = now.Add(time.Second)
			d := step(now)
			if d.Earn != last.Earn {
				flips++
			}
			last = d
		}
		return
	}
	expect := func(what string, d Decision, earn bool, r Reason) {
		t.Helper()
		if d.Earn != earn || d.Reason != r {
			t.Fatalf("%s (%s): %+v, want earn=%v %s", what, now.Format("15:04:05"), d, earn, r)
		}
	}

	// 08:00 the owner works; leaves at 09:00.
	_, d, flips := run(start.Add(time.Hour))
	expect("working", d, false, PauseUserActive)
	if flips != 0 {
		t.Fatalf("%d flips while working", flips)
	}
	s.typing = false
	_, d, _ = run(now.Add(9*time.Minute + 59*time.Second))
	expect("9:59 away", d, false, PauseUserActive)
	_, d, _ = run(now.Add(time.Second))
	expect("10:00 away", d, true, EarnAway)

	// 10:00 back: one keypress stops earning at the next sample.
	_, d, _ = run(now.Add(50 * time.Minute))
	expect("away an hour", d, true, EarnAway)
	s.lastInput = now
	d = step(now)
	expect("keypress", d, false, PauseUserActive)

	// 11:00 a game (gamepad, full screen, GPU process) for an hour.
	s.gpu = card(70, 99, game)
	s.fullScreen = true
	s.lastPad = now
	for range 3600 {
		now = now.Add(time.Second)
		if now.Second() == 0 {
			s.lastPad = now // the pad moves every minute; the keyboard sits idle
		}
		if d = step(now); d.Earn {
			t.Fatalf("earning mid-game at %s: %+v", now.Format("15:04:05"), d)
		}
	}
	expect("gaming", d, false, PauseForeignGPU)
	// 12:00 the game quits; the pad sat in the hand until then.
	s.gpu, s.fullScreen = card(50, 0, worker), false
	s.lastPad = now
	_, d, _ = run(now.Add(5 * time.Minute))
	expect("pad put down 5 min ago", d, false, PauseController)
	_, d, _ = run(now.Add(5 * time.Minute))
	expect("away 10 min after the game", d, true, EarnAway)

	// 13:00 a film: no input for two hours, but playback inhibits.
	s.film = true
	first, d, flips := run(now.Add(2 * time.Hour))
	expect("film starts", first, false, PauseInhibited)
	expect("film", d, false, PauseInhibited)
	if flips != 0 {
		t.Fatalf("%d flips during the film", flips)
	}
	s.film = false
	d = step(now)
	expect("film over, still away", d, true, EarnAway)

	// 15:00 a thermal spike: 88 °C pauses; 80 °C stays paused; 77 resumes.
	s.gpu = card(88, 99, worker)
	expect("spike", step(now), false, PauseTemp)
	s.gpu = card(80, 10, worker)
	expect("cooling", step(now), false, PauseTemp)
	s.gpu = card(77, 0, worker)
	expect("cooled", step(now), true, EarnAway)

	// 16:00 the watcher crashes: within PresenceStale the node pauses.
	s.watcherDead = true
	died := now
	for d = step(now); d.Earn; d = step(now) {
		now = now.Add(time.Second)
		if now.Sub(died) > c.PresenceStale+time.Second {
			t.Fatal("still earning after the watcher went silent")
		}
	}
	expect("watcher dead", d, false, PauseNoPresence)
	s.watcherDead = false
	_, d, _ = run(now.Add(time.Second))
	expect("watcher back", d, true, EarnAway)

	// 23:00 the quiet hour.
	_, d, _ = run(time.Date(2026, 11, 18, 23, 0, 0, 0, time.UTC))
	expect("quiet hour", d, false, PauseSchedule)
}
