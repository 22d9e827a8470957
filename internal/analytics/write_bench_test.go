package analytics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// realisticTraffic makes page views in the shape GoatCounter's benchmark
// sends (and `loadgen ingest -shape realistic`): each from one of 50,000
// visitors picked at random, with ten browsers, about 1,000 paths picked
// log-uniformly and a few referrers. Almost every event of a batch is from
// a different visitor, so a batch touches thousands of visits and rollup
// rows: the hard case for the writer.
type realisticTraffic struct {
	r        *rand.Rand
	svc      int64
	zone     *time.Location
	now      time.Time
	visitors []Visit
	paths    []string
}

func newRealisticTraffic(svc int64, zone *time.Location, start time.Time) *realisticTraffic {
	r := rand.New(rand.NewPCG(1, 2))
	browsers := []struct{ browser, version, os, osVersion, device string }{
		{"Chrome", "154", "Windows", "10", "Desktop"}, {"Chrome", "153", "Windows", "10", "Desktop"},
		{"Edge", "154", "Windows", "10", "Desktop"}, {"Firefox", "157", "Windows", "10", "Desktop"},
		{"Safari", "27.1", "macOS", "10.15", "Desktop"}, {"Chrome", "154", "macOS", "10.15", "Desktop"},
		{"Chrome", "154", "Android", "15", "Mobile"}, {"Samsung Internet", "28", "Android", "14", "Mobile"},
		{"Safari", "26.4", "iOS", "18.6", "Mobile"}, {"Safari", "26.4", "iOS", "18.6", "Tablet"},
	}
	referrers := []struct{ source, referrer, channel string }{
		{"", "", "Direct"}, {"Google", "", "Organic Search"}, {"Bing", "", "Organic Search"},
		{"Facebook", "", "Organic Social"}, {"news.example.com", "news.example.com/today", "Referral"},
	}
	countries := []string{"GB", "US", "FR", "DE", "NL", "IE", "ES", "IT", "PL", "IN", "CN", "BR", "CA", "AU", "JP"}
	t := &realisticTraffic{r: r, svc: svc, zone: zone, now: start}
	for range 50_000 {
		b := browsers[r.IntN(len(browsers))]
		ref := referrers[r.IntN(len(referrers))]
		t.visitors = append(t.visitors, Visit{Source: ref.source, Referrer: ref.referrer, Channel: ref.channel,
			Device: b.device, Browser: b.browser, BrowserVersion: b.version, OS: b.os, OSVersion: b.osVersion,
			Country: countries[r.IntN(len(countries))]})
	}
	for i := range 1_000 {
		t.paths = append(t.paths, fmt.Sprintf("/section-%d/page-%d", i%37, i))
	}
	return t
}

// batch is the next n page views, 20,000 a second.
func (t *realisticTraffic) batch(n int) []*Event {
	evs := make([]*Event, n)
	for i := range evs {
		t.now = t.now.Add(50 * time.Microsecond)
		v := t.r.IntN(len(t.visitors))
		// Log-uniform over 1..1000: path k is picked in proportion to 1/k.
		p := int(math.Exp(t.r.Float64()*math.Log(float64(len(t.paths))))) - 1
		evs[i] = &Event{ServiceID: t.svc, Zone: t.zone, Time: t.now, VisitorID: int64(v) + 1_000_000,
			Name: PageviewName, Page: t.paths[p], Hostname: "apply.example.gov", ScrollDepth: -1, EngagedMS: -1,
			Interactive: true, Visit: t.visitors[v]}
	}
	return evs
}

// BenchmarkWriteBatchRealistic writes batches of 4,800 page views in the
// realistic shape, as the pipeline's writer does under 20,000 events/s
// (the first batches, which create the strings and visits, are not
// timed). Report: ns per batch, events/s the writer alone sustains, and
// the process's CPU time per event (PostgreSQL's own is not in it).
//
//	go test -run XXX -bench WriteBatchRealistic -benchtime 20x ./internal/analytics/
func BenchmarkWriteBatchRealistic(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *store.DB
			if engine == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			svc := benchService(b, db)
			london, _ := time.LoadLocation("Europe/London")
			traffic := newRealisticTraffic(svc, london, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
			p := newPipeline(db, prometheus.NewRegistry(), PipelineOptions{})
			const size = 4_800
			for range 10 { // 48,000 page views: most visitors have a visit open
				p.writeEvents(traffic.batch(size))
			}
			batches := make([][]*Event, b.N)
			for i := range batches {
				batches[i] = traffic.batch(size)
			}
			b.ResetTimer()
			cpu := processCPU()
			for i := range b.N {
				p.writeEvents(batches[i])
			}
			b.StopTimer()
			cpu = processCPU() - cpu
			b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "events/s")
			// CPU time is what a shared machine does not inflate: the
			// writer's cost per event, whatever else runs.
			b.ReportMetric(float64(cpu.Microseconds())/float64(size*b.N), "cpu-µs/event")
		})
	}
}

func benchService(b *testing.B, db *store.DB) int64 {
	b.Helper()
	s, err := catalog.New(db).Create(context.Background(), catalog.Input{Name: "Bench", Domains: []string{"apply.example.gov"}, Timezone: "Europe/London"})
	if err != nil {
		b.Fatal(err)
	}
	return s.ID
}
