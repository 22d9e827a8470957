package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// expect fails the test unless the call answered status and, for an
// error, names field and says msg.
func expect(t *testing.T, what string, status int, body map[string]any, wantStatus int, field, msg string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s = %d %v, want %d", what, status, body, wantStatus)
	}
	if wantStatus < 400 {
		return
	}
	if got, _ := body["field"].(string); got != field {
		t.Errorf("%s: field %q, want %q (%v)", what, got, field, body)
	}
	if got, _ := body["error"].(string); !strings.Contains(got, msg) {
		t.Errorf("%s: error %q does not say %q", what, got, msg)
	}
}

func TestAPIList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		other := hs.service("Renew", "renew.example.gov")
		items := seed(t, hs.fb, hs.clock, svc)
		hs.Allow("limited", other.ID)
		if _, err := hs.fb.Update(ctx, svc.ID, items[0].id, feedback.Change{AddTags: []string{"pay", "urgent"}}); err != nil {
			t.Fatal(err)
		}

		status, got := hs.Call("readtoken", "GET", "/api/v1/services/apply/feedback?limit=2", "")
		expect(t, "list", status, got, 200, "", "")
		raw, _ := json.Marshal(got["feedback"].([]any)[0])
		want := fmt.Sprintf(`{"assignee":null,"assignee_id":null,"channel":"web","comment":"","created_at":"2026-06-15T12:00:00Z","doing":"","held":false,"id":%d,"kind":"useful","rating":null,"status":"new","tags":["pay","urgent"],"url":"https://apply.example.gov/pay","useful":true,"wrong":""}`, items[0].id)
		if string(raw) != want || got["total"] != 120.0 || len(got) != 2 {
			t.Fatalf("first item %s, total %v; want %s", raw, got["total"], want)
		}
		raw, _ = json.Marshal(got["feedback"].([]any)[1])
		if !strings.Contains(string(raw), `"kind":"problem"`) || !strings.Contains(string(raw), `"tags":[]`) || !strings.Contains(string(raw), `"useful":null`) {
			t.Fatalf("second item %s", raw)
		}
		for _, tc := range []struct {
			query string
			total int
			n     int
		}{
			{"kind=satisfaction&rating=3", 6, 6},
			{"status=new&channel=phone", 12, 12},
			{"tag=urgent", 1, 1},
			{"q=card+payment&kind=comment", 10, 10},
			{"theme=signing", 20, 20},
			{"url=/pay&kind=useful&limit=10&page=2", 30, 10},
			{"from=2026-06-15&to=2026-06-15", 3, 3},
			{"page=7&limit=20", 120, 0},
		} {
			status, got := hs.Call("readtoken", "GET", "/api/v1/services/apply/feedback?"+tc.query, "")
			if status != 200 || got["total"] != float64(tc.total) || len(got["feedback"].([]any)) != tc.n {
				t.Errorf("?%s = %d, total %v, %d items; want %d and %d", tc.query, status, got["total"], len(got["feedback"].([]any)), tc.total, tc.n)
			}
		}
		for _, tc := range []struct {
			query, field, msg string
		}{
			{"kind=praise", "kind", "kind must be"},
			{"status=done", "status", "status must be"},
			{"rating=6", "rating", "rating must be"},
			{"channel=fax", "channel", "channel must be"},
			{"tag=a!", "tag", "only letters"},
			{"q=%21%21", "q", "no words"},
			{"from=2026-13-01", "from", "from must be a date"},
			{"from=2026-06-10&to=2026-06-01", "to", "after from"},
			{"page=0", "page", "page must be"},
			{"limit=501", "limit", "limit must be a whole number from 1 to 500"},
			{"limit=x", "limit", "limit must be"},
		} {
			status, got := hs.Call("readtoken", "GET", "/api/v1/services/apply/feedback?"+tc.query, "")
			expect(t, "?"+tc.query, status, got, 400, tc.field, tc.msg)
		}
		status, got = hs.Call("limited", "GET", "/api/v1/services/apply/feedback", "")
		expect(t, "a service the token cannot see", status, got, 404, "", "service not found")
		status, got = hs.Call("nobody", "GET", "/api/v1/services/apply/feedback", "")
		expect(t, "no token", status, got, 401, "", "valid API token")
	})
}

func TestAPICreateAndPatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		other := hs.service("Renew", "renew.example.gov")
		hs.Allow("limited", other.ID)
		base := "/api/v1/services/apply/feedback"

		status, got := hs.Call("writetoken", "POST", base, `{"kind": "problem", "channel": "email", "given_by": "applicant",
			"url": "https://apply.example.gov/upload?file=x", "doing": "Uploading", "wrong": "Error from 192.0.2.1"}`)
		expect(t, "create", status, got, 201, "", "")
		id := int64(got["id"].(float64))
		if got["channel"] != "email" || got["given_by"] != "applicant" || got["url"] != "https://apply.example.gov/upload" ||
			got["wrong"] != "Error from [ip]" || got["rating"] != nil || got["status"] != "new" || got["service_id"] != float64(svc.ID) {
			t.Fatalf("created %v", got)
		}
		for _, tc := range []struct {
			what, token, path, body string
			status                  int
			field, msg              string
		}{
			{"read token", "readtoken", base, `{"kind": "comment", "channel": "phone", "comment": "x"}`, 403, "", "not change it"},
			{"viewer", "viewer", base, `{"kind": "comment", "channel": "phone", "comment": "x"}`, 403, "", "not change it"},
			{"unknown service", "writetoken", "/api/v1/services/nope/feedback", `{}`, 404, "", "service not found"},
			{"no channel", "writetoken", base, `{"kind": "comment", "comment": "x"}`, 400, "channel", "channel must be"},
			{"web channel", "writetoken", base, `{"kind": "comment", "channel": "web", "comment": "x"}`, 400, "channel", "channel must be phone"},
			{"rating 7", "writetoken", base, `{"kind": "satisfaction", "channel": "phone", "rating": 7}`, 400, "rating", "rating must be"},
			{"useful maybe", "writetoken", base, `{"kind": "useful", "channel": "phone", "useful": "maybe"}`, 400, "useful", "useful must be"},
			{"unknown field", "writetoken", base, `{"kind": "comment", "channel": "phone", "comment": "x", "name": "Jo"}`, 400, "name", "unknown field"},
			{"long text", "writetoken", base, `{"kind": "comment", "channel": "phone", "comment": "` + strings.Repeat("z", 2001) + `"}`, 400, "comment", "2,000 characters"},
		} {
			status, got := hs.Call(tc.token, "POST", tc.path, tc.body)
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		if n := hs.count(`1 = 1`); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}

		item := fmt.Sprintf("/api/v1/feedback/%d", id)
		status, got = hs.Call("writetoken", "PATCH", item, `{"status": "triaged", "tags": ["Upload", "errors"], "note": "Asked jo@example.com"}`)
		expect(t, "patch", status, got, 200, "", "")
		if got["status"] != "triaged" || fmt.Sprint(got["tags"]) != "[errors upload]" || got["note"] != "Asked [email]" {
			t.Fatalf("patched %v", got)
		}
		status, got = hs.Call("writetoken", "PATCH", item, `{"add_tags": ["week 24"], "remove_tags": ["errors"]}`)
		expect(t, "patch tags", status, got, 200, "", "")
		if fmt.Sprint(got["tags"]) != "[upload week 24]" || got["note"] != "Asked [email]" || got["status"] != "triaged" {
			t.Fatalf("patched %v", got)
		}
		it, _ := hs.fb.Item(context.Background(), svc.ID, id)
		if !slices.Equal(it.Tags, []string{"upload", "week 24"}) {
			t.Fatalf("stored tags %v", it.Tags)
		}
		for _, tc := range []struct {
			what, token, path, body string
			status                  int
			field, msg              string
		}{
			{"bad status", "writetoken", item, `{"status": "done"}`, 400, "status", "status must be"},
			{"bad tag", "writetoken", item, `{"add_tags": ["<b>"]}`, 400, "add_tags", "only letters"},
			{"tags not a list", "writetoken", item, `{"tags": "a,b"}`, 400, "tags", "must be an array"},
			{"unknown field", "writetoken", item, `{"state": "new"}`, 400, "state", "unknown field"},
			{"read token", "readtoken", item, `{"status": "new"}`, 403, "", "not change it"},
			{"token for another service", "limited", item, `{"status": "new"}`, 404, "", "not found"},
			{"no such item", "writetoken", "/api/v1/feedback/999999", `{"status": "new"}`, 404, "", "feedback item not found"},
			{"not an id", "writetoken", "/api/v1/feedback/x", `{"status": "new"}`, 404, "", "not found"},
		} {
			status, got := hs.Call(tc.token, "PATCH", tc.path, tc.body)
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		status, got = hs.Call("readtoken", "GET", item, "")
		expect(t, "get", status, got, 200, "", "")
		if got["id"] != float64(id) || got["status"] != "triaged" {
			t.Fatalf("get %v", got)
		}
		status, got = hs.Call("limited", "GET", item, "")
		expect(t, "get another service's item", status, got, 404, "", "not found")
	})
}

func TestAPIRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		hs.service("Apply", "apply.example.gov")
		base := "/api/v1/services/apply/feedback/rules"
		status, got := hs.Call("writetoken", "POST", base, `{"name": "case-ref", "pattern": "CASE-[0-9]{6}"}`)
		expect(t, "add", status, got, 201, "", "")
		id := int64(got["id"].(float64))
		status, got = hs.Call("writetoken", "POST", base, `{"name": "case-ref", "pattern": "X"}`)
		expect(t, "duplicate", status, got, 409, "name", "already a rule")
		status, got = hs.Call("writetoken", "POST", base, `{"name": "ref", "pattern": "a*"}`)
		expect(t, "empty match", status, got, 400, "pattern", "empty string")
		status, got = hs.Call("readtoken", "POST", base, `{"name": "ref", "pattern": "REF"}`)
		expect(t, "read token", status, got, 403, "", "not change it")
		status, got = hs.Call("readtoken", "GET", base, "")
		expect(t, "list", status, got, 200, "", "")
		if rules := got["rules"].([]any); len(rules) != 1 || rules[0].(map[string]any)["pattern"] != "CASE-[0-9]{6}" {
			t.Fatalf("rules %v", got)
		}
		status, _ = hs.Call("writetoken", "DELETE", fmt.Sprintf("%s/%d", base, id), "")
		if status != http.StatusNoContent {
			t.Fatalf("delete = %d", status)
		}
		status, got = hs.Call("writetoken", "DELETE", fmt.Sprintf("%s/%d", base, id), "")
		expect(t, "delete again", status, got, 404, "", "rule not found")
	})
}
