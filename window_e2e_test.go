package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/cli"
	"github.com/hydrogen-network/hydrogen/nodecore/devnet"
	"github.com/hydrogen-network/hydrogen/nodecore/engine"
)

// syncBuffer is a log written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// ocrLang screenshots window win, scaled up for the OCR, and returns the
// text tesseract reads in it in language code, with the screenshot.
func ocrLang(ctx context.Context, win, code string) (string, image.Image, error) {
	shot, err := exec.CommandContext(ctx, "import", "-window", win, "png:-").Output()
	if err != nil {
		return "", nil, fmt.Errorf("import: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return "", nil, err
	}
	conv := exec.CommandContext(ctx, "convert", "png:-", "-resize", "200%", "png:-")
	conv.Stdin = bytes.NewReader(shot)
	scaled, err := conv.Output()
	if err != nil {
		return "", img, fmt.Errorf("convert: %w", err)
	}
	tess := exec.CommandContext(ctx, "tesseract", "stdin", "stdout", "-l", code, "--psm", "3")
	tess.Stdin = bytes.NewReader(scaled)
	tess.Stderr = io.Discard
	text, err := tess.Output()
	if err != nil {
		return "", img, fmt.Errorf("tesseract: %w", err)
	}
	return string(text), img, nil
}

// TestFirstRunWizardAndTabsUnderXvfb drives the real window on Xvfb
// through the first run against a real daemon on a local devnet: the
// wizard's steps (keyboard, as an owner would), then, once the node
// earns from real devnet tasks, a screenshot of each tab whose text
// (read back by OCR) must show that tab's content.
func TestFirstRunWizardAndTabsUnderXvfb(t *testing.T) {
	requireDisplay(t)
	for _, tool := range []string{"xdotool", "import", "convert", "tesseract"} {
		requireTool(t, tool)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{Dir: t.TempDir(), Peers: 2, NodePoll: 50 * time.Millisecond, MaxLead: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The demo app keeps asking for work.
	var wg sync.WaitGroup
	defer func() {
		// The in-process daemon and the task source stop with ctx; a
		// stuck one is reported instead of hanging the suite.
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Error("the in-process daemon or the task source did not stop within a minute")
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			kind := engine.KindImage
			if i%2 == 1 {
				kind = engine.KindText
			}
			_, _ = d.Source().Create(ctx, kind)
			select {
			case <-ctx.Done():
			case <-time.After(1500 * time.Millisecond):
			}
		}
	}()

	// The daemon, in this process, waiting for the wizard.
	data, err := os.MkdirTemp("", "hwin")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(data)
	t.Setenv(cli.LightScryptEnv, "1")
	sock := filepath.Join(data, "hydrogend.sock")
	var daemonLog syncBuffer
	wg.Add(1)
	go func() {
		defer wg.Done()
		cli.Run(ctx, []string{"run", "-data", data, "-demo-network", d.NetworkFile, "-mirror-networks", "127.0.0.0/8", "-poll", "100ms"}, io.Discard, &daemonLog)
	}()
	c := &api.Client{Socket: sock}
	waitFor(t, ctx, 30*time.Second, "the daemon's API", func() (bool, string) {
		st, err := c.Setup(ctx)
		return err == nil && len(st.Needs) == 2, fmt.Sprint(st, err)
	})

	shots := os.Getenv("HYDROGEN_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	config, home := t.TempDir(), t.TempDir()
	win, _ := openWindow(t, ctx, []string{"WAYLAND_DISPLAY=", "XDG_CONFIG_HOME=" + config, "HOME=" + home}, "-socket", sock, "-data", data)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("daemon log:\n%s", daemonLog.String())
		}
	})
	// seen waits until the window shows every word, then saves the shot.
	seen := func(name string, words ...string) {
		t.Helper()
		saveShot(shots, name, waitForText(t, ctx, win, "eng", name, words))
	}
	key := func(k string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, "xdotool", "windowfocus", "--sync", win, "key", "--clearmodifiers", k).CombinedOutput(); err != nil {
			t.Fatalf("xdotool key %s: %v %s", k, err, out)
		}
	}
	setup := func(what string, ok func(api.SetupState) bool) {
		t.Helper()
		waitFor(t, ctx, 30*time.Second, what, func() (bool, string) {
			st, err := c.Setup(ctx)
			return err == nil && ok(st), fmt.Sprint(st, err)
		})
	}

	// The wizard: the defaults (a new wallet, the demo network) and Return;
	// the new wallet's backup typed in as an owner would.
	seen("wizard-1-wallet", "Your wallet", "Create a new wallet", "Restore a backup file", "Step 1 of")
	key("Return")
	var address string
	setup("the wallet", func(s api.SetupState) bool {
		address = s.Address
		return len(s.Needs) == 1 && s.Needs[0] == api.NeedNetwork && s.Address != ""
	})
	seen("wizard-2-backup", "Back up your wallet", "Passphrase again", "Step 2 of")
	const pass = "a long backup passphrase"
	typeText := func(text string) {
		t.Helper()
		if out, err := exec.CommandContext(ctx, "xdotool", "windowfocus", "--sync", win, "type", "--delay", "20", text).CombinedOutput(); err != nil {
			t.Fatalf("xdotool type: %v %s", err, out)
		}
	}
	typeText(pass)
	key("Tab")
	typeText(pass)
	key("Return") // saves the backup
	seen("wizard-2-backup-saved", "Saved to", "somewhere safe")
	key("space") // "I keep this file and its passphrase somewhere safe"
	key("Return")
	backup, err := os.ReadFile(filepath.Join(home, "hydrogen-wallet-"+strings.ToLower(address[2:10])+".json"))
	if err != nil {
		t.Fatalf("the backup file: %v", err)
	}
	if k, err := keystore.DecryptKey(backup, pass); err != nil || k.Address.Hex() != address {
		t.Fatalf("the backup does not open with its passphrase as %s: %v", address, err)
	}
	// The withdrawal address, typed in and Return.
	seen("wizard-3-payout", "Where your earnings go", "Step 3 of")
	const payout = "0x00000000000000000000000000000000000fee15" // (EIP-55: all lower case)
	typeText(payout)
	key("Return")
	waitFor(t, ctx, 30*time.Second, "the withdrawal address", func() (bool, string) {
		wa, err := c.WithdrawalAddress(ctx)
		return err == nil && wa.Address == payout && wa.Pending == nil, fmt.Sprint(wa, err)
	})
	seen("wizard-4-network", "demo network", "Step 4 of")
	key("Return")
	setup("the network", func(s api.SetupState) bool { return len(s.Needs) == 0 && s.Network == devnet.NetworkName })
	seen("wizard-5-checks", "Checks", "Operating system", "Docker engine", "Display", "Step 5 of")
	key("Return")
	setup("the start", func(s api.SetupState) bool { return s.Started })
	seen("wizard-6-done", "joining Local demo network", "address", "Step 6 of")
	key("Return")

	// The node joins and earns from the devnet's tasks.
	waitFor(t, ctx, 120*time.Second, "demo tokens earned", func() (bool, string) {
		tot, err := c.Totals(ctx)
		if err != nil {
			return false, err.Error()
		}
		e, _ := new(big.Int).SetString(tot.Earned, 10)
		return e != nil && e.Sign() > 0, fmt.Sprint(tot)
	})
	tabs := []struct {
		name  string
		words []string
	}{
		{"dashboard", []string{"Dashboard", "Current task", "VRAM used", "Today", "HYD"}},
		{"earnings", []string{"Last 24 hours", "Last 30 days", "Task ledger", "paid"}},
		{"models", []string{"Model storage", "Storage quota", "Downloads", "Models on this computer"}}, // the node earned: it holds models it was asked for or a task needed
		{"network", []string{"Local demo network", "Nodes in the network", "reachable", "QoS score"}},
		{"settings", []string{"Minutes away before earning", "Weekly schedule"}},
	}
	for i, tab := range tabs {
		key("alt+" + strconv.Itoa(i+1))
		seen("tab-"+strconv.Itoa(i+1)+"-"+tab.name, tab.words...)
	}
	// The tray starts with the session: the window wrote its autostart
	// entry, as the default setting says.
	entry, err := os.ReadFile(filepath.Join(config, "autostart", "network.hydrogen.tray.desktop"))
	if err != nil || !strings.Contains(string(entry), "hydrogen-tray") {
		t.Errorf("autostart entry: %q %v", entry, err)
	}
	t.Logf("screenshots in %s", shots)
}

