package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/store"
)

// Pipeline takes accepted events into a bounded queue and writes them in
// batches, one transaction each, with the visits and rollups they change.
// A full queue refuses new events (the caller answers 503) rather than
// dropping them; Close writes everything accepted before it returns.
type Pipeline struct {
	db       *store.DB
	queue    chan *Event
	dict     *dictionary
	sessions *sessionizer
	metrics  *pipelineMetrics
	maxBatch int
	maxWait  time.Duration

	mu      sync.RWMutex // held for reading while enqueuing, for writing by Close
	closed  bool
	done    chan struct{}
	pending atomic.Int64 // accepted and not yet written
}

// ErrQueueFull and ErrClosed are what Enqueue refuses with.
var (
	ErrQueueFull = errors.New("event queue is full")
	ErrClosed    = errors.New("event pipeline is shutting down")
)

// PipelineOptions size the pipeline; zero values take the defaults.
type PipelineOptions struct {
	QueueSize int              // events waiting to be written (default 50,000)
	MaxBatch  int              // events per transaction (default 5,000)
	MaxWait   time.Duration    // how long a batch waits to fill (default 100 ms)
	Now       func() time.Time // the clock, for which visits are still open at start (tests)
}

type pipelineMetrics struct {
	stored, failed prometheus.Counter
	batches        prometheus.Histogram
}

// NewPipeline reloads the visits open at the last stop and starts the
// writer. A failure to reload is logged, not fatal: counting goes on.
func NewPipeline(db *store.DB, reg prometheus.Registerer, opt PipelineOptions) *Pipeline {
	p := newPipeline(db, reg, opt)
	now := time.Now()
	if opt.Now != nil {
		now = opt.Now()
	}
	if err := p.restore(context.Background(), now); err != nil {
		slog.Error("analytics: reload open visits", "err", err)
	}
	go p.run()
	return p
}

// newPipeline builds the pipeline without starting its writer (tests fill
// its queue first).
func newPipeline(db *store.DB, reg prometheus.Registerer, opt PipelineOptions) *Pipeline {
	if opt.QueueSize <= 0 {
		opt.QueueSize = 50_000
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 5_000
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = 100 * time.Millisecond
	}
	p := &Pipeline{
		db: db, queue: make(chan *Event, opt.QueueSize), dict: newDictionary(db), sessions: newSessionizer(),
		maxBatch: opt.MaxBatch, maxWait: opt.MaxWait, done: make(chan struct{}),
		metrics: &pipelineMetrics{
			stored: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_events_stored_total",
				Help: "Analytics events written to the database."}),
			failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_event_batch_failures_total",
				Help: "Event batches whose write failed and was retried."}),
			batches: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "liveops_event_batch_seconds",
				Help: "Time to write one batch of events.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		},
	}
	reg.MustRegister(p.metrics.stored, p.metrics.failed, p.metrics.batches,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liveops_event_queue_length",
			Help: "Accepted events waiting to be written."}, func() float64 { return float64(len(p.queue)) }))
	return p
}

// Enqueue accepts events for writing, all or none: one event sent to
// several sites is refused whole when the queue has no room for every copy,
// so that a client's retry cannot count the ones that got in twice. It
// never blocks.
func (p *Pipeline) Enqueue(evs ...*Event) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	// pending counts what is queued plus what the writer holds, so it is
	// at least the queue's length: room for n here is room in the channel.
	n := int64(len(evs))
	for {
		have := p.pending.Load()
		if have+n > int64(cap(p.queue)) {
			return ErrQueueFull
		}
		if p.pending.CompareAndSwap(have, have+n) {
			break
		}
	}
	for _, ev := range evs {
		p.queue <- ev
	}
	return nil
}

// Close stops accepting events and waits until every accepted one is
// written, or ctx ends (then what is left is logged as lost).
func (p *Pipeline) Close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		lost := p.pending.Load()
		slog.Error("analytics: shutting down before every accepted event was written", "unwritten", lost)
		return fmt.Errorf("event pipeline: %d accepted events not written before the shutdown deadline", lost)
	}
}

// Flush waits until no accepted event is left unwritten: under steady
// load that may not happen, so it is for tests and for shutdown checks.
func (p *Pipeline) Flush(ctx context.Context) error {
	for {
		if p.pending.Load() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (p *Pipeline) run() {
	defer close(p.done)
	buf := make([]*Event, 0, p.maxBatch)
	for {
		ev, ok := <-p.queue
		if !ok {
			p.checkpoint()
			return
		}
		buf = append(buf[:0], ev)
		timer := time.NewTimer(p.maxWait)
	fill:
		for len(buf) < p.maxBatch {
			select {
			case ev, ok := <-p.queue:
				if !ok {
					break fill
				}
				buf = append(buf, ev)
			case <-timer.C:
				break fill
			}
		}
		timer.Stop()
		p.writeBatch(buf)
		p.pending.Add(-int64(len(buf)))
	}
}

// checkpoint saves the visitor state once everything is written, within
// the time a shutdown allows its final flush.
func (p *Pipeline) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := p.saveCheckpoint(ctx, start); err != nil {
		slog.Error("analytics: save the visitors counted today", "err", err)
		return
	}
	slog.Debug("analytics: visitors counted today saved", "visitors", len(p.sessions.visitors), "took", time.Since(start))
}

// writeBatch turns events into a batch and writes it, retrying until it is
// stored: accepted events are never dropped. While it retries, the queue
// fills and new events are refused with 503, which is the back-pressure
// a failing database needs.
func (p *Pipeline) writeBatch(evs []*Event) {
	ctx := context.Background()
	wait := 100 * time.Millisecond
	values := map[string]struct{}{}
	for _, ev := range evs {
		ev.strings(func(s string) { values[s] = struct{}{} })
	}
	for {
		err := p.dict.resolve(ctx, values)
		if err == nil {
			break
		}
		p.retry("resolve strings", err, &wait)
	}
	b := &batch{sessions: map[*session]struct{}{}, deltas: newDeltas(), events: make([]storedEvent, 0, len(evs))}
	var latest int64
	for _, ev := range evs {
		latest = max(latest, ev.Time.UnixMilli())
		s := p.sessions.process(ev, p.dict, b.deltas)
		if s == nil {
			continue
		}
		b.sessions[s] = struct{}{}
		b.events = append(b.events, storedEvent{
			service: ev.ServiceID, ts: ev.Time.UnixMilli(), visitor: ev.VisitorID, session: s.id,
			name: p.dict.id(ev.Name), page: p.dict.id(ev.Page), host: p.dict.id(ev.Hostname),
			props: ev.Props, revenue: ev.Revenue, interactive: ev.Interactive,
			// An event carries its visit's dimensions (where the visit came
			// from), not its own: a click inside the site has no referrer.
			scrollDepth: ev.ScrollDepth, engagedMS: ev.EngagedMS, visit: s.visit,
		})
	}
	for {
		start := time.Now()
		err := write(ctx, p.db, b)
		if err == nil {
			p.metrics.batches.Observe(time.Since(start).Seconds())
			p.metrics.stored.Add(float64(len(b.events)))
			break
		}
		p.retry("write events", err, &wait)
	}
	// Event times, not the clock: a visit ends by the quiet between events.
	p.sessions.sweep(latest)
}

func (p *Pipeline) retry(doing string, err error, wait *time.Duration) {
	p.metrics.failed.Inc()
	slog.Error("analytics: "+doing+" failed; retrying", "err", err, "retry_in", *wait)
	time.Sleep(*wait)
	*wait = min(2**wait, 5*time.Second)
}
