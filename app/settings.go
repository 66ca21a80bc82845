package app

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/hydrogen-network/hydrogen/i18n"
	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// languages the owner can choose, by setting value: "" (the system's),
// then every shipped translation.
var languages = append([]string{""}, i18n.Languages()...)

type settingsTab struct {
	content              fyne.CanvasObject
	idle, temp, quota    *widget.Entry
	schedule             *scheduleGrid
	allow, block         *widget.Entry
	autostart, headless  *widget.Check
	autoRejoin           *widget.Check
	language             *widget.Select
	network              *widget.Label
	networkFile          *widget.Entry
	address              *widget.Label
	withdrawWhat         *widget.Entry
	proxy, mirror, limit *widget.Entry
	status               *widget.Label

	// The withdrawal address: where withdrawals go, why a change waits,
	// a pending change with its cancel, and a new address to set.
	payout, payoutWhy, pending *widget.Label
	pendingBox                 *fyne.Container
	cancelChange               *widget.Button
	newPayout                  *widget.Entry
	setPayout, withdrawButton  *widget.Button
	payoutSet                  bool // an address is set
}

// settingsActions are what the Settings tab asks of the window.
type settingsActions struct {
	save     func(api.Settings)
	network  func(path string)
	withdraw func(amount string) // to the withdrawal address
	// setAddress sets or changes the withdrawal address; cancelChange
	// drops a pending change.
	setAddress   func(address string)
	cancelChange func()
	copy         func(string)
	backup       func()
	leave        func()
	join         func()
}

