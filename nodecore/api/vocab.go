package api

import (
	"slices"
	"strings"
)

// The wire's vocabulary: every state and reason the daemon sends in a
// Status, defined once, here, for both sides. The daemon's packages use
// these types (node.Reason and policy.Reason are aliases of them), the
// tray and the window switch on these constants and translate each, and
// vocab_test.go fails when a constant is missing from its list: a value
// the daemon can send always has a text (tray's vocabulary test).

// NodeState is the node engine's state on the wire (Status.State).
type NodeState string

// Node states.
const (
	NodeSetup           NodeState = "setup" // the daemon waits for the first-run setup
	NodeInitializing    NodeState = "initializing"
	NodeWaitingForFunds NodeState = "waiting-for-funds" // the wallet lacks stake + gas reserve
	NodeJoining         NodeState = "joining"
	NodeAvailable       NodeState = "available"
	NodeBusy            NodeState = "busy"
	NodePausing         NodeState = "pausing" // busy; pauses when the task ends
	NodePaused          NodeState = "paused"
	NodeQuitting        NodeState = "quitting"
	NodeStopped         NodeState = "stopped"
	NodeError           NodeState = "error"
)

// StateSetup is Status.State while the daemon waits for the first-run
// setup (a wallet and a network).
const StateSetup = NodeSetup

// NodeStates lists every node state, in the engine's order after setup.
func NodeStates() []NodeState {
	return []NodeState{NodeSetup, NodeInitializing, NodeWaitingForFunds, NodeJoining, NodeAvailable, NodeBusy, NodePausing, NodePaused, NodeQuitting, NodeStopped, NodeError}
}

// NodeReason says why the node is in its state (Status.Reason).
type NodeReason string

// Node reasons.
const (
	ReasonNone        NodeReason = ""
	ReasonLowBalance  NodeReason = "low_balance"     // waiting for funds
	ReasonClockSkew   NodeReason = "clock_skew"      // the clock is off by more than a minute
	ReasonWrongChain  NodeReason = "wrong_chain"     // the RPC serves another chain than the network file
	ReasonChainDown   NodeReason = "chain_down"      // the chain does not answer
	ReasonRelayDown   NodeReason = "relay_down"      // the relay does not answer
	ReasonKicked      NodeReason = "removed_qos"     // the network removed the node for a low QoS score (stake returned)
	ReasonSlashed     NodeReason = "removed_slashed" // the network slashed the node's stake and removed it
	ReasonUserPaused  NodeReason = "user_paused"     // the owner paused
	ReasonLeaving     NodeReason = "leaving"         // the owner is leaving the network (quit, then withdrawals)
	ReasonLeft        NodeReason = "left_network"    // the owner left; stake and fees are in the wallet
	ReasonLeaveFailed NodeReason = "leave_failed"    // a step of leaving failed (see the log); retried at the next start
	ReasonFatal       NodeReason = "internal_error"  // see the log
	// ReasonWrongContracts: the network file's addresses do not hold
	// this release's Hydrogen contracts (or they are not bound to each
	// other); nothing was staked.
	ReasonWrongContracts NodeReason = "wrong_contracts"
	// ReasonStakeLimit: the registry asks a larger stake than the
	// owner's limit (-max-stake); nothing was staked.
	ReasonStakeLimit NodeReason = "stake_above_limit"
)

// NodeReasons lists every node reason but ReasonNone.
func NodeReasons() []NodeReason {
	return []NodeReason{ReasonLowBalance, ReasonClockSkew, ReasonWrongChain, ReasonChainDown, ReasonRelayDown, ReasonKicked, ReasonSlashed, ReasonUserPaused, ReasonLeaving, ReasonLeft, ReasonLeaveFailed, ReasonFatal, ReasonWrongContracts, ReasonStakeLimit}
}

// PolicyReason says why the hire-out policy lets the card work or not
// (Decision.Reason, with the Decision's values). The Earn* ones come with
// Earn = true.
type PolicyReason string

