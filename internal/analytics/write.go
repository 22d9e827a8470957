package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/liveops/liveops/internal/store"
)

// storedEvent is an analytics_events row.
type storedEvent struct {
	service, ts, visitor, session, name, page, host int64
	props, revenue                                  string
	interactive                                     bool
	scrollDepth                                     int
	engagedMS                                       int64
	visit                                           visitIDs
}

// batch is what one write transaction stores.
type batch struct {
	events   []storedEvent
	sessions map[*session]struct{}
	deltas   *deltas
	progress *progress // the journal record the batch ends with, or nil
}

const eventColumns = `service_id, ts, visitor_id, session_id, name, page, hostname, props, revenue, interactive,
	scroll_depth, engaged_ms, source, referrer, channel, utm_source, utm_medium, utm_campaign, utm_term,
	utm_content, device, browser, browser_version, os, os_version, country, region, city, country_name,
	region_name, city_name`

const sessionColumns = `service_id, session_id, visitor_id, start_ts, end_ts, pageviews, events, bounce, entry_page,
	exit_page, hostname, exit_hostname, source, referrer, channel, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
	device, browser, browser_version, os, os_version, country, region, city, country_name, region_name, city_name`

// rowsPerInsert keeps a multi-row INSERT under SQLite's 32,766 parameters.
const rowsPerInsert = 500

// sqliteRows is rows per INSERT on SQLite: one. SQLite copies every page a
// multi-row INSERT or an upsert first touches into a statement journal (a
// temporary file) in case a later row fails, which costs more than the
// statement saves; one row at a time, with a statement prepared once per
// batch, needs none.
const sqliteRows = 1

// write stores a batch in one transaction: its events, the final state of
// the visits it touched, and its rollup changes. Either all of it is
// stored or none, so the rollups always agree with the events.
func write(ctx context.Context, db *store.DB, b *batch) error {
	w := newWriter(db)
	err := db.Tx(ctx, func(tx store.Querier) error {
		if err := b.progress.save(ctx, tx); err != nil {
			return err
		}
		if w.positional {
			// The writer's connection: a page cache that holds a batch's
			// dirty pages (the 2 MB default spills them to the WAL and
			// reads them back), and a checkpoint every few batches rather
			// than at every commit, since a batch dirties over 1,000 pages.
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8000`); err != nil {
				return err
			}
		}
		if err := w.insertEvents(ctx, tx, b.events); err != nil {
			return err
		}
		if err := w.upsertSessions(ctx, tx, b.sessions); err != nil {
			return err
		}
		if err := w.upsertDaily(ctx, tx, b.deltas); err != nil {
			return err
		}
		// Segments of the days the batch touched are out of date.
		for service, span := range b.spans() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_segments WHERE service_id = $1 AND day_start <= $2 AND day_end > $3`,
				service, span[1], span[0]); err != nil {
				return fmt.Errorf("drop segments: %w", err)
			}
		}
		return w.upsertHourly(ctx, tx, b.deltas)
	})
	if err != nil {
		return err
	}
	for s := range b.sessions {
		s.stored = true
	}
	return nil
}

// spans is, per service, the time [first, last] the batch changed: its
// events, and the whole of each visit it changed (a visit's events carry
// its exit page, which a later event changes).
func (b *batch) spans() map[int64][2]int64 {
	out := map[int64][2]int64{}
	add := func(service, lo, hi int64) {
		sp, ok := out[service]
		if !ok {
			sp = [2]int64{lo, hi}
		}
		out[service] = [2]int64{min(sp[0], lo), max(sp[1], hi)}
	}
	for _, e := range b.events {
		add(e.service, e.ts, e.ts)
	}
	for s := range b.sessions {
		add(s.service, s.start, s.active())
	}
	return out
}

// writer writes a batch's rows in the parameter style of its engine.
type writer struct {
	positional bool // ? rather than $N
	rows       int  // rows per INSERT statement
}

func newWriter(db *store.DB) *writer {
	// modernc's SQLite looks numbered parameters up by name, which makes a
	// statement with thousands of $N a hundred times slower to bind than
	// the same with plain ?; PostgreSQL only knows $N.
	if db.Dialect() == store.SQLite {
		return &writer{positional: true, rows: sqliteRows}
	}
	return &writer{rows: rowsPerInsert}
}

