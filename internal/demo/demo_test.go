package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// testNow is a Wednesday afternoon in London.
var testNow = time.Date(2026, 4, 22, 15, 30, 0, 0, time.UTC)

func demoService(t testing.TB, db *store.DB) *catalog.Service {
	t.Helper()
	svc, err := catalog.New(db).Create(context.Background(), catalog.Input{Name: "Apply for a parking permit",
		Slug: "parking-permits", Domains: []string{"parking.example.gov", "www.parking.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// load generates days of traffic into a fresh SQLite database through the
// real pipeline.
func load(t testing.TB, days int, seed uint64) (*store.DB, *catalog.Service, Summary) {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	svc := demoService(t, db)
	p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
	t.Cleanup(func() { p.Close(ctx) })
	sum, err := Traffic(ctx, p, svc, testNow, Options{Days: days, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return db, svc, sum
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// pageviewsOf ($1 service, $2 page) reads page views from the daily rollup.
const pageviewsOf = `SELECT coalesce(sum(d.pageviews), 0) FROM analytics_daily d JOIN analytics_strings s ON s.id = d.value
	WHERE d.service_id = $1 AND d.kind = 1 AND s.value = $2`

// funnelVisits ($1 service, $2 page, $3 device or "" for any) counts the
// visits that went through /start and viewed the page.
const funnelVisits = `SELECT count(DISTINCT e.session_id) FROM analytics_events e
	JOIN analytics_strings n ON n.id = e.name JOIN analytics_strings p ON p.id = e.page JOIN analytics_strings d ON d.id = e.device
	WHERE e.service_id = $1 AND n.value = 'pageview' AND p.value = $2 AND ($3 = '' OR d.value = $3)
	AND e.session_id IN (SELECT s.session_id FROM analytics_events s JOIN analytics_strings sp ON sp.id = s.page
		WHERE s.service_id = $1 AND sp.value = '/start')`

// generate makes days of traffic in memory, as Traffic hands it out.
func generate(t *testing.T, days int, seed uint64) ([]*analytics.Event, Summary) {
	t.Helper()
	e, err := enrich.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := &catalog.Service{ID: 1, Timezone: "Europe/London", Domains: []string{"parking.example.gov"}}
	g := newGenerator(e, svc, testNow, seed)
	var all []*analytics.Event
	if err := g.run(days, func(evs []*analytics.Event) error { all = append(all, evs...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != g.sum.Events {
		t.Fatalf("%d events handed out, %d counted", len(all), g.sum.Events)
	}
	return all, g.sum
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, sumA := generate(t, 90, 7)
	b, sumB := generate(t, 90, 7)
	if sumA != sumB || len(a) != len(b) {
		t.Fatalf("same seed, different traffic: %+v and %+v", sumA, sumB)
	}
	for i := range a {
		ea, eb := *a[i], *b[i]
		if !ea.Time.Equal(eb.Time) {
			t.Fatalf("event %d: at %s and at %s", i, ea.Time, eb.Time)
		}
		ea.Time, eb.Time, ea.Zone, eb.Zone = time.Time{}, time.Time{}, nil, nil
		if ea != eb {
			t.Fatalf("event %d: %+v and %+v", i, ea, eb)
		}
	}
	if _, sumC := generate(t, 90, 8); sumC == sumA {
		t.Errorf("another seed gave the same traffic: %+v", sumC)
	}
}

// TestEvents checks 90 days of events as the pipeline will take them: in
// time order, in the past, each visitor's visits apart and their events
// close together, fields set as ingestion sets them.
func TestEvents(t *testing.T) {
	t.Parallel()
	evs, sum := generate(t, 90, 1)
	t.Logf("90 days: %+v", sum)
	type state struct {
		last   time.Time
		visits int
	}
	visitors := map[int64]*state{}
	visits := 0
	for i, ev := range evs {
		if i > 0 && ev.Time.Before(evs[i-1].Time) {
			t.Fatalf("event %d at %s comes after one at %s", i, ev.Time, evs[i-1].Time)
		}
		if ev.Time.After(testNow) {
			t.Fatalf("event %d at %s, after now", i, ev.Time)
		}
		if ev.VisitorID <= 0 || ev.PrevVisitorID != 0 || ev.ServiceID != 1 || !slices.Contains([]string{"parking.example.gov", "guidance.parking.example.gov"}, ev.Hostname) || ev.Zone == nil {
			t.Fatalf("event %d: %+v", i, ev)
		}
		if engagement := ev.Name == analytics.EngagementName; engagement != (ev.ScrollDepth >= 0) ||
			ev.ScrollDepth > 100 || engagement != (ev.EngagedMS >= 0) || engagement == ev.Interactive {
			t.Fatalf("event %d: %s with scroll depth %d, engaged %d ms, interactive %v", i, ev.Name, ev.ScrollDepth, ev.EngagedMS, ev.Interactive)
		}
		st := visitors[ev.VisitorID]
		if st == nil {
			st = &state{}
			visitors[ev.VisitorID] = st
		}
		if st.visits == 0 || ev.Time.Sub(st.last) >= analytics.SessionTimeout {
			if ev.Name != analytics.PageviewName {
				t.Fatalf("event %d: a visit starts with %q, not a page view", i, ev.Name)
			}
			st.visits++
			visits++
		}
		if st.visits > 2 {
			t.Fatalf("visitor %d has %d visits in a day", ev.VisitorID, st.visits)
		}
		st.last = ev.Time
	}
	if len(visitors) != sum.Visitors || visits != sum.Visits {
		t.Errorf("events show %d visitors and %d visits, summary %+v", len(visitors), visits, sum)
	}
}

// TestTrafficShape loads two weeks and reads back, from what the pipeline
// stored, the shape the dashboard should show.
func TestTrafficShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, svc, sum := load(t, 14, 1)
	t.Logf("14 days: %+v", sum)

	t.Run("everything stored", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE service_id = $1`, svc.ID); n != sum.Events {
			t.Errorf("%d events stored, %d generated", n, sum.Events)
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_sessions WHERE service_id = $1`, svc.ID); n != sum.Visits {
			t.Errorf("%d visits stored, %d generated", n, sum.Visits)
		}
		if n := count(t, db, `SELECT count(DISTINCT visitor_id) FROM analytics_events WHERE service_id = $1`, svc.ID); n != sum.Visitors {
			t.Errorf("%d visitors stored, %d generated", n, sum.Visitors)
		}
		if last := count(t, db, `SELECT max(ts) FROM analytics_events WHERE service_id = $1`, svc.ID); int64(last) > testNow.UnixMilli() {
			t.Errorf("an event at %s, after now", time.UnixMilli(int64(last)).UTC())
		}
		if n := count(t, db, `SELECT count(DISTINCT day) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc.ID); n != 14 {
			t.Errorf("traffic on %d days, want 14", n)
		}
	})

	t.Run("weekly pattern", func(t *testing.T) {
		today := dayNumber(testNow.In(svc.Location()))
		rows, err := db.QueryContext(ctx, `SELECT day, visitors FROM analytics_daily WHERE service_id = $1 AND kind = 0 AND day < $2`, svc.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var weekdays, weekends, nWeekdays, nWeekends int
		for rows.Next() {
			var day, visitors int
			if err := rows.Scan(&day, &visitors); err != nil {
				t.Fatal(err)
			}
			if wd := weekday(day); wd == time.Saturday || wd == time.Sunday {
				weekends, nWeekends = weekends+visitors, nWeekends+1
			} else {
				weekdays, nWeekdays = weekdays+visitors, nWeekdays+1
			}
			if visitors < 200 || visitors > 1600 {
				t.Errorf("day %d: %d visitors, want a few hundred to 1,500", day, visitors)
			}
		}
		if nWeekdays == 0 || nWeekends == 0 {
			t.Fatalf("%d weekdays and %d weekend days", nWeekdays, nWeekends)
		}
		wd, we := weekdays/nWeekdays, weekends/nWeekends
		t.Logf("visitors a day: weekdays %d, weekends %d", wd, we)
		if wd <= we*3/2 {
			t.Errorf("weekdays %d visitors a day, weekends %d: want weekdays well above", wd, we)
		}
	})

	t.Run("bounce rate", func(t *testing.T) {
		visits := count(t, db, `SELECT sum(visits) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc.ID)
		bounces := count(t, db, `SELECT sum(bounces) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc.ID)
		rate := float64(bounces) / float64(visits)
		t.Logf("bounce rate %.1f %% of %d visits", 100*rate, visits)
		if rate < 0.30 || rate > 0.50 {
			t.Errorf("bounce rate %.1f %%, want 30 to 50 %%", 100*rate)
		}
	})

	t.Run("funnel", func(t *testing.T) {
		start := count(t, db, pageviewsOf, svc.ID, "/start")
		if done := count(t, db, pageviewsOf, svc.ID, "/apply/confirmation"); done >= start {
			t.Errorf("%d page views of /apply/confirmation, %d of /start: want fewer", done, start)
		}
		// Of the visits that saw /start, the share that reached each step.
		visits := count(t, db, funnelVisits, svc.ID, "/start", "")
		for _, step := range []struct {
			page string
			want float64 // percent
		}{{"/eligibility", 80}, {"/apply/details", 62}, {"/apply/vehicle", 55}, {"/apply/payment", 44}, {"/apply/confirmation", 39}} {
			got := 100 * float64(count(t, db, funnelVisits, svc.ID, step.page, "")) / float64(visits)
			t.Logf("%-20s %5.1f %% of %d visits from /start", step.page, got, visits)
			if got < step.want-4 || got > step.want+4 {
				t.Errorf("%s reached by %.1f %% of visits from /start, want about %.0f %%", step.page, got, step.want)
			}
		}
		paid := map[string]float64{}
		for _, device := range []string{"Desktop", "Mobile"} {
			paying := count(t, db, funnelVisits, svc.ID, "/apply/payment", device)
			paid[device] = float64(count(t, db, funnelVisits, svc.ID, "/apply/confirmation", device)) / float64(paying)
			t.Logf("%-8s %5.1f %% of %d payments went through", device, 100*paid[device], paying)
		}
		if paid["Mobile"] > paid["Desktop"]-0.03 {
			t.Errorf("payments went through for %.1f %% on mobile, %.1f %% on desktop: want more drop-off on mobile",
				100*paid["Mobile"], 100*paid["Desktop"])
		}
	})

	t.Run("campaign", func(t *testing.T) {
		n := count(t, db, `SELECT coalesce(sum(d.visits), 0) FROM analytics_daily d JOIN analytics_strings s ON s.id = d.value
			WHERE d.service_id = $1 AND d.kind = 9 AND s.value = 'renewal-reminder'`, svc.ID)
		if n < 500 {
			t.Errorf("%d visits from the renewal-reminder campaign, want the email's spike", n)
		}
	})

	t.Run("goals", func(t *testing.T) {
		for _, name := range []string{"Start application", "Application submitted", "Payment failed", "File Download", "Outbound Link: Click", analytics.EngagementName} {
			n := count(t, db, `SELECT count(*) FROM analytics_events e JOIN analytics_strings s ON s.id = e.name
				WHERE e.service_id = $1 AND s.value = $2`, svc.ID, name)
			if n == 0 {
				t.Errorf("no %q events", name)
			}
		}
		n := count(t, db, `SELECT count(*) FROM analytics_events e JOIN analytics_strings s ON s.id = e.name
			WHERE e.service_id = $1 AND s.value = 'Application submitted' AND e.props NOT IN
			('{"permit_type":"resident"}', '{"permit_type":"business"}', '{"permit_type":"visitor"}')`, svc.ID)
		if n != 0 {
			t.Errorf("%d submissions without a permit type", n)
		}
	})

	t.Run("channels", func(t *testing.T) {
		for _, ch := range []string{"Organic Search", "Direct", "Referral", "Email", "Organic Social"} {
			n := count(t, db, `SELECT coalesce(sum(d.visits), 0) FROM analytics_daily d JOIN analytics_strings s ON s.id = d.value
				WHERE d.service_id = $1 AND d.kind = 6 AND s.value = $2`, svc.ID, ch)
			if n == 0 {
				t.Errorf("no visits in the %q channel", ch)
			}
		}
	})
}

func TestHasTraffic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := demoService(t, db)
		if has, err := HasTraffic(ctx, analytics.NewEventStore(db), svc.ID); err != nil || has {
			t.Fatalf("fresh service: HasTraffic = %v, %v; want false", has, err)
		}
		p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
		defer p.Close(ctx)
		if _, err := Traffic(ctx, p, svc, testNow, Options{Days: 1, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		if has, err := HasTraffic(ctx, analytics.NewEventStore(db), svc.ID); err != nil || !has {
			t.Fatalf("after Traffic: HasTraffic = %v, %v; want true", has, err)
		}
	})
}

// TestFullQueue: a queue far smaller than a day's traffic is waited out,
// and every event is stored.
func TestFullQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.SQLite(t)
	svc := demoService(t, db)
	p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{QueueSize: 64, MaxBatch: 32, MaxWait: time.Millisecond})
	defer p.Close(ctx)
	sum, err := Traffic(ctx, p, svc, testNow, Options{Days: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE service_id = $1`, svc.ID); n != sum.Events || n < 1000 {
		t.Errorf("%d events stored, %d generated", n, sum.Events)
	}
}

// TestAudience checks that the visit dimensions are named as ingestion
// names them and that the devices are mixed as a public service sees them.
func TestAudience(t *testing.T) {
	t.Parallel()
	e, err := enrich.New()
	if err != nil {
		t.Fatal(err)
	}
	aud := newAudience(e, "parking.example.gov")
	devices := map[string]int{}
	total := 0
	for i, c := range aud.clients.vals {
		if c.Device == "" || c.Browser == "" || c.BrowserVersion == "" || c.OS == "" {
			t.Errorf("user agent %d is only partly understood: %+v", i, c)
		}
		if _, ok := paymentSuccess[c.Device]; !ok {
			t.Errorf("user agent %d: no payment success rate for device %q", i, c.Device)
		}
		devices[c.Device] += userAgents[i].w
		total += userAgents[i].w
	}
	for device, want := range map[string]int{"Desktop": 45, "Mobile": 48, "Tablet": 7} {
		if got := 100 * devices[device] / total; got != want {
			t.Errorf("%s: %d %% of visitors, want %d %%", device, got, want)
		}
	}
	type acq struct{ source, referrer, channel, campaign string }
	seen := map[acq]bool{}
	for _, c := range []*chooser[*source]{aud.organic, aud.newsletter, aud.springAd} {
		for _, s := range c.vals {
			seen[acq{s.acq.Source, s.acq.Referrer, s.acq.Channel, s.acq.UTMCampaign}] = true
		}
	}
	for _, want := range []acq{
		{"Google", "google.co.uk", "Organic Search", ""},
		{"Google", "google.com", "Organic Search", ""},
		{"Bing", "bing.com", "Organic Search", ""},
		{"DuckDuckGo", "duckduckgo.com", "Organic Search", ""},
		{"", "", "Direct", ""},
		{"gov.uk", "gov.uk/parking", "Referral", ""},
		{"Facebook", "l.facebook.com", "Organic Social", ""},
		{"Facebook", "m.facebook.com", "Paid Social", "spring-parking"},
		{"newsletter", "", "Email", "renewal-reminder"},
	} {
		if !seen[want] {
			t.Errorf("no source %+v; have %v", want, seen)
		}
	}
}

// BenchmarkTraffic90Days measures the demo's whole history going into
// SQLite: go test -run XXX -bench Traffic90 -benchtime 1x ./internal/demo/
func BenchmarkTraffic90Days(b *testing.B) {
	ctx := context.Background()
	var sum Summary
	for range b.N {
		b.StopTimer()
		db := storetest.SQLite(b)
		svc := demoService(b, db)
		p := analytics.NewPipeline(db, prometheus.NewRegistry(), analytics.PipelineOptions{})
		b.StartTimer()
		var err error
		if sum, err = Traffic(ctx, p, svc, testNow, Options{Days: 90, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Close(ctx)
		b.StartTimer()
	}
	b.ReportMetric(float64(sum.Events), "events")
	b.ReportMetric(float64(sum.Visits), "visits")
	b.ReportMetric(float64(sum.Visitors), "visitors")
	b.ReportMetric(float64(sum.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
