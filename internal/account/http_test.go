package account

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// testServer serves the account pages over real HTTP with the real
// session, CSRF and bearer middleware, and any more middleware given.
func testServer(t *testing.T, db *store.DB, more ...web.Middleware) (*httptest.Server, *Accounts) {
	t.Helper()
	srv, acc, _ := testServerHandler(t, db, nil, more...)
	return srv, acc
}

// testServerHandler is testServer trusting the given proxies for the
// client address, and returning its Handler too.
func testServerHandler(t *testing.T, db *store.DB, trusted web.TrustedProxies, more ...web.Middleware) (*httptest.Server, *Accounts, *Handler) {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	acc := New(db)
	services := func(context.Context) ([]ServiceRef, error) {
		return []ServiceRef{{ID: 1, Slug: "one", Name: "Service one"}}, nil
	}
	h, err := NewHandler(acc, site, services)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rt := &web.Router{Mux: mux, Site: site, Session: h.Session, RequireSignIn: h.RequireSignIn, Bearer: h.Bearer}
	h.Routes(rt)
	rt.Page("GET /{$}", func(w http.ResponseWriter, r *http.Request) error {
		io.WriteString(w, "home of "+auth.From(r.Context()).Email)
		return nil
	})
	srv := httptest.NewServer(web.Chain(mux, append(more, web.ClientIPs(trusted))...))
	t.Cleanup(srv.Close)
	return srv, acc, h
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t      *testing.T
	c      *http.Client
	base   string
	csrf   string
	status int
	body   string
	header http.Header
	host   string // a Host header to send instead of the server's
	ip     string // the client address a trusted proxy says, if any
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *browser {
	b.t.Helper()
	if b.host != "" {
		// The client looks cookies up by Host: send the server's by hand.
		req.Host = b.host
		for _, c := range b.c.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
	}
	if b.ip != "" {
		req.Header.Set("X-Forwarded-For", b.ip)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.status, b.body, b.header = resp.StatusCode, string(body), resp.Header
	if m := csrfInput.FindStringSubmatch(b.body); m != nil {
		b.csrf = m[1]
	}
	return b
}

func (b *browser) get(path string) *browser {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *browser {
	b.t.Helper()
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) want(status int, contains ...string) {
	b.t.Helper()
	if b.status != status {
		b.t.Fatalf("status = %d, want %d; body:\n%s", b.status, status, b.body)
	}
	for _, s := range contains {
		if !strings.Contains(b.body, s) {
			b.t.Fatalf("body does not contain %q:\n%s", s, b.body)
		}
	}
}

func TestSignInFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc := testServer(t, db)
		mustUser(t, acc, "ann@example.gov", auth.Admin)
		b := newBrowser(t, srv.URL)

		b.get("/account")
		if b.status != http.StatusSeeOther || b.header.Get("Location") != "/login?next=%2Faccount" {
			t.Fatalf("signed-out /account: %d to %q", b.status, b.header.Get("Location"))
		}
		b.get("/login").want(200, `<label for="email">Email address</label>`)

		b.post("/login", url.Values{"email": {""}, "password": {""}}).
			want(400, "There is a problem", `href="#email"`, "Enter your email address", `href="#password"`)
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {"wrong password!"}}).
			want(401, "Enter a correct email address and password", `aria-invalid="true"`)

		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}, "next": {"/account"}})
		if b.status != http.StatusSeeOther || b.header.Get("Location") != "/account" {
			t.Fatalf("sign in: %d to %q", b.status, b.header.Get("Location"))
		}
		var session *http.Cookie
		for _, c := range b.c.Jar.Cookies(mustURL(srv.URL)) {
			if c.Name == SessionCookie {
				session = c
			}
		}
		if session == nil {
			t.Fatal("no session cookie after sign-in")
		}
		b.get("/account").want(200, "ann@example.gov", "This browser")

		// A form without the CSRF token is refused.
		b.post("/account/sessions/revoke", url.Values{"session": {"others"}, "csrf_token": {"forged"}}).want(403, "form has expired")
		// Cross-site POSTs are refused by the browser's own headers too.
		req, _ := http.NewRequest("POST", srv.URL+"/logout", strings.NewReader("csrf_token="+b.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		b.do(req).want(403)

		b.post("/logout", url.Values{})
		if b.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", b.status)
		}
		if _, _, err := acc.SessionUser(context.Background(), session.Value); err == nil {
			t.Fatal("session still valid after sign-out")
		}
		b.get("/account")
		if b.status != http.StatusSeeOther {
			t.Fatalf("/account after sign-out: %d", b.status)
		}
		// An open redirect through ?next= is not possible.
		b.get("/login")
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}, "next": {"//evil.example"}})
		if b.header.Get("Location") != "/" {
			t.Fatalf("next=//evil.example redirected to %q", b.header.Get("Location"))
		}
	})
}

