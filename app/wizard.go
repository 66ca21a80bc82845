package app

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/tray"
)

// Setup is what the wizard needs of the daemon (an *api.Client).
type Setup interface {
	Setup(ctx context.Context) (api.SetupState, error)
	SetupWallet(ctx context.Context, w api.WalletSetup) (api.SetupState, error)
	SetupNetwork(ctx context.Context, n api.NetworkSetup) (api.SetupState, error)
	Doctor(ctx context.Context) ([]api.Check, error)
	StartNode(ctx context.Context) (api.SetupState, error)
	BackupWallet(ctx context.Context, passphrase string) (api.WalletBackup, error)
	WithdrawalAddress(ctx context.Context) (api.WithdrawalAddress, error)
	SetWithdrawalAddress(ctx context.Context, address string) (api.WithdrawalAddress, error)
}

// Wizard steps.
const (
	stepWallet = iota
	stepBackup // only for a new wallet
	stepPayout // the withdrawal address
	stepNetwork
	stepChecks
	stepDone
	wizardSteps
)

// wizard is the first run: wallet, its backup, the withdrawal address,
// network, checks, done.
// Each step has one primary button (also the Return key); the daemon does
// the work.
type wizard struct {
	content *fyne.Container
	api     Setup
	state   api.SetupState
	step    int
	busy    bool
	primary func()
	done    func()
	// run runs f off the UI goroutine; tests run it at once.
	run func(f func())
	// canvas, when set, takes the keyboard focus where the owner types.
	canvas fyne.Canvas

	title, body *fyne.Container
	errText     *widget.Label
	next        *widget.Button
	dots        *widget.Label
}

func newWizard(s Setup, state api.SetupState, done func(), run func(func())) *wizard {
	wz := &wizard{api: s, state: state, done: done, run: run, title: container.NewVBox(), body: container.NewVBox(), errText: wrapped(""), dots: widget.NewLabel("")}
	wz.errText.Importance = widget.DangerImportance
	wz.next = widget.NewButton("", func() {
		if wz.primary != nil && !wz.busy {
			wz.primary()
		}
	})
	wz.next.Importance = widget.HighImportance
	logo := widget.NewIcon(Icon())
	header := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(48, 48), logo), nil, wz.title)
	wz.content = container.NewPadded(container.NewBorder(header, container.NewVBox(wz.errText, container.NewHBox(wz.dots, layout.NewSpacer(), wz.next)), nil, nil,
		container.NewVScroll(wz.body)))
	switch {
	case hasNeed(state, api.NeedWallet):
		wz.show(stepWallet)
	case hasNeed(state, api.NeedNetwork):
		wz.show(stepPayout)
	default:
		wz.show(stepChecks)
	}
	return wz
}

func hasNeed(s api.SetupState, need string) bool {
	for _, n := range s.Needs {
		if n == need {
			return true
		}
	}
	return false
}

// call runs f against the daemon, then then on the UI goroutine (or the
// error under the step).
func (wz *wizard) call(f func(ctx context.Context) error, then func()) {
	wz.busy = true
	wz.next.Disable()
	wz.errText.SetText("")
	wz.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		err := f(ctx)
		cancel()
		fyne.Do(func() {
			wz.busy = false
			wz.next.Enable()
			if err != nil {
				wz.errText.SetText(tray.ErrorText(err))
				return
			}
			then()
		})
	})
}

func (wz *wizard) set(title, sub string, body ...fyne.CanvasObject) {
	t := heading(title)
	t.SizeName = theme.SizeNameSubHeadingText
	wz.title.Objects = []fyne.CanvasObject{t, wrapped(sub)}
	wz.title.Refresh()
	wz.body.Objects = body
	wz.body.Refresh()
	wz.dots.SetText(lang.L("Step {{.N}} of {{.Of}}", map[string]any{"N": wz.step + 1, "Of": wizardSteps}))
}