// Policy reasons.
const (
	EarnAway     PolicyReason = "earn_away"      // the owner has been away AwayAfter
	EarnSchedule PolicyReason = "earn_schedule"  // the schedule says always
	EarnHeadless PolicyReason = "earn_headless"  // a headless rig
	EarnOverride PolicyReason = "earn_now"       // the owner asked to earn now
	EarnFinish   PolicyReason = "earn_finishing" // finishing a task before a schedule pause

	PauseUserActive PolicyReason = "paused_user_active" // input recently (ActiveAgo, AwayAfter)
	PauseController PolicyReason = "paused_controller"  // a gamepad is in use
	PauseFullScreen PolicyReason = "paused_fullscreen"  // a full-screen app or presentation
	PauseInhibited  PolicyReason = "paused_inhibited"   // a video player or the like inhibits idleness
	PauseForeignGPU PolicyReason = "paused_foreign_gpu" // another program uses the GPU (Process)
	PauseTemp       PolicyReason = "paused_temperature" // too hot (TempC, LimitC)
	PauseBattery    PolicyReason = "paused_battery"
	PauseSchedule   PolicyReason = "paused_schedule"
	PauseOverride   PolicyReason = "paused_by_owner"    // Until (zero: until resumed)
	PauseNoPresence PolicyReason = "paused_no_presence" // the presence watcher is silent: assume present
)

// PolicyReasons lists every policy reason.
func PolicyReasons() []PolicyReason {
	return []PolicyReason{EarnAway, EarnSchedule, EarnHeadless, EarnOverride, EarnFinish,
		PauseUserActive, PauseController, PauseFullScreen, PauseInhibited, PauseForeignGPU, PauseTemp, PauseBattery, PauseSchedule, PauseOverride, PauseNoPresence}
}

// GPUProblem says why the daemon has no readings of the card (GPU.Problem);
// the app translates it.
type GPUProblem string

// GPU problems.
const (
	GPUNone         GPUProblem = "no_gpu"          // the driver answers but lists no NVIDIA GPU
	GPUNoDriver     GPUProblem = "no_driver"       // the NVIDIA driver (NVML) is not installed
	GPUNoPermission GPUProblem = "no_permission"   // this user may not use the driver
	GPUUnsupported  GPUProblem = "unsupported"     // this build cannot read GPUs on this system
	GPUReadFailed   GPUProblem = "gpu_read_failed" // the driver failed (GPU.Error says how)
)

// GPUProblems lists every GPU problem.
func GPUProblems() []GPUProblem {
	return []GPUProblem{GPUNone, GPUNoDriver, GPUNoPermission, GPUUnsupported, GPUReadFailed}
}

// DownloadProblem says why a model download failed (Download.Problem); the
// app translates it, with Download.Error as the detail.
type DownloadProblem string

// Download problems.
const (
	DownloadNotFound     DownloadProblem = "download_not_found"     // the source has no such file
	DownloadRefused      DownloadProblem = "download_refused"       // the source refused it (401/403): a token, or a proxy
	DownloadChecksum     DownloadProblem = "download_checksum"      // the file did not match its sha256
	DownloadStalled      DownloadProblem = "download_stalled"       // the source sent nothing for too long
	DownloadTooLarge     DownloadProblem = "download_too_large"     // larger than allowed (a link's cap)
	DownloadPrivate      DownloadProblem = "download_private"       // it would reach a private address the owner has not allowed
	DownloadRedirect     DownloadProblem = "download_redirect"      // redirected to plain http, or too many times
	DownloadNoRoom       DownloadProblem = "download_no_room"       // the disk or the storage quota has no room for it
	DownloadUnknownModel DownloadProblem = "download_unknown_model" // the network's catalog does not list it
	DownloadFailedOther  DownloadProblem = "download_failed"        // anything else (Error says what)
)

// DownloadProblems lists every download problem.
func DownloadProblems() []DownloadProblem {
	return []DownloadProblem{DownloadNotFound, DownloadRefused, DownloadChecksum, DownloadStalled, DownloadTooLarge, DownloadPrivate,
		DownloadRedirect, DownloadNoRoom, DownloadUnknownModel, DownloadFailedOther}
}

