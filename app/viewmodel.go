package app

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
	"github.com/hydrogen-network/hydrogen/tray"
)

// View models: pure functions from the API's snapshots to what the
// widgets show. The widgets only copy these values.

// DashboardVM is the Dashboard tab.
type DashboardVM struct {
	Title    string  // the state in words
	Reason   string  // why
	Task     string  // the task being run, "" for none
	Progress float64 // 0..1 of the task's phases; <0 for none
	GPUName  string
	VRAM     string
	Util     string
	Temp     string
	Power    string
	Today    string
	Total    string
	Next     Action // the next action the owner can take
	// Notice is a pending change of the withdrawal address, which the
	// owner can cancel from the dashboard ("" for none).
	Notice string
}

// Action is a button the owner may press.
type Action struct {
	Label string
	Do    api.Control // Action "" for none
}

// phaseProgress is how far a task is at each phase.
var phaseProgress = map[string]float64{"received": 0.1, "downloading": 0.15, "running": 0.3, "fetched": 0.2, "computed": 0.6, "committed": 0.7, "disclosed": 0.85, "uploading": 0.95}

// Dashboard builds the Dashboard's view model.
func Dashboard(st *api.Status, connErr error, totals *api.Totals, todayWei string, now time.Time) DashboardVM {
	v := tray.ViewOf(st, connErr, todayWei, now)
	vm := DashboardVM{Title: v.State.Label(), Reason: v.Status, Progress: -1, Today: tokensOrDash(todayWei, st != nil)}
	if st == nil {
		vm.Reason = tray.ErrorText(connErr)
		if connErr == nil {
			vm.Reason = lang.L("Connecting to the node service…")
		}
	}
	if totals != nil {
		vm.Total = tray.Tokens(totals.Earned)
	} else {
		vm.Total = "—"
	}
	if st != nil && st.Current != nil {
		c := st.Current
		vm.Task = lang.L("Task {{.ID}}: {{.Kind}}", map[string]any{"ID": c.ID, "Kind": tray.KindText(c.Kind)})
		if c.Model != "" {
			vm.Task += " · " + c.Model
		}
		vm.Task += " · " + phaseText(c.Phase)
		if p, ok := phaseProgress[c.Phase]; ok {
			vm.Progress = p
		}
	}
	if st != nil && st.Current == nil && st.Waiting != nil {
		vm.Task = WaitingText(*st.Waiting)
	}
	if st != nil && st.AddressChange != nil {
		vm.Notice = tray.AddressChangeText(*st.AddressChange, now) + ". " + lang.L("Not you? Software on this computer may be trying to redirect your earnings: cancel it.")
	}
	vm.GPUName, vm.VRAM, vm.Util, vm.Temp, vm.Power = "—", "—", "—", "—", "—"
	if st != nil && st.GPU != nil {
		g := st.GPU
		if g.Problem != "" || g.Error != "" {
			vm.GPUName = tray.GPUText(g.Problem, g.Error)
		} else {
			vm.GPUName = g.Name
			if g.HasMemory {
				vm.VRAM = fmt.Sprintf("%s / %s", tray.Size(int64(g.MemoryUsed)), tray.Size(int64(g.MemoryTotal)))
			}
			if g.HasUtil {
				vm.Util = fmt.Sprintf("%d %%", g.Utilization)
			}
			if g.HasTemp {
				vm.Temp = fmt.Sprintf("%d °C", g.TempC)
			}
			if g.HasPower {
				vm.Power = fmt.Sprintf("%.0f W", g.PowerW)
			}
		}
	}
	switch {
	case v.CanResume:
		vm.Next = Action{Label: lang.L("Resume"), Do: api.Control{Action: api.ActionResume}}
	case v.CanEarnNow:
		vm.Next = Action{Label: lang.L("Earn now"), Do: api.Control{Action: api.ActionEarnNow}}
	case v.CanPause:
		vm.Next = Action{Label: lang.L("Pause for 1 hour"), Do: api.Control{Action: api.ActionPauseFor, Duration: api.Duration(time.Hour)}}
	case st != nil && st.State == api.StateSetup:
		vm.Next = Action{Label: lang.L("Finish setting up")}
	}
	return vm
}

// WaitingText says why an available node has no task yet.
func WaitingText(w api.Waiting) string {
	if w.Proven {
		return lang.L("Waiting for a task: {{.Ready}} nodes are ready for the tasks this card can run; each task draws three", map[string]any{"Ready": w.Ready})
	}
	return lang.L("Waiting for a first task: one seat of every task is drawn from all {{.Ready}} ready nodes; the first validated task proves your models and brings more", map[string]any{"Ready": w.Ready})
}

func tokensOrDash(wei string, ok bool) string {
	if !ok {
		return "—"
	}
	return tray.Tokens(wei)
}

