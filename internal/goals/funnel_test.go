package goals_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// feeder sends events through the real analytics pipeline, which makes
// the visits and stores the events as ingestion does.
type feeder struct {
	t testing.TB
	p *analytics.Pipeline
}

func newFeeder(t testing.TB, db *store.DB) *feeder {
	t.Helper()
	p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{MaxBatch: 50, MaxWait: time.Millisecond})
	t.Cleanup(func() { p.Close(context.Background()) })
	return &feeder{t: t, p: p}
}

// send enqueues one event of visitor on svc: a page view when name is
// "pageview", a custom event otherwise.
func (f *feeder) send(svc *catalog.Service, visitor int64, at time.Time, name, page string) {
	f.t.Helper()
	ev := &analytics.Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at, VisitorID: visitor, Name: name, Page: page,
		Hostname: svc.Domains[0], Interactive: name != analytics.PageviewName, ScrollDepth: -1, EngagedMS: -1,
		Visit: analytics.Visit{Channel: "Direct", Device: "Desktop", Browser: "Firefox", OS: "GNU/Linux", Country: "GB"}}
	if name == analytics.EngagementName {
		ev.ScrollDepth, ev.EngagedMS, ev.Interactive = 50, 1000, false
	}
	if err := f.p.Enqueue(ev); err != nil {
		f.t.Fatal(err)
	}
}

