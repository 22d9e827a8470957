package embedjs

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/web"
)

var (
	sample = []byte("(function(){window.x=1})();" + strings.Repeat("/* padding */", 20))
	std    = New("script", sample)
	other  = New("feedback", []byte("window.y=2"))
)

func TestVersionedPath(t *testing.T) {
	if p := std.VersionedPath(); !strings.HasPrefix(p, "/js/script.") || len(p) != len("/js/script.12345678.js") {
		t.Fatalf("VersionedPath() = %q, not /js/script.<8 hex>.js", p)
	}
	if std.Path() != "/js/script.js" {
		t.Fatalf("Path() = %q", std.Path())
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	etag, gzETag := std.ETags()
	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
		cache, encoding    string
		etag               string
		body               []byte // nil: no body expected
	}{
		{name: "plain", method: "GET", path: "/js/script.js", status: 200,
			cache: CachePlain, etag: etag, body: sample},
		{name: "plain gzip", method: "GET", path: "/js/script.js", header: map[string]string{"Accept-Encoding": "gzip, deflate, br"},
			status: 200, cache: CachePlain, encoding: "gzip", etag: gzETag, body: sample},
		{name: "versioned", method: "GET", path: std.VersionedPath(), status: 200,
			cache: CacheVersioned, etag: etag, body: sample},
		{name: "versioned gzip", method: "GET", path: std.VersionedPath(), header: map[string]string{"Accept-Encoding": "br;q=1, gzip;q=0.5"},
			status: 200, cache: CacheVersioned, encoding: "gzip", etag: gzETag, body: sample},
		{name: "gzip refused", method: "GET", path: "/js/script.js", header: map[string]string{"Accept-Encoding": "gzip;q=0, *"},
			status: 200, cache: CachePlain, etag: etag, body: sample},
		{name: "older version gets the current script briefly", method: "GET", path: "/js/script.00000000.js",
			status: 200, cache: CachePlain, etag: etag, body: sample},
		{name: "head", method: "HEAD", path: "/js/script.js", status: 200, cache: CachePlain, etag: etag},
		{name: "not modified", method: "GET", path: std.VersionedPath(), header: map[string]string{"If-None-Match": etag},
			status: 304, cache: CacheVersioned, etag: etag},
		{name: "not modified gzip", method: "GET", path: "/js/script.js",
			header: map[string]string{"Accept-Encoding": "gzip", "If-None-Match": `"old", ` + gzETag},
			status: 304, cache: CachePlain, etag: gzETag},
		{name: "other encoding's etag", method: "GET", path: "/js/script.js",
			header: map[string]string{"If-None-Match": gzETag}, status: 200, cache: CachePlain, etag: etag, body: sample},
		{name: "stale etag", method: "GET", path: "/js/script.js", header: map[string]string{"If-None-Match": `"0000"`},
			status: 200, cache: CachePlain, etag: etag, body: sample},
		{name: "other file", method: "GET", path: "/js/other.js", status: 404},
		{name: "not a script", method: "GET", path: "/js/script.css", status: 404},
		{name: "bad version", method: "GET", path: "/js/script.XYZ.js", status: 404},
		{name: "post", method: "POST", path: "/js/script.js", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			Set{other, std}.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status >= 400 {
				return
			}
			want := map[string]string{
				"Cache-Control":                tc.cache,
				"Content-Encoding":             tc.encoding,
				"ETag":                         tc.etag,
				"Vary":                         "Accept-Encoding",
				"Access-Control-Allow-Origin":  "*",
				"Cross-Origin-Resource-Policy": "cross-origin",
			}
			if tc.status == 200 {
				want["Content-Type"] = "text/javascript; charset=utf-8"
			} else {
				want["Content-Encoding"] = ""
			}
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			body := rec.Body.Bytes()
			if tc.encoding == "gzip" {
				if !bytes.Equal(body, std.Gzipped()) {
					t.Fatal("gzip body is not the precompressed script")
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, tc.body) {
				t.Fatalf("body is %d bytes, want %d", len(body), len(tc.body))
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	Set{std}.Routes(&web.Router{Mux: mux})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/js/script.js", 200},
		{"GET", std.VersionedPath(), 200},
		{"HEAD", "/js/script.js", 200},
		{"GET", "/js/app.js", 404},
		{"POST", "/js/script.js", 405},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"deflate, gzip;q=0.8"}, true},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.0"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"identity"}, false},
		{[]string{"x-gzip"}, true},
		{[]string{"gzip;q=abc"}, false},
	} {
		if got := acceptsGzip(tc.in); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
