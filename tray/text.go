package tray

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/hydrogen-network/hydrogen/nodecore/api"
)

// The texts here are shared by the tray and the window: what the daemon's
// codes mean to the owner.

// Symbol is the token's symbol.
const Symbol = "HYD"

// Tokens writes a wei amount as tokens with up to 4 decimals ("0.0033
// HYD"); "?" for what is not a number.
func Tokens(wei string) string {
	v, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return "? " + Symbol
	}
	neg := v.Sign() < 0
	v.Abs(v)
	// Round to 1e14 wei (4 decimals).
	unit := big.NewInt(1e14)
	q := new(big.Int).Div(new(big.Int).Add(v, new(big.Int).Div(unit, big.NewInt(2))), unit)
	whole, frac := new(big.Int).DivMod(q, big.NewInt(10000), new(big.Int))
	s := whole.String()
	if frac.Sign() != 0 {
		f := frac.String()
		f = strings.Repeat("0", 4-len(f)) + f
		s += "." + strings.TrimRight(f, "0")
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s + " " + Symbol
}

// Ago writes a duration in the largest whole unit ("3 min", "2 h").
func Ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("{{.N}} s", map[string]any{"N": int(d / time.Second)})
	case d < time.Hour:
		return lang.L("{{.N}} min", map[string]any{"N": int(d / time.Minute)})
	case d < 48*time.Hour:
		return lang.L("{{.N}} h", map[string]any{"N": int(d / time.Hour)})
	}
	return lang.L("{{.N}} days", map[string]any{"N": int(d / (24 * time.Hour))})
}

// DecisionText says in words why the card works or not.
func DecisionText(d api.Decision, now time.Time) string {
	switch d.Reason {
	case api.EarnAway:
		return lang.L("Earning while you are away")
	case api.EarnSchedule:
		return lang.L("Earning: your schedule says always")
	case api.EarnHeadless:
		return lang.L("Earning: this computer runs as a rig")
	case api.EarnOverride:
		return lang.L("Earning now, as you asked")
	case api.EarnFinish:
		return lang.L("Finishing the current task before the scheduled pause")
	case api.PauseUserActive:
		if d.ActiveAgo > 0 && d.AwayAfter > d.ActiveAgo {
			return lang.L("You are using the computer; earning starts {{.Left}} after you leave", map[string]any{"Left": Ago(time.Duration(d.AwayAfter))})
		}
		return lang.L("You are using the computer")
	case api.PauseController:
		return lang.L("A game controller is in use")
	case api.PauseFullScreen:
		return lang.L("A full-screen program is running")
	case api.PauseInhibited:
		return lang.L("A video or call keeps the computer awake")
	case api.PauseForeignGPU:
		if d.Process != "" {
			return lang.L("{{.Process}} is using the GPU", map[string]any{"Process": d.Process})
		}
		return lang.L("Another program is using the GPU")
	case api.PauseTemp:
		return lang.L("The GPU is too hot ({{.Temp}} °C, limit {{.Limit}} °C)", map[string]any{"Temp": d.TempC, "Limit": d.LimitC})
	case api.PauseBattery:
		return lang.L("Running on battery")
	case api.PauseSchedule:
		return lang.L("Your schedule says not now")
	case api.PauseOverride:
		if !d.Until.IsZero() {
			return lang.L("Paused by you until {{.Time}}", map[string]any{"Time": Clock(d.Until, now)})
		}
		return lang.L("Paused by you")
	case api.PauseNoPresence:
		return lang.L("Waiting for the tray to say whether you are here")
	}
	return string(d.Reason)
}

// TaskReasonText says why a task ended as it did for this node, from the
// daemon's reason codes (api.TaskReason); an older ledger's sentence
// shows as it is.
func TaskReasonText(reason string, now time.Time) string {
	codes, detail, ok := api.ParseTaskReason(reason)
	if !ok {
		return reason
	}
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, taskReasonText(c, detail, now))
	}
	return strings.Join(parts, "; ")
}

