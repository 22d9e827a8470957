package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/liveops/liveops/internal/fault"
)

// TestFailMapsFaults: areas say what went wrong in domain terms; only here
// does it become a status, and a database that does not answer is a 503
// the client may retry, never a 500.
func TestFailMapsFaults(t *testing.T) {
	s := testSite(t)
	cases := []struct {
		err        error
		status     int
		field, msg string
		retry      bool
	}{
		{fault.NotFoundf("funnel"), 404, "", "funnel not found", false},
		{fmt.Errorf("load funnel 3: %w", fault.Invalidf("steps", "give 2 to 8 steps")), 400, "steps", "give 2 to 8 steps", false},
		{fault.Conflictf("slug", "taken"), 409, "slug", "taken", false},
		{fault.Forbiddenf("viewers cannot change this"), 403, "", "viewers cannot change this", false},
		{fault.TooManyf("slow down"), 429, "", "slow down", true},
		{fault.Unavailablef("the journal is full"), 503, "", "the journal is full", true},
		{fmt.Errorf("list services: %w", &pgconn.ConnectError{}), 503, "", "The database is not answering", true},
		{fmt.Errorf("list services: %w", &pgconn.PgError{Code: "57P01"}), 503, "", "The database is not answering", true},
		{fmt.Errorf("list services: %w", &pgconn.PgError{Code: "42P01"}), 500, "", "Something went wrong", false},
	}
	for _, tc := range cases {
		t.Run(tc.err.Error(), func(t *testing.T) {
			w := httptest.NewRecorder()
			s.Fail(w, httptest.NewRequest("GET", "/api/v1/x", nil), tc.err)
			var body APIError
			json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != tc.status || body.Field != tc.field || !strings.Contains(body.Error, tc.msg) {
				t.Fatalf("got %d %+v, want %d %q %q", w.Code, body, tc.status, tc.field, tc.msg)
			}
			if got := w.Header().Get("Retry-After") != ""; got != tc.retry {
				t.Fatalf("Retry-After sent: %v, want %v", got, tc.retry)
			}
			if tc.status == http.StatusInternalServerError && strings.Contains(body.Error, "42P01") {
				t.Fatal("internal error text reached the client")
			}
		})
	}
}
