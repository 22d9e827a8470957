// Package demo fills a service with months of deterministic, true-to-life
// analytics history, so that a fresh `liveops serve --demo` shows a dashboard
// worth looking at: a weekly rhythm, slow growth, campaigns, and an
// application funnel where people drop out.
//
// The traffic goes through the real ingestion pipeline, so visits, bounces
// and rollups are counted exactly as for live events. Its visit dimensions
// (source, channel, browser, OS, device) come from the real enricher applied
// to real user agents and referrers, so they are named as ingestion names them.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
)

// Summary counts what Traffic generated and stored, for a log line.
type Summary struct {
	Events, Visitors, Visits int
}

// pcgStream fixes the second half of the generator's PCG state, so that the
// seed alone decides the traffic.
const pcgStream = 0x6c6976656f7073 // "liveops"

// Options shape the traffic.
type Options struct {
	Days  int    // days of traffic, the last one ending at now; at least 1
	Seed  uint64 // the same seed, now and zone give the same traffic
	Scale int    // visitors a day times this (0 is 1): benchmarks fill millions of events
}

// Traffic generates opt.Days days of traffic for svc, the last day ending
// at now (nothing later than now is made), enqueues it on p in time order
// and waits until it is written. A full queue is waited out, never dropped.
//
// Run it before the server accepts live events: the pipeline keeps its
// visits by event time, and live events mixed in would end the demo's
// visits early. It fails when ctx ends or the pipeline closes; what was
// enqueued by then is still written, so a later HasTraffic reports true.
func Traffic(ctx context.Context, p *analytics.Pipeline, svc *catalog.Service, now time.Time, opt Options) (Summary, error) {
	if opt.Days < 1 {
		return Summary{}, fmt.Errorf("demo traffic: days must be at least 1, not %d", opt.Days)
	}
	if opt.Scale < 0 {
		return Summary{}, fmt.Errorf("demo traffic: scale must not be negative, not %d", opt.Scale)
	}
	e, err := enrich.New()
	if err != nil {
		return Summary{}, fmt.Errorf("demo traffic: %w", err)
	}
	g := newGenerator(e, svc, now, opt.Seed)
	g.scale = max(opt.Scale, 1)
	if err := g.run(opt.Days, func(evs []*analytics.Event) error { return enqueue(ctx, p, evs) }); err != nil {
		return g.sum, err
	}
	if err := p.Flush(ctx); err != nil {
		return g.sum, fmt.Errorf("demo traffic: wait for the pipeline: %w", err)
	}
	return g.sum, nil
}

// run makes the days ending today and hands their events to send in time
// order, a day's worth at a time.
func (g *generator) run(days int, send func([]*analytics.Event) error) error {
	y, m, d := g.now.In(g.zone).Date()
	for i := days - 1; i >= 0; i-- {
		g.day(time.Date(y, m, d-i, 0, 0, 0, 0, g.zone))
		// Visits of later days start after midnight, so every event before
		// it is final and can go; visits going on past midnight wait for
		// the next day's events.
		slices.SortStableFunc(g.out, func(a, b *analytics.Event) int { return a.Time.Compare(b.Time) })
		midnight := time.Date(y, m, d-i+1, 0, 0, 0, 0, g.zone)
		n, _ := slices.BinarySearchFunc(g.out, midnight, func(ev *analytics.Event, t time.Time) int { return ev.Time.Compare(t) })
		if err := send(g.out[:n]); err != nil {
			return err
		}
		g.out = slices.Delete(g.out, 0, n)
	}
	err := send(g.out)
	g.out = nil
	return err
}

// enqueue hands events to the pipeline in order, waiting while its queue
// is full.
func enqueue(ctx context.Context, p *analytics.Pipeline, evs []*analytics.Event) error {
	for _, ev := range evs {
		for {
			err := p.Enqueue(ev)
			if err == nil {
				break
			}
			if !errors.Is(err, analytics.ErrQueueFull) {
				return fmt.Errorf("demo traffic: enqueue: %w", err)
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("demo traffic: %w", ctx.Err())
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
	return nil
}

// HasTraffic reports whether the service has any stored event, so that the
// demo is generated only once.
func HasTraffic(ctx context.Context, events analytics.EventStore, serviceID int64) (bool, error) {
	return events.HasEvents(ctx, serviceID)
}
