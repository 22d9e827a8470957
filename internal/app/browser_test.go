package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// browser starts headless Chromium at a desktop size, presenting a
// desktop browser's user agent (see webtest.Chromium).
func browser(t *testing.T) context.Context {
	return webtest.Chromium(t, chromedp.WindowSize(1280, 900), chromedp.UserAgent(webtest.DesktopChrome))
}

// screenshot saves the page for a person to look at (see webtest.Screenshot).
func screenshot(t *testing.T, ctx context.Context, name string) { webtest.Screenshot(t, ctx, name) }

// TestBrowserSignInAndAddService: a person signs in, adds a service, and
// finds its tile on the home page, using the keyboard-reachable form
// controls of a real browser.
func TestBrowserSignInAndAddService(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	if _, err := a.Accounts.CreateUser(context.Background(), account.NewUser{
		Email: "owner@example.gov", Role: auth.Admin, Password: "a long enough password", AllServices: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	webtest.Step(t, ctx, "open sign-in", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#email")))
	// The first Tab reaches the skip link.
	webtest.Step(t, ctx, "tab", chromedp.KeyEvent("\t"))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.activeElement.textContent"))
	if err != nil || focused != "Skip to main content" {
		t.Fatalf("first Tab focuses %q (%v), want the skip link", focused, err)
	}
	screenshot(t, ctx, "01-sign-in")
	webtest.Step(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.CSS("#email"), "owner@example.gov"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/services/new']")),
	)
	screenshot(t, ctx, "02-home-empty")

	webtest.Step(t, ctx, "open the form", chromedp.Click(chromedp.CSS("a.button[href='/services/new']")), chromedp.WaitVisible(chromedp.CSS("#name")))
	webtest.Step(t, ctx, "submit it empty", chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if s := webtest.Text(t, ctx, ".error-summary"); !strings.Contains(s, "There is a problem") {
		t.Fatalf("error summary says %q", s)
	}
	screenshot(t, ctx, "03-new-service-errors")
	webtest.Step(t, ctx, "fill it in",
		chromedp.SendKeys(chromedp.CSS("#name"), "Renew a fishing licence"),
		chromedp.SendKeys(chromedp.CSS("#domains"), "fishing.example.gov"),
		chromedp.SetValue(chromedp.CSS("#timezone"), "Europe/London"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("dl.summary")),
	)
	screenshot(t, ctx, "04-service")
	webtest.Step(t, ctx, "go home", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	if s := webtest.Text(t, ctx, ".tiles"); !strings.Contains(s, "Renew a fishing licence") || !strings.Contains(s, "fishing.example.gov") {
		t.Fatalf("home page tiles say %q", s)
	}
	screenshot(t, ctx, "05-home-with-tile")

	// On a phone the page must fit its width: no sideways scrolling.
	webtest.Step(t, ctx, "phone", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(srv.URL+"/services/renew-a-fishing-licence"), chromedp.WaitVisible(chromedp.CSS("dl.summary")))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
	if err != nil || overflow {
		t.Fatalf("page is wider than a phone screen (%v)", err)
	}
	screenshot(t, ctx, "06-service-on-phone")
}

// TestBrowserTrackerToDashboard: a page carrying the tracker is opened and
// a link on it clicked in a real browser; the page view and the click
// then show on the service's dashboard.
func TestBrowserTrackerToDashboard(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	bg := context.Background()
	svc, err := a.Catalog.Create(bg, catalog.Input{Name: "Renew a fishing licence", Domains: []string{"fishing.example.gov"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.CreateUser(bg, account.NewUser{
		Email: "owner@example.gov", Role: auth.Admin, Password: "a long enough password", AllServices: true}); err != nil {
		t.Fatal(err)
	}
	liveops := httptest.NewServer(a.Handler())
	defer liveops.Close()
	// The service's own site, on another origin; its outbound link goes to
	// a third, all on loopback.
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!doctype html><title>Elsewhere</title><h1>Elsewhere</h1>")
	}))
	defer elsewhere.Close()
	outbound := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1) + "/guidance"
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Start</title>
<script defer data-local data-domain="fishing.example.gov" data-api="%[1]s/api/event" src="%[1]s/js/script.js"></script>
<h1>Renew your fishing licence</h1><p><a id="out" href="%[2]s">Read the guidance</a></p>`, liveops.URL, outbound)
	}))
	defer site.Close()

	webtest.Step(t, ctx, "open the service's page", chromedp.Navigate(site.URL+"/start"), chromedp.WaitVisible(chromedp.CSS("#out")),
		chromedp.Sleep(300*time.Millisecond)) // the tracker loads deferred and sends its page view
	webtest.Step(t, ctx, "follow the outbound link", chromedp.Click(chromedp.CSS("#out")), chromedp.WaitVisible(chromedp.CSS("h1")))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := a.Events.Flush(bg); err != nil {
			t.Fatal(err)
		}
		var n int
		a.DB.QueryRowContext(bg, `SELECT count(*) FROM analytics_events WHERE service_id = $1`, svc.ID).Scan(&n)
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	webtest.Step(t, ctx, "sign in", chromedp.Navigate(liveops.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "owner@example.gov"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	webtest.Step(t, ctx, "open the dashboard", chromedp.Navigate(liveops.URL+"/services/"+svc.Slug+"/analytics?period=day"),
		chromedp.WaitVisible(chromedp.CSS("#panel-pages")))
	if pages := webtest.Text(t, ctx, "#panel-pages + .table-wrap"); !strings.Contains(pages, "/start") {
		t.Fatalf("top pages: %q", pages)
	}
	screenshot(t, ctx, "07-dashboard")
	webtest.Step(t, ctx, "open the custom events tab", chromedp.Click(chromedp.CSS(`#box-conversions .tabs a[href*="tab=events"]`)),
		chromedp.WaitVisible(chromedp.CSS("#panel-events + .table-wrap")))
	if events := webtest.Text(t, ctx, "#panel-events + .table-wrap"); !strings.Contains(events, "Outbound Link: Click") {
		t.Fatalf("custom events: %q", events)
	}
	webtest.Step(t, ctx, "filter by the page", chromedp.Click(chromedp.CSS("#panel-pages + .table-wrap tbody a")), chromedp.WaitVisible(chromedp.CSS(".chips")))
	if chips := webtest.Text(t, ctx, ".chips"); !strings.Contains(chips, "/start") {
		t.Fatalf("filter chips: %q", chips)
	}
	screenshot(t, ctx, "08-dashboard-filtered")
}

// TestBrowserDemoDashboard: the demo's 90 days of traffic fill the
// dashboard; look at the screenshot.
func TestBrowserDemoDashboard(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	creds, err := a.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	// Each step has its own deadline (webtest.Step): a machine busy with
	// other packages' tests is slow, not wrong.
	webtest.Step(t, ctx, "sign in", chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), creds.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), creds.Password),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	webtest.Step(t, ctx, "open the dashboard", chromedp.Navigate(srv.URL+"/services/parking-permits/analytics"),
		chromedp.WaitVisible(chromedp.CSS("#panel-pages")))
	if pages := webtest.Text(t, ctx, "#panel-pages + .table-wrap"); !strings.Contains(pages, "/start") || !strings.Contains(pages, "/apply/confirmation") {
		t.Fatalf("top pages: %q", pages)
	}
	screenshot(t, ctx, "09-demo-dashboard")
	webtest.Step(t, ctx, "open the campaigns tab", chromedp.Click(chromedp.CSS(`#box-sources .tabs a[href*="tab=campaigns"]`)),
		chromedp.WaitVisible(chromedp.CSS("#panel-campaigns + .table-wrap")))
	if campaigns := webtest.Text(t, ctx, "#panel-campaigns + .table-wrap"); !strings.Contains(campaigns, "renewal-reminder") && !strings.Contains(campaigns, "spring-parking") {
		t.Fatalf("campaigns: %q", campaigns)
	}
	demoChartReadout(t, ctx)
	demoDashboardPanels(t, ctx, srv.URL)

	// The demo's feedback: the pages that do worst first, and the themes.
	webtest.Step(t, ctx, "open the feedback summary", chromedp.Navigate(srv.URL+"/services/parking-permits/feedback/summary"),
		chromedp.WaitVisible(chromedp.CSS("main h1")))
	if summary := webtest.Text(t, ctx, "main"); !strings.Contains(summary, "/apply/payment") || !strings.Contains(summary, "payment") {
		t.Fatalf("feedback summary: %q", summary)
	}
	screenshot(t, ctx, "13-demo-feedback-summary")
	demoHeldFeedback(t, ctx, srv.URL)
	demoAuditLog(t, ctx, srv.URL)

	// The home page's tile carries the demo's four KPIs.
	webtest.Step(t, ctx, "go home", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	if tiles := webtest.Text(t, ctx, ".tiles"); !strings.Contains(tiles, "Completion rate") || !strings.Contains(tiles, "Digital take-up") {
		t.Fatalf("home tiles: %q", tiles)
	}
	screenshot(t, ctx, "14-demo-home")
}

// demoDashboardPanels: on the demo's dashboard, the hostnames panels show
// both of its hostnames, and the custom properties panel switches property
// with its form (keyboard only, no script needed) and filters the whole
// dashboard by a value; at 1,280 and at 320 px wide. Look at the screenshots.
func demoDashboardPanels(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	dash := base + "/services/parking-permits/analytics"
	for _, tab := range []string{"entry-hostnames", "exit-hostnames"} {
		webtest.Step(t, ctx, "open the "+tab+" tab", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(dash+"?tab="+tab),
			chromedp.WaitVisible(chromedp.CSS("#panel-"+tab)))
		if s := webtest.Text(t, ctx, "#panel-"+tab+" + .table-wrap"); !strings.Contains(s, "guidance.parking.example.gov") || !strings.Contains(s, "\nparking.example.gov") {
			t.Fatalf("%s: %q", tab, s)
		}
	}
	webtest.Step(t, ctx, "open the custom properties tab", chromedp.Navigate(dash+"?tab=props"), chromedp.WaitVisible(chromedp.CSS("#panel-props")))
	webtest.Step(t, ctx, "choose a property with the keyboard",
		// The old page has the panel too: mark it, to wait for the new one.
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Focus(chromedp.CSS("#prop")),
		chromedp.SetValue(chromedp.CSS("#prop"), "permit_type"), chromedp.Focus(chromedp.CSS(".prop-form button")),
		chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(`body:not([data-old]) #panel-props ~ .table-wrap th[scope=col]`)))
	if s := webtest.Text(t, ctx, "#panel-props ~ .table-wrap"); !strings.Contains(s, "resident") || !strings.Contains(s, "permit_type") {
		t.Fatalf("custom properties: %q", s)
	}
	shots := func(width string) {
		for _, id := range []string{"conversions", "pages", "devices"} {
			webtest.ScreenshotOf(t, ctx, "#box-"+id, "15-box-"+id+"-"+width)
		}
	}
	shots("1280")
	webtest.Step(t, ctx, "filter by a property value", chromedp.Click(chromedp.CSS("#panel-props ~ .table-wrap tbody a")),
		chromedp.WaitVisible(chromedp.CSS(".chips")))
	if s := webtest.Text(t, ctx, ".chips"); !strings.Contains(s, "Property permit_type is") {
		t.Fatalf("chips: %q", s)
	}
	webtest.ScreenshotOf(t, ctx, ".filters", "16-property-chip-1280")

	// A phone held upright at the narrowest width WCAG's reflow asks for.
	webtest.Step(t, ctx, "320 px", chromedp.EmulateViewport(320, 800), chromedp.Navigate(dash+"?tab=props&prop=permit_type&f=visit:screen|Mobile"),
		chromedp.WaitVisible(chromedp.CSS("#panel-props")))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
	if err != nil || overflow {
		t.Fatalf("the dashboard is wider than 320 px (%v)", err)
	}
	if s := webtest.Text(t, ctx, ".chips"); !strings.Contains(s, "Screen size is Mobile") {
		t.Fatalf("chips: %q", s)
	}
	webtest.ScreenshotOf(t, ctx, ".filters", "16-screen-chip-320")
	shots("320")
}

// demoChartReadout: the chart names a day's figures under the pointer and
// on the arrow keys, in a line a screen reader reads out.
func demoChartReadout(t *testing.T, ctx context.Context) {
	t.Helper()
	webtest.Step(t, ctx, "read the chart with the keyboard", chromedp.Focus(chromedp.CSS(".chart-box")),
		chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.ArrowLeft),
		chromedp.WaitVisible(chromedp.CSS(".chart .hit.active")))
	readout := webtest.Text(t, ctx, "#chart-readout")
	last, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(h => h[h.length-2].dataset.text)(document.querySelectorAll(".chart .hit"))`))
	if err != nil || readout != last || !strings.Contains(readout, "visitors") || !strings.Contains(readout, "page views") {
		t.Fatalf("after End and Left the chart reads %q, want the day before the last, %q (%v)", readout, last, err)
	}
	// The first day's area, a little inside its left edge.
	at, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](
		`(r => [r.x + 4, r.y + r.height / 2])(document.querySelector(".chart .hit").getBoundingClientRect())`))
	if err != nil || len(at) != 2 {
		t.Fatalf("the chart's first area: %v %v", at, err)
	}
	webtest.Step(t, ctx, "point at the chart", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at[0], at[1]))
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".chart .hit").dataset.text`))
	if got := webtest.Text(t, ctx, "#chart-readout"); err != nil || got != first {
		t.Fatalf("pointing at the first day, the chart reads %q, want %q (%v)", got, first, err)
	}
	webtest.ScreenshotOf(t, ctx, "section:has(> #chart-heading)", "09-demo-chart-readout")
}

