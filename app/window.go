package app

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/nodecore/version"
	"github.com/hydrogen-network/hydrogen/tray"
)

// Tab names, for -tab and the tray.
const (
	TabDashboard = "dashboard"
	TabEarnings  = "earnings"
	TabModels    = "models"
	TabNetwork   = "network"
	TabSettings  = "settings"
)

// TabNames lists the tabs in order.
var TabNames = []string{TabDashboard, TabEarnings, TabModels, TabNetwork, TabSettings}

// Options configure the window.
type Options struct {
	Client *api.Client
	Tab    string // the tab to show first
	// Refresh is how often the open window re-reads the ledger, models
	// and network (default 5 s).
	Refresh time.Duration
	Now     func() time.Time
}

// Window is the main window: a first screen while the daemon does not
// answer, the first-run wizard while it waits for setup, then the tabs.
type Window struct {
	fyne.Window
	o    Options
	app  fyne.App
	info version.Info

	root     *fyne.Container
	tabs     *container.AppTabs
	dash     *dashTab
	earn     *earningsTab
	models   *modelsTab
	net      *networkTab
	settings *settingsTab
	wizard   *wizard
	mode     string // "first", "wizard", "tabs"
	// payout is the withdrawal address as last read (on the UI
	// goroutine); withdrawals go there.
	payout api.WithdrawalAddress

	mu        sync.Mutex // guards the fields below (read by the poller)
	status    *api.Status
	statusErr error
	totals    *api.Totals
	today     string
	poke      chan struct{}
}

// NewMainWindow creates the main window on a: titled, with the icon and
// the first screen. The caller starts Run and shows it.
func NewMainWindow(a fyne.App, info version.Info, o Options) *Window {
	UseTheme(a) // the bundled fonts: every language renders on any machine
	if o.Refresh == 0 {
		o.Refresh = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a.SetIcon(Icon())
	w := &Window{Window: a.NewWindow(Title), o: o, app: a, info: info, poke: make(chan struct{}, 1), today: "0"}
	w.SetIcon(Icon())
	w.dash = newDashTab(w.control, w.cancelChange)
	w.earn = newEarningsTab(w.copy)
	w.models = newModelsTab(w.deleteModel, w.setQuota)
	w.net = newNetworkTab()
	w.settings = newSettingsTab(settingsActions{save: w.saveSettings, network: w.changeNetwork, withdraw: w.withdraw, copy: w.copy,
		setAddress: w.setAddress, cancelChange: w.cancelChange, backup: w.backup, leave: w.leave, join: w.join})
	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Dashboard"), theme.HomeIcon(), w.dash.content),
		container.NewTabItemWithIcon(lang.L("Earnings"), theme.StorageIcon(), w.earn.content),
		container.NewTabItemWithIcon(lang.L("Models"), theme.FolderIcon(), w.models.content),
		container.NewTabItemWithIcon(lang.L("Network"), theme.ComputerIcon(), w.net.content),
		container.NewTabItemWithIcon(lang.L("Settings"), theme.SettingsIcon(), w.settings.content),
	)
	w.tabs.OnSelected = func(*container.TabItem) { w.refreshSoon() }
	w.SelectTab(o.Tab)
	w.root = container.NewStack(FirstScreen(info))
	w.mode = "first"
	w.SetContent(w.root)
	w.Resize(DefaultSize)
	// Alt+1 … Alt+5 select the tabs.
	for i := range TabNames {
		key := fyne.KeyName(strconv.Itoa(i + 1))
		w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) {
			if w.mode == "tabs" {
				w.tabs.SelectIndex(i)
			}
		})
	}
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if (e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter) && w.mode == "wizard" && w.wizard != nil {
			w.wizard.next.OnTapped()
		}
	})
	return w
}

// SelectTab shows a tab by name (unknown names are ignored).
func (w *Window) SelectTab(name string) {
	for i, n := range TabNames {
		if n == name {
			w.tabs.SelectIndex(i)
		}
	}
}

// Run follows the daemon until ctx ends: its status stream, and while
// the tabs show, the ledger, models and network every Refresh.
func (w *Window) Run(ctx context.Context) {
	go w.o.Client.WatchForever(ctx, func(s api.Status) {
		w.mu.Lock()
		prev := w.status
		w.status, w.statusErr = &s, nil
		w.mu.Unlock()
		if prev == nil || prev.Task != s.Task || prev.State != s.State || len(prev.Downloads) != len(s.Downloads) || !sameChange(prev.AddressChange, s.AddressChange) {
			w.refreshSoon() // (a download that started or ended changes the models; a change of the withdrawal address, the wallet)
		}
		fyne.Do(w.showStatus)
	}, func(err error) {
		w.mu.Lock()
		w.status, w.statusErr = nil, err
		w.mu.Unlock()
		fyne.Do(w.showStatus)
	}, 5*time.Second)
	go w.poll(ctx)
}

