package audit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// TestLogCannotBeChanged: the database itself refuses to change or delete
// an entry, on both stores; only an address past its retention is cleared.
func TestLogCannotBeChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := audit.New(db)
		now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
		l.SetClock(func() time.Time { return now })
		old := &audit.Entry{At: now.Add(-100 * 24 * time.Hour), ActorKind: audit.ActorUser, UserID: 1, Actor: "ann@example.gov",
			Address: "198.51.100.7", Action: "POST /users/new", Target: "/users/new", Outcome: audit.Done, Status: 303}
		recent := &audit.Entry{ActorKind: audit.ActorToken, UserID: 1, TokenID: 4, Actor: "ann@example.gov", Address: "198.51.100.8",
			Action: "DELETE /api/v1/services/{slug}/annotations/{id}", Target: "/api/v1/services/apply/annotations/3", Service: "apply",
			Outcome: audit.Done, Status: 204, Details: audit.Details{Before: map[string]string{"label": "Release 2"}}}
		for _, e := range []*audit.Entry{old, recent} {
			if err := l.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			`UPDATE audit_log SET actor = 'someone else'`,
			`UPDATE audit_log SET details = '{}'`,
			`UPDATE audit_log SET address = '203.0.113.1'`,
			`UPDATE audit_log SET at = at`,
			`DELETE FROM audit_log`,
		} {
			if _, err := db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "the audit log cannot be changed") {
				t.Errorf("%s: %v, want the database to refuse", q, err)
			}
		}
		n, err := l.ClearAddresses(ctx, audit.DefaultAddressRetention)
		if err != nil || n != 1 {
			t.Fatalf("cleared %d addresses (%v), want 1", n, err)
		}
		list, total, err := l.List(ctx, audit.Filter{}, 0, 10)
		if err != nil || total != 2 {
			t.Fatalf("list: %d %v", total, err)
		}
		if list[0].ID != recent.ID || list[0].Address != "198.51.100.8" || list[1].Address != "" || list[1].Actor != "ann@example.gov" {
			t.Fatalf("entries after clearing: %+v", list)
		}
		if before, _ := list[0].Details.Before.(map[string]any); before["label"] != "Release 2" {
			t.Fatalf("details: %+v", list[0].Details)
		}
		for flt, want := range map[audit.Filter]int{
			{Service: "apply"}:                            1,
			{Actor: "ANN@"}:                               2,
			{Action: "annotations"}:                       1,
			{Outcome: audit.Refused}:                      0,
			{From: now.Add(-time.Hour)}:                   1,
			{To: now.Add(-50 * 24 * time.Hour)}:           1,
			{Actor: "bob", Service: "apply"}:              0,
			{Action: "POST", From: now.AddDate(-1, 0, 0)}: 1,
		} {
			if _, n, err := l.List(ctx, flt, 0, 0); err != nil || n != want {
				t.Errorf("filter %+v: %d (%v), want %d", flt, n, err, want)
			}
		}
	})
}

// TestMiddleware: a change is recorded with who, from where and what was
// sent, never a secret; a read, a refused change and a query sent with POST
// are not; a failed sign-in is, as refused.
func TestMiddleware(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := audit.New(db)
		site, err := web.NewSite()
		if err != nil {
			t.Fatal(err)
		}
		as := func(p *auth.Principal) web.Middleware {
			return func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
				})
			}
		}
		ann := &auth.Principal{UserID: 7, Email: "ann@example.gov", Role: auth.Admin}
		token := &auth.Principal{UserID: 7, Email: "ann@example.gov", Role: auth.Admin, TokenID: 9, Scope: auth.ScopeWrite}
		mux := http.NewServeMux()
		handle := func(pattern string, p *auth.Principal, h web.HandlerFunc) {
			mux.Handle(pattern, web.Chain(l.Middleware(site.Handle(h)), as(p)))
		}
		ok := func(w http.ResponseWriter, r *http.Request) error {
			r.ParseForm()
			audit.Changed(r.Context(), map[string]string{"name": "old"}, map[string]string{"name": "new"})
			w.WriteHeader(http.StatusSeeOther)
			return nil
		}
		handle("POST /services/{slug}/settings", ann, ok)
		handle("PATCH /api/v1/services/{slug}", token, func(w http.ResponseWriter, r *http.Request) error {
			var in map[string]any
			if err := web.DecodeJSON(w, r, 1<<20, &in); err != nil {
				return err
			}
			w.WriteHeader(http.StatusOK)
			return nil
		})
		handle("GET /services/{slug}", ann, func(w http.ResponseWriter, r *http.Request) error { return nil })
		handle("POST /refused", ann, func(w http.ResponseWriter, r *http.Request) error { return web.BadRequest("name", "no") })
		handle("POST /query", token, func(w http.ResponseWriter, r *http.Request) error {
			audit.NotAChange(r.Context())
			return nil
		})
		handle("POST /login", nil, func(w http.ResponseWriter, r *http.Request) error {
			audit.SignIn(r.Context(), 7, "ann@example.gov")
			w.WriteHeader(http.StatusUnauthorized)
			return nil
		})
		srv := httptest.NewServer(web.Chain(mux, web.ClientIPs(web.TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")})))
		defer srv.Close()
		send := func(method, path, ct, body string) {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("X-Forwarded-For", "198.51.100.7")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		form := "application/x-www-form-urlencoded"
		send("POST", "/services/apply/settings", form, "name=Apply&password=hunter22&csrf_token=abc&note=ring+jane%40example.org")
		send("PATCH", "/api/v1/services/apply", "application/json", `{"name": "Apply now", "public": true, "api_token": "s3cr3t"}`)
		send("GET", "/services/apply", "", "")
		send("POST", "/refused", form, "name=x")
		send("POST", "/query", "application/json", `{}`)
		send("POST", "/login", form, "email=ann%40example.gov&password=guess")

		list, total, err := l.List(ctx, audit.Filter{}, 0, 10)
		if err != nil || total != 3 {
			t.Fatalf("%d entries (%v), want 3: %+v", total, err, list)
		}
		login, patch, post := list[0], list[1], list[2]
		if post.Action != "POST /services/{slug}/settings" || post.Service != "apply" || post.Actor != "ann@example.gov" || post.UserID != 7 ||
			post.ActorKind != audit.ActorUser || post.Address != "198.51.100.7" || post.Status != 303 || post.Outcome != audit.Done {
			t.Errorf("form change: %+v", post)
		}
		if f := post.Details.Fields; f["name"] != "Apply" || f["note"] != "ring [email]" || len(f) != 2 {
			t.Errorf("form fields: %v (no password, no CSRF token, scrubbed)", f)
		}
		if after, _ := post.Details.After.(map[string]any); after["name"] != "new" {
			t.Errorf("after: %+v", post.Details)
		}
		if patch.ActorKind != audit.ActorToken || patch.TokenID != 9 || patch.Details.Fields["name"] != "Apply now" ||
			patch.Details.Fields["public"] != "true" || patch.Details.Fields["api_token"] != "" {
			t.Errorf("API change: %+v", patch)
		}
		if login.Outcome != audit.Refused || login.Status != 401 || login.Actor != "ann@example.gov" || login.Details.Fields != nil {
			t.Errorf("failed sign-in: %+v", login)
		}
		var leaked int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE details LIKE '%hunter22%' OR details LIKE '%s3cr3t%' OR details LIKE '%guess%' OR details LIKE '%jane%'`).Scan(&leaked); err != nil || leaked != 0 {
			t.Errorf("%d entries hold a secret or personal data (%v)", leaked, err)
		}
	})
}
