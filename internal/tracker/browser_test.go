package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/embedjs"
	"github.com/liveops/liveops/internal/web/webtest"
)

// browser starts headless Chromium for one test (see webtest.Chromium).
func browser(t *testing.T) context.Context { return webtest.Chromium(t) }

// hit is one request that reached an event endpoint of the test site.
type hit struct {
	Method, Path, ContentType string
	Body                      map[string]any
}

// recorder keeps every request to the event endpoints.
type recorder struct {
	mu   sync.Mutex
	hits []hit
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h := hit{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type")}
	json.Unmarshal(b, &h.Body) // a body that is not JSON stays nil, and fails the checks
	rec.mu.Lock()
	rec.hits = append(rec.hits, h)
	rec.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// events lists the recorded events for a domain, with name n ("" for all).
func (rec *recorder) events(domain, n string) []hit {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []hit
	for _, h := range rec.hits {
		if h.Body["d"] == domain && (n == "" || h.Body["n"] == n) {
			out = append(out, h)
		}
	}
	return out
}

// wait returns the events for domain named n once there are at least count.
func (rec *recorder) wait(t *testing.T, domain, n string, count int) []hit {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if evs := rec.events(domain, n); len(evs) >= count {
			return evs
		}
	}
	t.Fatalf("%s: want %d %q events, have %v", domain, count, n, rec.events(domain, ""))
	return nil
}

// scenario is a test page: the attributes of its tracker tag, script run
// before the tracker, and attributes of its <html>. {base} becomes the
// page's own origin. Pages on 127.0.0.1 need data-local to be counted.
type scenario struct{ tag, before, html string }

var scenarios = map[string]scenario{
	"spa": {tag: `src="{path}" data-local data-domain="spa.test" data-api="{base}/record"`,
		before: QueueSnippet + `;liveops("Queued",{props:{early:"yes"}})`},
	"hash":      {tag: `src="/js/script.js" data-local data-hash data-domain="hash.test" data-api="{base}/record"`},
	"defaults":  {tag: `src="/js/script.js" data-local`, before: `delete Navigator.prototype.sendBeacon`},
	"flag":      {tag: `src="/js/script.js" data-local data-domain="flag.test" data-api="{base}/record"`, before: `window.liveopsIgnore=true`},
	"attribute": {tag: `src="/js/script.js" data-local data-domain="attribute.test" data-api="{base}/record"`, html: ` data-liveops-ignore`},
	"later":     {tag: `src="/js/script.js" data-local data-domain="later.test" data-api="{base}/record"`},
	"no-local":  {tag: `src="/js/script.js" data-domain="no-local.test" data-api="{base}/record"`},
}

// testSite serves the tracker, the scenario pages and the event endpoints,
// on 127.0.0.1; "localhost" on the same port is the other origin that
// outbound links go to, so no request leaves the machine.
func testSite(t *testing.T) (base, other string, rec *recorder) {
	rec = &recorder{}
	mux := http.NewServeMux()
	mux.Handle("/js/", embedjs.Set{Script()})
	mux.Handle("/record", rec)
	mux.Handle("/api/event", rec)
	mux.HandleFunc("GET /report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // the browser stays on the page
	})
	mux.HandleFunc("GET /elsewhere", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Elsewhere</title><p>Another site.`)
	})
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Start</title><a id="go" href="/t/spa/home#intro">Go</a>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	base, other = srv.URL, "http://localhost:"+port
	mux.HandleFunc("GET /t/{scenario}/{page}", func(w http.ResponseWriter, r *http.Request) {
		sc, ok := scenarios[r.PathValue("scenario")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		tag := strings.NewReplacer("{base}", base, "{path}", VersionedPath()).Replace(sc.tag)
		fmt.Fprintf(w, `<!doctype html><html lang="en"%s><head><meta charset="utf-8"><title>Test page</title>
<script>%s</script><script defer %s></script></head>
<body><h1>Test page</h1><p><a id="out" href="%s/elsewhere">Partner site</a>
<a id="pdf" href="/report.pdf?token=secret#page=2">Annual report (PDF)</a></p>
<div style="height:4000px"></div></body></html>`, sc.html, sc.before, tag, other)
	})
	return base, other, rec
}

// keys are the sorted keys of an event body, its shape.
func keys(h hit) string {
	var k []string
	for key := range h.Body {
		k = append(k, key)
	}
	slices.Sort(k)
	return strings.Join(k, ",")
}

func TestBrowser(t *testing.T) {
	ctx := browser(t)
	base, other, rec := testSite(t)

	tab := func(t *testing.T) context.Context {
		tctx, cancel := chromedp.NewContext(ctx)
		t.Cleanup(cancel)
		// Open the tab without a deadline: the first call binds its life.
		if err := chromedp.Do(tctx); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		return tctx
	}
	do := func(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	js := func(s string) chromedp.Action[chromedp.Void] { return chromedp.Evaluate[chromedp.Void](s) }

	t.Run("page views, SPA navigation, clicks, custom and queued events", func(t *testing.T) {
		ctx := tab(t)
		const d = "spa.test"
		home, next := base+"/t/spa/home", base+"/t/spa/next"
		do(t, ctx, "open the page from another", chromedp.Navigate(base+"/start"), chromedp.Click(chromedp.CSS("#go")))

		pv := rec.wait(t, d, "pageview", 1)[0]
		if pv.Body["u"] != home || pv.Body["r"] != base+"/start" || keys(pv) != "d,n,r,u" {
			t.Errorf("first page view %v: want u %s (no #fragment), r %s/start, keys d,n,r,u", pv.Body, home, base)
		}
		if pv.Method != "POST" || pv.Path != "/record" || !strings.HasPrefix(pv.ContentType, "text/plain") {
			t.Errorf("sent as %s %s %q, want POST /record text/plain", pv.Method, pv.Path, pv.ContentType)
		}
		if q := rec.wait(t, d, "Queued", 1)[0]; q.Body["p"].(map[string]any)["early"] != "yes" || q.Body["u"] != home {
			t.Errorf("queued call sent as %v", q.Body)
		}

		do(t, ctx, "scroll down and push a new page",
			js(`scrollTo(0, document.documentElement.scrollHeight)`),
			js(`history.pushState({}, "", "/t/spa/next")`))
		if pv := rec.wait(t, d, "pageview", 2)[1]; pv.Body["u"] != next {
			t.Errorf("pushState page view %v, want u %s", pv.Body, next)
		}
		eng := rec.wait(t, d, "engagement", 1)[0]
		if e, _ := eng.Body["e"].(float64); eng.Body["u"] != home || eng.Body["sd"] != 100.0 || e < 0 || keys(eng) != "d,e,n,sd,u" {
			t.Errorf("engagement on leaving the first page: %v, want u %s, sd 100, keys d,e,n,sd,u", eng.Body, home)
		}

		// A new query string is not a new page; going back is.
		do(t, ctx, "replace, then go back",
			js(`history.replaceState({}, "", "/t/spa/next?tab=2")`), js(`history.back()`))
		if pv := rec.wait(t, d, "pageview", 3)[2]; pv.Body["u"] != home {
			t.Errorf("popstate page view %v, want u %s", pv.Body, home)
		}
		if eng := rec.wait(t, d, "engagement", 2)[1]; eng.Body["u"] != next {
			t.Errorf("engagement on leaving the second page: %v, want u %s", eng.Body, next)
		}

		sent, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`new Promise(r => liveops("Signup", {props: {plan: "pro"}, revenue: {currency: "EUR", amount: 10}, callback: () => r(true)}))`,
			chromedp.EvalAwaitPromise))
		if err != nil || !sent {
			t.Fatalf("liveops() callback: %v, %v", sent, err)
		}
		su := rec.wait(t, d, "Signup", 1)[0]
		if su.Body["p"].(map[string]any)["plan"] != "pro" || su.Body["u"] != home || keys(su) != "$,d,n,p,r,u" {
			t.Errorf("custom event %v: want p.plan pro, u %s, keys $,d,n,p,r,u", su.Body, home)
		}

		do(t, ctx, "right-click then middle-click the outbound link",
			js(`out.dispatchEvent(new MouseEvent("auxclick", {bubbles: true, button: 2}))`),
			js(`out.dispatchEvent(new MouseEvent("auxclick", {bubbles: true, button: 1}))`))
		if o := rec.wait(t, d, "Outbound Link: Click", 1)[0]; o.Body["p"].(map[string]any)["url"] != other+"/elsewhere" || keys(o) != "d,n,p,r,u" {
			t.Errorf("middle-click on outbound link: %v", o.Body)
		}
		do(t, ctx, "download the PDF", chromedp.Click(chromedp.CSS("#pdf")))
		if dl := rec.wait(t, d, "File Download", 1)[0]; dl.Body["p"].(map[string]any)["url"] != base+"/report.pdf" {
			t.Errorf("download %v: want url %s/report.pdf without query or fragment", dl.Body, base)
		}
		do(t, ctx, "follow the outbound link", chromedp.Click(chromedp.CSS("#out")))
		if o := rec.wait(t, d, "Outbound Link: Click", 2)[1]; o.Body["p"].(map[string]any)["url"] != other+"/elsewhere" {
			t.Errorf("click on outbound link: %v", o.Body)
		}
		// Leaving the page hides it, which reports the time spent there.
		if eng := rec.wait(t, d, "engagement", 3)[2]; eng.Body["u"] != home {
			t.Errorf("engagement on leaving: %v, want u %s", eng.Body, home)
		}
		time.Sleep(200 * time.Millisecond) // room for a stray event to arrive
		count := map[string]int{}
		for _, h := range rec.events(d, "") {
			count[h.Body["n"].(string)]++
		}
		if want := map[string]int{"pageview": 3, "Queued": 1, "engagement": 3, "Signup": 1, "Outbound Link: Click": 2, "File Download": 1}; fmt.Sprint(count) != fmt.Sprint(want) {
			t.Errorf("events sent: %v, want %v", count, want)
		}
	})

	t.Run("hash routing", func(t *testing.T) {
		ctx := tab(t)
		const d = "hash.test"
		do(t, ctx, "open", chromedp.Navigate(base+"/t/hash/app#/first"))
		if pv := rec.wait(t, d, "pageview", 1)[0]; pv.Body["u"] != base+"/t/hash/app#/first" || pv.Body["h"] != 1.0 || pv.Body["r"] != nil || keys(pv) != "d,h,n,r,u" {
			t.Errorf("page view %v: want the fragment in u, h 1, r null", pv.Body)
		}
		do(t, ctx, "change the hash", js(`location.hash = "#/second"`))
		if pv := rec.wait(t, d, "pageview", 2)[1]; pv.Body["u"] != base+"/t/hash/app#/second" || pv.Body["h"] != 1.0 {
			t.Errorf("hash change page view %v", pv.Body)
		}
	})

	t.Run("defaults and the fetch fallback", func(t *testing.T) {
		ctx := tab(t)
		do(t, ctx, "open", chromedp.Navigate(base+"/t/defaults/p"))
		pv := rec.wait(t, "127.0.0.1", "pageview", 1)[0] // data-domain defaults to the hostname
		if pv.Path != "/api/event" || pv.Method != "POST" || !strings.HasPrefix(pv.ContentType, "text/plain") {
			t.Errorf("without sendBeacon, sent as %s %s %q: want POST /api/event (the script's origin) text/plain", pv.Method, pv.Path, pv.ContentType)
		}
	})

	// Each ignored page also sends, by hand, a sentinel beacon after the
	// tracker has had its chance; once it arrives, anything the tracker
	// sent would have too.
	for _, tc := range []struct {
		name, page, domain, after string
		pageviews                 int
	}{
		{name: "window.liveopsIgnore", page: "/t/flag/p", domain: "flag.test"},
		{name: "data-liveops-ignore on html", page: "/t/attribute/p", domain: "attribute.test"},
		{name: "127.0.0.1 without data-local", page: "/t/no-local/p", domain: "no-local.test"},
		{name: "opt-out after load", page: "/t/later/p", domain: "later.test", pageviews: 1,
			after: `window.liveopsIgnore = true`},
	} {
		t.Run("ignored: "+tc.name, func(t *testing.T) {
			ctx := tab(t)
			do(t, ctx, "open", chromedp.Navigate(base+tc.page), chromedp.WaitReady(chromedp.CSS("#pdf")))
			if tc.pageviews > 0 {
				rec.wait(t, tc.domain, "pageview", tc.pageviews)
			}
			do(t, ctx, "send events",
				chromedp.Evaluate[chromedp.Void](`typeof liveops == "function" || (()=>{throw new Error("no liveops()")})()`),
				js(tc.after+`;liveops("Signup", {props: {plan: "pro"}})`),
				chromedp.Click(chromedp.CSS("#pdf")),
				js(`navigator.sendBeacon("/record", JSON.stringify({n: "sentinel", d: "`+tc.domain+`"}))`))
			rec.wait(t, tc.domain, "sentinel", 1)
			time.Sleep(100 * time.Millisecond)
			if evs := rec.events(tc.domain, ""); len(evs) != tc.pageviews+1 {
				t.Errorf("sent %v, want only %d page view(s) and the sentinel", evs, tc.pageviews)
			}
		})
	}
}
