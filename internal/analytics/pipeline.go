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

	"github.com/liveops/liveops/internal/journal"
	"github.com/liveops/liveops/internal/store"
)

// Pipeline takes accepted events into a bounded queue and writes them in
// batches, one transaction each, with the visits and rollups they change.
//
// With a journal (OpenPipeline with JournalDir), Accept returns only once
// the events are on disk, and each batch records in its own transaction the
// last journal record it holds: a start after a crash replays what the
// database does not have yet, and nothing twice. A full queue refuses new
// events (the caller answers 503) rather than dropping them; a write that
// keeps failing is retried with backoff and reported by Health.
type Pipeline struct {
	db       *store.DB
	events   EventStore
	queue    chan queued
	dict     *dictionary
	sessions *sessionizer
	metrics  *pipelineMetrics
	maxBatch int
	maxWait  time.Duration
	// queueSize bounds the events accepted and not yet written. The
	// channel has room for a batch more: what the writer held when the last
	// run stopped is replayed into it too, and a start must not wait on a
	// database that does not answer.
	queueSize int64
	journal   *journal.Journal // nil: accepted events live in memory until written
	node      string
	decoder   recordDecoder

	// checkpoints asks the writer to save its visitor state between two
	// batches, when that state matches what is committed.
	checkpoints chan chan error

	mu      sync.RWMutex // held for reading while accepting, for writing by Close
	closed  bool
	done    chan struct{}
	pending atomic.Int64 // accepted and not yet written

	// stop is cancelled when a shutdown gives up waiting: the writer stops
	// retrying and leaves what it holds to the journal's replay.
	stop    context.Context
	abandon context.CancelFunc

	wrote    bool                   // the writer stored a batch since start: its state is worth a checkpoint
	failures atomic.Int64           // write attempts failed in a row
	busy     atomic.Int64           // when the batch being written was taken (Unix ns), 0 between batches
	lastErr  atomic.Pointer[string] // the last failure, for Health
}

// queued is one accepted request's events and its journal record (0 when
// it was not journaled).
type queued struct {
	evs []*Event
	seq uint64
}

// ErrQueueFull and ErrClosed are what Accept refuses with.
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

	// JournalDir, when set, makes acceptance durable: the directory of this
	// node's journal (internal/journal). Node names the node in the
	// database's record of what it has written; it must be stable across
	// restarts and unique among the nodes sharing a database.
	JournalDir string
	Node       string
	NoSync     bool // the journal skips fsync: benchmarks and tests only
}

type pipelineMetrics struct {
	stored, failed, replayed prometheus.Counter
	batches                  prometheus.Histogram
}

// unhealthyAfter is how many write attempts in a row must fail before the
// pipeline reports itself unhealthy: one failure is a blip, three (about a
// second of retrying) is a database that is not taking writes. A database
// that neither fails nor answers (locked, stalled) is unhealthy once one
// batch has taken stalledAfter; a healthy one writes a batch in well
// under a second.
const (
	unhealthyAfter = 3
	stalledAfter   = 15 * time.Second
)

// NewPipeline is OpenPipeline without a journal, for loaders that can redo
// their work (the demo, load fills) and for tests.
func NewPipeline(db *store.DB, reg prometheus.Registerer, opt PipelineOptions) *Pipeline {
	opt.JournalDir = ""
	p, err := OpenPipeline(context.Background(), db, reg, opt)
	if err != nil {
		panic(err) // cannot happen without a journal
	}
	return p
}

// OpenPipeline reloads the visits open at the last stop, starts the writer
// and, with a journal, replays the events accepted but not yet written
// before the last stop (a crash, or a database that did not answer). A
// failure to reload visits is logged, not fatal: counting goes on. It fails
// when the journal cannot be opened or read.
func OpenPipeline(ctx context.Context, db *store.DB, reg prometheus.Registerer, opt PipelineOptions) (*Pipeline, error) {
	p := newPipeline(db, reg, opt)
	now := time.Now()
	if opt.Now != nil {
		now = opt.Now()
	}
	if err := p.restore(ctx, now); err != nil {
		slog.Error("analytics: reload open visits", "err", err)
	}
	if opt.JournalDir == "" {
		go p.run()
		return p, nil
	}
	written, err := writtenUpTo(ctx, db, p.node)
	if err != nil {
		return nil, err
	}
	if p.journal, err = journal.Open(opt.JournalDir, written, journal.Options{NoSync: opt.NoSync}); err != nil {
		return nil, err
	}
	go p.run()
	if err := p.replay(written); err != nil {
		p.Close(ctx)
		return nil, err
	}
	return p, nil
}

