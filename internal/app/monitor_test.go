package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestMonitorAPI (issue 13, point 2): checks through the API — added,
// listed, changed, run now and on schedule, their results, heartbeats,
// incidents and maintenance — with a 400 naming the field for bad input,
// a 403 for a read-only token, and the checks on /metrics.
func TestMonitorAPI(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, err := New(ctx, Config{DB: dsn, AllowPrivateChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			admin, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: rigEmail, Role: auth.Admin, AllServices: true, Password: rigPassword})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Accounts.CreateToken(ctx, admin, account.NewToken{Name: "ops", Scope: auth.ScopeWrite})
			if err != nil {
				t.Fatal(err)
			}
			readToken, _, err := a.Accounts.CreateToken(ctx, admin, account.NewToken{Name: "look", Scope: auth.ScopeRead})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply for a permit", Slug: "apply", Domains: []string{"apply.example.gov"}}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) }))
			defer target.Close()

			call := func(token, method, path, body string, want int) map[string]any {
				t.Helper()
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != want {
					t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
				}
				var m map[string]any
				if len(b) > 0 {
					if err := json.Unmarshal(b, &m); err != nil {
						t.Fatalf("%s %s: %v\n%s", method, path, err, b)
					}
				}
				return m
			}
			checks := "/api/v1/services/apply/checks"

			// The core contract.
			c := call(token, "POST", checks, fmt.Sprintf(`{"name": "Start page", "type": "http", "url": %q, "interval": "1m",
				"json": [{"path": "status", "equals": "ok"}]}`, target.URL), http.StatusCreated)
			id := int64(c["id"].(float64))
			if c["status"] != "pending" || c["interval"] != "1m" || c["timeout"] != "10s" {
				t.Fatalf("new check: %v", c)
			}
			for _, bad := range []struct{ body, field string }{
				{`{"name": "x", "type": "http", "url": "https://a.example", "interval": "5s"}`, "interval"},
				{`{"name": "x", "type": "smtp", "target": "a.example:25", "interval": "1m"}`, "type"},
				{`{"name": "x", "type": "http", "url": "https://a.example", "interval": "soon"}`, "interval"},
				{`{"name": "x", "type": "tcp", "url": "https://a.example", "interval": "1m"}`, "url"},
				{`{"name": "x", "type": "http", "url": "https://a.example", "interval": "1m", "colour": "red"}`, "colour"},
				// Cloud metadata: never, whatever the server allows.
				{`{"name": "x", "type": "http", "url": "http://169.254.169.254/latest/meta-data/", "interval": "1m"}`, "url"},
				{`{"name": "x", "type": "tcp", "target": "[fd00:ec2::254]:80", "interval": "1m"}`, "target"},
				{`{"name": "x", "type": "http", "url": "ftp://a.example/", "interval": "1m"}`, "url"},
			} {
				got := call(token, "POST", checks, bad.body, http.StatusBadRequest)
				if !strings.Contains(fmt.Sprint(got["field"], got["error"]), bad.field) {
					t.Errorf("%s: %v, want the field %s named", bad.body, got, bad.field)
				}
			}
			if got := call(token, "POST", checks, `{"name": "Start page", "type": "tcp", "target": "a.example:443", "interval": "1m"}`,
				http.StatusConflict); got["field"] != "name" {
				t.Errorf("a second check of the same name: %v", got)
			}
			call(readToken, "POST", checks, `{"name": "x", "type": "tcp", "target": "a.example:443", "interval": "1m"}`, http.StatusForbidden)
			call(token, "POST", "/api/v1/services/nope/checks", `{"name": "x", "type": "tcp", "target": "a.example:443", "interval": "1m"}`, http.StatusNotFound)

			// Test now: its result, not stored.
			res := call(token, "POST", fmt.Sprintf("%s/%d/run", checks, id), "", http.StatusOK)
			if res["status"] != "up" || res["status_code"] != float64(200) {
				t.Fatalf("test now: %v", res)
			}
			// On schedule: the scheduler runs a new check at once.
			sctx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- a.Monitor.Scheduler.Run(sctx) }()
			deadline := time.Now().Add(15 * time.Second)
			for {
				list := call(readToken, "GET", checks, "", http.StatusOK)["checks"].([]any)
				if list[0].(map[string]any)["status"] == "up" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the check did not run: %v", list)
				}
				time.Sleep(100 * time.Millisecond)
			}
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			results := call(readToken, "GET", fmt.Sprintf("%s/%d/results", checks, id), "", http.StatusOK)["results"].([]any)
			if len(results) != 1 || results[0].(map[string]any)["status"] != "up" {
				t.Fatalf("results: %v", results)
			}
			call(readToken, "GET", fmt.Sprintf("%s/%d/results?limit=0", checks, id), "", http.StatusBadRequest)

			// Changed in part: the rest stays.
			c = call(token, "PATCH", fmt.Sprintf("%s/%d", checks, id), `{"interval": "30s", "labels": ["eu"]}`, http.StatusOK)
			if c["interval"] != "30s" || c["url"] != target.URL || len(c["json"].([]any)) != 1 {
				t.Fatalf("patched: %v", c)
			}
			call(token, "PATCH", fmt.Sprintf("%s/%d", checks, id), `{"interval": "48h"}`, http.StatusBadRequest)

			// A heartbeat: its URL once, then its calls.
			hb := call(token, "POST", checks, `{"name": "Nightly export", "type": "heartbeat", "interval": "24h", "grace": "1h"}`, http.StatusCreated)
			hbURL, _ := hb["heartbeat_url"].(string)
			if !strings.HasPrefix(hbURL, srv.URL+"/api/v1/heartbeat/") {
				t.Fatalf("heartbeat url %q", hbURL)
			}
			if again := call(token, "GET", fmt.Sprintf("%s/%d", checks, int64(hb["id"].(float64))), "", http.StatusOK); again["heartbeat_url"] != nil {
				t.Errorf("the heartbeat's URL (its token) is shown again: %v", again)
			}
			if got := call("", "POST", strings.TrimPrefix(hbURL, srv.URL), "", http.StatusOK); got["check"] != "Nightly export" {
				t.Errorf("heartbeat: %v", got)
			}
			call("", "POST", "/api/v1/heartbeat/not-a-token", "", http.StatusNotFound)

			// Incidents by hand, with updates.
			in := call(token, "POST", "/api/v1/services/apply/incidents", `{"title": "Payments failing", "impact": "partial", "body": "Looking into it."}`, http.StatusCreated)
			path := fmt.Sprintf("/api/v1/services/apply/incidents/%d/updates", int64(in["id"].(float64)))
			call(token, "POST", path, `{"status": "resolved", "body": "Fixed."}`, http.StatusOK)
			call(token, "POST", path, `{"status": "done", "body": "x"}`, http.StatusBadRequest)
			incidents := call(readToken, "GET", "/api/v1/services/apply/incidents", "", http.StatusOK)["incidents"].([]any)
			if len(incidents) != 1 || incidents[0].(map[string]any)["resolved_at"] == nil || len(incidents[0].(map[string]any)["updates"].([]any)) != 2 {
				t.Fatalf("incidents: %v", incidents)
			}

			// Maintenance.
			w := call(token, "POST", "/api/v1/services/apply/maintenance", `{"title": "Database upgrade", "starts_at": "2026-12-20T22:00:00Z",
				"ends_at": "2026-12-20T23:00:00Z", "repeat": "weekly"}`, http.StatusCreated)
			call(token, "POST", "/api/v1/services/apply/maintenance", `{"title": "Backwards", "starts_at": "2026-12-20T22:00:00Z",
				"ends_at": "2026-12-20T21:00:00Z"}`, http.StatusBadRequest)
			call(token, "DELETE", fmt.Sprintf("/api/v1/services/apply/maintenance/%d", int64(w["id"].(float64))), "", http.StatusNoContent)

			// The checks on /metrics.
			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{`liveops_check_up{check="Start page",service="apply",type="http"} 1`,
				`liveops_check_duration_seconds{check="Start page",service="apply",type="http"}`} {
				if !strings.Contains(string(body), want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}

			call(token, "DELETE", fmt.Sprintf("%s/%d", checks, id), "", http.StatusNoContent)
			call(token, "GET", fmt.Sprintf("%s/%d", checks, id), "", http.StatusNotFound)
		})
	}
}