func (wz *wizard) show(step int) {
	wz.step = step
	wz.errText.SetText("")
	switch step {
	case stepWallet:
		create, restore, importKey := lang.L("Create a new wallet"), lang.L("Restore a backup file"), lang.L("Import a private key")
		key := widget.NewPasswordEntry()
		key.SetPlaceHolder(lang.L("private key: 64 hex digits"))
		file, pass := widget.NewEntry(), widget.NewPasswordEntry()
		file.SetPlaceHolder(lang.L("path of the backup file"))
		pass.SetPlaceHolder(lang.L("the backup's passphrase"))
		choice := widget.NewRadioGroup([]string{create, restore, importKey}, func(s string) {
			for _, e := range []*widget.Entry{key, file, pass} {
				e.Disable()
			}
			switch s {
			case restore:
				file.Enable()
				pass.Enable()
			case importKey:
				key.Enable()
			}
		})
		choice.SetSelected(create)
		choice.Required = true
		wz.set(lang.L("Your wallet"), lang.L("The node is paid into this wallet. Its key stays on this computer, locked in the node service's data folder."),
			choice, file, pass, key)
		wz.next.SetText(lang.L("Next"))
		wz.primary = func() {
			req, next := api.WalletSetup{Create: true}, stepBackup
			switch choice.Selected {
			case restore:
				b, err := os.ReadFile(strings.TrimSpace(file.Text))
				if err != nil {
					wz.errText.SetText(lang.L("Cannot read the backup file: {{.Error}}", map[string]any{"Error": err.Error()}))
					return
				}
				req, next = api.WalletSetup{Keystore: b, Passphrase: pass.Text}, stepPayout
			case importKey:
				req, next = api.WalletSetup{ImportKey: strings.TrimSpace(key.Text)}, stepPayout
			}
			wz.call(func(ctx context.Context) (err error) {
				wz.state, err = wz.api.SetupWallet(ctx, req)
				return err
			}, func() { wz.show(next) })
		}
	case stepBackup:
		b := newBackupForm(wz.state.Address)
		confirm := widget.NewCheck(lang.L("I keep this file and its passphrase somewhere safe, not only on this computer"), nil)
		confirm.Hide()
		wz.set(lang.L("Back up your wallet"), lang.L("Save the wallet to a file, locked with a passphrase you choose. With both you can restore the node's money on any computer; without them a dead disk or a reinstall loses the stake and the fees not yet withdrawn."),
			b.form, confirm)
		wz.next.SetText(lang.L("Save the backup"))
		save := func() {
			var path string
			wz.call(func(ctx context.Context) (err error) {
				path, err = b.save(ctx, wz.api)
				return err
			}, func() {
				b.saved(path)
				confirm.Show()
				wz.next.SetText(lang.L("Next"))
				wz.next.Disable()
				wz.primary = func() { wz.show(stepPayout) }
				if wz.canvas != nil {
					wz.canvas.Focus(confirm)
				}
			})
		}
		confirm.OnChanged = func(on bool) {
			if on {
				wz.next.Enable()
				if wz.canvas != nil {
					wz.canvas.Unfocus() // Return goes on
				}
			} else {
				wz.next.Disable()
			}
		}
		b.repeat.OnSubmitted = func(string) { save() }
		wz.primary = save
		if wz.canvas != nil {
			wz.canvas.Focus(b.pass)
		}
	case stepPayout:
		wz.showPayout()
	case stepNetwork:
		demo, file := lang.L("The local demo network on this computer"), lang.L("A network file")
		path := widget.NewEntry()
		path.SetPlaceHolder(lang.L("path of the network file"))
		options := []string{demo, file}
		choice := widget.NewRadioGroup(options, func(s string) {
			if s == file {
				path.Enable()
			} else {
				path.Disable()
			}
		})
		choice.Required = true
		if wz.state.Demo {
			choice.SetSelected(demo)
		} else {
			choice.SetSelected(file)
			choice.Disable()
			path.Enable()
		}
		sub := lang.L("Which network the node joins. The demo network runs on this computer and pays demo tokens.")
		if !wz.state.Demo {
			sub = lang.L("No demo network runs on this computer: choose the network file your network gave you.")
		}
		wz.set(lang.L("Network"), sub, choice, path)
		wz.next.SetText(lang.L("Next"))
		wz.primary = func() {
			req := api.NetworkSetup{Demo: choice.Selected == demo}
			if !req.Demo {
				b, err := os.ReadFile(strings.TrimSpace(path.Text))
				if err != nil {
					wz.errText.SetText(lang.L("Cannot read the network file: {{.Error}}", map[string]any{"Error": err.Error()}))
					return
				}
				if !json.Valid(b) {
					wz.errText.SetText(tray.ErrorText(&api.Error{Code: api.CodeBadNetwork}))
					return
				}
				req.File = b
			}
			wz.call(func(ctx context.Context) (err error) {
				wz.state, err = wz.api.SetupNetwork(ctx, req)
				return err
			}, func() { wz.show(stepChecks) })
		}
	case stepChecks:
		list := container.NewVBox(widget.NewLabel(lang.L("Checking this computer…")))
		wz.set(lang.L("Checks"), lang.L("What this computer has for the node. Warnings do not stop the demo network."), list)
		wz.next.SetText(lang.L("Start earning"))
		var checks []api.Check
		wz.call(func(ctx context.Context) (err error) {
			checks, err = wz.api.Doctor(ctx)
			return err
		}, func() {
			list.Objects = nil
			for _, c := range checks {
				list.Add(checkRow(c))
			}
			list.Refresh()
		})
		wz.primary = func() {
			wz.call(func(ctx context.Context) (err error) {
				wz.state, err = wz.api.StartNode(ctx)
				return err
			}, func() { wz.show(stepDone) })
		}
	case stepDone:
		addr := widget.NewLabel(wz.state.Address)
		addr.Selectable = true
		wz.set(lang.L("Done"), lang.L("The node is joining {{.Network}}. It earns while you are away; the tray icon shows what it is doing.", map[string]any{"Network": wz.state.Network}),
			widget.NewLabel(lang.L("Your node's address:")), addr)
		wz.next.SetText(lang.L("Open the dashboard"))
		wz.primary = wz.done
	}
}

