package jobs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// never is an interval whose periods no test run straddles in practice, for
// jobs that tests on the real clock expect to run once.
const never = 365 * 24 * time.Hour

// t0 is a round time, so that the periods of the tests are easy to read.
var t0 = time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)

func newRunner(t *testing.T, db *store.DB, opt Options, jobs ...Job) *Runner {
	t.Helper()
	if opt.Registerer == nil {
		opt.Registerer = prometheus.NewRegistry()
	}
	r, err := New(db, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Add(jobs...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return r
}

// counter is a job's Run that counts its runs and remembers their starts.
type counter struct {
	mu     sync.Mutex
	starts []time.Time
	err    error
}

func (c *counter) run(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.starts = append(c.starts, Started(ctx))
	return c.err
}

func (c *counter) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.starts)
}

func status(t *testing.T, r *Runner, name string) Status {
	t.Helper()
	list, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no status for %s in %v", name, list)
	return Status{}
}

// TestSchedule steps two nodes by hand on one database and a test clock:
// a job runs at once when new, then once per period on one node only,
// missed periods run once, and a failure waits for the next period.
func TestSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tests := []struct {
			name  string
			job   Job
			steps []struct {
				at   time.Duration // after t0
				runs int           // total runs after stepping both nodes
			}
		}{
			{"interval", Job{Every: time.Minute}, []struct {
				at   time.Duration
				runs int
			}{
				{0, 1},                // new: due at once
				{30 * time.Second, 1}, // 12:00:40, before 12:01
				{50 * time.Second, 2}, // 12:01:00
				{55 * time.Second, 2},
				{170 * time.Second, 3}, // 12:03:00: 12:02 was missed, runs once
				{175 * time.Second, 3},
			}},
			{"cron", Job{Cron: "30 * * * *"}, []struct {
				at   time.Duration
				runs int
			}{
				{0, 1},
				{29 * time.Minute, 1},
				{29*time.Minute + 50*time.Second, 2}, // 12:30:00
				{89 * time.Minute, 2},
				{90 * time.Minute, 3}, // 13:30:10
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var c counter
				clk := &clock{t: t0}
				job := tt.job
				job.Name, job.Timeout, job.Run = "test."+tt.name, time.Minute, c.run
				a := newRunner(t, db, Options{Node: "a", Now: clk.now, Poll: time.Hour}, job)
				b := newRunner(t, db, Options{Node: "b", Now: clk.now, Poll: time.Hour}, job)
				for _, s := range tt.steps {
					clk.set(t0.Add(s.at))
					a.step(a.jobs[0], false)
					b.step(b.jobs[0], false)
					a.step(a.jobs[0], false)
					if got := c.n(); got != s.runs {
						t.Fatalf("at t0+%v: %d runs, want %d", s.at, got, s.runs)
					}
				}
				st := status(t, b, job.Name)
				if st.Result != ResultOK || st.Holder != "" || st.Error != "" {
					t.Errorf("status %+v, want ok, no holder", st)
				}
				if last := c.starts[len(c.starts)-1]; !st.LastStart.Equal(last) || !st.LastSuccess.Equal(st.LastEnd) {
					t.Errorf("status %+v: last start %v, want %v; last success = last end", st, st.LastStart, last)
				}
				if want, _ := job.next(st.LastStart); !st.Next.Equal(want) {
					t.Errorf("next %v, want %v", st.Next, want)
				}
			})
		}

		t.Run("failure waits for the next period", func(t *testing.T) {
			c := counter{err: errors.New("disk on fire")}
			clk := &clock{t: t0}
			reg := prometheus.NewRegistry()
			r := newRunner(t, db, Options{Node: "a", Now: clk.now, Poll: time.Hour, Registerer: reg},
				Job{Name: "test.failing", Every: time.Minute, Timeout: time.Minute, Run: c.run})
			r.step(r.jobs[0], false)
			if wait := r.step(r.jobs[0], false); wait != 50*time.Second {
				t.Fatalf("after a failed run the next look is in %v, want 50s (the next minute)", wait)
			}
			if c.n() != 1 {
				t.Fatalf("%d runs, want 1", c.n())
			}
			st := status(t, r, "test.failing")
			if st.Result != ResultError || st.Error != "disk on fire" || !st.LastSuccess.IsZero() {
				t.Errorf("status %+v, want the error and no success", st)
			}
			if !st.Next.Equal(t0.Truncate(time.Minute).Add(time.Minute)) {
				t.Errorf("next %v, want the next minute", st.Next)
			}
			if got := testutil.ToFloat64(r.m.runs.WithLabelValues("test.failing", "error")); got != 1 {
				t.Errorf("runs_total{result=error} = %v, want 1", got)
			}
			if n := testutil.CollectAndCount(r.m.lastSuccess); n != 0 {
				t.Errorf("last success reported for a job that never succeeded (%d series)", n)
			}
			c.mu.Lock()
			c.err = nil
			c.mu.Unlock()
			clk.set(t0.Add(time.Minute))
			r.step(r.jobs[0], false)
			if c.n() != 2 || testutil.ToFloat64(r.m.lastSuccess.WithLabelValues("test.failing")) != float64(t0.Add(time.Minute).Unix()) {
				t.Errorf("after the next period: %d runs, last success %v", c.n(), testutil.ToFloat64(r.m.lastSuccess.WithLabelValues("test.failing")))
			}
		})

		t.Run("holder died", func(t *testing.T) {
			var c counter
			clk := &clock{t: t0}
			job := Job{Name: "test.orphan", Every: time.Hour, Timeout: 10 * time.Second, Run: c.run}
			a := newRunner(t, db, Options{Node: "a", Now: clk.now, Poll: time.Hour}, job)
			b := newRunner(t, db, Options{Node: "b", Now: clk.now, Poll: time.Hour}, job)
			// a claims and never records an end, as if killed.
			if _, err := a.claimLease(context.Background(), a.jobs[0], false); err != nil {
				t.Fatal(err)
			}
			lease := t0.Add(leaseFor(job.Timeout))
			if st := status(t, b, job.Name); st.Result != ResultRunning || st.Holder != "a" || !st.LeaseUntil.Equal(lease) {
				t.Fatalf("status while a holds it: %+v", st)
			}
			if err := b.RunNow(context.Background(), job.Name); !errors.Is(err, ErrBusy) {
				t.Errorf("RunNow while a holds it: %v, want ErrBusy", err)
			}
			clk.set(lease.Add(-time.Millisecond))
			if wait := b.step(b.jobs[0], false); wait != time.Millisecond || c.n() != 0 {
				t.Fatalf("b before the lease ends: waits %v, %d runs", wait, c.n())
			}
			clk.set(lease)
			if st := status(t, b, job.Name); st.Result != ResultAbandoned {
				t.Errorf("status after the lease: %+v, want abandoned", st)
			}
			b.step(b.jobs[0], false)
			if c.n() != 1 {
				t.Fatalf("b after the lease ends: %d runs, want 1", c.n())
			}
			if st := status(t, a, job.Name); st.Result != ResultOK || !st.LastStart.Equal(lease) {
				t.Errorf("status after b's run: %+v", st)
			}
			if got := testutil.ToFloat64(b.m.runs.WithLabelValues(job.Name, "abandoned")); got != 1 {
				t.Errorf("runs_total{result=abandoned} = %v, want 1", got)
			}
		})
	})
}