func (f *feeder) flush() {
	f.t.Helper()
	if err := f.p.Flush(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// step is one expected row of a report.
type step struct {
	visitors             int
	conversion, convStep float64
	dropoff              int
	dropoffRate          float64
}

func checkReport(t *testing.T, rep *goals.FunnelReport, want []step) {
	t.Helper()
	if len(rep.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(rep.Steps), len(want))
	}
	for i, w := range want {
		s := rep.Steps[i]
		got := step{s.Visitors, s.ConversionRate, s.ConversionRateStep, s.Dropoff, s.DropoffRate}
		if got != w {
			t.Errorf("step %d (%s): got %+v, want %+v", i+1, s.Goal.DisplayName, got, w)
		}
	}
}

// applyFunnel adds the fixtures' goals and funnel to svc: the start page,
// any form page (a * wildcard), the custom event Submit, the done page.
func applyFunnel(t testing.TB, g *goals.Goals, svc *catalog.Service) *goals.Funnel {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, in := range []goals.GoalInput{
		{GoalType: "page", PagePath: "/start"},
		{GoalType: "page", PagePath: "/form/*"},
		{GoalType: "event", EventName: "Submit"},
		{GoalType: "page", PagePath: "/done"},
	} {
		gl, err := g.CreateGoal(ctx, svc.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, gl.ID)
	}
	f, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Apply", Steps: ids})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFunnelSemantics feeds hand-made visitors through the pipeline and
// checks the report against counts worked out by hand with Plausible's
// rules (windowFunnel(86400) over each visitor's events of the period).
func TestFunnelSemantics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "Europe/London")
		other := newService(t, cat, "Renew", "renew.example.gov", "Europe/London")
		f := applyFunnel(t, g, svc)
		applyFunnel(t, g, other)
		london := svc.Location()
		day1 := time.Date(2026, 6, 1, 0, 0, 0, 0, london)
		at := func(day int, hhmm string) time.Time {
			var h, m int
			fmt.Sscanf(hhmm, "%d:%d", &h, &m)
			return day1.AddDate(0, 0, day-1).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		}
		fd := newFeeder(t, db)
		pv := func(v int64, when time.Time, page string) { fd.send(svc, v, when, "pageview", page) }
		ev := func(v int64, when time.Time, name, page string) { fd.send(svc, v, when, name, page) }

		// v1 does every step in order, with other pages between: step 4.
		pv(1, at(1, "09:00"), "/start")
		pv(1, at(1, "09:01"), "/help")
		pv(1, at(1, "09:02"), "/form/1")
		ev(1, at(1, "09:03"), "Submit", "/form/1")
		pv(1, at(1, "09:04"), "/done")
		// v2 stops after the form: step 2.
		pv(2, at(1, "10:00"), "/start")
		pv(2, at(1, "10:01"), "/form/2")
		// v3 does the form before the start: only step 1 counts.
		pv(3, at(1, "10:00"), "/form/1")
		pv(3, at(1, "10:01"), "/start")
		// v4 skips the form: Submit and /done do not count, step 1.
		pv(4, at(1, "11:00"), "/start")
		ev(4, at(1, "11:01"), "Submit", "/form/1")
		pv(4, at(1, "11:02"), "/done")
		// v5 starts in one visit and goes on in another an hour later, the
		// same day: a visitor's steps may span visits, step 3.
		pv(5, at(1, "12:00"), "/start")
		pv(5, at(1, "13:00"), "/form/9")
		ev(5, at(1, "13:01"), "Submit", "/form/9")
		// v6 repeats steps and goes back to the start: progress is kept, step 3.
		pv(6, at(1, "14:00"), "/start")
		pv(6, at(1, "14:01"), "/start")
		pv(6, at(1, "14:02"), "/form/1")
		pv(6, at(1, "14:03"), "/form/1")
		pv(6, at(1, "14:04"), "/start")
		ev(6, at(1, "14:05"), "Submit", "/form/1")
		// v7 only reaches the end: not in the funnel.
		pv(7, at(1, "15:00"), "/done")
		// v8 comes back to the form the next day: by then its visitor id has
		// changed with the day's salt (here the test keeps it), and a day's
		// visitors are counted apart from the next day's: step 1.
		pv(8, at(1, "09:00"), "/start")
		pv(8, at(2, "10:00"), "/form/1")
		// v9's only /start is an engagement event, not a page view.
		pv(9, at(1, "16:00"), "/other")
		ev(9, at(1, "16:01"), "engagement", "/start")
		// v10 sends the form before the start in the same millisecond:
		// same-time events are taken in step order, step 2.
		pv(10, at(1, "17:00"), "/form/1")
		pv(10, at(1, "17:00"), "/start")
		// v11's form page is nested: /form/* does not match, step 1.
		pv(11, at(1, "18:00"), "/start")
		pv(11, at(1, "18:01"), "/form/1/extra")
		// v12 reached the start before midnight: the steps after it are
		// another day's, so they do not continue its chain.
		pv(12, at(0, "23:30"), "/start")
		pv(12, at(1, "00:10"), "/form/1")
		ev(12, at(1, "00:11"), "Submit", "/form/1")
		pv(12, at(1, "00:12"), "/done")
		// v13 comes back exactly 24 hours after the start: the next day, step 1.
		pv(13, at(1, "19:00"), "/start")
		pv(13, at(2, "19:00"), "/form/3")
		// v14 sends Submit as a page view and visits /Start: neither matches.
		pv(14, at(1, "20:00"), "/Start")
		pv(14, at(1, "20:01"), "Submit")
		// Another service's visitor 7 does everything: not counted here.
		fd.send(other, 7, at(1, "15:01"), "pageview", "/start")
		fd.send(other, 7, at(1, "15:02"), "pageview", "/form/1")
		fd.send(other, 7, at(1, "15:03"), "Submit", "/form/1")
		fd.send(other, 7, at(1, "15:04"), "pageview", "/done")
		fd.flush()

		rep, err := g.Funnel(ctx, svc.ID, f.ID, day1, day1.AddDate(0, 0, 2))
		if err != nil {
			t.Fatal(err)
		}
		// Step 1: v1 v2 v3 v4 v5 v6 v8 v10 v11 v13 = 10
		// Step 2: v1 v2 v5 v6 v10 = 5
		// Step 3: v1 v5 v6 = 3
		// Step 4: v1 = 1
		checkReport(t, rep, []step{
			{visitors: 10, conversion: 100, convStep: 100},
			{visitors: 5, conversion: 50, convStep: 50, dropoff: 5, dropoffRate: 50},
			{visitors: 3, conversion: 30, convStep: 60, dropoff: 2, dropoffRate: 40},
			{visitors: 1, conversion: 10, convStep: 33.33, dropoff: 2, dropoffRate: 66.67},
		})
		if rep.Entered() != 10 || rep.Completed() != 1 || rep.ConversionRate() != 10 || rep.Funnel.ID != f.ID {
			t.Errorf("headline: entered %d, completed %d, %v%%", rep.Entered(), rep.Completed(), rep.ConversionRate())
		}

		// Day 2 alone: v8's and v13's form pages lack their start, v12 is
		// out: nobody.
		rep, err = g.Funnel(ctx, svc.ID, f.ID, day1.AddDate(0, 0, 1), day1.AddDate(0, 0, 2))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{{}, {}, {}, {}})

		// From the evening before, v12's start is in, and only that.
		rep, err = g.Funnel(ctx, svc.ID, f.ID, day1.Add(-time.Hour), day1.AddDate(0, 0, 2))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{
			{visitors: 11, conversion: 100, convStep: 100},
			{visitors: 5, conversion: 45.45, convStep: 45.45, dropoff: 6, dropoffRate: 54.55},
			{visitors: 3, conversion: 27.27, convStep: 60, dropoff: 2, dropoffRate: 40},
			{visitors: 1, conversion: 9.09, convStep: 33.33, dropoff: 2, dropoffRate: 66.67},
		})

		// The other service sees only its own visitor.
		fs, err := g.Funnels(ctx, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err = g.Funnel(ctx, other.ID, fs[0].ID, day1, day1.AddDate(0, 0, 2))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{{1, 100, 100, 0, 0}, {1, 100, 100, 0, 0}, {1, 100, 100, 0, 0}, {1, 100, 100, 0, 0}})

		if _, err := g.Funnel(ctx, other.ID, f.ID, day1, day1.AddDate(0, 0, 1)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another service's funnel: %v", err)
		}
	})
}

