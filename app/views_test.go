package app

import (
	"context"
	"errors"
	"fyne.io/fyne/v2/widget"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/tray"
)

var (
	now  = time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC)
	busy = api.Status{State: "busy", Address: "0xE1dD904Ef36894Ff9cC671bdD09dC1bCA2622fE0", Task: 41,
		Current:  &api.Current{ID: 41, Kind: "image", Model: "base:runwayml/stable-diffusion-v1-5", Phase: "committed"},
		Decision: api.Decision{Earn: true, Reason: "earn_away"},
		GPU:      &api.GPU{Name: "NVIDIA GeForce RTX 4070", MemoryTotal: 12 << 30, MemoryUsed: 5 << 29, Utilization: 97, TempC: 71, PowerW: 182.4, HasUtil: true, HasTemp: true, HasPower: true, HasMemory: true}}
	totals = api.Totals{Tasks: 12, ByOutcome: map[string]int{"paid": 11, "yielded": 1}, Earned: "3666666666666663", Lost: "0"}
)

func TestDashboardVM(t *testing.T) {
	useLanguage(t, "en")
	vm := Dashboard(&busy, nil, &totals, "1000000000000000", now)
	want := DashboardVM{Title: "Earning", Reason: "Earning: image task in progress", Task: "Task 41: image · base:runwayml/stable-diffusion-v1-5 · committed",
		Progress: 0.7, GPUName: "NVIDIA GeForce RTX 4070", VRAM: "2.5 GiB / 12.0 GiB", Util: "97 %", Temp: "71 °C", Power: "182 W",
		Today: "0.001 HYD", Total: "0.0037 HYD", Next: Action{Label: "Pause for 1 hour", Do: api.Control{Action: api.ActionPauseFor, Duration: api.Duration(time.Hour)}}}
	if vm != want {
		t.Errorf("busy:\n got %+v\nwant %+v", vm, want)
	}
	down := Dashboard(nil, errors.New("dial unix: no such file"), nil, "0", now)
	if down.Title != "Needs your attention" || down.Reason != "The node service does not answer: dial unix: no such file" || down.Today != "—" || down.Next.Label != "" || down.Progress >= 0 {
		t.Errorf("down: %+v", down)
	}
	paused := Dashboard(&api.Status{State: "available", Decision: api.Decision{Reason: "paused_by_owner", Until: now.Add(time.Hour)}}, nil, nil, "0", now)
	if paused.Title != "Paused" || paused.Reason != "Paused by you until 15:30" || paused.Next.Do.Action != api.ActionResume || paused.Task != "" {
		t.Errorf("paused: %+v", paused)
	}
	nogpu := Dashboard(&api.Status{State: "available", GPU: &api.GPU{Problem: api.GPUNone}, Decision: api.Decision{Reason: "paused_user_active"}}, nil, nil, "0", now)
	if nogpu.GPUName != "No NVIDIA GPU found" || nogpu.Temp != "—" || nogpu.Next.Do.Action != api.ActionEarnNow {
		t.Errorf("no GPU: %+v", nogpu)
	}
	for _, c := range []struct {
		gpu  api.GPU
		want string
	}{
		{api.GPU{Problem: api.GPUNoDriver, Error: "no NVIDIA driver found"}, "The NVIDIA driver is not installed"},
		{api.GPU{Problem: api.GPUReadFailed, Error: "nvml: Unknown Error"}, "The GPU could not be read: nvml: Unknown Error"},
		{api.GPU{Error: "an older daemon's words"}, "No GPU data: an older daemon's words"},
		{api.GPU{Problem: "a_newer_code", Error: "a newer daemon's words"}, "No GPU data: a newer daemon's words"},
	} {
		if vm := Dashboard(&api.Status{State: "available", GPU: &c.gpu}, nil, nil, "0", now); vm.GPUName != c.want {
			t.Errorf("%+v: %q, want %q", c.gpu, vm.GPUName, c.want)
		}
	}
	fetching := busy
	fetching.Current = &api.Current{ID: 42, Kind: "image", Model: "lora:org/x", Phase: "downloading"}
	if vm := Dashboard(&fetching, nil, nil, "0", now); vm.Task != "Task 42: image · lora:org/x · downloading its model" || vm.Progress != 0.15 {
		t.Errorf("downloading: %+v", vm)
	}
	// An available node says why it waits: a newcomer that its way in is
	// the seat of every task drawn from everyone.
	waiting := api.Status{State: "available", Decision: api.Decision{Earn: true, Reason: "earning_idle"}, Waiting: &api.Waiting{Ready: 12}}
	if vm := Dashboard(&waiting, nil, nil, "0", now); vm.Task != "Waiting for a first task: one seat of every task is drawn from all 12 ready nodes; the first validated task proves your models and brings more" {
		t.Errorf("a new node waiting: %q", vm.Task)
	}
	waiting.Waiting.Proven = true
	if vm := Dashboard(&waiting, nil, nil, "0", now); vm.Task != "Waiting for a task: 12 nodes are ready for the tasks this card can run; each task draws three" {
		t.Errorf("a proven node waiting: %q", vm.Task)
	}
	useLanguage(t, "zh_Hans")
	if vm := Dashboard(&waiting, nil, nil, "0", now); !strings.Contains(vm.Task, "12 个节点") {
		t.Errorf("a proven node waiting, in Chinese: %q", vm.Task)
	}
	useLanguage(t, "en")
	setup := Dashboard(&api.Status{State: api.StateSetup, Reason: "wallet"}, nil, nil, "0", now)
	if setup.Reason != "Finish setting up in the Hydrogen window" || setup.Next.Label != "Finish setting up" || setup.Next.Do.Action != "" {
		t.Errorf("setup: %+v", setup)
	}
}

