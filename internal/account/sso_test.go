package account

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// providerUsers are the identity provider's people, by id.
type providerUsers map[string]*storage.User

func (p providerUsers) GetUserByID(id string) *storage.User { return p[id] }
func (p providerUsers) GetUserByUsername(name string) *storage.User {
	for _, u := range p {
		if u.Username == name {
			return u
		}
	}
	return nil
}
func (p providerUsers) ExampleClientID() string { return "liveops" }

// startProvider serves a real OpenID Connect provider, zitadel/oidc's,
// with discovery, keys, authorize, token and userinfo endpoints and a
// username-and-password sign-in page; it answers to the client "liveops"
// with the secret "client secret", sending people back to redirect.
func startProvider(t *testing.T, users providerUsers, redirect string) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	storage.RegisterClients(storage.WebClient("liveops", "client secret", redirect))
	srv.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorage(users), nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return issuer
}

// ssoBrowser follows redirects, keeping cookies, as a browser does.
type ssoBrowser struct {
	t *testing.T
	c *http.Client
}

func newSSOBrowser(t *testing.T) *ssoBrowser {
	jar, _ := cookiejar.New(nil)
	return &ssoBrowser{t: t, c: &http.Client{Jar: jar}}
}

func (b *ssoBrowser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var providerRequest = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn goes from liveops's sign-in button through the provider's page
// and back, and returns where it ends and the page.
func (b *ssoBrowser) signIn(liveops, username, password string) (*http.Response, string) {
	b.t.Helper()
	resp, page := b.get(liveops + "/login/sso?next=/account")
	m := providerRequest.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("not at the provider's sign-in page: %s %.500s", resp.Request.URL, page)
	}
	form := url.Values{"id": {m[1]}, "username": {username}, "password": {password}}
	resp, err := b.c.PostForm(resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+"/login/username", form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestSingleSignOn (issue 11, point 1): with a real OpenID Connect provider
// started in the test, people sign in to liveops through it (PKCE, state
// and nonce checked by the client library); an existing user is matched by
// verified email address; a new one is created with the default role, or
// the role and services a claim maps to, applied at every sign-in; an
// unverified address is refused; passwords can be switched off.
func TestSingleSignOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc, h := testServerHandler(t, db, nil)
		callback := srv.URL + "/login/sso/callback"
		users := providerUsers{
			"1": {ID: "1", Username: "ann", Password: "ann's password", Email: "ann@example.gov", EmailVerified: true, LastName: "staff", PreferredLanguage: language.English},
			"2": {ID: "2", Username: "new", Password: "new's password", Email: "new@example.gov", EmailVerified: true, LastName: "liveops-editors", PreferredLanguage: language.English},
			"3": {ID: "3", Username: "unverified", Password: "x's password", Email: "x@example.gov", EmailVerified: false, PreferredLanguage: language.English},
			"4": {ID: "4", Username: "plain", Password: "plain's password", Email: "plain@example.gov", EmailVerified: true, LastName: "staff", PreferredLanguage: language.English},
		}
		issuer := startProvider(t, users, callback)
		roles, err := ParseRoleMap("liveops-editors=editor:one")
		if err != nil {
			t.Fatal(err)
		}
		h.EnableSSO(SSOConfig{Issuer: issuer, ClientID: "liveops", ClientSecret: "client secret", Name: "Test ID",
			CreateUsers: true, DefaultRole: auth.Viewer, RoleClaim: "family_name", RoleMap: roles})
		mustUser(t, acc, "ann@example.gov", auth.Admin)
		// The test server's services are one, with id 1, slug "one".
		if _, err := catalog.New(db).Create(context.Background(), catalog.Input{Name: "One", Slug: "one", Domains: []string{"one.example.gov"}}); err != nil {
			t.Fatal(err)
		}

		// The sign-in page offers the provider beside the password.
		_, page := newSSOBrowser(t).get(srv.URL + "/login")
		if !strings.Contains(page, "Sign in with Test ID") || !strings.Contains(page, `name="password"`) {
			t.Fatalf("sign-in page:\n%s", page)
		}

		// Ann, who has an account, is signed in through the provider.
		ann := newSSOBrowser(t)
		resp, page := ann.signIn(srv.URL, "ann", "ann's password")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/account" || !strings.Contains(page, "ann@example.gov") {
			t.Fatalf("Ann ends at %s (%d):\n%.500s", resp.Request.URL, resp.StatusCode, page)
		}
		// A wrong password at the provider signs no one in.
		resp, _ = newSSOBrowser(t).signIn(srv.URL, "ann", "a guess")
		if resp.Request.URL.Host == strings.TrimPrefix(srv.URL, "http://") {
			t.Fatalf("a wrong password at the provider reached liveops: %s", resp.Request.URL)
		}

		// Someone new is created, with the role and service their claim maps to.
		newcomer := newSSOBrowser(t)
		if resp, page := newcomer.signIn(srv.URL, "new", "new's password"); resp.Request.URL.Path != "/account" {
			t.Fatalf("the newcomer ends at %s:\n%.500s", resp.Request.URL, page)
		}
		u, err := acc.UserByEmail(context.Background(), "new@example.gov")
		if err != nil || u.Role != auth.Editor || u.AllServices || len(u.ServiceIDs) != 1 || u.ServiceIDs[0] != 1 {
			t.Fatalf("the newcomer's account: %+v %v", u, err)
		}
		// Without a mapped claim, the default role and no service.
		newSSOBrowser(t).signIn(srv.URL, "plain", "plain's password")
		if u, err := acc.UserByEmail(context.Background(), "plain@example.gov"); err != nil || u.Role != auth.Viewer || u.AllServices || len(u.ServiceIDs) != 0 {
			t.Fatalf("the plain account: %+v %v", u, err)
		}
		// The mapping applies at every sign-in: a new group, a new role.
		users["4"].LastName = "liveops-editors"
		newSSOBrowser(t).signIn(srv.URL, "plain", "plain's password")
		if u, err := acc.UserByEmail(context.Background(), "plain@example.gov"); err != nil || u.Role != auth.Editor || len(u.ServiceIDs) != 1 {
			t.Fatalf("the plain account after joining the editors: %+v %v", u, err)
		}
		// An address the provider has not verified is refused.
		if resp, page := newSSOBrowser(t).signIn(srv.URL, "unverified", "x's password"); resp.StatusCode != 403 || !strings.Contains(page, "verified email address") {
			t.Fatalf("unverified: %d %.300s", resp.StatusCode, page)
		}
		if _, err := acc.UserByEmail(context.Background(), "x@example.gov"); err == nil {
			t.Fatal("an account was made for an unverified address")
		}
		// An answer that does not match a request of this browser is refused.
		if resp, _ := newSSOBrowser(t).get(srv.URL + "/login/sso/callback?code=x&state=y"); resp.StatusCode != 400 {
			t.Fatalf("a stray answer: %d", resp.StatusCode)
		}

		// Passwords off: the form is gone and a password is refused (sent
		// from a form fetched before they were switched off).
		b := newBrowser(t, srv.URL)
		b.get("/login")
		h.sso.cfg.NoPasswords = true
		_, page = newSSOBrowser(t).get(srv.URL + "/login")
		if strings.Contains(page, `name="password"`) || !strings.Contains(page, "Sign in with Test ID") {
			t.Fatalf("sign-in page without passwords:\n%s", page)
		}
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(403, "Passwords are switched off")
	})
}
