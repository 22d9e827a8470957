package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
)

// demoPayments is the demo's flaky target, served by liveops itself: a
// payment provider that times out for three minutes every two hours, so
// that the demo opens and resolves incidents while it runs.
const demoPayments = "/monitor/demo/payments"

func demoPaymentsDown(t time.Time) bool { return t.Unix()/60%120 < 3 }

func serveDemoPayments(w http.ResponseWriter, r *http.Request) {
	if demoPaymentsDown(time.Now()) {
		http.Error(w, "the payment provider timed out", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}`))
}

// SeedDemo gives the demo service, once, checks of liveops itself and of
// the flaky demo target, 90 days of history with two incidents and a
// weekly maintenance window, and so a public status page. base is the
// address liveops listens at.
func (m *Monitor) SeedDemo(ctx context.Context, svc *catalog.Service, base string) error {
	have, err := m.Checks.List(ctx, svc.ID)
	if err != nil || len(have) > 0 {
		return err
	}
	now := time.Now().UTC()
	defer func(began time.Time) {
		slog.Info("demo: generated 90 days of monitoring", "checks", 3, "took", time.Since(began).Round(time.Millisecond))
	}(time.Now())
	start := now.Add(-90 * 24 * time.Hour).Truncate(time.Hour)
	site := &Check{ServiceID: svc.ID, Name: "Start page", Interval: time.Minute, Retries: 1, Component: "Apply online", Public: true,
		Spec: probe.Spec{Type: probe.HTTP, Target: base + "/healthz", FollowRedirects: true, MaxResponseTime: 2 * time.Second}}
	pay := &Check{ServiceID: svc.ID, Name: "Card payments", Interval: time.Minute, Retries: 1, Component: "Pay for a permit", Public: true,
		Spec: probe.Spec{Type: probe.HTTP, Target: base + demoPayments, FollowRedirects: true,
			JSON: []probe.JSONAssertion{{Path: "status", Equal: "ok"}}}}
	export := &Check{ServiceID: svc.ID, Name: "Nightly permit export", Interval: 24 * time.Hour, Grace: time.Hour,
		Component: "Permit records", Public: true, Spec: probe.Spec{Type: probe.Heartbeat}}
	for _, c := range []*Check{site, pay, export} {
		if _, err := m.Checks.Add(ctx, c); err != nil {
			return fmt.Errorf("demo check %s: %w", c.Name, err)
		}
	}
	if err := m.Checks.Beat(ctx, export.ID, now.Truncate(24*time.Hour).Add(2*time.Hour)); err != nil {
		return err
	}
	zone := svc.Location()
	sunday := time.Date(start.In(zone).Year(), start.In(zone).Month(), start.In(zone).Day(), 6, 0, 0, 0, zone)
	for sunday.Weekday() != time.Sunday {
		sunday = sunday.AddDate(0, 0, 1)
	}
	window := &Window{ServiceID: svc.ID, Title: "Weekly database maintenance", Starts: sunday, Ends: sunday.Add(30 * time.Minute), Repeat: "weekly"}
	if err := m.Maintenance.Add(ctx, window); err != nil {
		return err
	}
	window.zone = zone

	// Two incidents: card payments failing for 47 minutes 40 days ago,
	// and the whole service down for 12 minutes 12 days ago.
	outages := []struct {
		check       *Check
		at          time.Time
		length      time.Duration
		impact, why string
		updates     [][2]string // status, text
	}{
		{pay, now.Add(-40 * 24 * time.Hour).Truncate(time.Hour).Add(14*time.Hour + 5*time.Minute), 47 * time.Minute, "partial",
			"status 503, expected 2xx", [][2]string{{"identified", "The payment provider's gateway is timing out. Applications can be saved and paid for later."},
				{"monitoring", "The provider has restarted the gateway; payments are going through again."}}},
		{site, now.Add(-12 * 24 * time.Hour).Truncate(time.Hour).Add(9*time.Hour + 40*time.Minute), 12 * time.Minute, "major",
			"timeout after 10s", [][2]string{{"identified", "A release took the application servers down; it is being rolled back."}}},
	}
	down := func(c *Check, t time.Time) bool {
		for _, o := range outages {
			if o.check == c && !t.Before(o.at) && t.Before(o.at.Add(o.length)) {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(13, 13))
	duration := func(c *Check) time.Duration {
		ms := 40 + rng.ExpFloat64()*60
		if c == pay {
			ms += 180
		}
		return time.Duration(ms) * time.Millisecond
	}

	// The history before the last day is in the hour and day rollups only,
	// as if its results had gone and its minutes been pruned (a day of
	// results is kept below). Built in memory, then written in one
	// transaction.
	recent := now.Add(-24 * time.Hour).Truncate(time.Minute)
	adds := map[rollupKey]*rollupAdd{}
	for _, c := range []*Check{site, pay} {
		for t := start; t.Before(recent); t = t.Add(time.Minute) {
			r := Result{CheckID: c.ID, At: t, Status: probe.Up, Duration: duration(c), Maintenance: window.Covers(t)}
			if down(c, t) {
				r.Status, r.Duration = probe.Down, 10*time.Second
			}
			addToRollups(adds, r, "hour", "day")
		}
	}
	for d := start.Truncate(24 * time.Hour); d.Before(recent); d = d.Add(24 * time.Hour) {
		addToRollups(adds, Result{CheckID: export.ID, At: d.Add(2 * time.Hour), Status: probe.Up}, "hour", "day")
	}
	err = m.DB.Tx(ctx, func(tx store.Querier) error {
		if err := upsertRollups(ctx, tx, adds); err != nil {
			return err
		}
		for _, o := range outages {
			id, err := openIncident(ctx, tx, svc.ID, o.check.ID, o.check.Name+" is down", "investigating", o.impact,
				"The check "+o.check.Name+" failed: "+o.why+".", o.at.Add(time.Minute))
			if err != nil {
				return err
			}
			for i, u := range o.updates {
				if err := postUpdate(ctx, tx, id, u[0], o.impact, u[1], o.at.Add(time.Duration(i+1)*o.length/3)); err != nil {
					return err
				}
			}
			if err := postUpdate(ctx, tx, id, "resolved", o.impact, fmt.Sprintf("The check %s is up again, after %s.", o.check.Name, spanText(o.length)),
				o.at.Add(o.length+time.Minute)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo monitor history: %w", err)
	}
	// The last day as results, through the same path as the scheduler's.
	var batch []Result
	for t := recent; t.Before(now); t = t.Add(time.Minute) {
		for _, c := range []*Check{site, pay} {
			r := Result{CheckID: c.ID, At: t, Status: probe.Up, Duration: duration(c), StatusCode: 200, Maintenance: window.Covers(t)}
			if c == pay && demoPaymentsDown(t) {
				r.Status, r.StatusCode, r.Reason = probe.Down, 503, "status 503, expected 2xx"
			}
			batch = append(batch, r)
		}
		if len(batch) >= 500 {
			changes, err := writeResults(ctx, m.DB, batch)
			if err != nil {
				return err
			}
			m.Incidents.Apply(ctx, changes)
			batch = batch[:0]
		}
	}
	changes, err := writeResults(ctx, m.DB, batch)
	if err != nil {
		return err
	}
	m.Incidents.Apply(ctx, changes)
	_, err = writeResults(ctx, m.DB, []Result{{CheckID: export.ID, At: now.Truncate(24 * time.Hour).Add(2 * time.Hour), Status: probe.Up}})
	return err
}
