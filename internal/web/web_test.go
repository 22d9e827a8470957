package web

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer, xff, want string
	}{
		{"no proxy", "203.0.113.9:5000", "", "203.0.113.9"},
		{"untrusted peer's header is ignored", "203.0.113.9:5000", "1.2.3.4", "203.0.113.9"},
		{"trusted proxy", "10.1.2.3:5000", "198.51.100.7", "198.51.100.7"},
		{"chain of trusted proxies", "10.1.2.3:5000", "198.51.100.7, 192.168.1.1, 10.9.9.9", "198.51.100.7"},
		{"forged left-most entry", "10.1.2.3:5000", "6.6.6.6, 198.51.100.7", "198.51.100.7"},
		{"garbage in header", "10.1.2.3:5000", "not-an-ip", "10.1.2.3"},
		{"ipv6 peer", "[2001:db8::1]:443", "", "2001:db8::1"},
		{"v4-mapped proxy", "[::ffff:10.0.0.1]:80", "198.51.100.8", "198.51.100.8"},
		{"entry with a port", "10.1.2.3:5000", "198.51.100.7:123", "198.51.100.7"},
		{"ipv6 entry with a port", "10.1.2.3:5000", "[2001:db8::7]:123", "2001:db8::7"},
		{"ipv6 entry in brackets", "10.1.2.3:5000", "[2001:db8::7]", "2001:db8::7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got, _ := clientIP(r, trusted); got != netip.MustParseAddr(tc.want) {
				t.Fatalf("clientIP = %v, want %s", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) succeeded", bad)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Name  string   `json:"name"`
		Count int      `json:"count"`
		Tags  []string `json:"tags"`
	}
	tests := []struct {
		name, ct, body string
		status         int
		field, msg     string
	}{
		{"ok", "application/json", `{"name":"a","count":2}`, 0, "", ""},
		{"empty", "application/json", ``, 400, "", "empty"},
		{"syntax", "application/json", `{"name":}`, 400, "", "byte"},
		{"truncated", "application/json", `{"name":"a"`, 400, "", "ends too early"},
		{"wrong type", "application/json", `{"count":"two"}`, 400, "count", "count must be a number"},
		{"unknown field", "application/json", `{"nmae":"a"}`, 400, "nmae", "unknown field"},
		{"trailing data", "application/json", `{"name":"a"} {}`, 400, "", "after the object"},
		{"too big", "application/json", `{"name":"` + strings.Repeat("x", 200) + `"}`, 413, "", "larger than"},
		{"form body", "application/x-www-form-urlencoded", `name=a`, 415, "", "application/json"},
		{"NUL escape", "application/json", `{"name":"a\u0000"}`, 400, "", "cannot be stored"},
		{"invalid UTF-8", "application/json", "{\"name\":\"a\xff\"}", 400, "", "cannot be stored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ct)
			var b body
			err := DecodeJSON(httptest.NewRecorder(), r, 100, &b)
			if tc.status == 0 {
				if err != nil || b.Name != "a" || b.Count != 2 {
					t.Fatalf("DecodeJSON = %+v, %v", b, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tc.status || e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("DecodeJSON error = %#v, want %d on %q containing %q", err, tc.status, tc.field, tc.msg)
			}
		})
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"a"}`, `{"count":1e999}`, `[]`, `{"tags":[1]}`, `{"a":`, "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(s))
		var b struct {
			Name  string            `json:"name"`
			Count int               `json:"count"`
			Tags  []string          `json:"tags"`
			Props map[string]string `json:"props"`
		}
		err := DecodeJSON(httptest.NewRecorder(), r, 1<<10, &b)
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Message == "") {
			t.Fatalf("DecodeJSON(%q) = %v, want a 4xx *Error", s, err)
		}
	})
}

func testSite(t *testing.T) *Site {
	t.Helper()
	s, err := NewSite()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCSRFAndHeaders(t *testing.T) {
	s := testSite(t)
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "token="+CSRFToken(r.Context()))
	}), ClientIPs(TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")}), SecurityHeaders(), s.CSRF)
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Plain HTTP: no HSTS, and cookies are not Secure.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") != "" || resp.Cookies()[0].Secure {
		t.Fatal("HSTS or Secure cookie over plain HTTP")
	}
	// HTTPS ended at a trusted proxy.
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for name, want := range map[string]string{
		"Content-Security-Policy":   "frame-ancestors 'none'",
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "strict-origin-when-cross-origin",
		"Strict-Transport-Security": "max-age=",
	} {
		if got := resp.Header.Get(name); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", name, got, want)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows unsafe-inline")
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == csrfCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || string(body) != "token="+cookie.Value {
		t.Fatalf("CSRF cookie %+v, body %q", cookie, body)
	}

	post := func(token string) int {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("csrf_token="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(cookie.Value); got != 200 {
		t.Errorf("POST with the token: %d", got)
	}
	if got := post(""); got != 403 {
		t.Errorf("POST without the token: %d", got)
	}
	if got := post(cookie.Value + "x"); got != 403 {
		t.Errorf("POST with a wrong token: %d", got)
	}
	if got := post(cookie.Value + "&name=a%00b"); got != 400 {
		t.Errorf("POST with a NUL byte: %d", got)
	}
	if got := post(cookie.Value + "&name=a%FFb"); got != 400 {
		t.Errorf("POST with invalid UTF-8: %d", got)
	}
	// A form over the limit is too large (413), not a missing token (403).
	if got := post(cookie.Value + "&data=" + strings.Repeat("x", MaxFormBytes)); got != 413 {
		t.Errorf("POST of a form over %d bytes: %d, want 413", MaxFormBytes, got)
	}
}

func TestStaticAndErrors(t *testing.T) {
	s := testSite(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{hash}/{name}", s.ServeStatic)
	mux.Handle("GET /api/v1/boom", s.Handle(func(w http.ResponseWriter, r *http.Request) error { return errors.New("secret detail") }))
	mux.Handle("GET /boom", s.Handle(func(w http.ResponseWriter, r *http.Request) error { return errors.New("secret detail") }))
	mux.Handle("GET /api/v1/bad", s.Handle(func(w http.ResponseWriter, r *http.Request) error { return BadRequest("name", "name is too long") }))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	url, err := s.assetURL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, _ := get(url)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("static: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get("/static/x/nope.css"); resp.StatusCode != 404 {
		t.Fatalf("missing asset: %d", resp.StatusCode)
	}
	resp, body := get("/api/v1/boom")
	if resp.StatusCode != 500 || strings.Contains(body, "secret detail") || !strings.Contains(body, `"error"`) {
		t.Fatalf("API 500: %d %s", resp.StatusCode, body)
	}
	resp, body = get("/boom")
	if resp.StatusCode != 500 || strings.Contains(body, "secret detail") || !strings.Contains(body, "Sorry, something went wrong") {
		t.Fatalf("page 500: %d %s", resp.StatusCode, body)
	}
	resp, body = get("/api/v1/bad")
	if resp.StatusCode != 400 || strings.TrimSpace(body) != `{"error":"name is too long","field":"name"}` {
		t.Fatalf("API 400: %d %s", resp.StatusCode, body)
	}
}

func TestMuxFallbacks(t *testing.T) {
	s := testSite(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "thing") })
	mux.HandleFunc("GET /api/v1/things", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "[]") })
	srv := httptest.NewServer(s.Mux(mux))
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		want, allow  string
	}{
		{"GET", "/things/1", 200, "thing", ""},
		{"GET", "/nothing", 404, "Page not found", ""},
		{"POST", "/things/1", 405, "POST is not allowed", "GET, HEAD"},
		{"PUT", "/api/v1/things", 405, `{"error":"PUT is not allowed here`, "GET, HEAD"},
		{"GET", "/api/v1/nothing", 404, `{"error":"no such endpoint: /api/v1/nothing"}`, ""},
		{"GET", "/things/%FF", 400, "not allowed", ""},
		{"GET", "/things/a%00", 400, "not allowed", ""},
		{"GET", "/things/1?q=%00", 400, "not allowed", ""},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s = %d Allow=%q %q; want %d Allow=%q containing %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), b, tc.status, tc.allow, tc.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 10, "plain"},
		{"a\x00b\xffc", 10, "abc"},
		{strings.Repeat("a", 199) + "é", 200, strings.Repeat("a", 199)},
		{"ééé", 5, "éé"},
	} {
		if got := CleanText(tc.in, tc.max); got != tc.want {
			t.Errorf("CleanText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
