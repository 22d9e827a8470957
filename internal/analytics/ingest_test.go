package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"

type ingestRig struct {
	srv    *httptest.Server
	in     *Ingest
	p      *Pipeline
	db     *store.DB
	svc    *catalog.Service
	second *catalog.Service
}

// newIngestRig serves the events endpoint over real HTTP, behind a trusted
// proxy at 127.0.0.1 so tests can set the client address.
func newIngestRig(t *testing.T, db *store.DB, opt PipelineOptions, start bool) *ingestRig {
	t.Helper()
	return newIngestRigTrusting(t, db, opt, start, web.TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")})
}

// newIngestRigTrusting is newIngestRig with the given trusted proxies.
func newIngestRigTrusting(t *testing.T, db *store.DB, opt PipelineOptions, start bool, trusted web.TrustedProxies) *ingestRig {
	t.Helper()
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	e, err := enrich.New()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.New(db)
	svc := testService(t, db)
	second, err := cat.Create(context.Background(), catalog.Input{Name: "Renew", Domains: []string{"renew.example.gov"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	p := newPipeline(db, reg, opt)
	if start {
		go p.run()
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	in := NewIngest(db, cat, p, func() (*enrich.Enricher, error) { return e, nil }, site, reg)
	mux := http.NewServeMux()
	in.Routes(&web.Router{Mux: mux, Site: site})
	srv := httptest.NewServer(web.Chain(mux, web.ClientIPs(trusted)))
	t.Cleanup(srv.Close)
	return &ingestRig{srv: srv, in: in, p: p, db: db, svc: svc, second: second}
}

func (r *ingestRig) post(t *testing.T, body, contentType, ua, ip string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", r.srv.URL+"/api/event", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", ua)
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestIngestHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newIngestRig(t, db, PipelineOptions{}, true)
		spam := firstSpammer(t)
		tests := []struct {
			name, body, ct, ua string
			status             int
			dropped, field     string
		}{
			{"pageview", `{"n":"pageview","u":"https://apply.example.gov/start?utm_source=newsletter&utm_medium=email","d":"apply.example.gov","r":"https://www.google.com/"}`, "text/plain", firefox, 202, "", ""},
			{"custom event, JSON", `{"name":"Signup","url":"https://apply.example.gov/form","domain":"apply.example.gov","props":{"plan":"pro"}}`, "application/json", firefox, 202, "", ""},
			{"outbound link", `{"n":"Outbound Link: Click","u":"https://apply.example.gov/form","d":"apply.example.gov","p":{"url":"https://bank.example/pay?token=secret#x"}}`, "text/plain", firefox, 202, "", ""},
			{"personal data", `{"n":"Sent to jane@example.com","u":"https://apply.example.gov/users/jane@example.com/edit?utm_source=sms&utm_content=07700%20900123","d":"apply.example.gov","p":{"phone":"+44 20 7946 0958","card":"4111 1111 1111 1111"}}`, "text/plain", firefox, 202, "", ""},
			{"two sites at once", `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov,renew.example.gov"}`, "", firefox, 202, "", ""},
			{"one site named twice", `{"n":"pageview","u":"https://apply.example.gov/x","d":"renew.example.gov,RENEW.example.gov, renew.example.gov"}`, "", firefox, 202, "", ""},
			{"bot", `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`, "text/plain", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 202, "bot", ""},
			{"no user agent", `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`, "text/plain", "", 202, "bot", ""},
			{"unknown site", `{"n":"pageview","u":"https://other.example/","d":"other.example"}`, "text/plain", firefox, 202, "unknown_domain", ""},
			{"spam referrer", `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov","r":"https://` + spam + `/"}`, "text/plain", firefox, 202, "referrer_spam", ""},
			{"blank domain", `{"n":"pageview","u":"https://apply.example.gov/","d":" "}`, "text/plain", firefox, 400, "", "domain"},
			{"not JSON", `n=pageview`, "text/plain", firefox, 400, "", "request"},
			{"form body", `n=pageview`, "application/x-www-form-urlencoded", firefox, 415, "", "request"},
			{"too large", `{"n":"pageview","u":"https://apply.example.gov/` + strings.Repeat("x", 9000) + `","d":"apply.example.gov"}`, "text/plain", firefox, 413, "", "request"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := r.post(t, tc.body, tc.ct, tc.ua, "8.8.8.8")
				if resp.StatusCode != tc.status || resp.Header.Get(DroppedHeader) != tc.dropped {
					t.Fatalf("status %d dropped %q (%s), want %d %q", resp.StatusCode, resp.Header.Get(DroppedHeader), body, tc.status, tc.dropped)
				}
				if resp.Header.Get("Access-Control-Allow-Origin") != "*" || len(resp.Cookies()) > 0 {
					t.Fatalf("CORS %q, cookies %v", resp.Header.Get("Access-Control-Allow-Origin"), resp.Cookies())
				}
				if tc.status >= 400 {
					var e struct{ Errors map[string][]string }
					if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) != 1 || len(e.Errors[tc.field]) != 1 || e.Errors[tc.field][0] == "" {
						t.Fatalf("error body %q, want errors on %q", body, tc.field)
					}
				}
			})
		}
		// The service's own office is left out.
		if _, err := db.ExecContext(context.Background(), `UPDATE services SET analytics_excluded_ips = '203.0.113.0/24' WHERE id = $1`, r.svc.ID); err != nil {
			t.Fatal(err)
		}
		r.in.services = newHostCache(catalog.New(db), db)
		resp, _ := r.post(t, `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`, "text/plain", firefox, "203.0.113.9")
		if resp.StatusCode != 202 || resp.Header.Get(DroppedHeader) != "excluded_ip" {
			t.Fatalf("excluded address: %d %q", resp.StatusCode, resp.Header.Get(DroppedHeader))
		}
		if err := r.p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		// What was stored, enriched: the address is used and forgotten.
		var browser, source, channel, medium, country, page string
		err := db.QueryRowContext(context.Background(), `SELECT b.value, s.value, c.value, m.value, co.value, p.value
			FROM analytics_events e
			JOIN analytics_strings b ON b.id = e.browser JOIN analytics_strings s ON s.id = e.source
			JOIN analytics_strings c ON c.id = e.channel JOIN analytics_strings m ON m.id = e.utm_medium
			JOIN analytics_strings co ON co.id = e.country JOIN analytics_strings p ON p.id = e.page
			WHERE e.service_id = $1 AND p.value = '/start' ORDER BY e.ts LIMIT 1`, r.svc.ID).Scan(&browser, &source, &channel, &medium, &country, &page)
		if err != nil {
			t.Fatal(err)
		}
		if browser != "Firefox" || source != "Newsletter" && source != "newsletter" || medium != "email" || channel != "Email" || country != "US" || page != "/start" {
			t.Fatalf("stored browser %q source %q channel %q medium %q country %q page %q", browser, source, channel, medium, country, page)
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE service_id = $1`, r.second.ID); n != 2 {
			t.Fatalf("second site got %d events, want 2 (one per event, however often it is named)", n)
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_strings WHERE value LIKE '%8.8.8.8%'`); n != 0 {
			t.Fatal("the client address was stored")
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE props = '{"url":"https://bank.example/pay"}'`); n != 1 {
			t.Fatal("an outbound link's query string was stored")
		}
		// Personal data in paths, names, campaign tags and properties is
		// replaced before it is stored.
		for _, want := range []string{"/users/[email]/edit", "Sent to [email]", "[phone]"} {
			if n := count(t, db, `SELECT count(*) FROM analytics_strings WHERE value = $1`, want); n != 1 {
				t.Errorf("%q is not among the stored strings", want)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_strings WHERE value LIKE '%jane%' OR value LIKE '%07700%'`); n != 0 {
			t.Error("an email address or a phone number was stored")
		}
		if n := count(t, db, `SELECT count(*) FROM analytics_events WHERE props = '{"card":"[card]","phone":"[phone]"}'`); n != 1 {
			t.Error("properties were stored unscrubbed")
		}
		for reason, want := range map[string]float64{"bot": 2, "unknown_domain": 1, "referrer_spam": 1, "excluded_ip": 1} {
			if got := testutil.ToFloat64(r.in.dropped.WithLabelValues(reason)); got != want {
				t.Errorf("dropped{reason=%q} = %v, want %v", reason, got, want)
			}
		}
		if got := testutil.ToFloat64(r.in.accepted); got != 7 {
			t.Errorf("accepted = %v, want 7 (one event for two sites counts twice)", got)
		}
		checkInvariant(t, db, r.svc.ID)
	})
}