func taskReasonText(c api.TaskReason, detail string, now time.Time) string {
	d := map[string]any{"Detail": detail}
	switch c {
	case api.TaskSlashedDiffered:
		return lang.L("This node's score clearly differed from the agreed one: the stake was lost")
	case api.TaskSlashedSilent:
		return lang.L("This node committed and never disclosed: part of the stake was lost")
	case api.TaskSeatEmptied:
		return lang.L("This node's seat was emptied before the verdict")
	case api.TaskNoArgumentsPaid:
		return lang.L("The application never provided usable arguments; it paid the nodes a share of the fee")
	case api.TaskNoArguments:
		return lang.L("The application never provided usable arguments")
	case api.TaskNoResult:
		return lang.L("No node recorded the result in time; the fee was refunded")
	case api.TaskRefunded:
		return lang.L("No majority or too few nodes; the fee was refunded")
	case api.TaskInDoubt:
		return lang.L("Close to the agreed result but not within the threshold: unpaid, not slashed")
	case api.TaskMissedDeadline:
		return lang.L("This node did not commit or disclose in time")
	case api.TaskStakeShare:
		return lang.L("Paid a share of the stake slashed from the nodes that were wrong")
	case api.TaskOwnerPresent:
		return lang.L("Handed back before starting: {{.Why}}", map[string]any{"Why": DecisionText(api.Decision{Reason: api.PolicyReason(detail)}, now)})
	case api.TaskOwnerReturned:
		return lang.L("Handed back: {{.Why}}", map[string]any{"Why": DecisionText(api.Decision{Reason: api.PolicyReason(detail)}, now)})
	case api.TaskTooLittleTime:
		return lang.L("Passed on: only {{.Left}} left before the deadline", map[string]any{"Left": detail})
	case api.TaskArgsUnavailable:
		return lang.L("The task's arguments could not be fetched: {{.Detail}}", d)
	case api.TaskModelUnavailable:
		return lang.L("The task's model could not be fetched: {{.Detail}}", d)
	case api.TaskEngineFailed:
		return lang.L("The engine failed: {{.Detail}}", d)
	case api.TaskResultUnusable:
		return lang.L("The engine's output could not be checked: {{.Detail}}", d)
	case api.TaskAuditNoArguments:
		return lang.L("Could not audit: the task's arguments are missing ({{.Detail}})", d)
	}
	return c.With(detail)
}

// When writes a date and time in full ("2026-11-24 14:00", in now's
// zone): for what the owner may need to compare or act before.
func When(t, now time.Time) string {
	return t.In(now.Location()).Format("2006-01-02 15:04")
}

// Clock writes a time of day, with the day when it is not today, in the
// language's order and words. The date layouts here and in the window
// ("Jan 2 15:04", "Jan 2", "Jan 2 15:04:05", "15h") are Go time layouts,
// translated: Go writes month names only in English, so other languages
// give the month as a number (i18n's TestDateLayouts checks each keeps
// the day, the month and the time).
func Clock(t, now time.Time) string {
	t = t.In(now.Location())
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format(lang.L("Jan 2 15:04"))
}

// GPUText says why the daemon has no readings of the card; detail is the
// driver's own words (shown only when the driver failed, or for a
// problem this app does not know: a newer daemon's).
func GPUText(p api.GPUProblem, detail string) string {
	switch p {
	case api.GPUNone:
		return lang.L("No NVIDIA GPU found")
	case api.GPUNoDriver:
		return lang.L("The NVIDIA driver is not installed")
	case api.GPUNoPermission:
		return lang.L("This user may not use the NVIDIA driver")
	case api.GPUUnsupported:
		return lang.L("GPU readings are not supported on this system")
	case api.GPUReadFailed:
		return lang.L("The GPU could not be read: {{.Detail}}", map[string]any{"Detail": detail})
	}
	return lang.L("No GPU data: {{.Error}}", map[string]any{"Error": detail})
}

