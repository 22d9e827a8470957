// Package audit keeps the audit log: who changed what, when and from
// where — every change a person or an API token makes through liveops's
// pages and API, and every sign-in and failed sign-in — for a government
// team's accountability. Entries are recorded in one place, by the
// Middleware every page and API route passes through (web.Router.Audit);
// a handler may add what changed (Changed) or who signed in (Actor).
// Nothing in the log can be edited or deleted, by liveops or by SQL: the
// database refuses it (migration 0021). Only the client address is
// cleared, once its retention has passed.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// DefaultAddressRetention is how long an entry keeps the client address.
const DefaultAddressRetention = 90 * 24 * time.Hour

// Log is the audit log in a database.
type Log struct {
	db  *store.DB
	now func() time.Time
}

// New returns the audit log kept in db.
func New(db *store.DB) *Log { return &Log{db: db, now: time.Now} }

// SetClock sets the log's clock; tests set it.
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// Actor kinds.
const (
	ActorUser      = "user"
	ActorToken     = "token"
	ActorAnonymous = "anonymous"
	ActorSystem    = "system"
)

// Outcomes.
const (
	Done    = "done"    // the change was made
	Refused = "refused" // a sign-in that failed
)

// Entry is one line of the log.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorKind string    `json:"actor_kind"`
	UserID    int64     `json:"user_id,omitempty"`
	TokenID   int64     `json:"token_id,omitempty"`
	Actor     string    `json:"actor"`
	Address   string    `json:"address"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Service   string    `json:"service,omitempty"`
	Outcome   string    `json:"outcome"`
	Status    int       `json:"status"`
	Details   Details   `json:"details"`
}

// Details are what an entry says of the change: the fields sent (secrets
// left out, personal data scrubbed) and, where the handler said, the thing
// before and after.
type Details struct {
	Fields map[string]string `json:"fields,omitempty"`
	Before any               `json:"before,omitempty"`
	After  any               `json:"after,omitempty"`
}

// Record adds e to the log, at the log's clock when e.At is zero.
func (l *Log) Record(ctx context.Context, e *Entry) error {
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("audit: encode details: %w", err)
	}
	err = l.db.Tx(ctx, func(tx store.Querier) error {
		return tx.QueryRowContext(ctx, `INSERT INTO audit_log
			(at, actor_kind, user_id, token_id, actor, address, action, target, service, outcome, status, details)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			e.At, e.ActorKind, e.UserID, e.TokenID, e.Actor, e.Address, e.Action, e.Target, e.Service, e.Outcome, e.Status, string(details)).Scan(&e.ID)
	})
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// ClearAddresses clears the client address of the entries older than
// keep, and says how many it cleared.
func (l *Log) ClearAddresses(ctx context.Context, keep time.Duration) (int64, error) {
	res, err := l.db.ExecContext(ctx, `UPDATE audit_log SET address = '' WHERE address <> '' AND at < $1`, l.now().Add(-keep).UTC())
	if err != nil {
		return 0, fmt.Errorf("audit: clear addresses: %w", err)
	}
	return res.RowsAffected()
}
