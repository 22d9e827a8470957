package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowserEveryPage visits every page of the demo, public and signed in
// (found by following the links from the home page), at 320 and 1,280 px
// wide: axe-core finds nothing broken against WCAG 2.2 A and AA, no page
// is wider than the window (reflow, WCAG 1.4.10), and a screenshot of each
// is kept (LIVEOPS_SCREENSHOTS) for a person to look at. Every problem of
// every page is reported, not only the first.
func TestBrowserEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("every page at two widths: not in -short")
	}
	axe := webtest.AxeScript(t)
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	creds, err := a.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	// LIVEOPS_PAGES=REGEXP checks only the pages whose path matches (the
	// crawl still follows every link), for working on a few.
	only := regexp.MustCompile(os.Getenv("LIVEOPS_PAGES"))
	check := func(path string) []string {
		var found []string
		if !only.MatchString(path) {
			webtest.Step(t, ctx, "open "+path, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
			return nil
		}
		for _, width := range []int64{1280, 320} {
			webtest.Step(t, ctx, "open "+path, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv.URL+path),
				chromedp.WaitReady(chromedp.CSS("body")))
			if o := webtest.Overflow(t, ctx); o != "" {
				found = append(found, fmt.Sprintf("%s at %d px: %s", path, width, o))
			}
			for _, v := range webtest.Axe(t, ctx, axe) {
				found = append(found, fmt.Sprintf("%s at %d px: %s", path, width, v))
			}
			screenshot(t, ctx, fmt.Sprintf("page-%s-%d", shotName(path), width))
		}
		return found
	}

	var problems []string
	// The public pages, before signing in.
	for _, p := range []string{"/login", "/survey/parking-permits", "/survey/parking-permits?lang=cy",
		"/survey/parking-permits/thanks?lang=cy", "/feedback/thanks?domain=parking.example.gov&url=https%3A%2F%2Fparking.example.gov%2Fapply&lang=cy", "/performance"} {
		problems = append(problems, check(p)...)
	}

	webtest.Step(t, ctx, "sign in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), creds.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), creds.Password),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".tiles")))

	// Every page the links reach, once per kind: one feedback item stands
	// for all, one dashboard filter for every filter.
	seen := map[string]bool{}
	queue := []string{"/"}
	visited := 0
	for len(queue) > 0 && visited < maxCrawledPages {
		path := queue[0]
		queue = queue[1:]
		visited++
		problems = append(problems, check(path)...)
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.href)`))
		if err != nil {
			t.Fatalf("links of %s: %v", path, err)
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || "http://"+u.Host != srv.URL || !crawlable(u.Path) {
				continue
			}
			kind := pageKind(u)
			if seen[kind] {
				continue
			}
			seen[kind] = true
			queue = append(queue, u.RequestURI())
		}
	}
	if visited < 25 {
		t.Errorf("only %d pages reached from the home page: the crawl lost its way", visited)
	}
	t.Logf("%d signed-in pages and 6 public ones checked at 320 and 1,280 px", visited)
	for _, p := range problems {
		t.Error(p)
	}
}

// maxCrawledPages bounds the crawl: the demo has about 40 kinds of page.
const maxCrawledPages = 90

// crawlable is whether the crawl opens a path: pages, not files, feeds or
// the API.
func crawlable(path string) bool {
	for _, skip := range []string{"/api/", "/js/", "/static/", "/metrics", "/healthz", "/s/", "/setup/"} {
		if strings.HasPrefix(path, skip) {
			return false
		}
	}
	for _, skip := range []string{".csv", ".pdf", ".json", ".svg", ".png", ".atom", "/export/"} {
		if strings.HasSuffix(path, skip) || strings.Contains(path, skip) {
			return false
		}
	}
	return true
}

var digits = regexp.MustCompile(`/[0-9]+`)

// pageKind names what a URL shows, so that the crawl opens one of each:
// ids become N, and only the query's names count (a dashboard filtered by
// one page is the same kind as filtered by another), with the period's
// value kept, since each period draws a different chart. A dashboard with
// a tab chosen is one kind, as are a panel's details: the same template
// with other figures.
func pageKind(u *url.URL) string {
	q := u.Query()
	var names []string
	for name := range q {
		switch name {
		case "period":
			if !q.Has("tab") {
				names = append(names, name+"="+q.Get(name))
			}
		case "view":
			names = append(names, name+"="+q.Get(name))
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	path := digits.ReplaceAllString(u.Path, "/N")
	// A panel's details are one kind of page, whichever the panel.
	if i := strings.Index(path, "/analytics/details/"); i >= 0 {
		path = path[:i] + "/analytics/details/PANEL"
	}
	return path + "?" + strings.Join(names, "&")
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

func shotName(path string) string {
	name := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(path), "-"), "-")
	if name == "" {
		name = "home"
	}
	return name[:min(len(name), 80)]
}