func firstSpammer(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../enrich/data/spammers.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	t.Fatal("empty spam list")
	return ""
}

// TestIngestQueueFull: with the writer stopped and the queue full, events
// are refused with 503 and Retry-After, and nothing accepted is lost.
func TestIngestQueueFull(t *testing.T) {
	db := storetest.SQLite(t)
	r := newIngestRig(t, db, PipelineOptions{QueueSize: 2}, false)
	body := `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`
	for i := range 2 {
		if resp, _ := r.post(t, body, "text/plain", firefox, "8.8.8.8"); resp.StatusCode != 202 {
			t.Fatalf("event %d: %d", i, resp.StatusCode)
		}
	}
	resp, body503 := r.post(t, body, "text/plain", firefox, "8.8.8.8")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body503, "busy") {
		t.Fatalf("full queue: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body503)
	}
	go r.p.run()
	if err := r.p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_events`); n != 2 {
		t.Fatalf("%d events stored after close, want the 2 accepted", n)
	}
	if resp, _ := r.post(t, `{"n":"pageview","u":"https://apply.example.gov/","d":"apply.example.gov"}`, "text/plain", firefox, ""); resp.StatusCode != 503 {
		t.Fatalf("after close: %d, want 503", resp.StatusCode)
	}
}

// TestHostLookupErrorLogsNoHost (issue 11): when the database cannot say
// which service a hostname is, the log says so without the hostname, which
// is whatever the event carried.
func TestHostLookupErrorLogsNoHost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var logs bytes.Buffer
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
		defer slog.SetDefault(old)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := newHostCache(catalog.New(db), db).find(ctx, "jane@example.org"); err == nil {
			t.Fatal("a lookup with a cancelled context succeeded")
		}
		if !strings.Contains(logs.String(), "find service by host") || strings.Contains(logs.String(), "jane") {
			t.Errorf("log:\n%s", logs.String())
		}
	})
}
