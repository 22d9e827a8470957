package monitor

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// BenchmarkMonitorPage renders a service's monitoring page over 100 checks
// with 90 days of rollups (hours for the last eight days, days before) and
// a month of failures among their results, over real HTTP as an
// administrator, and reports the median. The target is 50 ms.
//
//	go test ./internal/monitor/ -run '^$' -bench BenchmarkMonitorPage -benchtime 50x
func BenchmarkMonitorPage(b *testing.B) {
	db := storetest.SQLite(b)
	ws, err := web.NewSite()
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.New(db)
	m, err := New(area.Env{DB: db, Site: ws, Catalog: cat}, Options{AllowPrivate: true})
	if err != nil {
		b.Fatal(err)
	}
	srv := webtest.NewServer(b, ws, m.pageRoutes, func(mux *http.ServeMux) http.Handler { return ws.Mux(mux) })
	ctx := context.Background()
	s, err := cat.Create(ctx, catalog.Input{Name: "Bench", Slug: "bench", Domains: []string{"bench.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	adds := map[rollupKey]*rollupAdd{}
	var failures []Result
	for i := range 100 {
		c := &Check{ServiceID: s.ID, Name: fmt.Sprintf("Check %03d", i), Public: true, Interval: time.Minute,
			Spec: probe.Spec{Type: probe.HTTP, Target: fmt.Sprintf("https://bench.example.gov/%d", i)}}
		if _, err := m.Checks.Add(ctx, c); err != nil {
			b.Fatal(err)
		}
		for h := range 8 * 24 {
			a := &rollupAdd{up: 60, durationMS: 60 * 80}
			a.h[histogramBucket(80)] = 60
			adds[rollupKey{c.ID, "hour", now.Truncate(time.Hour).Add(-time.Duration(h) * time.Hour).UnixMilli()}] = a
		}
		for d := range 90 {
			a := &rollupAdd{up: 1440, durationMS: 1440 * 80}
			a.h[histogramBucket(80)] = 1440
			adds[rollupKey{c.ID, "day", now.Truncate(24*time.Hour).AddDate(0, 0, -d).UnixMilli()}] = a
		}
		if i%10 == 0 {
			failures = append(failures, Result{CheckID: c.ID, At: now.Add(-time.Duration(i) * time.Hour), Slot: int64(i), Status: probe.Down,
				Reason: "status 503, expected 2xx", Duration: 300 * time.Millisecond})
		}
	}
	if err := db.Tx(ctx, func(tx store.Querier) error { return upsertRollups(ctx, tx, adds) }); err != nil {
		b.Fatal(err)
	}
	if _, err := writeResults(ctx, db, failures); err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/services/bench/monitor", nil)
	req.Header.Set("X-Test-As", "admin")
	benchPage(b, req, 50_000)
}
