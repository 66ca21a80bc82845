// Package ledger is the node's record of every task it was given: the
// models, each step's time, the fee earned or the stake lost, the
// transactions, the outcome and why. It lives in an embedded SQLite
// database (pure Go, modernc.org/sqlite) in the data directory, and
// answers what the app shows: earnings per hour and per day, totals, the
// last tasks.
package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

// Outcome is how a task ended for this node. The values are stored and
// cross the API; they never change.
type Outcome string

// Outcomes.
const (
	Pending Outcome = "pending" // still running
	Paid    Outcome = "paid"    // validated; this node earned its share
	Unpaid  Outcome = "unpaid"  // validated without this node (it was late or absent)
	Slashed Outcome = "slashed" // this node's score disagreed; stake lost
	Aborted Outcome = "aborted" // no majority or too few nodes; refunded to the app
	Yielded Outcome = "yielded" // handed back (the owner came back)
	Failed  Outcome = "failed"  // this node could not run it (see Reason)
)

// Role is the seat this node held: one of the task's own nodes, or an
// auditor drawn to check them. Stored and crossing the API.
type Role string

// Roles.
const (
	RoleNode    Role = "node"
	RoleAuditor Role = "auditor"
)

// Audit is what an audit of the task found about this node's score.
// Stored and crossing the API; empty when the task was not audited.
type Audit string

// Audit results.
const (
	AuditNone      Audit = ""
	AuditRight     Audit = "right"     // the audited verdict agreed with this node
	AuditWrong     Audit = "wrong"     // this node clearly differed from it: slashed
	AuditUnsettled Audit = "unsettled" // no verdict, or this node in doubt: neither paid nor slashed for its score
	AuditSilent    Audit = "silent"    // this node committed and never disclosed
	AuditReleased  Audit = "released"  // its seat was emptied before the verdict
)

// Step is a moment of a task's life recorded in the ledger.
type Step string

// Steps, in order.
const (
	Received  Step = "received_at"
	Started   Step = "started_at"
	Finished  Step = "finished_at"
	Committed Step = "committed_at"
	Disclosed Step = "disclosed_at"
	Settled   Step = "settled_at"
)

// Entry is one task as the ledger records it.
type Entry struct {
	TaskID    uint64
	Kind      string
	Models    []string
	Times     map[Step]time.Time // the steps reached
	Earned    *big.Int           // wei
	Lost      *big.Int           // wei of stake slashed
	Txs       map[string]string  // "commit", "disclose", "result", "yield" → tx hash
	Outcome   Outcome
	Reason    string
	Role      Role  // the seat held (RoleNode for entries older than roles)
	Audit     Audit // what an audit found; AuditNone when not audited
	UpdatedAt time.Time
}

