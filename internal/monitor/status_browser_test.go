package monitor

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowserStatusPage opens the public status page in a real browser
// without script, in English and in Welsh at 320, 390 and 1,280 px:
// axe-core finds nothing against WCAG 2.2 A and AA, nothing makes the page
// wider than the window, and a component's days open in words.
// Screenshots go to LIVEOPS_SCREENSHOTS.
func TestBrowserStatusPage(t *testing.T) {
	axe := webtest.AxeScript(t)
	ctx := webtest.Chromium(t, chromedp.WindowSize(1280, 900))
	r := newStatusRig(t, storetest.SQLite(t))
	for _, page := range []struct{ name, path, h1 string }{
		{"en", "/status/renew", "Renew a permit: service status"},
		{"cy", "/status/renew?lang=cy", "Renew a permit: statws y gwasanaeth"},
	} {
		for _, width := range []int64{1280, 390, 320} {
			webtest.Step(t, ctx, fmt.Sprintf("open %s at %d px", page.path, width), chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(r.srv.URL+page.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if got := webtest.Text(t, ctx, "h1"); got != page.h1 {
				t.Errorf("%s: h1 %q, want %q", page.path, got, page.h1)
			}
			if o := webtest.Overflow(t, ctx); o != "" {
				t.Errorf("%s at %d px: %s", page.path, width, o)
			}
			for _, v := range webtest.Axe(t, ctx, axe) {
				t.Errorf("%s at %d px: %s", page.path, width, v)
			}
			webtest.Screenshot(t, ctx, fmt.Sprintf("status-%s-%d", page.name, width))
		}
	}
	// The days of a component, in words, open without a pointer.
	webtest.Step(t, ctx, "open the days in words", chromedp.EmulateViewport(390, 900), chromedp.Navigate(r.srv.URL+"/status/renew"),
		chromedp.WaitVisible(chromedp.CSS("h1")), chromedp.Focus(chromedp.CSS(".status-days summary")), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".day-list li")))
	if got := webtest.Text(t, ctx, ".day-list li"); got == "" {
		t.Fatal("the first day has no words")
	}
	if o := webtest.Overflow(t, ctx); o != "" {
		t.Errorf("days open at 390 px: %s", o)
	}
	for _, v := range webtest.Axe(t, ctx, axe) {
		t.Errorf("days open: %s", v)
	}
	webtest.ScreenshotOf(t, ctx, ".status-component", "status-days-390")
}
