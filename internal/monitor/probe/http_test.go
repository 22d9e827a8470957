package probe

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newHTTPServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello world, all systems go")
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok","version":1.50,"up":true,"gone":null,
			"checks":[{"name":"db","state":"degraded"},{"name":"cache","state":"ok"}],
			"meta":{"b":2,"a":"<x>"}}`)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s token=%s", r.Method, b, r.Header.Get("X-Token"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "late")
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			io.WriteString(w, "arrived")
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/a", http.StatusFound) })
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		for range 1000 {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(t)
	u := srv.URL
	cases := []struct {
		name   string
		spec   Spec
		status Status
		reason string
		code   int
	}{
		{"up", Spec{Target: u + "/ok"}, Up, "", 200},
		{"503", Spec{Target: u + "/status/503"}, Down, "status 503, expected 2xx or 3xx", 503},
		{"503 following", Spec{Target: u + "/status/503", FollowRedirects: true}, Down, "status 503, expected 2xx", 503},
		{"404 expected", Spec{Target: u + "/status/404", ExpectStatus: []int{404}}, Up, "", 404},
		{"200 not in list", Spec{Target: u + "/ok", ExpectStatus: []int{201, 202, 204}}, Down, "status 200, expected 201, 202 or 204", 200},
		{"contains", Spec{Target: u + "/ok", BodyContains: "systems go"}, Up, "", 200},
		{"does not contain", Spec{Target: u + "/ok", BodyContains: "on fire"}, Down, `body does not contain "on fire"`, 200},
		{"not contains up", Spec{Target: u + "/ok", BodyNotContains: "error"}, Up, "", 200},
		{"not contains down", Spec{Target: u + "/ok", BodyNotContains: "hello"}, Down, `body contains "hello"`, 200},
		{"regexp", Spec{Target: u + "/ok", BodyRegexp: `^hello \w+,`}, Up, "", 200},
		{"regexp fails", Spec{Target: u + "/ok", BodyRegexp: `^goodbye`}, Down, "body does not match ^goodbye", 200},
		{"json string", Spec{Target: u + "/json", JSON: []JSONAssertion{{"status", "ok"}, {"checks.1.state", "ok"}}}, Up, "", 200},
		{"json number as written", Spec{Target: u + "/json", JSON: []JSONAssertion{{"version", "1.50"}, {"up", "true"}, {"gone", "null"}}}, Up, "", 200},
		{"json object", Spec{Target: u + "/json", JSON: []JSONAssertion{{"meta", `{"a":"<x>","b":2}`}}}, Up, "", 200},
		{"json mismatch", Spec{Target: u + "/json", JSON: []JSONAssertion{{"checks.0.state", "ok"}}}, Down, `json checks.0.state is "degraded", expected "ok"`, 200},
		{"json missing", Spec{Target: u + "/json", JSON: []JSONAssertion{{"checks.5.state", "ok"}}}, Down, "json checks.5.state not found", 200},
		{"not json", Spec{Target: u + "/ok", JSON: []JSONAssertion{{"status", "ok"}}}, Down, "body is not JSON", 200},
		{"method body headers", Spec{Target: u + "/echo", Method: "post", Body: "ping", Headers: map[string]string{"X-Token": "s3cret"}, BodyContains: "POST ping token=s3cret"}, Up, "", 200},
		{"secret not in reason", Spec{Target: u + "/echo", Headers: map[string]string{"X-Token": "s3cret"}, BodyContains: "nope"}, Down, `body does not contain "nope"`, 200},
		{"head", Spec{Target: u + "/ok", Method: "HEAD"}, Up, "", 200},
		{"max time", Spec{Target: u + "/slow", MaxResponseTime: 100 * time.Millisecond}, Down, "more than the 100ms allowed", 200},
		{"max time ok", Spec{Target: u + "/ok", MaxResponseTime: 2 * time.Second}, Up, "", 200},
		{"redirect not followed", Spec{Target: u + "/redirect/1"}, Up, "", 302},
		{"redirect not followed, 200 expected", Spec{Target: u + "/redirect/1", ExpectStatus: []int{200}}, Down, "status 302, expected 200", 302},
		{"redirects followed", Spec{Target: u + "/redirect/10", FollowRedirects: true, BodyContains: "arrived"}, Up, "", 200},
		{"too many redirects", Spec{Target: u + "/redirect/11", FollowRedirects: true}, Down, "more than 10 redirects", 0},
		{"redirect loop", Spec{Target: u + "/loop/a", FollowRedirects: true}, Down, "redirect loop at " + u + "/loop/a", 0},
		{"timeout waiting", Spec{Target: u + "/slow", Timeout: 100 * time.Millisecond}, Down, "timeout after 100ms while waiting for the response", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.spec.Type = HTTP
			res := probe(t, c.spec, local)
			want(t, res, c.status, c.reason)
			if c.code != 0 && res.StatusCode != c.code {
				t.Errorf("status code %d, want %d", res.StatusCode, c.code)
			}
			if strings.Contains(res.Reason, "s3cret") {
				t.Errorf("reason %q shows a header's value", res.Reason)
			}
		})
	}
}

func TestHTTPTimings(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(t)
	res := probe(t, Spec{Type: HTTP, Target: srv.URL + "/ok"}, local)
	want(t, res, Up, "")
	tm := res.Timings
	if tm.DNS != 0 || tm.TLS != 0 || tm.Connect <= 0 || tm.FirstByte <= 0 || res.Duration < tm.Connect+tm.FirstByte {
		t.Errorf("timings for an IP over HTTP: %+v in %s", tm, res.Duration)
	}
	// A name is resolved (from /etc/hosts), so DNS has a time too.
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	res = probe(t, Spec{Type: HTTP, Target: "http://localhost:" + port + "/ok"}, local)
	want(t, res, Up, "")
	if res.Timings.DNS <= 0 {
		t.Errorf("no DNS time for localhost: %+v", res.Timings)
	}
}

func TestHTTPS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secure") }))
	t.Cleanup(srv.Close)
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs

	res := probe(t, Spec{Type: HTTP, Target: srv.URL}, local)
	want(t, res, Down, "certificate signed by unknown authority")

	res = probe(t, Spec{Type: HTTP, Target: srv.URL, SkipTLSVerify: true, BodyContains: "secure"}, local)
	want(t, res, Up, "")
	if res.Timings.TLS <= 0 || res.Timings.Connect <= 0 {
		t.Errorf("timings over HTTPS: %+v", res.Timings)
	}
	if !res.CertExpiry.Equal(srv.Certificate().NotAfter) {
		t.Errorf("cert expiry %s, want %s", res.CertExpiry, srv.Certificate().NotAfter)
	}

	res = probe(t, Spec{Type: HTTP, Target: srv.URL}, Options{AllowPrivate: true, RootCAs: pool})
	want(t, res, Up, "")
}

func TestHTTPSCertificate(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	serve := func(cert tls.Certificate) string {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		srv.StartTLS()
		t.Cleanup(srv.Close)
		return srv.URL
	}
	opts := Options{AllowPrivate: true, RootCAs: ca.pool}
	soon := serve(ca.leaf(t, time.Now().Add(-time.Hour), days(6), "127.0.0.1"))
	res := probe(t, Spec{Type: HTTP, Target: soon, MinDaysValid: 14}, opts)
	want(t, res, Down, "certificate expires in 6 days")
	if res.CertExpiry.IsZero() {
		t.Error("no certificate expiry")
	}
	// Without MinDaysValid an HTTP check does not judge the expiry.
	want(t, probe(t, Spec{Type: HTTP, Target: soon}, opts), Up, "")

	expired := serve(ca.leaf(t, time.Now().Add(-30*24*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1"))
	want(t, probe(t, Spec{Type: HTTP, Target: expired}, opts), Down, "certificate has expired")

	other := serve(ca.leaf(t, time.Now().Add(-time.Hour), days(90), "other.example"))
	want(t, probe(t, Spec{Type: HTTP, Target: other}, opts), Down, "certificate is for other.example, not 127.0.0.1")
}

// TestHTTPSlowDrip: a body that trickles a byte every 100 ms ends at the
// timeout, not when the server is done.
func TestHTTPSlowDrip(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(t)
	start := time.Now()
	res := probe(t, Spec{Type: HTTP, Target: srv.URL + "/drip", Timeout: 500 * time.Millisecond}, local)
	took := time.Since(start)
	want(t, res, Down, "timeout after 500ms while reading the body")
	if took > 900*time.Millisecond {
		t.Errorf("took %s with a 500ms timeout", took)
	}
	if res.StatusCode != 200 {
		t.Errorf("status code %d", res.StatusCode)
	}
}

// TestHTTPReset: a server that reads the request and drops the connection
// with a reset.
func TestHTTPReset(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096))
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	res := probe(t, Spec{Type: HTTP, Target: "http://" + ln.Addr().String() + "/"}, local)
	want(t, res, Down, "connection reset by "+ln.Addr().String())
}