// TestSignInRateLimit: from one address, wrong passwords for one account
// are slowed after five, each wait twice the last.
func TestSignInRateLimit(t *testing.T) {
	db := storetest.SQLite(t)
	srv, acc, h := testServerHandler(t, db, nil)
	clock := fakeClock(h)
	mustUser(t, acc, "ann@example.gov", auth.Viewer)
	b := newBrowser(t, srv.URL)
	b.get("/login")
	for i := range freePerPair {
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {"guess number " + string(rune('a'+i))}}).want(401)
	}
	for _, wait := range []string{"1", "2", "4"} {
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(429, "Too many wrong passwords for this account from here")
		if b.header.Get("Retry-After") != wait {
			t.Fatalf("Retry-After %q, want %s", b.header.Get("Retry-After"), wait)
		}
		clock.add(time.Duration(wait[0]-'0') * time.Second)
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {"one more guess"}}).want(401)
	}
	// The waits stop growing at 15 minutes.
	for range 20 {
		clock.add(maxPairWait)
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {"one more guess"}}).want(401)
	}
	b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(429)
	if b.header.Get("Retry-After") != "900" {
		t.Fatalf("Retry-After %q after many guesses, want 900", b.header.Get("Retry-After"))
	}
	clock.add(maxPairWait)
	b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(303)
}

// testClock is the time the sign-in limits see.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeClock makes h's limits read a clock the test moves.
func fakeClock(h *Handler) *testClock {
	c := &testClock{now: time.Now()}
	h.byPair.now, h.byIP.now, h.byAccount.now = c.get, c.get, c.get
	return c
}

// Guesses sent in parallel must not all pass the check before any counts.
func TestSignInRateLimitParallel(t *testing.T) {
	db := storetest.SQLite(t)
	srv, acc := testServer(t, db)
	mustUser(t, acc, "ann@example.gov", auth.Viewer)
	b := newBrowser(t, srv.URL)
	b.get("/login")
	form := url.Values{"email": {"ann@example.gov"}, "password": {"wrong guess!"}, "csrf_token": {b.csrf}}.Encode()
	var mu sync.Mutex
	checked := 0
	var wg sync.WaitGroup
	for range 6 * freePerPair {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Five free, and at most one after the first second's wait.
	if checked < freePerPair || checked > freePerPair+1 {
		t.Fatalf("%d parallel guesses were checked, want %d", checked, freePerPair)
	}
}

// TestLockOutCannotBeUsedAgainstAPerson (issue 11, point 5): wrong
// passwords for Ann sent from many addresses slow the attackers, not Ann:
// her own browser signs in at once, and a new browser of hers within 30
// seconds. Before, ten wrong passwords from anywhere locked her out
// everywhere for 15 minutes, renewable for ever.
func TestLockOutCannotBeUsedAgainstAPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc, h := testServerHandler(t, db, web.TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")})
		clock := fakeClock(h)
		mustUser(t, acc, "ann@example.gov", auth.Viewer)
		good := func() url.Values { return url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}} }

		// Ann signs in at work once; her browser is remembered.
		ann := newBrowser(t, srv.URL)
		ann.ip = "198.51.100.7"
		ann.get("/login")
		ann.post("/login", good()).want(303)
		if !strings.Contains(ann.header.Get("Set-Cookie"), DeviceCookie) {
			t.Fatalf("no device cookie after signing in: %q", ann.header.Values("Set-Cookie"))
		}
		ann.post("/logout", url.Values{})

		// An attacker guesses from one address, then from a hundred.
		attacker := newBrowser(t, srv.URL)
		attacker.ip = "203.0.113.1"
		attacker.get("/login")
		guess := func() {
			attacker.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {"a guess at ann's"}})
		}
		for range freePerPair {
			guess()
			attacker.want(401)
		}
		guess()
		attacker.want(429, "from here")
		slowed := 0
		for i := range 100 {
			attacker.ip = fmt.Sprintf("203.0.%d.%d", 114+i/50, i%50+2)
			for range freePerPair {
				guess()
				if attacker.status == 429 {
					slowed++
				}
			}
		}
		if slowed == 0 {
			t.Fatal("500 guesses from 100 addresses were never slowed")
		}

		// Ann's own browser is not kept out.
		ann.get("/login")
		ann.post("/login", good()).want(303)
		ann.post("/logout", url.Values{})
		// A new browser of hers waits at most 30 seconds, and is told why.
		laptop := newBrowser(t, srv.URL)
		laptop.ip = "198.51.100.8"
		laptop.get("/login")
		laptop.post("/login", good()).want(429, "many wrong passwords from elsewhere")
		if wait, _ := strconv.Atoi(laptop.header.Get("Retry-After")); wait < 1 || wait > 30 {
			t.Fatalf("Retry-After %q, want at most 30", laptop.header.Get("Retry-After"))
		}
		clock.add(maxAccountWait)
		laptop.post("/login", good()).want(303)
		// The attackers are still slowed.
		attacker.ip = "203.0.113.1"
		guess()
		attacker.want(429)
	})
}

