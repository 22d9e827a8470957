package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/web"
)

// Browser is one person's browser: a cookie jar, the CSRF token of the last
// page, and redirects not followed so that tests see the 303s.
type Browser struct {
	t      testing.TB
	base   string
	as     string
	client *http.Client
	csrf   string
}

// Browser opens a browser for the principal called as ("" for nobody
// signed in).
func (s *Server) Browser(as string) *Browser {
	s.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &Browser{t: s.t, base: s.URL, as: as, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// CSRF returns the token in the forms of the last page that had one, or "".
func (b *Browser) CSRF() string { return b.csrf }

var csrfField = regexp.MustCompile(`name="` + regexp.QuoteMeta(web.CSRFField) + `" value="([^"]+)"`)

// Do sends a request, with form as its body when it is not nil, and returns
// the response and its body. An HTML page is held to CheckPage; a request
// that cannot be sent fails the test.
func (b *Browser) Do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("X-Test-As", b.as)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	page := string(raw)
	if m := csrfField.FindStringSubmatch(page); m != nil {
		b.csrf = m[1]
	}
	if strings.HasPrefix(page, "<!doctype html>") {
		CheckPage(b.t, path, page)
	}
	return resp, page
}

// Get fetches a page, failing the test unless the answer has this status.
func (b *Browser) Get(path string, status int) string {
	b.t.Helper()
	resp, page := b.Do(http.MethodGet, path, nil)
	if resp.StatusCode != status {
		b.t.Fatalf("GET %s as %s = %d, want %d\n%s", path, b.as, resp.StatusCode, status, page)
	}
	return page
}

// Post sends a form, with the CSRF token of the last page unless the form
// has one, failing the test unless the answer has this status.
func (b *Browser) Post(path string, form url.Values, status int) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has(web.CSRFField) {
		form.Set(web.CSRFField, b.csrf)
	}
	resp, page := b.Do(http.MethodPost, path, form)
	if resp.StatusCode != status {
		b.t.Fatalf("POST %s as %s = %d, want %d\n%s", path, b.as, resp.StatusCode, status, page)
	}
	return resp, page
}