// TestFunnelEdges: goals that no event ever carried, one page completing
// two steps at once, and a wildcard covering many pages.
func TestFunnelEdges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "UTC")
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		// The day is still going on, so its reports are not kept: events come.
		g.Now = func() time.Time { return day.Add(23 * time.Hour) }
		mk := func(in goals.GoalInput) int64 {
			gl, err := g.CreateGoal(ctx, svc.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return gl.ID
		}
		anyPage := mk(goals.GoalInput{PagePath: "/**"})
		blog := mk(goals.GoalInput{PagePath: "/blog/*"})
		never := mk(goals.GoalInput{EventName: "Never sent"})
		nowhere := mk(goals.GoalInput{PagePath: "/nowhere/**"})
		f, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Blog", Steps: []int64{anyPage, blog, never}})
		if err != nil {
			t.Fatal(err)
		}
		empty, err := g.CreateFunnel(ctx, svc.ID, goals.FunnelInput{Name: "Nothing", Steps: []int64{never, nowhere}})
		if err != nil {
			t.Fatal(err)
		}

		// Before any event at all, reports are zero.
		rep, err := g.Funnel(ctx, svc.ID, f.ID, day, day.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{{}, {}, {}})

		fd := newFeeder(t, db)
		// 600 visitors, each on a page of their own (more pages than a
		// query lists), half of them on the blog: one page view completes
		// "any page" and "a blog post" at once.
		for v := range 600 {
			page := fmt.Sprintf("/page/%d", v)
			if v%2 == 0 {
				page = fmt.Sprintf("/blog/post-%d", v)
			}
			fd.send(svc, int64(1000+v), day.Add(time.Duration(v)*time.Second), "pageview", page)
		}
		fd.flush()
		rep, err = g.Funnel(ctx, svc.ID, f.ID, day, day.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{
			{visitors: 600, conversion: 100, convStep: 100},
			{visitors: 300, conversion: 50, convStep: 50, dropoff: 300, dropoffRate: 50},
			{visitors: 0, conversion: 0, convStep: 0, dropoff: 300, dropoffRate: 100},
		})
		rep, err = g.Funnel(ctx, svc.ID, empty.ID, day, day.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, []step{{}, {}})
		if rep.ConversionRate() != 0 {
			t.Fatalf("conversion of an empty funnel: %v", rep.ConversionRate())
		}
	})
}