// NodeText says what the node's state and reason mean.
func NodeText(state api.NodeState, reason api.NodeReason) string {
	switch reason {
	case api.ReasonLowBalance:
		return lang.L("Waiting for funds: the wallet needs the stake and a little for fees")
	case api.ReasonClockSkew:
		return lang.L("This computer's clock is wrong: fix the system time")
	case api.ReasonWrongChain:
		return lang.L("The chain endpoint serves another network")
	case api.ReasonWrongContracts:
		return lang.L("The network file points at contracts that are not Hydrogen's: nothing was staked")
	case api.ReasonStakeLimit:
		return lang.L("The network asks a larger stake than this node's limit: nothing was staked")
	case api.ReasonChainDown:
		return lang.L("The chain does not answer")
	case api.ReasonRelayDown:
		return lang.L("The relay does not answer")
	case api.ReasonKicked:
		return lang.L("The network removed this node: its QoS score fell too low (the stake was returned). Join again in Settings")
	case api.ReasonSlashed:
		return lang.L("The network removed this node: a result disagreed with the others and the stake was lost. Join again in Settings")
	case api.ReasonLeaving:
		return lang.L("Leaving the network: the stake and the fees come back to the wallet")
	case api.ReasonLeft:
		return lang.L("You left the network; the stake and the fees are in the wallet")
	case api.ReasonLeaveFailed:
		return lang.L("Leaving the network failed; it is tried again when the node starts: see the log")
	case api.ReasonFatal:
		return lang.L("The node stopped on an error: see the log")
	}
	switch state {
	case api.StateSetup:
		return lang.L("Finish setting up in the Hydrogen window")
	case api.NodeInitializing:
		return lang.L("Starting")
	case api.NodeWaitingForFunds:
		return lang.L("Waiting for funds")
	case api.NodeJoining:
		return lang.L("Joining the network")
	case api.NodeAvailable:
		return lang.L("Ready for tasks")
	case api.NodeBusy:
		return lang.L("Working on a task")
	case api.NodePausing:
		return lang.L("Pausing after this task")
	case api.NodePaused:
		return lang.L("Paused on the network")
	case api.NodeQuitting:
		return lang.L("Leaving the network")
	case api.NodeStopped:
		return lang.L("Stopped")
	case api.NodeError:
		return lang.L("Error")
	}
	return string(state)
}

// ErrorText translates an API error code; other errors keep their text.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	texts := map[string]func() string{
		api.CodeForbidden:     func() string { return lang.L("This user may not control the node service") },
		api.CodeNotReady:      func() string { return lang.L("The node is not set up yet") },
		api.CodeBadKey:        func() string { return lang.L("That is not a private key (64 hex digits)") },
		api.CodeBadNetwork:    func() string { return lang.L("That is not a Hydrogen network file") },
		api.CodeNoDemo:        func() string { return lang.L("No local demo network runs on this computer") },
		api.CodeModelInUse:    func() string { return lang.L("The running task needs this model; try again when it is done") },
		api.CodeNoSuchModel:   func() string { return lang.L("The model is no longer in the cache") },
		api.CodeBadAddress:    func() string { return lang.L("That is not an address to send to (0x and 40 hex digits)") },
		api.CodeBadAmount:     func() string { return lang.L("That amount is not available") },
		api.CodeNoQuote:       func() string { return lang.L("The withdrawal expired; ask again") },
		api.CodeNothingToSend: func() string { return lang.L("Nothing to withdraw above what the node keeps for fees") },
		api.CodeChain:         func() string { return lang.L("The chain refused or did not answer") },
		api.CodeBadSetting:    func() string { return lang.L("That setting is out of range") },
		api.CodeSetupDone:     func() string { return lang.L("This node already has a wallet") },
		api.CodeBackupNeedsAdmin: func() string {
			return lang.L("Once the node runs, only an administrator can back the wallet up: run sudo hydrogend wallet export")
		},
		api.CodeNetworkSet: func() string { return lang.L("This node already has a network; replacing it needs your confirmation") },
		api.CodeStaked: func() string {
			return lang.L("Leave the network first, and wait until the stake and the fees are back in the wallet")
		},
		api.CodeBadEndpoint:     func() string { return lang.L("The network file names an endpoint the node refuses") },
		api.CodeNetworkMismatch: func() string { return lang.L("The network file does not match the network it claims to be") },
		api.CodeLeaving:         func() string { return lang.L("The node is leaving the network already") },
		api.CodeNotMember:       func() string { return lang.L("The node is out of the network, with nothing left to withdraw") },
		api.CodeMember:          func() string { return lang.L("The node is in the network already") },
		api.CodeWeakPassphrase: func() string {
			return lang.L("The backup's passphrase needs at least 8 characters")
		},
		api.CodeBadBackup: func() string { return lang.L("That is not a wallet backup, or not its passphrase") },
		api.CodeNoWithdrawalAddress: func() string {
			return lang.L("No withdrawal address is set yet: set yours in Settings, Wallet")
		},
		api.CodeZeroAddress: func() string { return lang.L("That is the zero address: what is sent there is lost") },
		api.CodeOwnAddress: func() string {
			return lang.L("That is this node's own wallet: give the address of another wallet of yours")
		},
	}
	var e *api.Error
	if api.AsError(err, &e) {
		switch e.Code {
		case api.CodeNotWithdrawalAddress:
			return lang.L("Withdrawals go only to your withdrawal address, {{.Address}}", map[string]any{"Address": e.Params[api.ParamAddress]})
		case api.CodeAddressChangePending:
			until := e.Params[api.ParamUntil]
			if t, err := time.Parse(time.RFC3339, until); err == nil {
				until = When(t, time.Now())
			}
			return lang.L("{{.Address}} becomes the withdrawal address only on {{.Time}}; until then withdrawals go to the current one", map[string]any{"Address": e.Params[api.ParamAddress], "Time": until})
		}
		if f, ok := texts[e.Code]; ok {
			return f()
		}
		return e.Message
	}
	return lang.L("The node service does not answer: {{.Error}}", map[string]any{"Error": err.Error()})
}

