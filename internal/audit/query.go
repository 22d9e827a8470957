package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// Filter selects entries; zero fields select everything.
type Filter struct {
	Actor    string    // the actor's email or name contains this
	Service  string    // the service's slug is this
	Action   string    // the action contains this ("feedback", "POST /login")
	Outcome  string    // done or refused
	From, To time.Time // at in [From, To)
}

// List returns the entries flt selects, newest first, limit of them from
// offset, and how many it selects in all.
func (l *Log) List(ctx context.Context, flt Filter, offset, limit int) ([]Entry, int, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	contains := func(column, v string) string {
		if l.db.Dialect() == store.Postgres {
			return `strpos(lower(` + column + `), lower(` + arg(v) + `)) > 0`
		}
		return `instr(lower(` + column + `), lower(` + arg(v) + `)) > 0`
	}
	if flt.Actor != "" {
		conds = append(conds, contains("actor", flt.Actor))
	}
	if flt.Service != "" {
		conds = append(conds, `service = `+arg(flt.Service))
	}
	if flt.Action != "" {
		conds = append(conds, contains("action", flt.Action))
	}
	if flt.Outcome != "" {
		conds = append(conds, `outcome = `+arg(flt.Outcome))
	}
	if !flt.From.IsZero() {
		conds = append(conds, `at >= `+arg(flt.From.UTC()))
	}
	if !flt.To.IsZero() {
		conds = append(conds, `at < `+arg(flt.To.UTC()))
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	var total int
	if err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	entries := []Entry{}
	if total <= offset || limit == 0 {
		return entries, total, nil
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, at, actor_kind, user_id, token_id, actor, address, action, target, service, outcome, status, details
		FROM audit_log WHERE `+where+fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT %d OFFSET %d`, limit, offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var details string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorKind, &e.UserID, &e.TokenID, &e.Actor, &e.Address, &e.Action, &e.Target,
			&e.Service, &e.Outcome, &e.Status, &details); err != nil {
			return nil, 0, fmt.Errorf("audit: list: %w", err)
		}
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, 0, fmt.Errorf("audit: entry %d: %w", e.ID, err)
		}
		e.At = e.At.UTC()
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	return entries, total, nil
}