// TestTransactions counts started and completed transactions per day in
// New York, where a visit at 23:50 belongs to a different day than in UTC.
func TestTransactions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "America/New_York")
		f := applyFunnel(t, g, svc)
		ny := svc.Location()
		at := func(day int, hhmm string) time.Time {
			var h, m int
			fmt.Sscanf(hhmm, "%d:%d", &h, &m)
			return time.Date(2026, 6, day, h, m, 0, 0, ny)
		}
		fd := newFeeder(t, db)
		pv := func(v int64, when time.Time, page string) { fd.send(svc, v, when, "pageview", page) }

		// 1 June: a visit starts at 23:50 and finishes after midnight
		// (04:10 on 2 June in UTC): started and completed on 1 June.
		pv(1, at(1, "23:50"), "/start")
		pv(1, at(2, "00:10"), "/done")
		// 2 June: three visits start, none completes.
		pv(2, at(2, "09:00"), "/start")
		pv(2, at(2, "09:05"), "/form/1")
		pv(3, at(2, "10:00"), "/done") // the end before the start
		pv(3, at(2, "10:05"), "/start")
		pv(4, at(2, "12:00"), "/start")
		pv(4, at(2, "13:00"), "/done") // an hour later: another visit, which never started
		// 3 June: three visits start and complete.
		pv(5, at(3, "08:00"), "/start") // skipping the middle steps still completes
		pv(5, at(3, "08:10"), "/form/1")
		pv(5, at(3, "08:20"), "/done")
		pv(6, at(3, "20:00"), "/start") // one visit counts once
		pv(6, at(3, "20:10"), "/start")
		pv(6, at(3, "20:20"), "/done")
		pv(6, at(3, "20:25"), "/done")
		pv(8, at(3, "23:59"), "/start") // completed after the period ends
		pv(8, at(4, "00:10"), "/done")
		// 31 May: started the day before the period, not counted in it.
		pv(7, time.Date(2026, 5, 31, 23, 55, 0, 0, ny), "/start")
		pv(7, at(1, "00:05"), "/done")
		// 4 June: after the period.
		pv(9, at(4, "09:00"), "/start")
		fd.flush()

		from, to := at(1, "00:00"), at(4, "00:00")
		days, err := g.Transactions(ctx, svc.ID, f.ID, from, to, ny)
		if err != nil {
			t.Fatal(err)
		}
		want := []goals.DayCount{
			{Day: statsquery.Date{Year: 2026, Month: 6, Day: 1}, Started: 1, Completed: 1},
			{Day: statsquery.Date{Year: 2026, Month: 6, Day: 2}, Started: 3, Completed: 0},
			{Day: statsquery.Date{Year: 2026, Month: 6, Day: 3}, Started: 3, Completed: 3},
		}
		if fmt.Sprint(days) != fmt.Sprint(want) {
			t.Fatalf("transactions\n got %v\nwant %v", days, want)
		}

		// A day's counts do not depend on the period asked for.
		days, err = g.Transactions(ctx, svc.ID, f.ID, at(3, "00:00"), at(4, "00:00"), ny)
		if err != nil || fmt.Sprint(days) != fmt.Sprint(want[2:]) {
			t.Fatalf("3 June alone: %v, %v", days, err)
		}
		// Days with nothing are there, as zeros; 31 May counts visitor 7.
		days, err = g.Transactions(ctx, svc.ID, f.ID, at(1, "00:00").AddDate(0, 0, -2), at(1, "00:00"), ny)
		if err != nil || fmt.Sprint(days) != "[{2026-05-30 0 0} {2026-05-31 1 1}]" {
			t.Fatalf("30–31 May: %v, %v", days, err)
		}
		// In UTC the evening visits of 1 and 3 June (v1, v6, v8) fall on
		// the next day, and v9's morning is in the period.
		days, err = g.Transactions(ctx, svc.ID, f.ID, time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 5, 0, 0, 0, 0, time.UTC), time.UTC)
		if err != nil || fmt.Sprint(days) != "[{2026-06-02 4 1} {2026-06-03 1 1} {2026-06-04 3 2}]" {
			t.Fatalf("in UTC: %v, %v", days, err)
		}
		if days, err := g.Transactions(ctx, svc.ID, f.ID, to, from, ny); err != nil || len(days) != 0 {
			t.Fatalf("an empty period: %v, %v", days, err)
		}
		if _, err := g.Transactions(ctx, svc.ID, 999, from, to, ny); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown funnel: %v", err)
		}
	})
}