func phaseText(p string) string {
	switch p {
	case "received":
		return lang.L("received")
	case "downloading":
		return lang.L("downloading its model")
	case "running", "fetched":
		return lang.L("computing")
	case "computed":
		return lang.L("computed")
	case "committed":
		return lang.L("committed")
	case "disclosed":
		return lang.L("disclosed")
	case "uploading":
		return lang.L("uploading the result")
	}
	return p
}

// Bar is one bar of a chart.
type Bar struct {
	Label string  // under the bar; "" to leave it out
	Value float64 // 0..1 of the tallest
	Text  string  // the amount, for the tooltip and tests
}

// EarningsVM is the Earnings tab.
type EarningsVM struct {
	Hours, Days     []Bar
	HourMax, DayMax string // the scale: the tallest bar's amount
	Total, Tasks    string
	ByOutcome       string
	Rows            []TaskRow
}

// TaskRow is one row of the task ledger.
type TaskRow struct {
	Time, Kind, Model, Duration, Fee, Outcome, Audit, Reason, Tx string
}

// Earnings builds the Earnings tab's view model. The ledger shows the
// tasks and the money moved outside them (stake, withdrawals), newest
// first.
func Earnings(hours, days []api.Bucket, tasks []api.Task, account []api.AccountEntry, totals api.Totals, loc *time.Location) EarningsVM {
	vm := EarningsVM{Total: tray.Tokens(totals.Earned), Tasks: fmt.Sprint(totals.Tasks)}
	// Every 6th hour and every 7th day is labelled, counting back from now.
	vm.Hours, vm.HourMax = bars(hours, 6, func(t time.Time) string { return t.In(loc).Format(lang.L("15h")) })
	vm.Days, vm.DayMax = bars(days, 7, func(t time.Time) string { return t.In(loc).Format(lang.L("Jan 2")) })
	var outcomes []string
	for o, n := range totals.ByOutcome {
		outcomes = append(outcomes, fmt.Sprintf("%s %d", OutcomeText(o), n))
	}
	slices.Sort(outcomes)
	vm.ByOutcome = strings.Join(outcomes, " · ")
	type dated struct {
		at  time.Time
		row TaskRow
	}
	var rows []dated
	for _, t := range tasks {
		at := t.Times["received_at"]
		rows = append(rows, dated{at, taskRow(t, loc)})
	}
	for _, a := range account {
		rows = append(rows, dated{a.At, moveRow(a, loc)})
	}
	slices.SortStableFunc(rows, func(a, b dated) int { return b.at.Compare(a.at) })
	for _, r := range rows {
		vm.Rows = append(vm.Rows, r.row)
	}
	return vm
}

// moveRow is a money movement as a ledger row: what moved in Type, the
// amount in Fee (negative when it left the wallet), why in Reason.
func moveRow(a api.AccountEntry, loc *time.Location) TaskRow {
	r := TaskRow{Time: a.At.In(loc).Format(lang.L("Jan 2 15:04:05")), Kind: MoveText(a.Move), Fee: tray.Tokens(a.Amount), Duration: "—", Outcome: "—", Audit: "—", Tx: a.Tx}
	switch a.Move {
	case api.MoveStaked, api.MoveSent:
		r.Fee = "-" + r.Fee
	case api.MoveQuit:
		r.Fee = "—"
	}
	switch {
	case a.Move == api.MoveSent:
		r.Reason = lang.L("to {{.Address}}", map[string]any{"Address": a.Detail})
	case a.Move == api.MoveRemoved && a.Detail == "slashed":
		r.Reason, r.Fee = lang.L("a result disagreed with the others: the stake was lost"), "—"
	case a.Move == api.MoveRemoved:
		r.Reason, r.Fee = lang.L("the QoS score fell too low: the stake was returned"), "—"
	}
	return r
}

// MoveText names a money movement.
func MoveText(m string) string {
	switch m {
	case api.MoveStaked:
		return lang.L("stake")
	case api.MoveQuit:
		return lang.L("left")
	case api.MoveRemoved:
		return lang.L("removed")
	case api.MoveStakeReturned:
		return lang.L("stake back")
	case api.MoveFeesClaimed:
		return lang.L("fees claimed")
	case api.MoveSent:
		return lang.L("sent")
	}
	return m
}