// TestSignInStoreDownNotCounted: attempts that fail because the store
// cannot answer are not counted as wrong passwords.
func TestSignInStoreDownNotCounted(t *testing.T) {
	db := storetest.SQLite(t)
	srv, acc := testServer(t, db)
	mustUser(t, acc, "ann@example.gov", auth.Viewer)
	b := newBrowser(t, srv.URL)
	b.get("/login")
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `ALTER TABLE users RENAME TO users_away`); err != nil {
		t.Fatal(err)
	}
	for range 3 * freePerPair {
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}})
		if b.status < 500 {
			t.Fatalf("sign-in with the users table gone: %d", b.status)
		}
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE users_away RENAME TO users`); err != nil {
		t.Fatal(err)
	}
	b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(303)
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/account":             "/account",
		"/services/x?p=1":      "/services/x?p=1",
		"":                     "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"/./\\evil.com":        "/",
		"/\t/evil.com":         "/",
		"/%09/evil.com":        "/",
		"/%5Cevil.com":         "/",
		"https://evil.example": "/",
		"/a/../..//evil":       "/evil",
		"javascript:alert(1)":  "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFirstAdminSetupPage(t *testing.T) {
	db := storetest.SQLite(t)
	srv, acc := testServer(t, db)
	link, err := acc.FirstSetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv.URL)
	b.get(link).want(200, "Set up liveops", "Create administrator")
	b.post(link, url.Values{"email": {"boss@example.gov"}, "password": {goodPassword}, "confirm": {"different password"}}).
		want(400, "The passwords do not match")
	b.post(link, url.Values{"email": {"boss@example.gov"}, "password": {goodPassword}, "confirm": {goodPassword}})
	if b.status != http.StatusSeeOther {
		t.Fatalf("setup: %d\n%s", b.status, b.body)
	}
	b.get("/").want(200, "home of boss@example.gov")
	newBrowser(t, srv.URL).get(link).want(404, "expired or has already been used")
}

// TestLinksUsePublicURL: the set-up link an admin hands to a new user, and
// the address on a new token's page, are on the public URL whatever Host
// the request names (a forged Host put http://evil.example/setup/… there).
func TestLinksUsePublicURL(t *testing.T) {
	srv, acc := testServer(t, storetest.SQLite(t), web.PublicOrigin("https://liveops.example.gov"))
	mustUser(t, acc, "admin@example.gov", auth.Admin)
	admin := signIn(t, srv.URL, "admin@example.gov")
	admin.host = "evil.example"
	admin.get("/users/new").want(200, "Add a user")
	admin.post("/users/new", url.Values{"email": {"new@example.gov"}, "role": {"viewer"}, "all_services": {"yes"}}).
		want(201, "https://liveops.example.gov/setup/")
	admin.post("/tokens", url.Values{"name": {"stats"}, "scope": {"read"}, "all_services": {"yes"}})
	if admin.status != http.StatusCreated || !strings.Contains(admin.body, "https://liveops.example.gov") {
		t.Fatalf("token created: %d\n%s", admin.status, admin.body)
	}
	if strings.Contains(admin.body, "evil.example") {
		t.Fatalf("the forged Host is on the token's page:\n%s", admin.body)
	}
}

func TestAdminPagesAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc := testServer(t, db)
		if _, err := db.ExecContext(context.Background(), `INSERT INTO services (id, slug, name, created_at, updated_at) VALUES (1, 'one', 'Service one', $1, $1)`, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		mustUser(t, acc, "admin@example.gov", auth.Admin)
		mustUser(t, acc, "viewer@example.gov", auth.Viewer)
		admin := signIn(t, srv.URL, "admin@example.gov")

		admin.get("/users").want(200, "viewer@example.gov", "Add a user")
		admin.get("/users/new").want(200, "Add a user")
		admin.post("/users/new", url.Values{"email": {"bad"}, "role": {"editor"}}).want(400, "correct format")
		admin.post("/users/new", url.Values{"email": {"new@example.gov"}, "role": {"editor"}}).want(400, "Choose the services")
		admin.post("/users/new", url.Values{"email": {"new@example.gov"}, "role": {"editor"}, "services": {"7"}}).want(400, "Choose services from the list")
		admin.post("/users/new", url.Values{"email": {"new@example.gov"}, "role": {"editor"}, "services": {"1"}}).
			want(201, "Set-up link for new@example.gov", "/setup/")
		admin.post("/users/new", url.Values{"email": {"new@example.gov"}, "role": {"editor"}, "all_services": {"yes"}}).
			want(409, "already exists")
		u, _ := acc.UserByEmail(context.Background(), "new@example.gov")
		uid := "/users/" + itoa(u.ID)
		admin.get(uid).want(200, "Invited", "Service one")
		admin.post(uid, url.Values{"role": {"viewer"}, "all_services": {"yes"}})
		if admin.status != http.StatusSeeOther {
			t.Fatalf("update access: %d %s", admin.status, admin.body)
		}
		admin.post(uid+"/link", url.Values{}).want(201, "/setup/")
		admin.post(uid+"/disable", url.Values{})
		admin.get(uid).want(200, "has been disabled", "Disabled since")
		admin.post(uid+"/enable", url.Values{})
		admin.post(uid+"/revoke-sessions", url.Values{})
		admin.post(uid+"/delete", url.Values{})
		admin.get("/users/999999").want(404)
		me, _ := acc.UserByEmail(context.Background(), "admin@example.gov")
		admin.post("/users/"+itoa(me.ID)+"/disable", url.Values{}).want(400, "only active admin")

		// A viewer may not manage users, and may only make read tokens.
		viewer := signIn(t, srv.URL, "viewer@example.gov")
		viewer.get("/users").want(403, "Only administrators")
		viewer.get("/tokens").want(200, "Create a token")
		if strings.Contains(viewer.body, `value="write"`) {
			t.Fatal("viewer is offered write tokens")
		}
		viewer.post("/tokens", url.Values{"name": {"x"}, "scope": {"admin"}}).want(400, "cannot create a token with admin scope")
		viewer.post("/tokens", url.Values{"name": {"Dashboard"}, "scope": {"read"}}).want(201, "shown only once")
		secret := regexp.MustCompile(`<code id="new-token">(lo_[^<]+)</code>`).FindStringSubmatch(viewer.body)
		if secret == nil {
			t.Fatal("new token not shown")
		}
		if viewer.header.Get("Cache-Control") != "no-store" {
			t.Fatal("page with a secret may be cached")
		}

		// The API: no token, a bad token, a good one.
		api := func(token string) (int, map[string]any) {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/tokens", nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			json.NewDecoder(resp.Body).Decode(&body)
			return resp.StatusCode, body
		}
		if code, body := api(""); code != 401 || !strings.Contains(body["error"].(string), "Authorization") {
			t.Fatalf("no token: %d %v", code, body)
		}
		if code, _ := api("lo_wrong"); code != 401 {
			t.Fatalf("bad token: %d", code)
		}
		code, body := api(secret[1])
		if code != 200 || len(body["tokens"].([]any)) != 1 {
			t.Fatalf("good token: %d %v", code, body)
		}
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/users", nil)
		req.Header.Set("Authorization", "Bearer "+secret[1])
		resp, _ := http.DefaultClient.Do(req)
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("viewer's token lists users: %d", resp.StatusCode)
		}

		// Revoking stops it.
		tokens, _ := acc.Tokens(context.Background(), 0)
		viewer.get("/tokens")
		viewer.post("/tokens/"+itoa(tokens[0].ID)+"/revoke", url.Values{})
		if viewer.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", viewer.status)
		}
		if code, _ := api(secret[1]); code != 401 {
			t.Fatalf("revoked token: %d", code)
		}
	})
}

func signIn(t *testing.T, base, email string) *browser {
	t.Helper()
	b := newBrowser(t, base)
	b.get("/login")
	b.post("/login", url.Values{"email": {email}, "password": {goodPassword}})
	if b.status != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d\n%s", email, b.status, b.body)
	}
	b.get("/account")
	return b
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUnknownDeviceCookie: a device cookie liveops does not know (another
// database's, or one whose row was removed) is ignored, not an error.
func TestUnknownDeviceCookie(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv, acc := testServer(t, db)
		mustUser(t, acc, "ann@example.gov", auth.Viewer)
		b := newBrowser(t, srv.URL)
		u, _ := url.Parse(srv.URL + "/login")
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: DeviceCookie, Value: "a-device-nobody-knows", Path: "/login"}})
		b.get("/login")
		b.post("/login", url.Values{"email": {"ann@example.gov"}, "password": {goodPassword}}).want(303)
	})
}
