package app

import (
	"context"
	"encoding/json"
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

// TestMetricsAPI: every area's metrics are listed and answered through
// the one registry, for a token that may read the service and no other;
// unknown points carry a reason, and bad queries name their field.
func TestMetricsAPI(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			other, err := a.Catalog.Create(ctx, catalog.Input{Name: "Other", Domains: []string{"other.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := a.Accounts.CreateUser(ctx, account.NewUser{Email: "r@example.gov", Role: auth.Viewer, ServiceIDs: []int64{svc.ID}})
			token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "metrics", Scope: auth.ScopeRead})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(`{"n":"pageview","u":"https://apply.example.gov/start","d":"apply.example.gov"}`))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 202 {
				t.Fatalf("event: %v %v", resp, err)
			}
			if err := a.Events.Flush(ctx); err != nil {
				t.Fatal(err)
			}

			get := func(path string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			code, body := get("/api/v1/services/" + svc.Slug + "/metrics")
			for _, name := range []string{"visitors", "bounce_rate", "transactions_started", "transactions_completed", "problem_reports",
				"feedback_items", "satisfaction_answers", "completion_rate", "digital_take_up", "user_satisfaction", "cost_per_transaction"} {
				if code != 200 || !strings.Contains(body, `"name":"`+name+`"`) {
					t.Errorf("list: %d, no %s in %s", code, name, body)
				}
			}

			loc := svc.Location()
			today := time.Now().In(loc).Format(time.DateOnly)
			tomorrow := time.Now().In(loc).AddDate(0, 0, 1).Format(time.DateOnly)
			period := "?from=" + today + "&to=" + tomorrow
			var s struct {
				Unit   struct{ Kind string } `json:"unit"`
				Points []struct {
					Value  *float64 `json:"value"`
					Reason *string  `json:"reason"`
				} `json:"points"`
			}
			code, body = get("/api/v1/services/" + svc.Slug + "/metrics/visitors" + period)
			if code != 200 || json.Unmarshal([]byte(body), &s) != nil || len(s.Points) != 1 || s.Points[0].Value == nil || *s.Points[0].Value != 1 || s.Unit.Kind != "count" {
				t.Errorf("visitors: %d %s", code, body)
			}
			code, body = get("/api/v1/services/" + svc.Slug + "/metrics/transactions_started" + period)
			if code != 200 || json.Unmarshal([]byte(body), &s) != nil || len(s.Points) != 1 || s.Points[0].Value != nil ||
				s.Points[0].Reason == nil || !strings.Contains(*s.Points[0].Reason, "No main funnel") {
				t.Errorf("transactions without a main funnel: %d %s", code, body)
			}
			code, body = get("/api/v1/services/" + svc.Slug + "/metrics/problem_reports" + period + "&interval=hour")
			if code != 200 || json.Unmarshal([]byte(body), &s) != nil || len(s.Points) != 24 || s.Points[0].Value == nil || *s.Points[0].Value != 0 {
				t.Errorf("problem reports by hour: %d %s", code, body)
			}

			for _, tc := range []struct {
				path   string
				status int
				field  string
			}{
				{"/api/v1/services/" + svc.Slug + "/metrics/nope" + period, 404, "name"},
				{"/api/v1/services/" + svc.Slug + "/metrics/transactions_started" + period + "&interval=hour", 400, "interval"},
				{"/api/v1/services/" + svc.Slug + "/metrics/transactions_started" + period + "&funnel=99999", 400, "funnel"},
				{"/api/v1/services/" + svc.Slug + "/metrics/visitors?to=" + tomorrow, 400, "from"},
				{"/api/v1/services/" + svc.Slug + "/metrics/visitors" + period + "&page=/start", 400, "page"},
				{"/api/v1/services/" + other.Slug + "/metrics/visitors" + period, 404, ""},
				{"/api/v1/services/" + other.Slug + "/metrics", 404, ""},
			} {
				code, body := get(tc.path)
				var e struct{ Error, Field string }
				if code != tc.status || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" || e.Field != tc.field {
					t.Errorf("%s: %d %s, want %d on %q", tc.path, code, body, tc.status, tc.field)
				}
			}
		})
	}
}
