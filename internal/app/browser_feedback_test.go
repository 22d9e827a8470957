package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowserFeedback: a service's pages carry the snippets liveops gives
// it. On a page without script, a problem report goes through the plain
// form to the thank-you page; on a page with the widget, "No" opens the
// improvement box and the answer is sent in place. Both are then in the
// service's inbox, with the email address in one of them scrubbed.
func TestBrowserFeedback(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	bg := context.Background()
	svc, err := a.Catalog.Create(bg, catalog.Input{Name: "Apply for a blue badge", Domains: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.CreateUser(bg, account.NewUser{
		Email: "owner@example.gov", Role: auth.Admin, Password: "a long enough password", AllServices: true}); err != nil {
		t.Fatal(err)
	}
	liveops := httptest.NewServer(a.Handler())
	defer liveops.Close()
	snippets := map[string]string{}
	for _, s := range feedback.DefaultSnippets(liveops.URL, svc, "") {
		snippets[s.ID] = s.Code
	}
	// The service's site, on its own origin (localhost, one of its
	// hostnames): one page without script, one with the widget.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The snippets go in as they are: the page's address comes from the
		// widget or, without it, from the Referer, which this page's
		// policy (as the snippets' help asks) lets the browser send whole.
		page := func(s string) string { return s }
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Blue badge</title><meta name="referrer" content="no-referrer-when-downgrade">
<style>body{font:18px sans-serif;margin:2em;max-width:40em} label,legend{display:block;font-weight:bold;margin-top:1em} textarea{width:100%%}</style></head>
<body><h1>Apply for a blue badge</h1>`)
		switch r.URL.Path {
		case "/no-script":
			fmt.Fprint(w, page(snippets["problem"]))
		case "/with-widget":
			fmt.Fprint(w, page(snippets["useful"])+snippets["widget"])
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	defer site.Close()
	siteURL := strings.Replace(site.URL, "127.0.0.1", "localhost", 1)

	webtest.Step(t, ctx, "report a problem without script", chromedp.Navigate(siteURL+"/no-script"), chromedp.WaitVisible(chromedp.CSS("#feedback-doing")),
		chromedp.SendKeys(chromedp.CSS("#feedback-doing"), "Uploading a photo"),
		chromedp.SendKeys(chromedp.CSS("#feedback-wrong"), "The upload button did nothing, write to me at pat@example.com"),
		chromedp.Click(chromedp.CSS("form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("main h1")))
	back, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main a[href$='/no-script']") || {}).textContent || ""`))
	if got := webtest.Text(t, ctx, "main"); !strings.Contains(got, "Thank you") || err != nil || back == "" {
		t.Fatalf("thank-you page: %q, link back %q (%v)", got, back, err)
	}
	screenshot(t, ctx, "10-feedback-thanks")

	webtest.Step(t, ctx, "open the page with the widget", chromedp.Navigate(siteURL+"/with-widget"), chromedp.WaitVisible(chromedp.CSS("#feedback-useful-no")))
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("feedback-comment").hidden`)); err != nil || !hidden {
		t.Fatalf("the improvement box shows before No is chosen (%v)", err)
	}
	webtest.Step(t, ctx, "answer No and say why", chromedp.Click(chromedp.CSS("#feedback-useful-no")), chromedp.WaitVisible(chromedp.CSS("#feedback-comment")),
		chromedp.SendKeys(chromedp.CSS("#feedback-comment"), "The photo rules are hard to find"),
		chromedp.Click(chromedp.CSS("form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("[data-liveops-message]")))
	if got := webtest.Text(t, ctx, "[data-liveops-message]"); got != "Thank you for your feedback." {
		t.Fatalf("widget message: %q", got)
	}
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`)); err != nil || focused != "Thank you for your feedback." {
		t.Fatalf("focus is on %q, not the thank-you message (%v)", focused, err)
	}
	screenshot(t, ctx, "11-feedback-widget")

	webtest.Step(t, ctx, "sign in", chromedp.Navigate(liveops.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "owner@example.gov"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	webtest.Step(t, ctx, "open the inbox", chromedp.Navigate(liveops.URL+"/services/"+svc.Slug+"/feedback"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	inbox := webtest.Text(t, ctx, "main")
	for _, want := range []string{"The upload button did nothing, write to me at [email]", "The photo rules are hard to find", "/with-widget", "/no-script"} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	if strings.Contains(inbox, "pat@example.com") {
		t.Error("the inbox shows the email address")
	}
	screenshot(t, ctx, "12-feedback-inbox")
	// The problem report's page has the rest: what they were doing.
	webtest.Step(t, ctx, "open the problem report",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".row-main")].find(a => a.textContent.includes("upload button")).click()`),
		chromedp.WaitVisible(chromedp.CSS("dl.summary")))
	if got := webtest.Text(t, ctx, "main"); !strings.Contains(got, "Uploading a photo") {
		t.Errorf("the item's page lacks its text: %q", got)
	}
}