func hoursFixture() []api.Bucket {
	var hs []api.Bucket
	for i := range 24 {
		e := "0"
		if i%3 == 0 {
			e = "333333333333333"
		}
		if i == 23 {
			e = "999999999999999"
		}
		hs = append(hs, api.Bucket{Start: now.Truncate(time.Hour).Add(time.Duration(i-23) * time.Hour), Earned: e, Tasks: 1})
	}
	return hs
}

func daysFixture() []api.Bucket {
	var ds []api.Bucket
	for i := range 30 {
		ds = append(ds, api.Bucket{Start: time.Date(2026, 10, 24+i, 0, 0, 0, 0, time.UTC), Earned: []string{"0", "2000000000000000", "5000000000000000"}[i%3]})
	}
	return ds
}

func tasksFixture() []api.Task {
	at := now.Add(-time.Hour)
	return []api.Task{
		{ID: 41, Kind: "image", Models: []string{"base:runwayml/stable-diffusion-v1-5"}, Outcome: "paid", Earned: "333333333333333", Lost: "0", Role: api.TaskRoleAuditor, Audit: api.TaskAuditRight,
			Times: map[string]time.Time{"received_at": at, "settled_at": at.Add(2345 * time.Millisecond)}, Txs: map[string]string{"commit": "0xc0", "disclose": "0xd15c"}},
		{ID: 40, Kind: "text", Models: []string{"0x" + "ab12" + "00000000000000000000000000000000000000000000000000000000000000"[:60]}, Outcome: "yielded", Reason: "the owner took the GPU back: paused_user_active",
			Earned: "0", Lost: "0", Times: map[string]time.Time{"received_at": at.Add(-time.Minute)}, Txs: map[string]string{"yield": "0x41e1d"}},
		{ID: 39, Kind: "image", Outcome: "slashed", Earned: "0", Lost: "1000000000000000000", Times: map[string]time.Time{}, Role: api.TaskRoleNode, Audit: api.TaskAuditWrong},
	}
}

// accountFixture is a leave: quit, stake back, fees claimed, then the
// balance sent to the owner; and the first stake.
func accountFixture() []api.AccountEntry {
	at := now.Add(-30 * time.Minute)
	return []api.AccountEntry{
		{At: at.Add(3 * time.Second), Move: api.MoveSent, Amount: "1003000000000000000", Tx: "0x5e4d", Detail: "0x00000000000000000000000000000000000Fee15"},
		{At: at.Add(2 * time.Second), Move: api.MoveFeesClaimed, Amount: "3300000000000000", Tx: "0xfee"},
		{At: at.Add(time.Second), Move: api.MoveStakeReturned, Amount: "1000000000000000000", Tx: "0x57a"},
		{At: at, Move: api.MoveQuit, Amount: "0", Tx: "0x901"},
		{At: now.Add(-2 * time.Hour), Move: api.MoveStaked, Amount: "1000000000000000000", Tx: "0x1"},
	}
}

