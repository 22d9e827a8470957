package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
)

// cutProxy forwards TCP connections to target until cut, which closes the
// listener and every connection: a PostgreSQL that has gone away.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseDownIs503: when PostgreSQL goes away, pages and the API
// answer 503 with Retry-After and a message to try again — never a 500 —
// and /healthz says 503.
func TestDatabaseDownIs503(t *testing.T) {
	dsn := storetest.DSNs(t)["postgres"]
	if dsn == "" {
		t.Skip("needs PostgreSQL (" + storetest.PostgresEnv + ")")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	a := newTestApp(t, u.String())
	// The demo's service and admin, without its traffic.
	ctx := context.Background()
	if _, err := a.Catalog.Create(ctx, demoService); err != nil {
		t.Fatal(err)
	}
	creds := DemoCredentials{Email: DemoEmail, Password: "a long enough password"}
	if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: creds.Email, Role: auth.Admin, Password: creds.Password, AllServices: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	c := newClient(t, srv.URL)
	c.page("/login", 200)
	if code, body, _ := c.do("POST", "/login", url.Values{"email": {creds.Email}, "password": {creds.Password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in = %d\n%s", code, body)
	}
	proxy.cut()

	for _, path := range []string{"/api/v1/services", "/", "/services/parking-permits", "/healthz", "/performance"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer lo_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
		}
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET %s with the database down = %d, want 503\n%.300s", path, resp.StatusCode, body)
			continue
		}
		if path != "/healthz" && resp.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s: 503 without Retry-After", path)
		}
	}
}
