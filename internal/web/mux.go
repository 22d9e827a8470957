package web

import (
	"net/http"
	"strings"
)

// Mux wraps the routes so that what matches none of them is answered in
// liveops's own way: a 404 page (or JSON error under /api/), and a 405 with
// Allow when the path exists for other methods. It also refuses paths and
// query strings that no handler could store or look up: bad UTF-8 or NUL.
func (s *Site) Mux(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ValidText(r.URL.Path) || !ValidText(r.URL.RawQuery) || strings.Contains(strings.ToLower(r.URL.RawQuery), "%00") {
			s.Fail(w, r, BadRequest("", "The address contains characters that are not allowed."))
			return
		}
		if h, pattern := mux.Handler(r); pattern == "" {
			// The mux's own fallback: a redirect (path clean-up), a 404 or
			// a 405. Let it decide, then answer 404 and 405 ourselves.
			rec := &statusRecorder{header: http.Header{}}
			h.ServeHTTP(rec, r)
			var e *Error
			switch rec.status {
			case http.StatusNotFound:
				e = NotFound("page")
				if IsAPI(r) {
					e = &Error{Status: http.StatusNotFound, Message: "no such endpoint: " + r.URL.Path}
				}
			case http.StatusMethodNotAllowed:
				w.Header().Set("Allow", rec.header.Get("Allow"))
				e = &Error{Status: http.StatusMethodNotAllowed, Message: r.Method + " is not allowed here; use " + rec.header.Get("Allow")}
			}
			if e != nil {
				fail := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.Fail(w, r, e) }))
				if s.Fallback != nil && !IsAPI(r) {
					fail = s.Fallback(fail)
				}
				fail.ServeHTTP(w, r)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// statusRecorder keeps only the status and headers of a response.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return len(b), nil
}
func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
