package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// TestBrowserTwoFactor: in Chromium, with the keyboard, a person sets up
// an authenticator app from their account page (the test is the app), sees
// their recovery codes, then signs in with the password and a recovery
// code; at 1,280 and 320 px wide. Look at the screenshots.
func TestBrowserTwoFactor(t *testing.T) {
	ctx := browser(t)
	a := newTestApp(t, storetest.DSNs(t)["sqlite"])
	const email, password = "owner@example.gov", "a long enough password"
	if _, err := a.Accounts.CreateUser(context.Background(), account.NewUser{Email: email, Role: auth.Admin, Password: password, AllServices: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	signIn := func(step string) {
		webtest.Step(t, ctx, step, chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password),
			// Mark the sign-in page, to wait for the next one.
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
			chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("body:not([data-old]) main h1")))
	}
	signIn("sign in")
	for _, width := range []int64{1280, 320} {
		webtest.Step(t, ctx, fmt.Sprintf("the set-up page at %d px", width), chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(srv.URL+"/account/two-factor"), chromedp.WaitVisible(chromedp.CSS(".secret-key")))
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth"))
		if err != nil || overflow {
			t.Fatalf("the set-up page is wider than %d px (%v)", width, err)
		}
		screenshot(t, ctx, fmt.Sprintf("19-two-factor-setup-%d", width))
	}
	secret := webtest.Text(t, ctx, ".secret-key")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	webtest.Step(t, ctx, "type the code", chromedp.Focus(chromedp.CSS("#code")), chromedp.SendKeys(chromedp.CSS("#code"), code+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".recovery-codes")))
	screenshot(t, ctx, "19-recovery-codes-320")
	codes := strings.Fields(webtest.Text(t, ctx, ".recovery-codes"))
	if len(codes) != account.RecoveryCodes {
		t.Fatalf("recovery codes: %q", codes)
	}

	webtest.Step(t, ctx, "sign out", chromedp.Navigate(srv.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#two-factor")),
		chromedp.Click(chromedp.CSS("form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS("#email")))
	signIn("sign in with two-factor on")
	if h1 := webtest.Text(t, ctx, "main h1"); h1 != "Enter the code from your authenticator app" {
		t.Fatalf("after the password: %q", h1)
	}
	screenshot(t, ctx, "19-two-factor-code-320")
	webtest.Step(t, ctx, "a recovery code", chromedp.SendKeys(chromedp.CSS("#code"), codes[0]+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles, a.button[href='/services/new']")))
}