func TestEarningsVM(t *testing.T) {
	useLanguage(t, "en")
	vm := Earnings(hoursFixture(), daysFixture(), tasksFixture(), accountFixture(), totals, time.UTC)
	if len(vm.Hours) != 24 || vm.Hours[23].Value != 1 || vm.Hours[0].Value != 333333333333333.0/999999999999999.0 || vm.Hours[1].Value != 0 || vm.HourMax != "0.001 HYD" {
		t.Errorf("hours: %+v %s", vm.Hours, vm.HourMax)
	}
	labels := 0
	for _, b := range vm.Hours {
		if b.Label != "" {
			labels++
		}
	}
	if labels != 4 || len(vm.Days) != 30 || vm.DayMax != "0.005 HYD" || vm.Days[1].Text != "0.002 HYD" {
		t.Errorf("labels %d days %+v", labels, vm.Days)
	}
	if vm.Total != "0.0037 HYD" || vm.Tasks != "12" || vm.ByOutcome != "handed back 1 · paid 11" {
		t.Errorf("totals %+v", vm)
	}
	want := []TaskRow{
		{Time: "Nov 22 14:00:03", Kind: "sent", Duration: "—", Fee: "-1.003 HYD", Outcome: "—", Audit: "—", Reason: "to 0x00000000000000000000000000000000000Fee15", Tx: "0x5e4d"},
		{Time: "Nov 22 14:00:02", Kind: "fees claimed", Duration: "—", Fee: "0.0033 HYD", Outcome: "—", Audit: "—", Tx: "0xfee"},
		{Time: "Nov 22 14:00:01", Kind: "stake back", Duration: "—", Fee: "1 HYD", Outcome: "—", Audit: "—", Tx: "0x57a"},
		{Time: "Nov 22 14:00:00", Kind: "left", Duration: "—", Fee: "—", Outcome: "—", Audit: "—", Tx: "0x901"},
		{Time: "Nov 22 13:30:00", Kind: "image", Model: "base:runwayml/stable-diffusion-v1-5", Duration: "2.3s", Fee: "0.0003 HYD", Outcome: "paid", Audit: "as auditor · confirmed", Tx: "0xd15c"},
		{Time: "Nov 22 13:29:00", Kind: "text", Model: "0xab120000…", Duration: "—", Fee: "0 HYD", Outcome: "handed back", Audit: "—", Reason: "the owner took the GPU back: paused_user_active", Tx: "0x41e1d"},
		{Time: "Nov 22 12:30:00", Kind: "stake", Duration: "—", Fee: "-1 HYD", Outcome: "—", Audit: "—", Tx: "0x1"},
		{Kind: "image", Duration: "—", Fee: "-1 HYD", Outcome: "slashed", Audit: "audited · clearly differed"},
	}
	if len(vm.Rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(vm.Rows), len(want), vm.Rows)
	}
	for i, r := range vm.Rows {
		if r != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, r, want[i])
		}
	}
}

func modelsFixture() api.Models {
	return api.Models{Dir: "/data/models", UsedBytes: 6_000_000_000, QuotaBytes: 100 << 30, Models: []api.Model{
		{ID: "base:runwayml/stable-diffusion-v1-5", Bytes: 4_265_380_512, LastUsed: now.Add(-3 * time.Minute), Tasks: 31, InUse: true},
		{ID: "lora:civitai/pixel-art", Bytes: 151_000_000, Tasks: 0},
	}, Downloads: []api.Download{
		{ID: "base:stabilityai/sdxl-base-1.0", State: api.DownloadRunning, Done: 2 << 30, Total: 6_938_078_334, Rate: 25 << 20, ETA: api.Duration(190 * time.Second)},
		{ID: "controlnet:lllyasviel/openpose", State: api.DownloadQueued, ETA: api.Unknown},
		{ID: "lora:https://civitai.com/api/download/models/12345#sha256=" + strings.Repeat("ab", 32), State: api.DownloadFailed, Error: "models: the source refused the download (401/403): it may need a token, or a proxy blocks it", ETA: api.Unknown},
	}}
}

func TestModelsAndNetworkVM(t *testing.T) {
	useLanguage(t, "en")
	vm := Models(modelsFixture(), now)
	if vm.Used != "5.6 GiB of 100.0 GiB" || vm.Fraction < 0.055 || vm.Fraction > 0.057 || vm.Empty != "" || len(vm.Rows) != 2 {
		t.Errorf("%+v", vm)
	}
	if r := vm.Rows[0]; r.Size != "4.0 GiB" || r.LastUsed != "3 min ago" || r.Tasks != "31" || !r.InUse {
		t.Errorf("%+v", r)
	}
	if r := vm.Rows[1]; r.Size != "144 MiB" || r.LastUsed != "—" {
		t.Errorf("%+v", r)
	}
	if d := vm.Downloads; len(d) != 3 || !d[0].Active || d[0].Fraction < 0.30 || d[0].Fraction > 0.31 ||
		d[0].Text != "2.0 GiB of 6.5 GiB (30%) · 25 MiB/s · 3 min left" || !d[1].Active || d[1].Fraction != -1 ||
		d[2].Active || !d[2].Failed || !strings.HasPrefix(d[2].Text, "failed: models: the source refused") {
		t.Errorf("downloads: %+v", d)
	}
	if e := Models(api.Models{QuotaBytes: 1 << 30}, now); e.Empty == "" || e.Fraction != 0 {
		t.Errorf("empty: %+v", e)
	}
	n := Network(networkFixture(), walletFixture(), nil)
	got := map[string]string{}
	for _, r := range n.Rows {
		got[r.Label] = r.Value
	}
	for k, v := range map[string]string{"Network": "Local demo network (chain 1337)", "Chain": "block 1234, 3 ms", "Relay": "http://127.0.0.1:40667 — reachable",
		"Nodes in the network": "4 (3 ready for a task now)", "On-chain state": "available", "Stake": "1 HYD", "QoS score": "98.5 %", "Fees to withdraw": "0.0037 HYD"} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	down := Network(&api.Network{Name: "x", ChainError: "dial tcp: refused", RelayError: "timeout"}, nil, nil)
	if down.Rows[2].Value != "not answering: dial tcp: refused" || down.Rows[3].Value != " — not answering: timeout" || len(down.Rows) != 5 {
		t.Errorf("down: %+v", down.Rows)
	}
}

