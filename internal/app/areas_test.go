package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/jobs"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestAreasDeclared: what the areas declare reaches the server — their
// jobs on the runner with their roles, their metrics in the registry,
// their links on a service's page and their entries in the navigation.
func TestAreasDeclared(t *testing.T) {
	a, err := New(context.Background(), Config{DB: storetest.DSNs(t)["sqlite"], Roles: []jobs.Role{jobs.RoleWeb, jobs.RoleIngest, jobs.RoleWorker}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	var names []string
	for _, ar := range a.areas {
		names = append(names, ar.Name)
	}
	if fmt.Sprint(names) != "[analytics goals feedback kpi monitor brand audit]" {
		t.Fatalf("areas %v", names)
	}
	st, err := a.Jobs.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var jobNames []string
	for _, s := range st {
		jobNames = append(jobNames, fmt.Sprintf("%s/%s/%v", s.Name, s.Role, s.PerNode))
	}
	slices.Sort(jobNames)
	want := "[analytics.checkpoint/ingest/true analytics.drops/ingest/true analytics.retention/worker/false analytics.salts/worker/false analytics.segments/worker/false " +
		"audit.addresses/worker/false feedback.retention/worker/false goals.funnel_days/worker/false monitor.retention/worker/false monitor.scheduler/worker/true]"
	if fmt.Sprint(jobNames) != want {
		t.Fatalf("jobs %v\nwant %s", jobNames, want)
	}
	var metricNames []string
	for _, d := range a.Metrics.Definitions() {
		metricNames = append(metricNames, d.Name)
	}
	for _, m := range []string{"visitors", "transactions_started", "problem_reports", "completion_rate"} {
		if !slices.Contains(metricNames, m) {
			t.Errorf("metric %s not registered: %v", m, metricNames)
		}
	}

	creds, err := a.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	c := newClient(t, srv.URL)
	c.page("/login", 200)
	if code, _, _ := c.do("POST", "/login", url.Values{"email": {creds.Email}, "password": {creds.Password}}); code != 303 {
		t.Fatalf("sign in = %d", code)
	}
	c.page("/services/parking-permits", 200,
		`href="/feedback/inbox"`, // the feedback area's navigation entry
		`href="/audit"`,          // the audit area's, for administrators
		`href="/services/parking-permits/analytics">View analytics<span class="visually-hidden"> for Apply for a parking permit`,
		`href="/services/parking-permits/goals"`, `href="/services/parking-permits/feedback"`, `href="/services/parking-permits/kpis"`)
}

// TestWebNodeRefusesEvents: a node without the ingest role keeps no
// journal and answers /api/event 503, so that a misrouted client sends the
// event again to a node that takes it, rather than losing it.
func TestWebNodeRefusesEvents(t *testing.T) {
	dir := t.TempDir()
	a, err := New(context.Background(), Config{DB: storetest.DSNs(t)["sqlite"], Roles: []jobs.Role{jobs.RoleWeb}, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/api/event", "application/json", strings.NewReader(`{"n":"pageview","u":"https://a.example.gov/","d":"a.example.gov"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "does not take events") {
		t.Fatalf("POST /api/event on a web node = %d %q", resp.StatusCode, body)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, journalDirName)); len(entries) != 0 {
		t.Fatalf("a web node made a journal: %v", entries)
	}
}