func (w *Window) refreshSoon() {
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// showStatus runs on the UI goroutine.
func (w *Window) showStatus() {
	w.mu.Lock()
	st, err, totals, today := w.status, w.statusErr, w.totals, w.today
	w.mu.Unlock()
	switch {
	case st != nil && st.State == api.StateSetup && w.mode != "wizard":
		w.startWizard()
	case st != nil && st.State != api.StateSetup && w.mode == "first":
		w.showTabs()
	}
	v := tray.ViewOf(st, err, today, w.o.Now())
	w.dash.show(Dashboard(st, err, totals, today, w.o.Now()), v.State)
	if st != nil && w.mode == "tabs" && (len(st.Downloads) > 0 || len(w.models.active) > 0) {
		w.models.showActive(Downloads(st.Downloads, w.o.Now()))
	}
}

func (w *Window) showTabs() {
	w.mode = "tabs"
	w.root.Objects = []fyne.CanvasObject{w.tabs}
	w.root.Refresh()
	w.Resize(TabsSize)
	w.refreshSoon()
	go w.loadSettings()
}

func (w *Window) startWizard() {
	w.mode = "wizard"
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		state, err := w.o.Client.Setup(ctx)
		cancel()
		fyne.Do(func() {
			if err != nil {
				w.mode = "first"
				return
			}
			w.wizard = newWizard(w.o.Client, state, w.showTabs, func(f func()) { go f() })
			w.wizard.canvas = w.Canvas()
			w.root.Objects = []fyne.CanvasObject{w.wizard.content}
			w.root.Refresh()
		})
	}()
}

// poll re-reads what the tabs show.
func (w *Window) poll(ctx context.Context) {
	t := time.NewTicker(w.o.Refresh)
	defer t.Stop()
	for {
		w.fetch(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.poke:
		}
	}
}

func (w *Window) fetch(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c := w.o.Client
	w.mu.Lock()
	st := w.status
	w.mu.Unlock()
	if st == nil || st.State == api.StateSetup {
		return
	}
	now := w.o.Now()
	hours, err := c.Earnings(ctx, "hour")
	if err == nil {
		totals, terr := c.Totals(ctx)
		w.mu.Lock()
		w.today = tray.TodayWei(hours, now)
		if terr == nil {
			w.totals = &totals
		}
		w.mu.Unlock()
	}
	fyne.Do(w.showStatus)
	switch w.currentTab() {
	case TabEarnings:
		days, derr := c.Earnings(ctx, "day")
		tasks, kerr := c.Tasks(ctx, 200)
		account, aerr := c.Account(ctx, 100)
		totals, terr := c.Totals(ctx)
		if err = firstErr(err, derr, kerr, aerr, terr); err != nil {
			fyne.Do(func() { w.earn.fail(tray.ErrorText(err)) })
			return
		}
		vm := Earnings(hours, days, tasks, account, totals, now.Location())
		fyne.Do(func() { w.earn.show(vm) })
	case TabModels:
		m, err := c.Models(ctx)
		if err != nil {
			fyne.Do(func() { w.models.status.SetText(tray.ErrorText(err)) })
			return
		}
		vm := Models(m, now)
		fyne.Do(func() { w.models.show(vm) })
	case TabNetwork:
		n, nerr := c.Network(ctx)
		wl, werr := c.Wallet(ctx)
		var np *api.Network
		var wp *api.Wallet
		if nerr == nil {
			np = &n
		}
		if werr == nil {
			wp = &wl
		}
		vm := Network(np, wp, firstErr(nerr, werr))
		fyne.Do(func() { w.net.show(vm) })
	case TabSettings:
		wa, err := c.WithdrawalAddress(ctx)
		fyne.Do(func() { w.showPayout(&wa, err) })
	}
}

// showPayout shows the withdrawal address (wa is ignored when err is
// set); on the UI goroutine.
func (w *Window) showPayout(wa *api.WithdrawalAddress, err error) {
	if err != nil {
		wa = nil
	}
	w.payout = api.WithdrawalAddress{}
	if wa != nil {
		w.payout = *wa
	}
	w.settings.showPayout(Withdrawal(wa, err, w.o.Now()))
}

// sameChange reports whether two pending changes of the withdrawal
// address are the same.
func sameChange(a, b *api.AddressChange) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Address == b.Address && a.Effective.Equal(b.Effective)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// currentTab is safe from any goroutine.
func (w *Window) currentTab() string {
	var name string
	fyne.DoAndWait(func() {
		if w.mode == "tabs" {
			name = TabNames[w.tabs.SelectedIndex()]
		}
	})
	return name
}

