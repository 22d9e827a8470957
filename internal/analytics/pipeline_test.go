package analytics

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func testService(t *testing.T, db *store.DB) *catalog.Service {
	t.Helper()
	s, err := catalog.New(db).Create(context.Background(), catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rollup reads one analytics_daily row.
func rollup(t *testing.T, db *store.DB, svc int64, day int32, k kind, value string) counts {
	t.Helper()
	var c counts
	err := db.QueryRowContext(context.Background(), `SELECT coalesce(sum(visitors),0), coalesce(sum(visits),0), coalesce(sum(pageviews),0),
		coalesce(sum(events),0), coalesce(sum(bounces),0), coalesce(sum(duration),0)
		FROM analytics_daily d LEFT JOIN analytics_strings s ON s.id = d.value
		WHERE d.service_id = $1 AND d.day = $2 AND d.kind = $3 AND coalesce(s.value, '') = $4`, svc, day, int16(k), value).
		Scan(&c.visitors, &c.visits, &c.pageviews, &c.events, &c.bounces, &c.duration)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func count(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPipelineCounts feeds a known day of events through the pipeline, in
// batches of two so that visits go on across batches, and checks every
// count by hand.
func TestPipelineCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{MaxBatch: 2, MaxWait: time.Millisecond})
		defer p.Close(ctx)

		london := svc.Location()
		at := fixtureClock(london)
		feedFixture(t, p, svc)
		day := localDay(at("10:00").UnixMilli(), london)
		for _, tc := range []struct {
			name  string
			k     kind
			value string
			want  counts
		}{
			// 3 visits: a at 10:00–10:06 (2 page views and a sign-up; the
			// engagement at 10:07 does not lengthen it), b bounced, a again at
			// 11:00 bounced.
			{"site", kindTotal, "", counts{visitors: 2, visits: 3, pageviews: 4, events: 5, bounces: 2, duration: 6 * 60_000}},
			{"home page", kindPage, "/", counts{visitors: 2, pageviews: 3}},
			{"form page", kindPage, "/form", counts{visitors: 1, pageviews: 1}},
			{"entry /", kindEntryPage, "/", counts{visitors: 2, visits: 3, pageviews: 4, bounces: 2, duration: 6 * 60_000}},
			{"exit /form", kindExitPage, "/form", counts{visitors: 1, visits: 1, pageviews: 2, duration: 6 * 60_000}},
			{"exit /", kindExitPage, "/", counts{visitors: 2, visits: 2, pageviews: 2, bounces: 2}},
			{"Google", kindSource, "Google", counts{visitors: 1, visits: 1, pageviews: 2, duration: 6 * 60_000}},
			{"no source", kindSource, "", counts{visitors: 2, visits: 2, pageviews: 2, bounces: 2}},
			{"Direct", kindChannel, "Direct", counts{visitors: 2, visits: 2, pageviews: 2, bounces: 2}},
			{"Firefox 140", kindBrowserVersion, "Firefox 140", counts{visitors: 1, visits: 2, pageviews: 3, bounces: 1, duration: 6 * 60_000}},
			{"France", kindCountry, "FR", counts{visitors: 1, visits: 1, pageviews: 1, bounces: 1}},
			{"Britain", kindCountry, "GB", counts{visitors: 1, visits: 2, pageviews: 3, bounces: 1, duration: 6 * 60_000}},
			{"Signup", kindName, "Signup", counts{visitors: 1, events: 1}},
			{"pageview name", kindName, "pageview", counts{visitors: 2, events: 4}},
			{"hostname", kindHostname, "apply.example.gov", counts{visitors: 2, pageviews: 4, events: 5}},
		} {
			if got := rollup(t, db, svc.ID, day, tc.k, tc.value); got != tc.want {
				t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_sessions WHERE service_id = $1`, svc.ID); n != 3 {
			t.Errorf("%d sessions stored, want 3", n)
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE service_id = $1`, svc.ID); n != 6 {
			t.Errorf("%d events stored, want 6 (the engagement without a visit is not)", n)
		}
		var hourly counts
		db.QueryRowContext(ctx, `SELECT sum(visitors), sum(visits), sum(pageviews), sum(events) FROM analytics_hourly WHERE service_id = $1`, svc.ID).
			Scan(&hourly.visitors, &hourly.visits, &hourly.pageviews, &hourly.events)
		if hourly != (counts{visitors: 3, visits: 3, pageviews: 4, events: 5}) {
			t.Errorf("hourly sums %+v: want a and b in the 10:00 hour, a again at 11:00", hourly)
		}
		checkInvariant(t, db, svc.ID)
	})
}

// checkInvariant: the rollups agree exactly with the stored events.
func checkInvariant(t *testing.T, db *store.DB, svc int64) {
	t.Helper()
	stored := count(t, db, `SELECT count(*) FROM analytics_events e JOIN analytics_strings n ON n.id = e.name
		WHERE e.service_id = $1 AND n.value <> 'engagement'`, svc)
	pageviews := count(t, db, `SELECT count(*) FROM analytics_events e JOIN analytics_strings n ON n.id = e.name
		WHERE e.service_id = $1 AND n.value = 'pageview'`, svc)
	rolled := count(t, db, `SELECT coalesce(sum(events), 0) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc)
	rolledPV := count(t, db, `SELECT coalesce(sum(pageviews), 0) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc)
	visits := count(t, db, `SELECT count(*) FROM analytics_sessions WHERE service_id = $1`, svc)
	rolledVisits := count(t, db, `SELECT coalesce(sum(visits), 0) FROM analytics_daily WHERE service_id = $1 AND kind = 0`, svc)
	if stored != rolled || pageviews != rolledPV || visits != rolledVisits {
		t.Fatalf("rollups disagree with stored rows: events %d vs %d, page views %d vs %d, visits %d vs %d",
			stored, rolled, pageviews, rolledPV, visits, rolledVisits)
	}
}

func fixtureClock(zone *time.Location) func(string) time.Time {
	return func(hhmm string) time.Time {
		t0, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-01 "+hhmm, zone)
		return t0
	}
}

// feedFixture stores a known morning of a service's traffic: visitor a
// comes from Google on Firefox, views / and /form and signs up (one visit
// of 6 minutes, then an engagement event 1 minute later); visitor b comes
// direct on Safari and bounces; visitor c sends only an engagement event
// (no visit: not stored); a comes back direct at 11:00 and bounces.
func feedFixture(t *testing.T, p *Pipeline, svc *catalog.Service) {
	t.Helper()
	london := svc.Location()
	at := fixtureClock(london)
	google := Visit{Source: "Google", Referrer: "google.com", Channel: "Organic Search", Device: "Desktop", Browser: "Firefox", BrowserVersion: "140", OS: "GNU/Linux", Country: "GB"}
	direct := Visit{Channel: "Direct", Device: "Mobile", Browser: "Safari", BrowserVersion: "18", OS: "iOS", OSVersion: "18", Country: "FR"}
	// A visitor id is a hash of address and user agent: a's second visit
	// comes another way but from the same browser and country.
	aDirect := google
	aDirect.Source, aDirect.Referrer, aDirect.Channel = "", "", "Direct"
	const a, b, c = 101, 202, 303
	events := []*Event{
		{VisitorID: a, Time: at("10:00"), Name: PageviewName, Page: "/", Visit: google},
		{VisitorID: a, Time: at("10:05"), Name: PageviewName, Page: "/form", Visit: google},
		{VisitorID: b, Time: at("10:10"), Name: PageviewName, Page: "/", Visit: direct},
		{VisitorID: a, Time: at("10:06"), Name: "Signup", Page: "/form", Interactive: true, Props: `{"plan":"pro"}`, Visit: google},
		{VisitorID: a, Time: at("10:07"), Name: EngagementName, Page: "/form", ScrollDepth: 80, EngagedMS: 5000, Visit: google},
		{VisitorID: c, Time: at("10:08"), Name: EngagementName, Page: "/", ScrollDepth: 10, EngagedMS: 100, Visit: direct},
		{VisitorID: a, Time: at("11:00"), Name: PageviewName, Page: "/", Visit: aDirect}, // 53 minutes later: a new visit
	}
	for _, ev := range events {
		ev.ServiceID, ev.Zone, ev.Hostname = svc.ID, london, "apply.example.gov"
		if ev.Name != EngagementName {
			ev.ScrollDepth, ev.EngagedMS = -1, -1
		}
		if err := p.Enqueue(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestRetention: raw events past a service's retention go, rollups stay.
func TestRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
		defer p.Close(ctx)
		feedFixture(t, p, svc) // 2026-06-01
		r := NewRetention(db)
		r.now = func() time.Time { return fixtureClock(svc.Location())("12:00").AddDate(0, 0, 10) }
		if n, err := r.Prune(ctx); err != nil || n != 0 {
			t.Fatalf("prune without retention: %d, %v", n, err)
		}
		if err := r.SetRetention(ctx, svc.ID, 30); err != nil {
			t.Fatal(err)
		}
		if n, _ := r.Prune(ctx); n != 0 {
			t.Fatalf("pruned %d events younger than 30 days", n)
		}
		if err := r.SetRetention(ctx, svc.ID, 7); err != nil {
			t.Fatal(err)
		}
		if n, err := r.Prune(ctx); err != nil || n != 6 {
			t.Fatalf("prune 10-day-old events at 7 days: %d, %v; want all 6", n, err)
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_sessions`); n != 0 {
			t.Fatalf("%d visits left", n)
		}
		if n := count(t, db, `SELECT sum(pageviews) FROM analytics_daily WHERE kind = 0`); n != 4 {
			t.Fatalf("rollups lost: %d page views, want 4", n)
		}
		if err := r.SetRetention(ctx, svc.ID, -1); err == nil {
			t.Fatal("negative retention accepted")
		}
	})
}

// TestEventsCarryTheirVisit: a page reached by a click inside the site has
// no referrer of its own, but is stored with where its visit came from, so
// that filtering by source counts every page of the visit.
func TestEventsCarryTheirVisit(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	svc := testService(t, db)
	p := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
	defer p.Close(ctx)
	at := fixtureClock(svc.Location())
	for i, v := range []Visit{{Source: "Google", Channel: "Organic Search"}, {Channel: "Direct"}} {
		ev := &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at("10:0" + string(rune('0'+i))), VisitorID: 7,
			Name: PageviewName, Page: "/p" + string(rune('0'+i)), ScrollDepth: -1, EngagedMS: -1, Visit: v}
		if err := p.Enqueue(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_events e JOIN analytics_strings s ON s.id = e.source WHERE s.value = 'Google'`); n != 2 {
		t.Fatalf("%d of the visit's 2 page views are stored with its source", n)
	}
}

// TestEnqueueAllOrNothing: an event for several sites gets in whole or not
// at all, so a client's retry after a 503 counts nothing twice.
func TestEnqueueAllOrNothing(t *testing.T) {
	db := storetest.SQLite(t)
	p := newPipeline(db, prometheus.NewRegistry(), PipelineOptions{QueueSize: 3})
	ev := func() *Event { return &Event{} }
	if err := p.Enqueue(ev(), ev()); err != nil {
		t.Fatal(err)
	}
	if err := p.Enqueue(ev(), ev()); err != ErrQueueFull {
		t.Fatalf("two more into one free place: %v, want ErrQueueFull", err)
	}
	if len(p.queue) != 1 || p.pending.Load() != 2 {
		t.Fatalf("queue %d requests, pending %d events after a refused pair; want 1 and 2", len(p.queue), p.pending.Load())
	}
	if err := p.Enqueue(ev()); err != nil {
		t.Fatalf("one into one free place: %v", err)
	}
}

// TestRestartKeepsOpenVisits: a visit going on when liveops restarts goes
// on after it, and its visitor is not counted again.
func TestRestartKeepsOpenVisits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, at, send := oneVisitor(t, db)
		before := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
		send(before, "10:00", "/")
		send(before, "10:05", "/start")
		if err := before.Close(ctx); err != nil {
			t.Fatal(err)
		}
		after := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{Now: func() time.Time { return at("10:10") }})
		defer after.Close(ctx)
		send(after, "10:12", "/start")
		send(after, "10:14", "/form")
		if n := count(t, db, `SELECT count(*) FROM analytics_sessions`); n != 1 {
			t.Fatalf("%d visits after the restart, want the one that went on", n)
		}
		day := localDay(at("10:00").UnixMilli(), svc.Location())
		if got := rollup(t, db, svc.ID, day, kindTotal, ""); got != (counts{visitors: 1, visits: 1, events: 4, pageviews: 4, duration: 14 * 60_000}) {
			t.Fatalf("site: %+v", got)
		}
		for _, tc := range []struct {
			k     kind
			value string
			want  counts
		}{
			{kindSource, "Google", counts{visitors: 1, visits: 1, pageviews: 4, duration: 14 * 60_000}},
			{kindBrowserVersion, "Firefox 140", counts{visitors: 1, visits: 1, pageviews: 4, duration: 14 * 60_000}},
			{kindPage, "/start", counts{visitors: 1, pageviews: 2}},
			{kindExitPage, "/form", counts{visitors: 1, visits: 1, pageviews: 4, duration: 14 * 60_000}},
		} {
			if got := rollup(t, db, svc.ID, day, tc.k, tc.value); got != tc.want {
				t.Errorf("%d %q: %+v, want %+v", tc.k, tc.value, got, tc.want)
			}
		}
		checkInvariant(t, db, svc.ID)
	})
}

