package analytics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
)

// sqlEvents is the EventStore on SQLite or PostgreSQL: the analytics_*
// tables of the main database. Its Stats is the query engine of
// stats*.go, its WriteBatch the transaction of write.go.
type sqlEvents struct {
	db       *store.DB
	segments *segments // the column engine's days (segment.go)
}

var _ EventStore = (*sqlEvents)(nil)

// NewEventStore keeps events in db's analytics tables.
func NewEventStore(db *store.DB) EventStore { return &sqlEvents{db: db, segments: newSegments()} }

// WriteBatch stores b with write, and forgets the days it changed.
func (s *sqlEvents) WriteBatch(ctx context.Context, b *batch) error {
	if err := write(ctx, s.db, b); err != nil {
		return err
	}
	for service, span := range b.spans() {
		s.segments.forget(service, span[0], span[1])
	}
	return nil
}

// HasEvents reads one row of the (service_id, ts) index.
func (s *sqlEvents) HasEvents(ctx context.Context, serviceID int64) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM analytics_events WHERE service_id = $1 LIMIT 1`, serviceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for events of service %d: %w", serviceID, err)
	}
	return true, nil
}

// DataDays reads the rollups' first and last day by their primary key.
func (s *sqlEvents) DataDays(ctx context.Context, serviceID int64) (first, last int32, ok bool, err error) {
	var lo, hi sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT MIN(day), MAX(day) FROM analytics_daily WHERE service_id = $1`, serviceID).Scan(&lo, &hi)
	if err != nil {
		return 0, 0, false, fmt.Errorf("read the days of service %d: %w", serviceID, err)
	}
	return int32(lo.Int64), int32(hi.Int64), lo.Valid, nil
}

// StringIDs reads the dictionary by its UNIQUE value index.
func (s *sqlEvents) StringIDs(ctx context.Context, values []string) (map[string]int64, error) {
	ids := map[string]int64{}
	if len(values) == 0 {
		return ids, nil
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	err := s.readStrings(ctx, ids, `SELECT id, value FROM analytics_strings WHERE value IN (`+store.Placeholders(1, len(args))+`)`, args...)
	return ids, err
}

// StringsWithPrefix reads the range [prefix, prefix+U+10FFFF), which holds
// every string starting with prefix bar those continuing with that
// unassigned code point. It uses the UNIQUE index on SQLite (whose
// comparison is by bytes) and, compared in the "C" collation, scans the
// table on PostgreSQL, whose default collations do not order by bytes.
func (s *sqlEvents) StringsWithPrefix(ctx context.Context, prefix string) (map[string]int64, error) {
	q := `SELECT id, value FROM analytics_strings WHERE value >= $1 AND value < $2`
	if s.db.Dialect() == store.Postgres {
		q = `SELECT id, value FROM analytics_strings WHERE value COLLATE "C" >= $1 AND value COLLATE "C" < $2`
	}
	ids := map[string]int64{}
	err := s.readStrings(ctx, ids, q, prefix, prefix+"\U0010FFFF")
	return ids, err
}

func (s *sqlEvents) readStrings(ctx context.Context, ids map[string]int64, q string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("look up strings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return fmt.Errorf("look up strings: %w", err)
		}
		ids[v] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up strings: %w", err)
	}
	return nil
}

// maxPageIDs bounds the page ids a step query lists; beyond it the page
// test moves from SQL to Go (a "/**" goal on a site with many pages).
const maxPageIDs = 500

