package analytics

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestChangeEqualsTakeBackAndAdd checks that session.change adds to the
// rollups exactly what taking back the visit's old contribution and adding
// its new one would, over random visits and events.
func TestChangeEqualsTakeBackAndAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2_000 {
		s := &session{id: 1, service: 2, zone: time.UTC, start: 1_700_000_000_000, entry: int64(1 + r.IntN(3)),
			visit: visitIDs{source: int64(r.IntN(3)), browser: 7, country: 9}}
		s.last, s.exit = s.start, s.entry
		s.pageviews, s.events = int64(r.IntN(3)), 1
		for range 1 + r.IntN(4) {
			before := *s
			want, got := newDeltas(), newDeltas()
			before.contribute(want, -1)
			s.last += int64(r.IntN(3)) * 60_000
			switch r.IntN(4) {
			case 0: // a page view, on the same page or another
				s.pageviews++
				s.events++
				s.exit = int64(1 + r.IntN(3))
			case 1: // an interactive custom event
				s.events++
				s.interactive = true
			case 2: // engagement: only the end moves
			}
			s.contribute(want, +1)
			s.change(got, before.visitCounts(), before.exit)
			if w, g := nonZero(want), nonZero(got); !equalRows(w, g) {
				t.Fatalf("case %d: change added %v, want %v", i, g, w)
			}
		}
	}
}

func nonZero(d *deltas) map[any]counts {
	out := map[any]counts{}
	for k, c := range d.daily {
		if !c.zero() {
			out[k] = *c
		}
	}
	for k, c := range d.hourly {
		if !c.zero() {
			out[k] = *c
		}
	}
	return out
}

func equalRows(a, b map[any]counts) bool {
	if len(a) != len(b) {
		return false
	}
	for k, c := range a {
		if b[k] != c {
			return false
		}
	}
	return true
}
