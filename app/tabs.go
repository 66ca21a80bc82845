package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"slices"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/tray"
)

// heading is a bold line.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// ---------------------------------------------------------------- dashboard

type dashTab struct {
	content                      fyne.CanvasObject
	icon                         *widget.Icon
	title, reason, task          *widget.Label
	progress                     *widget.ProgressBar
	gpu, vram, util, temp, power *widget.Label
	today, total                 *widget.Label
	next                         *widget.Button
	act                          api.Control
	notice                       *widget.Label  // a pending change of the withdrawal address
	cancelChange                 *widget.Button // cancels it
	noticeBox                    *fyne.Container
}

func newDashTab(do func(api.Control), cancelChange func()) *dashTab {
	d := &dashTab{
		icon: widget.NewIcon(nil), title: heading(""), reason: wrapped(""), task: widget.NewLabel(""),
		progress: widget.NewProgressBar(),
		gpu:      widget.NewLabel(""), vram: widget.NewLabel(""), util: widget.NewLabel(""), temp: widget.NewLabel(""), power: widget.NewLabel(""),
		today: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		total: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.next = widget.NewButton("", func() {
		if d.act.Action != "" {
			do(d.act)
		}
	})
	d.next.Importance = widget.HighImportance
	d.notice = wrapped("")
	d.notice.Importance = widget.DangerImportance
	d.cancelChange = widget.NewButtonWithIcon(lang.L("Cancel the change"), theme.CancelIcon(), cancelChange)
	d.cancelChange.Importance = widget.DangerImportance
	d.noticeBox = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewCenter(d.cancelChange), d.notice)
	d.noticeBox.Hide()
	state := container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(48, 48), d.icon)), nil,
		container.NewVBox(d.title, d.reason))
	taskCard := widget.NewCard(lang.L("Current task"), "", container.NewVBox(d.task, d.progress))
	gpuCard := widget.NewCard(lang.L("GPU"), "", container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Card")), d.gpu,
		widget.NewLabel(lang.L("VRAM used")), d.vram,
		widget.NewLabel(lang.L("Utilization")), d.util,
		widget.NewLabel(lang.L("Temperature")), d.temp,
		widget.NewLabel(lang.L("Power")), d.power,
	))
	earnCard := widget.NewCard(lang.L("Earnings"), "", container.NewGridWithColumns(2,
		container.NewVBox(widget.NewLabel(lang.L("Today")), d.today),
		container.NewVBox(widget.NewLabel(lang.L("All time")), d.total),
	))
	d.content = container.NewVScroll(container.NewVBox(d.noticeBox, state, container.NewHBox(layout.NewSpacer(), d.next), taskCard, gpuCard, earnCard))
	return d
}

func (d *dashTab) show(vm DashboardVM, state tray.State) {
	if icon, err := state.Icon(); err == nil {
		d.icon.SetResource(fyne.NewStaticResource("state.png", icon))
	}
	d.title.SetText(vm.Title)
	d.reason.SetText(vm.Reason)
	if vm.Task == "" {
		d.task.SetText(lang.L("No task right now"))
		d.progress.Hide()
	} else {
		d.task.SetText(vm.Task)
		d.progress.SetValue(vm.Progress)
		d.progress.Show()
	}
	d.gpu.SetText(vm.GPUName)
	d.vram.SetText(vm.VRAM)
	d.util.SetText(vm.Util)
	d.temp.SetText(vm.Temp)
	d.power.SetText(vm.Power)
	d.today.SetText(vm.Today)
	d.total.SetText(vm.Total)
	d.notice.SetText(vm.Notice)
	if vm.Notice == "" {
		d.noticeBox.Hide()
	} else {
		d.noticeBox.Show()
	}
	d.act = vm.Next.Do
	if vm.Next.Label == "" {
		d.next.Hide()
	} else {
		d.next.SetText(vm.Next.Label)
		d.next.Show()
		if vm.Next.Do.Action == "" {
			d.next.Disable()
		} else {
			d.next.Enable()
		}
	}
}

// ---------------------------------------------------------------- earnings

type earningsTab struct {
	content           fyne.CanvasObject
	hours, days       *barChart
	total, tasks, out *widget.Label
	table             *widget.Table
	rows              []TaskRow
	detail            *widget.Label
	copyTx            *widget.Button
	selected          string
	errText           *widget.Label
}

