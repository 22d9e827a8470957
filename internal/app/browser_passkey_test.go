package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// virtualAuthenticator gives the browser a software passkey authenticator
// (Chromium's, through the DevTools protocol) that says yes at once.
func virtualAuthenticator(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		return chromedp.Void{}, err
	}
	_, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
	return chromedp.Void{}, err
}

// TestBrowserPasskey (issue 11, point 2): in Chromium, with a software
// authenticator, a person adds a passkey on their account page, then signs
// in with their password and the passkey; at 1,280 and 320 px wide. Look
// at the screenshots.
func TestBrowserPasskey(t *testing.T) {
	ctx := browser(t)
	webtest.Step(t, ctx, "a software authenticator", virtualAuthenticator)
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) { passkeySignIn(t, ctx, dsn, engine) })
	}
}

// passkeySignIn adds a passkey and signs in with it, on the store dsn.
func passkeySignIn(t *testing.T, ctx context.Context, dsn, engine string) {
	a := newTestApp(t, dsn)
	const email, password = "owner@example.gov", "a long enough password"
	if _, err := a.Accounts.CreateUser(context.Background(), account.NewUser{Email: email, Role: auth.Admin, Password: password, AllServices: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	// A passkey belongs to a domain name, never an address: localhost.
	srv.URL = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	signIn := func(step string) {
		webtest.Step(t, ctx, step, chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
			chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("body:not([data-old]) main h1")))
	}
	signIn("sign in")
	webtest.Step(t, ctx, "add a passkey", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS("form[data-passkey] button")),
		chromedp.SendKeys(chromedp.CSS("#passkey-name"), "Work laptop"),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS("form[data-passkey] button")),
		chromedp.WaitVisible(chromedp.CSS("body:not([data-old]) .passkey-list")))
	if s := webtest.Text(t, ctx, ".passkey-list"); !strings.Contains(s, "Work laptop") {
		t.Fatalf("passkeys: %q", s)
	}
	for _, width := range []int64{1280, 320} {
		webtest.Step(t, ctx, fmt.Sprintf("the account page at %d px", width), chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(srv.URL+"/account"), chromedp.WaitVisible(chromedp.CSS("#passkeys")))
		webtest.ScreenshotOf(t, ctx, "main", fmt.Sprintf("21-account-passkeys-%s-%d", engine, width))
	}
	webtest.Step(t, ctx, "sign out", chromedp.Click(chromedp.CSS("form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS("#email")))
	signIn("sign in with the passkey on")
	if h1 := webtest.Text(t, ctx, "main h1"); h1 != "Use your passkey" {
		t.Fatalf("after the password: %q", h1)
	}
	screenshot(t, ctx, "21-use-your-passkey-"+engine)
	webtest.Step(t, ctx, "use the passkey", chromedp.Click(chromedp.CSS("form[data-passkey] button")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/services/new']")))
}