// checkRow is one doctor result: an icon, the check and what was found.
func checkRow(c api.Check) fyne.CanvasObject {
	icon := theme.ConfirmIcon()
	switch c.Status {
	case "warning":
		icon = theme.WarningIcon()
	case "failed":
		icon = theme.ErrorIcon()
	}
	text := c.Detail
	if c.Fix != "" {
		text += " — " + c.Fix
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, container.NewVBox(heading(c.Name), wrapped(text)))
}

// showPayout is the withdrawal address step: where the node's money may
// go. It is set here, while the owner is at the computer, so that
// nothing else sets it first; left empty, Settings asks for it later.
// An address set already (a wizard started again) is shown as it is:
// changing it takes the delay, in Settings.
func (wz *wizard) showPayout() {
	entry := widget.NewEntry()
	entry.SetPlaceHolder(lang.L("0x… the address of a wallet of yours"))
	why := wrapped(lang.L("Withdrawals go only to this address. Changing it later takes a delay and shows in the tray, so that software on this computer cannot send your earnings elsewhere."))
	later := wrapped(lang.L("No address at hand? Leave it empty and set it later in Settings, Wallet; until then nothing can be withdrawn."))
	current := widget.NewLabel("")
	current.Selectable = true
	current.Hide()
	wz.set(lang.L("Where your earnings go"), lang.L("The address of a wallet of yours (your own wallet, or an exchange's deposit address) to which you will withdraw what the node earns."),
		entry, why, later, current)
	wz.next.SetText(lang.L("Next"))
	set := ""
	next := func() {
		if wz.canvas != nil {
			wz.canvas.Unfocus() // the entry goes: the keys (Return, the tabs' Alt+N) go to the window again
		}
		wz.show(stepNetwork)
	}
	wz.primary = func() {
		addr := strings.TrimSpace(entry.Text)
		if set != "" || addr == "" {
			next()
			return
		}
		wz.call(func(ctx context.Context) error {
			_, err := wz.api.SetWithdrawalAddress(ctx, addr)
			return err
		}, next)
	}
	entry.OnSubmitted = func(string) { wz.next.OnTapped() } // as Return elsewhere: not while busy
	if wz.canvas != nil {
		wz.canvas.Focus(entry)
	}
	var wa api.WithdrawalAddress
	wz.call(func(ctx context.Context) (err error) {
		wa, err = wz.api.WithdrawalAddress(ctx)
		return err
	}, func() {
		if wz.step != stepPayout {
			return
		}
		delay := tray.Ago(time.Duration(wa.Delay))
		why.SetText(lang.L("Withdrawals go only to this address. Changing it later takes {{.Delay}} and shows in the tray, so that software on this computer cannot send your earnings elsewhere.", map[string]any{"Delay": delay}))
		if wa.Address != "" {
			set = wa.Address
			entry.Hide()
			later.Hide()
			current.SetText(lang.L("Withdrawals go to {{.Address}}", map[string]any{"Address": wa.Address}))
			current.Show()
		}
	})
}