func newSettingsTab(a settingsActions) *settingsTab {
	s := &settingsTab{
		idle: widget.NewEntry(), temp: widget.NewEntry(), quota: widget.NewEntry(), schedule: newScheduleGrid(),
		allow: widget.NewMultiLineEntry(), block: widget.NewMultiLineEntry(),
		autostart:  widget.NewCheck(lang.L("Start Hydrogen when I log in"), nil),
		headless:   widget.NewCheck(lang.L("This computer is a rig: earn without watching for me"), nil),
		autoRejoin: widget.NewCheck(lang.L("Join again by itself when the network removes the node for a low QoS score"), nil),
		network:    widget.NewLabel(""), networkFile: widget.NewEntry(), address: widget.NewLabel(""),
		withdrawWhat: widget.NewEntry(), status: wrapped(""),
		payout: widget.NewLabel(""), payoutWhy: wrapped(""), pending: wrapped(""), newPayout: widget.NewEntry(),
		proxy: widget.NewEntry(), mirror: widget.NewEntry(), limit: widget.NewEntry(),
	}
	s.proxy.SetPlaceHolder(lang.L("the system's (e.g. http://proxy.example:3128)"))
	s.mirror.SetPlaceHolder("https://huggingface.co")
	s.limit.SetPlaceHolder(lang.L("0: no limit"))
	names := []string{lang.L("The system's language")}
	for _, l := range languages[1:] {
		names = append(names, i18n.Name(l))
	}
	s.language = widget.NewSelect(names, nil)
	s.allow.SetMinRowsVisible(2)
	s.block.SetMinRowsVisible(2)
	s.allow.SetPlaceHolder(lang.L("one program per line, e.g. obs64.exe"))
	s.block.SetPlaceHolder(lang.L("one program per line"))
	s.address.Selectable = true
	s.networkFile.SetPlaceHolder(lang.L("path of a network file"))
	s.withdrawWhat.SetText("all")
	s.payout.Selectable = true
	s.pending.Importance = widget.DangerImportance
	s.cancelChange = widget.NewButtonWithIcon(lang.L("Cancel the change"), theme.CancelIcon(), a.cancelChange)
	s.cancelChange.Importance = widget.DangerImportance
	s.pendingBox = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewCenter(s.cancelChange), s.pending)
	s.pendingBox.Hide()
	s.setPayout = widget.NewButton(lang.L("Set"), func() { a.setAddress(strings.TrimSpace(s.newPayout.Text)) })
	s.newPayout.OnSubmitted = func(string) { s.setPayout.OnTapped() }
	s.withdrawButton = widget.NewButton(lang.L("Withdraw…"), func() { a.withdraw(strings.TrimSpace(s.withdrawWhat.Text)) })
	s.withdrawButton.Disable() // until the withdrawal address is known
	save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		set, err := s.collect()
		if err != nil {
			s.status.SetText(err.Error())
			return
		}
		a.save(set)
	})
	save.Importance = widget.HighImportance
	policyForm := widget.NewForm(
		widget.NewFormItem(lang.L("Minutes away before earning"), s.idle),
		widget.NewFormItem(lang.L("Pause above (°C)"), s.temp),
		widget.NewFormItem(lang.L("Model storage quota (GB)"), s.quota),
		widget.NewFormItem(lang.L("Programs that never pause earning"), s.allow),
		widget.NewFormItem(lang.L("Programs that always pause earning"), s.block),
		widget.NewFormItem(lang.L("Language"), s.language),
	)
	schedule := widget.NewCard(lang.L("Weekly schedule"), lang.L("Tap an hour to change it: earn when I am away, never, or always"),
		container.NewVBox(s.schedule, scheduleLegend()))
	downloads := widget.NewCard(lang.L("Model downloads"), lang.L("If downloads fail behind a firewall, set a proxy or a Hugging Face mirror"), widget.NewForm(
		widget.NewFormItem(lang.L("Proxy"), s.proxy),
		widget.NewFormItem(lang.L("Hugging Face mirror"), s.mirror),
		widget.NewFormItem(lang.L("Bandwidth limit (MB/s)"), s.limit),
	))
	network := widget.NewCard(lang.L("Network"), "", container.NewVBox(s.network,
		container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Use this file"), func() { a.network(s.networkFile.Text) }), s.networkFile),
		s.autoRejoin,
		wrapped(lang.L("Leaving takes the node out for good: it finishes a task in progress, then the stake and the fees owed come back to this node's wallet.")),
		container.NewHBox(layout.NewSpacer(), widget.NewButton(lang.L("Join the network"), a.join), widget.NewButton(lang.L("Leave the network…"), a.leave))))
	wallet := widget.NewCard(lang.L("Wallet"), "", container.NewVBox(
		container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() { a.copy(s.address.Text) }), s.address),
		widget.NewForm(
			widget.NewFormItem(lang.L("Withdrawal address"), s.payout),
			widget.NewFormItem(lang.L("New withdrawal address"), container.NewBorder(nil, nil, nil, s.setPayout, s.newPayout))),
		s.payoutWhy,
		s.pendingBox,
		widget.NewForm(widget.NewFormItem(lang.L("Amount (wei, or all)"), s.withdrawWhat)),
		container.NewHBox(layout.NewSpacer(), widget.NewButton(lang.L("Back up wallet…"), a.backup), s.withdrawButton),
	))
	s.content = container.NewBorder(nil, container.NewVBox(s.status, container.NewHBox(layout.NewSpacer(), save)), nil, nil,
		container.NewVScroll(container.NewVBox(policyForm, s.autostart, s.headless, schedule, downloads, network, wallet)))
	return s
}

// showPayout shows the withdrawal address.
func (s *settingsTab) showPayout(vm WithdrawalVM) {
	s.payout.SetText(vm.Address)
	s.payoutWhy.SetText(vm.Why)
	s.pending.SetText(vm.Pending)
	if vm.Pending == "" {
		s.pendingBox.Hide()
	} else {
		s.pendingBox.Show()
	}
	s.setPayout.SetText(vm.SetLabel)
	s.newPayout.SetPlaceHolder(vm.Placeholder)
	s.payoutSet = vm.Set
	if vm.Set {
		s.withdrawButton.Enable()
	} else {
		s.withdrawButton.Disable()
	}
}

