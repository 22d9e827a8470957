package analytics

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestStatsQueries runs Stats API queries over the fixture morning and
// checks each answer against counts worked out by hand.
func TestStatsQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxBatch: 3, MaxWait: time.Millisecond})
		defer p.Close(ctx)
		feedFixture(t, p, svc)
		events := NewEventStore(db)
		g := &testGoals{events: events}
		stats := NewStats(events, g)
		now := fixtureClock(svc.Location())("18:00")
		run := func(t *testing.T, query string) string {
			t.Helper()
			q, err := statsquery.Parse([]byte(query), svc.Location(), now, svc.CreatedAt)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			res, err := stats.Run(ctx, svc.ID, q)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			b, _ := json.Marshal(res.Results)
			return string(b)
		}
		const site = `"site_id":"apply.example.gov","date_range":"day"`
		tests := []struct{ name, query, want string }{
			{"aggregates",
				`{` + site + `,"metrics":["visitors","visits","pageviews","events","bounce_rate","visit_duration","views_per_visit"]}`,
				// 2 visitors, 3 visits (2 bounced), 4 page views, 5 events, visits of 6 min, 0 and 0.
				`[{"metrics":[2,3,4,5,67,120,1.33],"dimensions":[]}]`},
			{"pages",
				`{` + site + `,"metrics":["visitors","pageviews"],"dimensions":["event:page"]}`,
				`[{"metrics":[2,3],"dimensions":["/"]},{"metrics":[1,1],"dimensions":["/form"]}]`},
			{"sources, with bounce rate",
				`{` + site + `,"metrics":["visits","bounce_rate"],"dimensions":["visit:source"],"order_by":[["visits","desc"]]}`,
				`[{"metrics":[2,100],"dimensions":["Direct / None"]},{"metrics":[1,0],"dimensions":["Google"]}]`},
			{"filter by browser",
				`{` + site + `,"metrics":["visitors","pageviews","events"],"filters":[["is","visit:browser",["Firefox"]]]}`,
				`[{"metrics":[1,3,4],"dimensions":[]}]`},
			{"is matches case exactly by default",
				`{` + site + `,"metrics":["visitors"],"filters":[["is","visit:browser",["firefox"]]]}`,
				`[{"metrics":[0],"dimensions":[]}]`},
			{"unless told otherwise",
				`{` + site + `,"metrics":["visitors"],"filters":[["is","visit:browser",["firefox"],{"case_sensitive":false}]]}`,
				`[{"metrics":[1],"dimensions":[]}]`},
			{"visits that saw a page",
				`{` + site + `,"metrics":["visits","bounce_rate"],"filters":[["contains","event:page",["form"]]]}`,
				`[{"metrics":[1,0],"dimensions":[]}]`},
			{"custom property",
				`{` + site + `,"metrics":["visitors","events"],"dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]]}`,
				`[{"metrics":[1,1],"dimensions":["pro"]}]`},
			{"event names",
				`{` + site + `,"metrics":["visitors","events"],"dimensions":["event:name"],"order_by":[["events","desc"]]}`,
				`[{"metrics":[2,4],"dimensions":["pageview"]},{"metrics":[1,1],"dimensions":["Signup"]}]`},
			{"hours",
				`{` + site + `,"metrics":["visitors","pageviews"],"dimensions":["time:hour"]}`,
				`[{"metrics":[2,3],"dimensions":["2026-06-01 10:00:00"]},{"metrics":[1,1],"dimensions":["2026-06-01 11:00:00"]}]`},
			{"not, or, matches",
				`{` + site + `,"metrics":["pageviews"],"filters":[["not",["or",[["matches","event:page",["^/f"]],["is","visit:country",["GB"]]]]]]}`,
				// page views not on /form and not from a GB visit: b's /.
				`[{"metrics":[1],"dimensions":[]}]`},
			{"is_not on entry page",
				`{` + site + `,"metrics":["visits"],"dimensions":["visit:entry_page"],"filters":[["is_not","visit:device",["Desktop"]]]}`,
				`[{"metrics":[1],"dimensions":["/"]}]`},
			{"percentage",
				`{` + site + `,"metrics":["visitors","percentage"],"dimensions":["visit:country"],"order_by":[["visitors","desc"]]}`,
				`[{"metrics":[1,50],"dimensions":["FR"]},{"metrics":[1,50],"dimensions":["GB"]}]`},
			{"the empty value filters as what it shows",
				`{` + site + `,"metrics":["visits"],"filters":[["is","visit:source",["Direct / None"]]]}`,
				`[{"metrics":[2],"dimensions":[]}]`},
			{"is_not keeps the empty values",
				`{` + site + `,"metrics":["visits"],"filters":[["is_not","visit:utm_campaign",["zzz"]]]}`,
				`[{"metrics":[3],"dimensions":[]}]`},
			{"bounce rate of the pages visits landed on",
				`{` + site + `,"metrics":["visitors","bounce_rate"],"dimensions":["event:page"]}`,
				`[{"metrics":[2,67],"dimensions":["/"]},{"metrics":[1,0],"dimensions":["/form"]}]`},
			{"scroll depth and time on page, from engagement events",
				`{` + site + `,"metrics":["visitors","scroll_depth","time_on_page"],"dimensions":["event:page"]}`,
				`[{"metrics":[2,null,null],"dimensions":["/"]},{"metrics":[1,80,5],"dimensions":["/form"]}]`},
			{"pagination",
				`{` + site + `,"metrics":["pageviews"],"dimensions":["event:page"],"pagination":{"limit":1,"offset":1}}`,
				`[{"metrics":[1],"dimensions":["/form"]}]`},
			{"nothing in range",
				`{"site_id":"apply.example.gov","date_range":["2025-01-01","2025-01-31"],"metrics":["visitors","pageviews"],"dimensions":["event:page"]}`,
				`[]`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := run(t, tc.query); got != tc.want {
					t.Fatalf("got  %s\nwant %s", got, tc.want)
				}
			})
		}
		// Rollups and raw events give the same answers wherever rollups can
		// answer at all.
		for _, body := range []string{
			`{` + site + `,"metrics":["visitors","visits","pageviews","events","bounce_rate","visit_duration","views_per_visit"]}`,
			`{` + site + `,"metrics":["visitors","pageviews"],"dimensions":["event:page"]}`,
			`{` + site + `,"metrics":["visitors","visits","bounce_rate","visit_duration"],"dimensions":["visit:entry_page"]}`,
			`{` + site + `,"metrics":["visitors","visits","bounce_rate"],"dimensions":["visit:source"]}`,
			`{` + site + `,"metrics":["visits","bounce_rate","visit_duration"],"dimensions":["visit:exit_page"]}`,
			`{` + site + `,"metrics":["visitors","percentage"],"dimensions":["visit:country"]}`,
			`{` + site + `,"metrics":["visitors","events"],"dimensions":["event:name"]}`,
			`{"site_id":"apply.example.gov","date_range":"7d","metrics":["visitors","pageviews"],"dimensions":["time:day"]}`,
			`{"site_id":"apply.example.gov","date_range":["2026-05-20","2026-06-10"],"metrics":["visitors","visits","pageviews"],"dimensions":["time:week"]}`,
		} {
			q, err := statsquery.Parse([]byte(body), svc.Location(), now, svc.CreatedAt)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := stats.run(ctx, svc.ID, q, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := &execution{ev: events.(*sqlEvents), q: q, service: svc.ID}
			if err := x.prepare(ctx); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := x.fromRollups(ctx); !ok || err != nil {
				t.Fatalf("%s: not answered from rollups (%v)", body, err)
			}
			fast, _ := stats.Run(ctx, svc.ID, q)
			rb, _ := json.Marshal(raw.Results)
			fb, _ := json.Marshal(fast.Results)
			if string(rb) != string(fb) {
				t.Errorf("%s:\nraw     %s\nrollups %s", body, rb, fb)
			}
		}

		// Goals: a page goal and an event goal, each reached by a alone.
		g.list = []testGoal{{name: "Signup"}, {page: "/form"}}
		for _, bad := range []string{
			`{` + site + `,"metrics":["visits"],"dimensions":["visit:entry_page","event:name"]}`,
			`{` + site + `,"metrics":["events"],"dimensions":["event:props:a\\\""]}`,
		} {
			q, err := statsquery.Parse([]byte(bad), svc.Location(), now, svc.CreatedAt)
			if err != nil {
				continue // refused by the parser: fine
			}
			_, err = stats.Run(ctx, svc.ID, q)
			if fault.KindOf(err) != fault.Invalid {
				t.Errorf("%s: %v, want an Invalid fault", bad, err)
			}
		}
		// The goals breakdown reads rollups for exact goals, and agrees.
		goalQuery := `{` + site + `,"metrics":["visitors","events","conversion_rate"],"dimensions":["event:goal"]}`
		q, err := statsquery.Parse([]byte(goalQuery), svc.Location(), now, svc.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := stats.run(ctx, svc.ID, q, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := stats.Run(ctx, svc.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := json.Marshal(raw.Results)
		fb, _ := json.Marshal(fast.Results)
		if string(rb) != string(fb) {
			t.Errorf("goals: raw %s, rollups %s", rb, fb)
		}
		gx := &execution{ev: events.(*sqlEvents), q: q, service: svc.ID}
		if err := gx.prepare(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := gx.goalsFromRollups(ctx); !ok || err != nil {
			t.Fatalf("exact goals not answered from rollups (%v)", err)
		}
		for _, tc := range []struct{ name, query, want string }{
			{"goals", `{` + site + `,"metrics":["visitors","events","conversion_rate"],"dimensions":["event:goal"],"order_by":[["events","desc"]]}`,
				`[{"metrics":[1,1,50],"dimensions":["Signup"]},{"metrics":[1,1,50],"dimensions":["Visit /form"]}]`},
			// conversion_rate is out of all the query's visitors, group_conversion_rate
			// out of the group's (Plausible's SpecialMetrics).
			{"conversion by source", `{` + site + `,"metrics":["visitors","conversion_rate","group_conversion_rate"],"dimensions":["visit:source"],"filters":[["is","event:goal",["Signup"]]]}`,
				`[{"metrics":[1,50,100],"dimensions":["Google"]}]`},
			{"conversion rate alone", `{` + site + `,"metrics":["conversion_rate"],"filters":[["is","event:goal",["Signup"]]]}`,
				`[{"metrics":[50],"dimensions":[]}]`},
			{"no such goal", `{` + site + `,"metrics":["visitors"],"filters":[["is","event:goal",["Nothing"]]]}`,
				`[{"metrics":[0],"dimensions":[]}]`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := run(t, tc.query); got != tc.want {
					t.Fatalf("got  %s\nwant %s", got, tc.want)
				}
			})
		}
	})
}

// testGoals stands in for the goals area: exact goals, resolved through
// the event store as goals.(*Goals).StatsGoals resolves them. The goals
// package tests the real one with the stats API (goals/stats_test.go).
type testGoals struct {
	events EventStore
	list   []testGoal // ordered by display name
}

// testGoal is an event goal (name) or an exact page goal (page).
type testGoal struct{ name, page string }

func (g *testGoals) StatsGoals(ctx context.Context, _ int64) ([]ResolvedGoal, error) {
	values := []string{PageviewName}
	for _, gl := range g.list {
		values = append(values, gl.name, gl.page)
	}
	ids, err := g.events.StringIDs(ctx, values)
	if err != nil {
		return nil, err
	}
	out := make([]ResolvedGoal, len(g.list))
	for i, gl := range g.list {
		if gl.page == "" {
			out[i] = ResolvedGoal{DisplayName: gl.name, Name: ids[gl.name]}
			continue
		}
		out[i] = ResolvedGoal{DisplayName: "Visit " + gl.page, Name: ids[PageviewName], Pages: map[int64]bool{}}
		if id, ok := ids[gl.page]; ok {
			out[i].Pages[id] = true
		}
	}
	return out, nil
}

func (g *testGoals) FunnelTotals(context.Context, int64, time.Time, time.Time) ([]FunnelTotals, error) {
	return nil, nil
}

// TestExitPageVisitors: a visitor whose two visits both leave from one
// page is one visitor of that exit page, as Plausible counts (the exit
// page's rollup rows count visits, so visitors come from the visits).
func TestExitPageVisitors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxBatch: 2, MaxWait: time.Millisecond})
		defer p.Close(ctx)
		at := fixtureClock(svc.Location())
		for _, ev := range []*Event{
			{VisitorID: 1, Time: at("10:00"), Page: "/"}, {VisitorID: 1, Time: at("10:01"), Page: "/done"},
			{VisitorID: 2, Time: at("10:30"), Page: "/done"},
			{VisitorID: 1, Time: at("11:00"), Page: "/done"}, // a second visit
		} {
			ev.ServiceID, ev.Zone, ev.Hostname, ev.Name, ev.ScrollDepth, ev.EngagedMS = svc.ID, svc.Location(), "apply.example.gov", PageviewName, -1, -1
			if err := p.Enqueue(ev); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		stats := NewStats(NewEventStore(db), &testGoals{})
		q, err := statsquery.Parse([]byte(`{"site_id":"apply.example.gov","date_range":"day","metrics":["visitors","visits","percentage"],"dimensions":["visit:exit_page"]}`),
			svc.Location(), at("18:00"), svc.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		for _, rawOnly := range []bool{false, true} {
			res, err := stats.run(ctx, svc.ID, q, rawOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(res.Results)
			if want := `[{"metrics":[2,3,100],"dimensions":["/done"]}]`; string(b) != want {
				t.Errorf("raw only %v: %s, want %s", rawOnly, b, want)
			}
		}
	})
}
