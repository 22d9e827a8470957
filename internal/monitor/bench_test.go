package monitor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkClaim: what a node pays to claim the checks due at one tick, a
// hundred at a time in one transaction (ns/op is per check), against the
// job runner's claim of one job per run (internal/jobs BenchmarkClaim,
// 0.35–1.1 ms on PostgreSQL): the case for claims over per-check jobs.
func BenchmarkClaim(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *store.DB
			if engine == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			h := newBenchHarness(b, db)
			due := make([]*dueItem, 0, 100)
			for i := range 100 {
				c := &Check{ServiceID: h.svc, Name: fmt.Sprintf("c%03d", i), Interval: MinInterval, Public: true,
					Spec: probe.Spec{Type: probe.TCP, Target: "127.0.0.1:9"}}
				if _, err := h.checks.Add(context.Background(), c); err != nil {
					b.Fatal(err)
				}
				due = append(due, &dueItem{check: c})
			}
			now := time.Now()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// Each round one interval later, so that every claim wins.
				won := h.sched.claim(context.Background(), due, now.Add(time.Duration(i)*MinInterval))
				if len(won) != len(due) {
					b.Fatalf("won %d of %d", len(won), len(due))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(due)), "ns/check")
		})
	}
}

// BenchmarkWriteResults: a batch of 100 results with their rollups and
// state changes, per result.
func BenchmarkWriteResults(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *store.DB
			if engine == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			h := newBenchHarness(b, db)
			var ids []int64
			for i := range 100 {
				c := &Check{ServiceID: h.svc, Name: fmt.Sprintf("c%03d", i), Interval: time.Minute, Public: true,
					Spec: probe.Spec{Type: probe.TCP, Target: "127.0.0.1:9"}}
				if _, err := h.checks.Add(context.Background(), c); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			at := time.Now()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				batch := make([]Result, len(ids))
				for j, id := range ids {
					batch[j] = Result{CheckID: id, At: at.Add(time.Duration(i) * time.Minute), Slot: int64(i), Status: probe.Up, Duration: 40 * time.Millisecond}
				}
				if _, err := writeResults(context.Background(), db, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/result")
		})
	}
}

type benchHarness struct {
	svc    int64
	checks *Checks
	sched  *Scheduler
}

func newBenchHarness(b *testing.B, db *store.DB) *benchHarness {
	b.Helper()
	var id int64
	err := db.Tx(context.Background(), func(tx store.Querier) error {
		return tx.QueryRowContext(context.Background(), `INSERT INTO services (slug, name, description, owner, timezone, phase, public,
			event_retention_days, created_at, updated_at) VALUES ('bench', 'Bench', '', '', 'UTC', 'live', TRUE, 30, $1, $1) RETURNING id`,
			time.Now().UTC()).Scan(&id)
	})
	if err != nil {
		b.Fatal(err)
	}
	checks := NewChecks(db)
	sched, err := NewScheduler(db, checks, NewMaintenance(db, nil), probe.Run, SchedulerOptions{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return &benchHarness{svc: id, checks: checks, sched: sched}
}