// demoHeldFeedback: the demo's burst of survey answers is held back from
// the figures; the inbox says so, lists them, and one is counted with a
// button on its page; at 1,280 and 320 px wide. Look at the screenshots.
func demoHeldFeedback(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	inbox := base + "/services/parking-permits/feedback"
	webtest.Step(t, ctx, "open the inbox", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(inbox),
		chromedp.WaitVisible(chromedp.CSS("#held-title")))
	if s := webtest.Text(t, ctx, "#held-title"); s != "4 items are held back from the figures" {
		t.Fatalf("held notice: %q", s)
	}
	webtest.ScreenshotOf(t, ctx, ".notice.attention", "17-held-notice-1280")
	webtest.Step(t, ctx, "review the held items", chromedp.Click(chromedp.CSS(".notice.attention a")),
		chromedp.WaitVisible(chromedp.CSS(".feedback-list .tag-held")))
	if s := webtest.Text(t, ctx, "#items"); s != "4 items match the filters" {
		t.Fatalf("held list: %q", s)
	}
	webtest.ScreenshotOf(t, ctx, ".feedback-list > li:first-child", "17-held-item-1280")
	webtest.Step(t, ctx, "open one", chromedp.Click(chromedp.CSS(".feedback-list > li:first-child .row-main")),
		chromedp.WaitVisible(chromedp.CSS(`main form[action$="/count"] button`)))
	webtest.Step(t, ctx, "count it", chromedp.Click(chromedp.CSS(`main form[action$="/count"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#items")))
	if s := webtest.Text(t, ctx, "#items"); s != "3 items match the filters" {
		t.Fatalf("after counting one: %q", s)
	}
	webtest.Step(t, ctx, "the inbox at 320 px", chromedp.EmulateViewport(320, 800), chromedp.Navigate(inbox),
		chromedp.WaitVisible(chromedp.CSS("#held-title")))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
	if err != nil || overflow {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("*")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 15).join("; ")`))
		t.Fatalf("the inbox is wider than 320 px (%v): %s", err, wide)
	}
	webtest.ScreenshotOf(t, ctx, ".notice.attention", "17-held-notice-320")
	webtest.Step(t, ctx, "the held items at 320 px", chromedp.Navigate(inbox+"?held=yes"),
		chromedp.WaitVisible(chromedp.CSS(".feedback-list .tag-held")))
	webtest.ScreenshotOf(t, ctx, ".feedback-list > li:first-child", "17-held-item-320")
}

// demoAuditLog: the audit log lists the sign-in and the held item counted
// just before, at 1,280 and 320 px wide. Look at the screenshots.
func demoAuditLog(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	for _, width := range []int64{1280, 320} {
		webtest.Step(t, ctx, fmt.Sprintf("the audit log at %d px", width), chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS(".audit-list")))
		if s := webtest.Text(t, ctx, ".audit-list"); !strings.Contains(s, "POST /services/{slug}/feedback/{id}/count") || !strings.Contains(s, "POST /login") {
			t.Fatalf("audit log: %q", s)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
		if err != nil || overflow {
			t.Fatalf("the audit log is wider than %d px (%v)", width, err)
		}
		webtest.ScreenshotOf(t, ctx, "main", fmt.Sprintf("18-audit-log-%d", width))
	}
}
