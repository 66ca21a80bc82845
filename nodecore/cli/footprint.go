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
	"text/tabwriter"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/wallet"
)

// Footprint targets for the tray while the owner plays.
const (
	TrayRSSLimit = 20 << 20 // bytes
	TrayCPULimit = 0.3      // percent of one core, averaged
)

func (e *env) footprintCommand() *ffcli.Command {
	fs := e.flagSet("bench footprint")
	trayPath := fs.String("tray", "", "the hydrogen-tray `program` (default: beside hydrogend, else on PATH)")
	windowPath := fs.String("window", "", "the hydrogen window `program` (default: beside hydrogend, else on PATH; \"off\" to skip)")
	duration := fs.Duration("duration", time.Minute, "how long the tray is measured")
	windowFor := fs.Duration("window-duration", 20*time.Second, "how long the open window is measured")
	idleOwner := fs.Bool("idle-owner", false, "measure with the owner away instead of playing (moving the mouse)")
	return &ffcli.Command{
		Name:       "footprint",
		ShortUsage: "hydrogend bench footprint [-duration 60s] [-tray PATH] [-window PATH]",
		ShortHelp:  "Measure the tray's and the window's memory and CPU against a node on a devnet.",
		LongHelp: "Starts a devnet and a node in this process, then the tray (its presence\n" +
			"watcher and status stream running, the window closed) while xdotool moves the\n" +
			"mouse as a playing owner would, and samples its RSS every second and its CPU\n" +
			"time over -duration; then opens the window and samples it too. Needs a display\n" +
			"(Xvfb works) and a D-Bus session (a private one is started when none is set).\n" +
			"Exits 1 when the tray is over " + strconv.Itoa(TrayRSSLimit>>20) + " MB or " + strconv.FormatFloat(TrayCPULimit, 'f', 1, 64) + " % CPU.",
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
			rows, err := footprint(ctx, e.stderr, tray, window, *duration, *windowFor, !*idleOwner)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "process\towner\tseconds\tRSS median MB\tRSS max MB\tCPU %\ttarget\t")
			over := false
			for _, r := range rows {
				target := "—"
				if r.tray {
					ok := r.rssMax <= TrayRSSLimit && r.cpu <= TrayCPULimit
					over = over || !ok
					target = fmt.Sprintf("≤ %d MB, ≤ %.1f %%: %s", TrayRSSLimit>>20, TrayCPULimit, map[bool]string{true: "met", false: "MISSED"}[ok])
				}
				fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.1f\t%.1f\t%.2f\t%s\t\n", r.name, r.owner, r.seconds, float64(r.rssMedian)/(1<<20), float64(r.rssMax)/(1<<20), r.cpu, target)
			}
			tw.Flush()
			if over {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
}

type footprintRow struct {
	name, owner       string
	tray              bool
	seconds, cpu      float64
	rssMedian, rssMax int64
}

// footprint runs the measurement and returns one row per process.
func footprint(ctx context.Context, logw io.Writer, tray, window string, trayFor, windowFor time.Duration, playing bool) ([]footprintRow, error) {
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

	fmt.Fprintln(logw, "footprint: starting a devnet and a node")
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
	nodeDone := make(chan struct{})
	go func() {
		defer close(nodeDone)
		Run(ctx, []string{"run", "-data", data, "-presence", "api", "-poll", "200ms"}, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-nodeDone }()
	sock := filepath.Join(data, "hydrogend.sock")
	c := &api.Client{Socket: sock}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if s, err := c.Status(ctx); err == nil && s.State == "available" {
			break
		}
		if time.Now().After(deadline) {
			return nil, errors.New("the node did not become available in 60 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	owner := "away"
	if playing {
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
	var rows []footprintRow
	measure := func(name, path string, args []string, warm, dur time.Duration) (footprintRow, error) {
		cmd := exec.CommandContext(ctx, path, args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			return footprintRow{}, err
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		fmt.Fprintf(logw, "footprint: %s started; measuring for %s after %s\n", name, dur, warm)
		time.Sleep(warm)
		cpu0, err := cpuTicks(cmd.Process.Pid)
		if err != nil {
			return footprintRow{}, fmt.Errorf("%s: %w", name, err)
		}
		began := time.Now()
		var rss []float64
		var peak int64
		for time.Since(began) < dur {
			time.Sleep(time.Second)
			r, err := rssBytes(cmd.Process.Pid)
			if err != nil {
				return footprintRow{}, fmt.Errorf("%s exited: %w", name, err)
			}
			rss = append(rss, float64(r))
			peak = max(peak, r)
		}
		cpu1, err := cpuTicks(cmd.Process.Pid)
		if err != nil {
			return footprintRow{}, err
		}
		secs := time.Since(began).Seconds()
		return footprintRow{name: name, owner: owner, seconds: secs, rssMedian: int64(median(rss)), rssMax: peak,
			cpu: float64(cpu1-cpu0) / clockTicks / secs * 100}, nil
	}
	r, err := measure("hydrogen-tray", tray, []string{"-socket", sock}, 5*time.Second, trayFor)
	if err != nil {
		return nil, err
	}
	r.tray = true
	rows = append(rows, r)
	if window != "off" && windowFor > 0 {
		r, err := measure("hydrogen (window open)", window, []string{"-socket", sock}, 5*time.Second, windowFor)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
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

// rssBytes is a process's resident set size.
func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
