package monitor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// harness is a service with the monitor's parts on a test database.
type harness struct {
	db      *store.DB
	cat     *catalog.Catalog
	svc     *catalog.Service
	checks  *Checks
	maint   *Maintenance
	inc     *Incidents
	sched   *Scheduler
	private probe.Options
}

func newHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	ctx := context.Background()
	cat := catalog.New(db)
	svc, err := cat.Create(ctx, catalog.Input{Name: "Apply for a permit", Slug: "apply", Domains: []string{"apply.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{db: db, cat: cat, svc: svc, checks: NewChecks(db), maint: NewMaintenance(db, cat), inc: NewIncidents(db),
		private: probe.Options{AllowPrivate: true}}
	h.sched, err = NewScheduler(db, h.checks, h.maint, probe.Run, SchedulerOptions{Probe: h.private}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.sched.after = h.inc.Apply
	return h
}

// run runs the scheduler until stop returns true or the deadline passes,
// then stops it and waits for its last results.
func (h *harness) run(t *testing.T, d time.Duration, stop func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.sched.Run(ctx) }()
	for ctx.Err() == nil && !stop() {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := h.sched.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestScriptedOutage: a target that fails for a while. The check goes down
// only once the failure is confirmed (retries), an incident opens with the
// reason, recovery resolves it with its duration, and the rollups count
// exactly the results kept.
func TestScriptedOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		ctx := context.Background()
		var calls atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := calls.Add(1)
			if n >= 3 && n <= 6 { // the third to sixth calls fail
				http.Error(w, "down for a bit", http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("ok"))
		}))
		defer srv.Close()
		c := &Check{ServiceID: h.svc.ID, Name: "Start page", Spec: probe.Spec{Type: probe.HTTP, Target: srv.URL, Timeout: 2 * time.Second},
			Interval: MinInterval, Retries: 1, Public: true}
		if _, err := h.checks.Add(ctx, c); err != nil {
			t.Fatal(err)
		}
		// Ten seconds is the shortest interval: step the scheduler's clock
		// on instead, an interval a tick.
		base := time.Now()
		var step atomic.Int64
		h.sched.now = func() time.Time { return base.Add(time.Duration(step.Load()) * MinInterval) }
		go func() {
			for range 9 {
				time.Sleep(300 * time.Millisecond)
				step.Add(1)
				h.sched.Wake()
			}
		}()
		h.run(t, 20*time.Second, func() bool { return calls.Load() >= 9 })

		results := count(t, db, `SELECT COUNT(*) FROM monitor_results WHERE check_id = $1`, c.ID)
		if results < 8 {
			t.Fatalf("%d results, want at least 8", results)
		}
		for _, g := range []string{"minute", "hour", "day"} {
			if n := count(t, db, `SELECT COALESCE(SUM(up + down + maintenance), 0) FROM monitor_rollups WHERE check_id = $1 AND grain = $2`, c.ID, g); n != results {
				t.Errorf("the %s rollups count %d runs, the results %d", g, n, results)
			}
		}
		if dup := count(t, db, `SELECT COUNT(*) - COUNT(DISTINCT slot) FROM monitor_results WHERE check_id = $1`, c.ID); dup != 0 {
			t.Errorf("%d intervals ran twice", dup)
		}
		down := count(t, db, `SELECT COUNT(*) FROM monitor_results WHERE check_id = $1 AND status = 'down' AND reason LIKE '%503%'`, c.ID)
		if down != 4 {
			t.Errorf("%d down results naming status 503, want 4", down)
		}
		list, err := h.inc.List(ctx, h.svc.ID, time.Time{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%d incidents, want 1: %+v", len(list), list)
		}
		in := list[0]
		if in.Open() || in.CheckID != c.ID || in.Title != "Start page is down" || len(in.Updates) != 2 {
			t.Fatalf("incident %+v", in)
		}
		// Opened at the second failure (one retry), resolved at the first
		// success after: three intervals apart.
		if d := in.ResolvedAt.Sub(in.StartedAt); d != 3*MinInterval {
			t.Errorf("incident lasted %s, want %s", d, 3*MinInterval)
		}
		got, err := h.checks.Get(ctx, h.svc.ID, c.ID)
		if err != nil || got.Status != Up || got.Fails != 0 {
			t.Fatalf("after recovery: %+v %v", got, err)
		}
	})
}

// TestHeartbeatRecovers: a heartbeat check that is down comes back up at
// its next call, resolving its incident then, not at its next interval.
func TestHeartbeatRecovers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		ctx := context.Background()
		site, err := web.NewSite()
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(area.Env{DB: db, Site: site, Catalog: h.cat}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := &Check{ServiceID: h.svc.ID, Name: "Nightly export", Interval: 24 * time.Hour, Public: true, Spec: probe.Spec{Type: probe.Heartbeat}}
		token, err := m.Checks.Add(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := writeResults(ctx, db, []Result{{CheckID: c.ID, At: time.Now().Add(-time.Hour), Slot: 1, Status: probe.Down,
			Reason: "no call for 25h0m0s, expected every 24h0m0s"}})
		if err != nil {
			t.Fatal(err)
		}
		m.Incidents.Apply(ctx, changes)
		mux := http.NewServeMux()
		m.apiRoutes(&web.Router{Mux: mux, Site: site, Bearer: func(h http.Handler) http.Handler { return h }})
		srv := httptest.NewServer(mux)
		defer srv.Close()
		resp, err := http.Post(srv.URL+"/api/v1/heartbeat/"+token, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("heartbeat: %d", resp.StatusCode)
		}
		got, err := m.Checks.Get(ctx, h.svc.ID, c.ID)
		if err != nil || got.Status != Up || got.LastBeat.IsZero() {
			t.Fatalf("after the call: %+v %v", got, err)
		}
		list, err := m.Incidents.List(ctx, h.svc.ID, time.Time{}, 10)
		if err != nil || len(list) != 1 || list[0].Open() {
			t.Fatalf("the incident: %+v %v", list, err)
		}
	})
}

// TestRunEndsBeforeItsDeadline: a run of the scheduler's job returns nil
// just before its timeout, so that the next is due at once, and the next
// carries on the same queue.
func TestRunEndsBeforeItsDeadline(t *testing.T) {
	h := newHarness(t, storetest.SQLite(t))
	c := &Check{ServiceID: h.svc.ID, Name: "Start page", Interval: time.Hour, Public: true, Spec: probe.Spec{Type: probe.TCP, Target: "127.0.0.1:9"}}
	if _, err := h.checks.Add(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
		start := time.Now()
		err := h.sched.Run(ctx)
		took := time.Since(start)
		ended := ctx.Err()
		cancel()
		if err != nil || ended != nil || took < 400*time.Millisecond {
			t.Fatalf("run %d: %v after %s, its context %v: want nil just before the deadline", run, err, took, ended)
		}
		if h.sched.q.Len() != 1 {
			t.Fatalf("run %d: %d checks queued, want 1", run, h.sched.q.Len())
		}
	}
	if err := h.sched.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}
