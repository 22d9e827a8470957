package kpi_test

import (
	"context"
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

// TestWithGoals computes the KPIs from real events through the analytics
// pipeline and the real goals area, wired as the app wires them.
func TestWithGoals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := catalog.New(db)
		svc, err := cat.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "Europe/London"})
		if err != nil {
			t.Fatal(err)
		}
		g := goals.New(db)
		g.Now = func() time.Time { return fixedNow }
		var steps []int64
		for _, path := range []string{"/start", "/details", "/done"} {
			gl, err := g.CreateGoal(ctx, svc.ID, goals.GoalInput{GoalType: goals.KindPage, PagePath: path})
			if err != nil {
				t.Fatal(err)
			}
			steps = append(steps, gl.ID)
		}
		funnel, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply", Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		reg := metric.NewRegistry()
		k := kpi.New(db, cat, kpi.Options{Metrics: reg, Funnels: g.Funnels})
		if err := reg.Register(g.Metrics(k.MainFunnel)...); err != nil {
			t.Fatal(err)
		}
		k.Now = func() time.Time { return fixedNow }
		set, _ := k.Settings(ctx, svc.ID)
		set.MainFunnelID = funnel.ID
		if err := k.SaveSettings(ctx, svc.ID, set); err != nil {
			t.Fatal(err)
		}

		p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{MaxBatch: 50, MaxWait: time.Millisecond})
		t.Cleanup(func() { p.Close(ctx) })
		send := func(visitor int64, at time.Time, page string) {
			t.Helper()
			ev := &analytics.Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at, VisitorID: visitor, Name: analytics.PageviewName, Page: page,
				Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1,
				Visit: analytics.Visit{Channel: "Direct", Device: "Desktop", Browser: "Firefox", OS: "GNU/Linux", Country: "GB"}}
			if err := p.Enqueue(ev); err != nil {
				t.Fatal(err)
			}
		}
		// 10 June, London time: visitor 1 goes from the start to the end
		// (skipping /details: a completed transaction needs the first and
		// last steps only); visitor 2 stops at /details; visitor 3 only
		// reaches /done. 11 June: visitor 4 completes just after midnight.
		june10 := time.Date(2026, 6, 10, 9, 0, 0, 0, svc.Location())
		send(1, june10, "/start")
		send(1, june10.Add(2*time.Minute), "/done")
		send(2, june10.Add(time.Hour), "/start")
		send(2, june10.Add(time.Hour+time.Minute), "/details")
		send(3, june10.Add(2*time.Hour), "/done")
		june11 := time.Date(2026, 6, 11, 0, 10, 0, 0, svc.Location())
		send(4, june11, "/start")
		send(4, june11.Add(time.Minute), "/done")
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}

		r, err := k.Report(ctx, svc, date("2026-06-10"), date("2026-06-11"), kpi.Daily)
		if err != nil {
			t.Fatal(err)
		}
		// 10 June: 2 started, 1 completed; 11 June: 1 and 1. Over both: 2 ÷ 3.
		value(t, "10 June", r.Series[0].KPIs.CompletionRate, 0.5, 1)
		value(t, "11 June", r.Series[1].KPIs.CompletionRate, 1, 1)
		value(t, "both days", r.KPIs.CompletionRate, 2.0/3, 2)
		value(t, "digital take-up, digital only", r.KPIs.DigitalTakeUp, 1, 2)

		// June is over by now; a submitted figure for 11 June replaces the
		// funnel's that day:
		// (1 + 10) ÷ (2 + 20). With 30 phone transactions completed that
		// month, take-up is 11 ÷ (11 + 30 × 2 ÷ 30).
		k.Now = func() time.Time { return time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC) }
		if _, err := k.SubmitTransactions(ctx, svc, []kpi.TransactionFigure{
			{Date: "2026-06-11", Channel: kpi.Digital, Started: 20, Completed: 10},
			{Date: "2026-06", Channel: kpi.Phone, Started: 30, Completed: 30},
		}, false); err != nil {
			t.Fatal(err)
		}
		r, err = k.Report(ctx, svc, date("2026-06-10"), date("2026-06-11"), kpi.Daily)
		if err != nil {
			t.Fatal(err)
		}
		value(t, "with a submitted day", r.KPIs.CompletionRate, 11.0/22, 2)
		value(t, "take-up with phone", r.KPIs.DigitalTakeUp, 11.0/13, 3)

		// The funnel's figures stay fresh while visits start it.
		if f := r.Inputs[0]; f.Stale || f.DataUntil != "2026-06-11" || f.Source != "The service’s main funnel, and submitted figures" {
			t.Errorf("digital input %+v", f)
		}
		// Deleting the funnel clears the setting (ON DELETE SET NULL).
		if err := g.DeleteFunnel(ctx, svc.ID, funnel.ID); err != nil {
			t.Fatal(err)
		}
		if set, err := k.Settings(ctx, svc.ID); err != nil || set.MainFunnelID != 0 {
			t.Errorf("after deleting the funnel: %+v, %v", set, err)
		}
	})
}