// TestRestartRemembersCountedVisitors: a visitor whose visit ended before a
// graceful restart, and who comes back after it, is one visitor of the day.
func TestRestartRemembersCountedVisitors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, at, send := oneVisitor(t, db)
		before := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
		send(before, "10:00", "/")
		send(before, "10:05", "/start")
		if err := before.Close(ctx); err != nil {
			t.Fatal(err)
		}
		after := NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{Now: func() time.Time { return at("11:00") }})
		defer after.Close(ctx)
		send(after, "11:00", "/start")
		day := localDay(at("10:00").UnixMilli(), svc.Location())
		for _, tc := range []struct {
			k     kind
			value string
			want  counts
		}{
			{kindTotal, "", counts{visitors: 1, visits: 2, events: 3, pageviews: 3, bounces: 1, duration: 5 * 60_000}},
			{kindSource, "Google", counts{visitors: 1, visits: 2, pageviews: 3, bounces: 1, duration: 5 * 60_000}},
			{kindCountry, "GB", counts{visitors: 1, visits: 2, pageviews: 3, bounces: 1, duration: 5 * 60_000}},
			{kindPage, "/start", counts{visitors: 1, pageviews: 2}},
			{kindEntryPage, "/start", counts{visitors: 1, visits: 1, pageviews: 1, bounces: 1}},
		} {
			if got := rollup(t, db, svc.ID, day, tc.k, tc.value); got != tc.want {
				t.Errorf("%d %q: %+v, want %+v", tc.k, tc.value, got, tc.want)
			}
		}
		checkInvariant(t, db, svc.ID)
	})
}

