// Package jobs runs the named background jobs of every area on one runner:
// each job has a schedule (an interval or a cron expression), a timeout and
// a role that places it on nodes. A job runs once per period across all the
// nodes that share a database: a node claims it with one compare-and-set
// UPDATE on its row of the jobs table, which records the holder and a lease
// a little longer than the timeout. When the holder dies, the lease runs out
// and another node runs the job again. Stop cancels the runs in flight and
// waits for them. Jobs marked PerNode skip the table and run on every node.
//
// Why a lease table and not River (github.com/riverqueue/river): liveops
// needs a few dozen named schedules, not a queue. River brings its own
// migrations (8, five tables on PostgreSQL), inserts a job row per run and
// keeps it until its cleaner deletes it, runs a client with producers, a
// leader that enqueues periodic jobs and a rescuer that by default retries
// a dead holder's job only after an hour, and pulls in robfig/cron, testify
// and tidwall/gjson. Measured here on 2 cores under a load of about 15, two
// runs each: River v0.51.2 with riverpgxv5 and a 1 ms poll, in a throwaway
// module, takes 2.5–3.2 ms from insert to worked per run on PostgreSQL;
// this table's look, claim and end record (BenchmarkClaim) take 0.35–1.1 ms
// on PostgreSQL and 0.3–0.45 ms on SQLite, and a look at a job that is not
// due (BenchmarkLook) 0.07–0.19 ms.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/store"
)

// Role names what a node does; a node runs the jobs of its roles.
type Role string

// The roles of a node. A node started with --role all has every one.
const (
	RoleWeb    Role = "web"    // serves pages and the API
	RoleIngest Role = "ingest" // accepts events
	RoleWorker Role = "worker" // runs the cluster's scheduled jobs
)

// Roles lists every role, in the order --role all means.
var roles = [...]Role{RoleWeb, RoleIngest, RoleWorker}

func (r Role) valid() bool { return slices.Contains(roles[:], r) }

// ParseRoles reads a --role value: "all", or roles separated by commas
// ("web,worker"). It fails on an empty value or an unknown role.
func ParseRoles(s string) ([]Role, error) {
	if strings.TrimSpace(s) == "all" {
		return roles[:], nil
	}
	var out []Role
	for _, f := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(f))
		if !r.valid() {
			return nil, fmt.Errorf("unknown role %q: use web, ingest, worker or all", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Job declares one background job.
type Job struct {
	// Name is unique and dotted, area first: "analytics.retention".
	Name string
	// Every runs the job once in each interval, at the multiples of Every
	// since the Unix epoch (an hourly job at the top of each hour, UTC).
	Every time.Duration
	// Cron runs the job at the times of a cron expression in UTC, read by
	// github.com/adhocore/gronx: five fields, or six with seconds first.
	// Give exactly one of Every and Cron.
	Cron string
	// Timeout bounds one run: its context is cancelled then. Run must
	// return soon after, since the lease lasts only a little longer.
	Timeout time.Duration
	// Role places the job on the nodes that have it; empty means worker.
	Role Role
	// PerNode runs the job on every node of its role, with no lease and no
	// row in the jobs table: node-local work such as caches and checkpoints.
	PerNode bool
	// Run does the work. A job that has never run, or whose last run was
	// cut short (its node died or stopped), is due at once; otherwise it is
	// due at the schedule's first time after its last start, so a failed
	// run is retried at the next period.
	Run func(ctx context.Context) error
}

// Options configure a Runner. The zero value works for one node.
type Options struct {
	// Node names this node in the jobs table; default host name and pid.
	Node string
	// Roles are this node's roles; default every role.
	Roles []Role
	// Registerer receives the runner's metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
	// Now is the clock, for tests; default time.Now.
	Now func() time.Time
	// Poll is the longest the runner sleeps before it reads a job's row
	// again; it wakes earlier when a job is due or a lease runs out.
	// Default 30 s.
	Poll time.Duration
}

// Errors of RunNow.
var (
	ErrUnknown = errors.New("no such job")
	ErrBusy    = errors.New("job is running")
	ErrStopped = errors.New("job runner stopped")
)

// Runner runs jobs. Create it with New, Add the jobs, then Start it; Stop
// it at shutdown.
type Runner struct {
	db    *store.DB
	node  string
	roles []Role
	now   func() time.Time
	poll  time.Duration
	m     *metrics

	base   context.Context // cancelled by Stop; every run's parent
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	jobs    []*job
	started bool
	stopped bool
	running map[string]int // runs in flight by job name, for Stop's error
}

// job is a declared job and, for a PerNode job, its state on this node.
type job struct {
	Job
	local sync.Mutex // held during a PerNode run
	mu    sync.Mutex
	st    state         // PerNode only
	wake  chan struct{} // Wake's signal to the job's loop
}

// New returns a runner on db. It fails on an unknown role or when the
// metrics cannot be registered (another runner on the same Registerer).
func New(db *store.DB, opt Options) (*Runner, error) {
	if opt.Node == "" {
		host, _ := os.Hostname()
		opt.Node = host + ":" + strconv.Itoa(os.Getpid())
	}
	if len(opt.Roles) == 0 {
		opt.Roles = roles[:]
	}
	for _, r := range opt.Roles {
		if !r.valid() {
			return nil, fmt.Errorf("new job runner: unknown role %q", r)
		}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Poll <= 0 {
		opt.Poll = 30 * time.Second
	}
	m, err := newMetrics(opt.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	base, cancel := context.WithCancel(context.Background())
	return &Runner{
		db: db, node: opt.Node, roles: slices.Clone(opt.Roles), now: opt.Now, poll: opt.Poll, m: m,
		base: base, cancel: cancel, running: map[string]int{},
	}, nil
}

// Add declares jobs. It fails, adding none, when a job is invalid (name,
// schedule, timeout, role), when a name is taken, or after Start.
func (r *Runner) Add(jobs ...Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("add jobs: the runner has started")
	}
	seen := map[string]bool{}
	for _, j := range r.jobs {
		seen[j.Name] = true
	}
	var add []*job
	for _, j := range jobs {
		if err := j.validate(); err != nil {
			return err
		}
		if seen[j.Name] {
			return fmt.Errorf("job %s: declared twice", j.Name)
		}
		seen[j.Name] = true
		add = append(add, &job{Job: j, wake: make(chan struct{}, 1)})
	}
	r.jobs = append(r.jobs, add...)
	return nil
}

// Start runs, until Stop, the jobs whose role this node has. A second Start,
// or a Start after Stop, does nothing. Cancelling ctx stops scheduling as
// Stop does, without waiting.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started || r.stopped {
		return
	}
	r.started = true
	context.AfterFunc(ctx, r.cancel)
	for _, j := range r.jobs {
		if !slices.Contains(r.roles, j.Role) {
			continue
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.loop(j)
		}()
	}
}

// Stop cancels the context of every run in flight, stops scheduling and
// waits for the runs to return, as long as ctx allows. It fails when ctx
// ends first, naming the jobs still running.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		r.mu.Lock()
		var names []string
		for name := range r.running {
			names = append(names, name)
		}
		r.mu.Unlock()
		slices.Sort(names)
		return fmt.Errorf("stop jobs: still running %s: %w", strings.Join(names, ", "), ctx.Err())
	}
}

