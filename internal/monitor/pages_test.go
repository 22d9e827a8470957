package monitor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestCheckForms adds a check of every type through the form, with the
// form's errors on the way, edits one, tests it now, pauses and resumes
// it, and deletes it.
func TestCheckForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status": "ok"}`)
		}))
		defer target.Close()
		host := strings.TrimPrefix(target.URL, "http://")
		ed := s.Browser("editor")

		empty := ed.Get(s.base, http.StatusOK)
		webtest.Contains(t, "the empty overview", empty, "has no checks yet", `href="`+s.base+`/checks/new"`, "liveops checks apply -f checks.yaml",
			`"type": "http"`, `href="/status/apply"`, "Report an incident", "Plan maintenance")

		// The form shows the fields of the type chosen only.
		httpForm := ed.Get(s.base+"/checks/new?type=http", http.StatusOK)
		webtest.Contains(t, "the HTTP form", httpForm, `id="url"`, `id="expect_status"`, `id="json-path-0"`, `id="headers"`, `aria-current="page">Web page`)
		webtest.Lacks(t, "the HTTP form", httpForm, `id="record_type"`, `id="grace"`, `id="target"`)
		dnsForm := ed.Get(s.base+"/checks/new?type=dns", http.StatusOK)
		webtest.Contains(t, "the DNS form", dnsForm, `id="record_type"`, `id="expect"`, `id="resolver"`, `id="target"`)
		webtest.Lacks(t, "the DNS form", dnsForm, `id="url"`, `id="headers"`)

		// Errors: at the top and at the field, the values kept, 400.
		bad := []struct {
			name, field string
			form        url.Values
		}{
			{"empty name", "name", url.Values{"name": {""}, "url": {target.URL}, "interval": {"1m"}, "retries": {"1"}}},
			{"interval too short", "interval", url.Values{"name": {"Start"}, "url": {target.URL}, "interval": {"5s"}, "retries": {"1"}}},
			{"no URL", "url", url.Values{"name": {"Start"}, "url": {""}, "interval": {"1m"}, "retries": {"1"}}},
			{"retries not a number", "retries", url.Values{"name": {"Start"}, "url": {target.URL}, "interval": {"1m"}, "retries": {"two"}}},
			{"header without a colon", "headers", url.Values{"name": {"Start"}, "url": {target.URL}, "interval": {"1m"}, "headers": {"Accept text/html"}}},
		}
		if probe.Validate(probe.Spec{Type: probe.HTTP, Target: "not a url"}) != nil {
			bad = append(bad, struct {
				name, field string
				form        url.Values
			}{"not a URL", "url", url.Values{"name": {"Start"}, "url": {"not a url"}, "interval": {"1m"}}})
		}
		if probe.CheckAddress(netip.MustParseAddr("169.254.169.254"), probe.Options{AllowPrivate: true}) != nil {
			bad = append(bad, struct {
				name, field string
				form        url.Values
			}{"metadata address", "url", url.Values{"name": {"Start"}, "url": {"http://169.254.169.254/latest/meta-data"}, "interval": {"1m"}}})
		} else {
			t.Log("probe.CheckAddress allows 169.254.169.254: the probe package is still the scaffold, so the refusal is not tested here")
		}
		for _, c := range bad {
			ed.Get(s.base+"/checks/new?type=http", http.StatusOK)
			c.form.Set("type", "http")
			_, page := ed.Post(s.base+"/checks/new", c.form, http.StatusBadRequest)
			webtest.Contains(t, c.name, page, "There is a problem", `href="#`+c.field+`"`, `id="`+c.field+`-error"`)
			for _, v := range []string{c.form.Get("url"), c.form.Get("interval")} {
				webtest.Contains(t, c.name+" keeps the values", page, `value="`+v+`"`)
			}
		}
		if n := len(mustList(t, s)); n != 0 {
			t.Fatalf("%d checks after refused forms", n)
		}

		// One of each type.
		web := s.add(ed, "http", url.Values{"name": {"Start page"}, "url": {target.URL + "/health"}, "interval": {"30s"}, "timeout": {"5s"},
			"retries": {"2"}, "labels": {"production, eu-west"}, "component": {"Website"}, "public": {"yes"}, "method": {"POST"},
			"expect_status": {"200, 204"}, "body_contains": {"ok"}, "json-path-0": {"status"}, "json-equals-0": {"ok"}, "max_response_time": {"2s"},
			"verify_tls": {"yes"}, "headers": {"Accept: application/json\nX-Probe: liveops"}, "body": {"{}"}})
		c := s.check(web)
		sp := c.Spec
		if c.Name != "Start page" || sp.Type != probe.HTTP || sp.Target != target.URL+"/health" || c.Interval != 30*time.Second || sp.Timeout != 5*time.Second ||
			c.Retries != 2 || strings.Join(c.Labels, "|") != "production|eu-west" || c.Component != "Website" || !c.Public || sp.Method != "POST" ||
			fmt.Sprint(sp.ExpectStatus) != "[200 204]" || sp.BodyContains != "ok" || len(sp.JSON) != 1 || sp.JSON[0].Path != "status" ||
			sp.MaxResponseTime != 2*time.Second || sp.FollowRedirects || sp.SkipTLSVerify || sp.Headers["X-Probe"] != "liveops" || sp.Body != "{}" {
			t.Fatalf("the HTTP check saved as %+v", c)
		}
		tcp := s.add(ed, "tcp", url.Values{"name": {"Port"}, "target": {host}, "interval": {"1m"}, "retries": {"0"}})
		dns := s.add(ed, "dns", url.Values{"name": {"Name"}, "target": {"apply.example.gov"}, "interval": {"5m"}, "retries": {"1"},
			"record_type": {"AAAA"}, "expect": {"2001:db8::1\n2001:db8::2"}, "resolver": {"127.0.0.1:53"}})
		tlsID := s.add(ed, "tls", url.Values{"name": {"Certificate"}, "target": {host}, "interval": {"1h"}, "min_days_valid": {"21"}})
		if c := s.check(tcp); c.Spec.Type != probe.TCP || c.Spec.Target != host || c.Public {
			t.Errorf("tcp check %+v", c)
		}
		if c := s.check(dns); c.Spec.RecordType != "AAAA" || strings.Join(c.Spec.Expect, ",") != "2001:db8::1,2001:db8::2" || c.Spec.Resolver != "127.0.0.1:53" {
			t.Errorf("dns check %+v", c.Spec)
		}
		if c := s.check(tlsID); c.Spec.Type != probe.TLS || c.Spec.MinDaysValid != 21 || c.Interval != time.Hour {
			t.Errorf("tls check %+v", c)
		}
		ed.Get(s.base+"/checks/new?type=heartbeat", http.StatusOK)
		_, hb := ed.Post(s.base+"/checks/new", url.Values{"type": {"heartbeat"}, "name": {"Nightly export"}, "interval": {"24h"}, "grace": {"30m"}, "retries": {"0"}}, http.StatusCreated)
		webtest.Contains(t, "the heartbeat's page", hb, "shown only this once", "curl -fsS -X POST "+s.URL+"/api/v1/heartbeat/")
		token := hb[strings.Index(hb, "/api/v1/heartbeat/")+len("/api/v1/heartbeat/"):]
		token = token[:strings.IndexAny(token, `"<`)]
		if beat, err := http.Post(s.URL+"/api/v1/heartbeat/"+token, "", nil); err != nil || beat.StatusCode != 200 {
			t.Fatalf("the heartbeat's address: %v %v", beat, err)
		}

		over := ed.Get(s.base, http.StatusOK)
		webtest.Contains(t, "the overview", over, ">Start page</a>", ">Port</a>", ">Name</a>", ">Certificate</a>", ">Nightly export</a>",
			"Web page or API (HTTP)", "Called by a job every 24h", "Pending", "No runs", "Times are in Europe/London time.")
		webtest.Lacks(t, "the overview", over, "has no checks yet")

		// Edit: the form has the check's values; saving goes through the API's update.
		edit := ed.Get(fmt.Sprintf("%s/checks/%d/edit", s.base, web), http.StatusOK)
		webtest.Contains(t, "the edit form", edit, `value="Start page"`, `value="30s"`, "Accept: application/json\nX-Probe: liveops", `value="status"`,
			`<option selected>POST</option>`, `value="production, eu-west"`)
		ed.Post(fmt.Sprintf("%s/checks/%d/edit", s.base, web), url.Values{"name": {"Start page"}, "interval": {"3s"}, "url": {target.URL}}, http.StatusBadRequest)
		ed.Post(fmt.Sprintf("%s/checks/%d/edit", s.base, web), url.Values{"name": {"Home"}, "interval": {"2m"}, "url": {target.URL}, "retries": {"1"},
			"verify_tls": {"yes"}, "follow_redirects": {"yes"}}, http.StatusSeeOther)
		if c := s.check(web); c.Name != "Home" || c.Interval != 2*time.Minute || c.Spec.Method != "" && c.Spec.Method != "GET" || !c.Spec.FollowRedirects || c.Public {
			t.Errorf("after editing: %+v", c)
		}
		// A name already taken is a conflict, shown at the field.
		_, taken := ed.Post(fmt.Sprintf("%s/checks/%d/edit", s.base, web), url.Values{"name": {"Port"}, "interval": {"2m"}, "url": {target.URL}}, http.StatusConflict)
		webtest.Contains(t, "a taken name", taken, `href="#name"`, "already has a check named Port")

		// Test now: the result on the page, not saved.
		page := s.checkPage(ed, web)
		webtest.Contains(t, "the check's page", page, ">Test now</button>", ">Pause</button>", "/delete", "No results yet")
		_, tested := ed.Post(fmt.Sprintf("%s/checks/%d/test", s.base, web), nil, http.StatusOK)
		webtest.Contains(t, "the test run", tested, "Test run:", "state-up", "This run is not saved")
		if n := count(t, db, `SELECT COUNT(*) FROM monitor_results`); n != 0 {
			t.Errorf("test now saved %d results", n)
		}

		// Pause and resume.
		ed.Post(fmt.Sprintf("%s/checks/%d/pause", s.base, web), url.Values{"paused": {"yes"}}, http.StatusSeeOther)
		if !s.check(web).Paused {
			t.Fatal("not paused")
		}
		webtest.Contains(t, "a paused check", s.checkPage(ed, web), "is paused", ">Resume</button>", "state-paused")
		ed.Post(fmt.Sprintf("%s/checks/%d/pause", s.base, web), url.Values{"paused": {"no"}}, http.StatusSeeOther)
		if c := s.check(web); c.Paused || c.Name != "Home" {
			t.Fatalf("after resuming: %+v", c)
		}

		// Delete, after a page that asks.
		confirm := ed.Get(fmt.Sprintf("%s/checks/%d/delete", s.base, tcp), http.StatusOK)
		webtest.Contains(t, "the delete page", confirm, "Delete the check Port?", "cannot be undone")
		resp, _ := ed.Post(fmt.Sprintf("%s/checks/%d/delete", s.base, tcp), nil, http.StatusSeeOther)
		if resp.Header.Get("Location") != s.base {
			t.Errorf("after deleting: to %q", resp.Header.Get("Location"))
		}
		if _, err := s.m.Checks.Get(context.Background(), s.svc.ID, tcp); err == nil {
			t.Fatal("the check is still there")
		}
		webtest.Contains(t, "the overview after deleting", ed.Get(s.base, http.StatusOK), "The check Port is deleted")
		ed.Get(fmt.Sprintf("%s/checks/%d", s.base, tcp), http.StatusNotFound)
	})
}

