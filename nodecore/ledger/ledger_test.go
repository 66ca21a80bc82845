package ledger

import (
	"context"
	"database/sql"
	"math/big"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hydrogen-network/hydrogen/nodecore/chain"
)

var ctx = context.Background()

func open(t *testing.T) (*Ledger, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, p
}

func TestTaskLifeAndReopen(t *testing.T) {
	l, p := open(t)
	t0 := time.Date(2026, 11, 21, 10, 15, 0, 0, time.UTC)
	if err := l.Receive(ctx, 7, "image", []string{"base:sd15", "lora:x"}, t0); err != nil {
		t.Fatal(err)
	}
	// A replayed event must not add a row or change the first time.
	if err := l.Receive(ctx, 7, "image", []string{"other"}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		step   Step
		tx, at string
	}{{Started, "", ""}, {Finished, "", ""}, {Committed, "commit", "0xc0"}, {Disclosed, "disclose", "0xd1"}}
	for i, s := range steps {
		if err := l.Mark(ctx, 7, s.step, t0.Add(time.Duration(i+1)*time.Second), s.tx, s.at); err != nil {
			t.Fatal(err)
		}
	}
	// Marking again keeps the first time.
	if err := l.Mark(ctx, 7, Committed, t0.Add(time.Hour), "", ""); err != nil {
		t.Fatal(err)
	}
	fee, _ := new(big.Int).SetString("333333333333333333", 10)
	if err := l.Settle(ctx, 7, Paid, fee, nil, "", t0.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	l.Close()

	l2, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	e, err := l2.Get(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "image" || len(e.Models) != 2 || e.Outcome != Paid || e.Earned.Cmp(fee) != 0 || e.Lost.Sign() != 0 {
		t.Fatalf("entry %+v", e)
	}
	if !e.Times[Received].Equal(t0) || !e.Times[Committed].Equal(t0.Add(3*time.Second)) || !e.Times[Settled].Equal(t0.Add(10*time.Second)) {
		t.Fatalf("times %v", e.Times)
	}
	if e.Txs["commit"] != "0xc0" || e.Txs["disclose"] != "0xd1" {
		t.Fatalf("txs %v", e.Txs)
	}
	tot, err := l2.Totals(ctx)
	if err != nil || tot.Tasks != 1 || tot.ByResult[Paid] != 1 || tot.Earned.Cmp(fee) != 0 {
		t.Fatalf("totals %+v %v", tot, err)
	}
}

func TestRejectsUnknownTasksAndSteps(t *testing.T) {
	l, _ := open(t)
	if err := l.Mark(ctx, 1, Started, time.Now(), "", ""); err == nil {
		t.Error("marked a task never received")
	}
	if err := l.Settle(ctx, 1, Paid, big.NewInt(1), nil, "", time.Now()); err == nil {
		t.Error("settled a task never received")
	}
	_ = l.Receive(ctx, 1, "text", nil, time.Now())
	if err := l.Mark(ctx, 1, Step("started_at; DROP TABLE tasks"), time.Now(), "", ""); err == nil {
		t.Error("an unknown step was accepted")
	}
	if _, err := l.Get(ctx, 1); err != nil {
		t.Errorf("the table survived? %v", err)
	}
}

func TestEarningsByHourAndDay(t *testing.T) {
	l, _ := open(t)
	base := time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC)
	wei := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e17)) }
	for i, s := range []struct {
		at  time.Duration
		o   Outcome
		fee *big.Int
	}{
		{0, Paid, wei(1)},
		{10 * time.Minute, Paid, wei(2)},
		{45 * time.Minute, Aborted, nil}, // 23:15
		{2 * time.Hour, Paid, wei(4)},    // 00:30 next day
		{26 * time.Hour, Slashed, nil},   // next day 00:30
	} {
		id := uint64(i + 1)
		if err := l.Receive(ctx, id, "image", nil, base.Add(s.at)); err != nil {
			t.Fatal(err)
		}
		if err := l.Settle(ctx, id, s.o, s.fee, nil, "", base.Add(s.at)); err != nil {
			t.Fatal(err)
		}
	}
	// One still running: never counted.
	_ = l.Receive(ctx, 99, "text", nil, base)

	hours, err := l.EarningsBy(ctx, time.Hour, base, base.Add(3*time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		wei   *big.Int
		tasks int
	}{{wei(3), 2}, {wei(0), 1}, {wei(4), 1}, {wei(0), 0}} // 22:00, 23:00, 00:00, 01:00
	if len(hours) != len(want) {
		t.Fatalf("%d hour buckets, want %d", len(hours), len(want))
	}
	for i, w := range want {
		if hours[i].Earned.Cmp(w.wei) != 0 || hours[i].Tasks != w.tasks {
			t.Errorf("hour %s: %s in %d tasks, want %s in %d", hours[i].Start, hours[i].Earned, hours[i].Tasks, w.wei, w.tasks)
		}
	}
	days, err := l.EarningsBy(ctx, 24*time.Hour, base.Add(-time.Hour), base.Add(48*time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || days[0].Earned.Cmp(wei(3)) != 0 || days[0].Tasks != 3 || days[1].Earned.Cmp(wei(4)) != 0 || days[2].Tasks != 1 || days[2].Earned.Sign() != 0 {
		t.Fatalf("days %+v", days)
	}
	if _, err := l.EarningsBy(ctx, time.Minute, base, base, time.UTC); err == nil {
		t.Error("a minute period was accepted")
	}
	recent, err := l.Recent(ctx, 2)
	if err != nil || len(recent) != 2 || recent[0].TaskID != 5 {
		t.Fatalf("recent %v %v", recent, err)
	}
	pend, err := l.Pending(ctx)
	if err != nil || len(pend) != 1 || pend[0].TaskID != 99 {
		t.Fatalf("pending %v %v", pend, err)
	}
}

func TestCursorStore(t *testing.T) {
	l, _ := open(t)
	c := l.Cursor()
	if _, ok, err := c.Load(); ok || err != nil {
		t.Fatalf("fresh cursor: %v %v", ok, err)
	}
	for _, cur := range []chain.Cursor{{Block: 5}, {Block: 9, LogIndex: 3}} {
		if err := c.Save(cur); err != nil {
			t.Fatal(err)
		}
		got, ok, err := c.Load()
		if err != nil || !ok || got != cur {
			t.Fatalf("cursor %+v %v %v, want %+v", got, ok, err, cur)
		}
	}
}

func TestConcurrentWritersLoseNoRow(t *testing.T) {
	l, _ := open(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				id := uint64(g*100 + i + 1)
				if err := l.Receive(ctx, id, "text", nil, time.Now()); err != nil {
					t.Error(err)
				}
				if err := l.Settle(ctx, id, Paid, big.NewInt(1), nil, "", time.Now()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	tot, err := l.Totals(ctx)
	if err != nil || tot.Tasks != 200 || tot.Earned.Int64() != 200 {
		t.Fatalf("totals %+v %v", tot, err)
	}
}

func TestProgressSurvivesReopen(t *testing.T) {
	l, p := open(t)
	if _, ok, err := l.LoadProgress(ctx, 3); ok || err != nil {
		t.Fatalf("progress before any: %v %v", ok, err)
	}
	want := Progress{Nonce: [32]byte{1, 2, 3}, Score: []byte{9, 9}, Result: []byte("bundle")}
	if err := l.SaveProgress(ctx, 3, want); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l2, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	got, ok, err := l2.LoadProgress(ctx, 3)
	if err != nil || !ok || got.Nonce != want.Nonce || string(got.Score) != string(want.Score) || string(got.Result) != "bundle" {
		t.Fatalf("progress %+v %v %v", got, ok, err)
	}
	if err := l2.DropProgress(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := l2.LoadProgress(ctx, 3); ok {
		t.Fatal("dropped progress came back")
	}
	// A vote without a result (the task's arguments were missing) is
	// progress too.
	none := Progress{Nonce: [32]byte{4}, Score: []byte{0xff}}
	if err := l2.SaveProgress(ctx, 4, none); err != nil {
		t.Fatalf("saving a vote without a result: %v", err)
	}
	if got, ok, err := l2.LoadProgress(ctx, 4); err != nil || !ok || got.Nonce != none.Nonce || len(got.Result) != 0 {
		t.Fatalf("progress %+v %v %v", got, ok, err)
	}
}

// TestAuditRecorded: the seat held and what an audit found are kept, and
// a ledger written before they existed opens with its rows intact (their
// role the task's own node, no audit) and records them from then on.
func TestAuditRecorded(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ledger.db")
	old, err := sql.Open("sqlite", "file:"+p)
	if err != nil {
		t.Fatal(err)
	}
	// The tasks table as version 0.1 wrote it.
	if _, err := old.Exec(`CREATE TABLE tasks (
		task_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, models TEXT NOT NULL,
		received_at INTEGER, started_at INTEGER, finished_at INTEGER, committed_at INTEGER,
		disclosed_at INTEGER, settled_at INTEGER, earned_wei TEXT NOT NULL DEFAULT '0',
		lost_wei TEXT NOT NULL DEFAULT '0', txs TEXT NOT NULL DEFAULT '{}',
		outcome TEXT NOT NULL DEFAULT 'pending', reason TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL);
		INSERT INTO tasks (task_id, kind, models, received_at, earned_wei, outcome, updated_at)
		VALUES (3, 'image', '["m"]', 1000, '42', 'paid', 1000);`); err != nil {
		t.Fatal(err)
	}
	old.Close()

	for range 2 { // the second open finds the columns there
		l, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		e, err := l.Get(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if e.Earned.Int64() != 42 || e.Outcome != Paid || e.Role != RoleNode || e.Audit != AuditNone {
			t.Fatalf("the old row: %+v", e)
		}
		l.Close()
	}
	l, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	at := time.Unix(2000, 0)
	if err := l.Receive(ctx, 4, "image", []string{"m"}, at); err != nil {
		t.Fatal(err)
	}
	if err := l.SetAudit(ctx, 4, RoleAuditor, AuditWrong); err != nil {
		t.Fatal(err)
	}
	if err := l.SetAudit(ctx, 5, RoleNode, AuditRight); err == nil {
		t.Fatal("SetAudit on a task the ledger does not have succeeded")
	}
	e, err := l.Get(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if e.Role != RoleAuditor || e.Audit != AuditWrong {
		t.Fatalf("recorded %q %q, want auditor, wrong", e.Role, e.Audit)
	}
}
