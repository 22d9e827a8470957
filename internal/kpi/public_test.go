package kpi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// fetch gets a public path with no one signed in.
func fetch(t *testing.T, hs *harness, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(hs.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(string(raw), "<!doctype html>") {
		webtest.CheckPage(t, path, string(raw))
	}
	return resp, string(raw)
}

// publicFixture is two public services and one that is not, with figures
// in the 12 months before 15 June 2026: June 2025 to May 2026.
func publicFixture(t *testing.T, hs *harness) (permit, parking, private *catalog.Service) {
	t.Helper()
	permit = marchFixture(t, hs) // Apply for a permit, public
	parking = hs.service("Parking", "Europe/London", true)
	hs.transactions(parking, lines("date,channel,started,completed", "2026-04,digital,100,90", "2026-04,phone,100,10"))
	private = hs.service("Internal tool", "UTC", false)
	hs.transactions(private, lines("date,channel,started,completed", "2026-04,digital,100,99"))
	return permit, parking, private
}

func TestPublicPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		publicFixture(t, hs)

		resp, page := fetch(t, hs, "/performance")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=300" || len(resp.Cookies()) != 0 {
			t.Fatalf("list: %d %v", resp.StatusCode, resp.Header)
		}
		webtest.Contains(t, "list", page, "<h1>Service performance</h1>", "from 1 June 2025 to 31 May 2026",
			`<th scope="col" aria-sort="ascending"><a href="/performance?order=desc&amp;sort=name">Service<span class="visually-hidden"> (sort descending)</span></a> <span aria-hidden="true">▲</span></th>`,
			`<th scope="col" class="num"><a href="/performance?order=asc&amp;sort=completion_rate">Completion rate<span class="visually-hidden"> (sort ascending)</span></a></th>`,
			`<th scope="row"><a href="/performance/apply-for-a-permit">Apply for a permit</a></th>`,
			// Over 12 months, April's 3 answers count (6 of 13 satisfied), and
			// the whole quarter's costs (9620 ÷ 1085).
			`<td class="num">80.5%</td><td class="num">70.5%</td><td class="num">46.2%</td><td class="num">£8.87</td>`,
			`<td class="num">90.0%</td><td class="num">90.0%</td><td class="num">No figure</td><td class="num">No figure</td>`)
		webtest.Lacks(t, "list", page, "Internal tool", "Sign out")
		order := func(query string) string {
			_, page := fetch(t, hs, "/performance"+query)
			return strings.Join(regexp.MustCompile(`<a href="/performance/([a-z-]+)">`).FindAllStringSubmatch(page, -1)[0][1:], "") + "," +
				strings.Join(regexp.MustCompile(`<a href="/performance/([a-z-]+)">`).FindAllStringSubmatch(page, -1)[1][1:], "")
		}
		for _, tc := range []struct{ query, want string }{
			{"", "apply-for-a-permit,parking"},
			{"?sort=name&order=desc", "parking,apply-for-a-permit"},
			{"?sort=completion_rate&order=desc", "parking,apply-for-a-permit"},
			{"?sort=completion_rate&order=asc", "apply-for-a-permit,parking"},
			{"?sort=digital_take_up&order=desc", "parking,apply-for-a-permit"},
			// No figure sorts last either way.
			{"?sort=cost_per_transaction&order=asc", "apply-for-a-permit,parking"},
			{"?sort=cost_per_transaction&order=desc", "apply-for-a-permit,parking"},
		} {
			if got := order(tc.query); got != tc.want {
				t.Errorf("/performance%s lists %s, want %s", tc.query, got, tc.want)
			}
		}
		if resp, _ := fetch(t, hs, "/performance?sort=colour"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad sort: %d", resp.StatusCode)
		}

		resp, page = fetch(t, hs, "/performance/apply-for-a-permit")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=300" || len(resp.Cookies()) != 0 {
			t.Fatalf("public page: %d %v", resp.StatusCode, resp.Header)
		}
		webtest.Contains(t, "public page", page, "<title>Apply for a permit: performance – liveops</title>", "<h1>Apply for a permit: performance</h1>",
			"These figures cover the 12 months from 1 June 2025 to 31 May 2026.", "The data was last updated on 15 June 2026.",
			`<span class="figure-value">80.5%</span>`, `<title id="chart-digital_take_up-title">Digital take-up by month</title>`,
			`<th scope="row">2026-03</th><td class="num">80.5%</td><td class="num">10</td>`, `<th scope="row">2025-06</th><td class="num">No figure</td>`,
			`<th scope="row">Phone</th><td class="num">400</td><td class="num">300</td>`,
			"<dt>Digital take-up</dt>", "Of all the transactions completed, through every channel",
			`<th scope="row">Phone transactions</th><td>Submitted figures</td><td>15 Jun 2026 12:00</td><td>2026-03-31</td>`,
			`<a href="/performance/apply-for-a-permit.csv">`, `<a href="/performance/apply-for-a-permit.json">`)
		webtest.Lacks(t, "public page", page, "<form", "<script", "Upload", "Stale")

		// Open data.
		resp, body := fetch(t, hs, "/performance/apply-for-a-permit.json")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
			resp.Header.Get("Cache-Control") != "public, max-age=300" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("JSON: %d %v", resp.StatusCode, resp.Header)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(body), &data); err != nil {
			t.Fatal(err)
		}
		series, _ := data["series"].([]any)
		if get(data, "service", "name") != "Apply for a permit" || data["from"] != "2025-06-01" || data["interval"] != "month" || len(series) != 12 ||
			get(data, "kpis", "completion_rate", "value") != 765.0/950 || get(series[9], "from") != "2026-03-01" ||
			get(series[9], "kpis", "user_satisfaction", "value") != 0.6 || get(series[10], "kpis", "user_satisfaction", "value") != 0.0 || get(series[0], "kpis", "user_satisfaction", "value") != nil ||
			data["last_updated"] != "2026-06-15T12:00:00Z" {
			t.Errorf("JSON:\n%s", body)
		}
		resp, body = fetch(t, hs, "/performance/apply-for-a-permit.csv")
		rows := strings.Split(strings.TrimSpace(body), "\n")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 13 ||
			!strings.HasPrefix(rows[0], "from,to,completion_rate,") || !strings.HasPrefix(rows[10], fmt.Sprintf("2026-03-01,2026-03-31,%v,", 765.0/950)) ||
			!strings.HasPrefix(rows[1], "2025-06-01,2025-06-30,,,,,,0,0,") || resp.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("CSV: %d %v\n%s", resp.StatusCode, resp.Header, body)
		}

		// Not public, archived, unknown, or an unknown format: 404, not cached.
		for _, path := range []string{"/performance/internal-tool", "/performance/internal-tool.json", "/performance/internal-tool.csv",
			"/performance/nope", "/performance/parking.xml", "/performance/apply-for-a-permit.json.csv", "/performance/parking."} {
			resp, _ := fetch(t, hs, path)
			if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Cache-Control") == "public, max-age=300" {
				t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
		if err := hs.cat.Archive(context.Background(), "parking"); err != nil {
			t.Fatal(err)
		}
		if resp, _ := fetch(t, hs, "/performance/parking"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("archived: %d", resp.StatusCode)
		}
		webtest.Lacks(t, "list without the archived service", func() string { _, p := fetch(t, hs, "/performance"); return p }(), "/performance/parking")
	})
}

