package monitor

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowser opens the monitoring overview, a check's page and the add
// form in Chromium at 320 and 1,280 px: no axe-core violation, nothing
// wider than the screen. Screenshots go to LIVEOPS_SCREENSHOTS.
func TestBrowser(t *testing.T) {
	ctx := webtest.Chromium(t)
	db := storetest.SQLite(t)
	asEditor := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set("X-Test-As", "editor")
			next.ServeHTTP(w, r)
		})
	}
	s := newSite(t, db, asEditor)
	bg := context.Background()
	var first int64
	for i, name := range []string{"Start page", "Payments API with a long name that wraps", "Nightly export"} {
		c := &Check{ServiceID: s.svc.ID, Name: name, Spec: probe.Spec{Type: probe.HTTP, Target: "https://apply.example.gov/start/with/a/long/path?and=query"},
			Interval: time.Minute, Public: true, Labels: []string{"production"}}
		if i == 2 {
			c.Spec = probe.Spec{Type: probe.Heartbeat}
			c.Interval = 24 * time.Hour
		}
		if _, err := s.m.Checks.Add(bg, c); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = c.ID
		}
		if i < 2 {
			s.seed(c.ID, 24*time.Hour, time.Minute, func(n int) int { return 100 + n%7*30 + i*200 }, func(n int) bool { return i == 1 && n > 1430 })
		}
	}
	if _, err := s.m.Incidents.Open(bg, s.svc.ID, NewIncident{Title: "Payments are slow", Impact: "degraded", Body: "Looking into it."}); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	if err := s.m.Maintenance.Add(bg, &Window{ServiceID: s.svc.ID, Title: "Database upgrade", Starts: start, Ends: start.Add(time.Hour), Repeat: "weekly"}); err != nil {
		t.Fatal(err)
	}

	axe := webtest.AxeScript(t)
	for _, p := range []struct{ name, path string }{
		{"overview", s.base},
		{"check", fmt.Sprintf("%s/checks/%d", s.base, first)},
		{"add", s.base + "/checks/new?type=http"},
		{"maintenance", s.base + "/maintenance"},
	} {
		for _, width := range []int64{1280, 320} {
			webtest.Step(t, ctx, "open "+p.path, chromedp.EmulateViewport(width, 900), chromedp.Navigate(s.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if o := webtest.Overflow(t, ctx); o != "" {
				t.Errorf("%s at %d px: wider than the screen: %s", p.path, width, o)
			}
			for _, v := range webtest.Axe(t, ctx, axe) {
				t.Errorf("%s at %d px: %s", p.path, width, v)
			}
			webtest.Screenshot(t, ctx, fmt.Sprintf("monitor-%s-%d", p.name, width))
		}
	}
}
