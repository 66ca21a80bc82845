package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Move is what happened to the node's money outside a task. The values
// are stored and cross the API; they never change.
type Move string

// Moves.
const (
	MoveStaked        Move = "staked"         // joined: the stake left the wallet for the registry
	MoveQuit          Move = "quit"           // the owner asked to leave (the stake is returned once it lands)
	MoveRemoved       Move = "removed"        // the network removed the node (Detail: kicked or slashed)
	MoveStakeReturned Move = "stake_returned" // the registry's returned stake withdrawn to the wallet
	MoveFeesClaimed   Move = "fees_claimed"   // the fees owed withdrawn to the wallet
	MoveSent          Move = "sent"           // sent from the wallet to the owner's address (Detail)
)

// AccountEntry is one money movement, with the transaction that made it.
type AccountEntry struct {
	ID     int64
	At     time.Time
	Move   Move
	Amount *big.Int // wei; 0 when none moved (a quit)
	Tx     string   // "" when no transaction (a removal seen on chain)
	Detail string   // the address sent to; why a node was removed
}

const accountSchema = `
CREATE TABLE IF NOT EXISTS account (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	move       TEXT    NOT NULL,
	amount_wei TEXT    NOT NULL DEFAULT '0',
	tx         TEXT    NOT NULL DEFAULT '',
	detail     TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS account_tx ON account(tx) WHERE tx != '';
`

var validMoves = map[Move]bool{MoveStaked: true, MoveQuit: true, MoveRemoved: true, MoveStakeReturned: true, MoveFeesClaimed: true, MoveSent: true}

// Record adds a money movement. Recording a transaction again (a step
// retried after a crash) changes nothing.
func (l *Ledger) Record(ctx context.Context, e AccountEntry) error {
	if !validMoves[e.Move] {
		return fmt.Errorf("ledger: unknown move %q", e.Move)
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	_, err := l.db.ExecContext(ctx,
		`INSERT INTO account (at, move, amount_wei, tx, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		e.At.UnixMilli(), string(e.Move), weiText(e.Amount), e.Tx, e.Detail)
	return err
}

// Account returns the last n money movements, newest first.
func (l *Ledger) Account(ctx context.Context, n int) ([]AccountEntry, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, at, move, amount_wei, tx, detail FROM account ORDER BY id DESC LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountEntry
	for rows.Next() {
		var e AccountEntry
		var at int64
		var amount string
		if err := rows.Scan(&e.ID, &at, &e.Move, &amount, &e.Tx, &e.Detail); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(at)
		var ok bool
		if e.Amount, ok = new(big.Int).SetString(amount, 10); !ok {
			return nil, fmt.Errorf("ledger: account entry %d: bad amount %q", e.ID, amount)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Membership is what the owner wants of the network: the node stays out
// once the owner left, whatever restarts in between.
type Membership string

// Memberships.
const (
	MembershipNone   Membership = ""       // never joined
	MembershipMember Membership = "member" // joined; rejoins when removed, as the settings allow
	MembershipLeft   Membership = "left"   // the owner left the network
	// The network removed the node; it waits for the owner, or rejoins
	// by itself after a kick when the settings allow.
	MembershipKicked  Membership = "kicked"  // its QoS fell too low; the stake came back
	MembershipSlashed Membership = "slashed" // its result disagreed; the stake is lost
)

// Membership returns the owner's recorded intent.
func (l *Ledger) Membership(ctx context.Context) (Membership, error) {
	var v string
	err := l.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'membership'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return MembershipNone, nil
	}
	if err != nil {
		return MembershipNone, err
	}
	switch m := Membership(v); m {
	case MembershipMember, MembershipLeft, MembershipKicked, MembershipSlashed:
		return m, nil
	}
	return MembershipNone, fmt.Errorf("ledger: bad membership %q", v)
}

// SetMembership records the owner's intent.
func (l *Ledger) SetMembership(ctx context.Context, m Membership) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('membership', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, string(m))
	return err
}
