package monitor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
)

// Result is one run of a check.
type Result struct {
	CheckID     int64
	At          time.Time
	Slot        int64 // the interval it ran for; 0 for a run outside the schedule
	Status      probe.Status
	Maintenance bool // in a maintenance window: not counted against uptime
	Duration    time.Duration
	Reason      string
	StatusCode  int
	Timings     probe.Timings
	CertExpiry  time.Time
}

// histogramBounds are the upper bounds, in milliseconds, of the rollups'
// response-time buckets h0…h14; h15 counts the rest.
var histogramBounds = [...]int64{10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2500, 5000, 10000}

const histogramBuckets = len(histogramBounds) + 1

func histogramBucket(ms int64) int {
	for i, b := range histogramBounds {
		if ms <= b {
			return i
		}
	}
	return len(histogramBounds)
}

// Grains of the rollups and how long each is kept: minutes for the last
// day's chart, hours for a month's, days for two years of uptime.
var grains = []struct {
	Name string
	Size time.Duration
	Keep time.Duration
}{
	{"minute", time.Minute, 48 * time.Hour},
	{"hour", time.Hour, 100 * 24 * time.Hour},
	{"day", 24 * time.Hour, 2 * 366 * 24 * time.Hour},
}

// rollupKey is one rollup row.
type rollupKey struct {
	check  int64
	grain  string
	bucket int64
}

type rollupAdd struct {
	up, down, maintenance, durationMS int64
	h                                 [histogramBuckets]int64
}

// writeResults stores a batch of results, their rollups and what they do
// to their checks' states, in one transaction: the rollups always count
// exactly the results kept. It returns the checks whose state changed.
func writeResults(ctx context.Context, db *store.DB, batch []Result) ([]Transition, error) {
	// On PostgreSQL two nodes may write results of one check at once: the
	// check's row is locked while its state is worked out. (SQLite has one
	// writer.)
	lock := ""
	if db.Dialect() == store.Postgres {
		lock = " FOR UPDATE"
	}
	var changes []Transition
	err := db.Tx(ctx, func(tx store.Querier) error {
		changes = changes[:0]
		adds := map[rollupKey]*rollupAdd{}
		for _, r := range batch {
			t, err := transition(ctx, tx, r, lock)
			if errors.Is(err, sql.ErrNoRows) {
				continue // the check was deleted while it ran
			}
			if err != nil {
				return err
			}
			if t != nil {
				changes = append(changes, *t)
			}
			ms := r.Duration.Milliseconds()
			if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_results (check_id, at_ms, slot, status, maintenance, duration_ms, reason,
				status_code, dns_ms, connect_ms, tls_ms, ttfb_ms, cert_expiry_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				r.CheckID, r.At.UnixMilli(), r.Slot, string(r.Status), r.Maintenance, ms, r.Reason, r.StatusCode,
				r.Timings.DNS.Milliseconds(), r.Timings.Connect.Milliseconds(), r.Timings.TLS.Milliseconds(), r.Timings.FirstByte.Milliseconds(),
				millis(r.CertExpiry)); err != nil {
				return fmt.Errorf("insert result: %w", err)
			}
			addToRollups(adds, r)
		}
		return upsertRollups(ctx, tx, adds)
	})
	return changes, err
}

// addToRollups counts a result in the rollups of its minute, hour and day
// (or of the grains named).
func addToRollups(adds map[rollupKey]*rollupAdd, r Result, only ...string) {
	ms := r.Duration.Milliseconds()
	for _, g := range grains {
		if len(only) > 0 && !slices.Contains(only, g.Name) {
			continue
		}
		k := rollupKey{r.CheckID, g.Name, r.At.Truncate(g.Size).UnixMilli()}
		a := adds[k]
		if a == nil {
			a = &rollupAdd{}
			adds[k] = a
		}
		switch {
		case r.Maintenance:
			a.maintenance++
		case r.Status == probe.Up:
			a.up++
		default:
			a.down++
		}
		if !r.Maintenance {
			a.durationMS += ms
			a.h[histogramBucket(ms)]++
		}
	}
}

