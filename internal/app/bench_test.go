package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
)

// benchServer is a served app with 20 services and an admin's read token.
func benchServer(b *testing.B) (*httptest.Server, string) {
	b.Helper()
	a, err := New(context.Background(), Config{DB: storetest.DSNs(b)["sqlite"]})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	ctx := context.Background()
	u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "b@example.gov", Role: auth.Admin, Password: "bench password 1"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		if _, err := a.Catalog.Create(ctx, catalog.Input{Name: "Service " + string(rune('A'+i)), Domains: []string{string(rune('a'+i)) + ".example.gov"}}); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "bench", Scope: auth.ScopeRead})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(srv.Close)
	return srv, token
}

// BenchmarkAPIListServices: an authenticated API request end to end over
// loopback HTTP, from two client goroutines per core.
func BenchmarkAPIListServices(b *testing.B) {
	srv, token := benchServer(b)
	b.SetParallelism(2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/services", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

// BenchmarkLoginPage: rendering a page in the layout, end to end.
func BenchmarkLoginPage(b *testing.B) {
	srv, _ := benchServer(b)
	b.ResetTimer()
	for b.Loop() {
		resp, err := http.Get(srv.URL + "/login")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkDemoDashboard renders the whole 30-day dashboard (headline with
// comparison, chart, twelve panels) over the demo's 90 days of traffic
// (~290,000 events), and the same filtered by a source, which reads raw
// events instead of rollups.
func BenchmarkDemoDashboard(b *testing.B) {
	a, err := New(context.Background(), Config{DB: storetest.DSNs(b)["sqlite"]})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	creds, err := a.SeedDemo(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(srv.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := csrfField.FindSubmatch(body)[1]
	resp, err = c.PostForm(srv.URL+"/login", url.Values{"email": {creds.Email}, "password": {creds.Password}, "csrf_token": {string(token)}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	for _, tc := range []struct{ name, query string }{
		{"unfiltered", "?compare=1"},
		{"filtered", "?compare=1&f=visit:source|Google"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := c.Get(srv.URL + "/services/parking-permits/analytics" + tc.query)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkFilledDashboard renders the 30-day dashboard of the service
// `loadgen fill` makes, filtered by LIVEOPS_BENCH_FILTER (an f= value),
// against a copy of LIVEOPS_BENCH_DB: for profiling the filtered page.
func BenchmarkFilledDashboard(b *testing.B) {
	path := os.Getenv("LIVEOPS_BENCH_DB")
	if path == "" {
		b.Skip("set LIVEOPS_BENCH_DB to a database made by loadgen fill")
	}
	ctx := context.Background()
	a, err := New(ctx, Config{DB: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	email, password := fmt.Sprintf("bench-%d@example.gov", time.Now().UnixNano()), "a bench password for the dashboard"
	if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: email, Role: auth.Admin, AllServices: true, Password: password}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(srv.Close)
	c := newClient(&testing.T{}, srv.URL)
	c.do("GET", "/login", nil)
	if code, _, _ := c.do("POST", "/login", url.Values{"email": {email}, "password": {password}}); code != http.StatusSeeOther {
		b.Fatalf("sign in: %d", code)
	}
	// LIVEOPS_BENCH_QUERY adds to the page's query, e.g. "&period=day".
	page := "/services/dashboard-benchmark/analytics?f=" + url.QueryEscape(os.Getenv("LIVEOPS_BENCH_FILTER")) + os.Getenv("LIVEOPS_BENCH_QUERY")
	// As a running server's segments job does before the first filtered view.
	if err := a.Jobs.RunNow(ctx, segmentsJob); err != nil {
		b.Fatal(err)
	}
	c.do("GET", page, nil) // warm: segments read
	for b.Loop() {
		if code, body, _ := c.do("GET", page, nil); code != 200 {
			b.Fatalf("status %d %.300s", code, body)
		}
	}
}