func networkFixture() *api.Network {
	return &api.Network{Name: "Local demo network", ChainID: "1337", RPC: "ws://127.0.0.1:40479", Relay: "http://127.0.0.1:40667", Block: 1234, Latency: api.Duration(3 * time.Millisecond), RelayOK: true, Nodes: 4, Available: 3}
}

func walletFixture() *api.Wallet {
	return &api.Wallet{Address: "0xE1dD904Ef36894Ff9cC671bdD09dC1bCA2622fE0", Balance: "4900000000000000000", Owed: "3666666666666663", Stake: "1000000000000000000", State: "available", QoS: 9850}
}

// Markup masters of every view, filled from the fixtures.

func render(t *testing.T, master string, obj fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	w := test.NewTempWindow(t, obj)
	w.Resize(size)
	test.AssertRendersToMarkup(t, master, w.Canvas())
}

var tabSize = fyne.NewSize(900, 720)

func TestTabsMarkup(t *testing.T) {
	for _, lang := range i18n.Languages() {
		t.Run(lang, func(t *testing.T) {
			useLanguage(t, lang)
			newTestApp(t)
			d := newDashTab(func(api.Control) {}, func() {})
			d.show(Dashboard(&busy, nil, &totals, "1000000000000000", now), tray.Earning)
			render(t, "dashboard_"+lang+".xml", d.content, tabSize)

			e := newEarningsTab(func(string) {})
			e.show(Earnings(hoursFixture(), daysFixture(), tasksFixture(), accountFixture(), totals, time.UTC))
			render(t, "earnings_"+lang+".xml", e.content, tabSize)

			m := newModelsTab(func(string) {}, func(string) {})
			m.show(Models(modelsFixture(), now))
			render(t, "models_"+lang+".xml", m.content, tabSize)

			n := newNetworkTab()
			n.show(Network(networkFixture(), walletFixture(), nil))
			render(t, "network_"+lang+".xml", n.content, tabSize)

			s := newSettingsTab(settingsActions{save: func(api.Settings) {}, network: func(string) {}, withdraw: func(string) {}, copy: func(string) {},
				setAddress: func(string) {}, cancelChange: func() {}, backup: func() {}, leave: func() {}, join: func() {}})
			idle, temp, quota, auto, headless, language, rejoin := 10, uint32(83), 100, true, false, "zh_Hans", false
			var sched [7][24]uint8
			for h := 9; h < 18; h++ {
				for d := 1; d <= 5; d++ {
					sched[d][h] = 1 // never during office hours
				}
			}
			sched[0][3], sched[6][3] = 2, 2
			allow, block := []string{"obs64.exe"}, []string{"eldenring.exe"}
			proxy, mirror, limit := "http://proxy.example:3128", "https://hf-mirror.example", 12.5
			s.load(api.Settings{IdleMinutes: &idle, TempLimitC: &temp, QuotaGB: &quota, Schedule: &sched, Allow: &allow, Block: &block, Autostart: &auto, Headless: &headless, Language: &language,
				Proxy: &proxy, HFEndpoint: &mirror, DownloadLimitMBps: &limit, AutoRejoin: &rejoin})
			s.address.SetText(walletFixture().Address)
			s.network.SetText("Local demo network — ws://127.0.0.1:40479")
			s.showPayout(Withdrawal(payoutFixture(), nil, now))
			render(t, "settings_"+lang+".xml", s.content, fyne.NewSize(900, 1400))
			got, err := s.collect()
			if err != nil || *got.IdleMinutes != 10 || *got.Schedule != sched || (*got.Allow)[0] != "obs64.exe" || *got.Language != "zh_Hans" || !*got.Autostart ||
				*got.Proxy != proxy || *got.HFEndpoint != mirror || *got.DownloadLimitMBps != limit || *got.AutoRejoin {
				t.Errorf("collect: %+v %v", got, err)
			}
		})
	}
}

