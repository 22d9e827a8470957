package analytics

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestKeepSegments: the background job puts the closed days with data in
// columns once, leaves the open day alone, and queries then read what it
// kept and answer as the SQL engine does.
func TestKeepSegments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		zone := svc.Location()
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxBatch: 100, MaxWait: time.Millisecond})
		defer p.Close(ctx)
		day := func(d, h int) time.Time { return time.Date(2026, 5, d, h, 0, 0, 0, zone) }
		for d := 1; d <= 3; d++ {
			for v := range 5 {
				for _, page := range []string{"/", "/apply"} {
					ev := &Event{ServiceID: svc.ID, Zone: zone, Time: day(d, 9+v), VisitorID: int64(100*d + v), Name: PageviewName,
						Page: page, Hostname: "apply.example.gov", Visit: Visit{Source: "Google", Country: "GB"}, ScrollDepth: -1, EngagedMS: -1}
					if err := p.Enqueue(ev); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		ev := NewEventStore(db).(*sqlEvents)
		ev.segments.now = func() time.Time { return day(3, 20) } // 1 and 2 May are over, 3 May is open
		ev.segments.buildBudget = 15                             // a day and a half
		first, last := localDay(day(1, 0).UnixMilli(), zone), localDay(day(3, 0).UnixMilli(), zone)
		stored := func() (n int) {
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM analytics_segments WHERE service_id = $1`, svc.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		q, err := statsquery.Parse([]byte(`{"site_id":"apply.example.gov","date_range":["2026-05-01","2026-05-03"],"metrics":["visitors","pageviews"],
			"dimensions":["event:page"],"filters":[["is","visit:country",["GB"]]]}`), zone, day(3, 20), day(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		want, err := ev.Stats(ctx, StatsRequest{Service: svc.ID, Query: q, rawOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		// Before the job, the two closed days (20 events) are more than a
		// query builds itself: the SQL engine answers, builds nothing, and
		// asks for the job.
		var woken []int64
		unprepared := func(service int64) { woken = append(woken, service) }
		same := func(what string, got *Result) {
			t.Helper()
			a, _ := json.Marshal(got.Results)
			b, _ := json.Marshal(want.Results)
			if string(a) != string(b) || len(want.Results) != 2 {
				t.Errorf("%s: %s\nSQL: %s", what, a, b)
			}
		}
		got, err := ev.Stats(ctx, StatsRequest{Service: svc.ID, Query: q, rawOnly: true, columns: true, unprepared: unprepared})
		if err != nil {
			t.Fatal(err)
		}
		same("before the job", got)
		if len(woken) != 1 || woken[0] != svc.ID || stored() != 0 || len(ev.segments.cache) != 0 {
			t.Fatalf("unprepared range: woke %v, %d segments stored, %d days cached; want the job woken for %d and nothing built",
				woken, stored(), len(ev.segments.cache), svc.ID)
		}
		if n, err := ev.KeepSegments(ctx, svc.ID, zone, first-10, last); err != nil || n != 2 || stored() != 2 {
			t.Fatalf("built %d (%v), %d stored; want the 2 closed days", n, err, stored())
		}
		if n, err := ev.KeepSegments(ctx, svc.ID, zone, first-10, last); err != nil || n != 0 {
			t.Fatalf("built %d again (%v), want 0", n, err)
		}
		// A segment an older version kept is built again.
		if _, err := db.ExecContext(ctx, `UPDATE analytics_segments SET data = $1, version = $2 WHERE service_id = $3 AND day_start = $4`,
			[]byte{segmentVersion - 1, 0}, int(segmentVersion-1), svc.ID, day(1, 0).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if n, err := ev.KeepSegments(ctx, svc.ID, zone, first-10, last); err != nil || n != 1 {
			t.Fatalf("built %d (%v) with one segment of an older version, want 1", n, err)
		}
		if len(ev.segments.cache) != 0 {
			t.Errorf("the job filled the query cache with %d days", len(ev.segments.cache))
		}
		// After it, the column engine reads what the job kept.
		got, err = ev.Stats(ctx, StatsRequest{Service: svc.ID, Query: q, rawOnly: true, columns: true, unprepared: unprepared})
		if err != nil {
			t.Fatal(err)
		}
		same("columns from kept segments", got)
		if stored() != 2 || len(woken) != 1 || !ev.segments.holds(svc.ID, day(1, 0).UnixMilli()) {
			t.Errorf("%d segments stored after the query, job woken %d times, 1 May cached %v; want the same 2, once, cached",
				stored(), len(woken), ev.segments.holds(svc.ID, day(1, 0).UnixMilli()))
		}
	})
}
