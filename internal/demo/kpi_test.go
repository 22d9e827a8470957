package demo

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
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestSeedDemoKPI seeds the demo's KPI inputs over two weeks of demo
// traffic, checks the story they tell, and that a second start adds
// nothing.
func TestSeedDemoKPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := demoService(t, db)
		p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
		t.Cleanup(func() { p.Close(ctx) })
		if _, err := Traffic(ctx, p, svc, testNow, Options{Days: 14, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		g := goals.New(db)
		g.Now = func() time.Time { return testNow }
		if err := Goals(ctx, g, svc.ID); err != nil {
			t.Fatal(err)
		}
		funnels, err := g.Funnels(ctx, svc.ID)
		if err != nil || len(funnels) != 1 {
			t.Fatalf("funnels %v, %v", funnels, err)
		}
		reg := metric.NewRegistry()
		k := kpi.New(db, catalog.New(db), kpi.Options{Metrics: reg, Funnels: g.Funnels})
		if err := reg.Register(g.Metrics(k.MainFunnel)...); err != nil {
			t.Fatal(err)
		}
		k.Now = func() time.Time { return testNow }
		if err := SeedDemo(ctx, k, svc, funnels[0].ID, testNow); err != nil {
			t.Fatal(err)
		}
		count := func() (n int) {
			t.Helper()
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM kpi_transactions) + (SELECT count(*) FROM kpi_costs)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		rows := count()

		// The year before April 2026: April 2025 to March 2026.
		from, to := kpi.DefaultPeriod(date(2026, 4, 22))
		r, err := k.Report(ctx, svc, from, to, kpi.Monthly)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range kpi.Headline {
			if n == kpi.UserSatisfaction {
				continue // the feedback area's, not wired here
			}
			if m := r.KPIs.Get(n); !m.Known {
				t.Errorf("%s has no value: %s", n, m.Reason)
			}
		}
		t.Logf("completion %.3f, take-up %.3f, cost %.2f", r.KPIs.CompletionRate.Value, r.KPIs.DigitalTakeUp.Value, r.KPIs.CostPerTransaction.Value)
		firstM, lastM := r.Series[0], r.Series[len(r.Series)-1]
		if firstM.Counts.Completed[2] <= lastM.Counts.Completed[2] || firstM.KPIs.DigitalTakeUp.Value >= lastM.KPIs.DigitalTakeUp.Value {
			t.Errorf("phone from %v to %v, take-up from %v to %v: want phone down, digital up",
				firstM.Counts.Completed[2], lastM.Counts.Completed[2], firstM.KPIs.DigitalTakeUp.Value, lastM.KPIs.DigitalTakeUp.Value)
		}
		// Digital figures come from the funnel for the traffic's days,
		// submitted before them: April 2026 so far is the funnel's alone.
		april, err := k.Report(ctx, svc, date(2026, 4, 9), date(2026, 4, 21), kpi.Monthly)
		if err != nil {
			t.Fatal(err)
		}
		if c := april.Counts; c.FunnelDays != 13 || c.Figures[0] != 13 || c.Started[0] == 0 {
			t.Errorf("April: %d funnel days of %d digital figures, %v started", c.FunnelDays, c.Figures[0], c.Started[0])
		}
		if len(r.KPIs.CostByChannel) != 6 {
			t.Errorf("cost by channel %v", r.KPIs.CostByChannel)
		}
		for _, f := range r.Inputs {
			if f.Input != kpi.InputSatisfaction && f.Stale {
				t.Errorf("%s is stale: %+v", f.Label(), f)
			}
		}

		if err := SeedDemo(ctx, k, svc, funnels[0].ID, testNow.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != rows {
			t.Errorf("a second start went from %d rows to %d", rows, n)
		}
	})
}

func date(y int, m time.Month, d int) statsquery.Date {
	return statsquery.Date{Year: y, Month: m, Day: d}
}