// Languages are the tags of the languages the app speaks (Settings.Language;
// i18n's translation files, which i18n's tests keep equal to this list).
func Languages() []string {
	return []string{"de", "en", "es", "fr", "ja", "ko", "pt_BR", "ru", "tr", "zh_Hans"}
}

// TaskReason says why a task ended as it did for this node (Task.Reason,
// the ledger's reason). On the wire a reason is one code, "code: detail"
// (a detail the app shows as it is: an error, a duration; for the hand-
// backs a PolicyReason), or several codes joined by "; ". Ledgers written
// before the codes hold English sentences, shown as they are.
type TaskReason string

// Task reasons.
const (
	TaskSlashedDiffered  TaskReason = "slashed_differed"  // this node's score clearly differed from the agreed one
	TaskSlashedSilent    TaskReason = "slashed_silent"    // it committed and never disclosed
	TaskSeatEmptied      TaskReason = "seat_emptied"      // its seat was emptied before the verdict
	TaskNoArgumentsPaid  TaskReason = "no_arguments_paid" // the application never provided usable arguments; it paid a share
	TaskNoArguments      TaskReason = "no_arguments"      // the application never provided usable arguments
	TaskNoResult         TaskReason = "no_result"         // no node recorded the result in time; refunded
	TaskRefunded         TaskReason = "refunded"          // no majority or too few nodes; refunded
	TaskInDoubt          TaskReason = "in_doubt"          // close to the agreed score but not within the threshold: unpaid, not slashed
	TaskMissedDeadline   TaskReason = "missed_deadline"   // it did not commit or disclose in time
	TaskStakeShare       TaskReason = "stake_share"       // it was paid a share of the stake slashed from the nodes that were wrong
	TaskOwnerPresent     TaskReason = "owner_present"     // handed back before starting: the owner is using the computer (detail: a PolicyReason)
	TaskOwnerReturned    TaskReason = "owner_returned"    // handed back while running: the owner took the GPU back (detail: a PolicyReason)
	TaskTooLittleTime    TaskReason = "too_little_time"   // yielded: too little time left before the commit deadline (detail: the time)
	TaskArgsUnavailable  TaskReason = "arguments_unavailable"
	TaskModelUnavailable TaskReason = "model_unavailable"
	TaskEngineFailed     TaskReason = "engine_failed"
	TaskResultUnusable   TaskReason = "result_unusable"         // the engine's output could not be scored
	TaskAuditNoArguments TaskReason = "audit_without_arguments" // an auditor could not get the arguments
)

// TaskReasons lists every task reason.
func TaskReasons() []TaskReason {
	return []TaskReason{TaskSlashedDiffered, TaskSlashedSilent, TaskSeatEmptied, TaskNoArgumentsPaid, TaskNoArguments, TaskNoResult,
		TaskRefunded, TaskInDoubt, TaskMissedDeadline, TaskStakeShare, TaskOwnerPresent, TaskOwnerReturned, TaskTooLittleTime,
		TaskArgsUnavailable, TaskModelUnavailable, TaskEngineFailed, TaskResultUnusable, TaskAuditNoArguments}
}

// With is the reason with a detail: "code: detail".
func (r TaskReason) With(detail string) string {
	if detail == "" {
		return string(r)
	}
	return string(r) + ": " + detail
}

// ParseTaskReason reads a task's reason: its codes and, for a single
// code, its detail. ok is false for a reason that is not made of codes
// (an older ledger's sentence).
func ParseTaskReason(s string) (codes []TaskReason, detail string, ok bool) {
	if s == "" {
		return nil, "", true
	}
	known := func(c string) bool { return slices.Contains(TaskReasons(), TaskReason(c)) }
	if c, d, found := strings.Cut(s, ": "); found && known(c) {
		return []TaskReason{TaskReason(c)}, d, true
	}
	for _, c := range strings.Split(s, "; ") {
		if !known(c) {
			return nil, "", false
		}
		codes = append(codes, TaskReason(c))
	}
	return codes, "", true
}