// TestScheduleGridTaps: a tap cycles an hour through when away, never
// and always; taps on the day names change nothing.
func TestScheduleGridTaps(t *testing.T) {
	newTestApp(t)
	g := newScheduleGrid()
	w := test.NewTempWindow(t, g)
	w.Resize(fyne.NewSize(44+24*20, 7*20))
	g.Resize(fyne.NewSize(44+24*20, 7*20))
	at := func(day, hour int) fyne.Position {
		return fyne.NewPos(44+float32(hour)*20+10, float32(day)*20+10)
	}
	test.TapAt(g, at(2, 13))
	test.TapAt(g, at(2, 13))
	test.TapAt(g, at(6, 23))
	test.TapAt(g, fyne.NewPos(10, 10)) // the day name
	want := [7][24]uint8{}
	want[2][13], want[6][23] = 2, 1
	if g.get() != want {
		t.Errorf("week %v", g.get())
	}
	test.TapAt(g, at(2, 13))
	if g.get()[2][13] != 0 {
		t.Error("the third tap does not return to when away")
	}
}

// fakeSetup answers the wizard.
type fakeSetup struct {
	wallets []api.WalletSetup
	state   api.SetupState
	calls   []string
	failOn  string
	payout  api.WithdrawalAddress
}

func (f *fakeSetup) WithdrawalAddress(context.Context) (api.WithdrawalAddress, error) {
	f.calls = append(f.calls, "address")
	return f.payout, nil
}
func (f *fakeSetup) SetWithdrawalAddress(_ context.Context, a string) (api.WithdrawalAddress, error) {
	f.calls = append(f.calls, "address:"+a)
	if len(a) != 42 {
		return f.payout, &api.Error{Code: api.CodeBadAddress}
	}
	f.payout.Address = a
	return f.payout, nil
}

func (f *fakeSetup) Setup(context.Context) (api.SetupState, error) { return f.state, nil }
func (f *fakeSetup) SetupWallet(_ context.Context, w api.WalletSetup) (api.SetupState, error) {
	f.calls = append(f.calls, "wallet")
	f.wallets = append(f.wallets, w)
	if f.failOn == "wallet" {
		return f.state, &api.Error{Code: api.CodeBadKey}
	}
	f.state.Needs, f.state.Address = []string{api.NeedNetwork}, "0xE1dD904Ef36894Ff9cC671bdD09dC1bCA2622fE0"
	return f.state, nil
}
func (f *fakeSetup) BackupWallet(_ context.Context, pass string) (api.WalletBackup, error) {
	f.calls = append(f.calls, "backup:"+pass)
	return api.WalletBackup{Address: f.state.Address, Keystore: []byte(`{"version":3,"address":"e1dd904ef36894ff9cc671bdd09dc1bca2622fe0"}`)}, nil
}
func (f *fakeSetup) SetupNetwork(context.Context, api.NetworkSetup) (api.SetupState, error) {
	f.calls = append(f.calls, "network")
	f.state.Needs, f.state.Network = []string{}, "Local demo network"
	return f.state, nil
}
func (f *fakeSetup) Doctor(context.Context) ([]api.Check, error) {
	f.calls = append(f.calls, "doctor")
	return []api.Check{{Name: "Operating system", Status: "ok", Detail: "Debian GNU/Linux 12 (amd64)"},
		{Name: "NVIDIA GPU", Status: "warning", Detail: "no NVIDIA driver", Fix: "install the NVIDIA driver"},
		{Name: "Docker engine", Status: "failed", Detail: "not running", Fix: "start dockerd"}}, nil
}
func (f *fakeSetup) StartNode(context.Context) (api.SetupState, error) {
	f.calls = append(f.calls, "start")
	f.state.Started = true
	return f.state, nil
}

