package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestEventsToStatsAPI: events sent like a browser's tracker come back out
// of the Stats API, for a token that may read the service and no other.
func TestEventsToStatsAPI(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Apply", Domains: []string{"apply.example.gov"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Catalog.Create(ctx, catalog.Input{Name: "Other", Domains: []string{"other.example.gov"}}); err != nil {
				t.Fatal(err)
			}
			u, _ := a.Accounts.CreateUser(ctx, account.NewUser{Email: "r@example.gov", Role: auth.Viewer, ServiceIDs: []int64{svc.ID}})
			token, _, err := a.Accounts.CreateToken(ctx, u, account.NewToken{Name: "stats", Scope: auth.ScopeRead})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()

			for i, path := range []string{"/", "/start", "/start"} {
				req, _ := http.NewRequest("POST", srv.URL+"/api/event", strings.NewReader(
					`{"n":"pageview","u":"https://apply.example.gov`+path+`","d":"apply.example.gov","r":"https://duckduckgo.com/"}`))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 202 || resp.Header.Get("X-Liveops-Dropped") != "" {
					t.Fatalf("event %d: %d dropped %q", i, resp.StatusCode, resp.Header.Get("X-Liveops-Dropped"))
				}
			}
			if err := a.Events.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			query := func(token, body string) (int, string) {
				req, _ := http.NewRequest("POST", srv.URL+"/api/v2/query", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			code, body := query(token, `{"site_id":"apply.example.gov","metrics":["visitors","pageviews"],"date_range":"day","dimensions":["visit:source","visit:browser","event:page"],"order_by":[["pageviews","desc"]]}`)
			var res struct {
				Results []struct {
					Metrics    []float64 `json:"metrics"`
					Dimensions []string  `json:"dimensions"`
				} `json:"results"`
				Query map[string]any `json:"query"`
			}
			if code != 200 || json.Unmarshal([]byte(body), &res) != nil || len(res.Results) != 2 || res.Query["site_id"] != "apply.example.gov" {
				t.Fatalf("query: %d %s", code, body)
			}
			top := res.Results[0]
			if top.Dimensions[0] != "DuckDuckGo" || top.Dimensions[1] != "Chrome" || top.Dimensions[2] != "/start" || top.Metrics[1] != 2 {
				t.Fatalf("top row %+v", top)
			}
			for _, tc := range []struct {
				token, body string
				code        int
				want        string
			}{
				{"", `{}`, 401, "Authorization"},
				{token, `{"site_id":"other.example.gov","metrics":["visitors"],"date_range":"day"}`, 404, "no service you can read"},
				{token, `{"site_id":"nowhere.example","metrics":["visitors"],"date_range":"day"}`, 404, "no service you can read"},
				{token, `{"site_id":"apply.example.gov","metrics":["visitorz"],"date_range":"day"}`, 400, "visitorz"},
				{token, `{"site_id":"apply.example.gov","metrics":["visitors"]}`, 400, "date_range"},
				{token, `not json`, 400, "JSON"},
				// Plausible's answers, the error alone (query_validations_test.exs,
				// query_parse_and_build_test.exs "event:goal filter validation").
				{token, `{"site_id":"apply.example.gov","metrics":["views_per_visit"],"date_range":"day","dimensions":["event:name"]}`, 400,
					`{"error":"Metric ` + "`views_per_visit`" + ` cannot be queried with ` + "`dimensions`" + `."}`},
				{token, `{"site_id":"apply.example.gov","metrics":["visitors"],"date_range":"day","filters":[["is","event:goal",["Nope"]]]}`, 400,
					`{"error":"Invalid filters. The goal ` + "`Nope`" + ` is not configured for this site. Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals"}`},
			} {
				if code, body := query(tc.token, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d %s, want %d containing %q", tc.body, code, body, tc.code, tc.want)
				}
			}
		})
	}
}