func mustList(t *testing.T, s *site) []*Check {
	t.Helper()
	list, err := s.m.Checks.List(context.Background(), s.svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (s *site) checkPage(b *webtest.Browser, id int64) string {
	s.t.Helper()
	return b.Get(fmt.Sprintf("%s/checks/%d", s.base, id), http.StatusOK)
}

// TestIncidentAndMaintenancePages opens an incident by hand, posts
// updates until it is resolved, and plans and deletes a maintenance
// window.
func TestIncidentAndMaintenancePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		ed := s.Browser("editor")
		form := ed.Get(s.base+"/incidents/new", http.StatusOK)
		webtest.Contains(t, "the incident form", form, `id="title"`, `id="status"`, `id="impact"`, "Partial outage")
		_, page := ed.Post(s.base+"/incidents/new", url.Values{"title": {""}, "status": {"investigating"}, "impact": {"major"}, "body": {"Kept"}}, http.StatusBadRequest)
		webtest.Contains(t, "an incident without a title", page, `href="#title"`, ">Kept</textarea>")
		resp, _ := ed.Post(s.base+"/incidents/new", url.Values{"title": {"Payments are failing"}, "status": {"investigating"}, "impact": {"major"},
			"body": {"Card payments fail for some users."}}, http.StatusSeeOther)
		link := resp.Header.Get("Location")
		if !strings.HasPrefix(link, s.base+"/incidents/") {
			t.Fatalf("opened: to %q", link)
		}
		webtest.Contains(t, "the incident", ed.Get(link, http.StatusOK), "<h1>Payments are failing</h1>", "Major outage", "Investigating",
			"Card payments fail for some users.", "the team", "Post an update")
		webtest.Contains(t, "the overview with an open incident", ed.Get(s.base, http.StatusOK), "Open incident", "Payments are failing")

		_, page = ed.Post(link, url.Values{"status": {"identified"}, "impact": {"partial"}, "body": {""}}, http.StatusBadRequest)
		webtest.Contains(t, "an empty update", page, `href="#body"`)
		ed.Post(link, url.Values{"status": {"identified"}, "impact": {"partial"}, "body": {"The card processor is down."}}, http.StatusSeeOther)
		got := ed.Get(link, http.StatusOK)
		webtest.Contains(t, "the incident after an update", got, "Identified", "Partial outage", "The card processor is down.", "Card payments fail")
		if strings.Index(got, "The card processor is down.") > strings.Index(got, "Card payments fail") {
			t.Error("the timeline is not newest first")
		}
		ed.Post(link, url.Values{"status": {"resolved"}, "impact": {"partial"}, "body": {"Payments work again."}}, http.StatusSeeOther)
		webtest.Contains(t, "the resolved incident", ed.Get(link, http.StatusOK), "Resolved", "after ")
		webtest.Lacks(t, "the overview after resolving", ed.Get(s.base, http.StatusOK), "Open incident")
		webtest.Contains(t, "the incidents", ed.Get(s.base+"/incidents", http.StatusOK), "Payments are failing", "Resolved")

		// Maintenance in the service's zone.
		mp := ed.Get(s.base+"/maintenance", http.StatusOK)
		webtest.Contains(t, "the maintenance page", mp, "No maintenance is planned.", `type="datetime-local"`, "In Europe/London time.")
		london, _ := time.LoadLocation("Europe/London")
		start := time.Now().In(london).Add(48 * time.Hour).Truncate(time.Hour)
		f := url.Values{"title": {"Database upgrade"}, "starts": {start.Format("2006-01-02T15:04")}, "ends": {start.Add(-time.Hour).Format("2006-01-02T15:04")}, "repeat": {""}}
		_, page = ed.Post(s.base+"/maintenance", f, http.StatusBadRequest)
		webtest.Contains(t, "a window that ends before it starts", page, `href="#ends"`, `value="Database upgrade"`)
		f.Set("ends", start.Add(2*time.Hour).Format("2006-01-02T15:04"))
		f.Set("repeat", "weekly")
		ed.Post(s.base+"/maintenance", f, http.StatusSeeOther)
		list, err := s.m.Maintenance.List(context.Background(), s.svc.ID)
		if err != nil || len(list) != 1 || !list[0].Starts.Equal(start) || list[0].Repeat != "weekly" {
			t.Fatalf("windows: %+v %v; want one starting %s", list, err, start)
		}
		mp = ed.Get(s.base+"/maintenance", http.StatusOK)
		webtest.Contains(t, "the planned window", mp, "Database upgrade", start.Format("2 Jan 2006 15:04"), "Every week")
		webtest.Lacks(t, "the planned window", mp, "No maintenance is planned.")
		webtest.Contains(t, "the overview with maintenance", ed.Get(s.base, http.StatusOK), "Maintenance under way and planned", "Database upgrade")
		ed.Post(fmt.Sprintf("%s/maintenance/%d/delete", s.base, list[0].ID), nil, http.StatusSeeOther)
		webtest.Contains(t, "the page after deleting", ed.Get(s.base+"/maintenance", http.StatusOK), "No maintenance is planned.")
	})
}