// load shows the daemon's settings.
func (s *settingsTab) load(set api.Settings) {
	if set.IdleMinutes != nil {
		s.idle.SetText(strconv.Itoa(*set.IdleMinutes))
	}
	if set.TempLimitC != nil {
		s.temp.SetText(strconv.Itoa(int(*set.TempLimitC)))
	}
	if set.QuotaGB != nil {
		s.quota.SetText(strconv.Itoa(*set.QuotaGB))
	}
	if set.Schedule != nil {
		s.schedule.set(*set.Schedule)
	}
	if set.Allow != nil {
		s.allow.SetText(strings.Join(*set.Allow, "\n"))
	}
	if set.Block != nil {
		s.block.SetText(strings.Join(*set.Block, "\n"))
	}
	if set.Autostart != nil {
		s.autostart.SetChecked(*set.Autostart)
	}
	if set.AutoRejoin != nil {
		s.autoRejoin.SetChecked(*set.AutoRejoin)
	}
	if set.Headless != nil {
		s.headless.SetChecked(*set.Headless)
	}
	if set.Proxy != nil {
		s.proxy.SetText(*set.Proxy)
	}
	if set.HFEndpoint != nil {
		s.mirror.SetText(*set.HFEndpoint)
	}
	if set.DownloadLimitMBps != nil {
		s.limit.SetText(strconv.FormatFloat(*set.DownloadLimitMBps, 'f', -1, 64))
	}
	if set.Language != nil {
		for i, l := range languages {
			if l == *set.Language {
				s.language.SetSelectedIndex(i)
			}
		}
	}
}

// collect reads the form; numbers that are not numbers are caught here,
// ranges by the daemon.
func (s *settingsTab) collect() (api.Settings, error) {
	num := func(label, text string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return 0, fmt.Errorf("%s", lang.L("{{.Field}}: not a whole number", map[string]any{"Field": label}))
		}
		return v, nil
	}
	idle, err := num(lang.L("Minutes away before earning"), s.idle.Text)
	if err != nil {
		return api.Settings{}, err
	}
	temp, err := num(lang.L("Pause above (°C)"), s.temp.Text)
	if err != nil {
		return api.Settings{}, err
	}
	quota, err := num(lang.L("Model storage quota (GB)"), s.quota.Text)
	if err != nil {
		return api.Settings{}, err
	}
	if temp < 0 {
		temp = 0
	}
	limit := 0.0
	if t := strings.TrimSpace(s.limit.Text); t != "" {
		if limit, err = strconv.ParseFloat(t, 64); err != nil {
			return api.Settings{}, fmt.Errorf("%s", lang.L("{{.Field}}: not a number", map[string]any{"Field": lang.L("Bandwidth limit (MB/s)")}))
		}
	}
	proxy, mirror := strings.TrimSpace(s.proxy.Text), strings.TrimSpace(s.mirror.Text)
	t := uint32(temp)
	sched := s.schedule.get()
	allow, block := lines(s.allow.Text), lines(s.block.Text)
	auto, headless, rejoin := s.autostart.Checked, s.headless.Checked, s.autoRejoin.Checked
	language := ""
	if i := s.language.SelectedIndex(); i > 0 {
		language = languages[i]
	}
	return api.Settings{IdleMinutes: &idle, TempLimitC: &t, QuotaGB: &quota, Schedule: &sched, Allow: &allow, Block: &block,
		Autostart: &auto, Headless: &headless, Language: &language, Proxy: &proxy, HFEndpoint: &mirror, DownloadLimitMBps: &limit, AutoRejoin: &rejoin}, nil
}

func lines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ---------------------------------------------------------------- schedule

// scheduleGrid is the week as 7 rows of 24 hours; a tap cycles an hour
// through when away (0), never (1) and always (2).
type scheduleGrid struct {
	widget.BaseWidget
	week [7][24]uint8
}

