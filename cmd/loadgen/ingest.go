package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// droppedHeader is how liveops says why a 202 was not counted.
const droppedHeader = "X-Liveops-Dropped"

// Hard bounds, so that a typo cannot start an endless or huge run.
const (
	maxDuration    = time.Hour
	maxConnections = 1000
	maxVisitors    = 10_000_000
)

type ingestConfig struct {
	endpoint    string // the events URL, loopback only
	domain      string
	connections int
	duration    time.Duration
	rate        float64 // events per second over all connections; 0: as fast as answered
	visitors    int
	shape       string // shapeVisits or shapeRealistic
	maxEvents   int64  // 0: no limit but the duration
	seed        uint64
	timeout     time.Duration
	json        bool
}

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest")
	rawURL := fs.String("url", "", "the liveops server's base URL, e.g. http://127.0.0.1:8080 (loopback only)")
	var c ingestConfig
	fs.StringVar(&c.domain, "domain", "", "a hostname of the service the events are for")
	fs.IntVar(&c.connections, "connections", 50, "concurrent keep-alive connections, each sending one event at a time")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long to send (at most 1h)")
	fs.Float64Var(&c.rate, "rate", 0, "events per second over all connections; 0 sends as fast as the server answers")
	fs.IntVar(&c.visitors, "visitors", 0, "distinct visitors (client addresses sent as X-Forwarded-For); 0: 20,000, or 50,000 for -shape realistic")
	fs.StringVar(&c.shape, "shape", shapeVisits, "the traffic: "+shapeVisits+" (whole visits: page views, engagement, custom events) or "+
		shapeRealistic+" (GoatCounter's benchmark: random page views by 50,000 visitors, 10 browsers, 1,000 log-uniform paths)")
	fs.Int64Var(&c.maxEvents, "max-events", 0, "stop after this many events (0: only --duration stops)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed: the same seed sends the same traffic")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "how long one request may take")
	fs.BoolVar(&c.json, "json", false, "print a JSON summary instead of the report")
	if err := parseFlags(fs, args, "ingest --url URL --domain HOST [flags]", stdout); err != nil {
		return err
	}
	if c.visitors == 0 {
		c.visitors = 20_000
		if c.shape == shapeRealistic {
			c.visitors = realisticVisitors
		}
	}
	var err error
	switch {
	case c.shape != shapeVisits && c.shape != shapeRealistic:
		return usageError{fmt.Sprintf("ingest: --shape must be %s or %s", shapeVisits, shapeRealistic)}
	case *rawURL == "" || c.domain == "":
		return usageError{"ingest: --url and --domain are required"}
	case c.connections < 1 || c.connections > maxConnections:
		return usageError{fmt.Sprintf("ingest: --connections must be 1 to %d", maxConnections)}
	case c.duration <= 0 || c.duration > maxDuration:
		return usageError{"ingest: --duration must be more than 0 and at most 1h"}
	case c.rate < 0 || c.maxEvents < 0 || c.visitors < 1 || c.timeout <= 0:
		return usageError{"ingest: --rate and --max-events must not be negative, --visitors and --timeout must be positive"}
	case c.visitors > maxVisitors:
		return usageError{fmt.Sprintf("ingest: --visitors must be at most %d", maxVisitors)}
	}
	if c.endpoint, err = eventsURL(*rawURL); err != nil {
		return usageError{"ingest: " + err.Error()}
	}
	t, err := newTraffic(c.domain, c.visitors, c.seed, c.shape)
	if err != nil {
		return err
	}
	if !c.json {
		fmt.Fprintf(stderr, "sending events to %s for %s from %d connections...\n", c.endpoint, c.duration, c.connections)
	}
	sum := runLoad(ctx, &c, t)
	if c.json {
		err = sum.writeJSON(stdout)
	} else {
		sum.writeText(stdout)
	}
	if err != nil {
		return err
	}
	if sum.failed() {
		return errFailed
	}
	return nil
}

// load is one run: its workers share the client, the schedule and the
// count of events claimed; each keeps its own tally.
type load struct {
	cfg      *ingestConfig
	traffic  *traffic
	client   *http.Client
	start    time.Time
	deadline time.Time
	claimed  atomic.Int64
}

func runLoad(ctx context.Context, cfg *ingestConfig, t *traffic) *summary {
	l := &load{cfg: cfg, traffic: t, client: newClient(cfg.connections, cfg.timeout), start: time.Now()}
	l.deadline = l.start.Add(cfg.duration)
	defer l.client.CloseIdleConnections()
	tallies := make([]*tally, cfg.connections)
	var wg sync.WaitGroup
	for i := range tallies {
		tallies[i] = newTally()
		wg.Go(func() { l.worker(ctx, i, tallies[i]) })
	}
	wg.Wait()
	return summarize(cfg, time.Since(l.start), ctx.Err() != nil, tallies)
}

// worker sends one event at a time until the deadline, the event limit or
// an interrupt. A request in flight is always finished, interrupt or not,
// so that the count of accepted events stays exact for verify.
func (l *load) worker(ctx context.Context, id int, t *tally) {
	gen := newEventSource(l.cfg.shape, l.traffic, l.cfg.seed, id)
	for ctx.Err() == nil {
		n := l.claimed.Add(1)
		if l.cfg.maxEvents > 0 && n > l.cfg.maxEvents {
			return
		}
		began := time.Now()
		if l.cfg.rate > 0 {
			// An open schedule: event n is due at n/rate. Latency counts from
			// when it was due, so a server that falls behind shows it (no
			// coordinated omission).
			due := l.start.Add(time.Duration(float64(n-1) / l.cfg.rate * float64(time.Second)))
			if !due.Before(l.deadline) {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(due)):
			}
			began = due
		} else if !began.Before(l.deadline) {
			return
		}
		l.send(gen.next(), began, t)
	}
}

func (l *load) send(ev event, began time.Time, t *tally) {
	req, err := http.NewRequest(http.MethodPost, l.cfg.endpoint, bytes.NewReader(ev.body))
	if err != nil {
		panic(err) // the endpoint was checked when the run started
	}
	req.Header.Set("Content-Type", "text/plain") // as sendBeacon sends a string
	req.Header.Set("User-Agent", ev.ua)
	req.Header.Set("X-Forwarded-For", ev.ip)
	t.sent++
	resp, err := l.client.Do(req)
	if err != nil {
		t.transport(err)
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	t.hist.record(time.Since(began))
	t.answer(&ev, resp.StatusCode, resp.Header.Get(droppedHeader))
}
