package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestEdgeClientIP: from a trusted proxy, the headers CDNs set are read in
// Plausible's order (lib/plausible_web/remote_ip.ex); from anyone else,
// none is, and ClientIP never reads them.
func TestEdgeClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer string
		headers    map[string]string
		edge, ip   string
	}{
		{"no headers", "10.1.2.3:5000", nil, "10.1.2.3", "10.1.2.3"},
		{"X-Plausible-IP first", "10.1.2.3:5000", map[string]string{"X-Plausible-IP": "198.51.100.1", "CF-Connecting-IP": "198.51.100.2",
			"B-Forwarded-For": "198.51.100.3", "X-Forwarded-For": "198.51.100.4", "Forwarded": "for=198.51.100.5"}, "198.51.100.1", "198.51.100.4"},
		{"CF-Connecting-IP before the forwarding headers", "10.1.2.3:5000", map[string]string{"CF-Connecting-IP": "198.51.100.2",
			"B-Forwarded-For": "198.51.100.3", "X-Forwarded-For": "198.51.100.4"}, "198.51.100.2", "198.51.100.4"},
		{"B-Forwarded-For's first entry", "10.1.2.3:5000", map[string]string{"B-Forwarded-For": "198.51.100.3,9.9.9.9",
			"X-Forwarded-For": "198.51.100.4"}, "198.51.100.3", "198.51.100.4"},
		{"X-Forwarded-For read from the right", "10.1.2.3:5000", map[string]string{"X-Forwarded-For": "6.6.6.6, 198.51.100.4:80",
			"Forwarded": "for=198.51.100.5"}, "198.51.100.4", "198.51.100.4"},
		{"Forwarded", "10.1.2.3:5000", map[string]string{"Forwarded": "by=10.0.0.1;for=198.51.100.5;proto=https"}, "198.51.100.5", "10.1.2.3"},
		{"Forwarded ipv6 with a port", "10.1.2.3:5000", map[string]string{"Forwarded": `For="[2001:db8::5]:4711", for=10.0.0.9`}, "2001:db8::5", "10.1.2.3"},
		{"Forwarded without an address", "10.1.2.3:5000", map[string]string{"Forwarded": "for=unknown"}, "10.1.2.3", "10.1.2.3"},
		{"garbage skipped", "10.1.2.3:5000", map[string]string{"X-Plausible-IP": "nope", "CF-Connecting-IP": "[2001:db8::2]:443"}, "2001:db8::2", "10.1.2.3"},
		{"untrusted peer", "203.0.113.9:5000", map[string]string{"X-Plausible-IP": "198.51.100.1", "CF-Connecting-IP": "198.51.100.2",
			"X-Forwarded-For": "198.51.100.4", "Forwarded": "for=198.51.100.5"}, "203.0.113.9", "203.0.113.9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/event", nil)
			r.RemoteAddr = tc.peer
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			var edge, ip netip.Addr
			ClientIPs(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				edge, ip = EdgeClientIP(r.Context()), ClientIP(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), r)
			if edge != netip.MustParseAddr(tc.edge) || ip != netip.MustParseAddr(tc.ip) {
				t.Fatalf("EdgeClientIP %v ClientIP %v, want %s %s", edge, ip, tc.edge, tc.ip)
			}
		})
	}
}

// FuzzEdgeClientIP: forwarding headers of any shape give an address (one
// of the peer's or a header's), never a panic.
func FuzzEdgeClientIP(f *testing.F) {
	f.Add("198.51.100.1", "[2001:db8::2]:443", "198.51.100.3,9.9.9.9", "6.6.6.6, 198.51.100.4:80", `by=x;for="[2001:db8::5]:4711",for=1.2.3.4`)
	f.Add("", "", "", "", "for=")
	f.Add("[", "]:", ",", ":,[]", `for="`)
	trusted := TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, plausible, cf, bunny, xff, forwarded string) {
		r := httptest.NewRequest("POST", "/api/event", nil)
		r.RemoteAddr = "10.1.2.3:5000"
		for k, v := range map[string]string{"X-Plausible-IP": plausible, "CF-Connecting-IP": cf, "B-Forwarded-For": bunny,
			"X-Forwarded-For": xff, "Forwarded": forwarded} {
			r.Header[k] = []string{v}
		}
		ClientIPs(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !EdgeClientIP(r.Context()).IsValid() || !ClientIP(r.Context()).IsValid() {
				t.Fatalf("no address from %q", r.Header)
			}
		})).ServeHTTP(httptest.NewRecorder(), r)
	})
}
