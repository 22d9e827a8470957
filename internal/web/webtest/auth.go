package webtest

import (
	"net/http"
	"strings"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

// cast is the default set of principals, a fresh copy for each server.
func cast() map[string]*auth.Principal {
	return map[string]*auth.Principal{
		"admin":      {UserID: 1, Email: "admin@example.gov", Role: auth.Admin, AllServices: true},
		"editor":     {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true},
		"viewer":     {UserID: 3, Email: "viewer@example.gov", Role: auth.Viewer, AllServices: true},
		"limited":    {UserID: 4, Email: "limited@example.gov", Role: auth.Editor, Services: map[int64]bool{}},
		"readtoken":  {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true, TokenID: 9, Scope: auth.ScopeRead},
		"writetoken": {UserID: 2, Email: "editor@example.gov", Role: auth.Editor, AllServices: true, TokenID: 10, Scope: auth.ScopeWrite},
	}
}

// principal returns a copy of the principal called name, or nil, so that a
// handler never shares a Services map that the test is changing.
func (s *Server) principal(name string) *auth.Principal {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[name]
	if !ok {
		return nil
	}
	cp := *p
	cp.Services = map[int64]bool{}
	for id := range p.Services {
		cp.Services[id] = true
	}
	return &cp
}

// session signs in whoever the X-Test-As header names, as the account
// area's session cookie would.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := s.principal(r.Header.Get("X-Test-As")); p != nil {
			ctx := auth.With(r.Context(), p)
			ctx = web.WithViewer(ctx, &web.Viewer{ID: p.UserID, Email: p.Email, Role: string(p.Role), IsAdmin: p.IsAdmin()})
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.From(r.Context()) == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearer takes the bearer token as the name of a principal.
func (s *Server) bearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		p := s.principal(name)
		if p == nil {
			web.WriteJSON(w, http.StatusUnauthorized, web.APIError{Error: "send a valid API token"})
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}