// TestFunnelDays: whole past days are computed once and kept, so a report
// stands when the raw events are pruned; a changed funnel is computed
// afresh; today is never kept; the window still applies within a 25-hour
// day (the clocks go back).
func TestFunnelDays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "Europe/London")
		f := applyFunnel(t, g, svc)
		london := svc.Location()
		fallBack := time.Date(2026, 10, 25, 0, 0, 0, 0, london) // 25 hours long
		today := time.Date(2026, 10, 26, 0, 0, 0, 0, london)
		g.Now = func() time.Time { return today.Add(10 * time.Hour) }
		at := func(day time.Time, hhmm string) time.Time {
			var h, m int
			fmt.Sscanf(hhmm, "%d:%d", &h, &m)
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, london)
		}
		fd := newFeeder(t, db)
		// 23 h 15 min after the start by the clock on the wall, but 24 h 15 min
		// elapsed: too late for the window, step 1.
		fd.send(svc, 1, at(fallBack, "00:30"), "pageview", "/start")
		fd.send(svc, 1, at(fallBack, "23:45"), "pageview", "/form/1")
		// 22 h 45 min on the wall, 23 h 45 min elapsed: in time, step 2.
		fd.send(svc, 2, at(fallBack, "00:30"), "pageview", "/start")
		fd.send(svc, 2, at(fallBack, "23:15"), "pageview", "/form/1")
		// Today: one start so far.
		fd.send(svc, 3, at(today, "09:00"), "pageview", "/start")
		fd.flush()

		period := func() *goals.FunnelReport {
			t.Helper()
			rep, err := g.Funnel(ctx, svc.ID, f.ID, fallBack, today.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		want := []step{{visitors: 3, conversion: 100, convStep: 100}, {visitors: 1, conversion: 33.33, convStep: 33.33, dropoff: 2, dropoffRate: 66.67}, {dropoff: 1, dropoffRate: 100}, {}}
		checkReport(t, period(), want)
		var kept int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM funnel_days WHERE funnel_id = $1`, f.ID).Scan(&kept); err != nil || kept != 1 {
			t.Fatalf("%d days kept (%v), want the one that is over", kept, err)
		}

		// Retention prunes the raw events of the day that is over: the
		// report stands, from what was kept.
		if _, err := db.ExecContext(ctx, `DELETE FROM analytics_events WHERE service_id = $1 AND ts < $2`, svc.ID, today.UnixMilli()); err != nil {
			t.Fatal(err)
		}
		checkReport(t, period(), want)
		// Today goes on: its events are read each time.
		fd.send(svc, 3, at(today, "09:05"), "pageview", "/form/2")
		fd.flush()
		checkReport(t, period(), []step{{visitors: 3, conversion: 100, convStep: 100}, {visitors: 2, conversion: 66.67, convStep: 66.67, dropoff: 1, dropoffRate: 33.33}, {dropoff: 2, dropoffRate: 100}, {}})

		// A changed funnel is another definition: its days are computed
		// from what is stored now (the pruned day has nothing left).
		steps := make([]int64, 0, len(f.Steps))
		for _, s := range f.Steps[:3] {
			steps = append(steps, s.ID)
		}
		if _, err := g.UpdateFunnel(ctx, svc.ID, f.ID, goals.FunnelInput{Name: f.Name, Steps: steps}); err != nil {
			t.Fatal(err)
		}
		checkReport(t, period(), []step{{visitors: 1, conversion: 100, convStep: 100}, {visitors: 1, conversion: 100, convStep: 100}, {dropoff: 1, dropoffRate: 100}})
	})
}

// TestTransactionsKept: whole days that are over are kept, so they stand
// when the raw events are pruned; the last day, which visits may still
// complete, is not.
func TestTransactionsKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, g := catalog.New(db), goals.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov", "UTC")
		f := applyFunnel(t, g, svc)
		day := func(d int, hhmm string) time.Time {
			var h, m int
			fmt.Sscanf(hhmm, "%d:%d", &h, &m)
			return time.Date(2026, 6, d, h, m, 0, 0, time.UTC)
		}
		// 3 June 12:00: 1 June is over (a visit of it can complete until 2
		// June 24:00), 2 June is not.
		g.Now = func() time.Time { return day(3, "12:00") }
		fd := newFeeder(t, db)
		fd.send(svc, 1, day(1, "10:00"), "pageview", "/start")
		fd.send(svc, 1, day(1, "10:05"), "pageview", "/done")
		fd.send(svc, 2, day(2, "10:00"), "pageview", "/start")
		fd.flush()
		want := "[{2026-06-01 1 1} {2026-06-02 1 0}]"
		if days, err := g.Transactions(ctx, svc.ID, f.ID, day(1, "00:00"), day(3, "00:00"), time.UTC); err != nil || fmt.Sprint(days) != want {
			t.Fatalf("transactions: %v, %v", days, err)
		}
		var kept int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM funnel_transactions WHERE funnel_id = $1`, f.ID).Scan(&kept); err != nil || kept != 1 {
			t.Fatalf("%d days kept (%v), want 1", kept, err)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM analytics_events WHERE service_id = $1`, svc.ID); err != nil {
			t.Fatal(err)
		}
		if days, err := g.Transactions(ctx, svc.ID, f.ID, day(1, "00:00"), day(3, "00:00"), time.UTC); err != nil || fmt.Sprint(days) != "[{2026-06-01 1 1} {2026-06-02 0 0}]" {
			t.Fatalf("after pruning, 1 June stands and 2 June is read again: %v, %v", days, err)
		}
		// Part of a day is never kept or taken from what is kept.
		if days, err := g.Transactions(ctx, svc.ID, f.ID, day(1, "11:00"), day(2, "00:00"), time.UTC); err != nil || fmt.Sprint(days) != "[{2026-06-01 0 0}]" {
			t.Fatalf("part of 1 June: %v, %v", days, err)
		}
	})
}
