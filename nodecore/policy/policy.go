// Package policy decides, from the owner's signs of life, the GPU's
// state and the owner's settings, whether the GPU may earn now. It is
// pure: no I/O, no clock of its own; the same inputs give the same
// decision, which is what its table and timeline tests rely on.
package policy

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
)

// Mode is one hour of the weekly schedule.
type Mode uint8

// Schedule modes.
const (
	WhenAway Mode = 0 // earn while the owner is away (the default)
	Never    Mode = 1 // never earn in this hour
	Always   Mode = 2 // earn whether or not the owner is there
)

// Schedule is a week of hours, indexed by time.Weekday and hour, in the
// owner's local time. The zero value is "when away" all week.
type Schedule [7][24]Mode

// OverrideKind is what the owner asked for by hand.
type OverrideKind uint8

// Overrides.
const (
	NoOverride   OverrideKind = 0
	PauseUntil   OverrideKind = 1 // "pause for 1 hour", "until tomorrow"
	PauseForever OverrideKind = 2 // "until I resume"
	EarnNow      OverrideKind = 3 // "earn now", even while present
)

// Override is the owner's manual choice.
type Override struct {
	Kind  OverrideKind
	Until time.Time // PauseUntil's end
}

// Config is the owner's settings.
type Config struct {
	AwayAfter time.Duration // idle time before earning starts (default 10 min)
	// TempLimit stops earning at this core temperature (°C, default 83);
	// earning resumes TempMargin below it (default 5).
	TempLimit, TempMargin uint32
	Schedule              Schedule
	// Headless rigs earn without presence reports ("always earn").
	Headless       bool
	PauseOnBattery bool // default true via Defaults
	// A foreign process blocks earning when it holds at least
	// ForeignVRAM bytes, or when, with no task of ours running, the GPU
	// is at least ForeignUtil percent busy while it is there. Allow
	// names never block; Block names always do (case-insensitive).
	ForeignVRAM uint64
	ForeignUtil uint32
	Allow       []string
	Block       []string
	// PresenceStale is how old the latest presence report may be before
	// the watcher is taken for dead (and the owner for present).
	PresenceStale time.Duration
	// TaskGrace lets a task with at most this much left finish when only
	// the schedule ends the earning window.
	TaskGrace time.Duration
	Location  *time.Location // for the schedule; default time.Local
}

// Defaults returns the settings a new install starts with.
func Defaults() Config {
	return Config{
		AwayAfter: 10 * time.Minute, TempLimit: 83, TempMargin: 5, PauseOnBattery: true,
		ForeignVRAM: 512 << 20, ForeignUtil: 20, PresenceStale: 10 * time.Second, TaskGrace: time.Minute,
		Allow: []string{"dwm.exe", "explorer.exe", "Xorg", "gnome-shell", "kwin_wayland", "kwin_x11"},
	}
}

// Task is the task running now, if any.
type Task struct {
	Running bool
	Left    time.Duration
}

// Input is everything the decision depends on.
type Input struct {
	Now       time.Time
	Presence  *idle.Presence // the latest report; nil if none ever came
	GPU       *gpu.GPU       // the node's GPU in the latest sample; nil if unknown
	OnBattery bool
	Override  Override
	Task      Task
	// Previous is the last decision: hysteresis (temperature) needs it.
	Previous Decision
}

// Reason says why; the app translates it (with Detail's values). The
// values are the wire's (api/vocab.go).
type Reason = api.PolicyReason

// Reasons. The Earn* ones come with Earn = true.
const (
	EarnAway     = api.EarnAway
	EarnSchedule = api.EarnSchedule
	EarnHeadless = api.EarnHeadless
	EarnOverride = api.EarnOverride
	EarnFinish   = api.EarnFinish

	PauseUserActive = api.PauseUserActive
	PauseController = api.PauseController
	PauseFullScreen = api.PauseFullScreen
	PauseInhibited  = api.PauseInhibited
	PauseForeignGPU = api.PauseForeignGPU
	PauseTemp       = api.PauseTemp
	PauseBattery    = api.PauseBattery
	PauseSchedule   = api.PauseSchedule
	PauseOverride   = api.PauseOverride
	PauseNoPresence = api.PauseNoPresence
)

// Detail carries the values a reason's text shows.
type Detail struct {
	Process   string        // the foreign process
	TempC     uint32        // the GPU's temperature
	LimitC    uint32        // the limit (or the resume point under hysteresis)
	ActiveAgo time.Duration // since the owner's last input
	AwayAfter time.Duration // how long away it takes
	Until     time.Time     // a pause's end
}

// Decision is earn or pause, and why.
type Decision struct {
	Earn   bool
	Reason Reason
	Detail Detail
}

