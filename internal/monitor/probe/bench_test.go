package probe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHTTPProbe is one HTTP check against a loopback server: a fresh
// connection, the request, a small body read and matched. Loopback leaves
// out the network, so this is the prober's own cost per check.
func BenchmarkHTTPProbe(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"ok","checks":[{"name":"db","state":"ok"}]}`)
	}))
	b.Cleanup(srv.Close)
	spec := Spec{Type: HTTP, Target: srv.URL, BodyContains: "ok", JSON: []JSONAssertion{{"checks.0.state", "ok"}}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := Run(ctx, spec, local); res.Status != Up {
			b.Fatal(res.Reason)
		}
	}
}

// BenchmarkHTTPSProbe adds a TLS handshake; both sides run here, so the
// server's RSA signature is in the figure too.
func BenchmarkHTTPSProbe(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	b.Cleanup(srv.Close)
	opts := Options{AllowPrivate: true, RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	spec := Spec{Type: HTTP, Target: srv.URL}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := Run(ctx, spec, opts); res.Status != Up {
			b.Fatal(res.Reason)
		}
	}
}

func BenchmarkTCPProbe(b *testing.B) {
	srv := httptest.NewServer(http.NotFoundHandler())
	b.Cleanup(srv.Close)
	spec := Spec{Type: TCP, Target: srv.Listener.Addr().String()}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := Run(ctx, spec, local); res.Status != Up {
			b.Fatal(res.Reason)
		}
	}
}
