package monitor

import (
	"context"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestWindowCovers: one-off and repeated windows, a repeat keeping its
// local hour across the clocks going back in London, and a window that
// runs past midnight.
func TestWindowCovers(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	once := &Window{Starts: at("2026-10-20 22:00"), Ends: at("2026-10-20 23:00"), zone: london}
	// Sundays 06:00–06:30 London time, from before the clocks went back
	// (25 Oct 2026): 05:00 UTC in summer, 06:00 UTC in winter.
	weekly := &Window{Starts: at("2026-10-18 06:00"), Ends: at("2026-10-18 06:30"), Repeat: "weekly", zone: london}
	nightly := &Window{Starts: at("2026-10-18 23:30"), Ends: at("2026-10-19 00:30"), Repeat: "daily", zone: london}
	for _, c := range []struct {
		w    *Window
		t    time.Time
		want bool
	}{
		{once, at("2026-10-20 21:59"), false},
		{once, at("2026-10-20 22:00"), true},
		{once, at("2026-10-20 22:59"), true},
		{once, at("2026-10-20 23:00"), false},
		{once, at("2026-10-27 22:30"), false},
		{weekly, at("2026-10-18 06:10"), true},
		{weekly, at("2026-10-25 06:10"), true}, // the day the clocks go back
		{weekly, at("2026-11-01 06:10"), true},
		{weekly, time.Date(2026, 11, 1, 5, 10, 0, 0, time.UTC).In(london), false}, // 05:10 local
		{weekly, at("2026-11-02 06:10"), false},                                   // a Monday
		{weekly, at("2026-10-11 06:10"), false},                                   // before it began
		{nightly, at("2026-11-05 23:45"), true},
		{nightly, at("2026-11-06 00:15"), true}, // past midnight, the repeat of the day before
		{nightly, at("2026-11-06 00:45"), false},
	} {
		if got := c.w.Covers(c.t); got != c.want {
			t.Errorf("%s window at %s: %v, want %v", c.w.Repeat, c.t.Format(time.RFC3339), got, c.want)
		}
	}
	if s, e := weekly.Next(at("2026-11-03 12:00")); !s.Equal(at("2026-11-08 06:00")) || !e.Equal(at("2026-11-08 06:30")) {
		t.Errorf("next weekly window: %s to %s", s, e)
	}
	if s, _ := once.Next(at("2026-10-21 00:00")); !s.IsZero() {
		t.Errorf("a past one-off window has a next: %s", s)
	}
}

// TestMaintenanceExcludesResults: failures in a maintenance window are
// kept as maintenance, count neither up nor down, and open no incident;
// the same failures outside it do.
func TestMaintenanceExcludesResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		ctx := context.Background()
		c := &Check{ServiceID: h.svc.ID, Name: "Start page", Interval: time.Minute, Public: true,
			Spec: probe.Spec{Type: probe.TCP, Target: "127.0.0.1:9"}}
		if _, err := h.checks.Add(ctx, c); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		if err := h.maint.Add(ctx, &Window{ServiceID: h.svc.ID, Title: "Upgrade", Starts: start, Ends: start.Add(10 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		var batch []Result
		for i := range 15 { // ten minutes in the window, five after, all failing
			at := start.Add(time.Duration(i) * time.Minute)
			batch = append(batch, Result{CheckID: c.ID, At: at, Slot: int64(i + 1), Status: probe.Down, Reason: "connection refused",
				Maintenance: h.maint.Active(h.svc.ID, at)})
		}
		changes, err := writeResults(ctx, db, batch[:10])
		if err != nil || len(changes) != 0 {
			t.Fatalf("in the window: changes %v, %v", changes, err)
		}
		sum, err := Summaries(ctx, db, []int64{c.ID}, start.Add(-time.Hour), start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if s := sum[c.ID]; s.Maintenance != 10 || s.Runs() != 0 {
			t.Fatalf("in the window: %+v", s)
		}
		if _, ok := sum[c.ID].Uptime(); ok {
			t.Errorf("uptime from maintenance alone")
		}
		changes, err = writeResults(ctx, db, batch[10:])
		if err != nil {
			t.Fatal(err)
		}
		h.inc.Apply(ctx, changes)
		list, err := h.inc.List(ctx, h.svc.ID, time.Time{}, 10)
		if err != nil || len(list) != 1 || !list[0].StartedAt.Equal(start.Add(10*time.Minute)) {
			t.Fatalf("incidents after the window: %+v %v", list, err)
		}
		sum, _ = Summaries(ctx, db, []int64{c.ID}, start.Add(-time.Hour), start.Add(time.Hour))
		if pct, ok := sum[c.ID].Uptime(); !ok || pct != 0 || sum[c.ID].Down != 5 {
			t.Errorf("after the window: %+v", sum[c.ID])
		}
	})
}

// TestHeartbeatVerdict: up while calls come within the interval and grace,
// down with the time since the last call once they stop.
func TestHeartbeatVerdict(t *testing.T) {
	created := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	c := &Check{Interval: time.Hour, Grace: 10 * time.Minute, CreatedAt: created}
	for _, tc := range []struct {
		beat, at time.Time
		want     probe.Status
		reason   string
	}{
		{time.Time{}, created.Add(30 * time.Minute), probe.Up, "waiting for the first call"},
		{time.Time{}, created.Add(2 * time.Hour), probe.Down, "no call since the check was added, expected every 1 hour"},
		{created.Add(time.Hour), created.Add(2*time.Hour + 5*time.Minute), probe.Up, ""},
		{created.Add(time.Hour), created.Add(2*time.Hour + 11*time.Minute), probe.Down, "no call for 1 hour 11 minutes, expected every 1 hour"},
	} {
		got := heartbeatVerdict(c, tc.beat, tc.at)
		if got.Status != tc.want || got.Reason != tc.reason {
			t.Errorf("beat %s, at %s: %s %q, want %s %q", tc.beat, tc.at, got.Status, got.Reason, tc.want, tc.reason)
		}
	}
}

// TestPercentile: quantiles from the buckets, within the bucket they fall
// in.
func TestPercentile(t *testing.T) {
	var s Summary
	for _, ms := range []int64{5, 8, 20, 40, 60, 90, 120, 180, 250, 900} {
		s.H[histogramBucket(ms)]++
		s.DurationMS += ms
		s.Up++
	}
	for _, c := range []struct {
		q      float64
		lo, hi time.Duration
	}{{0.5, 50 * time.Millisecond, 75 * time.Millisecond}, {0.9, 200 * time.Millisecond, 300 * time.Millisecond},
		{0.99, 750 * time.Millisecond, 1000 * time.Millisecond}} {
		if got := s.Percentile(c.q); got < c.lo || got > c.hi {
			t.Errorf("p%v = %s, want %s to %s", c.q*100, got, c.lo, c.hi)
		}
	}
	if s.Mean() != 167*time.Millisecond {
		t.Errorf("mean %s", s.Mean())
	}
	if (Summary{}).Percentile(0.5) != 0 {
		t.Errorf("percentile of nothing")
	}
}