var taskColumns = []struct {
	title func() string
	width float32
	get   func(TaskRow) string
}{
	{func() string { return lang.L("Time") }, 150, func(r TaskRow) string { return r.Time }},
	{func() string { return lang.L("Type") }, 160, func(r TaskRow) string { return r.Kind }},
	{func() string { return lang.L("Model") }, 250, func(r TaskRow) string { return r.Model }},
	{func() string { return lang.L("Duration") }, 80, func(r TaskRow) string { return r.Duration }},
	{func() string { return lang.L("Fee") }, 100, func(r TaskRow) string { return r.Fee }},
	{func() string { return lang.L("Outcome") }, 130, func(r TaskRow) string { return r.Outcome }},
	{func() string { return lang.L("Audit") }, 280, func(r TaskRow) string { return r.Audit }},
	{func() string { return lang.L("Reason") }, 200, func(r TaskRow) string { return r.Reason }},
	{func() string { return lang.L("Transaction") }, 160, func(r TaskRow) string { return r.Tx }},
}

func newEarningsTab(clip func(string)) *earningsTab {
	e := &earningsTab{hours: newBarChart(), days: newBarChart(), total: widget.NewLabel(""), tasks: widget.NewLabel(""), out: widget.NewLabel(""),
		detail: widget.NewLabel(""), errText: wrapped("")}
	e.detail.Selectable = true
	e.detail.Truncation = fyne.TextTruncateEllipsis
	e.errText.Hide()
	e.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(e.rows), len(taskColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(e.rows) {
				o.(*widget.Label).SetText(taskColumns[id.Col].get(e.rows[id.Row]))
			}
		})
	e.table.ShowHeaderColumn = false
	e.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	e.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(taskColumns[id.Col].title())
		}
	}
	for i, c := range taskColumns {
		e.table.SetColumnWidth(i, c.width)
	}
	e.copyTx = widget.NewButtonWithIcon(lang.L("Copy transaction"), theme.ContentCopyIcon(), func() {
		if e.selected != "" {
			clip(e.selected)
		}
	})
	e.copyTx.Disable()
	e.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(e.rows) {
			return
		}
		r := e.rows[id.Row]
		e.selected = r.Tx
		e.detail.SetText(r.Time + " · " + r.Outcome + " · " + r.Tx)
		if r.Tx != "" {
			e.copyTx.Enable()
		} else {
			e.copyTx.Disable()
		}
	}
	totals := container.NewHBox(widget.NewLabel(lang.L("All time:")), e.total, widget.NewLabel(lang.L("Tasks:")), e.tasks, e.out)
	charts := container.NewGridWithColumns(2,
		widget.NewCard(lang.L("Last 24 hours"), "", e.hours),
		widget.NewCard(lang.L("Last 30 days"), "", e.days))
	top := container.NewVBox(e.errText, charts, totals, heading(lang.L("Task ledger")))
	bottom := container.NewBorder(nil, nil, nil, e.copyTx, e.detail)
	e.content = container.NewBorder(top, bottom, nil, nil, e.table)
	return e
}

func (e *earningsTab) show(vm EarningsVM) {
	e.errText.Hide()
	e.hours.set(vm.Hours, vm.HourMax)
	e.days.set(vm.Days, vm.DayMax)
	e.total.SetText(vm.Total)
	e.tasks.SetText(vm.Tasks)
	e.out.SetText(vm.ByOutcome)
	e.rows = vm.Rows
	e.table.Refresh()
}

func (e *earningsTab) fail(text string) {
	e.errText.SetText(text)
	e.errText.Show()
}

// ---------------------------------------------------------------- models

type modelsTab struct {
	content fyne.CanvasObject
	used    *widget.Label
	bar     *widget.ProgressBar
	list    *fyne.Container
	empty   *widget.Label
	quota   *widget.Entry
	status  *widget.Label
	del     func(id string)

	// Downloads: those under way (from the status stream, live) and the
	// last that ended (from the models list).
	dlHead         *widget.Label
	dlList         *fyne.Container
	active, recent []DownloadRow
	dlRows         map[string]*downloadRow
}

// downloadRow is one download's widgets, kept while it runs so that its
// bar moves instead of being rebuilt.
type downloadRow struct {
	box  *fyne.Container
	bar  *widget.ProgressBar
	inf  *widget.ProgressBarInfinite
	text *widget.Label
}

