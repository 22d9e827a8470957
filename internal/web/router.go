package web

import "net/http"

// Router registers an area's routes with the middleware their kind needs,
// so that no area can forget sign-in or CSRF checks. The app fills in the
// account middlewares; areas only pick the kind of route.
type Router struct {
	Mux  *http.ServeMux
	Site *Site
	// Session loads the signed-in person, if any, from the session cookie.
	Session Middleware
	// RequireSignIn sends anyone not signed in to the sign-in page.
	RequireSignIn Middleware
	// Bearer authenticates an API token, answering 401 without a valid one.
	Bearer Middleware
	// Audit, when set, records the changes made through pages and the API
	// (audit.Log.Middleware); it runs after authentication, so it knows who.
	Audit Middleware
}

// audited is h recorded by Audit, when there is one.
func (rt *Router) audited(h http.Handler) http.Handler {
	if rt.Audit == nil {
		return h
	}
	return rt.Audit(h)
}

// Page registers a page for signed-in people: session, CSRF, sign-in required.
func (rt *Router) Page(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, Chain(rt.audited(rt.Site.Handle(h)), rt.Session, rt.Site.CSRF, rt.RequireSignIn))
}

// PublicPage registers a page anyone may open (sign-in, set-up, public
// figures): the session is loaded when there is one, and forms carry CSRF
// tokens.
func (rt *Router) PublicPage(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, Chain(rt.audited(rt.Site.Handle(h)), rt.Session, rt.Site.CSRF))
}

// API registers a JSON endpoint that needs an API token.
func (rt *Router) API(pattern string, h HandlerFunc) {
	rt.Mux.Handle(pattern, Chain(rt.audited(rt.Site.Handle(h)), rt.Bearer))
}

// Open registers an endpoint with no authentication at all: health, assets,
// and the public ingestion endpoints, which check their own input.
func (rt *Router) Open(pattern string, h http.Handler) {
	rt.Mux.Handle(pattern, h)
}
