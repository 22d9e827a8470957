package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store/storetest"
)

// TestAuditEveryKindOfChange (issue 11, point 4): each kind of change — to
// users, tokens, services, goals, annotations, feedback triage, uploaded
// figures, and sign-ins that succeed or fail — made through the pages or
// the API leaves an entry saying who, from where and what; queries and
// previews sent with POST leave none; no password, token secret or
// stranger's address is kept. The log is on a page with filters, in CSV
// and in the API, for administrators only.
func TestAuditEveryKindOfChange(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			admin, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: rigEmail, Role: auth.Admin, AllServices: true, Password: rigPassword})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Accounts.CreateToken(ctx, admin, account.NewToken{Name: "ops", Scope: auth.ScopeAdmin})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			api := func(method, path, ct, body string, want int) map[string]any {
				t.Helper()
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				if ct != "" {
					req.Header.Set("Content-Type", ct)
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
				json.Unmarshal(b, &m)
				return m
			}

			// Sign-ins: a wrong password, a stranger's address, the right one.
			c := newClient(t, srv.URL)
			c.do("GET", "/login", nil)
			if code, _, _ := c.do("POST", "/login", url.Values{"email": {rigEmail}, "password": {"not the password"}}); code != 401 {
				t.Fatalf("wrong password: %d", code)
			}
			if code, _, _ := c.do("POST", "/login", url.Values{"email": {"stranger@example.org"}, "password": {"a guess"}}); code != 401 {
				t.Fatalf("unknown address: %d", code)
			}
			loginAdmin(t, nil, c)

			// Users and tokens, through the pages.
			if code, body, _ := c.do("POST", "/users/new", url.Values{"email": {"new@example.gov"}, "role": {"viewer"}, "all_services": {"yes"}}); code != 201 {
				t.Fatalf("add user: %d %.300s", code, body)
			}
			if code, _, _ := c.do("POST", "/users/2", url.Values{"role": {"editor"}, "all_services": {"yes"}}); code != 303 {
				t.Fatalf("change role: %d", code)
			}
			code, body, _ := c.do("POST", "/tokens", url.Values{"name": {"deploys"}, "scope": {"read"}})
			secret := regexp.MustCompile(`<code[^>]*>([A-Za-z0-9_-]{40,})</code>`).FindStringSubmatch(body)
			if code != 201 || secret == nil {
				t.Fatalf("create token: %d %.500s", code, body)
			}

			// Services, goals, annotations, feedback and figures, through the API.
			api("POST", "/api/v1/services", "application/json", `{"name": "Renew a licence", "domains": ["renew.example.gov"]}`, 201)
			api("PATCH", "/api/v1/services/renew-a-licence", "application/json", `{"description": "Renewals"}`, 200)
			api("POST", "/api/v1/services/renew-a-licence/goals", "application/json", `{"event_name": "Submit"}`, 201)
			n := api("POST", "/api/v1/services/renew-a-licence/annotations", "application/json", `{"time": "2026-11-23T14:00:00Z", "label": "Release 2"}`, 201)
			api("DELETE", fmt.Sprintf("/api/v1/services/renew-a-licence/annotations/%v", n["id"]), "", "", 204)
			fb := api("POST", "/api/v1/services/renew-a-licence/feedback", "application/json", `{"kind": "comment", "channel": "phone", "comment": "Call about renewals"}`, 201)
			api("PATCH", fmt.Sprintf("/api/v1/feedback/%v", fb["id"]), "application/json", `{"status": "triaged"}`, 200)
			tx := "/api/v1/services/renew-a-licence/transactions"
			api("POST", tx+"?dry_run=true", "text/csv", "date,channel,started,completed\n2026-03-01,phone,10,5\n", 200)
			api("POST", tx, "text/csv", "date,channel,started,completed\n2026-03-01,phone,10,5\n", 200)
			api("POST", "/api/v2/query", "application/json", `{"site_id": "renew.example.gov", "metrics": ["visitors"], "date_range": "day"}`, 200)
			if code, _, _ := c.do("POST", "/logout", url.Values{}); code != 303 {
				t.Fatalf("sign out: %d", code)
			}

			entries, total, err := a.Audit.List(ctx, audit.Filter{}, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			byAction := map[string][]audit.Entry{}
			for _, e := range entries {
				byAction[e.Action] = append(byAction[e.Action], e)
				if e.Address != "127.0.0.1" {
					t.Errorf("%s from %q, want 127.0.0.1", e.Action, e.Address)
				}
			}
			for action, want := range map[string]int{
				"POST /login": 3, "POST /logout": 1, "POST /users/new": 1, "POST /users/{id}": 1, "POST /tokens": 1,
				"POST /api/v1/services": 1, "PATCH /api/v1/services/{slug}": 1, "POST /api/v1/services/{slug}/goals": 1,
				"POST /api/v1/services/{slug}/annotations": 1, "DELETE /api/v1/services/{slug}/annotations/{id}": 1,
				"POST /api/v1/services/{slug}/feedback": 1, "PATCH /api/v1/feedback/{id}": 1,
				"POST /api/v1/services/{slug}/transactions": 1,
			} {
				if got := len(byAction[action]); got != want {
					t.Errorf("%d entries for %s, want %d", got, action, want)
				}
			}
			if total != 15 {
				t.Errorf("%d entries in all, want 15 (no query, no dry run): %v", total, byAction)
			}
			logins := byAction["POST /login"] // newest first
			if len(logins) == 3 {
				if ok := logins[0]; ok.Outcome != audit.Done || ok.Actor != rigEmail {
					t.Errorf("sign-in: %+v", ok)
				}
				if stranger := logins[1]; stranger.Outcome != audit.Refused || stranger.ActorKind != audit.ActorAnonymous || stranger.Actor != "" {
					t.Errorf("a stranger's sign-in: %+v", stranger)
				}
				if wrong := logins[2]; wrong.Outcome != audit.Refused || wrong.Actor != rigEmail || wrong.UserID != admin.ID {
					t.Errorf("wrong password: %+v", wrong)
				}
			}
			if e := byAction["POST /users/{id}"]; len(e) == 1 {
				before, _ := e[0].Details.Before.(map[string]any)
				after, _ := e[0].Details.After.(map[string]any)
				if before["role"] != "viewer" || after["role"] != "editor" || e[0].Actor != rigEmail || e[0].ActorKind != audit.ActorUser {
					t.Errorf("role change: %+v", e[0])
				}
			}
			if e := byAction["PATCH /api/v1/services/{slug}"]; len(e) == 1 {
				after, _ := e[0].Details.After.(map[string]any)
				if e[0].ActorKind != audit.ActorToken || e[0].Service != "renew-a-licence" || after["description"] != "Renewals" {
					t.Errorf("service change: %+v", e[0])
				}
			}
			if e := byAction["PATCH /api/v1/feedback/{id}"]; len(e) == 1 {
				before, _ := e[0].Details.Before.(map[string]any)
				after, _ := e[0].Details.After.(map[string]any)
				if before["status"] != "new" || after["status"] != "triaged" {
					t.Errorf("triage: %+v", e[0].Details)
				}
			}
			for _, s := range []string{rigPassword, "not the password", "a guess", "stranger@example.org", secret[1], token} {
				if where := findText(t, a, t.TempDir(), dsn, s); strings.HasPrefix(where, "audit_log") {
					t.Errorf("%q is in the audit log: %s", s, where)
				}
			}

			// The page, its CSV and the API, for administrators only.
			loginAdmin(t, nil, c)
			page := c.page("/audit?service=renew-a-licence", http.StatusOK, "<h1>Audit log</h1>", "match the filters",
				"PATCH /api/v1/services/{slug}", "with API token")
			if strings.Contains(page, "POST /users/new") {
				t.Error("the service filter shows other entries")
			}
			c.page("/audit?outcome=refused", http.StatusOK, "2 entries match the filters")
			code, csvBody, hdr := c.do("GET", "/audit/export.csv?action=login", nil)
			rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
			if code != 200 || err != nil || len(rows) != 1+4 || hdr.Get("Cache-Control") != "no-store" {
				t.Errorf("CSV: %d %v %d rows %q", code, err, len(rows), hdr.Get("Cache-Control"))
			}
			if code, _, _ := c.do("GET", "/audit?from=2026-13-01", nil); code != 400 {
				t.Errorf("a bad date: %d", code)
			}
			list := api("GET", "/api/v1/audit?action=tokens&limit=5", "", "", 200)
			if list["total"] != 1.0 {
				t.Errorf("API: %v", list)
			}
			viewer, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "viewer@example.gov", Role: auth.Viewer, AllServices: true, Password: rigPassword})
			if err != nil {
				t.Fatal(err)
			}
			readToken, _, err := a.Accounts.CreateToken(ctx, viewer, account.NewToken{Name: "read", Scope: auth.ScopeRead})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/audit", nil)
			req.Header.Set("Authorization", "Bearer "+readToken)
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
				t.Errorf("a viewer's token reads the audit log: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
			v := newClient(t, srv.URL)
			v.do("GET", "/login", nil)
			v.do("POST", "/login", url.Values{"email": {"viewer@example.gov"}, "password": {rigPassword}})
			if code, _, _ := v.do("GET", "/audit", nil); code != 403 {
				t.Errorf("a viewer opens the audit log: %d", code)
			}
		})
	}
}