func newModelsTab(del func(id string), setQuota func(string)) *modelsTab {
	m := &modelsTab{used: widget.NewLabel(""), bar: widget.NewProgressBar(), list: container.NewVBox(), empty: wrapped(""), quota: widget.NewEntry(), status: wrapped(""), del: del}
	m.bar.TextFormatter = func() string { return m.used.Text }
	m.quota.SetPlaceHolder("100")
	save := widget.NewButton(lang.L("Set quota"), func() { setQuota(m.quota.Text) })
	quotaRow := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Storage quota (GB)")), save, m.quota)
	top := container.NewVBox(heading(lang.L("Model storage")), m.bar, quotaRow, m.status)
	m.dlHead, m.dlList, m.dlRows = heading(lang.L("Downloads")), container.NewVBox(), map[string]*downloadRow{}
	m.dlHead.Hide()
	m.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(m.dlHead, m.dlList, heading(lang.L("Models on this computer")), m.empty, m.list)))
	return m
}

// showActive shows the downloads under way.
func (m *modelsTab) showActive(rows []DownloadRow) {
	m.active = rows
	m.showDownloads()
}

func (m *modelsTab) showDownloads() {
	rows := slices.Clone(m.active)
	for _, r := range m.recent {
		if !slices.ContainsFunc(m.active, func(a DownloadRow) bool { return a.ID == r.ID }) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		m.dlHead.Hide()
	} else {
		m.dlHead.Show()
	}
	keep := map[string]*downloadRow{}
	var objs []fyne.CanvasObject
	for _, r := range rows {
		key := r.ID
		if !r.Active {
			key += "\x00ended"
		}
		w := m.dlRows[key]
		if w == nil {
			w = &downloadRow{bar: widget.NewProgressBar(), inf: widget.NewProgressBarInfinite(), text: widget.NewLabel("")}
			w.text.Wrapping = fyne.TextWrapWord
			name := heading(r.ID)
			name.Truncation = fyne.TextTruncateEllipsis // a link's ID is long
			w.box = container.NewVBox(name, w.bar, w.inf, w.text)
		}
		keep[key] = w
		w.text.SetText(r.Text)
		switch {
		case !r.Active:
			w.bar.Hide()
			w.inf.Hide()
			w.inf.Stop()
		case r.Fraction < 0:
			w.bar.Hide()
			w.inf.Show()
		default:
			w.inf.Hide()
			w.inf.Stop()
			w.bar.Show()
			w.bar.SetValue(r.Fraction)
		}
		objs = append(objs, w.box)
	}
	for k, w := range m.dlRows {
		if keep[k] == nil {
			w.inf.Stop()
		}
	}
	m.dlRows = keep
	m.dlList.Objects = objs
	m.dlList.Refresh()
}

func (m *modelsTab) show(vm ModelsVM) {
	m.active, m.recent = nil, nil
	for _, r := range vm.Downloads {
		if r.Active {
			m.active = append(m.active, r)
		} else {
			m.recent = append(m.recent, r)
		}
	}
	m.showDownloads()
	m.used.SetText(vm.Used)
	m.bar.SetValue(vm.Fraction)
	m.empty.SetText(vm.Empty)
	if vm.Empty == "" {
		m.empty.Hide()
	} else {
		m.empty.Show()
	}
	var rows []fyne.CanvasObject
	for _, r := range vm.Rows {
		id := r.ID
		del := widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() { m.del(id) })
		info := lang.L("{{.Size}} · last used {{.Last}} · tasks served: {{.Tasks}}", map[string]any{"Size": r.Size, "Last": r.LastUsed, "Tasks": r.Tasks})
		if r.InUse {
			del.Disable()
			info += " · " + lang.L("in use")
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, del, container.NewVBox(heading(r.ID), widget.NewLabel(info))))
	}
	m.list.Objects = rows
	m.list.Refresh()
}

// ---------------------------------------------------------------- network

type networkTab struct {
	content fyne.CanvasObject
	form    *fyne.Container
}

func newNetworkTab() *networkTab {
	n := &networkTab{form: container.New(layout.NewFormLayout())}
	n.content = container.NewVScroll(container.NewVBox(heading(lang.L("Network status")), n.form))
	return n
}

func (n *networkTab) show(vm NetworkVM) {
	var objs []fyne.CanvasObject
	for _, r := range vm.Rows {
		v := widget.NewLabel(r.Value)
		v.Wrapping = fyne.TextWrapBreak
		v.Selectable = true
		objs = append(objs, widget.NewLabel(r.Label), v)
	}
	n.form.Objects = objs
	n.form.Refresh()
}
