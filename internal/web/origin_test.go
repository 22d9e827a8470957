package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParsePublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://liveops.example.gov":  "https://liveops.example.gov",
		"https://LiveOps.Example.gov/": "https://liveops.example.gov",
		"http://127.0.0.1:8080":        "http://127.0.0.1:8080",
		"https://[2001:db8::1]:8443":   "https://[2001:db8::1]:8443",
	} {
		if got, err := ParsePublicURL(in); err != nil || got != want {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"liveops.example.gov":                  "https://",
		"ftp://liveops.example.gov":            "https://",
		"https://":                             "no host",
		"https://:8080":                        "no host",
		"https://admin:pw@liveops.example.gov": "user name",
		"https://liveops.example.gov/liveops":  "no path",
		"https://liveops.example.gov/?a=1":     "no path",
		"https://liveops.example.gov/#top":     "no path",
		"https://liveops.example.gov:bad":      "not a URL",
	} {
		if got, err := ParsePublicURL(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want an error saying %q", in, got, err, why)
		}
	}
}

func TestListenOrigin(t *testing.T) {
	for _, tc := range []struct {
		addr string
		tls  bool
		want string
	}{
		{"127.0.0.1:8080", false, "http://127.0.0.1:8080"},
		{"0.0.0.0:8080", false, "http://localhost:8080"},
		{"[::]:443", true, "https://localhost:443"},
		{":8080", false, "http://localhost:8080"},
		{"liveops.internal:8080", true, "https://liveops.internal:8080"},
	} {
		if got := ListenOrigin(tc.addr, tc.tls); got != tc.want {
			t.Errorf("ListenOrigin(%q, %v) = %q, want %q", tc.addr, tc.tls, got, tc.want)
		}
	}
}

// TestOrigin: with a public URL, a forged Host header changes nothing.
func TestOrigin(t *testing.T) {
	var got string
	h := PublicOrigin("https://liveops.example.gov")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = Origin(r) }))
	r := httptest.NewRequest("GET", "/users/new", nil)
	r.Host = "evil.example"
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "https://liveops.example.gov" {
		t.Errorf("Origin with a public URL and Host evil.example = %q", got)
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Host = "liveops.test."
	if got := Origin(r); got != "http://liveops.test" {
		t.Errorf("Origin without a public URL = %q", got)
	}
}