func (w *writer) placeholders(from, n int) string {
	if !w.positional {
		return store.Placeholders(from, n)
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// insertRows runs INSERT … VALUES with many rows per statement. The
// statement for a full chunk is prepared once and run for every full
// chunk: parsing a statement of thousands of parameters costs as much as
// running it.
func (w *writer) insertRows(ctx context.Context, tx store.Querier, head, tail string, cols, n int, row func(i int, args []any) []any) error {
	args := make([]any, 0, w.rows*cols)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += w.rows {
		end := min(start+w.rows, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if end-start < w.rows || n < 2*w.rows {
			if _, err := tx.ExecContext(ctx, w.insertSQL(head, tail, cols, end-start), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			p, ok := tx.(preparer)
			if !ok {
				return fmt.Errorf("insert rows: %T cannot prepare statements", tx)
			}
			var err error
			if full, err = p.PrepareContext(ctx, w.insertSQL(head, tail, cols, w.rows)); err != nil {
				return err
			}
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// preparer is what a transaction offers besides store.Querier.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// insertSQL is head, rows of cols placeholders each, and tail.
func (w *writer) insertSQL(head, tail string, cols, rows int) string {
	var q strings.Builder
	q.WriteString(head)
	for i := range rows {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(")
		q.WriteString(w.placeholders(i*cols+1, cols))
		q.WriteString(")")
	}
	q.WriteString(tail)
	return q.String()
}

func nullInt(v int64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

func (w *writer) insertEvents(ctx context.Context, tx store.Querier, evs []storedEvent) error {
	err := w.insertRows(ctx, tx, `INSERT INTO analytics_events (`+eventColumns+`) VALUES `, "", 31, len(evs), func(i int, a []any) []any {
		e := &evs[i]
		v := &e.visit
		return append(a, e.service, e.ts, e.visitor, e.session, e.name, e.page, e.host, e.props, e.revenue, e.interactive,
			nullInt(int64(e.scrollDepth), e.scrollDepth >= 0), nullInt(e.engagedMS, e.engagedMS >= 0),
			v.source, v.referrer, v.channel, v.utmSource, v.utmMedium, v.utmCampaign, v.utmTerm, v.utmContent,
			v.device, v.browser, v.browserVersion, v.os, v.osVersion, v.country,
			v.region, v.city, v.countryName, v.regionName, v.cityName)
	})
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

func (w *writer) upsertSessions(ctx context.Context, tx store.Querier, set map[*session]struct{}) error {
	list := make([]*session, 0, len(set))
	for s := range set {
		list = append(list, s)
	}
	if w.positional {
		var err error
		if list, err = w.updateSessions(ctx, tx, list); err != nil {
			return fmt.Errorf("update sessions: %w", err)
		}
	}
	err := w.insertRows(ctx, tx, `INSERT INTO analytics_sessions (`+sessionColumns+`) VALUES `,
		` ON CONFLICT (service_id, session_id) DO UPDATE SET end_ts = excluded.end_ts, pageviews = excluded.pageviews,
		events = excluded.events, bounce = excluded.bounce, exit_page = excluded.exit_page,
		exit_hostname = excluded.exit_hostname`,
		31, len(list), func(i int, a []any) []any {
			s := list[i]
			v := &s.visit
			return append(a, s.service, s.id, s.visitor, s.start, s.last, s.pageviews, s.events, s.bounce() == 1, s.entry,
				s.exit, s.host, s.exitHost, v.source, v.referrer, v.channel, v.utmSource, v.utmMedium, v.utmCampaign, v.utmTerm,
				v.utmContent, v.device, v.browser, v.browserVersion, v.os, v.osVersion, v.country,
				v.region, v.city, v.countryName, v.regionName, v.cityName)
		})
	if err != nil {
		return fmt.Errorf("upsert sessions: %w", err)
	}
	return nil
}

// updateSessions updates, one row at a time with one prepared statement,
// the rows of the visits an earlier batch stored: on SQLite that costs
// half what the upsert does, which binds every column and tries an insert
// first. It returns the visits left to upsert: those never stored, and
// any whose row is gone.
func (w *writer) updateSessions(ctx context.Context, tx store.Querier, list []*session) ([]*session, error) {
	var rest []*session
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for _, s := range list {
		if !s.stored {
			rest = append(rest, s)
			continue
		}
		if stmt == nil {
			p, ok := tx.(preparer)
			if !ok {
				return nil, fmt.Errorf("%T cannot prepare statements", tx)
			}
			var err error
			stmt, err = p.PrepareContext(ctx, `UPDATE analytics_sessions SET end_ts = ?, pageviews = ?, events = ?, bounce = ?, exit_page = ?,
				exit_hostname = ? WHERE service_id = ? AND session_id = ?`)
			if err != nil {
				return nil, err
			}
		}
		res, err := stmt.ExecContext(ctx, s.last, s.pageviews, s.events, s.bounce() == 1, s.exit, s.exitHost, s.service, s.id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			rest = append(rest, s)
		}
	}
	return rest, nil
}

const addCounts = ` DO UPDATE SET visitors = %[1]s.visitors + excluded.visitors, visits = %[1]s.visits + excluded.visits,
	pageviews = %[1]s.pageviews + excluded.pageviews, events = %[1]s.events + excluded.events,
	bounces = %[1]s.bounces + excluded.bounces, duration = %[1]s.duration + excluded.duration`

func (w *writer) upsertDaily(ctx context.Context, tx store.Querier, d *deltas) error {
	keys := make([]dailyKey, 0, len(d.daily))
	for k, c := range d.daily {
		if !c.zero() {
			keys = append(keys, k)
		}
	}
	err := w.insertRows(ctx, tx, `INSERT INTO analytics_daily (service_id, day, kind, value, visitors, visits, pageviews, events, bounces, duration) VALUES `,
		` ON CONFLICT (service_id, day, kind, value)`+fmt.Sprintf(addCounts, "analytics_daily"), 10, len(keys), func(i int, a []any) []any {
			k := keys[i]
			c := d.daily[k]
			return append(a, k.service, k.day, int16(k.kind), k.value, c.visitors, c.visits, c.pageviews, c.events, c.bounces, c.duration)
		})
	if err != nil {
		return fmt.Errorf("update daily rollup: %w", err)
	}
	return nil
}

func (w *writer) upsertHourly(ctx context.Context, tx store.Querier, d *deltas) error {
	keys := make([]hourlyKey, 0, len(d.hourly))
	for k, c := range d.hourly {
		if !c.zero() {
			keys = append(keys, k)
		}
	}
	err := w.insertRows(ctx, tx, `INSERT INTO analytics_hourly (service_id, hour, visitors, visits, pageviews, events, bounces, duration) VALUES `,
		` ON CONFLICT (service_id, hour)`+fmt.Sprintf(addCounts, "analytics_hourly"), 8, len(keys), func(i int, a []any) []any {
			k := keys[i]
			c := d.hourly[k]
			return append(a, k.service, k.hour, c.visitors, c.visits, c.pageviews, c.events, c.bounces, c.duration)
		})
	if err != nil {
		return fmt.Errorf("update hourly rollup: %w", err)
	}
	return nil
}
