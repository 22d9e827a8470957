package web

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// TestAsError: a page handler shows a refused input on its form whether
// the domain said it with a fault or a handler with an *Error.
func TestAsError(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		ok         bool
		status     int
		field, msg string
	}{
		{"fault", fmt.Errorf("create user: %w", fault.Invalidf("email", "not an address")), true, 400, "email", "not an address"},
		{"conflict", fault.Conflictf("slug", "taken"), true, 409, "slug", "taken"},
		{"web error", BadRequest("page", "a whole number"), true, 400, "page", "a whole number"},
		{"input error", InvalidInput(FormErrors{{Field: "name", Message: "required"}}), true, 400, "name", "required"},
		{"not found", store.ErrNotFound, false, 0, "", ""},
		{"internal", errors.New("disk full"), false, 0, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := AsError(tc.err)
			if ok != tc.ok || ok && (e.Status != tc.status || e.Field != tc.field || e.Message != tc.msg) {
				t.Fatalf("AsError = %+v, %v; want %d %q %q, %v", e, ok, tc.status, tc.field, tc.msg, tc.ok)
			}
		})
	}
}

// TestFailKeepsRetryAfter: a handler that knows how long a visitor must
// wait (their own rate limit) says so; Fail does not replace it.
func TestFailKeepsRetryAfter(t *testing.T) {
	s := testSite(t)
	w := httptest.NewRecorder()
	w.Header().Set("Retry-After", "600")
	s.Fail(w, httptest.NewRequest("POST", "/api/v1/feedback", nil), fault.TooManyf("slow down"))
	if w.Code != 429 || w.Header().Get("Retry-After") != "600" {
		t.Fatalf("got %d Retry-After %q, want 429 and 600", w.Code, w.Header().Get("Retry-After"))
	}
}
