package app

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/store/storetest"
)

// TestDashboardDetails: a panel's details page lists every row, a hundred
// to a page, with more metrics than the box, a search and a column order
// of one's choosing; what it cannot take is a 400 that says why.
func TestDashboardDetails(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			a := newTestApp(t, dsn)
			creds, err := a.SeedDemo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			c := newClient(t, srv.URL)
			c.signIn(creds.Email, creds.Password)

			// 150 pages seen today, page /p/N N times for the first ten.
			for i := range 150 {
				for range max(1, 11-i) {
					sendEvent(t, srv.URL, fmt.Sprintf(`{"n":"pageview","u":"https://parking.example.gov/p/%03d","d":"parking.example.gov"}`, i))
				}
			}
			if err := a.Events.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			dash := "/services/parking-permits/analytics"
			box := c.page(dash+"?period=day", 200, `id="panel-pages"`, `href="/services/parking-permits/analytics/details/pages?period=day"`)
			if n := strings.Count(sectionOf(box, "box-pages"), `<tr class="bar-`); n != 10 {
				t.Errorf("the pages box has %d rows, want 10", n)
			}

			// The demo's own pages have more visitors: these are found by
			// a search and ordered by page views.
			details := dash + "/details/pages?period=day"
			c.page(details, 200, "<h1>Top pages</h1>", `aria-sort="descending"`, ">Bounce rate<", ">Time on page<", `rel="next"`,
				"Page 1", "Back to the dashboard")
			details += "&q=/p/"
			first := c.page(details+"&order=pageviews&dir=desc", 200, `aria-sort="descending"`, `rel="next"`)
			rows := rowLabels(first)
			if len(rows) != 100 || rows[0] != "/p/000" || rows[1] != "/p/001" {
				t.Fatalf("first page: %d rows, starting %v", len(rows), rows[:min(3, len(rows))])
			}
			second := c.page(details+"&order=pageviews&page=2", 200, `rel="prev"`, "Page 2")
			if rows := rowLabels(second); len(rows) != 50 || strings.Contains(second, `rel="next"`) {
				t.Fatalf("second page: %d rows, next link %v", len(rows), strings.Contains(second, `rel="next"`))
			}
			// Smallest first, by the column heading's link.
			asc := regexp.MustCompile(`href="([^"]+dir=asc[^"]*order=pageviews[^"]*)"`).FindStringSubmatch(first)
			if asc == nil {
				t.Fatal("no link to sort the page views smallest first")
			}
			if rows := rowLabels(c.page(html.UnescapeString(asc[1]), 200, `aria-sort="ascending"`)); rows[len(rows)-1] == "/p/000" {
				t.Errorf("smallest first ends with the largest: %v", rows[len(rows)-3:])
			}
			// The search keeps the rows that contain it, and so does their CSV.
			found := c.page(dash+"/details/pages?period=day&q=p/00", 200, `value="p/00"`, "Clear the search")
			if rows := rowLabels(found); len(rows) != 10 {
				t.Errorf("search p/00: %d rows, want 10", len(rows))
			}
			if code, body, _ := c.do("GET", dash+"/export/pages.csv?period=day&q=p/00", nil); code != 200 || strings.Count(body, "\n") != 11 {
				t.Errorf("CSV of the search: %d, %d lines\n%s", code, strings.Count(body, "\n"), body)
			}
			c.page(dash+"/details/pages?q=nothing-like-it", 200, "No row contains “nothing-like-it”")
			// A tab's details come back to its tab.
			c.page(dash+"/details/browsers?period=day", 200, "<h1>Browsers</h1>",
				`href="/services/parking-permits/analytics?period=day&amp;tab=browsers#box-devices"`)

			for _, bad := range []struct{ query, field string }{
				{"&page=0", "page"}, {"&page=x", "page"}, {"&page=101", "page"}, {"&order=nope", "order"}, {"&dir=up", "dir"},
			} {
				code, body, _ := c.do("GET", details+bad.query, nil)
				if code != http.StatusBadRequest || !strings.Contains(body, "There is a problem") || !strings.Contains(body, "The address’s "+bad.field+"= must be") {
					t.Errorf("%s = %d, want 400 naming %s\n%s", bad.query, code, bad.field, body[strings.Index(body, "<main"):])
				}
			}
			if code, _, _ := c.do("GET", dash+"/details/nothing", nil); code != 404 {
				t.Errorf("unknown panel: %d", code)
			}
			if code, _, _ := c.do("GET", "/services/parking-permits/analytics/details/pages?"+url.Values{"from": {"2026-02-01"}, "to": {"2026-01-01"}}.Encode(), nil); code != 400 {
				t.Errorf("a period that ends before it starts: %d", code)
			}
		})
	}
}

// sendEvent sends one event as a browser would.
func sendEvent(t *testing.T, base, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/event", strings.NewReader(body))
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("event: %d", resp.StatusCode)
	}
}

// rowLabels are the first cells of a breakdown table's rows.
func rowLabels(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr class="bar-\d+"><th scope="row"><a href="[^"]*" title="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// sectionOf is the element with that id, up to its section's end.
func sectionOf(page, id string) string {
	_, rest, _ := strings.Cut(page, `id="`+id+`"`)
	s, _, _ := strings.Cut(rest, "</section>")
	return s
}