func newScheduleGrid() *scheduleGrid {
	g := &scheduleGrid{}
	g.ExtendBaseWidget(g)
	return g
}

func (g *scheduleGrid) set(w [7][24]uint8) { g.week = w; g.Refresh() }
func (g *scheduleGrid) get() [7][24]uint8  { return g.week }

const scheduleDayWidth = 44

// cell returns the day and hour under a point, if any.
func (g *scheduleGrid) cell(p fyne.Position) (day, hour int, ok bool) {
	size := g.Size()
	cw, ch := (size.Width-scheduleDayWidth)/24, size.Height/7
	if p.X < scheduleDayWidth || cw <= 0 || ch <= 0 {
		return 0, 0, false
	}
	day, hour = int(p.Y/ch), int((p.X-scheduleDayWidth)/cw)
	return day, hour, day >= 0 && day < 7 && hour >= 0 && hour < 24
}

func (g *scheduleGrid) Tapped(e *fyne.PointEvent) {
	if d, h, ok := g.cell(e.Position); ok {
		g.week[d][h] = (g.week[d][h] + 1) % 3
		g.Refresh()
	}
}

func scheduleColor(v uint8) color.Color {
	switch v {
	case 1:
		return theme.Color(theme.ColorNameDisabled)
	case 2:
		return theme.Color(theme.ColorNamePrimary)
	}
	return theme.Color(theme.ColorNameInputBackground)
}

func dayNames() [7]string {
	return [7]string{lang.L("Sun"), lang.L("Mon"), lang.L("Tue"), lang.L("Wed"), lang.L("Thu"), lang.L("Fri"), lang.L("Sat")}
}

func (g *scheduleGrid) CreateRenderer() fyne.WidgetRenderer {
	r := &scheduleRenderer{g: g}
	for d, name := range dayNames() {
		t := canvas.NewText(name, theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.CaptionTextSize()
		r.days[d] = t
		for h := range 24 {
			r.cells[d][h] = canvas.NewRectangle(scheduleColor(g.week[d][h]))
		}
	}
	return r
}

type scheduleRenderer struct {
	g     *scheduleGrid
	days  [7]*canvas.Text
	cells [7][24]*canvas.Rectangle
}

func (r *scheduleRenderer) Layout(size fyne.Size) {
	cw, ch := (size.Width-scheduleDayWidth)/24, size.Height/7
	for d := range 7 {
		r.days[d].Move(fyne.NewPos(0, float32(d)*ch+2))
		for h := range 24 {
			c := r.cells[d][h]
			c.Move(fyne.NewPos(scheduleDayWidth+float32(h)*cw+1, float32(d)*ch+1))
			c.Resize(fyne.NewSize(cw-2, ch-2))
		}
	}
}

func (r *scheduleRenderer) MinSize() fyne.Size { return fyne.NewSize(scheduleDayWidth+24*14, 7*18) }

func (r *scheduleRenderer) Refresh() {
	for d := range 7 {
		for h := range 24 {
			r.cells[d][h].FillColor = scheduleColor(r.g.week[d][h])
			r.cells[d][h].Refresh()
		}
	}
}

func (r *scheduleRenderer) Objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for d := range 7 {
		out = append(out, r.days[d])
		for h := range 24 {
			out = append(out, r.cells[d][h])
		}
	}
	return out
}

func (r *scheduleRenderer) Destroy() {}

func scheduleLegend() fyne.CanvasObject {
	item := func(v uint8, text string) fyne.CanvasObject {
		sw := canvas.NewRectangle(scheduleColor(v))
		sw.SetMinSize(fyne.NewSize(14, 14))
		return container.NewHBox(container.NewCenter(sw), widget.NewLabel(text))
	}
	return container.NewHBox(item(0, lang.L("when I am away")), item(1, lang.L("never")), item(2, lang.L("always")))
}
