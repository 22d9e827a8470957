package catalog_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// harness serves the catalog over real HTTP. Its test middlewares stand in
// for the account area's: the X-Test-As header (pages) or the bearer token
// (API) names one of its principals.
type harness struct {
	t    *testing.T
	cat  *catalog.Catalog
	site *web.Site
	srv  *httptest.Server

	mu     sync.Mutex
	people map[string]*auth.Principal
}

func newHarness(t *testing.T, db *store.DB, setup ...func(*catalog.Handler)) *harness {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	h, err := catalog.NewHandler(cat, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(h)
	}
	hs := &harness{t: t, cat: cat, site: site, people: map[string]*auth.Principal{
		"admin":     {UserID: 1, Email: "admin@example.gov", Role: auth.Admin, AllServices: true},
		"editor":    {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true},
		"viewer":    {UserID: 3, Email: "viewer@example.gov", Role: auth.Viewer, AllServices: true},
		"limited":   {UserID: 4, Email: "limited@example.gov", Role: auth.Editor, Services: map[int64]bool{}},
		"readtoken": {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true, TokenID: 9, Scope: auth.ScopeRead},
	}}
	mux := http.NewServeMux()
	h.Routes(&web.Router{Mux: mux, Site: site, Session: hs.session, RequireSignIn: hs.requireSignIn, Bearer: hs.bearer})
	hs.srv = httptest.NewServer(web.Chain(mux, web.SecurityHeaders()))
	t.Cleanup(hs.srv.Close)
	return hs
}

// limitTo lets the limited editor see only these services.
func (hs *harness) limitTo(ids ...int64) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	for _, id := range ids {
		hs.people["limited"].Services[id] = true
	}
}

func (hs *harness) principal(name string) *auth.Principal {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	p, ok := hs.people[name]
	if !ok {
		return nil
	}
	cp := *p
	cp.Services = map[int64]bool{}
	for id := range p.Services {
		cp.Services[id] = true
	}
	return &cp
}

func (hs *harness) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := hs.principal(r.Header.Get("X-Test-As")); p != nil {
			ctx := auth.With(r.Context(), p)
			ctx = web.WithViewer(ctx, &web.Viewer{ID: p.UserID, Email: p.Email, Role: string(p.Role), IsAdmin: p.IsAdmin()})
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

func (hs *harness) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.From(r.Context()) == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (hs *harness) bearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		p := hs.principal(name)
		if p == nil {
			web.WriteJSON(w, http.StatusUnauthorized, web.APIError{Error: "send a valid API token"})
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}

// browser is one person's browser: a cookie jar, and redirects not followed
// so that tests see the 303s.
type browser struct {
	hs     *harness
	as     string
	client *http.Client
	csrf   string // the token in the last page's forms
}

func (hs *harness) browser(as string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{hs: hs, as: as, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.hs.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.hs.srv.URL+path, body)
	if err != nil {
		b.hs.t.Fatal(err)
	}
	req.Header.Set("X-Test-As", b.as)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.hs.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.hs.t.Fatal(err)
	}
	page := string(raw)
	if m := csrfField.FindStringSubmatch(page); m != nil {
		b.csrf = m[1]
	}
	if strings.HasPrefix(page, "<!doctype html>") {
		checkPage(b.hs.t, path, page)
	}
	return resp, page
}

// get fetches a page and checks its status.
func (b *browser) get(path string, status int) string {
	b.hs.t.Helper()
	resp, page := b.do(http.MethodGet, path, nil)
	if resp.StatusCode != status {
		b.hs.t.Fatalf("GET %s as %s = %d, want %d\n%s", path, b.as, resp.StatusCode, status, page)
	}
	return page
}

// post sends a form with the CSRF token of the last page, and checks the status.
func (b *browser) post(path string, form url.Values, status int) (*http.Response, string) {
	b.hs.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has(web.CSRFField) {
		form.Set(web.CSRFField, b.csrf)
	}
	resp, page := b.do(http.MethodPost, path, form)
	if resp.StatusCode != status {
		b.hs.t.Fatalf("POST %s as %s = %d, want %d\n%s", path, b.as, resp.StatusCode, status, page)
	}
	return resp, page
}