// StepEvents runs one SELECT per kind of step rather than an OR, so that
// each finds its rows in the (service_id, name, page, ts) index. An event
// both parts return (an event goal named "pageview") comes twice; a
// funnel walk merges events of one timestamp, so that is harmless.
func (s *sqlEvents) StepEvents(ctx context.Context, q StepQuery, fn func(StepEvent)) error {
	group := "visitor_id"
	if q.By == BySession {
		group = "session_id"
	}
	args := []any{q.Service, q.From, q.To}
	var parts []string
	var pageSet map[int64]bool // the pages to test here, when too many to list
	sel := `SELECT ` + group + `, ts, name, page FROM analytics_events WHERE service_id = $1 AND ts >= $2 AND ts < $3 AND `
	if len(q.Names) > 0 {
		parts = append(parts, sel+`name IN (`+store.Placeholders(len(args)+1, len(q.Names))+`)`)
		for _, id := range q.Names {
			args = append(args, id)
		}
	}
	if q.PageName != 0 && len(q.Pages) > 0 {
		args = append(args, q.PageName)
		cond := fmt.Sprintf(`name = $%d`, len(args))
		if len(q.Pages) <= maxPageIDs {
			cond += ` AND page IN (` + store.Placeholders(len(args)+1, len(q.Pages)) + `)`
			for _, id := range q.Pages {
				args = append(args, id)
			}
		} else {
			pageSet = make(map[int64]bool, len(q.Pages))
			for _, id := range q.Pages {
				pageSet[id] = true
			}
		}
		parts = append(parts, sel+cond)
	}
	if len(parts) == 0 {
		return nil
	}
	query := strings.Join(parts, " UNION ALL ")
	if q.Ordered {
		query = `SELECT * FROM (` + query + `) steps ORDER BY ` + group + `, ts`
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read step events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev StepEvent
		if err := rows.Scan(&ev.Key, &ev.TS, &ev.Name, &ev.Page); err != nil {
			return fmt.Errorf("read step events: %w", err)
		}
		if pageSet != nil && ev.Name == q.PageName && !pageSet[ev.Page] && !slices.Contains(q.Names, ev.Name) {
			continue
		}
		fn(ev)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read step events: %w", err)
	}
	return nil
}

// RecentVisitors reads visits by their last event's time (an index), not
// events: a busy service has ten times more events, and five minutes of
// them took over a second at 20,000 events/s.
func (s *sqlEvents) RecentVisitors(ctx context.Context, serviceID int64, since time.Time) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(DISTINCT visitor_id) FROM analytics_sessions
		WHERE service_id = $1 AND end_ts >= $2`, serviceID, since.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recent visitors of service %d: %w", serviceID, err)
	}
	return n, nil
}

func (s *sqlEvents) Arrivals(ctx context.Context, serviceID int64, since time.Time) (int64, time.Time, error) {
	var n int64
	var last sql.NullInt64
	// Both read the (service_id, ts) index: the count only the range.
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM analytics_events WHERE service_id = $1 AND ts >= $2`,
		serviceID, since.UnixMilli()).Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("count arrivals of service %d: %w", serviceID, err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT max(ts) FROM analytics_events WHERE service_id = $1`, serviceID).Scan(&last); err != nil {
		return 0, time.Time{}, fmt.Errorf("last arrival of service %d: %w", serviceID, err)
	}
	if !last.Valid {
		return n, time.Time{}, nil
	}
	return n, time.UnixMilli(last.Int64), nil
}

// PropNames lists the property names of the events in the range by how
// many events carry each, from the days in columns when the column engine
// takes the range (reading every event's JSON took 0.45 s at a million
// events). Names the Stats API cannot query (see prepare) are left out.
func (s *sqlEvents) PropNames(ctx context.Context, serviceID int64, r statsquery.DateRange, limit int) ([]string, error) {
	fit, err := s.columnsFit(ctx, serviceID, r)
	if err != nil {
		return nil, err
	}
	if fit == columnsTake {
		return s.colPropNames(ctx, serviceID, r, limit)
	}
	return s.sqlPropNames(ctx, serviceID, r.From, r.To, limit)
}

// sqlPropNames is PropNames from the raw events.
func (s *sqlEvents) sqlPropNames(ctx context.Context, serviceID int64, from, to time.Time, limit int) ([]string, error) {
	q := `SELECT j.key FROM analytics_events e, json_each(NULLIF(e.props, '')) j
		WHERE e.service_id = $1 AND e.ts >= $2 AND e.ts < $3
		GROUP BY j.key ORDER BY count(*) DESC, j.key LIMIT $4`
	if s.db.Dialect() == store.Postgres {
		q = `SELECT k FROM analytics_events e, jsonb_object_keys(NULLIF(e.props, '')::jsonb) k
			WHERE e.service_id = $1 AND e.ts >= $2 AND e.ts < $3
			GROUP BY k ORDER BY count(*) DESC, k LIMIT $4`
	}
	rows, err := s.db.QueryContext(ctx, q, serviceID, from.UnixMilli(), to.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("list property names: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if queryableProp(n) && len(n) <= statsquery.MaxPropName {
			names = append(names, n)
		}
	}
	return names, rows.Err()
}
