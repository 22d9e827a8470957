package monitor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkStatusPage renders the status page of a service with 100
// public checks, each its own component, over 90 days of daily rollups
// (written straight into the rollup table), over real HTTP, and reports
// the median time of a page. The target is 50 ms.
//
//	go test ./internal/monitor/ -run '^$' -bench BenchmarkStatusPage -benchtime 50x
func BenchmarkStatusPage(b *testing.B) {
	db := storetest.SQLite(b)
	m, srv, cat := newStatusServer(b, db)
	ctx := context.Background()
	s, err := cat.Create(ctx, catalog.Input{Name: "Bench", Slug: "bench", Domains: []string{"bench.example.gov"}, Timezone: "Europe/London", Public: true})
	if err != nil {
		b.Fatal(err)
	}
	seedStatusRollups(b, db, m, s, 100)
	req, _ := http.NewRequest("GET", srv.URL+"/status/bench", nil)
	benchPage(b, req, 100_000)
}

// benchPage gets a page b.N times over HTTP, failing on a status other
// than 200 or a body shorter than minBytes, and reports the median time.
func benchPage(b *testing.B, req *http.Request, minBytes int64) {
	times := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < minBytes {
			b.Fatalf("%s: %d, %d bytes", req.URL.Path, resp.StatusCode, n)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}

// seedStatusRollups adds n public checks to s, each with 90 days of daily
// rollups of 1,440 runs, a few failing.
func seedStatusRollups(b *testing.B, db *store.DB, m *Monitor, s *catalog.Service, n int) {
	b.Helper()
	ctx := context.Background()
	adds := map[rollupKey]*rollupAdd{}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range n {
		c := &Check{ServiceID: s.ID, Name: fmt.Sprintf("Check %03d", i), Public: true, Interval: time.Minute,
			Spec: probe.Spec{Type: probe.HTTP, Target: fmt.Sprintf("https://bench.example.gov/%d", i)}}
		if _, err := m.Checks.Add(ctx, c); err != nil {
			b.Fatal(err)
		}
		for d := range statusDays {
			a := &rollupAdd{up: 1440, durationMS: 1440 * 80}
			a.h[histogramBucket(80)] = 1440
			if (i+d)%17 == 0 {
				a.up, a.down = 1400, 40
			}
			adds[rollupKey{c.ID, "day", today.AddDate(0, 0, -d).UnixMilli()}] = a
		}
	}
	if err := db.Tx(ctx, func(tx store.Querier) error { return upsertRollups(ctx, tx, adds) }); err != nil {
		b.Fatal(err)
	}
}