// waitForText waits until tesseract (language code) reads every word in
// window win, and returns the screenshot.
func waitForText(t *testing.T, ctx context.Context, win, code, what string, words []string) image.Image {
	t.Helper()
	var img image.Image
	waitFor(t, ctx, 45*time.Second, what+" on screen", func() (bool, string) {
		text, shot, err := ocrLang(ctx, win, code)
		if err != nil {
			return false, err.Error()
		}
		img = shot
		// OCR drops or adds spaces: compare without them.
		squash := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
		for _, w := range words {
			if !strings.Contains(squash(text), squash(w)) {
				return false, fmt.Sprintf("no %q in the OCR text:\n%s", w, text)
			}
		}
		return true, ""
	})
	return img
}

// saveShot writes img as dir/name.png, when there is one.
func saveShot(dir, name string, img image.Image) {
	if dir == "" || img == nil {
		return
	}
	if f, err := os.Create(filepath.Join(dir, name+".png")); err == nil {
		_ = png.Encode(f, img)
		f.Close()
	}
}

// waitFor polls cond until it holds, failing with its last detail.
func waitFor(t *testing.T, ctx context.Context, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last string
	for {
		ok, detail := cond()
		if ok {
			return
		}
		last = detail
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("waiting for %s: %s", what, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