// TestTimeoutCancels checks that a run past its timeout is cancelled and
// recorded as a timeout.
func TestTimeoutCancels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRunner(t, db, Options{Node: "a"}, Job{
			Name: "test.slow", Every: time.Hour, Timeout: 50 * time.Millisecond,
			Run: func(ctx context.Context) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Minute):
					return nil
				}
			},
		})
		err := r.RunNow(context.Background(), "test.slow")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("RunNow: %v, want the deadline", err)
		}
		st := status(t, r, "test.slow")
		if st.Result != ResultTimeout || !strings.Contains(st.Error, "deadline") || st.Holder != "" {
			t.Errorf("status %+v, want a timeout", st)
		}
		if got := testutil.ToFloat64(r.m.runs.WithLabelValues("test.slow", "timeout")); got != 1 {
			t.Errorf("runs_total{result=timeout} = %v, want 1", got)
		}
		if err := r.RunNow(context.Background(), "test.nope"); !errors.Is(err, ErrUnknown) {
			t.Errorf("RunNow of an unknown job: %v", err)
		}
	})
}

// TestStopWaits checks that Stop cancels the runs in flight and waits for
// them, and that a cancelled run is due again at once.
func TestStopWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		started := make(chan struct{})
		var finished atomic.Bool
		r := newRunner(t, db, Options{Node: "a", Poll: 10 * time.Millisecond}, Job{
			Name: "test.long", Every: time.Hour, Timeout: time.Minute,
			Run: func(ctx context.Context) error {
				close(started)
				<-ctx.Done()
				time.Sleep(50 * time.Millisecond) // cleaning up
				finished.Store(true)
				return ctx.Err()
			},
		})
		r.Start(context.Background())
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("the job did not start")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if !finished.Load() {
			t.Fatal("Stop returned before the run ended")
		}
		st := status(t, r, "test.long")
		if st.Result != ResultCancelled || st.Holder != "" || st.Next.After(st.LastEnd) {
			t.Errorf("status %+v, want cancelled and due at once", st)
		}
		if err := r.RunNow(context.Background(), "test.long"); !errors.Is(err, ErrStopped) {
			t.Errorf("RunNow after Stop: %v, want ErrStopped", err)
		}
	})

	t.Run("bounded", func(t *testing.T) {
		db := storetest.SQLite(t)
		release := make(chan struct{})
		started := make(chan struct{})
		r := newRunner(t, db, Options{Node: "a"}, Job{
			Name: "test.stubborn", Every: time.Hour, Timeout: time.Minute,
			Run: func(ctx context.Context) error {
				close(started)
				<-release // ignores ctx
				return nil
			},
		})
		r.Start(context.Background())
		<-started
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := r.Stop(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "test.stubborn") {
			t.Errorf("Stop: %v, want a deadline naming the job", err)
		}
		close(release)
	})
}

