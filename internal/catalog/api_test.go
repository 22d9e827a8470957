package catalog_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

const parkingJSON = `{"name": "Parking permits", "slug": "parking", "domains": ["https://Parking.example.gov/", "www.parking.example.gov"],
	"timezone": "Europe/London", "phase": "beta", "public": true, "description": "Permits.", "owner": "Parking team"}`

func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		status, got := hs.Call("admin", "POST", "/api/v1/services", parkingJSON)
		if status != http.StatusCreated {
			t.Fatalf("create = %d %v", status, got)
		}
		created, _ := time.Parse(time.RFC3339Nano, got["created_at"].(string))
		if got["slug"] != "parking" || got["name"] != "Parking permits" || str(got["domains"]) != "parking.example.gov www.parking.example.gov" ||
			got["timezone"] != "Europe/London" || got["phase"] != "beta" || got["public"] != true || got["description"] != "Permits." ||
			got["owner"] != "Parking team" || got["archived"] != false || time.Since(created) > time.Minute || got["updated_at"] != got["created_at"] || len(got) != 11 {
			t.Fatalf("created service = %v", got)
		}
		if status, got := hs.Call("editor", "POST", "/api/v1/services", `{"name": "Renew a licence", "domains": ["renew.example.gov"]}`); status != http.StatusCreated ||
			got["slug"] != "renew-a-licence" || got["timezone"] != "UTC" || got["phase"] != "live" || got["public"] != false {
			t.Fatalf("create with defaults = %d %v", status, got)
		}
		renew, _ := hs.cat.BySlug(t.Context(), "renew-a-licence")
		hs.Allow("limited", renew.ID)

		for _, tc := range []struct {
			name, token, method, path, body string
			status                          int
			field, msg                      string // the error's field, and part of its message
		}{
			{"bad JSON", "admin", "POST", "/api/v1/services", `{"name": `, 400, "", "invalid JSON"},
			{"empty body", "admin", "POST", "/api/v1/services", ``, 400, "", "empty"},
			{"unknown field", "admin", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"], "colour": "red"}`, 400, "colour", `unknown field "colour"`},
			{"wrong type", "admin", "POST", "/api/v1/services", `{"name": 5}`, 400, "name", "must be a string"},
			{"archived on create", "admin", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"], "archived": true}`, 400, "archived", "unknown field"},
			{"no name", "admin", "POST", "/api/v1/services", `{"domains": ["x.gov"]}`, 400, "name", "Enter a name"},
			{"bad host", "admin", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov/start"]}`, 400, "domains", "enter a hostname such as apply.example.gov, without a path"},
			{"bad slug", "admin", "POST", "/api/v1/services", `{"name": "X", "slug": "X Y", "domains": ["x.gov"]}`, 400, "slug", "lowercase"},
			{"bad zone", "admin", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"], "timezone": "Local"}`, 400, "timezone", "not a time zone"},
			{"taken slug", "admin", "POST", "/api/v1/services", `{"name": "X", "slug": "parking", "domains": ["x.gov"]}`, 409, "slug", "already the slug of “Parking permits”"},
			{"taken host", "admin", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov", "PARKING.example.gov"]}`, 409, "domains", "parking.example.gov is already used by the service “Parking permits”"},
			{"viewer creates", "viewer", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"]}`, 403, "", "cannot add services"},
			{"read token creates", "readtoken", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"]}`, 403, "", "cannot add services"},
			{"limited creates", "limited", "POST", "/api/v1/services", `{"name": "X", "domains": ["x.gov"]}`, 403, "", "cannot add services"},
			{"missing", "admin", "GET", "/api/v1/services/nope", ``, 404, "", "service not found"},
			{"unreadable", "limited", "GET", "/api/v1/services/parking", ``, 404, "", "service not found"},
			{"unreadable patch", "limited", "PATCH", "/api/v1/services/parking", `{"name": "Y"}`, 404, "", "service not found"},
			{"unreadable delete", "limited", "DELETE", "/api/v1/services/parking", ``, 404, "", "service not found"},
			{"viewer patches", "viewer", "PATCH", "/api/v1/services/parking", `{"name": "Y"}`, 403, "", "not change it"},
			{"read token patches", "readtoken", "PATCH", "/api/v1/services/parking", `{"name": "Y"}`, 403, "", "not change it"},
			{"viewer deletes", "viewer", "DELETE", "/api/v1/services/parking", ``, 403, "", "not change it"},
			{"patch slug", "admin", "PATCH", "/api/v1/services/parking", `{"slug": "parking-2"}`, 400, "slug", "cannot be changed"},
			{"patch unknown", "admin", "PATCH", "/api/v1/services/parking", `{"id": 3}`, 400, "id", "unknown field"},
			{"patch bad phase", "admin", "PATCH", "/api/v1/services/parking", `{"phase": "alpha"}`, 400, "phase", "beta, live or retiring"},
			{"patch taken host", "admin", "PATCH", "/api/v1/services/parking", `{"domains": ["renew.example.gov"]}`, 409, "domains", "“Renew a licence”"},
			{"patch missing", "admin", "PATCH", "/api/v1/services/nope", `{"name": "Y"}`, 404, "", "service not found"},
			{"bad archived param", "admin", "GET", "/api/v1/services?archived=maybe", ``, 400, "archived", "true or false"},
			{"no token", "nobody", "GET", "/api/v1/services", ``, 401, "", "token"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, got := hs.Call(tc.token, tc.method, tc.path, tc.body)
				msg, _ := got["error"].(string)
				field, _ := got["field"].(string)
				if status != tc.status || field != tc.field || !strings.Contains(msg, tc.msg) {
					t.Fatalf("%s %s = %d %v; want %d, field %q, error with %q", tc.method, tc.path, status, got, tc.status, tc.field, tc.msg)
				}
			})
		}
		apiLifecycle(t, hs)
	})
}

// apiLifecycle patches, archives and restores the parking service.
func apiLifecycle(t *testing.T, hs *harness) {
	status, got := hs.Call("editor", "PATCH", "/api/v1/services/parking", `{"phase": "retiring", "slug": "parking", "owner": null}`)
	if status != 200 || got["phase"] != "retiring" || got["name"] != "Parking permits" || got["owner"] != "Parking team" ||
		str(got["domains"]) != "parking.example.gov www.parking.example.gov" || got["public"] != true {
		t.Fatalf("patch phase = %d %v", status, got)
	}
	if status, got = hs.Call("editor", "PATCH", "/api/v1/services/parking", `{"archived": true, "domains": ["permits.example.gov"]}`); status != 200 ||
		got["archived"] != true || str(got["domains"]) != "permits.example.gov" {
		t.Fatalf("patch archived = %d %v", status, got)
	}
	list := func(token, query string) string {
		t.Helper()
		status, got := hs.Call(token, "GET", "/api/v1/services"+query, "")
		if status != 200 {
			t.Fatalf("list = %d %v", status, got)
		}
		var slugs []string
		for _, s := range got["services"].([]any) {
			slugs = append(slugs, s.(map[string]any)["slug"].(string))
		}
		return strings.Join(slugs, " ")
	}
	if got := list("viewer", ""); got != "renew-a-licence" {
		t.Fatalf("list without archived = %q", got)
	}
	if got := list("viewer", "?archived=true"); got != "parking renew-a-licence" {
		t.Fatalf("list with archived = %q", got)
	}
	if got := list("limited", "?archived=1"); got != "renew-a-licence" {
		t.Fatalf("limited editor's list = %q", got)
	}
	if status, got = hs.Call("admin", "PATCH", "/api/v1/services/parking", `{"archived": false}`); status != 200 || got["archived"] != false {
		t.Fatalf("restore = %d %v", status, got)
	}
	if status, got = hs.Call("limited", "DELETE", "/api/v1/services/renew-a-licence", ""); status != http.StatusNoContent || got != nil {
		t.Fatalf("delete = %d %v", status, got)
	}
	if status, got = hs.Call("viewer", "GET", "/api/v1/services/renew-a-licence", ""); status != 200 || got["archived"] != true || got["name"] != "Renew a licence" {
		t.Fatalf("deleted service = %d %v; want it archived, not gone", status, got)
	}
	if got := list("viewer", ""); got != "parking" {
		t.Fatalf("list after restore and delete = %q", got)
	}
}

// str flattens a JSON array of strings, or anything else, for comparing.
func str(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			s, ok := p.(string)
			if !ok {
				s = "?"
			}
			parts[i] = s
		}
		return strings.Join(parts, " ")
	}
	return ""
}