// async runs f against the daemon and shows its error, if any.
func (w *Window) async(f func(ctx context.Context) error, then func()) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err := f(ctx)
		cancel()
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", tray.ErrorText(err)), w)
				return
			}
			if then != nil {
				then()
			}
		})
		w.refreshSoon()
	}()
}

func (w *Window) control(c api.Control) {
	w.async(func(ctx context.Context) error { return w.o.Client.Control(ctx, c) }, nil)
}

func (w *Window) copy(s string) {
	w.app.Clipboard().SetContent(s)
}

func (w *Window) deleteModel(id string) {
	dialog.ShowConfirm(lang.L("Delete model"), lang.L("Delete {{.Model}} from this computer? The network may ask the node to download it again.", map[string]any{"Model": id}), func(ok bool) {
		if ok {
			w.async(func(ctx context.Context) error { return w.o.Client.DeleteModel(ctx, id) }, nil)
		}
	}, w)
}

func (w *Window) setQuota(text string) {
	gb, err := strconv.Atoi(text)
	if err != nil {
		w.models.status.SetText(lang.L("{{.Field}}: not a whole number", map[string]any{"Field": lang.L("Storage quota (GB)")}))
		return
	}
	w.async(func(ctx context.Context) error {
		_, err := w.o.Client.PatchSettings(ctx, api.Settings{QuotaGB: &gb})
		return err
	}, func() { w.models.status.SetText(lang.L("Saved")) })
}

func (w *Window) loadSettings() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := w.o.Client.Settings(ctx)
	if err == nil && s.Autostart != nil {
		// The tray starts with the session as the setting says (a new
		// install's default is on).
		if aerr := SetAutostart(*s.Autostart); aerr != nil {
			fyne.LogError("autostart", aerr)
		}
	}
	wl, werr := w.o.Client.Wallet(ctx)
	n, nerr := w.o.Client.Network(ctx)
	wa, perr := w.o.Client.WithdrawalAddress(ctx)
	fyne.Do(func() {
		w.showPayout(&wa, perr)
		if err != nil {
			w.settings.status.SetText(tray.ErrorText(err))
			return
		}
		w.settings.load(s)
		if s.QuotaGB != nil {
			w.models.quota.SetText(strconv.Itoa(*s.QuotaGB))
		}
		if werr == nil {
			w.settings.address.SetText(wl.Address)
		}
		if nerr == nil {
			w.settings.network.SetText(n.Name + " — " + n.RPC)
		}
	})
}

func (w *Window) saveSettings(s api.Settings) {
	var saved api.Settings
	w.async(func(ctx context.Context) (err error) {
		saved, err = w.o.Client.PatchSettings(ctx, s)
		if err == nil && saved.Autostart != nil {
			err = SetAutostart(*saved.Autostart)
		}
		return err
	}, func() {
		w.settings.load(saved)
		msg := lang.L("Saved")
		if s.Language != nil {
			msg += " " + lang.L("(a new language shows the next time Hydrogen opens)")
		}
		w.settings.status.SetText(msg)
	})
}

func (w *Window) changeNetwork(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		w.settings.status.SetText(lang.L("Cannot read the network file: {{.Error}}", map[string]any{"Error": err.Error()}))
		return
	}
	w.async(func(ctx context.Context) error {
		_, err := w.o.Client.SetupNetwork(ctx, api.NetworkSetup{File: b})
		return err
	}, func() {
		w.settings.status.SetText(lang.L("Network saved: it is used when the node service restarts"))
	})
}

// withdraw sends amount to the withdrawal address, after a quote the
// owner confirms.
func (w *Window) withdraw(amount string) {
	if amount == "" {
		amount = "all"
	}
	to := w.payout.Address
	if to == "" {
		w.settings.status.SetText(tray.ErrorText(&api.Error{Code: api.CodeNoWithdrawalAddress}))
		return
	}
	var q api.WithdrawQuote
	w.async(func(ctx context.Context) (err error) {
		q, err = w.o.Client.Withdraw(ctx, api.Withdraw{To: to, Amount: amount})
		return err
	}, func() {
		msg := lang.L("Send {{.Amount}} to {{.To}}?", map[string]any{"Amount": tray.Tokens(q.Amount), "To": q.To})
		if amount == "all" {
			msg = lang.L("Send everything above what the node keeps, about {{.Amount}}, to {{.To}}?", map[string]any{"Amount": tray.Tokens(q.Amount), "To": q.To})
		}
		if c, ok := new(big.Int).SetString(q.Claim, 10); ok && c.Sign() > 0 {
			msg += "\n" + lang.L("First claims {{.Fees}} of fees from the network.", map[string]any{"Fees": tray.Tokens(q.Claim)})
		}
		msg += "\n" + lang.L("Transaction fees: at most {{.Gas}}. Kept for the node's own fees: {{.Reserve}}.", map[string]any{"Gas": tray.Tokens(q.Gas), "Reserve": tray.Tokens(q.Reserve)})
		dialog.ShowConfirm(lang.L("Withdraw"), msg, func(ok bool) {
			if !ok {
				return
			}
			var done api.WithdrawDone
			w.async(func(ctx context.Context) (err error) {
				done, err = w.o.Client.ConfirmWithdraw(ctx, q.ID)
				return err
			}, func() {
				w.settings.status.SetText(lang.L("Sent {{.Amount}}. Transactions: {{.Txs}}", map[string]any{"Amount": tray.Tokens(done.Amount), "Txs": fmt.Sprint(done.Txs)}))
			})
		}, w)
	})
}