// Size is a size in bytes as people read it: MiB below a GiB.
func Size(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}

// DownloadFraction is how much of a download is done, 0..1; -1 while
// its size is unknown.
func DownloadFraction(d api.Download) float64 {
	switch {
	case d.State == api.DownloadDone:
		return 1
	case d.Total <= 0:
		return -1
	}
	return min(1, float64(d.Done)/float64(d.Total))
}

// DownloadProblemText says why a download failed; detail is the error's
// own words (shown for a problem without a text of its own: a newer
// daemon's, or "download_failed").
func DownloadProblemText(p api.DownloadProblem, detail string) string {
	switch p {
	case api.DownloadNotFound:
		return lang.L("failed: the source has no such file")
	case api.DownloadRefused:
		return lang.L("failed: the source refused it (it may need a token, or a proxy blocks it)")
	case api.DownloadChecksum:
		return lang.L("failed: the file did not match its checksum")
	case api.DownloadStalled:
		return lang.L("failed: the source sent nothing for too long")
	case api.DownloadTooLarge:
		return lang.L("failed: the file is larger than allowed")
	case api.DownloadPrivate:
		return lang.L("failed: the source is on a private network, which downloads may not reach")
	case api.DownloadRedirect:
		return lang.L("failed: the source redirected to an unsafe address")
	case api.DownloadNoRoom:
		return lang.L("failed: not enough room on the disk or under the storage quota")
	case api.DownloadUnknownModel:
		return lang.L("failed: the network does not list this model")
	}
	return lang.L("failed: {{.Error}}", map[string]any{"Error": detail})
}

// DownloadText says where a model download is.
func DownloadText(d api.Download, now time.Time) string {
	switch d.State {
	case api.DownloadQueued:
		return lang.L("waiting for another download to finish")
	case api.DownloadFailed:
		return DownloadProblemText(d.Problem, d.Error)
	case api.DownloadDone:
		return lang.L("downloaded {{.Ago}} ago", map[string]any{"Ago": Ago(now.Sub(d.Ended))})
	}
	if d.Total <= 0 {
		return lang.L("{{.Done}} so far", map[string]any{"Done": Size(d.Done)})
	}
	s := lang.L("{{.Done}} of {{.Total}} ({{.Percent}}%)", map[string]any{"Done": Size(d.Done), "Total": Size(d.Total), "Percent": int(100 * DownloadFraction(d))})
	if d.Rate > 0 {
		s += " · " + lang.L("{{.Rate}}/s", map[string]any{"Rate": Size(int64(d.Rate))})
		if d.ETA != api.Unknown {
			s += " · " + lang.L("{{.Left}} left", map[string]any{"Left": Ago(time.Duration(d.ETA))})
		}
	}
	return s
}
