package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestTrackingStatus: a team testing its new tag sees on the tracking page
// that nothing has arrived yet, and why the events it sent were not
// counted — an automated browser, a tag naming the wrong data-domain, an
// excluded address — then, once an ordinary browser opens a page, that
// events arrive. The counts reach the page through analytics_drops, as
// another node's would, and the status part the page's script refreshes
// says the same.
func TestTrackingStatus(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Renew a licence", Domains: []string{"renew.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "team@example.gov", Role: auth.Editor,
				Password: "a long enough password", ServiceIDs: []int64{svc.ID}}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			c := newClient(t, srv.URL)
			c.signIn("team@example.gov", "a long enough password")
			settings := "/services/" + svc.Slug + "/analytics/settings"
			c.page(settings, 200, "Waiting for the first event", "Copy the tag", "/js/script.js")
			// A new service's pages say what to do first.
			c.page("/services/"+svc.Slug, 200, "At a glance", "None yet", `href="`+settings+`"`)
			c.page("/", 200, "Put the tag on your pages")
			c.page("/services/"+svc.Slug+"/analytics", 200, "No visits yet", `href="`+settings+`"`)
			if body := c.page("/services/"+svc.Slug+"/kpis", 200, "What the KPIs still need", `href="/services/`+svc.Slug+`/kpis/settings"`,
				`href="/services/`+svc.Slug+`/kpis/costs"`, "Not provided yet"); strings.Contains(body, "out of date") {
				t.Fatal("a new service's KPIs are called out of date")
			}

			send := func(ua, domain, page, forwarded string) string {
				t.Helper()
				req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(
					`{"n":"pageview","u":"https://`+page+`/start","d":"`+domain+`"}`))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", ua)
				if forwarded != "" {
					req.Header.Set("X-Forwarded-For", forwarded)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 202 {
					t.Fatalf("event: %d", resp.StatusCode)
				}
				return resp.Header.Get("X-Liveops-Dropped")
			}
			const headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
			const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
			for range 3 {
				if why := send(headless, "renew.example.gov", "renew.example.gov", ""); why != "bot" {
					t.Fatalf("headless browser: dropped %q", why)
				}
			}
			// The tag names the staging site, but the page is the service's.
			if why := send(firefox, "staging.renew.example.gov", "renew.example.gov", ""); why != "unknown_domain" {
				t.Fatalf("wrong data-domain: dropped %q", why)
			}
			// Drops of a page no service has are nobody's.
			send(firefox, "nobody.example.org", "nobody.example.org", "")
			// As another node would, this one adds its counts to the table;
			// the page then reads them from there.
			if err := a.Jobs.RunNow(ctx, "analytics.drops"); err != nil {
				t.Fatal(err)
			}
			body := c.page(settings, 200, "Waiting for the first event", "3 events from automated browsers or crawlers",
				"1 event naming a site this service does not have", "renew.example.gov.")
			if strings.Contains(body, "nobody.example.org") || strings.Contains(body, "staging.renew") {
				t.Fatalf("the page repeats what a sender wrote:\n%s", body)
			}
			var n int64
			if err := a.DB.QueryRowContext(ctx, `SELECT sum(events) FROM analytics_drops WHERE service_id = $1`, svc.ID).Scan(&n); err != nil || n != 4 {
				t.Fatalf("analytics_drops holds %d for the service (%v), want 4", n, err)
			}

			if why := send(firefox, "renew.example.gov", "renew.example.gov", ""); why != "" {
				t.Fatalf("an ordinary browser's event was dropped: %q", why)
			}
			if err := a.Events.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			code, part, h := c.do("GET", settings+"/status", nil)
			if code != 200 || !strings.Contains(part, "Receiving events") || !strings.Contains(part, "1 event in the last hour") ||
				strings.Contains(part, "<main") || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("status part: %d %q %v", code, part, h)
			}
			c.page(settings, 200, "Receiving events", "3 events from automated browsers")
			if body := c.page("/services/"+svc.Slug+"/analytics", 200); strings.Contains(body, "No visits yet") {
				t.Fatal("the dashboard still says no visits")
			}

			// Someone who may not see the service gets neither.
			other := newClient(t, srv.URL)
			if code, _, _ := other.do("GET", settings+"/status", nil); code == 200 {
				t.Fatalf("status part without signing in: %d", code)
			}
		})
	}
}

// TestBrowserTrackingStatus: the tracking page notices the first event by
// itself, without a reload, and its button copies the tag; at 1,280 and
// 320 px. Look at the screenshots.
func TestBrowserTrackingStatus(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	bg := context.Background()
	svc, err := a.Catalog.Create(bg, catalog.Input{Name: "Renew a licence", Domains: []string{"renew.example.gov"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.CreateUser(bg, account.NewUser{Email: "team@example.gov", Role: auth.Editor,
		Password: "a long enough password", ServiceIDs: []int64{svc.ID}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	settings := srv.URL + "/services/" + svc.Slug + "/analytics/settings"
	webtest.Step(t, ctx, "sign in", chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "team@example.gov"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	webtest.Step(t, ctx, "open the tracking page", chromedp.Navigate(settings), chromedp.WaitVisible(chromedp.CSS("button[data-copy]")))
	if s := webtest.Text(t, ctx, "#tracking-status"); !strings.Contains(s, "Waiting for the first event") {
		t.Fatalf("status: %q", s)
	}
	screenshot(t, ctx, "17-tracking-waiting-1280")

	// An ordinary browser opens a page with the tag.
	req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(`{"n":"pageview","u":"https://renew.example.gov/","d":"renew.example.gov"}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", webtest.DesktopChrome)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := a.Events.Flush(bg); err != nil {
		t.Fatal(err)
	}
	webtest.Step(t, ctx, "see the event arrive without a reload",
		chromedp.WaitVisible(chromedp.CSS(`#tracking-status strong`)),
		chromedp.Poll[chromedp.Void](`document.getElementById("tracking-status").textContent.includes("Receiving events")`))

	webtest.Step(t, ctx, "copy the tag", chromedp.Click(chromedp.CSS("button[data-copy]")))
	// Headless Chromium may refuse the clipboard; either way the page says so.
	webtest.Step(t, ctx, "the page says what the button did", chromedp.Poll[chromedp.Void](`document.querySelector(".copy-done").textContent !== ""`))
	screenshot(t, ctx, "17-tracking-receiving-1280")
	webtest.Step(t, ctx, "320 px", chromedp.EmulateViewport(320, 800), chromedp.Navigate(settings), chromedp.WaitVisible(chromedp.CSS("#tracking-status")))
	if o := webtest.Overflow(t, ctx); o != "" {
		t.Fatalf("the tracking page at 320 px: %s", o)
	}
	screenshot(t, ctx, "17-tracking-receiving-320")
}