// upsertRollups adds counts to the rollup rows, in key order so that two
// nodes' transactions take their row locks in the same order.
func upsertRollups(ctx context.Context, tx store.Querier, adds map[rollupKey]*rollupAdd) error {
	keys := make([]rollupKey, 0, len(adds))
	for k := range adds {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rollupKey) int {
		if a.check != b.check {
			return int(a.check - b.check)
		}
		if a.grain != b.grain {
			return strings.Compare(a.grain, b.grain)
		}
		return int(a.bucket - b.bucket)
	})
	var cols, vals, sets strings.Builder
	for i := range histogramBuckets {
		fmt.Fprintf(&cols, ", h%d", i)
		fmt.Fprintf(&vals, ", $%d", 8+i)
		fmt.Fprintf(&sets, ", h%d = monitor_rollups.h%d + excluded.h%d", i, i, i)
	}
	q := `INSERT INTO monitor_rollups (check_id, grain, bucket_ms, up, down, maintenance, duration_ms` + cols.String() + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7` + vals.String() + `)
		ON CONFLICT (check_id, grain, bucket_ms) DO UPDATE SET up = monitor_rollups.up + excluded.up,
		down = monitor_rollups.down + excluded.down, maintenance = monitor_rollups.maintenance + excluded.maintenance,
		duration_ms = monitor_rollups.duration_ms + excluded.duration_ms` + sets.String()
	for _, k := range keys {
		a := adds[k]
		args := []any{k.check, k.grain, k.bucket, a.up, a.down, a.maintenance, a.durationMS}
		for _, n := range a.h {
			args = append(args, n)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("upsert rollup: %w", err)
		}
	}
	return nil
}

// Transition is a check's change of state, which opens or resolves its
// incident.
type Transition struct {
	CheckID   int64
	ServiceID int64
	Name      string
	From, To  Status
	Reason    string
	At        time.Time
}

// transition applies one result to its check's state: failures in a row,
// and up or down once confirmed. A result in maintenance changes nothing.
func transition(ctx context.Context, tx store.Querier, r Result, lock string) (*Transition, error) {
	var serviceID, since int64
	var name, status string
	var fails, retries int
	err := tx.QueryRowContext(ctx, `SELECT service_id, name, status, fails, retries, since_ms FROM monitor_checks WHERE id = $1`+lock, r.CheckID).
		Scan(&serviceID, &name, &status, &fails, &retries, &since)
	if err != nil {
		return nil, fmt.Errorf("read check %d: %w", r.CheckID, err)
	}
	if r.Maintenance {
		_, err := tx.ExecContext(ctx, `UPDATE monitor_checks SET last_run_ms = $1, duration_ms = $2, cert_expiry_ms = $3 WHERE id = $4`,
			r.At.UnixMilli(), r.Duration.Milliseconds(), millis(r.CertExpiry), r.CheckID)
		return nil, err
	}
	next := Status(status)
	if r.Status == probe.Up {
		fails, next = 0, Up
	} else {
		fails++
		if fails > retries {
			next = Down
		}
	}
	reason := ""
	if r.Status != probe.Up {
		reason = r.Reason
	}
	var t *Transition
	if next != Status(status) {
		t = &Transition{CheckID: r.CheckID, ServiceID: serviceID, Name: name, From: Status(status), To: next, Reason: r.Reason, At: r.At}
		since = r.At.UnixMilli()
	}
	_, err = tx.ExecContext(ctx, `UPDATE monitor_checks SET status = $1, fails = $2, reason = $3, last_run_ms = $4, since_ms = $5,
		duration_ms = $6, cert_expiry_ms = $7 WHERE id = $8`,
		string(next), fails, reason, r.At.UnixMilli(), since, r.Duration.Milliseconds(), millis(r.CertExpiry), r.CheckID)
	return t, err
}

// ListResults returns a check's results, newest first: up to limit, older
// than before when it is not zero.
func ListResults(ctx context.Context, db *store.DB, checkID int64, before time.Time, limit int) ([]Result, error) {
	end := int64(1<<62 - 1)
	if !before.IsZero() {
		end = before.UnixMilli()
	}
	rows, err := db.QueryContext(ctx, `SELECT at_ms, status, maintenance, duration_ms, reason, status_code, dns_ms, connect_ms, tls_ms, ttfb_ms,
		cert_expiry_ms FROM monitor_results WHERE check_id = $1 AND at_ms < $2 ORDER BY at_ms DESC LIMIT $3`, checkID, end, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		r := Result{CheckID: checkID}
		var at, dur, dns, conn, tls, ttfb, cert int64
		var status string
		if err := rows.Scan(&at, &status, &r.Maintenance, &dur, &r.Reason, &r.StatusCode, &dns, &conn, &tls, &ttfb, &cert); err != nil {
			return nil, err
		}
		ms := time.Millisecond
		r.At, r.Status, r.Duration = time.UnixMilli(at).UTC(), probe.Status(status), time.Duration(dur)*ms
		r.Timings = probe.Timings{DNS: time.Duration(dns) * ms, Connect: time.Duration(conn) * ms, TLS: time.Duration(tls) * ms, FirstByte: time.Duration(ttfb) * ms}
		r.CertExpiry = fromMillis(cert)
		out = append(out, r)
	}
	return out, rows.Err()
}

// prune deletes the results and rollups past their keeping: each
// service's results after its retention (Settings, 30 days unless set),
// rollups after their grain's time.
func prune(ctx context.Context, db *store.DB, now time.Time, defaultRetention time.Duration) (int64, error) {
	var total int64
	del := func(q string, args ...any) error {
		res, err := db.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		total += n
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT c.id, COALESCE(s.result_retention_days, 0) FROM monitor_checks c
		LEFT JOIN monitor_settings s ON s.service_id = c.service_id`)
	if err != nil {
		return 0, err
	}
	keep := map[int64]time.Duration{}
	for rows.Next() {
		var id int64
		var days int
		if err := rows.Scan(&id, &days); err != nil {
			rows.Close()
			return 0, err
		}
		keep[id] = defaultRetention
		if days > 0 {
			keep[id] = time.Duration(days) * 24 * time.Hour
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for id, d := range keep {
		if err := del(`DELETE FROM monitor_results WHERE check_id = $1 AND at_ms < $2`, id, now.Add(-d).UnixMilli()); err != nil {
			return total, err
		}
	}
	for _, g := range grains {
		if err := del(`DELETE FROM monitor_rollups WHERE grain = $1 AND bucket_ms < $2`, g.Name, now.Add(-g.Keep).UnixMilli()); err != nil {
			return total, err
		}
	}
	return total, nil
}

// Bounds of a service's result retention, in days.
const (
	MinResultDays = 1
	MaxResultDays = 400
)

// ResultDays is how many days a service's raw results are kept.
func ResultDays(ctx context.Context, db *store.DB, serviceID int64) (int, error) {
	days := 30
	err := db.QueryRowContext(ctx, `SELECT result_retention_days FROM monitor_settings WHERE service_id = $1`, serviceID).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 30, nil
	}
	return days, err
}

// SetResultDays sets how many days a service's raw results are kept.
func SetResultDays(ctx context.Context, db *store.DB, serviceID int64, days int) error {
	if days < MinResultDays || days > MaxResultDays {
		return fault.Invalidf("result_retention_days", "Keep results from %d to %d days", MinResultDays, MaxResultDays)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO monitor_settings (service_id, result_retention_days) VALUES ($1, $2)
		ON CONFLICT (service_id) DO UPDATE SET result_retention_days = excluded.result_retention_days`, serviceID, days)
	return err
}