// TestPlacement checks that a node runs only the jobs of its roles, and
// PerNode jobs on every node without the jobs table.
func TestPlacement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var worker, web, local [2]counter
		jobs := func(i int) []Job {
			return []Job{
				{Name: "test.worker", Every: never, Timeout: time.Minute, Run: worker[i].run},
				{Name: "test.web", Every: never, Timeout: time.Minute, Role: RoleWeb, Run: web[i].run},
				{Name: "test.local", Every: never, Timeout: time.Minute, Role: RoleWeb, PerNode: true, Run: local[i].run},
			}
		}
		a := newRunner(t, db, Options{Node: "a", Roles: []Role{RoleWeb}, Poll: 10 * time.Millisecond}, jobs(0)...)
		b := newRunner(t, db, Options{Node: "b", Roles: []Role{RoleWeb, RoleIngest}, Poll: 10 * time.Millisecond}, jobs(1)...)
		a.Start(context.Background())
		b.Start(context.Background())
		deadline := time.Now().Add(30 * time.Second)
		for local[0].n() == 0 || local[1].n() == 0 || web[0].n()+web[1].n() == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("runs after 30 s: local %d and %d, web %d", local[0].n(), local[1].n(), web[0].n()+web[1].n())
			}
			time.Sleep(10 * time.Millisecond)
		}
		ctx := context.Background()
		for _, r := range []*Runner{a, b} {
			if err := r.Stop(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := web[0].n() + web[1].n(); n != 1 {
			t.Errorf("the web job ran %d times in one period, want 1", n)
		}
		if n := worker[0].n() + worker[1].n(); n != 0 {
			t.Errorf("the worker job ran %d times on web nodes", n)
		}
		st := status(t, a, "test.worker")
		if st.Here || !st.LastStart.IsZero() || !status(t, a, "test.web").Here {
			t.Errorf("worker job status on a web node: %+v", st)
		}
		if st := status(t, b, "test.local"); !st.PerNode || st.Result != ResultOK {
			t.Errorf("PerNode status: %+v", st)
		}
		var rows int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE name = 'test.local'`).Scan(&rows); err != nil || rows != 0 {
			t.Errorf("a PerNode job has %d rows in the jobs table (%v)", rows, err)
		}
	})
}

// TestMetrics checks the names of the runner's series and that a second
// runner on one registry is refused rather than panicking.
func TestMetrics(t *testing.T) {
	db := storetest.SQLite(t)
	reg := prometheus.NewRegistry()
	r := newRunner(t, db, Options{Node: "a", Registerer: reg},
		Job{Name: "test.ok", Every: time.Hour, Timeout: time.Minute, Run: nop})
	if err := r.RunNow(context.Background(), "test.ok"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{
		"liveops_job_runs_total":                     1,
		"liveops_job_duration_seconds":               1,
		"liveops_job_last_success_timestamp_seconds": 1,
	} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n != want {
			t.Errorf("%s: %d series (%v), want %d", name, n, err, want)
		}
	}
	if _, err := New(db, Options{Registerer: reg}); err == nil {
		t.Error("a second runner registered its metrics on the same registry")
	}
}

// TestWake: a woken job runs at once, ahead of a schedule that would not
// run it again for a year, through the lease or, PerNode, on this node
// alone; a node without the job's role, or a name no job has, ignores it.
func TestWake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var leased, local, other counter
		r := newRunner(t, db, Options{Node: "a", Roles: []Role{RoleWorker}, Poll: time.Hour},
			Job{Name: "test.leased", Every: never, Timeout: time.Minute, Run: leased.run},
			Job{Name: "test.local", Every: never, Timeout: time.Minute, PerNode: true, Run: local.run},
			Job{Name: "test.ingest", Every: never, Timeout: time.Minute, Role: RoleIngest, Run: other.run})
		r.Start(context.Background())
		waitFor := func(c *counter, n int) {
			t.Helper()
			for deadline := time.Now().Add(30 * time.Second); c.n() < n; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d runs, want %d", c.n(), n)
				}
			}
		}
		// New jobs run at once; then a year's wait.
		waitFor(&leased, 1)
		waitFor(&local, 1)
		for _, name := range []string{"test.leased", "test.local", "test.ingest", "no.such.job"} {
			r.Wake(name)
		}
		waitFor(&leased, 2)
		waitFor(&local, 2)
		time.Sleep(50 * time.Millisecond)
		if leased.n() != 2 || local.n() != 2 || other.n() != 0 {
			t.Errorf("runs: leased %d, local %d, other role %d; want 2, 2, 0", leased.n(), local.n(), other.n())
		}
		if st := status(t, r, "test.leased"); st.Result != ResultOK || !st.LastStart.Equal(leased.starts[1]) {
			t.Errorf("status after the woken run: %+v", st)
		}
	})
}