// replay queues the journal's records above written, in order.
func (p *Pipeline) replay(written uint64) error {
	start, n := time.Now(), 0
	err := p.journal.Replay(written, func(seq uint64, rec []byte) error {
		evs, err := p.decoder.decode(rec)
		if err != nil {
			// A record the journal's checksum passed but that does not
			// decode was written by another version: say so, go on.
			slog.Error("analytics: a journal record cannot be read; skipped", "seq", seq, "err", err)
			return nil
		}
		p.pending.Add(int64(len(evs)))
		p.queue <- queued{evs: evs, seq: seq}
		n += len(evs)
		return nil
	})
	if n > 0 {
		p.metrics.replayed.Add(float64(n))
		slog.Info("analytics: replaying events accepted before the last stop and not yet written", "events", n, "took", time.Since(start).Round(time.Millisecond))
	}
	return err
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
	stop, abandon := context.WithCancel(context.Background())
	p := &Pipeline{
		db: db, events: NewEventStore(db), queue: make(chan queued, opt.QueueSize+opt.MaxBatch), queueSize: int64(opt.QueueSize), dict: newDictionary(db), sessions: newSessionizer(),
		maxBatch: opt.MaxBatch, maxWait: opt.MaxWait, done: make(chan struct{}), node: opt.Node,
		decoder: recordDecoder{zones: map[string]*time.Location{}}, stop: stop, abandon: abandon,
		checkpoints: make(chan chan error),
		metrics: &pipelineMetrics{
			stored: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_events_stored_total",
				Help: "Analytics events written to the database."}),
			failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_event_batch_failures_total",
				Help: "Event batch writes that failed and were retried."}),
			replayed: prometheus.NewCounter(prometheus.CounterOpts{Name: "liveops_events_replayed_total",
				Help: "Events taken back from the journal at start: accepted before a stop, not yet written then."}),
			batches: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "liveops_event_batch_seconds",
				Help: "Time to write one batch of events.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		},
	}
	reg.MustRegister(p.metrics.stored, p.metrics.failed, p.metrics.replayed, p.metrics.batches,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liveops_event_queue_length",
			Help: "Accepted events waiting to be written."}, func() float64 { return float64(p.pending.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liveops_event_writer_failing",
			Help: "1 while event writes keep failing (the database does not take them), else 0."}, func() float64 {
			if p.failures.Load() >= unhealthyAfter {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "liveops_event_journal_records_total",
			Help: "Accepted requests written to the journal (each with its events)."}, func() float64 {
			if p.journal == nil {
				return 0
			}
			return float64(p.journal.Stats().Records)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "liveops_event_journal_syncs_total",
			Help: "Group commits (fsyncs) of the journal: records per sync is how many requests share one."}, func() float64 {
			if p.journal == nil {
				return 0
			}
			return float64(p.journal.Stats().Syncs)
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liveops_event_journal_bytes",
			Help: "Bytes of accepted events kept on disk until written (0 without a journal)."}, func() float64 {
			if p.journal == nil {
				return 0
			}
			return float64(p.journal.Size())
		}),
	)
	return p
}

// Accept takes events for writing, all or none: one event sent to several
// sites is refused whole when the queue has no room for every copy, so that
// a client's retry cannot count the ones that got in twice. With a journal
// it returns once they are on disk. It never waits for the database.
func (p *Pipeline) Accept(ctx context.Context, evs ...*Event) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	n := int64(len(evs))
	if !p.reserve(n) {
		return ErrQueueFull
	}
	if p.journal == nil {
		p.queue <- queued{evs: evs}
		return nil
	}
	err := p.journal.Append(ctx, encodeEvents(evs), func(seq uint64) { p.queue <- queued{evs: evs, seq: seq} })
	if err != nil {
		p.pending.Add(-n)
		return fmt.Errorf("keep accepted events: %w", err)
	}
	return nil
}

// Enqueue takes events without the journal, whatever the pipeline has: for
// loaders that can redo their work, such as the demo.
func (p *Pipeline) Enqueue(evs ...*Event) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	if !p.reserve(int64(len(evs))) {
		return ErrQueueFull
	}
	p.queue <- queued{evs: evs}
	return nil
}

// reserve takes room for n events in the queue, or reports there is none.
// pending counts what is queued plus what the writer holds, so it is at
// least the queue's length: room for n here is room in the channel.
func (p *Pipeline) reserve(n int64) bool {
	for {
		have := p.pending.Load()
		if have+n > p.queueSize {
			return false
		}
		if p.pending.CompareAndSwap(have, have+n) {
			return true
		}
	}
}

// Health is nil while events are being written, and says why not when
// writes have failed several times in a row (the database is down, full or
// locked): accepted events then wait in the queue and the journal.
func (p *Pipeline) Health() error {
	if since := p.busy.Load(); since != 0 {
		if d := time.Since(time.Unix(0, since)); d > stalledAfter {
			return fmt.Errorf("one batch of events has not been written for %v: the database does not take writes", d.Round(time.Second))
		}
	}
	if n := p.failures.Load(); n >= unhealthyAfter {
		msg := ""
		if e := p.lastErr.Load(); e != nil {
			msg = *e
		}
		return fmt.Errorf("event writes failed %d times in a row: %s", n, msg)
	}
	return nil
}

