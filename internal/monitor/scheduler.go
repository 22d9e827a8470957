package monitor

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
)

// Prober runs one probe: probe.Run, or a stand-in in tests of the
// scheduler alone.
type Prober func(ctx context.Context, spec probe.Spec, opts probe.Options) probe.Result

// Scheduler runs every check once per interval across all the nodes that
// share the database. Each check's runs fall at a fixed offset within its
// interval (a hash of its id), so a thousand one-minute checks spread over
// the minute rather than start together, and they stay spread after a
// restart. A node runs a check's interval only when its compare-and-set on
// the check's last_slot moves it on: two nodes never run one interval
// twice, and when one node dies the other's next claim succeeds.
//
// Why claims and not one lease per shard of checks: a claim is one UPDATE
// per run (batched per tick), needs no rebalancing when nodes come and go,
// and a dead node costs nothing but the runs it had in flight; leased
// shards would save the losing node's UPDATE but leave a dead node's shard
// unchecked until its lease ran out (BENCHMARKS.md has the figures).
type Scheduler struct {
	db      *store.DB
	checks  *Checks
	prober  Prober
	opts    probe.Options
	maint   *Maintenance
	after   func(ctx context.Context, changes []Transition) // opens and resolves incidents
	now     func() time.Time
	workers int

	wake    chan struct{}
	results chan Result
	sem     chan struct{}
	wg      sync.WaitGroup // probes in flight
	m       *schedulerMetrics

	// The queue outlives one Run: the job that runs the scheduler ends
	// every minute and the next run carries on where it stopped.
	mu       sync.Mutex // one Run at a time
	q        dueQueue
	started  bool
	probes   context.Context // cancelled when Stop runs out of time
	cancel   context.CancelFunc
	writer   sync.Once
	written  chan struct{} // closed when the writer has written its last batch
	stopping bool
}

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	Probe probe.Options
	// Workers bounds the probes in flight; default 256.
	Workers int
	Now     func() time.Time
}

// NewScheduler returns a scheduler of the checks in db. It runs nothing
// until Run.
func NewScheduler(db *store.DB, checks *Checks, maint *Maintenance, prober Prober, opt SchedulerOptions, reg prometheus.Registerer) (*Scheduler, error) {
	if opt.Workers <= 0 {
		opt.Workers = 256
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m, err := newSchedulerMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Scheduler{db: db, checks: checks, prober: prober, opts: opt.Probe, maint: maint, now: opt.Now, workers: opt.Workers,
		wake: make(chan struct{}, 1), results: make(chan Result, 4096), sem: make(chan struct{}, opt.Workers), m: m,
		after: func(context.Context, []Transition) {}, written: make(chan struct{})}
	s.probes, s.cancel = context.WithCancel(context.Background())
	checks.changed = s.Wake
	return s, nil
}

// Wake makes the scheduler read the checks again now.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// offset is where in its interval a check's runs fall.
func offset(c *Check) time.Duration {
	h := fnv.New64a()
	fmt.Fprint(h, c.ID)
	return time.Duration(h.Sum64() % uint64(c.Interval))
}

// slot is the number of the interval t falls in, for a check.
func slot(c *Check, t time.Time) int64 {
	return (t.UnixNano() - int64(offset(c))) / int64(c.Interval)
}

// slotStart is when a check's interval n starts.
func slotStart(c *Check, n int64) time.Time {
	return time.Unix(0, n*int64(c.Interval)+int64(offset(c)))
}

// rampUp spreads, over its first seconds, the runs a node finds due when
// it starts (or when checks are added): soon, but not all at once.
const rampUp = 3 * time.Second

// reload is how often the scheduler reads the checks again unasked, to see
// other nodes' changes.
const reload = 30 * time.Second

// Run schedules the checks until ctx is done; the probes it started go on
// (Stop waits for them). The node's job runner runs it (the job
// monitor.scheduler); a later Run carries on the same queue.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil
	}
	s.writer.Do(func() {
		go func() {
			defer close(s.written)
			s.writeLoop()
		}()
	})
	if !s.started {
		s.load(ctx, true)
		s.started = true
	}
	// A run ends a little before the job's timeout, returning nil: the job
	// is then due again at once (its Every is its Timeout) and the queue
	// goes on with barely a pause, where a timed-out run would be logged
	// as failed every minute.
	end := make(<-chan time.Time)
	if deadline, ok := ctx.Deadline(); ok {
		t := time.NewTimer(time.Until(deadline) - 100*time.Millisecond)
		defer t.Stop()
		end = t.C
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextLoad := s.now().Add(reload)
	for {
		wait := time.Until(nextLoad)
		if s.q.Len() > 0 {
			wait = min(wait, s.q.items[0].due.Sub(s.now()))
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return nil
		case <-end:
			return nil
		case <-s.wake:
			s.load(ctx, false)
			nextLoad = s.now().Add(reload)
			continue
		case <-timer.C:
		}
		now := s.now()
		if !now.Before(nextLoad) {
			s.load(ctx, false)
			nextLoad = now.Add(reload)
		}
		var due []*dueItem
		for s.q.Len() > 0 && !s.q.items[0].due.After(now) {
			due = append(due, heap.Pop(&s.q).(*dueItem))
		}
		if len(due) == 0 {
			continue
		}
		claimed := s.claim(ctx, due, now)
		for _, it := range due {
			c := it.check
			if n, ok := claimed[c.ID]; ok {
				s.m.lateness.Observe(now.Sub(it.due).Seconds())
				s.start(c, n, now)
			}
			// The next interval's start, after the one just due.
			it.due = slotStart(c, slot(c, now)+1)
			heap.Push(&s.q, it)
		}
	}
}

