package feedback_test

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// fixedNow is the tests' clock at the start: 15 June 2026, midday UTC.
var fixedNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for the store's windows and the pages' periods.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// harness serves the feedback area over real HTTP behind webtest's fake
// authentication, with client addresses taken from X-Forwarded-For (the
// test client is a trusted proxy) so that tests can play many visitors.
type harness struct {
	*webtest.Server
	t     *testing.T
	db    *store.DB
	cat   *catalog.Catalog
	fb    *feedback.Feedback
	site  *web.Site
	clock *clock
}

// fakeVisitorKey stands in for the analytics visitor hash: a hash of the
// client's address and the service.
func fakeVisitorKey(ctx context.Context, s *catalog.Service, r *http.Request) (int64, error) {
	h := fnv.New64a()
	io.WriteString(h, web.ClientIP(ctx).String())
	io.WriteString(h, s.Slug)
	return int64(h.Sum64() >> 1), nil
}

// newHarness serves the feedback area on db. visitorKey, when given,
// replaces fakeVisitorKey.
func newHarness(t *testing.T, db *store.DB, visitorKey ...func(context.Context, *catalog.Service, *http.Request) (int64, error)) *harness {
	t.Helper()
	key := fakeVisitorKey
	if len(visitorKey) > 0 {
		key = visitorKey[0]
	}
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	fb := feedback.New(db)
	c := &clock{t: fixedNow}
	fb.SetClock(c.now)
	h, err := feedback.NewHandler(fb, cat, site, feedback.Options{VisitorKey: key})
	if err != nil {
		t.Fatal(err)
	}
	h.Now = c.now
	trusted := web.TrustedProxies{netip.MustParsePrefix("127.0.0.0/8")}
	srv := webtest.NewServer(t, site, h.Routes, func(mux *http.ServeMux) http.Handler {
		return web.Chain(site.Mux(mux), web.ClientIPs(trusted), web.SecurityHeaders())
	})
	return &harness{Server: srv, t: t, db: db, cat: cat, fb: fb, site: site, clock: c}
}

// service adds a service to the catalog.
func (hs *harness) service(name string, hosts ...string) *catalog.Service {
	hs.t.Helper()
	return newService(hs.t, hs.cat, name, hosts...)
}

func newService(t testing.TB, cat *catalog.Catalog, name string, hosts ...string) *catalog.Service {
	t.Helper()
	s, err := cat.Create(context.Background(), catalog.Input{Name: name, Domains: hosts, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// response is an answer to a raw request.
type response struct {
	status int
	header http.Header
	body   string
}

// json decodes the body as a JSON object.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body is not JSON: %q", r.body)
	}
	return m
}

// send makes a request with the given content type and headers, as a
// visitor at addr (X-Forwarded-For), following no redirects.
func (hs *harness) send(method, path, contentType, body, addr string, header ...string) response {
	hs.t.Helper()
	req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
	if err != nil {
		hs.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		hs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if strings.HasPrefix(string(b), "<!doctype html>") {
		webtest.CheckPage(hs.t, path, string(b))
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// postJSON sends a public JSON submission.
func (hs *harness) postJSON(body, addr string, header ...string) response {
	hs.t.Helper()
	return hs.send("POST", "/api/feedback", "application/json", body, addr, header...)
}

// postForm sends a public form submission.
func (hs *harness) postForm(path string, form url.Values, addr string) response {
	hs.t.Helper()
	return hs.send("POST", path, "application/x-www-form-urlencoded", form.Encode(), addr)
}

// count is the number of feedback rows where cond holds.
func (hs *harness) count(cond string, args ...any) int {
	hs.t.Helper()
	return countRows(hs.t, hs.db, cond, args...)
}

func countRows(t testing.TB, db *store.DB, cond string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM feedback WHERE `+cond, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