func TestWizardMarkupAndSteps(t *testing.T) {
	useLanguage(t, "en")
	newTestApp(t)
	t.Setenv("HOME", t.TempDir())
	f := &fakeSetup{state: api.SetupState{Needs: []string{api.NeedWallet, api.NeedNetwork}, Demo: true}, failOn: "wallet", payout: api.WithdrawalAddress{Delay: api.Duration(48 * time.Hour)}}
	done := false
	wz := newWizard(f, f.state, func() { done = true }, func(fn func()) { fn() })
	w := test.NewTempWindow(t, wz.content)
	wz.canvas = w.Canvas()
	w.Resize(DefaultSize)
	test.AssertRendersToMarkup(t, "wizard_wallet.xml", w.Canvas())
	test.Tap(wz.next)
	if wz.step != stepWallet || wz.errText.Text != "That is not a private key (64 hex digits)" {
		t.Fatalf("a refused wallet: step %d, %q", wz.step, wz.errText.Text)
	}
	f.failOn = ""
	test.Tap(wz.next)

	// A new wallet is backed up before anything else.
	if wz.step != stepBackup {
		t.Fatalf("after creating the wallet: step %d, want the backup", wz.step)
	}
	form := wz.body.Objects[0].(*fyne.Container).Objects[0].(*widget.Form)
	pass, repeat, path := form.Items[0].Widget.(*widget.Entry), form.Items[1].Widget.(*widget.Entry), form.Items[2].Widget.(*widget.Entry)
	if w.Canvas().Focused() != pass {
		t.Error("the passphrase does not have the keyboard")
	}
	if !strings.HasSuffix(path.Text, "hydrogen-wallet-e1dd904e.json") {
		t.Errorf("default path %q", path.Text)
	}
	path.SetText("/media/usb/hydrogen-wallet-e1dd904e.json") // a fixed path for the master
	test.AssertRendersToMarkup(t, "wizard_backup.xml", w.Canvas())
	file := filepath.Join(t.TempDir(), "backup.json")
	path.SetText(file)
	for _, bad := range []struct{ a, b, want string }{
		{"short", "short", "The backup's passphrase needs at least 8 characters"},
		{"long enough one", "long enough two", "The two passphrases differ"},
	} {
		pass.SetText(bad.a)
		repeat.SetText(bad.b)
		test.Tap(wz.next)
		if wz.errText.Text != bad.want {
			t.Errorf("passphrases %q/%q: %q, want %q", bad.a, bad.b, wz.errText.Text, bad.want)
		}
	}
	pass.SetText("long enough one")
	repeat.SetText("long enough one")
	test.Tap(wz.next)
	b, err := os.ReadFile(file)
	if fi, serr := os.Stat(file); err != nil || serr != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(string(b), `"version":3`) {
		t.Fatalf("the backup file: %q %v %v", b, err, serr)
	}
	if wz.step != stepBackup || !wz.next.Disabled() || pass.Text != "" {
		t.Fatalf("saved: step %d, next disabled %v, passphrase cleared %v", wz.step, wz.next.Disabled(), pass.Text == "")
	}
	result := wz.body.Objects[0].(*fyne.Container).Objects[1].(*widget.Label)
	check := wz.body.Objects[1].(*widget.Check)
	if !result.Visible() || !strings.Contains(result.Text, file) || !check.Visible() || w.Canvas().Focused() != check {
		t.Fatalf("after saving: %q shown %v, the confirmation shown %v and focused %v", result.Text, result.Visible(), check.Visible(), w.Canvas().Focused() == check)
	}
	test.Tap(check)
	test.Tap(wz.next)

	// The withdrawal address: asked for here, while the owner is at the
	// computer; the daemon refuses a bad one.
	if wz.step != stepPayout {
		t.Fatalf("after the backup: step %d, want the withdrawal address", wz.step)
	}
	entry := wz.body.Objects[0].(*widget.Entry)
	if w.Canvas().Focused() != entry {
		t.Error("the address entry does not have the keyboard")
	}
	test.AssertRendersToMarkup(t, "wizard_payout.xml", w.Canvas())
	entry.SetText(" 0x1234 ")
	test.Tap(wz.next)
	if wz.step != stepPayout || wz.errText.Text != "That is not an address to send to (0x and 40 hex digits)" {
		t.Fatalf("a bad address: step %d, %q", wz.step, wz.errText.Text)
	}
	entry.SetText("0x1111111111111111111111111111111111111111")
	w.Canvas().Focus(entry)                                             // as the owner, typing again
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Return sets it and goes on
	if wz.step != stepNetwork || w.Canvas().Focused() != nil {
		t.Fatalf("after the address: step %d, focused %T (a focused entry left behind takes the window's keys)", wz.step, w.Canvas().Focused())
	}
	test.AssertRendersToMarkup(t, "wizard_network.xml", w.Canvas())
	test.Tap(wz.next)
	test.AssertRendersToMarkup(t, "wizard_checks.xml", w.Canvas())
	test.Tap(wz.next)
	test.AssertRendersToMarkup(t, "wizard_done.xml", w.Canvas())
	test.Tap(wz.next)
	want := []string{"wallet", "wallet", "backup:long enough one", "address", "address:0x1234", "address:0x1111111111111111111111111111111111111111", "network", "doctor", "start"}
	if !done || strings.Join(f.calls, ",") != strings.Join(want, ",") {
		t.Fatalf("done %v calls %v, want %v", done, f.calls, want)
	}
}

