package tray

import (
	"errors"
	"strings"
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
		return &api.Status{State: api.NodeState(state), Reason: api.NodeReason(reason), Decision: d}
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
		{"setup", st(string(api.StateSetup), "wallet", api.Decision{}), nil, Problem, "Finish setting up in the Hydrogen window", false, false, false},
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

// TestAddressChangeView: a pending change of the withdrawal address shows
// in the tray (its line, its cancel, the tooltip) and turns the icon to
// "needs your attention" whatever the node does; the status line stays
// the node's.
func TestAddressChangeView(t *testing.T) {
	now := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	change := &api.AddressChange{Address: "0x2222222222222222222222222222222222222222", Requested: now, Effective: now.Add(48 * time.Hour)}
	earning := api.Decision{Earn: true, Reason: "earn_away"}
	for _, c := range []struct {
		lang, line, tip string
	}{
		{"en", "Withdrawal address changes on 2026-11-24 14:00 to 0x2222222222222222222222222222222222222222",
			"not you? Cancel it from this menu"},
		{"zh_Hans", "2026-11-24 14:00", "0x2222222222222222222222222222222222222222"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", c.lang)
			if err := i18n.Load(); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name  string
				st    *api.Status
				state State
			}{
				{"earning", &api.Status{State: "available", Decision: earning, AddressChange: change}, Earning},
				{"in setup", &api.Status{State: api.StateSetup, Reason: "network", AddressChange: change}, Problem},
			} {
				v := ViewOf(tc.st, nil, "0", now)
				if !strings.Contains(v.AddressChange, c.line) || !v.CanCancelAddressChange || v.Icon() != Problem || v.State != tc.state ||
					!strings.Contains(v.Tooltip, v.AddressChange) || !strings.Contains(v.Tooltip, c.tip) {
					t.Errorf("%s: %+v", tc.name, v)
				}
				if c.lang == "en" && v.AddressChange != c.line {
					t.Errorf("%s: %q, want %q", tc.name, v.AddressChange, c.line)
				}
			}
			v := ViewOf(&api.Status{State: "available", Decision: earning}, nil, "0", now)
			if v.AddressChange != "" || v.CanCancelAddressChange || v.Icon() != Earning || strings.Contains(v.Tooltip, "\n") {
				t.Errorf("no change: %+v", v)
			}
		})
	}
}

// TestAddressErrorText: the daemon's withdrawal address codes in words,
// with their parameters, in every language.
func TestAddressErrorText(t *testing.T) {
	until := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	addr := "0x1111111111111111111111111111111111111111"
	for _, lang := range []string{"en", "zh_Hans"} {
		t.Run(lang, func(t *testing.T) {
			t.Setenv("LANGUAGE", lang)
			if err := i18n.Load(); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				err  *api.Error
				want []string // in every language
				en   string
			}{
				{&api.Error{Code: api.CodeNoWithdrawalAddress, Message: "none"}, nil, "No withdrawal address is set yet: set yours in Settings, Wallet"},
				{&api.Error{Code: api.CodeNotWithdrawalAddress, Message: "x", Params: map[string]string{api.ParamAddress: addr}}, []string{addr},
					"Withdrawals go only to your withdrawal address, " + addr},
				{&api.Error{Code: api.CodeAddressChangePending, Message: "x", Params: map[string]string{api.ParamAddress: addr, api.ParamUntil: until.Format(time.RFC3339)}},
					[]string{addr, When(until, time.Now())},
					addr + " becomes the withdrawal address only on " + When(until, time.Now()) + "; until then withdrawals go to the current one"},
				{&api.Error{Code: api.CodeZeroAddress, Message: "x"}, nil, "That is the zero address: what is sent there is lost"},
				{&api.Error{Code: api.CodeOwnAddress, Message: "x"}, nil, "That is this node's own wallet: give the address of another wallet of yours"},
			} {
				got := ErrorText(c.err)
				if got == c.err.Message || (lang == "en" && got != c.en) {
					t.Errorf("%s: %q", c.err.Code, got)
				}
				for _, w := range c.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s: %q lacks %q", c.err.Code, got, w)
					}
				}
			}
		})
	}
}
