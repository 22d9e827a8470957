package goals_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/metric"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestFunnelAfterRetention: a funnel that existed before retention
// deleted its days' raw events still reports them (the retention hook kept
// them); one created afterwards reports those days as unknown, never 0,
// and keeps nothing computed from what is left.
func TestFunnelAfterRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		day := func(d int, h int) time.Time { return time.Date(2026, 6, d, h, 0, 0, 0, time.UTC) }
		now := day(10, 12)
		g.Now = func() time.Time { return now }
		svc := newService(t, cat, "Apply", "apply.example.gov", "UTC")
		before := applyFunnel(t, g, svc)

		fd := newFeeder(t, db)
		for _, ev := range []struct {
			visitor   int64
			at        time.Time
			name, url string
		}{
			{1, day(1, 10), "pageview", "/start"}, {1, day(1, 10).Add(time.Minute), "pageview", "/form/1"},
			{1, day(1, 10).Add(2 * time.Minute), "Submit", "/form/1"}, {1, day(1, 10).Add(3 * time.Minute), "pageview", "/done"},
			{2, day(2, 10), "pageview", "/start"},
			{3, day(9, 10), "pageview", "/start"}, {3, day(9, 10).Add(time.Minute), "pageview", "/done"},
		} {
			fd.send(svc, ev.visitor, ev.at, ev.name, ev.url)
		}
		fd.flush()

		ret := analytics.NewRetention(db)
		ret.SetClock(func() time.Time { return now })
		ret.BeforePrune = g.KeepBeforePrune
		g.PrunedBefore = ret.PrunedBefore
		if err := ret.SetRetention(ctx, svc.ID, 3); err != nil {
			t.Fatal(err)
		}
		if n, err := ret.Prune(ctx); err != nil || n == 0 {
			t.Fatalf("pruned %d events, %v", n, err)
		}
		if pb, err := ret.PrunedBefore(ctx, svc.ID); err != nil || !pb.Equal(day(2, 10).Add(time.Millisecond)) {
			t.Fatalf("pruned before %v (%v), want just after the last event deleted, 2 June 10:00", pb, err)
		}

		// (a) The funnel of before: its days were kept as the events went.
		rep, err := g.Funnel(ctx, svc.ID, before.ID, day(1, 0), day(6, 0))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Entered() != 2 || rep.Completed() != 1 || len(rep.UnknownDays) != 0 {
			t.Errorf("kept funnel: entered %d, completed %d, unknown %v; want 2, 1, none", rep.Entered(), rep.Completed(), rep.UnknownDays)
		}
		days, err := g.Transactions(ctx, svc.ID, before.ID, day(1, 0), day(4, 0), time.UTC)
		if want := "[{2026-06-01 1 1} {2026-06-02 1 0} {2026-06-03 0 0}]"; err != nil || fmt.Sprint(days) != want {
			t.Errorf("kept transactions: %v, %v; want %s", days, err, want)
		}

		// (b) A funnel made after the pruning cannot know those days.
		var steps []int64
		for _, st := range before.Steps {
			steps = append(steps, st.ID)
		}
		after, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply again", Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		rep, err = g.Funnel(ctx, svc.ID, after.ID, day(1, 0), day(6, 0))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(rep.UnknownDays) != "[2026-06-01 2026-06-02]" || rep.UnknownReason == "" || rep.Entered() != 0 {
			t.Errorf("new funnel: unknown days %v (%q), entered %d", rep.UnknownDays, rep.UnknownReason, rep.Entered())
		}
		days, err = g.Transactions(ctx, svc.ID, after.ID, day(1, 0), day(5, 0), time.UTC)
		if want := "[{2026-06-01 unknown} {2026-06-02 unknown} {2026-06-03 0 0} {2026-06-04 0 0}]"; err != nil || fmt.Sprint(days) != want {
			t.Errorf("new funnel's transactions: %v, %v; want %s", days, err, want)
		}
		for _, table := range []string{"funnel_days", "funnel_transactions"} {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE funnel_id = $1 AND day <= $2`,
				after.ID, day(2, 0).Unix()/86400).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s keeps %d pruned days of the new funnel (%v)", table, n, err)
			}
		}

		// The metric says so too: a week with an unknown day is unknown,
		// and the main funnel's week after it is known.
		reg := metric.NewRegistry()
		if err := reg.Register(g.Metrics(func(context.Context, int64) (int64, error) { return before.ID, nil })...); err != nil {
			t.Fatal(err)
		}
		q := metric.Query{Service: metric.Service{ID: svc.ID, Zone: time.UTC}, From: day(1, 0), To: day(8, 0), Interval: metric.Week}
		q.Params = map[string]string{"funnel": fmt.Sprint(after.ID)}
		s, err := reg.Series(ctx, "transactions_completed", q)
		if err != nil || len(s.Points) != 1 || s.Points[0].Known || s.Points[0].Reason != goals.ReasonPruned {
			t.Errorf("new funnel's week: %+v, %v", s, err)
		}
		q.Params = nil
		s, err = reg.Series(ctx, "transactions_completed", q)
		if err != nil || len(s.Points) != 1 || !s.Points[0].Known || s.Points[0].Value != 1 {
			t.Errorf("main funnel's week: %+v, %v", s, err)
		}
	})
}

// TestFunnelOverCentury: a funnel asked for 1900 to 2060 reports what the
// days with data report, walking and keeping only those days.
func TestFunnelOverCentury(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		day := func(d int, h int) time.Time { return time.Date(2026, 6, d, h, 0, 0, 0, time.UTC) }
		g.Now = func() time.Time { return day(10, 12) }
		svc := newService(t, cat, "Apply", "apply.example.gov", "Europe/London")
		f := applyFunnel(t, g, svc)
		fd := newFeeder(t, db)
		fd.send(svc, 1, day(1, 10), "pageview", "/start")
		fd.send(svc, 1, day(1, 10).Add(time.Minute), "pageview", "/form/1")
		fd.send(svc, 2, day(3, 10), "pageview", "/start")
		fd.flush()

		near, err := g.Funnel(ctx, svc.ID, f.ID, day(1, 0), day(5, 0))
		if err != nil {
			t.Fatal(err)
		}
		far, err := g.Funnel(ctx, svc.ID, f.ID, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2061, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if near.Entered() != 2 || far.Entered() != near.Entered() || far.Completed() != near.Completed() || len(far.UnknownDays) != 0 {
			t.Errorf("1900-2060: entered %d, completed %d, unknown %v; the days with data: %d, %d", far.Entered(), far.Completed(), far.UnknownDays, near.Entered(), near.Completed())
		}
		var kept int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM funnel_days WHERE funnel_id = $1`, f.ID).Scan(&kept); err != nil || kept > 3 {
			t.Errorf("kept %d funnel days (%v), want at most the 3 days from the first day with data to the last", kept, err)
		}
	})
}
