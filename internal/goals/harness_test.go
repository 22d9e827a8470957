package goals_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// harness serves the goals area over real HTTP. Its test middlewares stand
// in for the account area's: the X-Test-As header (pages) or the bearer
// token (API) names one of its principals.
type harness struct {
	t     *testing.T
	db    *store.DB
	cat   *catalog.Catalog
	goals *goals.Goals
	site  *web.Site
	srv   *httptest.Server

	mu     sync.Mutex
	people map[string]*auth.Principal
}

// fixedNow is the harness's clock: 15 June 2026, midday UTC.
var fixedNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	g := goals.New(db)
	h, err := goals.NewHandler(g, cat, site)
	if err != nil {
		t.Fatal(err)
	}
	h.Now = func() time.Time { return fixedNow }
	hs := &harness{t: t, db: db, cat: cat, goals: g, site: site, people: map[string]*auth.Principal{
		"admin":      {UserID: 1, Email: "admin@example.gov", Role: auth.Admin, AllServices: true},
		"editor":     {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true},
		"viewer":     {UserID: 3, Email: "viewer@example.gov", Role: auth.Viewer, AllServices: true},
		"limited":    {UserID: 4, Email: "limited@example.gov", Role: auth.Editor, Services: map[int64]bool{}},
		"readtoken":  {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true, TokenID: 9, Scope: auth.ScopeRead},
		"writetoken": {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true, TokenID: 10, Scope: auth.ScopeWrite},
	}}
	mux := http.NewServeMux()
	h.Routes(&web.Router{Mux: mux, Site: site, Session: hs.session, RequireSignIn: hs.requireSignIn, Bearer: hs.bearer})
	hs.srv = httptest.NewServer(web.Chain(site.Mux(mux), web.SecurityHeaders()))
	t.Cleanup(hs.srv.Close)
	return hs
}

// service adds a service to the catalog.
func (hs *harness) service(name, host, zone string) *catalog.Service {
	hs.t.Helper()
	return newService(hs.t, hs.cat, name, host, zone)
}

func newService(t *testing.T, cat *catalog.Catalog, name, host, zone string) *catalog.Service {
	t.Helper()
	s, err := cat.Create(context.Background(), catalog.Input{Name: name, Domains: []string{host}, Timezone: zone})
	if err != nil {
		t.Fatal(err)
	}
	return s
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

// call sends an API request with token as the bearer and returns the
// status and the decoded JSON body (nil when there is none).
func (hs *harness) call(token, method, path, body string) (int, map[string]any) {
	hs.t.Helper()
	req, err := http.NewRequest(method, hs.srv.URL+path, strings.NewReader(body))
	if err != nil {
		hs.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		hs.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) == 0 {
		return resp.StatusCode, nil
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		hs.t.Fatalf("%s %s: body is not a JSON object: %s", method, path, raw)
	}
	return resp.StatusCode, out
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

func contains(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func lacks(t *testing.T, what, page string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(page, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

var (
	idAttr       = regexp.MustCompile(`\sid="([^"]+)"`)
	headingTag   = regexp.MustCompile(`<h([1-6])[\s>]`)
	describedBy  = regexp.MustCompile(`aria-(?:describedby|labelledby)="([^"]+)"`)
	controlTag   = regexp.MustCompile(`<(input|textarea|select)\s[^>]*>`)
	hiddenInput  = regexp.MustCompile(`type="hidden"`)
	errorSummary = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)
	hrefAnchor   = regexp.MustCompile(`href="#([^"]+)"`)
	inlineScript = regexp.MustCompile(`<script|\sstyle=|\son[a-z]+=`)
)

// checkPage fails the test when a page breaks the rules every liveops page
// keeps (as catalog's test does): one h1, headings in order, unique ids, a
// label for every control, described-by and labelled-by ids that exist,
// error summary links that lead somewhere, nothing the CSP would block.
func checkPage(t *testing.T, path, page string) {
	t.Helper()
	if m := inlineScript.FindString(page); m != "" {
		t.Errorf("%s: inline script or style %q", path, m)
	}
	main := errorSummary.ReplaceAllString(page, "")
	levels := headingTag.FindAllStringSubmatch(main, -1)
	if len(levels) == 0 || levels[0][1] != "1" || strings.Count(page, "<h1") != 1 {
		t.Errorf("%s: want exactly one h1, first: %v", path, levels)
	}
	for i := 1; i < len(levels); i++ {
		if levels[i][1][0] > levels[i-1][1][0]+1 {
			t.Errorf("%s: heading h%s follows h%s", path, levels[i][1], levels[i-1][1])
		}
	}
	ids := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
		if ids[m[1]] {
			t.Errorf("%s: id %q is used twice", path, m[1])
		}
		ids[m[1]] = true
	}
	for _, m := range describedBy.FindAllStringSubmatch(page, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !ids[id] {
				t.Errorf("%s: aria attribute names %q, which is not on the page", path, id)
			}
		}
	}
	for _, m := range hrefAnchor.FindAllStringSubmatch(errorSummary.FindString(page), -1) {
		if !ids[m[1]] {
			t.Errorf("%s: the error summary links to #%s, which is not on the page", path, m[1])
		}
	}
	for _, tag := range controlTag.FindAllString(page, -1) {
		if hiddenInput.MatchString(tag) {
			continue
		}
		m := idAttr.FindStringSubmatch(tag)
		if m == nil || !strings.Contains(page, `<label for="`+m[1]+`"`) {
			t.Errorf("%s: control without a label: %s", path, tag)
		}
	}
}
