package goals_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// jsonOf is v as compact JSON, for comparing bodies.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// expect fails the test unless the call answered status, and, for an
// error, names field and says msg.
func expect(t *testing.T, what string, status int, body map[string]any, wantStatus int, field, msg string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s = %d %v, want %d", what, status, body, wantStatus)
		return
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

func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov", "Europe/London")
		other := hs.service("Renew", "renew.example.gov", "UTC")
		hs.Allow("limited", other.ID)
		base := "/api/v1/services/apply"

		// Goals: create, with every way to get it wrong.
		status, got := hs.Call("editor", "POST", base+"/goals", `{"goal_type": "page", "page_path": "start"}`)
		expect(t, "create page goal", status, got, http.StatusCreated, "", "")
		if jsonOf(got) != `{"display_name":"Visit /start","event_name":null,"goal_type":"page","id":`+fmt.Sprint(got["id"])+`,"page_path":"/start"}` {
			t.Fatalf("created goal %s", jsonOf(got))
		}
		start := int64(got["id"].(float64))
		status, got = hs.Call("writetoken", "POST", base+"/goals", `{"event_name": "Submit", "display_name": "Sent the form"}`)
		expect(t, "create event goal", status, got, http.StatusCreated, "", "")
		if got["goal_type"] != "event" || got["event_name"] != "Submit" || got["page_path"] != nil || got["display_name"] != "Sent the form" {
			t.Fatalf("created goal %v", got)
		}
		submit := int64(got["id"].(float64))
		status, got = hs.Call("admin", "POST", base+"/goals", `{"goal_type": "page", "page_path": "/done"}`)
		expect(t, "create", status, got, http.StatusCreated, "", "")
		done := int64(got["id"].(float64))
		status, got = hs.Call("admin", "POST", "/api/v1/services/renew/goals", `{"goal_type": "page", "page_path": "/renewed"}`)
		expect(t, "create on the other service", status, got, http.StatusCreated, "", "")
		foreign := int64(got["id"].(float64))

		for _, tc := range []struct {
			what, token, path, body string
			status                  int
			field, msg              string
		}{
			{"no token", "nobody", base + "/goals", `{"event_name": "X"}`, 401, "", "valid API token"},
			{"viewer", "viewer", base + "/goals", `{"event_name": "X"}`, 403, "", "not change them"},
			{"read token", "readtoken", base + "/goals", `{"event_name": "X"}`, 403, "", "not change them"},
			{"unknown service", "admin", "/api/v1/services/nope/goals", `{"event_name": "X"}`, 404, "", "service not found"},
			{"service the editor cannot see", "limited", base + "/goals", `{"event_name": "X"}`, 404, "", "service not found"},
			{"not JSON", "editor", base + "/goals", `{"event_name": `, 400, "", "invalid JSON"},
			{"unknown field", "editor", base + "/goals", `{"event": "X"}`, 400, "event", "unknown field"},
			{"wrong type", "editor", base + "/goals", `{"event_name": 5}`, 400, "event_name", "must be a string"},
			{"empty", "editor", base + "/goals", `{}`, 400, "goal_type", "page visit or a custom event"},
			{"unknown type", "editor", base + "/goals", `{"goal_type": "scroll", "page_path": "/"}`, 400, "goal_type", "page or event"},
			{"both fields", "editor", base + "/goals", `{"page_path": "/a", "event_name": "A"}`, 400, "goal_type", "send goal_type"},
			{"page with event", "editor", base + "/goals", `{"goal_type": "page", "page_path": "/a", "event_name": "A"}`, 400, "event_name", "a page goal has no event_name"},
			{"event with page", "editor", base + "/goals", `{"goal_type": "event", "page_path": "/a", "event_name": "A"}`, 400, "page_path", "an event goal has no page_path"},
			{"bad path", "editor", base + "/goals", `{"goal_type": "page", "page_path": "https://apply.example.gov/x"}`, 400, "page_path", "without https://"},
			{"reserved event", "editor", base + "/goals", `{"goal_type": "event", "event_name": "pageview"}`, 400, "event_name", "page visit goal instead"},
			{"same page", "editor", base + "/goals", `{"goal_type": "page", "page_path": "/start"}`, 409, "page_path", "There is already a goal for visits to /start"},
			{"same event", "editor", base + "/goals", `{"goal_type": "event", "event_name": "Submit"}`, 409, "event_name", "There is already a goal for the event Submit"},
			{"same name", "editor", base + "/goals", `{"goal_type": "page", "page_path": "/x", "display_name": "Sent the form"}`, 409, "display_name", "already called “Sent the form”"},
			{"list without a token", "nobody", base + "/goals", "", 401, "", "valid API token"},
			{"list an unknown service", "viewer", "/api/v1/services/nope/goals", "", 404, "", "service not found"},
			{"list for the limited editor", "limited", base + "/goals", "", 404, "", "service not found"},
		} {
			method := "POST"
			if tc.body == "" {
				method = "GET"
			}
			status, got := hs.Call(tc.token, method, tc.path, tc.body)
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}

		status, got = hs.Call("readtoken", "GET", base+"/goals", "")
		expect(t, "list", status, got, http.StatusOK, "", "")
		list, _ := got["goals"].([]any)
		if len(list) != 3 || list[0].(map[string]any)["display_name"] != "Sent the form" || list[2].(map[string]any)["page_path"] != "/start" {
			t.Fatalf("goals %s", jsonOf(got))
		}

		// Funnels.
		for _, tc := range []struct {
			what, token, body string
			status            int
			field, msg        string
		}{
			{"viewer", "viewer", `{"name": "F", "steps": [1, 2]}`, 403, "", "not change them"},
			{"no name", "editor", fmt.Sprintf(`{"name": "", "steps": [%d, %d]}`, start, done), 400, "name", "Enter a name"},
			{"one step", "editor", fmt.Sprintf(`{"name": "F", "steps": [%d]}`, start), 400, "steps", "at least 2"},
			{"nine steps", "editor", `{"name": "F", "steps": [1, 2, 3, 4, 5, 6, 7, 8, 9]}`, 400, "steps", "at most 8"},
			{"repeated step", "editor", fmt.Sprintf(`{"name": "F", "steps": [%d, %d, %d]}`, start, done, start), 400, "steps", "Step 3 repeats step 1"},
			{"unknown goal", "editor", fmt.Sprintf(`{"name": "F", "steps": [%d, 12345]}`, start), 400, "steps", "Step 2 is not one of the service’s goals"},
			{"another service's goal", "editor", fmt.Sprintf(`{"name": "F", "steps": [%d, %d]}`, start, foreign), 400, "steps", "Step 2 is not one"},
			{"steps not numbers", "editor", `{"name": "F", "steps": ["a", "b"]}`, 400, "steps", "must be a number"},
		} {
			status, got := hs.Call(tc.token, "POST", base+"/funnels", tc.body)
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		status, got = hs.Call("editor", "POST", base+"/funnels", fmt.Sprintf(`{"name": "Apply", "steps": [%d, %d, %d]}`, start, submit, done))
		expect(t, "create funnel", status, got, http.StatusCreated, "", "")
		funnel := int64(got["id"].(float64))
		if got["name"] != "Apply" || len(got["steps"].([]any)) != 3 || got["steps"].([]any)[1].(map[string]any)["event_name"] != "Submit" {
			t.Fatalf("created funnel %s", jsonOf(got))
		}
		status, got = hs.Call("editor", "POST", base+"/funnels", fmt.Sprintf(`{"name": "Apply", "steps": [%d, %d]}`, start, done))
		expect(t, "same name", status, got, http.StatusConflict, "name", "There is already a funnel called “Apply”")
		status, got = hs.Call("viewer", "GET", base+"/funnels", "")
		expect(t, "list funnels", status, got, http.StatusOK, "", "")
		if fs := got["funnels"].([]any); len(fs) != 1 || fs[0].(map[string]any)["name"] != "Apply" {
			t.Fatalf("funnels %s", jsonOf(got))
		}

		// The report: 15 June 2026 is today, so the default is 16 May to 14 June.
		fp := fmt.Sprintf("%s/funnels/%d", base, funnel)
		status, got = hs.Call("readtoken", "GET", fp, "")
		expect(t, "report", status, got, http.StatusOK, "", "")
		if got["from"] != "2026-05-16" || got["to"] != "2026-06-14" || got["entering_visitors"] != 0.0 || len(got["steps"].([]any)) != 3 {
			t.Fatalf("default report %s", jsonOf(got))
		}
		// Two visitors start on 31 January in London, one finishes; a third
		// starts at 00:30 on 1 February London time (still 31 January in UTC).
		fd := newFeeder(t, db)
		jan31 := time.Date(2026, 1, 31, 10, 0, 0, 0, svc.Location())
		fd.send(svc, 1, jan31, "pageview", "/start")
		fd.send(svc, 1, jan31.Add(time.Minute), "Submit", "/start")
		fd.send(svc, 1, jan31.Add(2*time.Minute), "pageview", "/done")
		fd.send(svc, 2, jan31, "pageview", "/start")
		fd.send(svc, 3, time.Date(2026, 2, 1, 0, 30, 0, 0, svc.Location()), "pageview", "/start")
		fd.flush()
		status, got = hs.Call("viewer", "GET", fp+"?from=2026-01-01&to=2026-01-31", "")
		expect(t, "report", status, got, http.StatusOK, "", "")
		step2 := got["steps"].([]any)[1].(map[string]any)
		if got["entering_visitors"] != 2.0 || got["completed_visitors"] != 1.0 || got["conversion_rate"] != 50.0 ||
			jsonOf(step2) != fmt.Sprintf(`{"conversion_rate":50,"conversion_rate_step":50,"dropoff":1,"dropoff_percentage":50,"goal":`+
				`{"display_name":"Sent the form","event_name":"Submit","goal_type":"event","id":%d,"page_path":null},"label":"Sent the form","step":2,"visitors":1}`, submit) {
			t.Fatalf("report %s", jsonOf(got))
		}
		if got["from"] != "2026-01-01" || got["to"] != "2026-01-31" || step2["label"] != "Sent the form" || step2["step"] != 2.0 ||
			jsonOf(step2["goal"]) != fmt.Sprintf(`{"display_name":"Sent the form","event_name":"Submit","goal_type":"event","id":%d,"page_path":null}`, submit) {
			t.Fatalf("report %s", jsonOf(got))
		}
		for _, key := range []string{"visitors", "conversion_rate", "conversion_rate_step", "dropoff", "dropoff_percentage"} {
			if _, ok := step2[key]; !ok {
				t.Errorf("a step has no %s: %v", key, step2)
			}
		}
		for _, tc := range []struct {
			what, token, path string
			status            int
			field, msg        string
		}{
			{"unknown funnel", "viewer", base + "/funnels/999999", 404, "", "funnel not found"},
			{"not an id", "viewer", base + "/funnels/abc", 404, "", "funnel not found"},
			{"funnel through another service", "viewer", fmt.Sprintf("/api/v1/services/renew/funnels/%d", funnel), 404, "", "funnel not found"},
			{"unreadable service", "limited", fp, 404, "", "service not found"},
			{"bad from", "viewer", fp + "?from=2026-13-01&to=2026-12-31", 400, "from", "from must be a date such as 2026-01-31"},
			{"bad to", "viewer", fp + "?from=2026-01-01&to=tomorrow", 400, "to", "to must be a date"},
			{"only from", "viewer", fp + "?from=2026-01-01", 400, "to", "to is missing"},
			{"only to", "viewer", fp + "?to=2026-01-01", 400, "from", "from is missing"},
			{"backwards", "viewer", fp + "?from=2026-02-01&to=2026-01-31", 400, "to", "to (2026-01-31) is before from (2026-02-01)"},
			{"too long", "viewer", fp + "?from=2024-01-01&to=2026-01-01", 400, "to", "longer than 366 days"},
			{"no token", "nobody", fp, 401, "", "valid API token"},
		} {
			status, got := hs.Call(tc.token, "GET", tc.path, "")
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		status, got = hs.Call("viewer", "GET", fp+"?from=2025-01-01&to=2026-01-01", "")
		expect(t, "366 days", status, got, http.StatusOK, "", "")

		// Changing a funnel: the steps and name are replaced, checked as on create.
		status, got = hs.Call("editor", "POST", base+"/funnels", fmt.Sprintf(`{"name": "Other", "steps": [%d, %d]}`, start, done))
		expect(t, "second funnel", status, got, http.StatusCreated, "", "")
		second := fmt.Sprintf("%s/funnels/%d", base, int64(got["id"].(float64)))
		for _, tc := range []struct {
			what, token, path, body string
			status                  int
			field, msg              string
		}{
			{"viewer", "viewer", fp, `{"name": "F", "steps": [1, 2]}`, 403, "", "not change them"},
			{"one step", "editor", fp, fmt.Sprintf(`{"name": "Apply", "steps": [%d]}`, start), 400, "steps", "at least 2"},
			{"another funnel's name", "editor", fp, fmt.Sprintf(`{"name": "Other", "steps": [%d, %d]}`, start, done), 409, "name", "There is already a funnel called “Other”"},
			{"unknown funnel", "editor", base + "/funnels/999999", fmt.Sprintf(`{"name": "X", "steps": [%d, %d]}`, start, done), 404, "", "funnel not found"},
			{"funnel through another service", "editor", fmt.Sprintf("/api/v1/services/renew/funnels/%d", funnel), `{"name": "X", "steps": [1, 2]}`, 404, "", "funnel not found"},
			{"not JSON", "editor", fp, `{"name": `, 400, "", ""},
		} {
			status, got := hs.Call(tc.token, "PATCH", tc.path, tc.body)
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		status, got = hs.Call("editor", "PATCH", fp, fmt.Sprintf(`{"name": "Apply", "steps": [%d, %d]}`, start, done))
		expect(t, "change the steps, keep the name", status, got, http.StatusOK, "", "")
		if got["name"] != "Apply" || len(got["steps"].([]any)) != 2 || got["steps"].([]any)[1].(map[string]any)["page_path"] != "/done" {
			t.Fatalf("changed funnel %s", jsonOf(got))
		}
		status, got = hs.Call("viewer", "GET", fp+"?from=2026-01-01&to=2026-01-31", "")
		if status != http.StatusOK || got["entering_visitors"] != 2.0 || got["completed_visitors"] != 1.0 || len(got["steps"].([]any)) != 2 {
			t.Fatalf("report after the change: %d %s", status, jsonOf(got))
		}
		if status, got = hs.Call("editor", "DELETE", second, ""); status != http.StatusNoContent {
			t.Fatalf("delete the second funnel: %d %s", status, jsonOf(got))
		}

		// Deleting.
		for _, tc := range []struct {
			what, token, path string
			status            int
			field, msg        string
		}{
			{"goal in use", "editor", fmt.Sprintf("%s/goals/%d", base, start), 409, "", "“Visit /start” is a step of the funnel “Apply”: delete that funnel first."},
			{"goal by a viewer", "viewer", fmt.Sprintf("%s/goals/%d", base, start), 403, "", "not change them"},
			{"goal by a read token", "readtoken", fmt.Sprintf("%s/goals/%d", base, start), 403, "", "not change them"},
			{"unknown goal", "editor", base + "/goals/999999", 404, "", "goal not found"},
			{"not a goal id", "editor", base + "/goals/-1", 404, "", "goal not found"},
			{"goal through another service", "editor", fmt.Sprintf("/api/v1/services/renew/goals/%d", start), 404, "", "goal not found"},
			{"funnel by a viewer", "viewer", fp, 403, "", "not change them"},
			{"unknown funnel", "editor", base + "/funnels/999999", 404, "", "funnel not found"},
			{"funnel through another service", "editor", fmt.Sprintf("/api/v1/services/renew/funnels/%d", funnel), 404, "", "funnel not found"},
		} {
			status, got := hs.Call(tc.token, "DELETE", tc.path, "")
			expect(t, tc.what, status, got, tc.status, tc.field, tc.msg)
		}
		if status, got := hs.Call("editor", "DELETE", fp, ""); status != http.StatusNoContent {
			t.Fatalf("delete funnel = %d %v", status, got)
		}
		if status, got := hs.Call("editor", "DELETE", fp, ""); status != http.StatusNotFound {
			t.Fatalf("delete funnel again = %d %v", status, got)
		}
		if status, got := hs.Call("editor", "DELETE", fmt.Sprintf("%s/goals/%d", base, start), ""); status != http.StatusNoContent {
			t.Fatalf("delete goal = %d %v", status, got)
		}
		status, got = hs.Call("editor", "PUT", base+"/goals", "{}")
		expect(t, "PUT", status, got, http.StatusMethodNotAllowed, "", "PUT is not allowed here")
	})
}
