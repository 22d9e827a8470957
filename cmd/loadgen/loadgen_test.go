package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/app"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// startServer serves a liveops with one service on a loopback port,
// trusting loopback as a proxy as the benchmark does. stop shuts it down
// the way SIGTERM does, which writes every accepted event.
func startServer(t *testing.T, dsn, domain string) (base string, stop func()) {
	t.Helper()
	ctx := context.Background()
	trusted, err := web.ParseTrustedProxies("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: dsn, TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.Create(ctx, catalog.Input{Name: "Load test", Domains: []string{domain}}); err != nil {
		a.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	ready := make(chan string, 1)
	go func() { served <- a.Serve(sctx, ln, func(addr string) { ready <- addr }) }()
	base = "http://" + <-ready
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-served; err != nil {
			t.Errorf("shut down: %v", err)
		}
	}
	t.Cleanup(stop)
	return base, stop
}

// TestIngestThenVerify runs a short load against a real server, shuts it
// down, and checks that every accepted event was stored and counted.
func TestIngestThenVerify(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			const domain = "load.example.gov"
			base, stop := startServer(t, dsn, domain)
			var out, stderr bytes.Buffer
			// A steady rate keeps the test short whatever the machine: the
			// point is the invariant, not the speed.
			err := run(context.Background(), []string{"ingest", "--url", base, "--domain", domain,
				"--connections", "4", "--duration", "2s", "--rate", "1000", "--visitors", "300", "--json"}, &out, &stderr)
			if err != nil {
				t.Fatalf("ingest: %v\n%s%s", err, out.String(), stderr.String())
			}
			// GoatCounter's shape on the same server and database: its
			// visitors are other addresses, its events other page views.
			var rout bytes.Buffer
			err = run(context.Background(), []string{"ingest", "--url", base, "--domain", domain, "--shape", "realistic",
				"--connections", "4", "--duration", "1s", "--rate", "500", "--visitors", "1000", "--seed", "2", "--json"}, &rout, &stderr)
			if err != nil {
				t.Fatalf("ingest --shape realistic: %v\n%s%s", err, rout.String(), stderr.String())
			}
			var real summary
			if err := json.Unmarshal(rout.Bytes(), &real); err != nil {
				t.Fatalf("ingest summary: %v\n%s", err, rout.String())
			}
			if real.Shape != shapeRealistic || real.Accepted < 400 || real.Sent != real.Accepted || real.AcceptedByName[pageviewName] != real.Accepted {
				t.Fatalf("ingest --shape realistic: want about 500 page views, all accepted:\n%s", rout.String())
			}
			var sum summary
			if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
				t.Fatalf("ingest summary: %v\n%s", err, out.String())
			}
			if sum.Accepted < 1000 || sum.Sent != sum.Accepted || sum.AcceptedByName[pageviewName] == 0 || sum.AcceptedEngagement == 0 {
				t.Fatalf("ingest: want about 2,000 events all accepted, pageviews and engagement among them:\n%s", out.String())
			}
			if sum.LatencyMS.P50 <= 0 || sum.LatencyMS.P50 > sum.LatencyMS.Max {
				t.Fatalf("latency figures make no sense: %+v", sum.LatencyMS)
			}
			stop()

			// verify reads one summary: the two runs' counts, added up.
			sum.Sent += real.Sent
			sum.Accepted += real.Accepted
			sum.AcceptedByName[pageviewName] += real.Accepted
			out.Reset()
			if err := json.NewEncoder(&out).Encode(&sum); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "ingest.json")
			if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			err = run(context.Background(), []string{"verify", "--db", dsn, "--domain", domain, "--summary", file, "--json"}, &out, &stderr)
			var rep verifyReport
			if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil || err != nil || !rep.OK {
				t.Fatalf("verify: %v, %v\n%s", err, jerr, out.String())
			}
			if got := rep.Stored.Events + rep.Stored.Engagement + sum.AcceptedNoVisit; got != sum.Accepted {
				t.Fatalf("stored %d + engagement with no visit %d = %d, accepted %d", rep.Stored.Events+rep.Stored.Engagement,
					sum.AcceptedNoVisit, got, sum.Accepted)
			}
			if s := rep.Storage; s.RawBytes <= 0 || s.RollupBytes <= 0 || s.FileBytes < s.RawBytes+s.RollupBytes || s.RawPerEvent <= 0 {
				t.Fatalf("storage: %+v", s)
			}

			// The same database, told of one more accepted event, fails.
			out.Reset()
			err = run(context.Background(), []string{"verify", "--db", dsn, "--domain", domain,
				"--accepted", jsonInt(sum.Accepted + 1), "--engagement", jsonInt(sum.AcceptedEngagement)}, &out, &stderr)
			if err == nil || !strings.Contains(out.String(), "FAIL  stored events (not engagement) = accepted") {
				t.Fatalf("verify with a wrong count: %v\n%s", err, out.String())
			}
		})
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestCommandLine: mistakes are usage errors (exit 2) and a host that is
// not loopback is never targeted.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown", []string{"attack"}, "unknown command"},
		{"no url", []string{"ingest", "--domain", "a.gov"}, "--url and --domain are required"},
		{"remote host", []string{"ingest", "--url", "http://example.gov", "--domain", "a.gov"}, "not loopback"},
		{"too long", []string{"ingest", "--url", "http://127.0.0.1:1", "--domain", "a.gov", "--duration", "2h"}, "at most 1h"},
		{"unknown shape", []string{"ingest", "--url", "http://127.0.0.1:1", "--domain", "a.gov", "--shape", "wrk"}, "--shape must be"},
		{"verify without counts", []string{"verify", "--db", "x.db", "--domain", "a.gov"}, "either --summary or --accepted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &out, &stderr)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v (exit %d), want a usage error with %q", err, exitCode(err), tc.want)
			}
		})
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--help"}, &out, &out); err != nil || !strings.Contains(out.String(), "-connections") {
		t.Fatalf("--help: %v\n%s", err, out.String())
	}
}

func TestEventsURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080/api/event",
		"http://127.9.8.7:1/":              "http://127.9.8.7:1/api/event",
		"http://localhost:8080/api/event":  "http://localhost:8080/api/event",
		"https://[::1]:8443/liveops":       "https://[::1]:8443/liveops/api/event",
		"http://example.gov":               "",
		"http://10.0.0.1:8080":             "",
		"http://0.0.0.0:8080":              "",
		"http://[::ffff:8.8.8.8]:80":       "",
		"http://localhost.example.gov:80":  "",
		"ftp://127.0.0.1/":                 "",
		"http://user:pw@127.0.0.1:8080":    "",
		"127.0.0.1:8080":                   "",
		"http://127.0.0.1:8080/?x=1":       "",
		"http://127.0.0.1.nip.io:8080/":    "",
		"http://2130706433:8080/":          "",
		"http://[0:0:0:0:0:0:0:1]:8080/":   "http://[0:0:0:0:0:0:0:1]:8080/api/event",
		"http://127.0.0.1:8080/api/event/": "http://127.0.0.1:8080/api/event",
	} {
		got, err := eventsURL(raw)
		if (want == "") != (err != nil) || got != want {
			t.Errorf("eventsURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

// TestLoopbackDialer: even a name that resolves elsewhere is not dialled.
func TestLoopbackDialer(t *testing.T) {
	c := newClient(1, time.Second)
	_, err := c.Post("http://192.0.2.1:9/api/event", "text/plain", strings.NewReader("{}"))
	if err == nil || !strings.Contains(err.Error(), errNotLoopback.Error()) {
		t.Fatalf("dial outside loopback: %v", err)
	}
}

// TestFill stores a small spread of days for a new service, with its funnel,
// and refuses to fill a hostname a service already has.
func TestFill(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			domain := fmt.Sprintf("fill-%d.example.gov", time.Now().UnixNano())
			var out, stderr bytes.Buffer
			if err := run(ctx, []string{"fill", "--db", dsn, "--domain", domain, "--days", "3", "--scale", "1"}, &out, &stderr); err != nil {
				t.Fatalf("fill: %v\n%s", err, stderr.String())
			}
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			svc, err := catalog.New(db).ByHost(ctx, domain)
			if err != nil {
				t.Fatal(err)
			}
			var events, days, funnels int64
			if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT ts / 86400000) FROM analytics_events WHERE service_id = $1`, svc.ID).Scan(&events, &days); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM funnels WHERE service_id = $1`, svc.ID).Scan(&funnels); err != nil {
				t.Fatal(err)
			}
			if events < 1000 || days < 3 || funnels != 1 || !strings.Contains(out.String(), fmt.Sprintf("%d events", events)) {
				t.Fatalf("%d events over %d days, %d funnels; printed %q", events, days, funnels, out.String())
			}
			err = run(ctx, []string{"fill", "--db", dsn, "--domain", domain, "--days", "1"}, &out, &stderr)
			if exitCode(err) != 2 {
				t.Fatalf("filling the same hostname again: %v", err)
			}
		})
	}
}
