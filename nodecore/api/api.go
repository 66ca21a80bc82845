// Package api is the local API's wire and its client: what the daemon
// serves (nodecore/localapi) and what the tray and the window use. It
// imports only the standard library (and go-winio for named pipes on
// Windows), so the desktop processes stay light.
//
// The API is HTTP over a unix socket (mode 0660, group-owned) or, on
// Windows, a named pipe with an ACL. Errors are
// JSON {"error": {"code", "message"}}: the code is what the app
// translates.
package api

import (
	"encoding/json"
	"fmt"
	"time"
)

// Prefix is the API's path prefix.
const Prefix = "/v1"

// Status is the daemon's snapshot.
type Status struct {
	State    NodeState  `json:"state"`            // vocab.go
	Reason   NodeReason `json:"reason,omitempty"` // vocab.go
	Address  string     `json:"address"`
	Task     uint64     `json:"task,omitempty"`
	Current  *Current   `json:"current,omitempty"` // the task being run
	GPU      *GPU       `json:"gpu,omitempty"`
	Decision Decision   `json:"decision"`
	Presence *Presence  `json:"presence,omitempty"` // the latest report, if any
	// Waiting says why an available node has no task (nil otherwise, or
	// before the node has counted).
	Waiting *Waiting `json:"waiting,omitempty"`
	// Downloads are the model downloads under way.
	Downloads []Download `json:"downloads,omitempty"`
	Updated   time.Time  `json:"updated"`
	// AddressChange is a change of the withdrawal address waiting for
	// its delay (nil: none): the tray and the window show it until it
	// applies or the owner cancels it.
	AddressChange *AddressChange `json:"addressChange,omitempty"`
}

// Waiting is why an available node has no task yet.
type Waiting struct {
	// Ready is how many nodes (this one included) are ready now for the
	// tasks this card may be drawn for; each task draws three.
	Ready uint64 `json:"ready"`
	// Proven: validated work proved one of the node's models, so it is
	// preferred for tasks of that model. Until then one seat of every
	// task, drawn from all ready nodes, is its way in.
	Proven bool `json:"proven"`
}

// Download states.
const (
	DownloadQueued  = "queued"
	DownloadRunning = "downloading"
	DownloadDone    = "done"
	DownloadFailed  = "failed"
)

// Download is a model download.
type Download struct {
	ID    string   `json:"id"`
	State string   `json:"state"` // a Download* state
	Done  int64    `json:"done"`  // bytes
	Total int64    `json:"total,omitempty"`
	Rate  float64  `json:"rate,omitempty"` // bytes per second
	ETA   Duration `json:"eta"`            // Unknown while unknown
	// Problem says why it failed; Error is the detail, for a report.
	Problem DownloadProblem `json:"problem,omitempty"`
	Error   string          `json:"error,omitempty"`
	Started time.Time       `json:"started"`
	Ended   time.Time       `json:"ended,omitzero"`
}

// Decision is the hire-out policy's latest decision.
type Decision struct {
	Earn      bool         `json:"earn"`
	Reason    PolicyReason `json:"reason"` // vocab.go
	Process   string       `json:"process,omitempty"`
	TempC     uint32       `json:"tempC,omitempty"`
	LimitC    uint32       `json:"limitC,omitempty"`
	ActiveAgo Duration     `json:"activeAgo,omitempty"`
	AwayAfter Duration     `json:"awayAfter,omitempty"`
	Until     time.Time    `json:"until,omitzero"`
}

// Presence is a report from the tray's watcher.
type Presence struct {
	At             time.Time `json:"at"`
	Idle           Duration  `json:"idle"`           // Unknown when no source measured
	ControllerIdle Duration  `json:"controllerIdle"` // Unknown when no controller was seen
	FullScreen     bool      `json:"fullScreen,omitempty"`
	Inhibited      bool      `json:"inhibited,omitempty"`
	Inhibitors     []string  `json:"inhibitors,omitempty"`
	Sources        []string  `json:"sources,omitempty"`
}

// Unknown is a duration nobody measured.
const Unknown = Duration(-1)

// Action is a control request's verb.
type Action string

// Control actions.
const (
	ActionPauseFor Action = "pause_for" // for Duration
	ActionPause    Action = "pause"     // until resumed
	ActionResume   Action = "resume"    // clear the owner's override
	ActionEarnNow  Action = "earn_now"  // earn even while the owner is present
	// ActionLeave leaves the network for good: quit (after the current
	// task), then the returned stake and the fees owed are withdrawn to
	// the wallet; each step is in GET /v1/account. The node stays out,
	// across restarts, until ActionRejoin.
	ActionLeave  Action = "leave_network"
	ActionRejoin Action = "join_network" // join again with a new stake (after leaving or a removal)
)

