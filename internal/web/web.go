// Package web is the shared plumbing of every liveops page and API: the
// layout and its templates, static assets, error handling, JSON helpers,
// CSRF protection, security headers, request metrics and the client address
// behind a trusted proxy. Areas build their pages and endpoints on a Site.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// Error is an error with a status and a message that may be shown to the
// user. Field names the form or JSON field at fault, when there is one.
// Any other error reaching a handler's caller is a 500 whose text is logged
// and never shown.
type Error struct {
	Status  int
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Field, e.Message)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

// BadRequest is a 400 about one field (field may be empty).
func BadRequest(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound is a 404 naming what was not found.
func NotFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Message: what + " not found"}
}

// Forbidden is a 403 for a user or token that may not do this.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Message: msg}
}

// Unauthorized is a 401: no or bad credentials.
func Unauthorized(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Message: msg}
}

// Conflict is a 409 about a field whose value must be unique.
func Conflict(field, msg string) *Error {
	return &Error{Status: http.StatusConflict, Field: field, Message: msg}
}

// HandlerFunc is an HTTP handler that returns its error instead of writing
// it; Site.Handle turns the error into the response.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// IsAPI reports whether r is a machine request, answered in JSON.
func IsAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// Handle adapts h to http.Handler: a *Error becomes its status and message
// (JSON under /api/, the error page elsewhere); store.ErrNotFound becomes a
// 404; anything else is logged and answered with a plain 500.
func (s *Site) Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.Fail(w, r, err)
		}
	})
}

// Fail writes the response for err, as Handle does.
func (s *Site) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := Describe(w, r, err)
	if IsAPI(r) {
		WriteJSON(w, e.Status, APIError{Error: e.Message, Field: e.Field})
		return
	}
	s.renderError(w, r, e)
}

// Describe is the status and message Fail answers err with: it logs an
// internal error and sets Retry-After as Fail does, but writes no body, for
// a handler that answers in a shape of its own (the Events API's).
func Describe(w http.ResponseWriter, r *http.Request, err error) *Error {
	e, shown := AsError(err)
	switch k := fault.KindOf(err); {
	case shown:
		// A handler that knows better (a visitor's own rate limit) has
		// said how long to wait already.
		if (k == fault.Unavailable || k == fault.TooMany) && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "5")
		}
	case errors.Is(err, store.ErrNotFound):
		e = NotFound("page")
		if IsAPI(r) {
			e.Message = "not found"
		}
	case store.IsFull(err):
		slog.Error("request failed: the disk is full", "method", r.Method, "path", LoggedPath(r), "err", err)
		w.Header().Set("Retry-After", "60")
		e = &Error{Status: http.StatusServiceUnavailable, Message: "The disk liveops saves to is full, so nothing can be saved just now: what you sent was not saved. Try again once an administrator has freed space."}
	case store.IsUnavailable(err):
		slog.Warn("request failed: the database is not answering", "method", r.Method, "path", LoggedPath(r), "err", err)
		w.Header().Set("Retry-After", "5")
		e = &Error{Status: http.StatusServiceUnavailable, Message: "The database is not answering just now. Nothing was lost; try again in a few seconds."}
	default:
		slog.Error("request failed", "method", r.Method, "path", LoggedPath(r), "err", err)
		e = &Error{Status: http.StatusInternalServerError, Message: "Something went wrong on our side. The error has been logged; try again, and tell your administrator if it keeps happening."}
	}
	return e
}

// AsError is err as the status, field and message a user may be shown:
// the *Error in its chain, else its *fault.Error with the kind's status.
// ok is false for any other error, whose text is not for users. A page
// handler uses it to show a refused input on its form again.
func AsError(err error) (e *Error, ok bool) {
	if errors.As(err, &e) {
		return e, true
	}
	var f *fault.Error
	if errors.As(err, &f) {
		return &Error{Status: faultStatus(f.Kind), Field: f.Field, Message: f.Message}, true
	}
	return nil, false
}

// faultStatus is the HTTP status of a kind of domain fault.
func faultStatus(k fault.Kind) int {
	switch k {
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.Conflict:
		return http.StatusConflict
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.TooMany:
		return http.StatusTooManyRequests
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// PathID is the request's {id}; what is not a positive number names
// nothing, so it is a 404 naming what, like an unknown id.
func PathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, NotFound(what)
	}
	return id, nil
}

// NotFoundAs turns store.ErrNotFound into a 404 naming what, and passes
// any other error on.
func NotFoundAs(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return NotFound(what)
	}
	return err
}