func bars(bs []api.Bucket, every int, label func(time.Time) string) ([]Bar, string) {
	vals := make([]*big.Int, len(bs))
	top := new(big.Int)
	for i, b := range bs {
		v, ok := new(big.Int).SetString(b.Earned, 10)
		if !ok || v.Sign() < 0 {
			v = new(big.Int)
		}
		vals[i] = v
		if v.Cmp(top) > 0 {
			top = v
		}
	}
	out := make([]Bar, len(bs))
	for i, b := range bs {
		out[i] = Bar{Text: tray.Tokens(vals[i].String())}
		if (len(bs)-1-i)%every == 0 {
			out[i].Label = label(b.Start)
		}
		if top.Sign() > 0 {
			f, _ := new(big.Rat).SetFrac(vals[i], top).Float64()
			out[i].Value = f
		}
	}
	return out, tray.Tokens(top.String())
}

func taskRow(t api.Task, loc *time.Location) TaskRow {
	r := TaskRow{Kind: tray.KindText(t.Kind), Outcome: OutcomeText(t.Outcome), Audit: AuditText(t.Role, t.Audit), Reason: tray.TaskReasonText(t.Reason, time.Now()), Fee: tray.Tokens(t.Earned), Duration: "—"}
	if t.Lost != "" && t.Lost != "0" {
		r.Fee = "-" + tray.Tokens(t.Lost)
	}
	at := t.Times["received_at"]
	if !at.IsZero() {
		r.Time = at.In(loc).Format(lang.L("Jan 2 15:04:05"))
	}
	if end := t.Times["settled_at"]; !end.IsZero() && !at.IsZero() {
		r.Duration = end.Sub(at).Round(100 * time.Millisecond).String()
	}
	if len(t.Models) > 0 {
		r.Model = t.Models[0]
		if len(r.Model) == 66 && strings.HasPrefix(r.Model, "0x") {
			r.Model = r.Model[:10] + "…" // a hash the daemon could not name
		}
	}
	for _, k := range []string{"disclose", "result", "commit", "yield"} {
		if h := t.Txs[k]; h != "" {
			r.Tx = h
			break
		}
	}
	if r.Tx == "" {
		for _, h := range t.Txs {
			r.Tx = h
			break
		}
	}
	return r
}

// OutcomeText names a ledger outcome.
func OutcomeText(o string) string {
	switch o {
	case "paid":
		return lang.L("paid")
	case "slashed":
		return lang.L("slashed")
	case "unpaid":
		return lang.L("not paid (late)")
	case "yielded":
		return lang.L("handed back")
	case "failed":
		return lang.L("failed")
	case "aborted":
		return lang.L("aborted")
	case "pending":
		return lang.L("in progress")
	}
	return o
}

// AuditText says in which seat the node worked on a task and what an
// audit found about its score: "—" for a task of its own that was not
// audited.
func AuditText(role, audit string) string {
	var found string
	switch audit {
	case "":
		if role != api.TaskRoleAuditor {
			return "—"
		}
	case api.TaskAuditRight:
		found = lang.L("confirmed")
	case api.TaskAuditWrong:
		found = lang.L("clearly differed")
	case api.TaskAuditUnsettled:
		found = lang.L("no verdict")
	case api.TaskAuditSilent:
		found = lang.L("never disclosed")
	case api.TaskAuditReleased:
		found = lang.L("released early")
	default:
		found = audit
	}
	seat := lang.L("audited")
	if role == api.TaskRoleAuditor {
		seat = lang.L("as auditor")
	}
	if found == "" {
		return seat
	}
	return seat + " · " + found
}

// ModelsVM is the Models tab.
type ModelsVM struct {
	Used      string  // "1.2 GiB of 100 GiB"
	Fraction  float64 // of the quota
	Rows      []ModelRow
	Empty     string // shown when there are no models
	Downloads []DownloadRow
}

// DownloadRow is a model download.
type DownloadRow struct {
	ID, Text string
	Fraction float64 // 0..1; -1 while the size is unknown
	Active   bool    // queued or downloading
	Failed   bool
}

// Downloads builds the rows of model downloads.
func Downloads(ds []api.Download, now time.Time) []DownloadRow {
	var rows []DownloadRow
	for _, d := range ds {
		rows = append(rows, DownloadRow{
			ID: d.ID, Text: tray.DownloadText(d, now), Fraction: tray.DownloadFraction(d),
			Active: d.State == api.DownloadQueued || d.State == api.DownloadRunning, Failed: d.State == api.DownloadFailed,
		})
	}
	return rows
}

// ModelRow is one model.
type ModelRow struct {
	ID, Size, LastUsed, Tasks string
	InUse                     bool
}

