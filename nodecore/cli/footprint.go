package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// Footprint targets: the tray's is a budget (the bench fails above it);
// the daemon's and the window's are goals it reports against.
const (
	TrayRSSLimit  = 20 << 20 // bytes, the tray while the owner plays
	TrayCPULimit  = 0.3      // percent of one core, averaged
	DaemonRSSGoal = 40 << 20 // hydrogend waiting for work
	WindowRSSGoal = 150 << 20
	footprintWarm = 5 * time.Second
)

func (e *env) footprintCommand() *ffcli.Command {
	fs := e.flagSet("bench footprint")
	trayPath := fs.String("tray", "", "the hydrogen-tray `program` (default: beside hydrogend, else on PATH)")
	windowPath := fs.String("window", "", "the hydrogen window `program` (default: beside hydrogend, else on PATH; \"off\" to skip)")
	daemonPath := fs.String("daemon", "", "the hydrogend `program` measured as the node (default: this one)")
	duration := fs.Duration("duration", time.Minute, "how long the tray and the daemon are measured")
	windowFor := fs.Duration("window-duration", 20*time.Second, "how long the open window is measured")
	idleOwner := fs.Bool("idle-owner", false, "measure with the owner away instead of playing (moving the mouse)")
	return &ffcli.Command{
		Name:       "footprint",
		ShortUsage: "hydrogend bench footprint [-duration 60s] [-tray PATH] [-window PATH]",
		ShortHelp:  "Measure the daemon's, the tray's and the window's memory and CPU against a devnet.",
		LongHelp: "Starts a devnet in this process and the node as its own hydrogend process\n" +
			"(wallet at the keystore's standard strength), then the tray (its presence\n" +
			"watcher and status stream running, the window closed) while xdotool moves the\n" +
			"mouse as a playing owner would, and samples the RSS of both every second and\n" +
			"their CPU time over -duration; then opens the window and samples it too. Needs\n" +
			"a display (Xvfb works) and a D-Bus session (a private one is started when none\n" +
			"is set). Exits 1 when the tray is over " + strconv.Itoa(TrayRSSLimit>>20) + " MB or " + strconv.FormatFloat(TrayCPULimit, 'f', 1, 64) + " % CPU; reports the\n" +
			"daemon against " + strconv.Itoa(DaemonRSSGoal>>20) + " MB and the window against " + strconv.Itoa(WindowRSSGoal>>20) + " MB.",
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			if err := noArgs("bench footprint", args); err != nil {
				return err
			}
			if *duration < time.Second || *windowFor < 0 {
				return usageError{"-duration must be at least 1s"}
			}
			if runtime.GOOS != "linux" {
				return errors.New("bench footprint reads /proc: it runs on Linux")
			}
			if os.Getenv("DISPLAY") == "" {
				return errors.New("bench footprint needs an X display (DISPLAY); Xvfb works")
			}
			find := func(flag *string, name string) (string, error) {
				if *flag != "" {
					return *flag, nil
				}
				if exe, err := os.Executable(); err == nil {
					p := filepath.Join(filepath.Dir(exe), name)
					if _, err := os.Stat(p); err == nil {
						return p, nil
					}
				}
				p, err := exec.LookPath(name)
				if err != nil {
					return "", fmt.Errorf("%s not found beside hydrogend or on PATH (go build -o bin/ ./tray/cmd/hydrogen-tray; go build -o bin/hydrogen .): %w", name, err)
				}
				return p, nil
			}
			tray, err := find(trayPath, "hydrogen-tray")
			if err != nil {
				return err
			}
			window := *windowPath
			if window != "off" {
				if window, err = find(windowPath, "hydrogen"); err != nil {
					return err
				}
			}
			daemon := *daemonPath
			if daemon == "" {
				if daemon, err = os.Executable(); err != nil {
					return err
				}
			}
			rows, err := footprint(ctx, e.stderr, footprintRun{daemon: daemon, tray: tray, window: window, trayFor: *duration, windowFor: *windowFor, playing: !*idleOwner})
			if err != nil {
				return err
			}
			if over := printFootprint(e.stdout, rows); over {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
}

// printFootprint writes the table and reports whether the tray's budget
// was exceeded.
func printFootprint(w io.Writer, rows []footprintRow) (over bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "process\towner\tseconds\tRSS median MB\tRSS max MB\tprivate max MB\tCPU %\ttarget\t")
	verdict := map[bool]string{true: "met", false: "MISSED"}
	for _, r := range rows {
		target := "—"
		switch r.kind {
		case "tray":
			ok := r.rssMax <= TrayRSSLimit && r.cpu <= TrayCPULimit
			over = over || !ok
			target = fmt.Sprintf("budget ≤ %d MB, ≤ %.1f %%: %s", TrayRSSLimit>>20, TrayCPULimit, verdict[ok])
		case "daemon":
			target = fmt.Sprintf("goal ≤ %d MB: %s", DaemonRSSGoal>>20, verdict[r.rssMax <= DaemonRSSGoal])
		case "window":
			target = fmt.Sprintf("goal ≤ %d MB: %s", WindowRSSGoal>>20, verdict[r.rssMax <= WindowRSSGoal])
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.2f\t%s\t\n", r.name, r.owner, r.seconds, float64(r.rssMedian)/(1<<20), float64(r.rssMax)/(1<<20), float64(r.anonMax)/(1<<20), r.cpu, target)
	}
	tw.Flush()
	return over
}

type footprintRow struct {
	name, owner       string
	kind              string // tray, daemon, window
	seconds, cpu      float64
	rssMedian, rssMax int64
	// anonMax is the most private (anonymous) memory: RSS less the
	// program's own code and read-only data, which are shared with the
	// page cache and given back under pressure.
	anonMax int64
}

// footprintRun says what bench footprint measures.
type footprintRun struct {
	daemon, tray, window string // window "off": not measured
	trayFor, windowFor   time.Duration
	playing              bool
}

// footprint runs the measurement and returns one row per process.
func footprint(ctx context.Context, logw io.Writer, fr footprintRun) ([]footprintRow, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir, err := os.MkdirTemp("", "hfoot")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	env := os.Environ()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		bus := exec.CommandContext(ctx, "dbus-daemon", "--session", "--nofork", "--print-address=1")
		out, err := bus.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := bus.Start(); err != nil {
			return nil, fmt.Errorf("no D-Bus session and no dbus-daemon to start one: %w", err)
		}
		defer func() { _ = bus.Process.Kill(); _ = bus.Wait() }()
		addr, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			return nil, err
		}
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+strings.TrimSpace(addr))
	}

	fmt.Fprintln(logw, "footprint: starting a devnet")
	d, err := devnet.Start(ctx, devnet.Config{Dir: filepath.Join(dir, "devnet"), Peers: 2, NodePoll: 200 * time.Millisecond, MaxLead: 20 * time.Second, Rate: 6})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	go func() { _ = d.Run(ctx) }() // the demo application's tasks
	data := filepath.Join(dir, "node")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	pass := filepath.Join(data, "passphrase")
	if err := os.WriteFile(pass, []byte("footprint\n"), 0o600); err != nil {
		return nil, err
	}
	if _, err := wallet.Create(data, "footprint", scryptParams()); err != nil {
		return nil, err
	}
	nb, err := os.ReadFile(d.NetworkFile)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(data, "network.json"), nb, 0o644); err != nil {
		return nil, err
	}
	// The node in its own process, as the service runs it: its memory is
	// its own.
	node, err := startProc(ctx, env, fr.daemon, "run", "-data", data, "-presence", "api", "-poll", "200ms")
	if err != nil {
		return nil, fmt.Errorf("hydrogend: %w", err)
	}
	defer node.stop()
	fmt.Fprintf(logw, "footprint: hydrogend started (pid %d)\n", node.cmd.Process.Pid)
	sock := filepath.Join(data, "hydrogend.sock")
	c := &api.Client{Socket: sock}
	deadline := time.Now().Add(90 * time.Second)
	for {
		// In the network: available, or paused on chain until the tray's
		// presence (started next) says the owner is away.
		if s, err := c.Status(ctx); err == nil && (s.State == api.NodeAvailable || s.State == api.NodePaused) {
			break
		}
		if node.exited() {
			return nil, errors.New("hydrogend exited before the node joined")
		}
		if time.Now().After(deadline) {
			return nil, errors.New("the node did not join in 90 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	owner := "away"
	if fr.playing {
		owner = "playing"
		if _, err := exec.LookPath("xdotool"); err != nil {
			return nil, fmt.Errorf("xdotool moves the mouse as a playing owner would: %w", err)
		}
		go func() {
			for ctx.Err() == nil {
				_ = exec.CommandContext(ctx, "xdotool", "mousemove_relative", "--", "3", "3").Run()
				time.Sleep(400 * time.Millisecond)
			}
		}()
	}
	tray, err := startProc(ctx, env, fr.tray, "-socket", sock)
	if err != nil {
		return nil, fmt.Errorf("hydrogen-tray: %w", err)
	}
	defer tray.stop()
	fmt.Fprintf(logw, "footprint: tray started; measuring it and hydrogend for %s after %s\n", fr.trayFor, footprintWarm)
	time.Sleep(footprintWarm)
	rows, err := sample(ctx, fr.trayFor, []sampled{
		{row: footprintRow{name: "hydrogen-tray", owner: owner, kind: "tray"}, pid: tray.cmd.Process.Pid},
		{row: footprintRow{name: "hydrogend (idle)", owner: owner, kind: "daemon"}, pid: node.cmd.Process.Pid},
	})
	if err != nil {
		return nil, err
	}
	out := []footprintRow{rows[0].row, rows[1].row}
	if fr.window != "off" && fr.windowFor > 0 {
		win, err := startProc(ctx, env, fr.window, "-socket", sock)
		if err != nil {
			return nil, fmt.Errorf("hydrogen: %w", err)
		}
		defer win.stop()
		fmt.Fprintf(logw, "footprint: window opened; measuring it for %s after %s\n", fr.windowFor, footprintWarm)
		time.Sleep(footprintWarm)
		rows, err := sample(ctx, fr.windowFor, []sampled{{row: footprintRow{name: "hydrogen (window open)", owner: owner, kind: "window"}, pid: win.cmd.Process.Pid}})
		if err != nil {
			return nil, err
		}
		out = append(out, rows[0].row)
	}
	return out, nil
}

// benchProc is a process the bench started.
type benchProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(ctx context.Context, env []string, path string, args ...string) (*benchProc, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &benchProc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

func (p *benchProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to end (SIGTERM), then kills it after 10 s.
func (p *benchProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// sampled is one process being measured.
type sampled struct {
	row  footprintRow
	pid  int
	cpu0 int64
	rss  []float64
}

// sample reads each process's RSS every second and its CPU time over dur.
func sample(ctx context.Context, dur time.Duration, ps []sampled) ([]sampled, error) {
	for i := range ps {
		t, err := cpuTicks(ps[i].pid)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ps[i].row.name, err)
		}
		ps[i].cpu0 = t
	}
	began := time.Now()
	for time.Since(began) < dur {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
		for i := range ps {
			r, anon, err := rssBytes(ps[i].pid)
			if err != nil {
				return nil, fmt.Errorf("%s exited: %w", ps[i].row.name, err)
			}
			ps[i].rss = append(ps[i].rss, float64(r))
			ps[i].row.rssMax = max(ps[i].row.rssMax, r)
			ps[i].row.anonMax = max(ps[i].row.anonMax, anon)
		}
	}
	secs := time.Since(began).Seconds()
	for i := range ps {
		t, err := cpuTicks(ps[i].pid)
		if err != nil {
			return nil, fmt.Errorf("%s exited: %w", ps[i].row.name, err)
		}
		ps[i].row.seconds, ps[i].row.rssMedian = secs, int64(median(ps[i].rss))
		ps[i].row.cpu = float64(t-ps[i].cpu0) / clockTicks / secs * 100
	}
	return ps, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's CPU times (100 on
// every Linux architecture Go supports).
const clockTicks = 100

// cpuTicks is a process's user + system CPU time in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ")".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad CPU times in /proc/%d/stat", pid)
	}
	return u + k, nil
}

// rssBytes is a process's resident set size, and the anonymous part of it.
func rssBytes(pid int) (rss, anon int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	found := 0
	for _, line := range strings.Split(string(b), "\n") {
		for key, dst := range map[string]*int64{"VmRSS:": &rss, "RssAnon:": &anon} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				f := strings.Fields(rest)
				if len(f) < 1 {
					continue
				}
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil {
					return 0, 0, err
				}
				*dst = kb << 10
				found++
			}
		}
	}
	if found < 2 {
		return 0, 0, fmt.Errorf("no VmRSS/RssAnon for %d", pid)
	}
	return rss, anon, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
