package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// BenchmarkClaim measures what the lease table costs a run: reading the
// job's row, the compare-and-set claim and the record of its end (RunNow
// of a job that does nothing), on each engine.
//
//	go test -run '^$' -bench Claim -benchtime 2000x ./internal/jobs/
func BenchmarkClaim(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			r, err := New(e.open(b), Options{Node: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			if err := r.Add(Job{Name: "bench.nop", Every: time.Hour, Timeout: time.Minute, Run: nop}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if err := r.RunNow(ctx, "bench.nop"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLook measures a look at a job that is not due: what each node
// pays per job when it wakes up.
func BenchmarkLook(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			r, err := New(e.open(b), Options{Node: "bench", Poll: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			if err := r.Add(Job{Name: "bench.nop", Every: time.Hour, Timeout: time.Minute, Run: nop}); err != nil {
				b.Fatal(err)
			}
			if err := r.RunNow(context.Background(), "bench.nop"); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if wait := r.step(r.jobs[0], false); wait == 0 {
					b.Fatal("the job ran again")
				}
			}
		})
	}
}