// setAddress sets the first withdrawal address, or asks for a change,
// after the owner confirms what it does.
func (w *Window) setAddress(address string) {
	if address == "" {
		w.settings.status.SetText(lang.L("Type the new withdrawal address first"))
		return
	}
	delay := tray.Ago(time.Duration(w.payout.Delay))
	title := lang.L("Set the withdrawal address")
	msg := lang.L("Withdrawals will go only to {{.Address}}. Check it character by character: changing it later takes {{.Delay}}.", map[string]any{"Address": address, "Delay": delay})
	if w.payout.Address != "" {
		title = lang.L("Change the withdrawal address")
		msg = lang.L("Withdrawals will go to {{.Address}} only {{.Delay}} from now. Until then they go to {{.Current}}, and the tray shows the change so that it can be cancelled.", map[string]any{"Address": address, "Delay": delay, "Current": w.payout.Address})
	}
	dialog.ShowConfirm(title, msg, func(ok bool) {
		if !ok {
			return
		}
		var wa api.WithdrawalAddress
		w.async(func(ctx context.Context) (err error) {
			wa, err = w.o.Client.SetWithdrawalAddress(ctx, address)
			return err
		}, func() {
			w.showPayout(&wa, nil)
			w.settings.newPayout.SetText("")
			if wa.Pending != nil {
				w.settings.status.SetText(lang.L("Change asked for: it applies on {{.Time}}", map[string]any{"Time": tray.When(wa.Pending.Effective, w.o.Now())}))
				return
			}
			w.settings.status.SetText(lang.L("Withdrawals go to {{.Address}}", map[string]any{"Address": wa.Address}))
		})
	}, w)
}

// cancelChange drops a pending change of the withdrawal address.
func (w *Window) cancelChange() {
	var wa api.WithdrawalAddress
	w.async(func(ctx context.Context) (err error) {
		wa, err = w.o.Client.CancelAddressChange(ctx)
		return err
	}, func() {
		w.showPayout(&wa, nil)
		w.settings.status.SetText(lang.L("The change is cancelled: withdrawals keep going to {{.Address}}", map[string]any{"Address": wa.Address}))
	})
}

// backup asks for a passphrase and a place, and saves the wallet there.
func (w *Window) backup() {
	b := newBackupForm(w.settings.address.Text)
	dialog.ShowCustomConfirm(lang.L("Back up wallet"), lang.L("Save the backup"), lang.L("Cancel"), b.form, func(ok bool) {
		if !ok {
			return
		}
		var path string
		w.async(func(ctx context.Context) (err error) {
			path, err = b.save(ctx, w.o.Client)
			return err
		}, func() {
			b.saved(path)
			w.settings.status.SetText(b.result.Text)
		})
	}, w)
}

// leave asks, then leaves the network; the status line follows it.
func (w *Window) leave() {
	dialog.ShowConfirm(lang.L("Leave the network"),
		lang.L("The node stops taking tasks (a task in progress finishes first). Then the stake and the fees owed come back to this node's wallet, and it stays out until you join again. Leave?"),
		func(ok bool) {
			if !ok {
				return
			}
			w.async(func(ctx context.Context) error {
				return w.o.Client.Control(ctx, api.Control{Action: api.ActionLeave})
			}, func() {
				w.settings.status.SetText(tray.NodeText("quitting", "leaving"))
			})
		}, w)
}

// join brings the node back into the network with a new stake.
func (w *Window) join() {
	w.async(func(ctx context.Context) error {
		return w.o.Client.Control(ctx, api.Control{Action: api.ActionRejoin})
	}, func() { w.settings.status.SetText(tray.NodeText("joining", "")) })
}
