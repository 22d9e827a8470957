// Package webtest serves an area's routes over real HTTP for its tests, with
// fake authentication standing in for the account area, a Browser that
// keeps cookies and CSRF tokens, and CheckPage, the accessibility rules
// every liveops page keeps. Only tests may import it.
package webtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

// Server is an area's routes served over real HTTP until the test ends.
// Requests name their principal in the X-Test-As header (pages) or as the
// bearer token (API); the names known from the start are admin, editor,
// viewer, limited (an editor who sees only the services Allow gives),
// readtoken and writetoken (editor API tokens with those scopes).
type Server struct {
	// URL is the server's base address, as http://127.0.0.1:port.
	URL string
	t   testing.TB

	mu     sync.Mutex
	people map[string]*auth.Principal
}

// NewServer registers an area's routes on a fresh mux, through a Router
// whose Session, RequireSignIn and Bearer are the fake authentication, and
// serves handler(mux): the area's test chooses the outer layers, as the app
// does.
func NewServer(t testing.TB, site *web.Site, routes func(*web.Router), handler func(*http.ServeMux) http.Handler) *Server {
	t.Helper()
	s := &Server{t: t, people: cast()}
	mux := http.NewServeMux()
	routes(&web.Router{Mux: mux, Site: site, Session: s.session, RequireSignIn: s.requireSignIn, Bearer: s.bearer})
	srv := httptest.NewServer(handler(mux))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Add makes p known by name, replacing any principal of that name; a test
// adds the people its cases need beyond the default ones.
func (s *Server) Add(name string, p *auth.Principal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[name] = p
}

// Allow lets the principal called name see the services with these ids.
// It fails the test when there is no such principal.
func (s *Server) Allow(name string, ids ...int64) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[name]
	if !ok {
		s.t.Fatalf("webtest: no principal %q", name)
	}
	if p.Services == nil {
		p.Services = map[int64]bool{}
	}
	for _, id := range ids {
		p.Services[id] = true
	}
}