func TestCheckpointEncoding(t *testing.T) {
	in := map[int64]*visitorDay{
		-7:      {day: 20600, counted: true, seen: []uint32{1, 2, 1 << 31}},
		1 << 60: {day: 20601, visited: true, seen: []uint32{}, wide: []uint64{1 << 63, 5}},
		3:       {day: -1},
	}
	var b []byte
	for v, vd := range in {
		b = appendVisitorDay(b, v, vd)
	}
	got := map[int64]*visitorDay{}
	if err := decodeVisitorDays(b, func(v int64, vd *visitorDay) { got[v] = vd }); err != nil {
		t.Fatal(err)
	}
	for v, want := range in {
		g := got[v]
		if g == nil || g.day != want.day || g.counted != want.counted || g.visited != want.visited ||
			fmt.Sprint(g.seen) != fmt.Sprint(want.seen) || fmt.Sprint(g.wide) != fmt.Sprint(want.wide) {
			t.Errorf("visitor %d: got %+v, want %+v", v, g, want)
		}
	}
	for cut := range len(b) {
		// Every truncation is refused or read as a shorter state; none panics.
		_ = decodeVisitorDays(b[:cut], func(int64, *visitorDay) {})
	}
	if err := decodeVisitorDays([]byte{2, 2, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, func(int64, *visitorDay) {}); err == nil {
		t.Error("a length past the end was accepted")
	}
}

// oneVisitor is a service and a way to send page views of one visitor
// (from Google, on Firefox, in Britain) at a time of the fixture's day,
// each written before it returns.
func oneVisitor(t *testing.T, db *store.DB) (*catalog.Service, func(string) time.Time, func(p *Pipeline, hhmm, page string)) {
	svc := testService(t, db)
	at := fixtureClock(svc.Location())
	return svc, at, func(p *Pipeline, hhmm, page string) {
		t.Helper()
		ev := &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at(hhmm), VisitorID: 42, Name: PageviewName,
			Page: page, Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1,
			Visit: Visit{Source: "Google", Channel: "Organic Search", Browser: "Firefox", BrowserVersion: "140", Country: "GB"}}
		if err := p.Enqueue(ev); err != nil {
			t.Fatal(err)
		}
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNodesRestartedInTurn: two nodes on one database, each counting its
// own visitors, are stopped and started in turn (a rolling restart). No
// visitor who comes back is counted twice, on their own node or on the
// other: each node keeps its own checkpoint and a start reads them all.
func TestNodesRestartedInTurn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := testService(t, db)
		at := fixtureClock(svc.Location())
		send := func(p *Pipeline, visitor int64, hhmm string) {
			t.Helper()
			ev := &Event{ServiceID: svc.ID, Zone: svc.Location(), Time: at(hhmm), VisitorID: visitor, Name: PageviewName,
				Page: "/", Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1, Visit: Visit{Country: "GB"}}
			if err := p.Enqueue(ev); err != nil {
				t.Fatal(err)
			}
			if err := p.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		open := func(node, hhmm string) *Pipeline {
			return NewPipeline(db, prometheus.NewRegistry(), PipelineOptions{Node: node, Now: func() time.Time { return at(hhmm) }})
		}
		a, b := open("a", "10:00"), open("b", "10:00")
		send(a, 42, "10:00")
		send(b, 43, "10:00")
		for _, p := range []*Pipeline{a, b} {
			if err := p.Close(ctx); err != nil {
				t.Fatal(err)
			}
		}
		a, b = open("a", "11:00"), open("b", "11:00")
		defer a.Close(ctx)
		defer b.Close(ctx)
		send(a, 42, "11:00")
		send(b, 43, "11:00")
		send(a, 43, "11:10") // the load balancer moved visitor 43 to node a
		day := localDay(at("10:00").UnixMilli(), svc.Location())
		if got := rollup(t, db, svc.ID, day, kindTotal, ""); got.visitors != 2 || got.visits != 5 {
			t.Fatalf("after a rolling restart: %d visitors in %d visits, want 2 in 5", got.visitors, got.visits)
		}
	})
}
