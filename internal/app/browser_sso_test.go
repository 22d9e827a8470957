package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// oneUser is an identity provider's single person.
type oneUser struct{ u *storage.User }

func (o oneUser) GetUserByID(id string) *storage.User {
	if id == o.u.ID {
		return o.u
	}
	return nil
}

func (o oneUser) GetUserByUsername(name string) *storage.User {
	if name == o.u.Username {
		return o.u
	}
	return nil
}

func (o oneUser) ExampleClientID() string { return "liveops-browser" }

// TestBrowserSingleSignOn: in Chromium, with the keyboard, a person signs
// in to liveops with a real OpenID Connect provider (zitadel/oidc's,
// started here) from the sign-in page's button, and the audit log records
// it; the sign-in page at 1,280 and 320 px wide. Look at the screenshots.
func TestBrowserSingleSignOn(t *testing.T) {
	ctx := browser(t)
	lo := httptest.NewUnstartedServer(nil)
	idp := httptest.NewUnstartedServer(nil)
	liveops, issuer := "http://"+lo.Listener.Addr().String(), "http://"+idp.Listener.Addr().String()
	storage.RegisterClients(storage.WebClient("liveops-browser", "browser secret", liveops+"/login/sso/callback"))
	person := &storage.User{ID: "p1", Username: "ann", Password: "ann's password at the provider", Email: "ann@example.gov",
		EmailVerified: true, PreferredLanguage: language.English}
	idp.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorage(oneUser{person}), nil, false)
	idp.Start()
	defer idp.Close()

	a, err := New(context.Background(), Config{DB: storetest.DSNs(t)["sqlite"], SSO: &account.SSOConfig{
		Issuer: issuer, ClientID: "liveops-browser", ClientSecret: "browser secret", Name: "Example ID", DefaultRole: auth.Viewer}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Accounts.CreateUser(context.Background(), account.NewUser{Email: "ann@example.gov", Role: auth.Admin, AllServices: true}); err != nil {
		t.Fatal(err)
	}
	lo.Config.Handler = a.Handler()
	lo.Start()
	defer lo.Close()

	for _, width := range []int64{1280, 320} {
		webtest.Step(t, ctx, fmt.Sprintf("the sign-in page at %d px", width), chromedp.EmulateViewport(width, 800),
			chromedp.Navigate(liveops+"/login"), chromedp.WaitVisible(chromedp.CSS("a.sso")))
		screenshot(t, ctx, fmt.Sprintf("20-sign-in-with-sso-%d", width))
	}
	webtest.Step(t, ctx, "to the provider", chromedp.Focus(chromedp.CSS("a.sso")), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS("#username")))
	webtest.Step(t, ctx, "sign in at the provider", chromedp.SendKeys(chromedp.CSS("#username"), "ann"),
		chromedp.SendKeys(chromedp.CSS("#password"), person.Password+"\r"), chromedp.WaitVisible(chromedp.CSS("a.button[href='/services/new']")))
	entries, _, err := a.Audit.List(context.Background(), audit.Filter{Action: "/login/sso/callback"}, 0, 5)
	if err != nil || len(entries) != 1 || entries[0].Actor != "ann@example.gov" || entries[0].Outcome != audit.Done {
		t.Fatalf("the audit log of the sign-in: %+v %v", entries, err)
	}
}
