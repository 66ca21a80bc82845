package power

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// supply writes a fake power-supply class entry.
func supply(t *testing.T, dir, name string, files map[string]string) {
	t.Helper()
	d := filepath.Join(dir, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range files {
		if err := os.WriteFile(filepath.Join(d, k), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSysfs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		supplies map[string]map[string]string
		want     State
	}{
		{"desktop: no supplies", nil, State{}},
		{"desktop: mains only", map[string]map[string]string{"AC": {"type": "Mains", "online": "1"}}, State{Known: true}},
		{"laptop plugged in", map[string]map[string]string{
			"AC": {"type": "Mains", "online": "1"}, "BAT0": {"type": "Battery", "status": "Charging", "scope": "System"},
		}, State{Known: true, Battery: true}},
		{"laptop unplugged", map[string]map[string]string{
			"AC": {"type": "Mains", "online": "0"}, "BAT0": {"type": "Battery", "status": "Discharging"},
		}, State{Known: true, Battery: true, OnBattery: true}},
		{"unplugged, battery full", map[string]map[string]string{
			"ADP1": {"type": "Mains", "online": "0"}, "BAT1": {"type": "Battery", "status": "Full"},
		}, State{Known: true, Battery: true, OnBattery: true}},
		{"USB-C charger online", map[string]map[string]string{
			"ucsi-source-psy-USBC000:001": {"type": "USB", "online": "1"}, "BAT0": {"type": "Battery", "status": "Charging"},
		}, State{Known: true, Battery: true}},
		{"no adapter listed, discharging", map[string]map[string]string{"BAT0": {"type": "Battery", "status": "Discharging"}}, State{Known: true, Battery: true, OnBattery: true}},
		{"no adapter listed, not discharging", map[string]map[string]string{"BAT0": {"type": "Battery", "status": "Not charging"}}, State{Known: true, Battery: true}},
		{"desktop with a wireless mouse", map[string]map[string]string{
			"AC": {"type": "Mains", "online": "1"}, "hidpp_battery_0": {"type": "Battery", "status": "Discharging", "scope": "Device"},
		}, State{Known: true}},
		{"only a gamepad's battery", map[string]map[string]string{
			"sony_controller_battery": {"type": "Battery", "status": "Discharging", "scope": "Device"},
		}, State{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, files := range tc.supplies {
				supply(t, dir, name, files)
			}
			got, err := Sysfs{Dir: dir}.Read(t.Context())
			if err != nil || got != tc.want {
				t.Fatalf("got %+v %v, want %+v", got, err, tc.want)
			}
		})
	}
	if st, err := (Sysfs{Dir: filepath.Join(t.TempDir(), "none")}).Read(t.Context()); err != nil || st.Known {
		t.Errorf("a machine without the class: %+v %v", st, err)
	}
}

func TestParsePmset(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want State
		err  bool
	}{
		{"Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4653155)\t81%; discharging; 5:12 remaining present: true\n", State{Known: true, OnBattery: true, Battery: true}, false},
		{"Now drawing from 'AC Power'\n -InternalBattery-0 (id=4653155)\t100%; charged; 0:00 remaining present: true\n", State{Known: true, Battery: true}, false},
		{"Now drawing from 'AC Power'\n", State{Known: true}, false}, // a Mac mini
		{"", State{}, true},
		{"garbage\n", State{}, true},
	} {
		got, err := ParsePmset(tc.out)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParsePmset(%q) = %+v, %v; want %+v", tc.out, got, err, tc.want)
		}
	}
}

func TestFromWindows(t *testing.T) {
	for _, tc := range []struct {
		in   windowsStatus
		want State
	}{
		{windowsStatus{ACLineStatus: 0, BatteryFlag: 0}, State{Known: true, OnBattery: true, Battery: true}},
		{windowsStatus{ACLineStatus: 1, BatteryFlag: 8}, State{Known: true, Battery: true}}, // charging
		{windowsStatus{ACLineStatus: 1, BatteryFlag: 128}, State{Known: true}},              // a desktop
		{windowsStatus{ACLineStatus: 255, BatteryFlag: 255}, State{}},                       // unknown
		{windowsStatus{ACLineStatus: 255, BatteryFlag: 1}, State{Battery: true}},            // unknown line
	} {
		if got := fromWindows(tc.in); got != tc.want {
			t.Errorf("fromWindows(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

type script struct {
	mu    sync.Mutex
	steps []func() (State, error)
}

func (s *script) Read(context.Context) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.steps[0]
	if len(s.steps) > 1 {
		s.steps = s.steps[1:]
	}
	return f()
}

func TestWatchReportsChangesOnly(t *testing.T) {
	on := func() (State, error) { return State{Known: true, OnBattery: true, Battery: true}, nil }
	off := func() (State, error) { return State{Known: true, Battery: true}, nil }
	broken := func() (State, error) { return State{}, errors.New("sensor gone") }
	src := &script{steps: []func() (State, error){off, off, on, on, broken, off}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	got := make(chan bool, 16)
	go Watch(ctx, src, time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), func(b bool) { got <- b })
	want := []bool{false, true, false} // the broken read counts as plugged in; the last off changes nothing
	for i, w := range want {
		select {
		case b := <-got:
			if b != w {
				t.Fatalf("report %d = %v, want %v", i, b, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("report %d never came", i)
		}
	}
	select {
	case b := <-got:
		t.Fatalf("an extra report %v without a change", b)
	case <-time.After(50 * time.Millisecond):
	}
}
