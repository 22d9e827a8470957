package goals_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestGoalSource runs the stats API and the dashboard's funnel totals over
// the goals area, as app wires them: goals reaches analytics only through
// analytics.GoalSource, and reads the events only through its EventStore.
func TestGoalSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		events := analytics.NewEventStore(db)
		cat, g := catalog.New(db), goals.NewWithEvents(db, events)
		svc, err := cat.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		f := applyFunnel(t, g, svc)
		fd := newFeeder(t, db)
		day := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		for v, visit := range [][]string{
			{"/start", "/form/1", "Submit", "/done"}, // every step
			{"/start", "/form/2"},
			{"/about"},
			{"/start"},
		} {
			at := day.Add(time.Duration(v) * time.Hour)
			for i, step := range visit {
				name, page := "pageview", step
				if step == "Submit" {
					name, page = step, visit[i-1]
				}
				fd.send(svc, int64(v+1), at.Add(time.Duration(i)*time.Minute), name, page)
			}
		}
		fd.flush()

		stats := analytics.NewStats(events, g)
		now := day.AddDate(0, 0, 1)
		site := `"site_id":"apply.example.gov","date_range":["2026-06-01","2026-06-01"]`
		for _, tc := range []struct{ name, query, want string }{
			{"breakdown", `{` + site + `,"metrics":["visitors","events","conversion_rate"],"dimensions":["event:goal"],"order_by":[["visitors","desc"]]}`,
				`[{"metrics":[3,3,75],"dimensions":["Visit /start"]},{"metrics":[2,2,50],"dimensions":["Visit /form/*"]},` +
					`{"metrics":[1,1,25],"dimensions":["Submit"]},{"metrics":[1,1,25],"dimensions":["Visit /done"]}]`},
			{"exact goal filter", `{` + site + `,"metrics":["visitors","events"],"dimensions":["event:goal"],"filters":[["is","event:goal",["Visit /done"]]]}`,
				`[{"metrics":[1,1],"dimensions":["Visit /done"]}]`},
			{"wildcard filter", `{` + site + `,"metrics":["visitors","conversion_rate"],"filters":[["is","event:goal",["Visit /form/*"]]]}`,
				`[{"metrics":[2,50],"dimensions":[]}]`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q, err := statsquery.Parse([]byte(tc.query), time.UTC, now, svc.CreatedAt.AddDate(-1, 0, 0))
				if err != nil {
					t.Fatal(err)
				}
				res, err := stats.Run(ctx, svc.ID, q)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := json.Marshal(res.Results)
				if string(got) != tc.want {
					t.Fatalf("got  %s\nwant %s", got, tc.want)
				}
			})
		}

		totals, err := g.FunnelTotals(ctx, svc.ID, day.Add(-9*time.Hour), day.Add(15*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := analytics.FunnelTotals{ID: f.ID, Name: "Apply", Steps: 4, Entered: 3, Completed: 1, ConversionRate: 33.33}
		if len(totals) != 1 || totals[0] != want {
			t.Fatalf("funnel totals %+v, want [%+v]", totals, want)
		}
	})
}
