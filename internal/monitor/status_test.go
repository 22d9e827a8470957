package monitor

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/area"
	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/monitor/probe"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// statusRig is a public service with checks, results, incidents and a
// maintenance window, and the monitor's routes over real HTTP.
type statusRig struct {
	*harness
	m       *Monitor
	srv     *webtest.Server
	public  *catalog.Service
	now     time.Time
	payment *Check
}

func newStatusServer(t testing.TB, db *store.DB) (*Monitor, *webtest.Server, *catalog.Catalog) {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	m, err := New(area.Env{DB: db, Site: site, Catalog: cat}, Options{AllowPrivate: true, Public: brand.New(db).Public})
	if err != nil {
		t.Fatal(err)
	}
	srv := webtest.NewServer(t, site, m.statusRoutes, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", site.ServeStatic)
		return web.Chain(site.Mux(mux), web.SecurityHeaders())
	})
	return m, srv, cat
}

func newStatusRig(t *testing.T, db *store.DB) *statusRig {
	t.Helper()
	ctx := context.Background()
	r := &statusRig{harness: newHarness(t, db)} // its service, "apply", is not public
	r.m, r.srv, _ = newStatusServer(t, db)
	var err error
	r.public, err = r.cat.Create(ctx, catalog.Input{Name: "Renew a permit", Slug: "renew", Domains: []string{"renew.example.gov"},
		Timezone: "Europe/London", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	r.now = time.Now().UTC()
	add := func(name, component string, public bool) *Check {
		c := &Check{ServiceID: r.public.ID, Name: name, Component: component, Public: public, Interval: time.Minute,
			Spec: probe.Spec{Type: probe.HTTP, Target: "https://renew.example.gov/" + strings.ToLower(strings.ReplaceAll(name, " ", "-"))}}
		if _, err := r.m.Checks.Add(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	start := add("Start page", "Website", true)
	r.payment = add("Payments API", "Payments", true)
	admin := add("Admin", "Back office", false)
	var batch []Result
	result := func(c *Check, at time.Time, st probe.Status) {
		res := Result{CheckID: c.ID, At: at, Status: st, Duration: 120 * time.Millisecond}
		if st == probe.Down {
			res.Reason = "status 503, expected 200"
		}
		batch = append(batch, res)
	}
	for k := 9; k >= 0; k-- {
		day := r.now.Truncate(24*time.Hour).AddDate(0, 0, -k)
		for i := range 10 {
			at := day.Add(time.Duration(i) * time.Minute)
			if at.After(r.now) {
				at = r.now.Add(-time.Duration(10-i) * time.Second)
			}
			result(start, at, probe.Up)
			switch {
			case k == 3 && i < 5: // an outage: half the day's runs
				result(r.payment, at, probe.Down)
			default:
				result(r.payment, at, probe.Up)
			}
		}
	}
	// Payments goes down now, and so does the check the public does not see.
	result(r.payment, r.now.Add(-time.Second), probe.Down)
	result(admin, r.now.Add(-time.Second), probe.Down)
	changes, err := writeResults(ctx, db, batch)
	if err != nil {
		t.Fatal(err)
	}
	r.m.Incidents.Apply(ctx, changes)
	// A slow sign-in, opened by hand and resolved an hour later.
	r.m.Incidents.now = func() time.Time { return r.now.Add(-50 * time.Hour) }
	in, err := r.m.Incidents.Open(ctx, r.public.ID, NewIncident{Title: "Slow sign-in", Impact: "degraded", Body: "Signing in takes a minute."})
	if err != nil {
		t.Fatal(err)
	}
	r.m.Incidents.now = func() time.Time { return r.now.Add(-49 * time.Hour) }
	if _, err := r.m.Incidents.Post(ctx, r.public.ID, in.ID, "resolved", "", "Sign-in is fast again."); err != nil {
		t.Fatal(err)
	}
	if err := r.m.Maintenance.Add(ctx, &Window{ServiceID: r.public.ID, Title: "Database upgrade",
		Starts: r.now.Add(48 * time.Hour).Truncate(time.Hour), Ends: r.now.Add(50 * time.Hour).Truncate(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return r
}

func get(t testing.TB, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestStatusPage: the public page shows the overall state in words, the
// components with 90 bars and their words, the current incident with its
// update, the resolved one in the history, the maintenance to come, and
// nothing of the check the team keeps to itself; it is cacheable and
// answers 304 to a revalidation; in Welsh its headings are Welsh.
func TestStatusPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newStatusRig(t, db)
		code, h, page := get(t, r.srv.URL+"/status/renew")
		if code != 200 {
			t.Fatalf("status page: %d\n%s", code, page)
		}
		webtest.CheckPage(t, "/status/renew", page)
		outage := i18n.Date("en", r.now.Truncate(24*time.Hour).AddDate(0, 0, -3), "2 Jan 2006") + ": 50% up, an outage"
		webtest.Contains(t, "status page", page, "<h1>Renew a permit: service status</h1>", "Partial outage",
			"Website", "Payments", "Operational", "Major outage", outage, "Payments API is down", "The check Payments API failed",
			"Current incidents", "Slow sign-in", "Sign-in is fast again.", "Degraded performance · ", ", for 1 hour",
			"Database upgrade", "Scheduled maintenance", "100% uptime over 90 days", `href="/status/renew/history.atom"`)
		webtest.Lacks(t, "status page", page, "Admin", "Back office", "<script")
		if n := strings.Count(page, `<rect x="`); n != 2*statusDays {
			t.Errorf("%d bars, want %d", n, 2*statusDays)
		}
		// Payments' outage three days ago, and today's failure.
		if n := strings.Count(page, `fill="url(#hatch-`); n != 2 {
			t.Errorf("%d striped outage bars, want 2", n)
		}
		if n := len(regexp.MustCompile(`<li class="[a-z]+">\d+ [A-Z][a-z]{2} \d{4}: `).FindAllString(page, -1)); n != 2*statusDays {
			t.Errorf("%d days in words, want %d", n, 2*statusDays)
		}
		if h.Get("Cache-Control") != "public, max-age=30" || h.Get("ETag") == "" || h.Get("Set-Cookie") != "" {
			t.Fatalf("headers: %v", h)
		}
		if code, _, body := get(t, r.srv.URL+"/status/renew", "If-None-Match", h.Get("ETag")); code != http.StatusNotModified || body != "" {
			t.Fatalf("revalidation: %d %q", code, body)
		}
		// In Welsh.
		code, _, cy := get(t, r.srv.URL+"/status/renew?lang=cy")
		if code != 200 {
			t.Fatalf("Welsh: %d", code)
		}
		webtest.CheckPage(t, "/status/renew?lang=cy", cy)
		webtest.Contains(t, "Welsh page", cy, `<html lang="cy">`, "statws y gwasanaeth", "Digwyddiadau cyfredol", "Cydrannau", "Digwyddiadau blaenorol")
		if missing := i18n.Missing(); len(missing) > 0 {
			t.Errorf("not in the Welsh catalogue:\n%s", strings.Join(missing, "\n"))
		}
		// A service that is not public, or none, has no page nor feed.
		for _, path := range []string{"", "/history.atom", "/badge.svg", "/uptime.svg", "/api/v2/summary.json", "/api/v2/status.json",
			"/api/v2/components.json", "/api/v2/incidents.json", "/api/v2/scheduled-maintenances.json"} {
			for _, slug := range []string{"apply", "no-such-service"} {
				if code, _, _ := get(t, r.srv.URL+"/status/"+slug+path); code != 404 {
					t.Errorf("/status/%s%s = %d, want 404", slug, path, code)
				}
			}
		}
		if code, _, _ := get(t, r.srv.URL+"/status/renew/api/v2/nothing.json"); code != 404 {
			t.Errorf("an unknown document = %d", code)
		}
	})
}

// TestStatusFeeds: the Atom feed parses, with an entry per update newest
// first; the badges are SVG images that say the state and the uptime.
func TestStatusFeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newStatusRig(t, db)
		code, h, body := get(t, r.srv.URL+"/status/renew/history.atom")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("atom: %d %s", code, h.Get("Content-Type"))
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Author  struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil {
			t.Fatalf("atom does not parse: %v\n%s", err, body)
		}
		if feed.ID == "" || feed.Title == "" || feed.Author.Name == "" || len(feed.Links) == 0 {
			t.Fatalf("feed lacks id, title, author or link: %+v", feed)
		}
		if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
			t.Fatalf("feed updated %q: %v", feed.Updated, err)
		}
		// Five updates: the open automatic incident's, the hand one's two,
		// and the two of the outage three days ago.
		if len(feed.Entries) != 5 {
			t.Fatalf("%d entries, want 5:\n%s", len(feed.Entries), body)
		}
		ids := map[string]bool{}
		var last time.Time
		for i, e := range feed.Entries {
			at, err := time.Parse(time.RFC3339, e.Updated)
			if err != nil || e.ID == "" || e.Title == "" || e.Link.Href == "" || ids[e.ID] {
				t.Fatalf("entry %d: %+v (%v)", i, e, err)
			}
			ids[e.ID] = true
			if i > 0 && at.After(last) {
				t.Fatalf("entry %d is newer than the one before", i)
			}
			last = at
		}
		if feed.Entries[0].Title != "Payments API is down: Investigating" || feed.Entries[1].Title != "Slow sign-in: Resolved" ||
			feed.Entries[1].Content != "Sign-in is fast again." {
			t.Fatalf("entries: %+v", feed.Entries)
		}

		code, h, svg := get(t, r.srv.URL+"/status/renew/badge.svg")
		if code != 200 || h.Get("Content-Type") != "image/svg+xml; charset=utf-8" || h.Get("Cache-Control") != "public, max-age=60" {
			t.Fatalf("badge: %d %v", code, h)
		}
		webtest.Contains(t, "status badge", svg, `<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `<title>status: partial outage</title>`, ">partial outage</text>")
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Fatalf("badge is not XML: %v", err)
		}
		// 10 days of 20 public runs, of which 5 down, and Payments' one run
		// now, down: 195 of 201.
		_, _, up := get(t, r.srv.URL+"/status/renew/uptime.svg?days=30")
		webtest.Contains(t, "uptime badge", up, `<title>uptime 30d: 97.01%</title>`, `role="img"`)
		if code, _, _ := get(t, r.srv.URL+"/status/renew/uptime.svg?days=91"); code != 400 {
			t.Fatalf("91 days: %d", code)
		}
	})
}

// TestStatuspageJSON compares each document, field by field, with a
// sample in the shape Statuspage documents (testdata/statuspage-summary.json,
// written for this test with made-up values from the documented fields of
// a page's public API v2: /api/v2/summary.json and the other documents, as
// described for a Statuspage-hosted page at
// https://www.mongodb.com/docs/api/doc/cloud-status/operation/operation-getstatussummary,
// with the component, incident, incident update and scheduled maintenance
// fields of Statuspage's API as the statuspage.io client types them,
// https://app.unpkg.com/statuspage.io@3.1.1/files/dist/interfaces/Result.d.ts),
// and checks that liveops' states map onto Statuspage's values.
func TestStatuspageJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newStatusRig(t, db)
		b, err := os.ReadFile("testdata/statuspage-summary.json")
		if err != nil {
			t.Fatal(err)
		}
		var sample map[string]any
		if err := json.Unmarshal(b, &sample); err != nil {
			t.Fatal(err)
		}
		docs := map[string][]string{
			"summary.json":                         {"page", "status", "components", "incidents", "scheduled_maintenances"},
			"status.json":                          {"page", "status"},
			"components.json":                      {"page", "components"},
			"incidents.json":                       {"page", "incidents"},
			"incidents/unresolved.json":            {"page", "incidents"},
			"scheduled-maintenances.json":          {"page", "scheduled_maintenances"},
			"scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
			"scheduled-maintenances/active.json":   {"page", "scheduled_maintenances"},
		}
		got := map[string]map[string]any{}
		for file, keys := range docs {
			code, h, body := get(t, r.srv.URL+"/status/renew/api/v2/"+file)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || h.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("%s: %d %v", file, code, h)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			want := map[string]any{}
			for _, k := range keys {
				want[k] = sample[k]
			}
			sameShape(t, file, want, doc)
			got[file] = doc
		}
		sum := got["summary.json"]
		page := sum["page"].(map[string]any)
		if page["id"] != "renew" || page["name"] != "Renew a permit" || page["url"] != r.srv.URL+"/status/renew" || page["time_zone"] != "Europe/London" {
			t.Errorf("page: %v", page)
		}
		if st := sum["status"].(map[string]any); st["indicator"] != "major" || st["description"] != "Partial outage" {
			t.Errorf("status: %v", st)
		}
		comps := sum["components"].([]any)
		if len(comps) != 2 {
			t.Fatalf("components: %v", comps)
		}
		byName := map[string]map[string]any{}
		for _, c := range comps {
			c := c.(map[string]any)
			byName[c["name"].(string)] = c
		}
		if byName["Payments"]["status"] != "major_outage" || byName["Website"]["status"] != "operational" || byName["Payments"]["position"] != 1.0 {
			t.Errorf("components: %v", comps)
		}
		incs := sum["incidents"].([]any)
		if len(incs) != 1 {
			t.Fatalf("unresolved incidents: %v", incs)
		}
		in := incs[0].(map[string]any)
		if in["name"] != "Payments API is down" || in["status"] != "investigating" || in["impact"] != "critical" || in["resolved_at"] != nil {
			t.Errorf("incident: %v", in)
		}
		if c := in["components"].([]any); len(c) != 1 || c[0].(map[string]any)["name"] != "Payments" {
			t.Errorf("incident's components: %v", c)
		}
		all := got["incidents.json"]["incidents"].([]any)
		// Newest first: Payments now, the slow sign-in, Payments three days ago.
		if len(all) != 3 || all[1].(map[string]any)["impact"] != "minor" || all[1].(map[string]any)["status"] != "resolved" ||
			all[1].(map[string]any)["resolved_at"] == nil || all[2].(map[string]any)["resolved_at"] == nil {
			t.Errorf("incidents: %v", all)
		}
		sm := sum["scheduled_maintenances"].([]any)
		if len(sm) != 1 || sm[0].(map[string]any)["status"] != "scheduled" || sm[0].(map[string]any)["impact"] != "maintenance" ||
			sm[0].(map[string]any)["name"] != "Database upgrade" {
			t.Errorf("maintenances: %v", sm)
		}
		if a := got["scheduled-maintenances/active.json"]["scheduled_maintenances"].([]any); len(a) != 0 {
			t.Errorf("active maintenances: %v", a)
		}
		if u := got["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"].([]any); len(u) != 1 {
			t.Errorf("upcoming maintenances: %v", u)
		}
	})
}

// Statuspage's documented values of the enumerated fields.
var statuspageEnums = map[string][]string{
	"indicator":  {"none", "minor", "major", "critical", "maintenance"},
	"impact":     {"none", "minor", "major", "critical", "maintenance"},
	"status":     {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance", "investigating", "identified", "monitoring", "resolved", "postmortem", "scheduled", "in_progress", "verifying", "completed"},
	"new_status": {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"},
	"old_status": {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"},
}

var isoTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)

// sameShape fails when got differs in shape from want: an object's keys
// both ways, each value's JSON type (null in the sample allows null or a
// string; an empty array in either allows anything), every element of an
// array against the sample's first, times in ISO 8601 and the enumerated
// fields within Statuspage's values.
func sameShape(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want an object", path, got)
			return
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				t.Errorf("%s: no field %q", path, k)
			}
		}
		for k, v := range g {
			wv, ok := w[k]
			if !ok {
				t.Errorf("%s: field %q is not in Statuspage's shape", path, k)
				continue
			}
			if s, ok := v.(string); ok {
				if vals, enum := statuspageEnums[k]; enum && !contains(vals, s) {
					t.Errorf("%s.%s: %q is not one of %v", path, k, s, vals)
				}
				if strings.HasSuffix(k, "_at") || k == "scheduled_for" || k == "scheduled_until" {
					if !isoTime.MatchString(s) {
						t.Errorf("%s.%s: %q is not an ISO 8601 time", path, k, s)
					}
				}
			}
			sameShape(t, path+"."+k, wv, v)
		}
	case []any:
		g, ok := got.([]any)
		if got == nil || len(w) == 0 {
			return
		}
		if !ok {
			t.Errorf("%s: %T, want an array", path, got)
			return
		}
		for i, v := range g {
			sameShape(t, fmt.Sprintf("%s[%d]", path, i), w[0], v)
		}
	case nil:
		if _, ok := got.(string); got != nil && !ok {
			t.Errorf("%s: %T, want a string or null", path, got)
		}
	default:
		if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
			t.Errorf("%s: %T, want %T", path, got, want)
		}
	}
}