func TestPublicListEmpty(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, storetest.SQLite(t))
	hs.service("Internal", "UTC", false)
	_, page := fetch(t, hs, "/performance")
	webtest.Contains(t, "empty list", page, "No service publishes its figures yet.")
}

func TestTiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		permit, _, _ := publicFixture(t, hs)
		hs.settings(permit, func(set *kpi.Settings) {
			set.Targets = map[kpi.Name]kpi.Target{kpi.UserSatisfaction: {Micro: 450_000, Direction: kpi.Higher}}
		})
		got := hs.kpi.Tiles(context.Background(), permit)
		want := []catalog.TileFigure{
			{Label: "Completion rate", Value: "80.5%"},
			{Label: "Digital take-up", Value: "70.5%"},
			{Label: "User satisfaction", Value: "46.2%", Note: "On target"},
			{Label: "Cost per transaction", Value: "£8.87"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("tiles = %v, want %v", got, want)
		}
		empty := hs.service("Empty", "UTC", false)
		if got := hs.kpi.Tiles(context.Background(), empty); got != nil {
			t.Errorf("tiles of a service without figures = %v", got)
		}
		// A trend shows when there is no target.
		hs.setNow(time.Date(2027, 4, 15, 12, 0, 0, 0, time.UTC))
		hs.transactions(permit, lines("date,channel,started,completed", "2027-03-01,digital,10,9"))
		for _, f := range hs.kpi.Tiles(context.Background(), permit) {
			if f.Label == "Completion rate" && (f.Value != "90.0%" || f.Note != "up 9.5 points on the period before") {
				t.Errorf("tile with a trend: %+v", f)
			}
		}
	})
}

// TestPublicListCurrencies: cost per transaction sorts within a currency;
// ¥5 is not cheaper than £10.
func TestPublicListCurrencies(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, storetest.SQLite(t))
	pounds := hs.service("Pounds", "UTC", true)
	yen := hs.service("Yen", "UTC", true)
	hs.settings(yen, func(set *kpi.Settings) { set.Currency = "JPY" })
	for _, s := range []*catalog.Service{pounds, yen} {
		hs.transactions(s, lines("date,channel,started,completed", "2026-03,phone,100,100"))
	}
	hs.costs(pounds, lines("from,to,channel,amount", "2026-03-01,2026-03-31,all,1000"))
	hs.costs(yen, lines("from,to,channel,amount", "2026-03-01,2026-03-31,all,500"))
	_, page := fetch(t, hs, "/performance?sort=cost_per_transaction&order=asc")
	if p, y := strings.Index(page, `href="/performance/pounds"`), strings.Index(page, `href="/performance/yen"`); p < 0 || y < 0 || p > y {
		t.Errorf("pounds at %d, yen at %d: want each currency together, pounds first", p, y)
	}
}
