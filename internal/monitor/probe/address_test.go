package probe

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestCheckAddress(t *testing.T) {
	t.Parallel()
	const (
		ok      = ""
		never   = whyNever
		cast    = whyCast
		private = whyPrivate
	)
	for _, c := range []struct {
		ip           string
		strict, open string // the refusal without and with AllowPrivate
	}{
		{"169.254.169.254", never, never},
		{"169.254.0.1", never, never},
		{"fe80::1", never, never},
		{"fe80::1%eth0", never, never},
		{"fd00:ec2::254", never, never},
		{"100.100.100.200", never, never},
		{"::ffff:169.254.169.254", never, never},
		{"64:ff9b::a9fe:a9fe", never, never}, // NAT64 of 169.254.169.254
		{"2002:a9fe:a9fe::1", never, never},  // 6to4 of 169.254.169.254
		{"224.0.0.1", cast, cast},
		{"ff02::1", cast, cast},
		{"255.255.255.255", cast, cast},
		{"127.0.0.1", private, ok},
		{"127.1.2.3", private, ok},
		{"::1", private, ok},
		{"::ffff:127.0.0.1", private, ok},
		{"0.0.0.0", private, ok},
		{"::", private, ok},
		{"10.0.0.1", private, ok},
		{"172.16.0.1", private, ok},
		{"172.31.255.255", private, ok},
		{"192.168.1.1", private, ok},
		{"100.64.0.1", private, ok},
		{"fc00::1", private, ok},
		{"fd12:3456::1", private, ok},
		{"64:ff9b::a00:1", private, ok}, // NAT64 of 10.0.0.1
		{"172.32.0.1", ok, ok},
		{"192.0.2.1", ok, ok},
		{"2001:db8::1", ok, ok},
		{"93.184.215.14", ok, ok},
	} {
		ip := netip.MustParseAddr(c.ip)
		for _, o := range []struct {
			allow bool
			want  string
		}{{false, c.strict}, {true, c.open}} {
			err := CheckAddress(ip, Options{AllowPrivate: o.allow})
			var ae *AddressError
			switch {
			case o.want == ok && err != nil:
				t.Errorf("%s (allow private %v): refused: %v", c.ip, o.allow, err)
			case o.want != ok && (!errors.As(err, &ae) || ae.Why != o.want):
				t.Errorf("%s (allow private %v): %v, want %q", c.ip, o.allow, err, o.want)
			}
		}
	}
	if CheckAddress(netip.Addr{}, Options{AllowPrivate: true}) == nil {
		t.Error("the zero Addr was allowed")
	}
}

// TestRefusedBeforeConnecting: refused targets get their reason at once,
// with no connection made (no timings, and nothing on the listener).
func TestRefusedBeforeConnecting(t *testing.T) {
	t.Parallel()
	ln := &countingListener{Listener: mustListen(t)}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	const meta = "address 169.254.169.254 is not allowed: link-local and cloud metadata addresses are never checked"
	for _, c := range []struct {
		name   string
		spec   Spec
		opts   Options
		reason string
	}{
		{"metadata over HTTP", Spec{Type: HTTP, Target: "http://169.254.169.254/latest/meta-data/"}, local, meta},
		{"metadata over TCP", Spec{Type: TCP, Target: "169.254.169.254:80"}, local, meta},
		{"metadata over TLS", Spec{Type: TLS, Target: "169.254.169.254:443"}, local, meta},
		{"AWS IPv6 metadata", Spec{Type: HTTP, Target: "http://[fd00:ec2::254]/"}, local,
			"address fd00:ec2::254 is not allowed: link-local and cloud metadata addresses are never checked"},
		{"private", Spec{Type: TCP, Target: "10.0.0.1:80"}, Options{},
			"address 10.0.0.1 is not allowed: private and loopback addresses are checked only when the server allows private checks"},
		{"loopback literal", Spec{Type: HTTP, Target: srv.URL}, Options{}, "address 127.0.0.1 is not allowed"},
		// A name goes through the dialer's check, on the address it resolved to.
		{"loopback name", Spec{Type: HTTP, Target: "http://localhost:" + port}, Options{}, "is not allowed: private and loopback"},
		{"loopback name over TCP", Spec{Type: TCP, Target: "localhost:" + port}, Options{}, "is not allowed: private and loopback"},
		{"metadata resolver", Spec{Type: DNS, Target: "example.gov", Resolver: "169.254.169.253"}, local,
			"resolver address 169.254.169.253 is not allowed: link-local"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := Run(t.Context(), c.spec, c.opts)
			want(t, res, Down, c.reason)
			if res.Duration > 100*time.Millisecond || res.Timings.Connect != 0 {
				t.Errorf("refused after %s, timings %+v: a connection was tried", res.Duration, res.Timings)
			}
		})
	}
	if n := ln.n.Load(); n != 0 {
		t.Errorf("the loopback server got %d connections from refused probes", n)
	}
	// With AllowPrivate the same server is reached.
	want(t, probe(t, Spec{Type: HTTP, Target: "http://localhost:" + port}, local), Up, "")
}

// TestRedirectToMetadata: an allowed server may not redirect a probe to a
// refused address. (A redirect to a name is checked by the same dialer as
// the first hop, as "loopback name" above shows.)
func TestRedirectToMetadata(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	res := probe(t, Spec{Type: HTTP, Target: srv.URL, FollowRedirects: true}, local)
	want(t, res, Down, "address 169.254.169.254 is not allowed: link-local and cloud metadata addresses are never checked")
	// Not followed, the redirect itself is the (good) answer.
	want(t, probe(t, Spec{Type: HTTP, Target: srv.URL}, local), Up, "")
}

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}