func pause(r Reason, d Detail) Decision { return Decision{Reason: r, Detail: d} }
func earn(r Reason, d Detail) Decision  { return Decision{Earn: true, Reason: r, Detail: d} }

// Decide applies the rules, most binding first: the owner's pause, the
// temperature, foreign GPU use, the owner's "earn now", the schedule and
// the battery, then presence.
func (c Config) Decide(in Input) Decision {
	c = c.withDefaults()
	now := in.Now

	// 1. The owner paused by hand.
	switch in.Override.Kind {
	case PauseForever:
		return pause(PauseOverride, Detail{})
	case PauseUntil:
		if now.Before(in.Override.Until) {
			return pause(PauseOverride, Detail{Until: in.Override.Until})
		}
	}
	// 2. Temperature, with hysteresis: once paused for heat, wait until
	// TempMargin below the limit.
	if g := in.GPU; g != nil && g.HasTemp {
		limit := c.TempLimit
		if !in.Previous.Earn && in.Previous.Reason == PauseTemp {
			limit = c.TempLimit - min(c.TempMargin, c.TempLimit)
		}
		if g.TemperatureC >= limit {
			return pause(PauseTemp, Detail{TempC: g.TemperatureC, LimitC: c.TempLimit})
		}
	}
	// 3. Someone else is using the GPU (a game), beyond a sliver.
	if name, ok := c.foreign(in); ok {
		return pause(PauseForeignGPU, Detail{Process: name})
	}
	// 4. The owner asked to earn now.
	if in.Override.Kind == EarnNow {
		return earn(EarnOverride, Detail{})
	}
	// 5. The schedule and the battery.
	mode := c.Schedule[now.In(c.Location).Weekday()][now.In(c.Location).Hour()]
	if mode == Never {
		if in.Previous.Earn && in.Task.Running && in.Task.Left <= c.TaskGrace {
			return earn(EarnFinish, Detail{})
		}
		return pause(PauseSchedule, Detail{})
	}
	if in.OnBattery && c.PauseOnBattery {
		return pause(PauseBattery, Detail{})
	}
	if mode == Always {
		return earn(EarnSchedule, Detail{})
	}
	if c.Headless {
		return earn(EarnHeadless, Detail{})
	}
	// 6. Presence. No recent report: the watcher died; the owner may be
	// right there.
	p := in.Presence
	if p == nil || now.Sub(p.At) > c.PresenceStale || !p.Live() {
		return pause(PauseNoPresence, Detail{})
	}
	if p.FullScreen {
		return pause(PauseFullScreen, Detail{})
	}
	if p.Inhibited {
		return pause(PauseInhibited, Detail{})
	}
	age := now.Sub(p.At) // the report's idle times have aged since
	if p.ControllerIdle != idle.Unknown && p.ControllerIdle+age < c.AwayAfter {
		return pause(PauseController, Detail{ActiveAgo: p.ControllerIdle + age, AwayAfter: c.AwayAfter})
	}
	if p.Idle+age < c.AwayAfter {
		return pause(PauseUserActive, Detail{ActiveAgo: p.Idle + age, AwayAfter: c.AwayAfter})
	}
	return earn(EarnAway, Detail{ActiveAgo: p.Idle + age, AwayAfter: c.AwayAfter})
}

// foreign finds a process, not ours, whose use of the GPU blocks earning.
func (c Config) foreign(in Input) (string, bool) {
	g := in.GPU
	if g == nil {
		return "", false
	}
	listed := func(list []string, name string) bool {
		return name != "" && slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
	}
	var busiest string
	for _, p := range g.Foreign() {
		name := p.Name
		switch {
		case listed(c.Block, name):
			return displayName(p), true
		case listed(c.Allow, name):
			continue
		case p.MemoryUsed >= c.ForeignVRAM:
			return displayName(p), true
		}
		if busiest == "" {
			busiest = displayName(p)
		}
	}
	// With no task of ours running, the GPU's own busyness is theirs.
	if busiest != "" && !in.Task.Running && g.HasUtil && g.Utilization >= c.ForeignUtil {
		return busiest, true
	}
	return "", false
}

func displayName(p gpu.Process) string {
	if p.Name != "" {
		return p.Name
	}
	return "PID " + strconv.FormatUint(uint64(p.PID), 10)
}

func (c Config) withDefaults() Config {
	d := Defaults()
	if c.AwayAfter <= 0 {
		c.AwayAfter = d.AwayAfter
	}
	if c.TempLimit == 0 {
		c.TempLimit = d.TempLimit
	}
	if c.ForeignVRAM == 0 {
		c.ForeignVRAM = d.ForeignVRAM
	}
	if c.ForeignUtil == 0 {
		c.ForeignUtil = d.ForeignUtil
	}
	if c.PresenceStale <= 0 {
		c.PresenceStale = d.PresenceStale
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	return c
}