// TestWizardRestoresABackup: "Restore a backup file" sends the file and
// its passphrase, and skips the backup step.
func TestWizardRestoresABackup(t *testing.T) {
	useLanguage(t, "en")
	newTestApp(t)
	file := filepath.Join(t.TempDir(), "backup.json")
	if err := os.WriteFile(file, []byte(`{"version":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fakeSetup{state: api.SetupState{Needs: []string{api.NeedWallet, api.NeedNetwork}, Demo: true}}
	wz := newWizard(f, f.state, func() {}, func(fn func()) { fn() })
	test.NewTempWindow(t, wz.content)
	choice := wz.body.Objects[0].(*widget.RadioGroup)
	choice.SetSelected("Restore a backup file")
	path, pass := wz.body.Objects[1].(*widget.Entry), wz.body.Objects[2].(*widget.Entry)
	if path.Disabled() || pass.Disabled() {
		t.Fatal("the backup's file and passphrase are disabled")
	}
	path.SetText(filepath.Join(t.TempDir(), "missing.json"))
	test.Tap(wz.next)
	if !strings.HasPrefix(wz.errText.Text, "Cannot read the backup file") || len(f.wallets) != 0 {
		t.Fatalf("a missing file: %q, %d calls", wz.errText.Text, len(f.wallets))
	}
	path.SetText(file)
	pass.SetText("long enough one")
	test.Tap(wz.next)
	if len(f.wallets) != 1 || string(f.wallets[0].Keystore) != `{"version":3}` || f.wallets[0].Passphrase != "long enough one" || f.wallets[0].Create {
		t.Fatalf("restore sent %+v", f.wallets)
	}
	if wz.step != stepPayout {
		t.Fatalf("after restoring: step %d, want the withdrawal address (no backup of a backup)", wz.step)
	}
}

// payoutFixture is a withdrawal address with a change pending.
func payoutFixture() *api.WithdrawalAddress {
	return &api.WithdrawalAddress{Address: "0x1111111111111111111111111111111111111111", Delay: api.Duration(48 * time.Hour),
		Pending: &api.AddressChange{Address: "0x2222222222222222222222222222222222222222", Requested: now, Effective: now.Add(48 * time.Hour)}}
}

func TestWithdrawalVM(t *testing.T) {
	useLanguage(t, "en")
	why := "Withdrawals go only to this address. A change applies 2 days after it is asked for and shows in the tray meanwhile, so that software on this computer cannot send your earnings elsewhere."
	set := *payoutFixture()
	set.Pending = nil
	for _, c := range []struct {
		name string
		wa   *api.WithdrawalAddress
		err  error
		want WithdrawalVM
	}{
		{"none set", &api.WithdrawalAddress{Delay: api.Duration(48 * time.Hour)}, nil, WithdrawalVM{
			Address: "Not set yet: nothing can be withdrawn until you set it", Why: why, SetLabel: "Set", Placeholder: "0x… the address of a wallet of yours"}},
		{"set", &set, nil, WithdrawalVM{Address: "0x1111111111111111111111111111111111111111", Set: true, Why: why,
			SetLabel: "Change…", Placeholder: "0x… a new address (applies after the delay)"}},
		{"a change pending", payoutFixture(), nil, WithdrawalVM{Address: "0x1111111111111111111111111111111111111111", Set: true, Why: why,
			Pending:   "Withdrawal address changes on 2026-11-24 14:30 to 0x2222222222222222222222222222222222222222. Until then withdrawals go to the current address. Not you? Cancel it.",
			CanCancel: true, SetLabel: "Change…", Placeholder: "0x… a new address (applies after the delay)"}},
		{"a short delay", &api.WithdrawalAddress{Delay: api.Duration(time.Hour)}, nil, WithdrawalVM{
			Address: "Not set yet: nothing can be withdrawn until you set it", SetLabel: "Set", Placeholder: "0x… the address of a wallet of yours",
			Why: "Withdrawals go only to this address. A change applies 1 h after it is asked for and shows in the tray meanwhile, so that software on this computer cannot send your earnings elsewhere."}},
		{"unreadable", nil, errors.New("dial unix: refused"), WithdrawalVM{Address: "The node service does not answer: dial unix: refused",
			SetLabel: "Set", Placeholder: "0x… the address of a wallet of yours"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Withdrawal(c.wa, c.err, now); got != c.want {
				t.Errorf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
	useLanguage(t, "zh_Hans")
	if got := Withdrawal(payoutFixture(), nil, now); got.Pending == "" || !strings.Contains(got.Pending, "0x2222222222222222222222222222222222222222") ||
		!strings.Contains(got.Pending, "2026-11-24 14:30") || strings.Contains(got.Why, "Withdrawals") {
		t.Errorf("in Chinese: %+v", got)
	}
}

// TestDashboardNotice: a pending change of the withdrawal address shows
// on the dashboard above everything, with its cancel.
func TestDashboardNotice(t *testing.T) {
	useLanguage(t, "en")
	newTestApp(t)
	st := busy
	st.AddressChange = payoutFixture().Pending
	vm := Dashboard(&st, nil, &totals, "0", now)
	if vm.Notice != "Withdrawal address changes on 2026-11-24 14:30 to 0x2222222222222222222222222222222222222222. Not you? Software on this computer may be trying to redirect your earnings: cancel it." {
		t.Errorf("notice %q", vm.Notice)
	}
	if vm := Dashboard(&busy, nil, &totals, "0", now); vm.Notice != "" {
		t.Errorf("a notice without a change: %q", vm.Notice)
	}
	cancelled := 0
	d := newDashTab(func(api.Control) {}, func() { cancelled++ })
	test.NewTempWindow(t, d.content)
	d.show(vm, tray.Earning)
	if !d.noticeBox.Visible() || d.notice.Text != vm.Notice {
		t.Fatalf("the notice: shown %v, %q", d.noticeBox.Visible(), d.notice.Text)
	}
	test.Tap(d.cancelChange)
	if cancelled != 1 {
		t.Fatalf("cancel tapped, %d calls", cancelled)
	}
	d.show(Dashboard(&busy, nil, &totals, "0", now), tray.Earning)
	if d.noticeBox.Visible() {
		t.Fatal("the notice stays after the change went")
	}
}

// TestWalletCard: the Settings tab's Wallet card shows the withdrawal
// address, why a change waits and a pending change with its cancel; it
// withdraws only once an address is set, and sets the typed address.
func TestWalletCard(t *testing.T) {
	useLanguage(t, "en")
	newTestApp(t)
	var setTo, withdrew []string
	cancels := 0
	s := newSettingsTab(settingsActions{save: func(api.Settings) {}, network: func(string) {}, copy: func(string) {}, backup: func() {}, leave: func() {}, join: func() {},
		withdraw: func(a string) { withdrew = append(withdrew, a) }, setAddress: func(a string) { setTo = append(setTo, a) }, cancelChange: func() { cancels++ }})
	w := test.NewTempWindow(t, s.content)
	w.Resize(fyne.NewSize(900, 1400))
	if !s.withdrawButton.Disabled() {
		t.Fatal("Withdraw enabled before the address is known")
	}
	s.showPayout(Withdrawal(&api.WithdrawalAddress{Delay: api.Duration(48 * time.Hour)}, nil, now))
	if !s.withdrawButton.Disabled() || s.pendingBox.Visible() || s.setPayout.Text != "Set" || s.payout.Text != "Not set yet: nothing can be withdrawn until you set it" {
		t.Fatalf("none set: withdraw disabled %v, pending shown %v, %q, %q", s.withdrawButton.Disabled(), s.pendingBox.Visible(), s.setPayout.Text, s.payout.Text)
	}
	s.newPayout.SetText("  0x1111111111111111111111111111111111111111 ")
	test.Tap(s.setPayout)
	s.newPayout.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(setTo) != 2 || setTo[0] != "0x1111111111111111111111111111111111111111" || setTo[1] != setTo[0] {
		t.Fatalf("set %q", setTo)
	}
	s.showPayout(Withdrawal(payoutFixture(), nil, now))
	if s.withdrawButton.Disabled() || !s.pendingBox.Visible() || s.setPayout.Text != "Change…" || !strings.Contains(s.pending.Text, "0x2222222222222222222222222222222222222222") ||
		!strings.Contains(s.payoutWhy.Text, "software on this computer") {
		t.Fatalf("a change pending: withdraw disabled %v, pending shown %v %q, %q", s.withdrawButton.Disabled(), s.pendingBox.Visible(), s.pending.Text, s.setPayout.Text)
	}
	test.Tap(s.cancelChange)
	s.withdrawWhat.SetText(" 1000 ")
	test.Tap(s.withdrawButton)
	if cancels != 1 || len(withdrew) != 1 || withdrew[0] != "1000" {
		t.Fatalf("cancels %d, withdrawals %q", cancels, withdrew)
	}
}