// Models builds the Models tab's view model.
func Models(m api.Models, now time.Time) ModelsVM {
	vm := ModelsVM{Used: lang.L("{{.Used}} of {{.Quota}}", map[string]any{"Used": tray.Size(m.UsedBytes), "Quota": tray.Size(m.QuotaBytes)})}
	if m.QuotaBytes > 0 {
		vm.Fraction = min(1, float64(m.UsedBytes)/float64(m.QuotaBytes))
	}
	for _, x := range m.Models {
		r := ModelRow{ID: x.ID, Size: tray.Size(x.Bytes), Tasks: fmt.Sprint(x.Tasks), InUse: x.InUse, LastUsed: "—"}
		if !x.LastUsed.IsZero() {
			r.LastUsed = lang.L("{{.Ago}} ago", map[string]any{"Ago": tray.Ago(now.Sub(x.LastUsed))})
		}
		vm.Rows = append(vm.Rows, r)
	}
	if len(vm.Rows) == 0 {
		vm.Empty = lang.L("No models on this computer yet. The network tells the node which to download.")
	}
	vm.Downloads = Downloads(m.Downloads, now)
	return vm
}

// NetworkVM is the Network tab: label and value pairs.
type NetworkVM struct {
	Rows []Row
}

// Row is a label and its value.
type Row struct{ Label, Value string }

// Network builds the Network tab's view model.
func Network(n *api.Network, w *api.Wallet, err error) NetworkVM {
	if n == nil {
		return NetworkVM{Rows: []Row{{lang.L("Network"), tray.ErrorText(err)}}}
	}
	chain := lang.L("block {{.Block}}, {{.Latency}} ms", map[string]any{"Block": n.Block, "Latency": time.Duration(n.Latency).Milliseconds()})
	if n.ChainError != "" {
		chain = lang.L("not answering: {{.Error}}", map[string]any{"Error": n.ChainError})
	}
	relay := lang.L("reachable")
	if !n.RelayOK {
		relay = lang.L("not answering: {{.Error}}", map[string]any{"Error": n.RelayError})
	}
	vm := NetworkVM{Rows: []Row{
		{lang.L("Network"), fmt.Sprintf("%s (chain %s)", n.Name, n.ChainID)},
		{lang.L("Chain endpoint"), n.RPC},
		{lang.L("Chain"), chain},
		{lang.L("Relay"), n.Relay + " — " + relay},
		{lang.L("Nodes in the network"), lang.L("{{.Nodes}} ({{.Ready}} ready for a task now)", map[string]any{"Nodes": n.Nodes, "Ready": n.Available})},
	}}
	if w != nil {
		vm.Rows = append(vm.Rows,
			Row{lang.L("This node"), w.Address},
			Row{lang.L("On-chain state"), NodeStateText(w.State)},
			Row{lang.L("Stake"), tray.Tokens(w.Stake)},
			Row{lang.L("QoS score"), fmt.Sprintf("%.1f %%", float64(w.QoS)/100)},
			Row{lang.L("Wallet balance"), tray.Tokens(w.Balance)},
			Row{lang.L("Fees to withdraw"), tray.Tokens(w.Owed)},
		)
	}
	return vm
}

// NodeStateText names the node's state on chain.
func NodeStateText(s string) string {
	switch s {
	case "available":
		return lang.L("available")
	case "busy":
		return lang.L("busy")
	case "paused":
		return lang.L("paused")
	case "quit":
		return lang.L("not in the network")
	}
	return s
}

// WithdrawalVM is the withdrawal address in the Settings tab's Wallet
// card.
type WithdrawalVM struct {
	Address     string // the address, or why there is none
	Set         bool   // an address is set: withdrawals can go there
	Why         string // why a change waits, in one line
	Pending     string // a pending change in words, "" for none
	CanCancel   bool
	SetLabel    string // the button that sets or changes it
	Placeholder string // in the entry for a new one
}

// Withdrawal builds the withdrawal address's view model; wa is nil when
// it could not be read (err says why).
func Withdrawal(wa *api.WithdrawalAddress, err error, now time.Time) WithdrawalVM {
	vm := WithdrawalVM{SetLabel: lang.L("Set"), Placeholder: lang.L("0x… the address of a wallet of yours")}
	if wa == nil {
		vm.Address = tray.ErrorText(err)
		return vm
	}
	delay := tray.Ago(time.Duration(wa.Delay))
	vm.Why = lang.L("Withdrawals go only to this address. A change applies {{.Delay}} after it is asked for and shows in the tray meanwhile, so that software on this computer cannot send your earnings elsewhere.", map[string]any{"Delay": delay})
	if wa.Address == "" {
		vm.Address = lang.L("Not set yet: nothing can be withdrawn until you set it")
		return vm
	}
	vm.Address, vm.Set = wa.Address, true
	vm.SetLabel, vm.Placeholder = lang.L("Change…"), lang.L("0x… a new address (applies after the delay)")
	if c := wa.Pending; c != nil {
		vm.Pending = tray.AddressChangeText(*c, now) + ". " + lang.L("Until then withdrawals go to the current address. Not you? Cancel it.")
		vm.CanCancel = true
	}
	return vm
}
