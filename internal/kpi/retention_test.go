package kpi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestAfterRetention: once retention has deleted the raw events of some
// days, the KPIs over them are right when the main funnel's days were
// kept before the deletion, and unknown with a reason — never 0 or 0/0 —
// when the main funnel was chosen only afterwards.
func TestAfterRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
		cat := catalog.New(db)
		svc, err := cat.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		g := goals.New(db)
		g.Now = func() time.Time { return now }
		var steps []int64
		for _, path := range []string{"/start", "/done"} {
			gl, err := g.CreateGoal(ctx, svc.ID, goals.GoalInput{GoalType: goals.KindPage, PagePath: path})
			if err != nil {
				t.Fatal(err)
			}
			steps = append(steps, gl.ID)
		}
		kept, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply", Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		reg := metric.NewRegistry()
		k := kpi.New(db, cat, kpi.Options{Metrics: reg, Funnels: g.Funnels})
		k.Now = func() time.Time { return now }
		if err := reg.Register(g.Metrics(k.MainFunnel)...); err != nil {
			t.Fatal(err)
		}
		if err := reg.Register(k.Metrics()...); err != nil {
			t.Fatal(err)
		}

		// 1 June: four visits start, three complete.
		p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{MaxBatch: 50, MaxWait: time.Millisecond})
		t.Cleanup(func() { p.Close(ctx) })
		june1 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		for v := int64(1); v <= 4; v++ {
			at := june1.Add(time.Duration(v) * time.Hour)
			pages := []string{"/start", "/done"}
			if v == 4 {
				pages = pages[:1]
			}
			for i, page := range pages {
				ev := &analytics.Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at.Add(time.Duration(i) * time.Minute), VisitorID: v,
					Name: analytics.PageviewName, Page: page, Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1,
					Visit: analytics.Visit{Channel: "Direct", Device: "Desktop", Browser: "Firefox", OS: "GNU/Linux", Country: "GB"}}
				if err := p.Enqueue(ev); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}

		ret := analytics.NewRetention(db)
		ret.SetClock(func() time.Time { return now })
		ret.BeforePrune = g.KeepBeforePrune
		g.PrunedBefore = ret.PrunedBefore
		if err := ret.SetRetention(ctx, svc.ID, 7); err != nil {
			t.Fatal(err)
		}
		if n, err := ret.Prune(ctx); err != nil || n == 0 {
			t.Fatalf("pruned %d, %v", n, err)
		}

		report := func() kpi.KPIs {
			t.Helper()
			r, err := k.Report(ctx, svc, date("2026-06-01"), date("2026-06-07"), kpi.Weekly)
			if err != nil {
				t.Fatal(err)
			}
			return r.KPIs
		}
		series := func(name string) metric.Point {
			t.Helper()
			s, err := reg.Series(ctx, name, metric.Query{Service: metric.Service{ID: svc.ID, Zone: time.UTC},
				From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 8, 0, 0, 0, 0, time.UTC), Interval: metric.Week})
			if err != nil || len(s.Points) != 1 {
				t.Fatalf("%s: %+v, %v", name, s, err)
			}
			return s.Points[0]
		}

		// The main funnel existed when the events went: its day was kept.
		set, _ := k.Settings(ctx, svc.ID)
		set.MainFunnelID = kept.ID
		if err := k.SaveSettings(ctx, svc.ID, set); err != nil {
			t.Fatal(err)
		}
		value(t, "kept completion rate", report().CompletionRate, 0.75, 1)
		if pt := series("completion_rate"); !pt.Known || pt.Value != 0.75 {
			t.Errorf("kept completion_rate metric: %+v", pt)
		}

		// A main funnel made afterwards cannot know 1 June.
		late, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply later", Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		set.MainFunnelID = late.ID
		if err := k.SaveSettings(ctx, svc.ID, set); err != nil {
			t.Fatal(err)
		}
		for name, m := range map[string]kpi.Measure{"completion rate": report().CompletionRate, "digital take-up": report().DigitalTakeUp} {
			if m.Known || !strings.Contains(m.Reason, "deleted by the service’s retention setting") {
				t.Errorf("%s after retention: %+v, want unknown with the reason", name, m)
			}
		}
		for _, name := range []string{"completion_rate", "digital_take_up", "transactions_started"} {
			if pt := series(name); pt.Known || pt.Reason == "" {
				t.Errorf("%s metric after retention: %+v, want unknown with a reason", name, pt)
			}
		}
		// Digital figures submitted for the lost day fill it.
		if _, err := k.SubmitTransactions(ctx, svc, []kpi.TransactionFigure{{Date: "2026-06-01", Channel: kpi.Digital, Started: 4, Completed: 3}}, false); err != nil {
			t.Fatal(err)
		}
		value(t, "completion rate with the day submitted", report().CompletionRate, 0.75, 1)
	})
}
