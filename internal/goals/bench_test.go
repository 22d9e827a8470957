package goals_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkFunnel reports a four-step funnel over 30 days of 200,000
// events on SQLite: 20,000 visitors of ten events each, a third of them
// on funnel pages. "cold" is the first report of a period, which reads the
// raw events of every day and keeps each whole day's result; "cached" is
// every later one, which reads the kept days. Run with -bench Funnel
// -benchtime 5x.
func BenchmarkFunnel(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	cat, g := catalog.New(db), goals.New(db)
	svc, err := cat.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	f := applyFunnel(b, g, svc)
	fd := newFeeder(b, db)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	pages := []string{"/start", "/about", "/form/1", "/help", "/form/2", "/contact", "/news/1", "/news/2", "/done", "/"}
	for v := range 20_000 {
		at := start.Add(time.Duration(v) * 2 * time.Minute)
		for i, p := range pages {
			fd.send(svc, int64(v+1), at.Add(time.Duration(i)*time.Second), "pageview", p)
		}
		if v%2000 == 1999 {
			fd.flush() // the queue holds 50,000 events
		}
	}
	fd.flush()
	report := func(b *testing.B) {
		rep, err := g.Funnel(ctx, svc.ID, f.ID, start, start.AddDate(0, 0, 30))
		if err != nil {
			b.Fatal(err)
		}
		if rep.Entered() != 20_000 {
			b.Fatal(fmt.Sprint(rep.Steps))
		}
	}
	b.Run("cold", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if _, err := db.ExecContext(ctx, `DELETE FROM funnel_days`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			report(b)
		}
	})
	b.Run("cached", func(b *testing.B) {
		report(b) // keeps the days, if "cold" has not
		b.ResetTimer()
		for range b.N {
			report(b)
		}
	})
}
