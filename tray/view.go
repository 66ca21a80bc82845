package tray

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// View is what the tray shows: a pure function of the daemon's status.
type View struct {
	State   State
	Status  string // the status line: the state with its reason
	Today   string // "Today: 0.12 HYD"
	Tooltip string
	// Download is the model download under way, in words ("" for none).
	Download string
	// AddressChange is a pending change of the withdrawal address in
	// words ("" for none). It needs the owner's eye: software on this
	// computer may have asked for it, so the tray shows it, with its
	// cancel, until it applies or is cancelled.
	AddressChange string
	// The actions that make sense now.
	CanEarnNow, CanPause, CanResume bool
	CanCancelAddressChange          bool
}

// Icon is the state the tray's icon shows: a pending change of the
// withdrawal address needs the owner's attention whatever the node does.
func (v View) Icon() State {
	if v.AddressChange != "" {
		return Problem
	}
	return v.State
}

// AddressChangeText says when the withdrawal address changes, and to
// what.
func AddressChangeText(c api.AddressChange, now time.Time) string {
	return lang.L("Withdrawal address changes on {{.Time}} to {{.Address}}", map[string]any{"Time": When(c.Effective, now), "Address": c.Address})
}

// ViewOf builds the tray's view. st is nil while the daemon does not
// answer (err says why); todayWei is what was earned since midnight.
func ViewOf(st *api.Status, err error, todayWei string, now time.Time) View {
	v := View{Today: lang.L("Today: {{.Amount}}", map[string]any{"Amount": Tokens(todayWei)})}
	switch {
	case st == nil:
		v.State, v.Status = Problem, lang.L("The node service is not running")
		if err != nil && api.IsCode(err, api.CodeForbidden) {
			v.Status = ErrorText(err)
		}
		v.Today = ""
	case st.State == api.StateSetup:
		v.State, v.Status = Problem, NodeText(st.State, st.Reason)
	case st.State == api.NodeError || st.State == api.NodeWaitingForFunds || st.State == api.NodeStopped || st.State == api.NodeQuitting ||
		st.Reason == api.ReasonKicked || st.Reason == api.ReasonSlashed || st.Reason == api.ReasonLeaving || st.Reason == api.ReasonLeft:
		v.State, v.Status = Problem, NodeText(st.State, st.Reason)
	case st.Decision.Reason == api.PauseOverride:
		v.State, v.Status = Paused, DecisionText(st.Decision, now)
		v.CanResume, v.CanEarnNow = true, true
	case st.Decision.Earn:
		v.State, v.Status = Earning, DecisionText(st.Decision, now)
		if st.Current != nil {
			v.Status = lang.L("Earning: {{.Kind}} task in progress", map[string]any{"Kind": KindText(st.Current.Kind)})
		}
		v.CanPause = true
		v.CanResume = st.Decision.Reason == api.EarnOverride
	default:
		v.State, v.Status = Waiting, DecisionText(st.Decision, now)
		v.CanEarnNow, v.CanPause = true, true
	}
	v.Tooltip = "Hydrogen: " + v.Status
	if st != nil && len(st.Downloads) > 0 {
		d := st.Downloads[0]
		v.Download = lang.L("Downloading a model: {{.Progress}}", map[string]any{"Progress": DownloadText(d, now)})
		if n := len(st.Downloads); n > 1 {
			v.Download += " " + lang.L("(and {{.N}} more)", map[string]any{"N": n - 1})
		}
		v.Tooltip += "\n" + v.Download
	}
	if st != nil && st.AddressChange != nil {
		v.AddressChange = AddressChangeText(*st.AddressChange, now)
		v.CanCancelAddressChange = true
		v.Tooltip += "\n" + v.AddressChange + " — " + lang.L("not you? Cancel it from this menu")
	}
	return v
}

// KindText names a task kind.
func KindText(kind string) string {
	switch kind {
	case "image":
		return lang.L("image")
	case "text":
		return lang.L("text")
	}
	return kind
}

// TomorrowMorning is when "Pause until tomorrow" ends: 08:00 the next day.
func TomorrowMorning(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 8, 0, 0, 0, now.Location())
}

// TodayWei sums the hourly buckets since local midnight.
func TodayWei(hours []api.Bucket, now time.Time) string {
	y, m, d := now.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	sum := new(bigInt)
	for _, b := range hours {
		if !b.Start.Before(midnight) {
			sum.add(b.Earned)
		}
	}
	return sum.String()
}