// TestReadOnlyViewer: a viewer sees every page but no form or button,
// and a change sent anyway is refused.
func TestReadOnlyViewer(t *testing.T) {
	db := storetest.SQLite(t)
	s := newSite(t, db)
	c := &Check{ServiceID: s.svc.ID, Name: "Start page", Spec: probe.Spec{Type: probe.HTTP, Target: "http://127.0.0.1:9/"}, Interval: time.Minute, Public: true}
	if _, err := s.m.Checks.Add(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	in, err := s.m.Incidents.Open(context.Background(), s.svc.ID, NewIncident{Title: "Slow pages", Impact: "degraded", Body: "Looking"})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Browser("viewer")
	for path, want := range map[string]string{
		s.base: "Start page",
		fmt.Sprintf("%s/checks/%d", s.base, c.ID):     "Response time",
		s.base + "/incidents":                         "Slow pages",
		fmt.Sprintf("%s/incidents/%d", s.base, in.ID): "Looking",
		s.base + "/maintenance":                       "No maintenance is planned.",
	} {
		page := v.Get(path, http.StatusOK)
		webtest.Contains(t, path, page, want)
		webtest.Lacks(t, path, page, `action="/services/apply`, "Add a check", "Report an incident", "/edit", ">Test now<", "Plan maintenance")
	}
	for _, path := range []string{s.base + "/checks/new", fmt.Sprintf("%s/checks/%d/edit", s.base, c.ID), fmt.Sprintf("%s/checks/%d/delete", s.base, c.ID),
		s.base + "/incidents/new"} {
		v.Get(path, http.StatusForbidden)
	}
	// A POST with a valid CSRF token is still refused.
	ed := s.Browser("editor")
	ed.Get(s.base+"/checks/new", http.StatusOK)
	token := ed.CSRF()
	for _, path := range []string{s.base + "/checks/new", fmt.Sprintf("%s/checks/%d/edit", s.base, c.ID), fmt.Sprintf("%s/checks/%d/test", s.base, c.ID),
		fmt.Sprintf("%s/checks/%d/pause", s.base, c.ID), fmt.Sprintf("%s/checks/%d/delete", s.base, c.ID), s.base + "/incidents/new",
		fmt.Sprintf("%s/incidents/%d", s.base, in.ID), s.base + "/maintenance"} {
		v.Get(s.base, http.StatusOK)
		f := url.Values{"type": {"http"}, "name": {"X"}, "url": {"http://127.0.0.1/"}, "interval": {"1m"}, "paused": {"yes"}, "title": {"X"},
			"status": {"identified"}, "impact": {"major"}, "body": {"X"}, "csrf_token": {token}}
		if v.CSRF() != "" {
			f.Set("csrf_token", v.CSRF())
		}
		resp, _ := v.Do(http.MethodPost, path, f)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as a viewer = %d, want 403", path, resp.StatusCode)
		}
	}
	if got := s.check(c.ID); got.Name != "Start page" || got.Paused {
		t.Errorf("a viewer changed the check: %+v", got)
	}
	if n := len(mustList(t, s)); n != 1 {
		t.Errorf("%d checks after a viewer's POSTs", n)
	}
}

