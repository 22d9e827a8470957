package analytics

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/store"
)

// DropLog counts, per service, the events answered 202 but not counted,
// by reason, so that the tracking page can say why nothing arrives: a team
// testing its tag with an automated browser (a bot) or with the wrong
// data-domain sees it there, not only in an X-Liveops-Dropped header.
// Counts are kept in memory and added to analytics_drops by Flush (a
// per-node job), so that every node's drops are seen; nothing about the
// request but its reason is kept.
type DropLog struct {
	db  *store.DB
	now func() time.Time

	mu     sync.Mutex
	counts map[dropKey]int64
}

type dropKey struct {
	service, minute int64
	reason          string
}

// The reasons a dropped event is counted under, as the X-Liveops-Dropped
// header names them.
const (
	DropBot           = "bot"
	DropReferrerSpam  = "referrer_spam"
	DropUnknownDomain = "unknown_domain"
	DropExcludedIP    = "excluded_ip"
)

// maxDropKeys bounds what one node holds between flushes: a flood of
// events naming many services cannot grow it without end.
const maxDropKeys = 10_000

// dropsKept is how long analytics_drops keeps a minute.
const dropsKept = 48 * time.Hour

// NewDropLog returns an empty log writing to db.
func NewDropLog(db *store.DB) *DropLog {
	return &DropLog{db: db, now: time.Now, counts: map[dropKey]int64{}}
}

// Note counts one dropped event for each service.
func (l *DropLog) Note(reason string, services ...int64) {
	if l == nil || len(services) == 0 {
		return
	}
	minute := l.now().Unix() / 60 * 60
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range services {
		k := dropKey{s, minute, reason}
		if _, ok := l.counts[k]; !ok && len(l.counts) >= maxDropKeys {
			continue
		}
		l.counts[k]++
	}
}

// Flush adds the counts held to analytics_drops and deletes the minutes
// past dropsKept. Counts that could not be written are kept for the next.
func (l *DropLog) Flush(ctx context.Context) error {
	l.mu.Lock()
	held := l.counts
	l.counts = map[dropKey]int64{}
	l.mu.Unlock()
	err := l.db.Tx(ctx, func(tx store.Querier) error {
		for k, n := range held {
			if _, err := tx.ExecContext(ctx, `INSERT INTO analytics_drops (service_id, minute, reason, events) VALUES ($1, $2, $3, $4)
				ON CONFLICT (service_id, minute, reason) DO UPDATE SET events = analytics_drops.events + excluded.events`,
				k.service, k.minute, k.reason, n); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM analytics_drops WHERE minute < $1`, l.now().Add(-dropsKept).Unix())
		return err
	})
	if err != nil {
		l.mu.Lock()
		for k, n := range held {
			if _, ok := l.counts[k]; ok || len(l.counts) < maxDropKeys {
				l.counts[k] += n
			}
		}
		l.mu.Unlock()
		return fmt.Errorf("keep dropped-event counts: %w", err)
	}
	return nil
}

// Since returns a service's dropped events since t by reason: what every
// node has flushed and what this node holds.
func (l *DropLog) Since(ctx context.Context, service int64, t time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := l.db.QueryContext(ctx, `SELECT reason, sum(events) FROM analytics_drops WHERE service_id = $1 AND minute >= $2 GROUP BY reason`,
		service, t.Unix()/60*60)
	if err != nil {
		return nil, fmt.Errorf("read dropped-event counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var reason string
		var n int64
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, fmt.Errorf("read dropped-event counts: %w", err)
		}
		out[reason] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read dropped-event counts: %w", err)
	}
	l.mu.Lock()
	for k, n := range l.counts {
		if k.service == service && k.minute >= t.Unix()/60*60 {
			out[k.reason] += n
		}
	}
	l.mu.Unlock()
	return out, nil
}