// Close stops accepting events and waits until every accepted one is
// written and the visitor state is saved, or ctx ends. Then the writer
// gives up: with a journal, what it had not written is replayed at the
// next start; without one it is lost, and the error says how much. Close
// may be called more than once; later calls wait as the first did.
func (p *Pipeline) Close(ctx context.Context) error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	var err error
	select {
	case <-p.done:
	case <-ctx.Done():
		p.abandon()
		<-p.done // the writer's database calls end with p.stop
		left := p.pending.Load()
		if p.journal != nil {
			slog.Warn("analytics: stopping before every accepted event was written; the journal keeps them for the next start", "unwritten", left)
			err = fmt.Errorf("event pipeline: %d accepted events left in the journal for the next start", left)
		} else {
			slog.Error("analytics: shutting down before every accepted event was written", "unwritten", left)
			err = fmt.Errorf("event pipeline: %d accepted events not written before the shutdown deadline", left)
		}
	}
	if p.journal != nil {
		err = errors.Join(err, p.journal.Close())
	}
	return err
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
	buf := make([]queued, 0, 64)
	for {
		var q queued
		var ok bool
		select {
		case q, ok = <-p.queue:
		case reply := <-p.checkpoints:
			reply <- p.checkpoint()
			continue
		}
		if !ok {
			if p.wrote {
				if err := p.checkpoint(); err != nil {
					slog.Error("analytics: save the visitors counted today", "err", err)
				}
			}
			return
		}
		buf, n := append(buf[:0], q), len(q.evs)
		timer := time.NewTimer(p.maxWait)
	fill:
		for n < p.maxBatch {
			select {
			case q, ok := <-p.queue:
				if !ok {
					break fill
				}
				buf = append(buf, q)
				n += len(q.evs)
			case <-timer.C:
				break fill
			}
		}
		timer.Stop()
		p.busy.Store(time.Now().UnixNano())
		if !p.writeBatch(buf, n) {
			return // abandoned at shutdown: the journal keeps the rest
		}
		p.busy.Store(0)
		p.pending.Add(-int64(n))
	}
}

// checkpoint saves the visitor state, on the writer's goroutine between
// batches (so it matches the committed rollups), within 10 s.
func (p *Pipeline) checkpoint() error {
	ctx, cancel := context.WithTimeout(p.stop, 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := p.saveCheckpoint(ctx, start); err != nil {
		return err
	}
	slog.Debug("analytics: visitors counted today saved", "visitors", len(p.sessions.visitors), "took", time.Since(start))
	return nil
}

// Checkpoint saves whom the node has counted today, so that after a crash
// a visitor who comes back is not counted again (a graceful stop saves it
// anyway). The writer does it between two batches; ctx bounds the wait.
func (p *Pipeline) Checkpoint(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case p.checkpoints <- reply:
	case <-p.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeBatch turns the queued requests' events into a batch and writes it,
// retrying until it is stored: accepted events are never dropped. While it
// retries, the queue fills and new events are refused with 503, which is
// the back-pressure a failing database needs. It returns false only when a
// shutdown gave up on it.
func (p *Pipeline) writeBatch(reqs []queued, n int) bool {
	ctx := p.stop
	wait := 100 * time.Millisecond
	values := map[string]struct{}{}
	var seq uint64
	for _, q := range reqs {
		seq = max(seq, q.seq)
		for _, ev := range q.evs {
			ev.strings(func(s string) { values[s] = struct{}{} })
		}
	}
	for {
		err := p.dict.resolve(ctx, values)
		if err == nil {
			break
		}
		if !p.retry("resolve strings", err, &wait) {
			return false
		}
	}
	b := &batch{sessions: map[*session]struct{}{}, deltas: newDeltas(), events: make([]storedEvent, 0, n)}
	if seq > 0 {
		b.progress = &progress{node: p.node, seq: seq}
	}
	var latest int64
	for _, q := range reqs {
		for _, ev := range q.evs {
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
	}
	for {
		start := time.Now()
		err := p.events.WriteBatch(ctx, b)
		if err == nil {
			p.metrics.batches.Observe(time.Since(start).Seconds())
			p.metrics.stored.Add(float64(len(b.events)))
			p.failures.Store(0)
			p.wrote = true
			break
		}
		if !p.retry("write events", err, &wait) {
			return false
		}
	}
	if p.journal != nil && seq > 0 {
		if err := p.journal.Release(seq); err != nil {
			slog.Warn("analytics: delete written journal segments", "err", err)
		}
	}
	// Event times, not the clock: a visit ends by the quiet between events.
	p.sessions.sweep(latest)
	return true
}

// retry records a failed attempt and waits before the next, doubling the
// wait up to 5 s. It returns false when the shutdown gave up meanwhile.
func (p *Pipeline) retry(doing string, err error, wait *time.Duration) bool {
	if p.stop.Err() != nil {
		return false
	}
	p.metrics.failed.Inc()
	p.failures.Add(1)
	msg := doing + ": " + err.Error()
	p.lastErr.Store(&msg)
	slog.Error("analytics: "+doing+" failed; retrying", "err", err, "retry_in", *wait)
	t := time.NewTimer(*wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.stop.Done():
		return false
	}
	*wait = min(2**wait, 5*time.Second)
	return true
}
