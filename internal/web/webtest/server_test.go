package webtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

// who answers with the signed-in principal and the services they may see.
func who(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if web.IsAPI(r) {
		web.WriteJSON(w, http.StatusOK, map[string]any{"email": p.Email, "services": len(p.Services)})
		return nil
	}
	fmt.Fprintf(w, `<!doctype html><h1>%s</h1><form method="post"><input type="hidden" name="%s" value="%s"></form>`,
		p.Email, web.CSRFField, web.CSRFToken(r.Context()))
	return nil
}

func newServer(t *testing.T) *webtest.Server {
	site, err := web.NewSite()
	if err != nil {
		t.Fatal(err)
	}
	routes := func(rt *web.Router) {
		rt.Page("GET /me", who)
		rt.Page("POST /me", who)
		rt.API("GET /api/v1/me", who)
	}
	return webtest.NewServer(t, site, routes, func(mux *http.ServeMux) http.Handler { return mux })
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	if resp, _ := s.Browser("").Do(http.MethodGet, "/me", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("nobody signed in = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	b := s.Browser("viewer")
	webtest.Contains(t, "page", b.Get("/me", http.StatusOK), "<h1>viewer@example.gov</h1>")
	if b.CSRF() == "" {
		t.Fatal("no CSRF token taken from the page")
	}
	b.Post("/me", nil, http.StatusOK)
	b.Post("/me", url.Values{web.CSRFField: {"forged"}}, http.StatusForbidden)
}

func TestCall(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	if status, got := s.Call("nobody", "GET", "/api/v1/me", ""); status != http.StatusUnauthorized || got["error"] != "send a valid API token" {
		t.Fatalf("unknown token = %d %v", status, got)
	}
	s.Allow("limited", 1, 2)
	s.Add("auditor", &auth.Principal{UserID: 7, Email: "auditor@example.gov", Role: auth.Viewer, Services: map[int64]bool{3: true}})
	for token, want := range map[string]string{"writetoken": "editor@example.gov 0", "limited": "limited@example.gov 2", "auditor": "auditor@example.gov 1"} {
		status, got := s.Call(token, "GET", "/api/v1/me", "")
		if g := fmt.Sprintf("%v %v", got["email"], got["services"]); status != http.StatusOK || g != want {
			t.Errorf("%s = %d %q, want %q", token, status, g, want)
		}
	}
}
