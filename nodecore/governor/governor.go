// Package governor applies the hire-out policy to the running node: it
// decides on every presence report and GPU sample, closes the node's gate
// the moment the policy says pause (the running job stops, new tasks are
// yielded) and releases the worker's container, reopens the gate when the
// policy says earn, and pauses the node on chain when a pause lasts (so
// the network stops choosing it) and resumes it after.
package governor

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/gpu"
	"github.com/hydrogen-network/hydrogen/nodecore/idle"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
)

// Gate is the node's hire-out gate (node.Node).
type Gate interface {
	SetHireable(ok bool, why string)
}

// Releaser takes an engine off the GPU (worker.Worker).
type Releaser interface {
	Release(ctx context.Context) error
}

// Chain pauses and resumes the node on chain (node.Node).
type Chain interface {
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
}

// Governor owns the decision. Create it with New; feed it with
// ReportPresence and ReportGPU; Run it.
type Governor struct {
	policy          policy.Config
	gate            Gate
	workers         []Releaser
	chain           Chain
	chainPauseAfter time.Duration
	now             func() time.Time
	log             *slog.Logger
	acted           chan struct{} // wakes Run when the decision changed

	mu          sync.Mutex // guards the fields below
	presence    *idle.Presence
	gpu         *gpu.GPU
	onBattery   bool
	override    policy.Override
	task        policy.Task
	last        policy.Decision
	decided     bool
	pausedSince time.Time                  // when the current pause began
	warned      time.Time                  // last chain failure logged (once a minute)
	released    bool                       // the workers were released for this pause
	chainPaused bool                       // we paused the node on chain
	decisions   watch.Hub[policy.Decision] // each change of the decision
}

// Options configure a governor.
type Options struct {
	Policy  policy.Config
	Gate    Gate
	Workers []Releaser
	Chain   Chain // nil: never pause on chain
	// ChainPauseAfter is how long a pause lasts before the node pauses
	// on chain. The default, zero, pauses at once: an owner who comes
	// back leaves the drawable nodes within a block, so the network never
	// picks a node that would have to hand the task back.
	ChainPauseAfter time.Duration
	Now             func() time.Time
	Log             *slog.Logger
}

// New returns a governor; until its first decision the gate is closed.
func New(o Options) *Governor {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Governor{
		policy: o.Policy, gate: o.Gate, workers: o.Workers, chain: o.Chain, chainPauseAfter: o.ChainPauseAfter,
		now: o.Now, log: o.Log, acted: make(chan struct{}, 1),
	}
}

// ReportPresence takes the watcher's latest sample and decides at once.
func (g *Governor) ReportPresence(p idle.Presence) {
	g.mu.Lock()
	g.presence = &p
	g.mu.Unlock()
	g.decide()
}

// ReportGPU takes the node's GPU in the latest sample and decides.
func (g *Governor) ReportGPU(s *gpu.GPU) {
	g.mu.Lock()
	g.gpu = s
	g.mu.Unlock()
	g.decide()
}

// SetOverride records the owner's manual choice and decides.
func (g *Governor) SetOverride(o policy.Override) {
	g.mu.Lock()
	g.override = o
	g.mu.Unlock()
	g.decide()
}

// SetPolicy replaces the owner's settings and decides again.
func (g *Governor) SetPolicy(c policy.Config) {
	g.mu.Lock()
	g.policy = c
	g.mu.Unlock()
	g.decide()
}

// SetBattery records whether the machine runs on battery.
func (g *Governor) SetBattery(on bool) {
	g.mu.Lock()
	g.onBattery = on
	g.mu.Unlock()
	g.decide()
}

// SetTask records the task the engine runs, if any: the schedule lets
// one with little left finish, and the GPU's own busyness is not taken
// for a foreign program's while it runs. A task starting or ending
// decides at once; its time left is read at the next decision.
func (g *Governor) SetTask(t policy.Task) {
	g.mu.Lock()
	flipped := g.task.Running != t.Running
	g.task = t
	g.mu.Unlock()
	if flipped {
		g.decide()
	}
}

// Decision returns the latest decision.
func (g *Governor) Decision() policy.Decision {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// Watch returns a channel of the decisions as they change (the latest
// first, once there is one) until ctx ends.
func (g *Governor) Watch(ctx context.Context) <-chan policy.Decision {
	return g.decisions.Subscribe(ctx)
}

// decide applies the policy; on a change it flips the gate at once and
// wakes Run for the slower actions (release, chain).
func (g *Governor) decide() {
	g.mu.Lock()
	now := g.now()
	d := g.policy.Decide(policy.Input{Now: now, Presence: g.presence, GPU: g.gpu, OnBattery: g.onBattery, Override: g.override, Task: g.task, Previous: g.last})
	changed := !g.decided || d.Earn != g.last.Earn || d.Reason != g.last.Reason
	flipped := !g.decided || d.Earn != g.last.Earn
	g.last, g.decided = d, true
	if flipped && !d.Earn {
		g.pausedSince, g.released = now, false
	}
	if changed {
		g.decisions.Publish(d)
	}
	g.mu.Unlock()
	if flipped {
		g.gate.SetHireable(d.Earn, string(d.Reason))
		g.log.Info("hire-out decision", "earn", d.Earn, "reason", d.Reason)
	}
	if changed {
		select {
		case g.acted <- struct{}{}:
		default:
		}
	}
}

// Run decides every period (time passes: pauses end, reports go stale)
// and carries out the slower actions until ctx ends.
func (g *Governor) Run(ctx context.Context, period time.Duration) error {
	t := time.NewTicker(period)
	defer t.Stop()
	g.decide()
	for {
		g.act(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			g.decide()
		case <-g.acted:
		}
	}
}

// act releases the workers once per pause, pauses the node on chain when
// a pause has lasted, and resumes it when earning again.
func (g *Governor) act(ctx context.Context) {
	g.mu.Lock()
	d, since, released, chainPaused := g.last, g.pausedSince, g.released, g.chainPaused
	g.mu.Unlock()
	if !d.Earn && !released {
		for _, w := range g.workers {
			if err := w.Release(ctx); err != nil {
				g.log.Warn("releasing the worker failed", "err", err)
			}
		}
		g.mu.Lock()
		if g.pausedSince.Equal(since) {
			g.released = true
		}
		g.mu.Unlock()
	}
	if g.chain == nil {
		return
	}
	switch {
	case !d.Earn && !chainPaused && g.now().Sub(since) >= g.chainPauseAfter:
		if err := g.chain.Pause(ctx); err != nil {
			g.warnChain("pausing on chain failed; retrying", err)
			return
		}
		g.log.Info("paused on chain", "paused_for", g.now().Sub(since).Round(time.Second))
		g.mu.Lock()
		g.chainPaused = true
		g.mu.Unlock()
	case d.Earn && chainPaused:
		if err := g.chain.Resume(ctx); err != nil {
			g.warnChain("resuming on chain failed; retrying", err)
			return
		}
		g.log.Info("resumed on chain")
		g.mu.Lock()
		g.chainPaused = false
		g.mu.Unlock()
	}
}

// warnChain logs a chain failure at most once a minute: it is retried
// every tick (e.g. while the node still waits for funds).
func (g *Governor) warnChain(msg string, err error) {
	g.mu.Lock()
	due := g.now().Sub(g.warned) >= time.Minute
	if due {
		g.warned = g.now()
	}
	g.mu.Unlock()
	if due {
		g.log.Warn(msg, "err", err)
	}
}
