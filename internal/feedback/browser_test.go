package feedback_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fmt"

	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowserSurveyToInbox answers the hosted survey in a real browser
// without script — first empty, to see the error summary, then properly —
// and finds the answer in the inbox and the summaries. Screenshots go to
// LIVEOPS_SCREENSHOTS.
func TestBrowserSurveyToInbox(t *testing.T) {
	ctx := webtest.Chromium(t, chromedp.WindowSize(1280, 900))
	db := storetest.SQLite(t)
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat, fb := catalog.New(db), feedback.New(db)
	h, err := feedback.NewHandler(fb, cat, site, feedback.Options{VisitorKey: fakeVisitorKey})
	if err != nil {
		t.Fatal(err)
	}
	// The browser is the editor everywhere but the public pages.
	asEditor := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/survey/") {
				r.Header.Set("X-Test-As", "editor")
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", site.ServeStatic)
		return web.Chain(site.Mux(mux), asEditor, web.SecurityHeaders())
	})
	newService(t, cat, "Apply for a parking permit", "apply.example.gov")
	seeded := &clock{t: time.Now().UTC()}
	fb.SetClock(seeded.now)
	svc, _ := cat.BySlug(context.Background(), "apply-for-a-parking-permit")
	for i, c := range []string{"The card payment failed twice", "Card payment failed on the last page", "Could not upload the photo", "The photo upload timed out"} {
		seeded.advance(-time.Hour)
		fb.Submit(context.Background(), svc.ID, int64(i+1), feedback.Input{Kind: "problem", URL: "https://apply.example.gov/pay", Wrong: c})
		fb.Submit(context.Background(), svc.ID, int64(i+1), feedback.Input{Kind: "useful", URL: "https://apply.example.gov/start", Useful: []string{"yes", "no"}[i%2]})
		fb.Submit(context.Background(), svc.ID, int64(i+1), feedback.Input{Kind: "satisfaction", Rating: []string{"5", "4", "2", "4"}[i]})
	}
	fb.SetClock(time.Now)

	survey := srv.URL + "/survey/apply-for-a-parking-permit"
	webtest.Step(t, ctx, "open the survey", chromedp.Navigate(survey), chromedp.WaitVisible(chromedp.CSS("#rating")))
	webtest.Screenshot(t, ctx, "feedback-01-survey")
	webtest.Step(t, ctx, "send it empty", chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if got := webtest.Text(t, ctx, ".error-summary a"); got != "Select how you felt about the service you received today" {
		t.Fatalf("error summary says %q", got)
	}
	webtest.Screenshot(t, ctx, "feedback-02-survey-error")
	webtest.Step(t, ctx, "answer",
		chromedp.Click(chromedp.CSS("label[for=rating-4]")),
		chromedp.SendKeys(chromedp.CSS("#comment"), "The photo upload was slow, call me on 07700 900123"),
		chromedp.Click(chromedp.CSS("main button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".panel h1")),
	)
	if got := webtest.Text(t, ctx, "h1"); got != "Thank you for your feedback" {
		t.Fatalf("after answering: %q", got)
	}
	webtest.Screenshot(t, ctx, "feedback-03-survey-thanks")

	webtest.Step(t, ctx, "open the inbox", chromedp.Navigate(srv.URL+"/services/apply-for-a-parking-permit/feedback"), chromedp.WaitVisible(chromedp.CSS("#items")))
	// Two of the 13 are "useful: yes" votes with nothing more to triage.
	if got := webtest.Text(t, ctx, "#items"); got != "11 items" {
		t.Fatalf("inbox heading %q", got)
	}
	if got := webtest.Text(t, ctx, "main"); !strings.Contains(got, "2 “useful: yes” votes with no comment are not listed") {
		t.Fatalf("the inbox does not say what it leaves out: %q", got)
	}
	if got := webtest.Text(t, ctx, ".feedback-list li:first-child"); !strings.Contains(got, "The photo upload was slow, call me on [phone]") {
		t.Fatalf("newest item: %q", got)
	}
	webtest.Screenshot(t, ctx, "feedback-04-inbox")
	webtest.Step(t, ctx, "open the summaries", chromedp.Navigate(srv.URL+"/services/apply-for-a-parking-permit/feedback/summary"), chromedp.WaitVisible(chromedp.CSS("main svg")))
	webtest.Screenshot(t, ctx, "feedback-05-summary")
}

// TestBrowserInbox triages in a real browser at 320 and 1,280 px: the rows
// fit the width, "select all on this page" ticks every item's box (with
// script), and the inbox and an item's page have no accessibility
// violations. Screenshots go to LIVEOPS_SCREENSHOTS.
func TestBrowserInbox(t *testing.T) {
	axe := webtest.AxeScript(t)
	ctx := webtest.Chromium(t, chromedp.WindowSize(1280, 900))
	hs := newHarness(t, storetest.SQLite(t))
	svc := hs.service("Apply for a parking permit", "apply.example.gov")
	items := seed(t, hs.fb, hs.clock, svc)
	hs.withTeam(svc.ID)
	bg := context.Background()
	long := strings.Repeat("The card payment page timed out and then said the card was declined although it was not. ", 8)
	it, err := hs.fb.Enter(bg, svc.ID, feedback.Input{Kind: "comment", Channel: "email", Comment: long})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []feedback.Change{{Assignee: ptr(int64(2)), AddTags: []string{"payments", "card declined"}}, {Status: ptr(feedback.StatusTriaged)}} {
		if _, err := hs.fb.Update(bg, svc.ID, it.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hs.fb.Update(bg, svc.ID, items[3].id, feedback.Change{Assignee: ptr(int64(4))}); err != nil {
		t.Fatal(err)
	}
	// The browser is the editor.
	srv := webtest.NewServer(t, hs.site, func(rt *web.Router) {
		h, err := feedback.NewHandler(hs.fb, hs.cat, hs.site, feedback.Options{})
		if err != nil {
			t.Fatal(err)
		}
		h.Now = hs.clock.now
		h.Routes(rt)
	}, func(mux *http.ServeMux) http.Handler {
		mux.HandleFunc("GET /static/{hash}/{name}", hs.site.ServeStatic)
		return web.Chain(hs.site.Mux(mux), func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("X-Test-As", "editor")
				next.ServeHTTP(w, r)
			})
		}, web.SecurityHeaders())
	})
	inbox := srv.URL + "/services/apply-for-a-parking-permit/feedback"
	checks := func(name string) {
		t.Helper()
		if o := webtest.Overflow(t, ctx); o != "" {
			t.Errorf("%s overflows: %s", name, o)
		}
		for _, v := range webtest.Axe(t, ctx, axe) {
			t.Errorf("%s: %s", name, v)
		}
		webtest.Screenshot(t, ctx, name)
	}
	for _, width := range []int64{1280, 320} {
		webtest.Step(t, ctx, "open the inbox", chromedp.EmulateViewport(width, 900), chromedp.Navigate(inbox), chromedp.WaitVisible(chromedp.CSS("#select-all")))
		// The long comment's row is one line at 1,280 px, cut short.
		cut, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const a = document.querySelector("#item-%d .row-main"); return a.scrollWidth > a.clientWidth || a.scrollHeight > a.clientHeight + 2; })()`, it.ID)))
		if err != nil || !cut {
			t.Errorf("at %d px the long comment is not cut short (%v)", width, err)
		}
		checks(fmt.Sprintf("feedback-inbox-%d", width))
		webtest.Step(t, ctx, "select all on the page", chromedp.Click(chromedp.CSS("#select-all")))
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[name=ids]:checked").length`))
		if err != nil || n != 50 {
			t.Fatalf("select all ticked %d of 50 (%v)", n, err)
		}
		webtest.Step(t, ctx, "untick one", chromedp.Click(chromedp.CSS(fmt.Sprintf("#select-%d", it.ID))))
		mixed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const a = document.getElementById("select-all"); return a.indeterminate && !a.checked; })()`))
		if err != nil || !mixed {
			t.Errorf("with one unticked, select all is not shown as mixed (%v)", err)
		}
		webtest.Step(t, ctx, "open the item", chromedp.Click(chromedp.CSS(fmt.Sprintf("#item-%d .row-main", it.ID))), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if got := webtest.Text(t, ctx, "main h1"); got != fmt.Sprintf("Feedback %d: Comment", it.ID) {
			t.Fatalf("item page heading %q", got)
		}
		checks(fmt.Sprintf("feedback-item-%d", width))
	}
}
