package analytics

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
)

// BenchmarkFilteredDashboard runs the dashboard's queries, filtered by one
// dimension, against a filled database (LIVEOPS_BENCH_DB, a SQLite file
// made by `loadgen fill`; service dashboard.example.gov), on both engines.
func BenchmarkFilteredDashboard(b *testing.B) {
	path := os.Getenv("LIVEOPS_BENCH_DB")
	if path == "" {
		b.Skip("set LIVEOPS_BENCH_DB to a database made by loadgen fill")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc, err := catalog.New(db).ByHost(ctx, "dashboard.example.gov")
	if err != nil {
		b.Fatal(err)
	}
	events := NewEventStore(db)
	// As the segments job does, so that the column engine takes the range.
	if _, err := NewStats(events, nil).PrepareDays(ctx, svc, 400); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	var bodies [][]byte
	for _, p := range panels() {
		bodies = append(bodies, []byte(`{"site_id":"dashboard.example.gov","date_range":"30d","metrics":["`+p.Metrics[0]+`","`+p.Metrics[1]+`"],"dimensions":["`+p.Dimension+`"],"filters":FILTER}`))
	}
	bodies = append(bodies, []byte(`{"site_id":"dashboard.example.gov","date_range":"30d","metrics":["visitors","visits","pageviews","bounce_rate","visit_duration"],"filters":FILTER}`),
		[]byte(`{"site_id":"dashboard.example.gov","date_range":"30d","metrics":["visitors","pageviews"],"dimensions":["time:day"],"filters":FILTER}`))
	for _, f := range []struct{ name, filter string }{
		{"source", `[["is","visit:source",["Google"]]]`},
		{"page", `[["is","event:page",["/"]]]`},
		{"country", `[["is","visit:country",["GB"]]]`},
	} {
		for _, columns := range []bool{false, true} {
			name := f.name + "/sql"
			if columns {
				name = f.name + "/columns"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					for _, body := range bodies {
						body = []byte(string(body[:len(body)-len("FILTER}")]) + f.filter + "}")
						q, err := statsquery.Parse(body, svc.Location(), now, svc.CreatedAt.AddDate(-1, 0, 0))
						if err != nil {
							b.Fatal(err)
						}
						r := StatsRequest{Service: svc.ID, Query: q, columns: columns}
						if usesGoals(q) {
							continue
						}
						if _, err := events.Stats(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
