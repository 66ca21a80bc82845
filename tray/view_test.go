package tray

import (
	"errors"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

func TestTokens(t *testing.T) {
	for wei, want := range map[string]string{
		"0": "0 HYD", "1": "0 HYD", "50000000000000": "0.0001 HYD", "333333333333333": "0.0003 HYD",
		"1000000000000000000": "1 HYD", "1234567890000000000": "1.2346 HYD", "999990000000000000": "1 HYD",
		"-2500000000000000000": "-2.5 HYD", "x": "? HYD", "": "? HYD",
	} {
		if got := Tokens(wei); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", wei, got, want)
		}
	}
}

func TestViewOf(t *testing.T) {
	t.Setenv("LANGUAGE", "en")
	if err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	st := func(state, reason string, d api.Decision) *api.Status {
		return &api.Status{State: state, Reason: reason, Decision: d}
	}
	for _, c := range []struct {
		name                string
		st                  *api.Status
		err                 error
		want                State
		status              string
		earn, pause, resume bool
	}{
		{"no daemon", nil, errors.New("dial"), Problem, "The node service is not running", false, false, false},
		{"forbidden", nil, &api.Error{Code: api.CodeForbidden}, Problem, "This user may not control the node service", false, false, false},
		{"setup", st(api.StateSetup, "wallet", api.Decision{}), nil, Problem, "Finish setting up in the Hydrogen window", false, false, false},
		{"funds", st("waiting-for-funds", "low_balance", api.Decision{Earn: true, Reason: "earn_away"}), nil, Problem, "Waiting for funds: the wallet needs the stake and a little for fees", false, false, false},
		{"away", st("available", "", api.Decision{Earn: true, Reason: "earn_away"}), nil, Earning, "Earning while you are away", false, true, false},
		{"earn now", st("available", "", api.Decision{Earn: true, Reason: "earn_now"}), nil, Earning, "Earning now, as you asked", false, true, true},
		{"game", st("available", "", api.Decision{Reason: "paused_foreign_gpu", Process: "eldenring.exe"}), nil, Waiting, "eldenring.exe is using the GPU", true, true, false},
		{"hot", st("available", "", api.Decision{Reason: "paused_temperature", TempC: 86, LimitC: 83}), nil, Waiting, "The GPU is too hot (86 °C, limit 83 °C)", true, true, false},
		{"paused 1h", st("available", "", api.Decision{Reason: "paused_by_owner", Until: now.Add(time.Hour)}), nil, Paused, "Paused by you until 15:00", true, false, true},
		{"paused tomorrow", st("available", "", api.Decision{Reason: "paused_by_owner", Until: TomorrowMorning(now)}), nil, Paused, "Paused by you until Nov 23 08:00", true, false, true},
		{"paused", st("available", "", api.Decision{Reason: "paused_by_owner"}), nil, Paused, "Paused by you", true, false, true},
	} {
		v := ViewOf(c.st, c.err, "2500000000000000000", now)
		if v.State != c.want || v.Status != c.status || v.CanEarnNow != c.earn || v.CanPause != c.pause || v.CanResume != c.resume {
			t.Errorf("%s: %+v", c.name, v)
		}
	}
	busy := &api.Status{State: "busy", Decision: api.Decision{Earn: true, Reason: "earn_away"}, Current: &api.Current{ID: 4, Kind: "image"}}
	if v := ViewOf(busy, nil, "0", now); v.Status != "Earning: image task in progress" || v.Today != "Today: 0 HYD" {
		t.Errorf("busy: %+v", v)
	}
	dl := &api.Status{State: "available", Decision: api.Decision{Earn: true, Reason: "earn_away"}, Downloads: []api.Download{
		{ID: "lora:org/x", State: api.DownloadRunning, Done: 512 << 20, Total: 2 << 30, Rate: 20 << 20, ETA: api.Duration(77 * time.Second)},
		{ID: "base:org/y", State: api.DownloadQueued, ETA: api.Unknown},
	}}
	v := ViewOf(dl, nil, "0", now)
	want := "Downloading a model: 512 MiB of 2.0 GiB (25%) · 20 MiB/s · 1 min left (and 1 more)"
	if v.Download != want || v.Tooltip != "Hydrogen: Earning while you are away\n"+want {
		t.Errorf("download: %q / %q", v.Download, v.Tooltip)
	}
	if v := ViewOf(busy, nil, "0", now); v.Download != "" {
		t.Errorf("a download shown with none: %q", v.Download)
	}
	for _, c := range []struct {
		d    api.Download
		text string
		frac float64
	}{
		{api.Download{State: api.DownloadQueued}, "waiting for another download to finish", -1},
		{api.Download{State: api.DownloadRunning, Done: 3 << 20}, "3 MiB so far", -1},
		{api.Download{State: api.DownloadFailed, Error: "404"}, "failed: 404", -1},
		{api.Download{State: api.DownloadDone, Total: 1 << 20, Done: 1 << 20, Ended: now.Add(-3 * time.Minute)}, "downloaded 3 min ago", 1},
		{api.Download{State: api.DownloadRunning, Done: 1 << 20, Total: 4 << 20, ETA: api.Unknown}, "1 MiB of 4 MiB (25%)", 0.25},
	} {
		if got := DownloadText(c.d, now); got != c.text || DownloadFraction(c.d) != c.frac {
			t.Errorf("%+v: %q %v", c.d, got, DownloadFraction(c.d))
		}
	}
}

func TestTodayAndTomorrow(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	now := time.Date(2026, 11, 22, 2, 30, 0, 0, loc)
	hours := []api.Bucket{
		{Start: time.Date(2026, 11, 21, 23, 0, 0, 0, loc), Earned: "100"},
		{Start: time.Date(2026, 11, 22, 0, 0, 0, 0, loc), Earned: "20"},
		{Start: time.Date(2026, 11, 22, 2, 0, 0, 0, loc), Earned: "3"},
		{Start: time.Date(2026, 11, 22, 1, 0, 0, 0, loc), Earned: "bad"},
	}
	if got := TodayWei(hours, now); got != "23" {
		t.Errorf("today %s", got)
	}
	if got := TomorrowMorning(now); !got.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, loc)) {
		t.Errorf("tomorrow %v", got)
	}
}