// TestCheckPageChart: the chart, its table, the figures and the result
// log show seeded results from the real rollups, with the release note.
func TestCheckPageChart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		c := &Check{ServiceID: s.svc.ID, Name: "Start page", Spec: probe.Spec{Type: probe.HTTP, Target: "http://127.0.0.1:9/"}, Interval: time.Minute, Public: true}
		if _, err := s.m.Checks.Add(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		// A day of runs a minute: 120 ms, 900 ms every tenth; down for
		// five minutes two hours ago.
		n := s.seed(c.ID, 24*time.Hour, time.Minute, func(i int) int {
			if i%10 == 0 {
				return 900
			}
			return 120
		}, func(i int) bool { return i >= 1315 && i < 1320 })
		ed := s.Browser("editor")
		page := s.checkPage(ed, c.ID)
		webtest.Contains(t, "the check's page", page, `<svg class="chart"`, `role="region" aria-label="Chart: response time of Start page`,
			"Show the chart as a table", releaseNote, "Notes in this period", "Older results", "Response time, last 24 hours",
			`aria-current="page">24 hours</a>`, "Median (p50)", "99th percentile (p99)")
		// The first run may fall just before the day's first minute.
		var wantUptime string
		for _, runs := range []int{n, n - 1} {
			if u := fmt.Sprintf("%.2f%%", float64(runs-5)/float64(runs)*100); strings.Contains(page, u) && strings.Contains(page, thousands(int64(runs))) {
				wantUptime = u
			}
		}
		if wantUptime == "" {
			t.Errorf("the page does not have the uptime of %d runs with 5 down", n)
		}
		// 144 rows of ten minutes in the table, with the down bucket in words.
		if rows := strings.Count(page[strings.Index(page, "Show the chart as a table"):], `<tr><th scope="row">`); rows < 144 {
			t.Errorf("%d rows in the chart's table, want at least 144", rows)
		}
		webtest.Contains(t, "the chart's table", page, " runs down</td>", ">10</td><td>all up</td>", "<td>"+releaseNote+"</td>")
		if strings.Count(page, "<polyline") < 2 {
			t.Error("the chart has no lines")
		}
		// The log pages with before=, newest first.
		older := page[strings.Index(page, `href="`+fmt.Sprintf("%s/checks/%d", s.base, c.ID)+`?period=24h&amp;before=`)+6:]
		older = strings.ReplaceAll(older[:strings.Index(older, `"`)], "&amp;", "&")
		next := ed.Get(older, http.StatusOK)
		webtest.Contains(t, "the older results", next, "Newest results", "state-up")
		ed.Get(fmt.Sprintf("%s/checks/%d?period=7d", s.base, c.ID), http.StatusOK)
		week := ed.Get(fmt.Sprintf("%s/checks/%d?period=7d", s.base, c.ID), http.StatusOK)
		webtest.Contains(t, "the week", week, "Response time, last 7 days", "by hour", ">60</td>")
		webtest.Contains(t, "90 days", ed.Get(fmt.Sprintf("%s/checks/%d?period=90d", s.base, c.ID), http.StatusOK), "by day")
		ed.Get(fmt.Sprintf("%s/checks/%d?period=1y", s.base, c.ID), http.StatusBadRequest)
		ed.Get(fmt.Sprintf("%s/checks/%d?before=yesterday", s.base, c.ID), http.StatusBadRequest)

		over := ed.Get(s.base, http.StatusOK)
		webtest.Contains(t, "the overview", over, wantUptime, "Recent failures", "status 503, expected 200", "minute")
	})
}
