package probe

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"
)

// serveTLS runs a TLS server with cert that completes handshakes and
// hangs up, and gives its address.
func serveTLS(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	ln := tls.NewListener(mustListen(t), &tls.Config{Certificates: []tls.Certificate{cert}})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.(*tls.Conn).Handshake()
				c.Read(make([]byte, 1))
			}()
		}
	}()
	return ln.Addr().String()
}

func TestTLS(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	past := time.Now().Add(-time.Hour)
	good := ca.leaf(t, past, days(90), "127.0.0.1")
	goodAddr := serveTLS(t, good)
	trusted := Options{AllowPrivate: true, RootCAs: ca.pool}
	plain := mustListen(t)
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()

	for _, c := range []struct {
		name   string
		target string
		spec   Spec
		opts   Options
		status Status
		reason string
	}{
		{"valid", goodAddr, Spec{}, trusted, Up, ""},
		{"valid, more days wanted", goodAddr, Spec{MinDaysValid: 100}, trusted, Down, "certificate expires in 90 days"},
		{"expires soon", serveTLS(t, ca.leaf(t, past, days(6), "127.0.0.1")), Spec{}, trusted, Down, "certificate expires in 6 days"},
		{"expires tomorrow", serveTLS(t, ca.leaf(t, past, days(1), "127.0.0.1")), Spec{}, trusted, Down, "certificate expires in 1 day"},
		{"expires soon, fewer days wanted", serveTLS(t, ca.leaf(t, past, days(6), "127.0.0.1")), Spec{MinDaysValid: 5}, trusted, Up, ""},
		{"expired", serveTLS(t, ca.leaf(t, past.Add(-60*24*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1")), Spec{}, trusted, Down, "certificate has expired"},
		{"expired, not verified", serveTLS(t, ca.leaf(t, past.Add(-60*24*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1")), Spec{SkipTLSVerify: true}, local, Down, "certificate has expired"},
		{"wrong host", serveTLS(t, ca.leaf(t, past, days(90), "other.example")), Spec{}, trusted, Down, "certificate is for other.example, not 127.0.0.1"},
		{"unknown authority", goodAddr, Spec{}, local, Down, "certificate signed by unknown authority"},
		{"unknown authority skipped", goodAddr, Spec{SkipTLSVerify: true}, local, Up, ""},
		{"not TLS", plain.Addr().String(), Spec{}, trusted, Down, "did not answer in TLS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.spec.Type, c.spec.Target = TLS, c.target
			res := probe(t, c.spec, c.opts)
			want(t, res, c.status, c.reason)
			if c.name != "not TLS" && res.CertExpiry.IsZero() {
				t.Error("no certificate expiry")
			}
		})
	}

	res := probe(t, Spec{Type: TLS, Target: goodAddr}, trusted)
	leaf, err := x509.ParseCertificate(good.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if !res.CertExpiry.Equal(leaf.NotAfter) {
		t.Errorf("expiry %s, want %s", res.CertExpiry, leaf.NotAfter)
	}
	if res.Timings.Connect <= 0 || res.Timings.TLS <= 0 {
		t.Errorf("timings %+v", res.Timings)
	}
	_, port, _ := net.SplitHostPort(goodAddr)
	want(t, probe(t, Spec{Type: TLS, Target: "localhost:" + port}, trusted), Down, "certificate is for 127.0.0.1, not localhost")
}
