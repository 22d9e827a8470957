package analytics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// MaxRetentionDays bounds the raw-event retention a service may set.
const MaxRetentionDays = 3650

// Retention deletes raw events and visits older than each service's
// retention; the daily and hourly rollups are kept, so dashboards and
// reports over long periods still work. What else is derived from raw
// events is kept by BeforePrune, and how far events are gone is recorded
// (PrunedBefore), so that a figure they alone could give is reported
// unknown rather than zero.
type Retention struct {
	db  *store.DB
	now func() time.Time
	// BeforePrune, when set, is called before a service's raw events of
	// [from, to) are deleted, to keep what is derived from them (the goals
	// area keeps its funnels' days). When it fails nothing of the service
	// is deleted this time. Analytics does not know who derives what: the
	// app passes the hook in.
	BeforePrune PruneHook
}

// PruneHook keeps what is derived from a service's raw events of
// [from, to) before they are deleted.
type PruneHook func(ctx context.Context, serviceID int64, from, to time.Time) error

// NewRetention prunes db.
func NewRetention(db *store.DB) *Retention { return &Retention{db: db, now: time.Now} }

// SetClock sets the clock retention is counted from; tests set it.
func (r *Retention) SetClock(now func() time.Time) { r.now = now }

// Run prunes now and then every interval until ctx ends.
func (r *Retention) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := r.Prune(ctx); err != nil {
			slog.Error("analytics: prune raw events", "err", err)
		} else if n > 0 {
			slog.Info("analytics: pruned raw events past their retention", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Prune deletes what has outlived its retention and says how many rows.
// On PostgreSQL the nodes take turns through an advisory lock.
func (r *Retention) Prune(ctx context.Context) (int64, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, event_retention_days FROM services WHERE event_retention_days > 0`)
	if err != nil {
		return 0, fmt.Errorf("list retention: %w", err)
	}
	type keep struct{ id, days int64 }
	var list []keep
	for rows.Next() {
		var k keep
		if err := rows.Scan(&k.id, &k.days); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var total int64
	for _, k := range list {
		cut := r.now().Add(-time.Duration(k.days) * 24 * time.Hour).UnixMilli()
		n, err := r.pruneService(ctx, k.id, cut)
		total += n
		if err != nil {
			return total, fmt.Errorf("prune service %d: %w", k.id, err)
		}
	}
	return total, nil
}

// pruneSlice is how much of a service's history one delete takes on: a
// day at a time, each in its own short transaction, so that pruning a
// long history never holds SQLite's write lock (and so ingestion) for long.
const pruneSlice = 24 * time.Hour

func (r *Retention) pruneService(ctx context.Context, serviceID, cut int64) (int64, error) {
	var oldest sql.NullInt64
	if err := r.db.QueryRowContext(ctx, `SELECT min(ts) FROM analytics_events WHERE service_id = $1`, serviceID).Scan(&oldest); err != nil {
		return 0, err
	}
	if !oldest.Valid || oldest.Int64 >= cut {
		return 0, nil
	}
	if r.BeforePrune != nil {
		if err := r.BeforePrune(ctx, serviceID, time.UnixMilli(oldest.Int64), time.UnixMilli(cut)); err != nil {
			return 0, fmt.Errorf("keep what is derived from raw events before pruning: %w", err)
		}
	}
	var total int64
	for lo := oldest.Int64; lo < cut; lo += pruneSlice.Milliseconds() {
		hi := min(lo+pruneSlice.Milliseconds(), cut)
		err := r.db.LockedTx(ctx, store.LockRetention, func(tx store.Querier) error {
			// Up to the last event deleted, not to the cut: the days after
			// it had no events to lose, and their figures are a true 0.
			var last sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT max(ts) FROM analytics_events WHERE service_id = $1 AND ts >= $2 AND ts < $3`,
				serviceID, lo, hi).Scan(&last); err != nil {
				return err
			}
			if last.Valid {
				res, err := tx.ExecContext(ctx, `DELETE FROM analytics_events WHERE service_id = $1 AND ts >= $2 AND ts < $3`, serviceID, lo, hi)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				total += n
				if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_pruned (service_id, before_ts) VALUES ($1, $2)
					ON CONFLICT (service_id) DO UPDATE SET before_ts = excluded.before_ts
					WHERE excluded.before_ts > analytics_pruned.before_ts`, serviceID, last.Int64+1); err != nil {
					return fmt.Errorf("record pruning: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_segments WHERE service_id = $1 AND day_start < $2`, serviceID, hi); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM analytics_sessions WHERE service_id = $1 AND start_ts < $2 AND end_ts < $3`, serviceID, hi, cut)
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// SetRetention sets how many days a service's raw events are kept; 0
// keeps them for ever.
func (r *Retention) SetRetention(ctx context.Context, serviceID int64, days int) error {
	if days < 0 || days > MaxRetentionDays {
		return fmt.Errorf("retention must be from 0 to %d days", MaxRetentionDays)
	}
	_, err := r.db.ExecContext(ctx, `UPDATE services SET event_retention_days = $1 WHERE id = $2`, days, serviceID)
	return err
}

// RetentionDays is a service's retention, 0 for ever.
func (r *Retention) RetentionDays(ctx context.Context, serviceID int64) (int, error) {
	var days int
	err := r.db.QueryRowContext(ctx, `SELECT event_retention_days FROM services WHERE id = $1`, serviceID).Scan(&days)
	return days, err
}

// PrunedBefore is the instant before which the service's raw events may
// have been deleted by its retention setting; the zero time when none
// ever were. Figures only raw events give are unknown before it, unless
// they were kept before the events went (BeforePrune).
func (r *Retention) PrunedBefore(ctx context.Context, serviceID int64) (time.Time, error) {
	var ms int64
	err := r.db.QueryRowContext(ctx, `SELECT before_ts FROM analytics_pruned WHERE service_id = $1`, serviceID).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read how far service %d's raw events were pruned: %w", serviceID, err)
	}
	return time.UnixMilli(ms), nil
}
