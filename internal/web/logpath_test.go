package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoggedPath: a log shows a route's secrets by name only, and a path
// no route matched without the personal data in it.
func TestLoggedPath(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	record := func(w http.ResponseWriter, r *http.Request) { got = LoggedPath(r) }
	mux.HandleFunc("GET /setup/{secret}", record)
	mux.HandleFunc("GET /s/{slug}/files/{rest...}", record)
	mux.HandleFunc("GET /{$}", record)
	mux.HandleFunc("GET /", record)
	for path, want := range map[string]string{
		"/setup/s3cr3t-value":               "/setup/{secret}",
		"/s/apply/files/a/b.csv":            "/s/apply/files/a/b.csv",
		"/s/apply/files/jane@example.org/x": "/s/apply/files/[email]/x",
		"/":                                 "/",
		"/nope/jane@example.org":            "/nope/[email]",
		"/nope/07700900123?x=1":             "/nope/[phone]",
		"/ok":                               "/ok",
	} {
		got = ""
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if got != want {
			t.Errorf("LoggedPath(%q) = %q, want %q", path, got, want)
		}
	}
	long := "/" + strings.Repeat("a", 300)
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", long, nil))
	if len(got) > maxLoggedPath+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("a 301-byte path is logged as %d bytes: %q", len(got), got)
	}
}