// load reads the checks and brings the queue up to date: new checks are
// queued, removed and paused ones dropped, changed intervals requeued.
func (s *Scheduler) load(ctx context.Context, start bool) {
	list, err := s.checks.All(ctx)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("monitor: read the checks", "err", err)
		}
		return
	}
	now := s.now()
	fresh := map[int64]*Check{}
	for _, c := range list {
		fresh[c.ID] = c
	}
	// Keep the place of checks whose schedule did not change.
	kept := s.q.items[:0]
	for _, it := range s.q.items {
		if c, ok := fresh[it.check.ID]; ok && c.Interval == it.check.Interval {
			it.check = c
			kept = append(kept, it)
			delete(fresh, c.ID)
		}
	}
	s.q.items = kept
	heap.Init(&s.q)
	for _, c := range fresh {
		heap.Push(&s.q, &dueItem{check: c, due: s.firstDue(c, now, start)})
	}
	s.m.checks.Set(float64(len(list)))
}

// Stop waits for the probes in flight and writes the last results, within
// ctx; then it cancels the probes still running (their results are lost:
// they are observations, not accepted data). Call it after the last Run.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.cancel()
		<-done
	}
	ran := true
	s.writer.Do(func() { ran = false }) // never started: nothing to write
	if !ran {
		return nil
	}
	close(s.results)
	select {
	case <-s.written:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// firstDue is when a node first runs a check: a check whose current
// interval has not run runs now (a new check) or, when the node starts,
// within the ramp-up at its offset's share of it; otherwise at its next
// interval.
func (s *Scheduler) firstDue(c *Check, now time.Time, start bool) time.Time {
	if !c.LastRun.Before(slotStart(c, slot(c, now))) {
		return slotStart(c, slot(c, now)+1)
	}
	if start {
		share := time.Duration(float64(rampUp) * float64(offset(c)) / float64(c.Interval))
		return now.Add(min(share, c.Interval))
	}
	return now
}

// claim moves the due checks' last_slot on, in one transaction, and
// returns the checks this node won with their interval numbers. Another
// node's claim of the same interval wins instead; ids in order, so that
// two nodes' transactions lock rows in the same order.
func (s *Scheduler) claim(ctx context.Context, due []*dueItem, now time.Time) map[int64]int64 {
	slices.SortFunc(due, func(a, b *dueItem) int { return int(a.check.ID - b.check.ID) })
	won := map[int64]int64{}
	err := s.db.Tx(ctx, func(tx store.Querier) error {
		clear(won)
		for _, it := range due {
			n := slot(it.check, now)
			res, err := tx.ExecContext(ctx, `UPDATE monitor_checks SET last_slot = $1 WHERE id = $2 AND last_slot < $1 AND NOT paused`, n, it.check.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				won[it.check.ID] = n
			}
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("monitor: claim the due checks", "checks", len(due), "err", err)
		}
		return nil
	}
	s.m.claims.WithLabelValues("won").Add(float64(len(won)))
	s.m.claims.WithLabelValues("lost").Add(float64(len(due) - len(won)))
	return won
}

// start runs one check's probe in the worker pool; its result goes to the
// writer.
func (s *Scheduler) start(c *Check, slot int64, at time.Time) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.sem <- struct{}{}
		defer func() { <-s.sem }()
		r := s.runOne(s.probes, c, at)
		r.Slot = slot
		s.results <- r
	}()
}