// Control is the body of POST /v1/control.
type Control struct {
	Action   Action   `json:"action"`
	Duration Duration `json:"duration,omitempty"`
}

// Event is one line of GET /v1/watch: the full status first, then the
// status again whenever it changes.
type Event struct {
	Status *Status `json:"status"`
}

// Error is the body of every error answer.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Params are the values the code's text needs (Param* keys), for
	// the codes that have any.
	Params map[string]string `json:"params,omitempty"`
	Status int               `json:"-"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Error codes.
const (
	CodeBadRequest   = "api.bad_request"
	CodeTooLarge     = "api.too_large"
	CodeForbidden    = "api.forbidden"
	CodeNotFound     = "api.not_found"
	CodeMethod       = "api.method_not_allowed"
	CodeUnavailable  = "api.unavailable" // the node cannot do it now
	CodeBadAction    = "api.bad_action"
	CodeBadDuration  = "api.bad_duration"
	CodeStalePresnce = "api.stale_presence"
	CodeBadQuery     = "api.bad_query"
	CodeBadSetting   = "api.bad_setting"
)

// Duration is a time.Duration written as text ("1h30m0s") on the wire;
// Unknown is "unknown".
type Duration time.Duration

// MarshalText writes the duration.
func (d Duration) MarshalText() ([]byte, error) {
	if d == Unknown {
		return []byte("unknown"), nil
	}
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText reads a Go duration or "unknown".
func (d *Duration) UnmarshalText(b []byte) error {
	if string(b) == "unknown" {
		*d = Unknown
		return nil
	}
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("negative duration %s", v)
	}
	*d = Duration(v)
	return nil
}

// Bucket is what was earned in one hour or one day.
type Bucket struct {
	Start  time.Time `json:"start"`
	Earned string    `json:"earned"` // wei
	Tasks  int       `json:"tasks"`
}

// Task is one row of the node's ledger.
type Task struct {
	ID      uint64               `json:"id"`
	Kind    string               `json:"kind"`
	Models  []string             `json:"models"`
	Times   map[string]time.Time `json:"times"` // step → when: received_at, started_at, …
	Outcome string               `json:"outcome"`
	Reason  string               `json:"reason,omitempty"`
	Earned  string               `json:"earned"` // wei
	Lost    string               `json:"lost"`   // wei of stake
	Txs     map[string]string    `json:"txs,omitempty"`
	Role    string               `json:"role,omitempty"`  // TaskRoleNode or TaskRoleAuditor
	Audit   string               `json:"audit,omitempty"` // a TaskAudit* code; empty when not audited
}

// The seat a node held in a task (Task.Role) and what an audit found
// about its score (Task.Audit): the ledger's codes.
const (
	TaskRoleNode       = "node"
	TaskRoleAuditor    = "auditor"
	TaskAuditRight     = "right"
	TaskAuditWrong     = "wrong"
	TaskAuditUnsettled = "unsettled"
	TaskAuditSilent    = "silent"
	TaskAuditReleased  = "released"
)

// Totals are sums over the whole ledger.
type Totals struct {
	Tasks     int            `json:"tasks"`
	ByOutcome map[string]int `json:"byOutcome"`
	Earned    string         `json:"earned"` // wei
	Lost      string         `json:"lost"`
}

// Settings are the owner's settings. GET returns every field; PATCH sends
// only those to change (absent = unchanged).
type Settings struct {
	IdleMinutes *int          `json:"idleMinutes,omitempty"` // away this long before earning
	TempLimitC  *uint32       `json:"tempLimitC,omitempty"`
	Schedule    *[7][24]uint8 `json:"schedule,omitempty"` // [weekday][hour]: 0 when away, 1 never, 2 always
	Allow       *[]string     `json:"allow,omitempty"`    // GPU processes that never block earning
	Block       *[]string     `json:"block,omitempty"`    // GPU processes that always do
	Headless    *bool         `json:"headless,omitempty"` // earn without presence reports
	QuotaGB     *int          `json:"quotaGB,omitempty"`  // model storage
	Autostart   *bool         `json:"autostart,omitempty"`
	Language    *string       `json:"language,omitempty"` // "" (the system's) or one of Languages()
	// Model downloads: a proxy ("": the system's), a Hugging Face mirror
	// ("": huggingface.co) and a bandwidth limit (MB/s; 0: none).
	Proxy             *string  `json:"proxy,omitempty"`
	HFEndpoint        *string  `json:"hfEndpoint,omitempty"`
	DownloadLimitMBps *float64 `json:"downloadLimitMBps,omitempty"`
	// MirrorNetworks are the private, loopback or link-local addresses
	// (CIDR prefixes or single addresses) downloads may reach: the
	// owner's own mirror. None by default: a model link that leads into
	// the owner's network is refused.
	MirrorNetworks *[]string `json:"mirrorNetworks,omitempty"`
	// MaxDownloadGB caps one model download whose size the network does
	// not give (a task's link; default 32).
	MaxDownloadGB *int `json:"maxDownloadGB,omitempty"`
	// AutoRejoin: a node the network removed for a low QoS score rejoins
	// by itself with its returned stake (default true). A slashed node
	// always waits for the owner.
	AutoRejoin *bool `json:"autoRejoin,omitempty"`
}

// Account moves (AccountEntry.Move).
const (
	MoveStaked        = "staked"         // joined: the stake went from the wallet to the registry
	MoveQuit          = "quit"           // the owner asked to leave
	MoveRemoved       = "removed"        // the network removed the node (Detail: kicked or slashed)
	MoveStakeReturned = "stake_returned" // the returned stake withdrawn to the wallet
	MoveFeesClaimed   = "fees_claimed"   // the fees owed withdrawn to the wallet
	MoveSent          = "sent"           // sent from the wallet to Detail, an address
)

// AccountEntry is one movement of the node's money outside tasks, in GET
// /v1/account (newest first).
type AccountEntry struct {
	At     time.Time `json:"at"`
	Move   string    `json:"move"`             // a Move* code
	Amount string    `json:"amount"`           // wei
	Tx     string    `json:"tx,omitempty"`     // the transaction's hash
	Detail string    `json:"detail,omitempty"` // the address sent to; kicked or slashed
}

// Wallet is the node's wallet as the chain sees it; the key never leaves
// the daemon.
type Wallet struct {
	Address string `json:"address"`
	Balance string `json:"balance"` // wei
	Owed    string `json:"owed"`    // fees waiting to be withdrawn, wei
	Stake   string `json:"stake"`   // wei
	State   string `json:"state"`   // on chain: available, busy, paused, quit, …
	QoS     uint32 `json:"qos"`     // 0..10000
}

// More error codes.
const (
	CodeNotReady       = "api.not_ready"       // the node is not set up yet
	CodeSetupDone      = "api.setup_done"      // the wallet (or network) is already set
	CodeBadKey         = "api.bad_key"         // an imported key is not a private key
	CodeBadNetwork     = "api.bad_network"     // a network file that does not validate
	CodeNoDemo         = "api.no_demo"         // no local demo network runs here
	CodeBadModel       = "api.bad_model"       // not a model ID
	CodeModelInUse     = "api.model_in_use"    // the running task needs it
	CodeNoSuchModel    = "api.no_such_model"   // not in the cache
	CodeBadAddress     = "api.bad_address"     // not an address to withdraw to
	CodeBadAmount      = "api.bad_amount"      // not a wei amount, or more than there is
	CodeNoQuote        = "api.no_quote"        // the withdrawal to confirm is unknown or expired
	CodeChain          = "api.chain"           // the chain refused or did not answer
	CodeNothingToSend  = "api.nothing_to_send" // nothing left to withdraw after the gas reserve
	CodeLeaving        = "api.leaving"         // leaving the network already
	CodeNotMember      = "api.not_member"      // out of the network, with nothing left to withdraw
	CodeMember         = "api.member"          // in the network already
	CodeWeakPassphrase = "api.weak_passphrase" // a backup passphrase under 8 characters
	CodeBadBackup      = "api.bad_backup"      // not a keystore file, or the wrong passphrase
)

// The setup steps the daemon may still need.
const (
	NeedWallet  = "wallet"
	NeedNetwork = "network"
)

// SetupState is what GET /v1/setup answers.
type SetupState struct {
	Needs   []string `json:"needs"`             // NeedWallet, NeedNetwork; empty when set up
	Address string   `json:"address,omitempty"` // the wallet's, once there is one
	Network string   `json:"network,omitempty"` // the network's name, once chosen
	Demo    bool     `json:"demo"`              // a local demo network can be chosen
	Started bool     `json:"started"`           // the node runs
}

// WalletSetup is the body of POST /v1/setup/wallet: create a new wallet,
// import a private key (hex), or restore a backup (a keystore file, as
// POST /v1/wallet/backup/confirm gives, with its passphrase).
type WalletSetup struct {
	Create     bool            `json:"create,omitempty"`
	ImportKey  string          `json:"importKey,omitempty"`
	Keystore   json.RawMessage `json:"keystore,omitempty"`
	Passphrase string          `json:"passphrase,omitempty"` // the keystore's
}

// BackupOffer is POST /v1/wallet/backup's answer: a one-time confirmation
// to hand the wallet out, valid until Expires.
type BackupOffer struct {
	ID      string    `json:"id"`
	Address string    `json:"address"`
	Expires time.Time `json:"expires"`
}

// BackupConfirm is the body of POST /v1/wallet/backup/confirm: the offer
// and the passphrase the backup is encrypted with (at least 8 characters).
type BackupConfirm struct {
	ID         string `json:"id"`
	Passphrase string `json:"passphrase"`
}

// WalletBackup is the wallet as a keystore file (scrypt + AES, the format
// every Ethereum wallet imports) under the owner's passphrase.
type WalletBackup struct {
	Address  string          `json:"address"`
	Keystore json.RawMessage `json:"keystore"`
}

// NetworkSetup is the body of POST /v1/setup/network: the local demo
// network, or the contents of a network file.
type NetworkSetup struct {
	Demo bool            `json:"demo,omitempty"`
	File json.RawMessage `json:"file,omitempty"`
	// Replace is the owner's confirmation that a network already set up
	// is to be replaced (without it: CodeNetworkSet). Send it only after
	// asking the owner. A node that holds stake or fees in the network
	// must leave first (CodeStaked). The new file applies when the daemon
	// restarts.
	Replace bool `json:"replace,omitempty"`
}

// Check is one line of the daemon's doctor.
type Check struct {
	Name   string `json:"name"`
	Code   string `json:"code"`   // for translation, e.g. "docker.unreachable"
	Status string `json:"status"` // "ok", "warning", "failed"
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Model is one model in the node's cache.
type Model struct {
	ID       string    `json:"id"`
	Bytes    int64     `json:"bytes"`
	LastUsed time.Time `json:"lastUsed,omitzero"`
	Tasks    int       `json:"tasks"` // tasks served with it
	InUse    bool      `json:"inUse,omitempty"`
}

// Models is GET /v1/models: the cache's content and its quota.
type Models struct {
	Dir        string  `json:"dir"`
	UsedBytes  int64   `json:"usedBytes"`
	QuotaBytes int64   `json:"quotaBytes"`
	Models     []Model `json:"models"`
	// Downloads: under way (oldest first), then the last ended.
	Downloads []Download `json:"downloads"`
}

// Withdraw asks for a withdrawal quote (POST /v1/wallet/withdraw). Amount
// is in wei, or "all" for everything above the gas reserve.
type Withdraw struct {
	To     string `json:"to"`
	Amount string `json:"amount"`
}

// WithdrawQuote is what a withdrawal would do; nothing moves until it is
// confirmed (POST /v1/wallet/withdraw/confirm) before Expires.
type WithdrawQuote struct {
	ID      string    `json:"id"`
	To      string    `json:"to"`
	Amount  string    `json:"amount"`  // wei sent to To
	Claim   string    `json:"claim"`   // fees claimed from the network first, wei
	Gas     string    `json:"gas"`     // the most the transactions may cost, wei
	Reserve string    `json:"reserve"` // left in the wallet for the node's own transactions, wei
	Expires time.Time `json:"expires"`
}

// Confirm confirms a quote.
type Confirm struct {
	ID string `json:"id"`
}

// WithdrawDone lists the transactions a confirmed withdrawal sent.
type WithdrawDone struct {
	Txs    []string `json:"txs"`
	Amount string   `json:"amount"` // wei sent (for "all", priced when sent)
}

// GPU is the card as the daemon last sampled it.
type GPU struct {
	Name        string  `json:"name"`
	MemoryTotal uint64  `json:"memoryTotal"` // bytes
	MemoryUsed  uint64  `json:"memoryUsed"`
	Utilization uint32  `json:"utilization"` // percent
	TempC       uint32  `json:"tempC"`
	PowerW      float64 `json:"powerW"`
	HasUtil     bool    `json:"hasUtil,omitempty"`
	HasTemp     bool    `json:"hasTemp,omitempty"`
	HasPower    bool    `json:"hasPower,omitempty"`
	HasMemory   bool    `json:"hasMemory,omitempty"`
	// Problem says why nothing could be read (empty: the readings are
	// there); Error is the driver's own words, for a report.
	Problem GPUProblem `json:"problem,omitempty"`
	Error   string     `json:"error,omitempty"`
}

// Current is the task being run.
type Current struct {
	ID    uint64 `json:"id"`
	Kind  string `json:"kind"`            // "image", "text"
	Model string `json:"model,omitempty"` // model ID
	Phase string `json:"phase"`           // received, running, computed, committed, disclosed, uploading
}

// Network is GET /v1/network: the chain and the relay as the daemon sees
// them.
type Network struct {
	Name       string   `json:"name"`
	ChainID    string   `json:"chainId"`
	RPC        string   `json:"rpc"`
	Relay      string   `json:"relay"`
	Block      uint64   `json:"block"`
	Latency    Duration `json:"latency"` // of the block-height query
	ChainError string   `json:"chainError,omitempty"`
	RelayOK    bool     `json:"relayOk"`
	RelayError string   `json:"relayError,omitempty"`
	Nodes      int      `json:"nodes"`     // in the network
	Available  int      `json:"available"` // ready for a task now
}

// WithdrawalAddress is GET /v1/wallet/address: the only address
// withdrawals go to. The first one is set at once; a change waits Delay
// (Pending) so that software on the owner's computer cannot redirect the
// node's money without the owner seeing it in the tray first.
type WithdrawalAddress struct {
	Address string         `json:"address,omitempty"` // "": none yet, nothing can be withdrawn
	Pending *AddressChange `json:"pending,omitempty"` // a change waiting for its delay
	Delay   Duration       `json:"delay"`             // how long a change waits
}

// AddressChange is a change of the withdrawal address that applies at
// Effective unless a writer cancels it first; until then withdrawals go
// to the current address.
type AddressChange struct {
	Address   string    `json:"address"` // the new address
	Requested time.Time `json:"requested"`
	Effective time.Time `json:"effective"`
}

// SetWithdrawalAddress is the body of PUT /v1/wallet/address: the first
// address (set at once) or a new one (pending for the delay). DELETE
// /v1/wallet/address/pending cancels a pending change.
type SetWithdrawalAddress struct {
	Address string `json:"address"`
}

// Withdrawal address error codes. Params carry ParamAddress (the address
// withdrawals go to now, or the pending one) and ParamUntil (when a
// pending change applies, RFC 3339).
const (
	CodeNoWithdrawalAddress  = "api.no_withdrawal_address"  // none set yet: set one first
	CodeNotWithdrawalAddress = "api.not_withdrawal_address" // withdrawals go only to ParamAddress
	CodeAddressChangePending = "api.address_change_pending" // that address applies only at ParamUntil
	CodeZeroAddress          = "api.zero_address"           // the zero address: money sent there is lost
	CodeOwnAddress           = "api.own_address"            // the node's own wallet
)

// Error parameters (Error.Params).
const (
	ParamAddress = "address"
	ParamUntil   = "until"
)

// Network file error codes (POST /v1/setup/network; issue 17, finding 3).
const (
	// CodeNetworkSet: a network is set up already; replacing it needs
	// NetworkSetup.Replace, sent after the owner confirmed.
	CodeNetworkSet = "api.network_set"
	// CodeBackupNeedsAdmin: once the node runs, the wallet's key leaves
	// it only to an administrator (`hydrogend wallet export`).
	CodeBackupNeedsAdmin = "api.backup_needs_admin"
	// CodeStaked: the node is in the network, or stake or fees wait in
	// its contracts: leave it (ActionLeave) and wait until the stake and
	// the fees are back in the wallet before replacing it.
	CodeStaked = "api.staked"
	// CodeBadEndpoint: the file names an endpoint the node refuses (plain
	// http beyond this machine, a link-local or metadata address,
	// credentials for the relay, a faucet off a devnet, an IPC path).
	CodeBadEndpoint = "api.bad_endpoint"
	// CodeNetworkMismatch: the file claims a known network's chain id
	// with other contracts.
	CodeNetworkMismatch = "api.network_mismatch"
)