// RunNow runs the job named name at once on this node, whatever its role
// and schedule, and returns its error; the run counts as the job's last
// start. It fails with ErrUnknown, with ErrBusy when the job is running
// (here or on another node), and with ErrStopped after Stop.
func (r *Runner) RunNow(ctx context.Context, name string) error {
	j := r.job(name)
	if j == nil {
		return fmt.Errorf("run job %q: %w", name, ErrUnknown)
	}
	done, err := r.track(name)
	if err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	defer done()
	parent, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(r.base, cancel)()

	var c claim
	if j.PerNode {
		c, err = r.claimLocal(j, true)
	} else {
		c, err = r.claimLease(parent, j, true)
	}
	if err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	if err := r.run(parent, j, c); err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	return nil
}

// Wake has the job named name run soon on this node, ahead of its
// schedule, when this node runs it: for work that was found waiting (days
// to put in columns that a query needed). It does not wait for the run; a
// job running here or on another node is left to finish, and Wakes before
// the run starts count as one.
func (r *Runner) Wake(name string) {
	if j := r.job(name); j != nil {
		select {
		case j.wake <- struct{}{}:
		default:
		}
	}
}

func (r *Runner) job(name string) *job {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// track counts a run in flight so that Stop waits for it; done ends it.
func (r *Runner) track(name string) (done func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return nil, ErrStopped
	}
	r.wg.Add(1)
	r.running[name]++
	return func() {
		r.mu.Lock()
		if r.running[name]--; r.running[name] == 0 {
			delete(r.running, name)
		}
		r.mu.Unlock()
		r.wg.Done()
	}, nil
}

// startKey carries a run's start time in its context.
type startKey struct{}

// Started returns the time the runner recorded as the start of the run
// whose context ctx is (the lease's last start, which sets the next due
// time), or the zero time outside a run. A job that works by period uses
// it rather than its own clock.
func Started(ctx context.Context) time.Time {
	t, _ := ctx.Value(startKey{}).(time.Time)
	return t
}