// Ledger is the database.
type Ledger struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS tasks (
	task_id      INTEGER PRIMARY KEY,
	kind         TEXT    NOT NULL,
	models       TEXT    NOT NULL,
	received_at  INTEGER,
	started_at   INTEGER,
	finished_at  INTEGER,
	committed_at INTEGER,
	disclosed_at INTEGER,
	settled_at   INTEGER,
	earned_wei   TEXT    NOT NULL DEFAULT '0',
	lost_wei     TEXT    NOT NULL DEFAULT '0',
	txs          TEXT    NOT NULL DEFAULT '{}',
	outcome      TEXT    NOT NULL DEFAULT 'pending',
	reason       TEXT    NOT NULL DEFAULT '',
	updated_at   INTEGER NOT NULL,
	role         TEXT    NOT NULL DEFAULT 'node',
	audit        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tasks_settled ON tasks(settled_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS progress (
	task_id INTEGER PRIMARY KEY,
	nonce   BLOB NOT NULL,
	score   BLOB NOT NULL,
	result  BLOB NOT NULL
);
`

// Open opens (creating if needed) the ledger at path.
func Open(path string) (*Ledger, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serializes anyway
	if _, err := db.Exec(schema + accountSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	if err := addColumns(db, "tasks", map[string]string{
		"role":  `TEXT NOT NULL DEFAULT 'node'`,
		"audit": `TEXT NOT NULL DEFAULT ''`,
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	return &Ledger{db: db}, nil
}

// addColumns adds to table the columns a ledger written by an older
// version lacks (CREATE TABLE IF NOT EXISTS keeps the old shape).
func addColumns(db *sql.DB, table string, cols map[string]string) error {
	rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(cols)) {
		if have[name] {
			continue
		}
		if _, err := db.Exec(`ALTER TABLE ` + table + ` ADD COLUMN ` + name + ` ` + cols[name]); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (l *Ledger) Close() error { return l.db.Close() }

var validSteps = map[Step]bool{Received: true, Started: true, Finished: true, Committed: true, Disclosed: true, Settled: true}

// Receive records a task assigned to this node. Receiving it again (after
// a restart replays the event) changes nothing.
func (l *Ledger) Receive(ctx context.Context, id uint64, kind string, models []string, at time.Time) error {
	m, _ := json.Marshal(models)
	_, err := l.db.ExecContext(ctx,
		`INSERT INTO tasks (task_id, kind, models, received_at, updated_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT(task_id) DO NOTHING`, int64(id), kind, string(m), at.UnixMilli(), at.UnixMilli())
	return err
}

// Reopen makes a task this node handed back pending again: the network
// drew the node for it once more (a replacement draw may pick the node
// that yielded). What it did before stays recorded in the task's steps.
func (l *Ledger) Reopen(ctx context.Context, id uint64, at time.Time) error {
	_, err := l.db.ExecContext(ctx,
		`UPDATE tasks SET outcome = 'pending', reason = '', updated_at = ? WHERE task_id = ? AND outcome IN ('yielded', 'failed')`,
		at.UnixMilli(), int64(id))
	return err
}

// SetModels replaces the task's models with the IDs its arguments name
// (Receive records the chain's hashes; the arguments say more).
func (l *Ledger) SetModels(ctx context.Context, id uint64, models []string) error {
	m, _ := json.Marshal(models)
	_, err := l.db.ExecContext(ctx, `UPDATE tasks SET models = ? WHERE task_id = ?`, string(m), int64(id))
	return err
}

// Mark records that a task reached step at a time, with the hash of the
// transaction that did it (tx may be "": for example "commit", "disclose").
// Marking a step again keeps the first time.
func (l *Ledger) Mark(ctx context.Context, id uint64, step Step, at time.Time, txName, txHash string) error {
	if !validSteps[step] {
		return fmt.Errorf("ledger: unknown step %q", step)
	}
	res, err := l.db.ExecContext(ctx, fmt.Sprintf(
		`UPDATE tasks SET %[1]s = COALESCE(%[1]s, ?), updated_at = ?,
		   txs = CASE WHEN ? = '' THEN txs ELSE json_set(txs, '$.' || ?, ?) END
		 WHERE task_id = ?`, step),
		at.UnixMilli(), at.UnixMilli(), txName, txName, txHash, int64(id))
	if err != nil {
		return err
	}
	return mustOne(res, id)
}

// Settle records how a task ended for this node. Settling again replaces
// the outcome (a yielded task can still be recorded as such once).
func (l *Ledger) Settle(ctx context.Context, id uint64, o Outcome, earned, lost *big.Int, reason string, at time.Time) error {
	res, err := l.db.ExecContext(ctx,
		`UPDATE tasks SET outcome = ?, earned_wei = ?, lost_wei = ?, reason = ?,
		   settled_at = COALESCE(settled_at, ?), updated_at = ? WHERE task_id = ?`,
		string(o), weiText(earned), weiText(lost), reason, at.UnixMilli(), at.UnixMilli(), int64(id))
	if err != nil {
		return err
	}
	return mustOne(res, id)
}

// SetAudit records the seat this node held in a task and what an audit
// of it found.
func (l *Ledger) SetAudit(ctx context.Context, id uint64, r Role, a Audit) error {
	res, err := l.db.ExecContext(ctx, `UPDATE tasks SET role = ?, audit = ? WHERE task_id = ?`, string(r), string(a), int64(id))
	if err != nil {
		return err
	}
	return mustOne(res, id)
}

func mustOne(res sql.Result, id uint64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("ledger: no task %d", id)
	}
	return nil
}

func weiText(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// Get returns one task's entry.
func (l *Ledger) Get(ctx context.Context, id uint64) (Entry, error) {
	rows, err := l.query(ctx, `WHERE task_id = ?`, int64(id))
	if err != nil {
		return Entry{}, err
	}
	if len(rows) == 0 {
		return Entry{}, fmt.Errorf("ledger: no task %d", id)
	}
	return rows[0], nil
}

// Recent returns the last n tasks, newest first.
func (l *Ledger) Recent(ctx context.Context, n int) ([]Entry, error) {
	return l.query(ctx, `ORDER BY COALESCE(received_at, updated_at) DESC, task_id DESC LIMIT ?`, n)
}

// Pending returns the tasks not yet settled, oldest first: what a restart
// must pick up.
func (l *Ledger) Pending(ctx context.Context) ([]Entry, error) {
	return l.query(ctx, `WHERE outcome = 'pending' ORDER BY task_id`)
}

func (l *Ledger) query(ctx context.Context, tail string, args ...any) ([]Entry, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT task_id, kind, models, received_at, started_at, finished_at,
		committed_at, disclosed_at, settled_at, earned_wei, lost_wei, txs, outcome, reason, updated_at, role, audit FROM tasks `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var (
			e            Entry
			id           int64
			models, txs  string
			earned, lost string
			outcome      string
			role, audit  string
			times        [6]sql.NullInt64
			updated      int64
		)
		if err := rows.Scan(&id, &e.Kind, &models, &times[0], &times[1], &times[2], &times[3], &times[4], &times[5],
			&earned, &lost, &txs, &outcome, &e.Reason, &updated, &role, &audit); err != nil {
			return nil, err
		}
		e.TaskID, e.Outcome, e.UpdatedAt = uint64(id), Outcome(outcome), time.UnixMilli(updated)
		e.Role, e.Audit = Role(role), Audit(audit)
		if err := json.Unmarshal([]byte(models), &e.Models); err != nil {
			return nil, fmt.Errorf("ledger: task %d models: %w", id, err)
		}
		if err := json.Unmarshal([]byte(txs), &e.Txs); err != nil {
			return nil, fmt.Errorf("ledger: task %d txs: %w", id, err)
		}
		e.Times = map[Step]time.Time{}
		for i, s := range []Step{Received, Started, Finished, Committed, Disclosed, Settled} {
			if times[i].Valid {
				e.Times[s] = time.UnixMilli(times[i].Int64)
			}
		}
		var ok bool
		if e.Earned, ok = new(big.Int).SetString(earned, 10); !ok {
			return nil, fmt.Errorf("ledger: task %d: earned %q is not a number", id, earned)
		}
		if e.Lost, ok = new(big.Int).SetString(lost, 10); !ok {
			return nil, fmt.Errorf("ledger: task %d: lost %q is not a number", id, lost)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Bucket is the earnings of one hour or day.
type Bucket struct {
	Start  time.Time
	Earned *big.Int // wei
	Tasks  int      // tasks settled in it
}

// EarningsBy sums what was earned per period (time.Hour or 24*time.Hour,
// aligned to loc's midnight for days) for tasks settled in [from, to).
// Every period of the range is present, empty ones with zero.
func (l *Ledger) EarningsBy(ctx context.Context, period time.Duration, from, to time.Time, loc *time.Location) ([]Bucket, error) {
	if period != time.Hour && period != 24*time.Hour {
		return nil, errors.New("ledger: period must be an hour or a day")
	}
	start := truncate(from.In(loc), period)
	var buckets []Bucket
	index := map[int64]int{}
	for t := start; t.Before(to); t = step(t, period) {
		index[t.Unix()] = len(buckets)
		buckets = append(buckets, Bucket{Start: t, Earned: new(big.Int)})
	}
	rows, err := l.db.QueryContext(ctx,
		`SELECT settled_at, earned_wei FROM tasks WHERE settled_at >= ? AND settled_at < ? AND outcome != 'pending'`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var wei string
		if err := rows.Scan(&at, &wei); err != nil {
			return nil, err
		}
		v, ok := new(big.Int).SetString(wei, 10)
		if !ok {
			return nil, fmt.Errorf("ledger: earned %q is not a number", wei)
		}
		i, found := index[truncate(time.UnixMilli(at).In(loc), period).Unix()]
		if !found {
			continue
		}
		buckets[i].Earned.Add(buckets[i].Earned, v)
		buckets[i].Tasks++
	}
	return buckets, rows.Err()
}

func truncate(t time.Time, period time.Duration) time.Time {
	if period == time.Hour {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, t.Location())
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func step(t time.Time, period time.Duration) time.Time {
	if period == time.Hour {
		return t.Add(time.Hour)
	}
	return t.AddDate(0, 0, 1) // a calendar day, across daylight saving changes
}

// Totals sums the whole ledger.
type Totals struct {
	Tasks    int
	ByResult map[Outcome]int
	Earned   *big.Int
	Lost     *big.Int
}

// Totals returns the sums over every task.
func (l *Ledger) Totals(ctx context.Context) (Totals, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT outcome, earned_wei, lost_wei FROM tasks`)
	if err != nil {
		return Totals{}, err
	}
	defer rows.Close()
	t := Totals{ByResult: map[Outcome]int{}, Earned: new(big.Int), Lost: new(big.Int)}
	for rows.Next() {
		var o, e, lo string
		if err := rows.Scan(&o, &e, &lo); err != nil {
			return Totals{}, err
		}
		ev, ok1 := new(big.Int).SetString(e, 10)
		lv, ok2 := new(big.Int).SetString(lo, 10)
		if !ok1 || !ok2 {
			return Totals{}, fmt.Errorf("ledger: amounts %q/%q are not numbers", e, lo)
		}
		t.Tasks++
		t.ByResult[Outcome(o)]++
		t.Earned.Add(t.Earned, ev)
		t.Lost.Add(t.Lost, lv)
	}
	return t, rows.Err()
}

// Usage is how a model served: the tasks that named it and the last time
// one was received.
type Usage struct {
	Tasks int
	Last  time.Time
}

// ModelUsage returns the usage of every model the ledger names, by the
// model as the task named it (the chain's hash, hex).
func (l *Ledger) ModelUsage(ctx context.Context) (map[string]Usage, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT models, received_at FROM tasks`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Usage{}
	for rows.Next() {
		var models string
		var at sql.NullInt64
		if err := rows.Scan(&models, &at); err != nil {
			return nil, err
		}
		var ms []string
		if err := json.Unmarshal([]byte(models), &ms); err != nil {
			return nil, fmt.Errorf("ledger: models %q: %w", models, err)
		}
		for _, m := range ms {
			u := out[m]
			u.Tasks++
			if at.Valid {
				if t := time.UnixMilli(at.Int64); t.After(u.Last) {
					u.Last = t
				}
			}
			out[m] = u
		}
	}
	return out, rows.Err()
}

// Cursor is the chain.CursorStore of the node's event stream, kept in the
// ledger so a restart resumes exactly where the recorded effects stop.
type Cursor struct{ l *Ledger }

// Cursor returns the ledger's cursor store.
func (l *Ledger) Cursor() Cursor { return Cursor{l} }

// Load reads the saved cursor.
func (c Cursor) Load() (chain.Cursor, bool, error) {
	var v string
	err := c.l.db.QueryRow(`SELECT value FROM meta WHERE key = 'cursor'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return chain.Cursor{}, false, nil
	}
	if err != nil {
		return chain.Cursor{}, false, err
	}
	var cur chain.Cursor
	if err := json.Unmarshal([]byte(v), &cur); err != nil {
		return chain.Cursor{}, false, fmt.Errorf("ledger: corrupt cursor %q: %w", v, err)
	}
	return cur, true, nil
}

// Save stores the cursor.
func (c Cursor) Save(cur chain.Cursor) error {
	b, _ := json.Marshal(cur)
	_, err := c.l.db.Exec(`INSERT INTO meta (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, string(b))
	return err
}

// Progress is what a node must not lose between computing a task and
// disclosing it: the secret nonce and the score it commits to, and the
// result files (a relay bundle) it may upload. It is saved before the
// commitment is sent.
type Progress struct {
	Nonce  [32]byte
	Score  []byte
	Result []byte
}

// SaveProgress stores a task's progress durably (synchronous WAL commit).
func (l *Ledger) SaveProgress(ctx context.Context, id uint64, p Progress) error {
	_, err := l.db.ExecContext(ctx,
		`INSERT INTO progress (task_id, nonce, score, result) VALUES (?, ?, ?, ?)
		 ON CONFLICT(task_id) DO UPDATE SET nonce = excluded.nonce, score = excluded.score, result = excluded.result`,
		int64(id), p.Nonce[:], p.Score, nonNil(p.Result))
	return err
}

// nonNil is b, or an empty blob for nil: a vote without a result (the
// arguments were missing) is stored as one, not as SQL NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// LoadProgress returns a task's saved progress; ok is false when none.
func (l *Ledger) LoadProgress(ctx context.Context, id uint64) (p Progress, ok bool, err error) {
	var nonce []byte
	err = l.db.QueryRowContext(ctx, `SELECT nonce, score, result FROM progress WHERE task_id = ?`, int64(id)).Scan(&nonce, &p.Score, &p.Result)
	if errors.Is(err, sql.ErrNoRows) {
		return Progress{}, false, nil
	}
	if err != nil {
		return Progress{}, false, err
	}
	if len(nonce) != 32 {
		return Progress{}, false, fmt.Errorf("ledger: task %d: corrupt nonce", id)
	}
	copy(p.Nonce[:], nonce)
	return p, true, nil
}

// DropProgress forgets a settled task's progress.
func (l *Ledger) DropProgress(ctx context.Context, id uint64) error {
	_, err := l.db.ExecContext(ctx, `DELETE FROM progress WHERE task_id = ?`, int64(id))
	return err
}
