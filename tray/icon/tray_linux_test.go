//go:build linux

package icon

import (
	"bufio"
	"context"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/godbus/dbus/v5"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/governor"
	"github.com/hydrogen-network/hydrogen/nodecore/localapi"
	"github.com/hydrogen-network/hydrogen/nodecore/models"
	"github.com/hydrogen-network/hydrogen/nodecore/node"
	"github.com/hydrogen-network/hydrogen/nodecore/policy"
	"github.com/hydrogen-network/hydrogen/nodecore/testenv"
	"github.com/hydrogen-network/hydrogen/nodecore/watch"
	"github.com/hydrogen-network/hydrogen/tray"
)

// asTray, set in a re-executed test binary, makes it hydrogen-tray.
const asTray = "HYDROGEN_TEST_AS_TRAY"

func TestMain(m *testing.M) {
	if os.Getenv(asTray) == "1" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// needed fails under HYDROGEN_TEST_FULL (CI) and skips elsewhere when a
// real component is missing.
func needed(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	testenv.Requiref(t, false, "%s: %v", what, err)
}

// privateBus starts a D-Bus session bus for the test alone.
func privateBus(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("dbus-daemon")
	needed(t, "dbus-daemon", err)
	cmd := exec.Command(path, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(line)
}

// watcher is a fake org.kde.StatusNotifierWatcher: it records who
// registers an item, as a desktop's panel would before showing it.
type watcher struct{ items chan string }

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.items <- string(sender) + "|" + service
	return nil
}

// fakeDownloads are the downloads the test sets.
type fakeDownloads struct {
	hub watch.Hub[[]models.DownloadStatus]
}

func (f *fakeDownloads) set(d []models.DownloadStatus)      { f.hub.Publish(d) }
func (f *fakeDownloads) Downloads() []models.DownloadStatus { return f.hub.Last() }
func (f *fakeDownloads) Watch(ctx context.Context) <-chan struct{} {
	ticks := make(chan struct{}, 1)
	go func() {
		defer close(ticks)
		for range f.hub.Subscribe(ctx) {
			select {
			case ticks <- struct{}{}:
			default:
			}
		}
	}()
	return ticks
}

// daemonNode is the least of a node for the local API.
type daemonNode struct{}

func (daemonNode) Snapshot() node.Snapshot {
	return node.Snapshot{State: node.StateAvailable, Address: common.HexToAddress("0xabc")}
}
func (daemonNode) Watch(ctx context.Context) <-chan node.Snapshot {
	ch := make(chan node.Snapshot, 1)
	context.AfterFunc(ctx, func() { close(ch) })
	return ch
}
func (daemonNode) Leave(context.Context) error  { return nil }
func (daemonNode) Rejoin(context.Context) error { return nil }
func (daemonNode) SetAutoRejoin(bool)           {}
func (daemonNode) Wallet(context.Context) (node.WalletInfo, error) {
	return node.WalletInfo{Balance: big.NewInt(0), Owed: big.NewInt(0), Stake: big.NewInt(0)}, nil
}
func (daemonNode) PlanWithdraw(context.Context, common.Address, *big.Int) (node.WithdrawPlan, error) {
	return node.WithdrawPlan{}, node.ErrNothingToWithdraw
}
func (daemonNode) Withdraw(context.Context, node.WithdrawPlan) (node.Withdrawal, error) {
	return node.Withdrawal{}, nil
}
func (daemonNode) Network(context.Context, string) node.NetworkInfo { return node.NetworkInfo{} }
func (daemonNode) ModelName(common.Hash) (string, bool)             { return "", false }
func (daemonNode) SetHireable(bool, string)                         {}

type item struct {
	ID      int32
	Label   string
	Enabled bool
}

// layout reads the tray's menu over D-Bus.
func layout(t *testing.T, conn *dbus.Conn, dest string) []item {
	t.Helper()
	var rev uint32
	var root struct {
		V0 int32
		V1 map[string]dbus.Variant
		V2 []dbus.Variant
	}
	obj := conn.Object(dest, "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatal(err)
	}
	var out []item
	for _, v := range root.V2 {
		fields, ok := v.Value().([]any)
		if !ok || len(fields) != 3 {
			t.Fatalf("menu item %#v", v.Value())
		}
		props := fields[1].(map[string]dbus.Variant)
		it := item{ID: fields[0].(int32), Enabled: true}
		if l, ok := props["label"]; ok {
			it.Label, _ = l.Value().(string)
		}
		if e, ok := props["enabled"]; ok {
			it.Enabled, _ = e.Value().(bool)
		}
		if vis, ok := props["visible"]; ok && !vis.Value().(bool) {
			continue
		}
		out = append(out, it)
	}
	return out
}

// TestTrayMenuOverDBus runs the real tray process against a real local
// API on a private D-Bus with a fake StatusNotifierWatcher: the tray
// registers, its menu reads as the status line and the actions, its
// presence reports reach the daemon, a pending change of the withdrawal
// address shows with its cancel, which cancels it, and clicking "Pause for 1 hour"
// pauses the daemon for an hour (the menu then offers Resume); Quit ends
// the process.
func TestTrayMenuOverDBus(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		needed(t, "an X display (Xvfb) for the presence watcher", errors.New("DISPLAY is not set"))
	}
	bus := privateBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus)
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := &watcher{items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("watcher name: %v %v", reply, err)
	}

	// The daemon: the local API over a governor whose node is available.
	dir, err := os.MkdirTemp("", "htray")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "api.sock")
	cfg := policy.Defaults()
	gov := governor.New(governor.Options{Policy: cfg, Gate: daemonNode{}})
	downloads := &fakeDownloads{}
	setDownloads := downloads.set
	payout, err := localapi.OpenWithdrawalAddress(filepath.Join(dir, "withdrawal-address.json"), localapi.DefaultWithdrawalDelay, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &localapi.Server{Node: daemonNode{}, Governor: gov, Access: localapi.Access{Owner: uint32(os.Getuid())},
		Downloads: downloads, Withdrawal: payout}
	ln, err := localapi.Open(sock, srv.Access)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); gov.Run(ctx, 20*time.Millisecond) }()
	go func() { defer wg.Done(); srv.Serve(ctx, ln) }()
	defer func() { cancel(); wg.Wait() }()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A stand-in window program on PATH records how the tray opens it.
	bin := filepath.Join(dir, "bin")
	opened := filepath.Join(dir, "opened")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "hydrogen"), []byte("#!/bin/sh\necho \"$@\" >> "+opened+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-socket", sock, "-data", dir)
	// Under -race, the tray's race reports go to files that the test reads
	// when the tray is gone (raceReports), instead of its exit status.
	raceLog := filepath.Join(dir, "race")
	cmd.Env = append(os.Environ(), asTray+"=1", "LANGUAGE=en", "PATH="+bin+":"+os.Getenv("PATH"), "GORACE=log_path="+raceLog+" exitcode=0")
	defer raceReports(t, raceLog)
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("tray log:\n%s", logs.String())
		}
	}()
	var dest string
	select {
	case reg := <-w.items:
		dest, _, _ = strings.Cut(reg, "|")
	case err := <-exited:
		t.Fatalf("the tray exited: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the tray did not register with the watcher")
	}

	find := func(items []item, label string) (item, bool) {
		for _, it := range items {
			if it.Label == label {
				return it, true
			}
		}
		return item{}, false
	}
	// The status line follows the daemon: the tray's presence reports
	// arrive, so the decision leaves "waiting for the tray".
	var items []item
	deadline := time.Now().Add(15 * time.Second)
	for {
		items = layout(t, conn, dest)
		st := srv.Status()
		if st.Presence != nil && len(items) > 0 && items[0].Label == tray.DecisionText(st.Decision, time.Now()) && st.Decision.Reason != "paused_no_presence" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("menu %+v, status %+v", items, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, label := range []string{"Today: 0 HYD", "Earn now", "Pause for 1 hour", "Pause until tomorrow", "Resume", "Open Hydrogen", "Quit"} {
		if _, ok := find(items, label); !ok {
			t.Errorf("no %q in %+v", label, items)
		}
	}
	// A model download under way shows in the menu, and goes when done.
	waitMenu := func(what string, ok func([]item) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for items = layout(t, conn, dest); !ok(items); items = layout(t, conn, dest) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: menu %+v", what, items)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	setDownloads([]models.DownloadStatus{{ID: "lora:org/x", State: models.DownloadRunning, Progress: models.Progress{Done: 1 << 20, Total: 4 << 20, ETA: -1}}})
	waitMenu("the download shown", func(items []item) bool {
		it, ok := find(items, "Downloading a model: 1 MiB of 4 MiB (25%)")
		return ok && !it.Enabled
	})
	setDownloads(nil)
	waitMenu("the download gone", func(items []item) bool {
		return !slices.ContainsFunc(items, func(it item) bool { return strings.HasPrefix(it.Label, "Downloading") })
	})
	// A change of the withdrawal address, asked for by any writer, shows
	// in the tray with its cancel; a click on Cancel drops it.
	client := &api.Client{Socket: sock}
	// The first address, from the first run's wizard.
	if _, err := payout.Set(time.Now(), common.HexToAddress("0x1111111111111111111111111111111111111111"), true); err != nil {
		t.Fatal(err)
	}
	change, err := client.SetWithdrawalAddress(ctx, "0x2222222222222222222222222222222222222222")
	if err != nil || change.Pending == nil {
		t.Fatalf("the change: %+v %v", change, err)
	}
	notice := tray.AddressChangeText(*change.Pending, time.Now())
	var cancelItem item
	waitMenu("the address change shown", func(items []item) bool {
		n, ok := find(items, notice)
		c, cok := find(items, "Cancel the withdrawal address change")
		cancelItem = c
		return ok && !n.Enabled && cok && c.Enabled
	})
	if err := conn.Object(dest, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, cancelItem.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	waitMenu("the address change gone", func(items []item) bool {
		_, shown := find(items, notice)
		_, cancelShown := find(items, "Cancel the withdrawal address change")
		return !shown && !cancelShown
	})
	if wa := payout.Get(time.Now()); wa.Pending != nil || wa.Address != "0x1111111111111111111111111111111111111111" {
		t.Fatalf("after the tray's cancel: %+v", wa)
	}

	pause, _ := find(items, "Pause for 1 hour")
	if r, _ := find(items, "Resume"); r.Enabled || !pause.Enabled {
		t.Errorf("before pausing: %+v", items)
	}
	if err := conn.Object(dest, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, pause.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		d := gov.Decision()
		if d.Reason == policy.PauseOverride {
			if left := time.Until(d.Detail.Until); left < 59*time.Minute || left > time.Hour {
				t.Fatalf("paused until %v (%v from now)", d.Detail.Until, left)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the click did not pause the daemon: %+v", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		items = layout(t, conn, dest)
		if r, _ := find(items, "Resume"); r.Enabled && strings.HasPrefix(items[0].Label, "Paused by you until ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("menu after pausing: %+v", items)
		}
		time.Sleep(100 * time.Millisecond)
	}
	open, _ := find(items, "Open Hydrogen")
	if err := conn.Object(dest, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, open.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(opened)
		if strings.TrimSpace(string(b)) == "-socket "+sock {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Open Hydrogen ran the window with %q", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	quit, _ := find(items, "Quit")
	if err := conn.Object(dest, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, quit.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("tray exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not end the tray")
	}
}

// raceReports fails the test for every data race the tray reported, except
// one in fyne.io/systray's own code on its own state: its D-Bus menu
// refreshes the layout 150 ms after the first GetLayout from a goroutine
// that bumps the menu version under one lock while GetLayout reads it
// under another (systray_menu_unix.go refresh vs GetLayout). That race is
// in the library, whatever the tray does; a race with any frame of ours,
// or any other library's, fails.
func raceReports(t *testing.T, prefix string) {
	t.Helper()
	files, err := filepath.Glob(prefix + ".*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, report := range strings.Split(string(b), "==================") {
			if !strings.Contains(report, "WARNING: DATA RACE") {
				continue
			}
			if libraryOwnRace(report, "fyne.io/systray.") {
				t.Logf("tolerated: a data race inside fyne.io/systray (its layout refresh):%s", firstLines(report, 4))
				continue
			}
			t.Errorf("the tray has a data race:\n%s", report)
		}
	}
}

// libraryOwnRace reports whether both accesses of a race report happen in
// the frames of one library (pkg, a Go package path prefix).
func libraryOwnRace(report, pkg string) bool {
	lines := strings.Split(report, "\n")
	accesses := 0
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "Write at") && !strings.HasPrefix(l, "Read at") && !strings.HasPrefix(l, "Previous write at") && !strings.HasPrefix(l, "Previous read at") {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i+1]), pkg) {
			return false
		}
		accesses++
	}
	return accesses == 2
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	return "\n" + strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestLibraryOwnRace: the tolerated race is exactly one inside the library;
// a race that touches a frame of ours is not.
func TestLibraryOwnRace(t *testing.T) {
	systray := `
WARNING: DATA RACE
Write at 0x00000267be78 by goroutine 51:
  fyne.io/systray.refresh()
      systray_menu_unix.go:496 +0x19e
  fyne.io/systray.(*tray).GetLayout.func1()
      systray_menu_unix.go:88 +0x29

Previous read at 0x00000267be78 by goroutine 59:
  fyne.io/systray.(*tray).GetLayout()
      systray_menu_unix.go:92 +0x1d6
  github.com/godbus/dbus/v5.(*Conn).handleCall()
      export.go:193 +0x6e9
`
	if !libraryOwnRace(systray, "fyne.io/systray.") {
		t.Error("the library's own race is not recognised")
	}
	ours := strings.Replace(systray, "  fyne.io/systray.(*tray).GetLayout()", "  github.com/hydrogen-network/hydrogen/tray.(*Tray).refresh()", 1)
	if libraryOwnRace(ours, "fyne.io/systray.") {
		t.Error("a race with a frame of ours is tolerated")
	}
	if libraryOwnRace("WARNING: DATA RACE\nWrite at 0x1 by goroutine 1:\n  fyne.io/systray.refresh()\n", "fyne.io/systray.") {
		t.Error("a report with one access is tolerated")
	}
}
