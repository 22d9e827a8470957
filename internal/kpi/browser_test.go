package kpi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/brand"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowser opens the KPI page and the public performance pages in a
// real browser without script, changes the period, uploads through the
// preview, and sorts the public list. Screenshots go to
// LIVEOPS_SCREENSHOTS.
func TestBrowser(t *testing.T) {
	ctx := webtest.Chromium(t, chromedp.WindowSize(1280, 900))
	db := storetest.SQLite(t)
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t, db: db, site: site, fakes: newFakes(), now: fixedNow}
	hs.cat = catalog.New(db)
	hs.kpi = kpi.New(db, hs.cat, hs.fakes.options())
	hs.kpi.Now = hs.clock
	h, err := kpi.NewHandler(hs.kpi, site)
	if err != nil {
		t.Fatal(err)
	}
	// The browser is the editor everywhere but the public pages.
	asEditor := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/performance") {
				r.Header.Set("X-Test-As", "editor")
			}
			next.ServeHTTP(w, r)
		})
	}
	hs.Server = webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", site.ServeStatic)
		return web.Chain(site.Mux(mux), asEditor, web.SecurityHeaders())
	})
	s := yearFixture(t, hs)

	kpis := hs.URL + "/services/" + s.Slug + "/kpis"
	webtest.Step(t, ctx, "open the KPI page", chromedp.Navigate(kpis), chromedp.WaitVisible(chromedp.CSS("#headline-heading")))
	if got := webtest.Text(t, ctx, "h1"); got != "Parking permits: KPIs" {
		t.Fatalf("h1 %q", got)
	}
	webtest.Screenshot(t, ctx, "kpi-01-page")
	webtest.Step(t, ctx, "show by quarter",
		chromedp.SetValue(chromedp.CSS("#interval"), "quarter"),
		chromedp.Click(chromedp.CSS(".range-form button")),
		chromedp.WaitVisible(chromedp.CSS("#headline-heading")),
	)
	// The form is a GET: wait for the browser to be on its answer.
	var loc string
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(loc, "interval=quarter") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		loc, _ = chromedp.Run(sctx, chromedp.Location())
		cancel()
	}
	webtest.Step(t, ctx, "wait for the page", chromedp.WaitVisible(chromedp.CSS("#headline-heading")))
	if !strings.Contains(loc, "interval=quarter") || !strings.Contains(webtest.Text(t, ctx, "#trends-heading + h3"), "by quarter") {
		t.Fatalf("after choosing quarters: %s", loc)
	}
	webtest.Screenshot(t, ctx, "kpi-02-by-quarter")

	webtest.Step(t, ctx, "paste transactions and preview",
		chromedp.Navigate(kpis+"/transactions"),
		chromedp.WaitVisible(chromedp.CSS("#data")),
		chromedp.SendKeys(chromedp.CSS("#data"), "date,channel,started,completed\n2026-05,phone,999,900\n2026-06-01,paper,5,4\n"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main form.actions")),
	)
	if got := webtest.Text(t, ctx, "main p:nth-of-type(2)"); !strings.Contains(got, "Saving would add 1, replace 1") {
		t.Fatalf("preview says %q", got)
	}
	webtest.Screenshot(t, ctx, "kpi-03-preview")
	webtest.Step(t, ctx, "save", chromedp.Click(chromedp.CSS("main form.actions button")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if got := webtest.Text(t, ctx, ".notice"); got != "The transactions are saved: 1 added, 1 replaced, 0 unchanged." {
		t.Fatalf("after saving: %q", got)
	}

	webtest.Step(t, ctx, "open the settings", chromedp.Navigate(kpis+"/settings"), chromedp.WaitVisible(chromedp.CSS("#main_funnel")))
	webtest.Screenshot(t, ctx, "kpi-03-settings")

	webtest.Step(t, ctx, "paste bad costs",
		chromedp.Navigate(kpis+"/costs"),
		chromedp.WaitVisible(chromedp.CSS("#data")),
		chromedp.SendKeys(chromedp.CSS("#data"), "from,to,channel,amount\n2026-06-01,2026-05-01,phone,100\n2026-06-01,2026-06-30,post,£5\n"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#problems")),
	)
	if got := webtest.Text(t, ctx, ".error-summary a"); got != "The costs have problems on 2 lines; nothing was saved." {
		t.Fatalf("error summary %q", got)
	}
	webtest.Screenshot(t, ctx, "kpi-04-upload-problems")

	webtest.Step(t, ctx, "open the public page", chromedp.Navigate(hs.URL+"/performance/"+s.Slug), chromedp.WaitVisible(chromedp.CSS("#headline-heading")))
	webtest.Screenshot(t, ctx, "kpi-05-public")
	webtest.Step(t, ctx, "open the public list", chromedp.Navigate(hs.URL+"/performance"), chromedp.WaitVisible(chromedp.CSS("table")))
	webtest.Step(t, ctx, "sort by digital take-up", chromedp.Click(chromedp.CSS(`a[href*="sort=digital_take_up"]`)), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"] a[href*="digital_take_up"]`)))
	webtest.Screenshot(t, ctx, "kpi-06-public-list")
}

// yearFixture is a public service with a year of figures on every
// channel, a funnel, answers, costs by quarter and targets, ending in May
// 2026.
func yearFixture(t *testing.T, hs *harness) *catalog.Service {
	t.Helper()
	s := hs.service("Parking permits", "Europe/London", true)
	hs.service("Blue badges", "Europe/London", true)
	hs.settings(s, func(set *kpi.Settings) {
		set.MainFunnelID = hs.funnel(s)
		set.Targets = map[kpi.Name]kpi.Target{
			kpi.CompletionRate: {Micro: 800_000, Direction: kpi.Higher}, kpi.DigitalTakeUp: {Micro: 750_000, Direction: kpi.Higher},
			kpi.UserSatisfaction: {Micro: 850_000, Direction: kpi.Higher}, kpi.CostPerTransaction: {Micro: 4_000_000, Direction: kpi.Lower},
		}
	})
	var rows, costs []string
	rows = append(rows, "date,channel,started,completed")
	costs = append(costs, "from,to,channel,amount")
	for m := 0; m < 12; m++ {
		month := time.Date(2025, 6+time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		for d := 0; d < 31 && month.AddDate(0, 0, d).Month() == month.Month(); d++ {
			day := month.AddDate(0, 0, d)
			hs.fakes.funnel(day.Format(time.DateOnly), 120+m*6+d%7, 95+m*6+d%5)
			if d%3 == 0 {
				hs.fakes.answer(s, day.Add(10*time.Hour), 3+(d+m)%3, 1+m%2)
			}
		}
		rows = append(rows, fmt.Sprintf("%s,phone,%d,%d", month.Format("2006-01"), 1400-m*60, 1300-m*58),
			fmt.Sprintf("%s,paper,%d,%d", month.Format("2006-01"), 600-m*30, 520-m*27),
			fmt.Sprintf("%s,face_to_face,%d,%d", month.Format("2006-01"), 200, 190))
		if m%3 == 0 {
			last := month.AddDate(0, 3, -1)
			costs = append(costs, fmt.Sprintf("%s,%s,all,%d", month.Format(time.DateOnly), last.Format(time.DateOnly), 30000),
				fmt.Sprintf("%s,%s,phone,%d", month.Format(time.DateOnly), last.Format(time.DateOnly), 21000-m*500))
		}
	}
	hs.transactions(s, lines(rows...))
	hs.costs(s, lines(costs...))
	return s
}

// TestBrowserPublicInWelsh opens the public performance page and the list
// in English and in Welsh (by the language switch) at 320 and 1,280 px:
// axe-core finds nothing broken against WCAG 2.2 A and AA, and nothing
// makes the page wider than the window, long Welsh words included.
// Screenshots go to LIVEOPS_SCREENSHOTS.
func TestBrowserPublicInWelsh(t *testing.T) {
	axe := webtest.AxeScript(t)
	ctx := webtest.Chromium(t, chromedp.WindowSize(1280, 900))
	db := storetest.SQLite(t)
	b := brand.New(db)
	hs := newHarness(t, db, withBrand(b))
	s := yearFixture(t, hs)
	// The 12 months before, a little worse, for the comparisons.
	rows, costs := []string{"date,channel,started,completed"}, []string{"from,to,channel,amount"}
	for m := range 12 {
		month := time.Date(2024, 6+time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		for d := 0; month.AddDate(0, 0, d).Month() == month.Month(); d++ {
			hs.fakes.funnel(month.AddDate(0, 0, d).Format(time.DateOnly), 120+m*5, 85+m*5)
			if d%4 == 0 {
				hs.fakes.answer(s, month.AddDate(0, 0, d).Add(10*time.Hour), 2+(d+m)%4, 1)
			}
		}
		rows = append(rows, fmt.Sprintf("%s,phone,%d,%d", month.Format("2006-01"), 1600-m*50, 1500-m*50))
		if m%3 == 0 {
			costs = append(costs, fmt.Sprintf("%s,%s,all,%d", month.Format(time.DateOnly), month.AddDate(0, 3, -1).Format(time.DateOnly), 36000))
		}
	}
	hs.transactions(s, lines(rows...))
	hs.costs(s, lines(costs...))
	if err := b.SaveService(context.Background(), s.ID, brand.Service{WelshName: "Gwneud cais am drwydded barcio i breswylwyr"}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []struct{ name, path, h1 string }{
		{"en", "/performance/" + s.Slug, "Parking permits: performance"},
		{"cy", "/performance/" + s.Slug + "?lang=cy", "Gwneud cais am drwydded barcio i breswylwyr: perfformiad"},
		{"list-cy", "/performance?lang=cy", "Perfformiad gwasanaethau"},
	} {
		for _, width := range []int64{1280, 320} {
			webtest.Step(t, ctx, fmt.Sprintf("open %s at %d px", page.path, width), chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(hs.URL+page.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if got := webtest.Text(t, ctx, "h1"); got != page.h1 {
				t.Errorf("%s: h1 %q, want %q", page.path, got, page.h1)
			}
			if o := webtest.Overflow(t, ctx); o != "" {
				t.Errorf("%s at %d px: %s", page.path, width, o)
			}
			for _, v := range webtest.Axe(t, ctx, axe) {
				t.Errorf("%s at %d px: %s", page.path, width, v)
			}
			webtest.Screenshot(t, ctx, fmt.Sprintf("kpi-07-public-%s-%d", page.name, width))
		}
	}
	// The switch on the English page leads to the Welsh one.
	webtest.Step(t, ctx, "switch to Welsh", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(hs.URL+"/performance/"+s.Slug),
		chromedp.WaitVisible(chromedp.CSS("h1")), chromedp.Click(chromedp.CSS(`a[hreflang="cy"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="cy"] h1`)))
	if got := webtest.Text(t, ctx, "#headline-heading"); got != "Y pedwar mesur" {
		t.Errorf("after the switch: %q", got)
	}
}
