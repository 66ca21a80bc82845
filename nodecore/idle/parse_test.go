package idle

import (
	"encoding/binary"
	"testing"
	"time"
)

func TestTickIdleWraps(t *testing.T) {
	cases := []struct {
		now, last uint32
		want      time.Duration
	}{
		{5000, 2000, 3 * time.Second},
		{5000, 5000, 0},
		{100, 4294967000, 396 * time.Millisecond}, // GetTickCount wrapped after 49.7 days
	}
	for _, c := range cases {
		if got := tickIdle(c.now, c.last); got != c.want {
			t.Errorf("tickIdle(%d, %d) = %s, want %s", c.now, c.last, got, c.want)
		}
	}
}

func TestFullScreenState(t *testing.T) {
	want := map[uint32]bool{qunsNotPresent: false, qunsBusy: true, qunsRunningD3DFull: true, qunsPresentationMode: true, qunsAcceptsNotifs: false, qunsQuietTime: false, qunsApp: true, 0: false, 99: false}
	for s, w := range want {
		if fullScreenState(s) != w {
			t.Errorf("state %d: full screen %v, want %v", s, !w, w)
		}
	}
}

func TestXInputPacket(t *testing.T) {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b, 77)
	if p, ok := xinputPacket(b); !ok || p != 77 {
		t.Fatal(p, ok)
	}
	if _, ok := xinputPacket(b[:8]); ok {
		t.Fatal("short state accepted")
	}
}

func TestParseHIDIdle(t *testing.T) {
	out := []byte(`    | |   "HIDParameters" = {}
    | |   "HIDIdleTime" = 12345678901
    | |   "HIDKeyboardModifierMappingPairs" = ()`)
	if ns, err := parseHIDIdle(out); err != nil || ns != 12345678901 {
		t.Fatal(ns, err)
	}
	if _, err := parseHIDIdle([]byte("nothing")); err == nil {
		t.Fatal("no value accepted")
	}
}

// fakeSource is a Source with fixed answers.
type fakeSource struct {
	name string
	idle time.Duration
	err  error
}

func (f fakeSource) Name() string { return f.name }
func (f fakeSource) Sample(_ time.Time, p *Presence) error {
	if f.err != nil {
		return f.err
	}
	idleInput(p, f.idle)
	return nil
}
func (fakeSource) Close() error { return nil }

func TestWatcherMerges(t *testing.T) {
	w := NewWatcher(fakeSource{name: "a", idle: 5 * time.Minute}, fakeSource{name: "b", idle: 2 * time.Second}, fakeSource{name: "c", err: ErrUnavailable})
	p := w.Sample()
	if p.Idle != 2*time.Second || len(p.Sources) != 2 || len(p.Errors) != 1 || p.ControllerIdle != Unknown {
		t.Fatalf("%+v", p)
	}
	if p := w.Sample(); len(p.Errors) != 0 {
		t.Fatal("the unavailable source was asked again")
	}
	if p := NewWatcher().Sample(); p.Live() {
		t.Fatal("no source, yet live")
	}
}
