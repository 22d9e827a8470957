package app

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/liveops/liveops/internal/store/storetest"
)

func newTestApp(t *testing.T, dsn string) *App {
	t.Helper()
	a, err := New(context.Background(), Config{DB: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

type client struct {
	t    *testing.T
	http *http.Client
	base string
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		if form.Get("csrf_token") == "" {
			form.Set("csrf_token", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

// send sends req with the client's cookies and keeps the page's CSRF token.
func (c *client) send(req *http.Request) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b), resp.Header
}

// signIn signs in with a password, as the sign-in form does.
func (c *client) signIn(email, password string) {
	c.t.Helper()
	c.do("GET", "/login", nil)
	if code, body, _ := c.do("POST", "/login", url.Values{"email": {email}, "password": {password}}); code != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: %d %.300s", email, code, body)
	}
}

// page GETs path and requires status, and that the page is a whole,
// labelled page in the layout.
func (c *client) page(path string, status int, contains ...string) string {
	c.t.Helper()
	code, body, _ := c.do("GET", path, nil)
	if code != status {
		c.t.Fatalf("GET %s = %d, want %d\n%s", path, code, status, body)
	}
	for _, s := range append([]string{`<main id="main"`, `class="skip-link"`, "<h1>"}, contains...) {
		if !strings.Contains(body, s) {
			c.t.Fatalf("GET %s: page lacks %q\n%s", path, s, body)
		}
	}
	if strings.Count(body, "<h1>") != 1 {
		c.t.Fatalf("GET %s: %d h1 headings, want 1", path, strings.Count(body, "<h1>"))
	}
	return body
}

// TestEveryPage signs in to the demo and opens every page there is; at the
// end no page template may be left unrendered (a dead template is a bug).
func TestEveryPage(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			a := newTestApp(t, dsn)
			creds, err := a.SeedDemo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// Seeding again keeps the service, the admin and the password.
			again, err := a.SeedDemo(context.Background())
			if err != nil || again.Password != creds.Password {
				t.Fatalf("second seed: %+v, %v; want the same password", again, err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			c := newClient(t, srv.URL)

			c.page("/login", 200, "Sign in")
			c.page("/no/such/page", 404, "Page not found")
			// Input no store could keep is refused with a 400, never a 500.
			for _, bad := range []struct{ method, path string }{{"GET", "/services/%FF"}, {"GET", "/api/v1/services/a%00"}} {
				if code, _, _ := c.do(bad.method, bad.path, nil); code != 400 {
					t.Fatalf("%s %s = %d, want 400", bad.method, bad.path, code)
				}
			}
			if code, body, _ := c.do("POST", "/login", url.Values{"email": {"a\x00b@example.gov"}, "password": {"x"}}); code != 400 {
				t.Fatalf("NUL in sign-in email = %d\n%s", code, body)
			}
			if code, _, h := c.do("PUT", "/api/v1/services/parking-permits", url.Values{}); code != 405 || h.Get("Allow") == "" {
				t.Fatalf("PUT on a GET/PATCH/DELETE route = %d, Allow %q", code, h.Get("Allow"))
			}
			code, _, _ := c.do("POST", "/login", url.Values{"email": {creds.Email}, "password": {creds.Password}})
			if code != http.StatusSeeOther {
				t.Fatalf("sign in: %d", code)
			}
			c.page("/", 200, "Apply for a parking permit")
			c.page("/no/such/page/while/signed/in", 404, "Page not found", `href="/tokens"`)
			c.page("/services/parking-permits", 200, "parking.example.gov", "View analytics")
			// Two visits to the demo service, then its dashboard.
			for _, path := range []string{"/", "/apply"} {
				req, _ := http.NewRequest("POST", c.base+"/api/event", strings.NewReader(
					`{"n":"pageview","u":"https://parking.example.gov`+path+`","d":"parking.example.gov","r":"https://www.bing.com/"}`))
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if err := a.Events.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			dash := "/services/parking-permits/analytics"
			// One panel of each box, the others a tab away.
			c.page(dash, 200, "Unique visitors", "Top pages", `<svg class="chart"`, "Show the chart as a table",
				`id="panel-countries"`, `href="/services/parking-permits/analytics?tab=regions#box-locations">Regions</a>`)
			c.page(dash+"?tab=regions", 200, `id="panel-regions"`, ">England</a>")
			c.page(dash+"?tab=cities", 200, `id="panel-cities"`, ">London</a>")
			if code, body, _ := c.do("GET", dash+"/export/cities.csv", nil); code != 200 || !strings.HasPrefix(body, "City,Visitors,Share,Bounce rate,Visit duration\n") || !strings.Contains(body, "\nLondon,") {
				t.Fatalf("cities CSV: %d\n%s", code, body)
			}
			// Exports of a service's data are never kept by a cache.
			for _, path := range []string{dash + "/export/cities.csv", dash + "/export/chart.csv", "/feedback/inbox/export.csv",
				"/services/parking-permits/feedback/export.csv", "/services/parking-permits/kpis/export.csv"} {
				if code, _, h := c.do("GET", path, nil); code != 200 || h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
					t.Errorf("GET %s = %d, Cache-Control %q, Content-Type %q", path, code, h.Get("Cache-Control"), h.Get("Content-Type"))
				}
			}
			today := c.page(dash+"?period=day", 200, "/apply", "Organic Search", "by hour")
			c.page(dash+"?period=day&tab=sources", 200, `id="panel-sources"`, "Bing")
			c.page(dash+"/details/sources?period=day", 200, "<h1>Sources</h1>", "Bing", "Visit duration")
			// The chart of today stops at the hour under way.
			if next := time.Now().In(time.UTC).Truncate(time.Hour).Add(time.Hour); next.Day() == time.Now().UTC().Day() {
				loc, _ := time.LoadLocation("Europe/London")
				if label := next.In(loc).Format(time.DateTime); strings.Contains(today, label) {
					t.Errorf("today's chart has the hour to come, %s", label)
				}
			}
			// Filtered by a page, views per visit has no meaning but keeps
			// its place among the figures.
			if byPage := c.page(dash+"?period=day&f=event:page|/apply", 200, "Views per visit", "not for one page",
				"the filters above do not apply to them"); strings.Count(byPage, `<div class="figure">`) != 6 {
				t.Errorf("%d figures filtered by a page, want 6", strings.Count(byPage, `<div class="figure">`))
			}
			c.page(dash+"?period=day&compare=1&f=visit:source|Bing", 200, "Source is <strong>Bing</strong>", "Stop comparing", "/apply",
				"Visitors in the period before")
			// Comparing is the default; compare=0 stops it.
			c.page(dash+"?period=day", 200, "compared with the period before", "Stop comparing")
			if page := c.page(dash+"?period=day&compare=0", 200, "Compare with the period before"); strings.Contains(page, "Visitors in the period before") {
				t.Errorf("compare=0 still compares")
			}
			c.page(dash+"?period=day&f=event:page|/apply", 200, "Page is <strong>/apply</strong>", "Unique visitors")
			c.page(dash+"?from=2026-01-01&to=2026-01-31", 200, "1 Jan 2026 to 31 Jan 2026", "Nothing in this period")
			c.page(dash+"?from=2026-02-01&to=2026-01-01", 400, "There is a problem", `href="#from"`, "Unique visitors")
			code, body, h := c.do("GET", dash+"/export/pages.csv?period=day", nil)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "Page,Visitors,Page views,Bounce rate,Time on page,Scroll depth\n") || !strings.Contains(body, "/apply,1,1,") {
				t.Fatalf("CSV export: %d %s\n%s", code, h.Get("Content-Type"), body)
			}
			if code, body, _ := c.do("GET", dash+"/export/chart.csv?period=day", nil); code != 200 || !strings.HasPrefix(body, "hour,Visitors,Page views,Notes") {
				t.Fatalf("chart CSV: %d\n%s", code, body)
			}
			if code, body, _ := c.do("GET", dash+"/export/figures.csv?compare=1", nil); code != 200 || !strings.Contains(body, "Unique visitors,") {
				t.Fatalf("figures CSV: %d\n%s", code, body)
			}
			// The panels of custom properties and of hostnames, their
			// filter chips and their CSV.
			c.page(dash+"?tab=props", 200, "Custom properties", `<select id="prop" name="prop">`)
			c.page(dash+"?tab=exit-hostnames", 200, "Entry hostnames", "Exit hostnames", `id="panel-exit-hostnames"`,
				"guidance.parking.example.gov")
			c.page(dash+"?tab=props&prop=permit_type&f=event:props:permit_type|resident", 200, "Property permit_type is <strong>resident</strong>",
				`<option selected>permit_type</option>`, `name="f" value="event:props:permit_type|resident"`)
			c.page(dash+"?tab=props&prop=a%22b&f=event:props:a%5Cb|x", 200, "Custom properties", `<option selected>permit_type</option>`)
			c.page(dash+"?f=visit:screen|Mobile&f=visit:exit_page_hostname|guidance.parking.example.gov", 200,
				"Screen size is <strong>Mobile</strong>", "Exit hostname is <strong>guidance.parking.example.gov</strong>")
			if code, body, _ := c.do("GET", dash+"/export/props.csv?prop=permit_type", nil); code != 200 || !strings.HasPrefix(body, "permit_type,Visitors,Events,Share\n") ||
				!strings.Contains(body, "resident,") {
				t.Fatalf("properties CSV: %d\n%s", code, body)
			}
			if code, body, _ := c.do("GET", dash+"/export/exit-hostnames.csv", nil); code != 200 || !strings.HasPrefix(body, "Hostname,Visitors,Visits\n") ||
				!strings.Contains(body, "guidance.parking.example.gov,") {
				t.Fatalf("exit hostnames CSV: %d\n%s", code, body)
			}
			if code, body, _ := c.do("GET", dash+"/export/entry-hostnames.csv?from=2026-01-01&to=2026-01-02", nil); code != 200 || body != "Hostname,Visitors,Visits,Bounce rate,Visit duration\n" {
				t.Fatalf("empty entry hostnames CSV: %d\n%s", code, body)
			}
			if code, _, _ := c.do("GET", dash+"/export/nothing.csv", nil); code != 404 {
				t.Fatalf("unknown panel CSV: %d", code)
			}
			if code, body, _ := c.do("GET", dash+"/realtime", nil); code != 200 || !strings.Contains(body, `"visitors":`) {
				t.Fatalf("realtime: %d %s", code, body)
			}
			if code, body, _ := c.do("POST", dash+"/annotations", url.Values{"time": {"2026-03-01T10:00"}, "label": {""}}); code != 400 || !strings.Contains(body, "label is required") {
				t.Fatalf("bad note: %d", code)
			}
			if code, _, _ := c.do("POST", dash+"/annotations", url.Values{"time": {time.Now().Format("2006-01-02T15:04")}, "label": {"Release 2.3"}}); code != http.StatusSeeOther {
				t.Fatalf("note: %d", code)
			}
			c.page(dash+"?period=day", 200, "Release 2.3", "Notes in this period")
			c.page(dash+"/settings", 200, `data-domain="parking.example.gov"`, "Keep raw events")
			// Goals and a funnel over the demo's traffic.
			goalsPage := "/services/parking-permits/goals"
			c.page(goalsPage, 200, "Goals and funnels")
			for _, path := range []string{"/help", "/contact"} {
				if code, body, _ := c.do("POST", goalsPage, url.Values{"goal_type": {"page"}, "page_path": {path}}); code != http.StatusSeeOther {
					t.Fatalf("add goal %s: %d\n%s", path, code, body)
				}
			}
			if code, body, _ := c.do("POST", goalsPage, url.Values{"goal_type": {"page"}, "page_path": {""}}); code != 400 || !strings.Contains(body, "There is a problem") {
				t.Fatalf("empty goal: %d", code)
			}
			parking, _ := a.Catalog.BySlug(context.Background(), "parking-permits")
			list, _ := a.Goals.List(context.Background(), parking.ID)
			ids := map[string]string{}
			for _, g := range list {
				ids[g.DisplayName] = strconv.FormatInt(g.ID, 10)
			}
			if ids["Visit /help"] == "" || ids["Visit /start"] == "" {
				t.Fatalf("goals: %v", ids)
			}
			c.page(goalsPage+"/"+ids["Visit /help"]+"/edit", 200, "Change the goal")
			// Feedback: the demo's, the inbox, summaries, entering, settings,
			// and the public forms and survey.
			fbPage := "/services/parking-permits/feedback"
			c.page("/services/parking-permits", 200, `href="`+fbPage+`"`)
			c.page("/feedback/inbox", 200, "Apply for a parking permit", "payment")
			c.page(fbPage, 200, "/apply/payment")
			// Problem reports in one line each; an item's page has the rest.
			problems := c.page(fbPage+"?kind=problem&status=new", 200, `class="feedback-list"`, "Problem")
			item := regexp.MustCompile(`href="(/services/parking-permits/feedback/\d+[^"]*)"`).FindStringSubmatch(problems)
			if item == nil {
				t.Fatal("no link to an item's page in the inbox")
			}
			c.page(html.UnescapeString(item[1]), 200, "What went wrong")
			c.page(fbPage+"?rating=9", 400, "There is a problem")
			c.page(fbPage+"/summary", 200, "payment")
			c.page(fbPage+"/settings", 200, "data-liveops-feedback", "/js/feedback.")
			c.page(fbPage+"/new", 200, "How did it reach you?")
			if code, body, _ := c.do("POST", fbPage, url.Values{"kind": {"comment"}, "channel": {"phone"}, "comment": {""}}); code != 400 || !strings.Contains(body, "There is a problem") {
				t.Fatalf("staff feedback without text: %d", code)
			}
			if code, body, _ := c.do("GET", fbPage+"/export.csv?kind=problem", nil); code != 200 || !strings.Contains(body, "payment") {
				t.Fatalf("feedback CSV: %d\n%.300s", code, body)
			}
			c.page("/survey/parking-permits", 200, "Overall, how did you feel about the service you received today?")
			if code, body, _ := c.do("POST", "/survey/parking-permits", url.Values{"rating": {"7"}}); code != 400 || !strings.Contains(body, "There is a problem") {
				t.Fatalf("survey with a bad rating: %d", code)
			}
			if code, body, _ := c.do("POST", "/survey/parking-permits", url.Values{"rating": {"5"}, "comment": {"Quick, thanks"}}); code != http.StatusSeeOther {
				t.Fatalf("survey: %d\n%s", code, body)
			}
			c.page("/survey/parking-permits/thanks", 200, "Thank you")
			if code, body, _ := c.do("POST", "/feedback", url.Values{"domain": {"parking.example.gov"}, "kind": {"problem"}, "url": {"https://parking.example.gov/apply"}}); code != 400 || !strings.Contains(body, "There is a problem") {
				t.Fatalf("empty problem report: %d", code)
			}
			c.page("/feedback/thanks?domain=parking.example.gov&url=https://parking.example.gov/apply", 200, `href="https://parking.example.gov/apply"`)
			// KPIs: the demo's year of inputs, uploads with a preview, settings,
			// and the public performance pages.
			kpiPage := "/services/parking-permits/kpis"
			c.page("/", 200, "Completion rate")
			c.page(kpiPage, 200, "Completion rate", "Digital take-up", "User satisfaction", "Cost per transaction", "<svg")
			c.page(kpiPage+"?interval=quarter", 200, "Cost per transaction")
			c.page(kpiPage+"?interval=fortnight", 400, "There is a problem")
			if code, body, _ := c.do("GET", kpiPage+"/export.csv", nil); code != 200 || !strings.Contains(body, "completion_rate") {
				t.Fatalf("KPI CSV: %d\n%.300s", code, body)
			}
			c.page(kpiPage+"/settings", 200, "Apply for a permit")
			c.page(kpiPage+"/transactions", 200, "date,channel,started,completed")
			c.page(kpiPage+"/costs", 200, "from,to,channel,amount")
			if code, body, _ := c.do("POST", kpiPage+"/transactions/preview", url.Values{"data": {"date,channel,started,completed\n2026-01-05,phone,10,12\n"}}); code != 400 || !strings.Contains(body, "There is a problem") || !strings.Contains(body, "More were completed (12) than started (10)") {
				t.Fatalf("bad transactions: %d\n%.500s", code, body)
			}
			if code, body, _ := c.do("POST", kpiPage+"/transactions/preview", url.Values{"data": {"date,channel,started,completed\n2026-01-05,assisted_digital,12,10\n"}}); code != 200 || !strings.Contains(body, "2026-01-05") {
				t.Fatalf("transactions preview: %d\n%.500s", code, body)
			}
			c.page("/performance", 200, "Apply for a parking permit")
			c.page("/performance/parking-permits", 200, "Completion rate", "Digital take-up")
			if code, body, _ := c.do("GET", "/performance/parking-permits.json", nil); code != 200 || !strings.Contains(body, `"completion_rate"`) {
				t.Fatalf("performance JSON: %d", code)
			}
			if code, _, _ := c.do("GET", "/performance/no-such-service", nil); code != 404 {
				t.Fatalf("unknown service's performance page: %d", code)
			}
			// The public status page, linked from the performance page, in
			// the council's branding.
			c.page("/performance/parking-permits", 200, `href="/status/parking-permits"`)
			c.page("/status/parking-permits", 200, "service status", "Anytown Council", `href="/status/parking-permits/history.atom"`)
			c.page("/status/parking-permits?lang=cy", 200, `<html lang="cy">`, "statws y gwasanaeth")
			if code, body, _ := c.do("POST", "/services/parking-permits/funnels", url.Values{"name": {"Help"},
				"steps": {ids["Visit /help"], ids["Visit /contact"]}}); code != http.StatusSeeOther {
				t.Fatalf("add funnel: %d\n%s", code, body)
			}
			c.page(dash, 200, "Visit /apply/confirmation", "Conversion", "Funnels", "Apply for a permit")
			c.page("/services/parking-permits/funnels/1", 200, "Apply for a permit", "/apply/confirmation", "Download this funnel as CSV")
			c.page("/services/parking-permits/funnels/1/edit", 200, "Change the funnel “Apply for a permit”", "Save the funnel")
			if code, body, h := c.do("GET", "/services/parking-permits/funnels/1/export.csv?period=30d", nil); code != 200 ||
				!strings.HasPrefix(body, "Step,Goal,Visitors") || !strings.Contains(body, "6,Visit /apply/confirmation,") || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("funnel CSV: %d, Cache-Control %q\n%s", code, h.Get("Cache-Control"), body)
			}
			if code, body, _ := c.do("POST", dash+"/settings", url.Values{"retention": {"-3"}}); code != 400 || !strings.Contains(body, "from 0 to 3650") {
				t.Fatalf("bad retention: %d", code)
			}
			if code, body, _ := c.do("POST", dash+"/settings", url.Values{"retention": {"30"}, "excluded_ips": {"not an address"}}); code != 400 || !strings.Contains(body, "not an IP address") {
				t.Fatalf("bad excluded addresses: %d", code)
			}
			if code, _, _ := c.do("POST", dash+"/settings", url.Values{"retention": {"400"}, "excluded_ips": {"203.0.113.0/24\n198.51.100.7"}}); code != http.StatusSeeOther {
				t.Fatalf("retention: %d", code)
			}
			c.page(dash+"/settings", 200, `value="400"`, "203.0.113.0/24, 198.51.100.7")
			c.page("/services/parking-permits/edit", 200)
			c.page("/services/new", 200)
			code, body, _ = c.do("POST", "/services/new", url.Values{"name": {""}, "domains": {"not a host"}})
			if code != 400 || !strings.Contains(body, "There is a problem") {
				t.Fatalf("bad new service: %d\n%s", code, body)
			}
			code, _, _ = c.do("POST", "/services/new", url.Values{"name": {"Renew a licence"}, "domains": {"renew.example.gov"},
				"timezone": {"Europe/London"}, "phase": {"beta"}})
			if code != http.StatusSeeOther {
				t.Fatalf("new service: %d", code)
			}
			c.do("POST", "/services/renew-a-licence/archive", url.Values{})
			c.page("/services/archived", 200, "Renew a licence")
			// Monitoring: the demo's checks; one more through the form,
			// then every page of the monitor.
			mon := "/services/parking-permits/monitor"
			c.page("/services/parking-permits", 200, `href="`+mon+`"`)
			c.page(mon, 200, ">Start page</a>", ">Card payments</a>", ">Nightly permit export</a>", "Add a check")
			c.page(mon+"/checks/new?type=http", 200, "Address (URL)")
			if code, body, _ := c.do("POST", mon+"/checks/new", url.Values{"type": {"http"}, "name": {""}, "url": {"https://parking.example.gov/start"}, "interval": {"1m"}}); code != 400 ||
				!strings.Contains(body, `href="#name"`) {
				t.Fatalf("check without a name: %d", code)
			}
			code, body, h = c.do("POST", mon+"/checks/new", url.Values{"type": {"http"}, "name": {"Apply page"}, "url": {"https://parking.example.gov/apply"},
				"interval": {"1m"}, "retries": {"1"}, "public": {"yes"}})
			if code != http.StatusSeeOther {
				t.Fatalf("add a check: %d\n%s", code, body)
			}
			check := h.Get("Location")
			c.page(check, 200, "Apply page", `<svg class="chart"`, "Show the chart as a table")
			c.page(check+"/edit", 200, "Change the check Apply page")
			c.page(check+"/delete", 200, "Delete the check Apply page?")
			c.page(mon+"/checks/new?type=heartbeat", 200, "How often the job runs")
			if code, body, _ := c.do("POST", mon+"/checks/new", url.Values{"type": {"heartbeat"}, "name": {"Nightly report"}, "interval": {"24h"}, "grace": {"1h"}}); code != 201 ||
				!strings.Contains(body, "curl -fsS -X POST "+srv.URL+"/api/v1/heartbeat/") {
				t.Fatalf("add a heartbeat: %d\n%.500s", code, body)
			}
			c.page(mon, 200, ">Apply page</a>", ">Nightly report</a>", "Pending")
			c.page(mon+"/incidents/new", 200, "Report an incident")
			code, _, h = c.do("POST", mon+"/incidents/new", url.Values{"title": {"Payments are failing"}, "status": {"investigating"}, "impact": {"major"}, "body": {"Looking."}})
			if code != http.StatusSeeOther {
				t.Fatalf("open an incident: %d", code)
			}
			c.page(h.Get("Location"), 200, "Payments are failing", "Post an update")
			c.page(mon+"/incidents", 200, "Payments are failing")
			c.page(mon+"/maintenance", 200, "Plan maintenance", "Europe/London")
			c.page("/account", 200, creds.Email)
			c.page("/tokens", 200, "Create a token")
			if code, body, _ := c.do("POST", "/tokens", url.Values{"name": {"x"}, "scope": {"read"}, "service": {"99999"}}); code != 400 || !strings.Contains(body, "Choose a service from the list") {
				t.Fatalf("token for an unknown service = %d", code)
			}
			c.do("POST", "/tokens", url.Values{"name": {"e2e"}, "scope": {"read"}})
			c.page("/users", 200, creds.Email)
			c.page("/users/new", 200)
			c.page("/branding", 200, "How public pages look", "Anytown Council")
			c.page("/services/parking-permits/public", 200, "Public pages of", "https://parking.example.gov/start")
			code, body, _ = c.do("POST", "/users/new", url.Values{"email": {"new@example.gov"}, "role": {"viewer"}, "all_services": {"yes"}})
			if code != 201 {
				t.Fatalf("add user: %d %s", code, body)
			}
			c.page("/users/2", 200, "new@example.gov")
			c.page("/audit", 200, "POST /users/new", "new@example.gov")
			link, _ := a.Accounts.SetupLink(context.Background(), 2)
			newClient(t, srv.URL).page(link, 200, "Choose your password")

			// Two-factor sign-in: set up, then the second step of signing in.
			c.page("/account/two-factor", 200, "Scan this QR code")
			key := regexp.MustCompile(`secret-key">([A-Z2-7]+)<`).FindStringSubmatch(c.page("/account/two-factor", 200))
			code1, _ := totp.GenerateCode(key[1], time.Now())
			if code, body, _ := c.do("POST", "/account/two-factor", url.Values{"code": {code1}}); code != 200 || !strings.Contains(body, "Save your recovery codes") {
				t.Fatalf("set up two-factor: %d %.300s", code, body)
			}
			second := newClient(t, srv.URL)
			second.do("GET", "/login", nil)
			if code, _, h := second.do("POST", "/login", url.Values{"email": {creds.Email}, "password": {creds.Password}}); code != 303 || h.Get("Location") != "/login/two-factor" {
				t.Fatalf("sign in with two-factor on: %d %q", code, h.Get("Location"))
			}
			second.page("/login/two-factor", 200, "Enter the code from your authenticator app")

			if dead := a.Site.NeverExecuted(); len(dead) > 0 {
				t.Fatalf("templates never rendered: %v", dead)
			}

			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{`liveops_http_requests_total{code="200",method="GET",route="GET /login"}`,
				`liveops_http_request_duration_seconds_bucket`, `go_goroutines`} {
				if !strings.Contains(string(b), want) {
					t.Fatalf("/metrics lacks %s", want)
				}
			}
		})
	}
}

// TestGracefulShutdown: a request in flight when the server is told to
// stop still gets its answer; then the server stops and closes the store.
func TestGracefulShutdown(t *testing.T) {
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	inner := a.handler
	started := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})
	mux.Handle("/", inner)
	a.handler = mux
	flushed := false
	a.OnShutdown(func(context.Context) error { flushed = true; return nil })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	ready := make(chan string, 1)
	go func() { served <- a.Serve(ctx, ln, func(addr string) { ready <- addr }) }()
	base := "http://" + <-ready

	var wg sync.WaitGroup
	var body string
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get(base + "/slow")
		if err != nil {
			t.Errorf("in-flight request: %v", err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	}()
	<-started
	cancel()
	wg.Wait()
	if body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if !flushed {
		t.Fatal("buffers not flushed at shutdown")
	}
	if err := a.DB.Ping(context.Background()); err == nil {
		t.Fatal("database still open after shutdown")
	}
}