// runOne probes a check, or for a heartbeat looks at its last call.
func (s *Scheduler) runOne(parent context.Context, c *Check, at time.Time) Result {
	var pr probe.Result
	if c.Spec.Type == probe.Heartbeat {
		pr = heartbeatVerdict(c, s.latestBeat(c), at)
	} else {
		// The probe's own timeout bounds it; the context is not the
		// scheduler's, so that a stop lets probes in flight finish.
		ctx, cancel := context.WithTimeout(parent, c.Spec.Timeout+time.Second)
		pr = s.prober(ctx, c.Spec, s.opts)
		cancel()
	}
	s.m.runs.WithLabelValues(string(c.Spec.Type), string(pr.Status)).Inc()
	return Result{CheckID: c.ID, At: at.UTC(), Status: pr.Status, Maintenance: s.maint.Active(c.ServiceID, at),
		Duration: pr.Duration, Reason: pr.Reason, StatusCode: pr.StatusCode, Timings: pr.Timings, CertExpiry: pr.CertExpiry}
}

// latestBeat reads a heartbeat's last call (another node may have taken it).
func (s *Scheduler) latestBeat(c *Check) time.Time {
	var ms int64
	if err := s.db.QueryRowContext(context.Background(), `SELECT beat_ms FROM monitor_checks WHERE id = $1`, c.ID).Scan(&ms); err != nil {
		return c.LastBeat
	}
	return fromMillis(ms)
}

// heartbeatVerdict: up when the job called within its interval and grace.
func heartbeatVerdict(c *Check, beat, at time.Time) probe.Result {
	allowed := c.Interval + c.Grace
	switch {
	case beat.IsZero() && at.Sub(c.CreatedAt) <= allowed:
		return probe.Result{Status: probe.Up, Reason: "waiting for the first call"}
	case beat.IsZero():
		return probe.Result{Status: probe.Down, Reason: fmt.Sprintf("no call since the check was added, expected every %s", spanText(c.Interval))}
	case at.Sub(beat) > allowed:
		return probe.Result{Status: probe.Down, Reason: fmt.Sprintf("no call for %s, expected every %s", spanText(at.Sub(beat)), spanText(c.Interval))}
	}
	return probe.Result{Status: probe.Up}
}

// writeLoop writes results in batches: up to 500, or what came within
// 200 ms. A batch that fails is retried with backoff, never dropped, until
// the scheduler stops.
func (s *Scheduler) writeLoop() {
	const maxBatch, linger = 500, 200 * time.Millisecond
	var batch []Result
	flush := func() {
		for attempt := 0; len(batch) > 0; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			changes, err := writeResults(ctx, s.db, batch)
			if err == nil {
				s.after(ctx, changes)
				cancel()
				batch = batch[:0]
				return
			}
			cancel()
			slog.Error("monitor: write results", "results", len(batch), "attempt", attempt+1, "err", err)
			time.Sleep(min(time.Duration(attempt+1)*time.Second, 10*time.Second) + rand.N(100*time.Millisecond))
			if attempt >= 5 {
				// Results are observations, not accepted data: after a
				// minute of failures the oldest give way to newer ones.
				s.m.dropped.Add(float64(len(batch)))
				batch = batch[:0]
				return
			}
		}
	}
	t := time.NewTimer(linger)
	defer t.Stop()
	for {
		select {
		case r, ok := <-s.results:
			if !ok {
				flush()
				return
			}
			batch = append(batch, r)
			if len(batch) >= maxBatch {
				flush()
			}
		case <-t.C:
			flush()
			t.Reset(linger)
		}
	}
}

// dueQueue orders checks by when they are next due.
type dueQueue struct{ items []*dueItem }

type dueItem struct {
	check *Check
	due   time.Time
}

func (q *dueQueue) Len() int           { return len(q.items) }
func (q *dueQueue) Less(i, j int) bool { return q.items[i].due.Before(q.items[j].due) }
func (q *dueQueue) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *dueQueue) Push(x any)         { q.items = append(q.items, x.(*dueItem)) }
func (q *dueQueue) Pop() any {
	it := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return it
}

type schedulerMetrics struct {
	checks   prometheus.Gauge
	lateness prometheus.Histogram
	claims   *prometheus.CounterVec
	runs     *prometheus.CounterVec
	dropped  prometheus.Counter
}

func newSchedulerMetrics(reg prometheus.Registerer) (*schedulerMetrics, error) {
	m := &schedulerMetrics{
		checks: prometheus.NewGauge(prometheus.GaugeOpts{Name: "liveops_monitor_checks_scheduled", Help: "Checks this node schedules (not paused)."}),
		lateness: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "liveops_monitor_schedule_lateness_seconds",
			Help:    "How late a check's run started after its due time, on the node that ran it.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}),
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveops_monitor_claims_total",
			Help: "Claims of a check's interval by this node: won (it ran the check) or lost (another node had)."}, []string{"outcome"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveops_monitor_runs_total",
			Help: "Check runs on this node by type and verdict."}, []string{"type", "status"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_monitor_results_dropped_total",
			Help: "Results given up after a minute of failed writes."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.checks, m.lateness, m.claims, m.runs, m.dropped} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
