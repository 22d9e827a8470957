package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// MaxRetentionDays bounds the raw-event retention a service may set.
const MaxRetentionDays = 3650

// Retention deletes raw events and visits older than each service's
// retention; the daily and hourly rollups are kept, so dashboards and
// reports over long periods still work.
type Retention struct {
	db  *store.DB
	now func() time.Time
}

// NewRetention prunes db.
func NewRetention(db *store.DB) *Retention { return &Retention{db: db, now: time.Now} }

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
	var total int64
	for lo := oldest.Int64; oldest.Valid && lo < cut; lo += pruneSlice.Milliseconds() {
		hi := min(lo+pruneSlice.Milliseconds(), cut)
		err := r.db.LockedTx(ctx, store.LockRetention, func(tx store.Querier) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM analytics_events WHERE service_id = $1 AND ts >= $2 AND ts < $3`, serviceID, lo, hi)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
			_, err = tx.ExecContext(ctx, `DELETE FROM analytics_sessions WHERE service_id = $1 AND start_ts < $2 AND end_ts < $3`, serviceID, hi, cut)
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
