package kpi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

func TestKPIPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := marchFixture(t, hs)
		hs.settings(s, func(set *kpi.Settings) {
			set.Targets = map[kpi.Name]kpi.Target{kpi.CompletionRate: {Micro: 850_000, Direction: kpi.Higher}}
		})
		b := hs.Browser("viewer")
		base := "/services/apply-for-a-permit/kpis"

		page := b.Get(base+"?from=2026-03-01&to=2026-03-31&interval=week", http.StatusOK)
		webtest.Contains(t, "KPI page", page, "<title>KPIs – Apply for a permit – liveops</title>", "<h1>Apply for a permit: KPIs</h1>",
			`<input type="date" id="from" name="from" value="2026-03-01">`, `<option value="week" selected>Week</option>`,
			"From 2026-03-01 to 2026-03-31, by week, in UTC time. There are no figures for the period before, 2026-02-01 to 2026-02-28, to compare these with.",
			// 765 ÷ 950 = 80.5%, off its 85% target (near is 80.75% and up).
			`<dt>Completion rate</dt>`, `<span class="figure-value">80.5%</span>`, `<span class="tag rating-off"><span aria-hidden="true">✗</span> Off target</span>`, "Target: 85.0% or more",
			"From 10 figures", `<span class="figure-value">70.5%</span>`, `<span class="figure-value">60.0%</span>`, "From 10 survey answers",
			`<span class="figure-value">£3.43</span>`, "From 2 cost figures", "<strong>62.5%</strong>",
			`<svg class="chart" viewBox="0 0 800 240" role="img" aria-labelledby="chart-completion_rate-title chart-completion_rate-desc"`,
			`<title id="chart-completion_rate-title">Completion rate by week</title>`, "The dashed line is the target, 85.0%.",
			`<th scope="row">2026-03-02 to 2026-03-08</th><td class="num">80.8%</td><td class="num">7</td>`,
			`<caption>Transactions by channel, 2026-03-01 to 2026-03-31</caption>`,
			`<th scope="row">Phone</th><td class="num">400</td><td class="num">300</td><td class="num">27.6%</td><td class="num">£2.07</td>`,
			`<title id="chart-channels-title">Transactions completed by channel, by week</title>`,
			`<th scope="row">Phone transactions</th>`, `<strong class="tag rating-off">Stale</strong>`,
			`href="/services/apply-for-a-permit/kpis/export.csv?from=2026-03-01&amp;interval=week&amp;to=2026-03-31"`,
			`<a href="/performance/apply-for-a-permit">Public performance page</a>`)
		webtest.Lacks(t, "KPI page for a viewer", page, "Upload transactions", "/kpis/settings\">KPI settings")

		// The default period is the last 12 whole months, by month.
		page = hs.Browser("editor").Get(base, http.StatusOK)
		webtest.Contains(t, "default KPI page", page, `value="2025-06-01"`, `value="2026-05-31"`, `<option value="month" selected>Month</option>`,
			"Upload transactions", "Upload costs", "KPI settings and targets", `<th scope="row">2026-03</th>`)

		// Bad parameters: the form says which.
		for _, tc := range []struct{ query, field, msg string }{
			{"?from=2026-03-01", "to", "To is missing"},
			{"?from=2026-13-01&to=2026-03-31", "from", "From must be a date such as 2026-01-31, not “2026-13-01”"},
			{"?from=2026-03-31&to=2026-03-01", "to", "To (2026-03-01) is before from (2026-03-31)"},
			{"?interval=fortnight", "interval", "Interval must be day, week, month, quarter or year"},
			{"?from=2020-01-01&to=2026-01-01&interval=day", "interval", "Interval day cuts the period into more than 550 points"},
		} {
			page := b.Get(base+tc.query, http.StatusBadRequest)
			webtest.Contains(t, "KPI page with "+tc.query, page, `<a href="#`+tc.field+`">`+tc.msg, `id="`+tc.field+`-error"`)
			webtest.Lacks(t, "KPI page with "+tc.query, page, "Headline figures")
		}

		// The CSV export.
		resp, body := b.Do(http.MethodGet, base+"/export.csv?from=2026-03-01&to=2026-03-31", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="apply-for-a-permit-kpis-2026-03-01-2026-03-31-by-month.csv"`) {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		rows := strings.Split(strings.TrimSpace(body), "\n")
		if len(rows) != 2 || !strings.HasPrefix(rows[0], "from,to,completion_rate,digital_take_up,user_satisfaction,satisfaction_score,cost_per_transaction,digital_started,digital_completed,") ||
			rows[1] != fmt.Sprintf("2026-03-01,2026-03-31,%v,%v,0.6,0.625,%v,950,765,0,0,400,300,30,20,0,0,0,0,1085,10,6,3720.00,31,GBP",
				765.0/950, 765.0/1085, 3720.0/1085) {
			t.Fatalf("export:\n%s", body)
		}

		hs.Browser("limited").Get(base, http.StatusNotFound)
		hs.Browser("viewer").Get("/services/nope/kpis", http.StatusNotFound)
		hs.Browser("viewer").Get(base+"/settings", http.StatusForbidden)
		hs.Browser("viewer").Get(base+"/transactions", http.StatusForbidden)
		resp, _ = hs.Browser("").Do(http.MethodGet, base, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Apply for a permit", "UTC", false)
		b := hs.Browser("editor")
		path := "/services/apply-for-a-permit/kpis/settings"
		page := b.Get(path, http.StatusOK)
		webtest.Contains(t, "settings page", page, "<h1>KPI settings</h1>", `<option value="">None</option>`,
			fmt.Sprintf(`<option value="%d">Apply</option>`, hs.funnel(s)), `id="currency" name="currency" type="text" value="GBP"`,
			`id="age_digital" name="age_digital" type="text" value="2"`, `id="age_channels" name="age_channels" type="text" value="35"`,
			`<legend>Cost per transaction</legend>`, `<label for="target_cost_per_transaction">Target (GBP)</label>`,
			`<label for="target_completion_rate">Target (%)</label>`, `<option value="lower" selected>Lower</option>`)

		form := func(changes map[string]string) url.Values {
			v := url.Values{"main_funnel": {""}, "currency": {"GBP"}, "age_digital": {"2"}, "age_channels": {"35"}, "age_costs": {"100"}, "age_satisfaction": {"7"}}
			for _, n := range kpi.Headline {
				v.Set("target_"+string(n), "")
				v.Set("direction_"+string(n), "higher")
			}
			for k, val := range changes {
				v.Set(k, val)
			}
			return v
		}
		_, page = b.Post(path, form(map[string]string{"main_funnel": "99999", "currency": "pounds", "age_costs": "0", "age_digital": "two",
			"target_completion_rate": "eighty", "target_digital_take_up": "120", "direction_user_satisfaction": "sideways"}), http.StatusBadRequest)
		webtest.Contains(t, "settings with errors", page, "There is a problem",
			`<a href="#age_digital">Enter how many days old digital transactions may be, a whole number such as 35</a>`,
			`<a href="#target_completion_rate">Enter the target for completion rate as a percentage such as 85, or leave it empty</a>`,
			`value="pounds"`, `value="eighty"`)
		// Once the form's own errors are fixed, the store's checks speak.
		b.Get(path, http.StatusOK)
		_, page = b.Post(path, form(map[string]string{"main_funnel": "99999", "currency": "pounds", "age_costs": "0",
			"target_digital_take_up": "120", "target_user_satisfaction": "90", "direction_user_satisfaction": "sideways"}), http.StatusBadRequest)
		webtest.Contains(t, "settings with stored errors", page,
			`<a href="#main_funnel">Choose one of the service’s funnels, or none</a>`,
			`<a href="#currency">Enter the currency as its three-letter code, such as GBP or EUR</a>`,
			`<a href="#age_costs">Enter how many days old costs may be, a whole number from 1 to 3660</a>`,
			`<a href="#target_digital_take_up">The target for digital take-up must be from 0% to 100%</a>`,
			`<a href="#direction_user_satisfaction">Choose whether a higher or a lower user satisfaction is better</a>`)
		b.Get(path, http.StatusOK)
		resp, _ := b.Post(path, form(map[string]string{"main_funnel": fmt.Sprint(hs.funnel(s)), "currency": "eur", "age_channels": "40",
			"target_completion_rate": "85.5%", "target_cost_per_transaction": "4.5", "direction_cost_per_transaction": "lower"}), http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/services/apply-for-a-permit/kpis" {
			t.Fatalf("redirect to %q", loc)
		}
		set, err := hs.kpi.Settings(context.Background(), s.ID)
		if err != nil || set.MainFunnelID != hs.funnel(s) || set.Currency != "EUR" || set.ExpectedAge[kpi.InputChannels] != 40 ||
			set.Targets[kpi.CompletionRate] != (kpi.Target{Micro: 855_000, Direction: kpi.Higher}) ||
			set.Targets[kpi.CostPerTransaction] != (kpi.Target{Micro: 4_500_000, Direction: kpi.Lower}) || len(set.Targets) != 2 {
			t.Fatalf("saved settings %+v, %v", set, err)
		}
		page = b.Get(path, http.StatusOK)
		webtest.Contains(t, "saved settings", page, fmt.Sprintf(`<option value="%d" selected>Apply</option>`, hs.funnel(s)),
			`id="target_completion_rate" name="target_completion_rate" type="text" value="85.5"`, `value="4.5"`, `value="EUR"`)
		webtest.Contains(t, "flash", hs.Browser("editor").Get("/services/apply-for-a-permit/kpis", http.StatusOK), "")
	})
}

// multipartForm is a form with a file, as a browser sends it.
func multipartForm(t *testing.T, fields map[string]string, file string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", "figures.csv")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, file)
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestUploadPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Apply for a permit", "UTC", false)
		hs.transactions(s, lines("date,channel,started,completed", "2026-03-01,phone,10,5"))
		b := hs.Browser("editor")
		base := "/services/apply-for-a-permit/kpis/transactions"

		page := b.Get(base, http.StatusOK)
		webtest.Contains(t, "upload page", page, "<h1>Upload transactions</h1>", `enctype="multipart/form-data"`,
			`<label for="file">A CSV or JSON file</label>`, `<label for="data">Or paste the transactions</label>`, "date,channel,started,completed",
			`action="/services/apply-for-a-permit/kpis/transactions/preview"`)

		// Nothing given.
		_, page = b.Post(base+"/preview", url.Values{"data": {"  "}}, http.StatusBadRequest)
		webtest.Contains(t, "empty upload", page, `<a href="#file">Choose a CSV file, or paste the transactions in the box</a>`)

		// Bad rows: every one listed, the pasted text kept, nothing saved.
		b.Get(base, http.StatusOK)
		bad := lines("date,channel,started,completed", "2026-03-02,fax,1,1", "2026-03-03,phone,5,6")
		_, page = b.Post(base+"/preview", url.Values{"data": {bad}}, http.StatusBadRequest)
		webtest.Contains(t, "bad upload", page, `<a href="#problems">The transactions have problems on 2 lines; nothing was saved.</a>`,
			`<div id="problems" tabindex="-1">`, `<td class="num">2</td><td>channel</td><td>The channel “fax” is not one of`,
			`<td class="num">3</td><td>completed</td><td>More were completed (6) than started (5)</td>`, "2026-03-02,fax,1,1")

		// Preview, then save.
		b.Get(base, http.StatusOK)
		good := lines("date,channel,started,completed", "2026-03-01,phone,12,6", "2026-03-02,phone,7,7", "2026-03,paper,100,90")
		_, page = b.Post(base+"/preview", url.Values{"data": {good}}, http.StatusOK)
		webtest.Contains(t, "preview", page, "<h1>Check the transactions before you save them</h1>",
			"Saving would add 2, replace 1 and leave 0 as they are.",
			`<td>2026-03-01</td><td>Phone</td><td>10 → 12</td><td>5 → 6</td>`,
			`<td>2026-03</td><td>Paper</td><td>100</td><td>90</td>`, `<button type="submit">Save the transactions</button>`)
		if n := hs.count(`SELECT count(*) FROM kpi_transactions`); n != 1 {
			t.Fatalf("the preview saved: %d rows", n)
		}
		resp, _ := b.Post(base, url.Values{"data": {good}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/services/apply-for-a-permit/kpis" {
			t.Fatalf("after saving, redirect to %q", loc)
		}
		webtest.Contains(t, "after saving", b.Get("/services/apply-for-a-permit/kpis", http.StatusOK), "The transactions are saved: 2 added, 1 replaced, 0 unchanged.")
		if n := hs.count(`SELECT count(*) FROM kpi_transactions`); n != 3 {
			t.Fatalf("%d rows after saving, want 3", n)
		}
		// Saving what has become wrong meanwhile shows the problems.
		b.Get(base, http.StatusOK)
		_, page = b.Post(base, url.Values{"data": {lines("date,channel,started,completed", "2026-03-05,paper,1,1")}}, http.StatusBadRequest)
		webtest.Contains(t, "save refused", page, "This overlaps the paper figure for the month 2026-03 already stored")

		// A file, as a browser sends it, for costs.
		page = postFile(t, hs, "/services/apply-for-a-permit/kpis/costs",
			lines("from,to,channel,amount", "2026-01-01,2026-03-31,all,9000", "2026-01-01,2026-03-31,phone,1200.5"))
		webtest.CheckPage(t, "costs preview", page)
		webtest.Contains(t, "costs preview", page, "<h1>Check the costs before you save them</h1>",
			`<td>2026-01-01</td><td>2026-03-31</td><td>Phone</td><td>1200.50</td>`, "name=\"data\" value=\"from,to,channel,amount\n2026-01-01")
		_, page = b.Post("/services/apply-for-a-permit/kpis/costs/preview", url.Values{"data": {"from,to,channel,amount\n2026-01-01,2026-03-31,all,£9000\n"}}, http.StatusBadRequest)
		webtest.Contains(t, "bad costs", page, "<h1>Upload costs</h1>", "The amount is in GBP", "without a currency sign or commas")
		b.Get("/services/apply-for-a-permit/kpis/costs", http.StatusOK)
		b.Post("/services/apply-for-a-permit/kpis/costs", url.Values{"data": {"from,to,channel,amount\n2026-01-01,2026-03-31,all,9000\n"}}, http.StatusSeeOther)
		if n := hs.count(`SELECT count(*) FROM kpi_costs`); n != 1 {
			t.Fatalf("%d costs, want 1", n)
		}
		hs.Browser("viewer").Post(base+"/preview", url.Values{"data": {good}}, http.StatusForbidden)
	})
}

// postFile opens the upload page at path as the editor, in a browser of
// its own, and sends file through its form as a browser does (multipart,
// with the CSRF cookie and token), returning the preview page.
func postFile(t *testing.T, hs *harness, path, file string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	do := func(method, path string, body io.Reader, ct string) (int, string) {
		req, _ := http.NewRequest(method, hs.URL+path, body)
		req.Header.Set("X-Test-As", "editor")
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	_, page := do(http.MethodGet, path, nil, "")
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on %s", path)
	}
	body, ct := multipartForm(t, map[string]string{web.CSRFField: m[1], "data": ""}, file)
	status, page := do(http.MethodPost, path+"/preview", body, ct)
	if status != http.StatusOK {
		t.Fatalf("preview of a file: %d\n%s", status, page)
	}
	return page
}

// TestEveryPage renders each of the area's pages once on one site, and
// fails when a page template is never executed.
func TestEveryPage(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, storetest.SQLite(t))
	marchFixture(t, hs)
	b := hs.Browser("editor")
	base := "/services/apply-for-a-permit/kpis"
	b.Get(base, http.StatusOK)
	b.Get(base+"/settings", http.StatusOK)
	for _, kind := range []string{"transactions", "costs"} {
		b.Get(base+"/"+kind, http.StatusOK)
	}
	b.Post(base+"/transactions/preview", url.Values{"data": {lines("date,channel,started,completed", "2026-04-01,phone,1,1")}}, http.StatusOK)
	fetch(t, hs, "/performance")
	fetch(t, hs, "/performance/apply-for-a-permit")
	var never []string
	for _, name := range hs.site.NeverExecuted() {
		if strings.HasPrefix(name, "kpi/") {
			never = append(never, name)
		}
	}
	if len(never) > 0 {
		t.Errorf("pages never rendered: %v", never)
	}
}
