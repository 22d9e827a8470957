package analytics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkStats runs Stats API queries over 30 days of 100,000 events on
// SQLite: 10,000 visitors of ten page views each, from three sources, with
// a wildcard page goal and an exact one. Each sub-benchmark is one query
// shape: from the rollups, from the raw events with a filter, and by goal
// with conversion_rate (raw events). Run with -bench Stats -benchtime 5x.
func BenchmarkStats(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	cat, g := catalog.New(db), goals.New(db)
	svc, err := cat.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []goals.GoalInput{{GoalType: goals.KindPage, PagePath: "/form/*"}, {GoalType: goals.KindPage, PagePath: "/done"}} {
		if _, err := g.CreateGoal(ctx, svc.ID, in); err != nil {
			b.Fatal(err)
		}
	}
	p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
	defer p.Close(ctx)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	pages := []string{"/start", "/about", "/form/1", "/help", "/form/2", "/contact", "/news/1", "/news/2", "/done", "/"}
	sources := []analytics.Visit{
		{Channel: "Direct", Device: "Desktop", Browser: "Firefox", OS: "GNU/Linux", Country: "GB"},
		{Source: "Google", Referrer: "google.com", Channel: "Organic Search", Device: "Mobile", Browser: "Safari", OS: "iOS", Country: "FR"},
		{Source: "Bing", Referrer: "bing.com", Channel: "Organic Search", Device: "Desktop", Browser: "Edge", OS: "Windows", Country: "DE"},
	}
	for v := range 10_000 {
		at := start.Add(time.Duration(v) * 4 * time.Minute)
		for i, page := range pages[:10-v%3] {
			ev := &analytics.Event{ServiceID: svc.ID, Zone: time.UTC, Time: at.Add(time.Duration(i) * 10 * time.Second), VisitorID: int64(v + 1),
				Name: analytics.PageviewName, Page: page, Hostname: svc.Domains[0], Interactive: true, ScrollDepth: -1, EngagedMS: -1, Visit: sources[v%3]}
			if err := p.Enqueue(ev); err != nil {
				b.Fatal(err)
			}
		}
		if v%2000 == 1999 {
			if err := p.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	stats := analytics.NewStats(analytics.NewEventStore(db), g)
	site := `"site_id":"apply.example.gov","date_range":["2026-06-01","2026-06-30"]`
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	for _, bc := range []struct{ name, query, want string }{
		{"rollups", `{` + site + `,"metrics":["visitors","visits","pageviews","bounce_rate"],"dimensions":["visit:source"]}`, "3 rows"},
		{"filtered", `{` + site + `,"metrics":["visitors","pageviews"],"dimensions":["visit:source"],"filters":[["contains","event:page",["/form"]]]}`, "3 rows"},
		{"goals", `{` + site + `,"metrics":["visitors","events","conversion_rate"],"dimensions":["event:goal"]}`, "2 rows"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q, err := statsquery.Parse([]byte(bc.query), time.UTC, now, svc.CreatedAt.AddDate(0, -1, 0))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				res, err := stats.Run(ctx, svc.ID, q)
				if err != nil {
					b.Fatal(err)
				}
				if got := fmt.Sprintf("%d rows", len(res.Results)); got != bc.want {
					b.Fatalf("%s: %s, want %s: %v", bc.name, got, bc.want, res.Results)
				}
			}
		})
	}
}
