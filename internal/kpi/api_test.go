package kpi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// send posts body with a content type as the bearer token, returning the
// status and the decoded JSON.
func send(t *testing.T, hs *harness, token, path, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, hs.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: not JSON: %s", path, raw)
	}
	return resp.StatusCode, out
}

// get reads a path of a JSON object.
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func TestKPIsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		marchFixture(t, hs)
		path := "/api/v1/services/apply-for-a-permit/kpis"

		status, body := hs.Call("readtoken", "GET", path+"?from=2026-03-01&to=2026-03-31&interval=month", "")
		if status != http.StatusOK {
			t.Fatalf("GET kpis: %d %v", status, body)
		}
		for _, tc := range []struct {
			path []string
			want any
		}{
			{[]string{"from"}, "2026-03-01"},
			{[]string{"to"}, "2026-03-31"},
			{[]string{"interval"}, "month"},
			{[]string{"currency"}, "GBP"},
			{[]string{"previous_period", "from"}, "2026-02-01"},
			{[]string{"kpis", "completion_rate", "value"}, 765.0 / 950},
			{[]string{"kpis", "completion_rate", "reason"}, nil},
			{[]string{"kpis", "completion_rate", "points"}, 10.0},
			{[]string{"kpis", "completion_rate", "previous"}, nil},
			{[]string{"kpis", "completion_rate", "trend"}, nil},
			{[]string{"kpis", "completion_rate", "target"}, nil},
			{[]string{"kpis", "digital_take_up", "value"}, 765.0 / 1085},
			{[]string{"kpis", "user_satisfaction", "value"}, 0.6},
			{[]string{"kpis", "satisfaction_score", "value"}, 0.625},
			{[]string{"kpis", "cost_per_transaction", "value"}, 3720.0 / 1085},
			{[]string{"kpis", "cost_per_transaction", "by_channel", "phone", "value"}, 620.0 / 300},
			{[]string{"inputs", "transactions", "digital", "started"}, 950.0},
			{[]string{"inputs", "transactions", "digital", "funnel_days"}, 9.0},
			{[]string{"inputs", "transactions", "phone", "completed"}, 300.0},
			{[]string{"inputs", "completed_all_channels"}, 1085.0},
			{[]string{"inputs", "satisfaction", "ratings", "satisfied"}, 4.0},
			{[]string{"inputs", "satisfaction", "answers"}, 10.0},
			{[]string{"inputs", "costs", "total"}, 3720.0},
			{[]string{"inputs", "costs", "by_channel", "all"}, 3100.0},
			{[]string{"inputs", "costs", "covered_days"}, 31.0},
		} {
			if got := get(body, tc.path...); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s = %v, want %v", strings.Join(tc.path, "."), got, tc.want)
			}
		}
		series, _ := body["series"].([]any)
		if len(series) != 1 || get(series[0], "kpis", "completion_rate", "value") != 765.0/950 || get(series[0], "inputs", "costs", "total") != 3720.0 {
			t.Errorf("series %v", series)
		}
		fresh, _ := get(body, "inputs", "freshness").([]any)
		if len(fresh) != 5 || get(fresh[0], "input") != "digital" || get(fresh[1], "channel") != "phone" || get(fresh[1], "stale") != true || // March's figures in June
			get(fresh[3], "stale") != false || // costs to 31 March, 100 days allowed
			get(fresh[3], "input") != "costs" || get(fresh[3], "last_updated") != "2026-06-15T12:00:00Z" {
			t.Errorf("freshness %v", fresh)
		}
		// February has no figures: every KPI is null with its reason.
		_, body = hs.Call("readtoken", "GET", path+"?from=2026-02-01&to=2026-02-28", "")
		if get(body, "kpis", "completion_rate", "value") != nil || get(body, "kpis", "completion_rate", "reason") != "No digital transactions were started in this period." ||
			get(body, "kpis", "cost_per_transaction", "value") != nil || get(body, "kpis", "cost_per_transaction", "points") != 1.0 ||
			get(body, "kpis", "cost_per_transaction", "reason") != "No transactions were completed on the days the costs cover." {
			t.Errorf("February: %v", body["kpis"])
		}

		for _, tc := range []struct{ query, field string }{
			{"?from=2026-03-01", "to"},
			{"?to=2026-03-01", "from"},
			{"?from=yesterday&to=2026-03-01", "from"},
			{"?from=2026-03-01&to=2026-02-01", "to"},
			{"?interval=hour", "interval"},
			{"?from=2000-01-01&to=2026-01-01", "to"},
		} {
			status, body := hs.Call("readtoken", "GET", path+tc.query, "")
			if status != http.StatusBadRequest || body["field"] != tc.field {
				t.Errorf("GET kpis%s = %d %v, want 400 naming %s", tc.query, status, body, tc.field)
			}
		}
		if status, _ := hs.Call("readtoken", "GET", "/api/v1/services/nope/kpis", ""); status != http.StatusNotFound {
			t.Errorf("unknown service: %d", status)
		}
	})
}

func TestUploadAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Apply for a permit", "UTC", false)
		tx := "/api/v1/services/apply-for-a-permit/transactions"

		status, body := send(t, hs, "writetoken", tx, "text/csv", lines("date,channel,started,completed", "2026-03-01,phone,10,5", "2026-03,paper,90,80"))
		if status != http.StatusOK || body["added"] != 2.0 || body["replaced"] != 0.0 {
			t.Fatalf("CSV upload: %d %v", status, body)
		}
		status, body = send(t, hs, "writetoken", tx, "application/json; charset=utf-8",
			`[{"date": "2026-03-01", "channel": "phone", "started": 10, "completed": 5}, {"date": "2026-03-02", "channel": "digital", "started": 3, "completed": 2}]`)
		if status != http.StatusOK || body["added"] != 1.0 || body["unchanged"] != 1.0 {
			t.Fatalf("JSON upload: %d %v", status, body)
		}
		// A dry run lists the change and saves nothing.
		status, body = send(t, hs, "writetoken", tx+"?dry_run=true", "text/csv", lines("date,channel,started,completed", "2026-03-01,phone,11,5"))
		replaced, _ := get(body, "change", "replaced").([]any)
		if status != http.StatusOK || body["dry_run"] != true || len(replaced) != 1 || get(replaced[0], "old", "started") != 10.0 || get(replaced[0], "new", "started") != 11.0 {
			t.Fatalf("dry run: %d %v", status, body)
		}
		if n := hs.count(`SELECT started FROM kpi_transactions WHERE channel = 'phone'`); n != 10 {
			t.Fatalf("the dry run saved: started %d", n)
		}
		// A bad upload: 400 with every problem, nothing saved.
		status, body = send(t, hs, "writetoken", tx, "text/csv", lines("date,channel,started,completed", "2026-03-04,phone,1,1", "2026-03-05,fax,1,1", "tomorrow,phone,2,3"))
		problems, _ := body["problems"].([]any)
		if status != http.StatusBadRequest || body["field"] != "rows" || body["error"] != "The transactions have problems on 2 lines; nothing was saved." || len(problems) != 3 ||
			get(problems[0], "line") != 3.0 || get(problems[0], "row") != 2.0 || get(problems[0], "field") != "channel" || get(problems[2], "line") != 4.0 {
			t.Fatalf("bad upload: %d %v", status, body)
		}
		if n := hs.count(`SELECT count(*) FROM kpi_transactions`); n != 3 {
			t.Fatalf("%d rows after a bad upload, want 3", n)
		}
		// Costs.
		status, body = send(t, hs, "writetoken", "/api/v1/services/apply-for-a-permit/costs", "application/json",
			`[{"from": "2026-01-01", "to": "2026-03-31", "channel": "all", "amount": 9000.10}, {"from": "2026-01-01", "to": "2026-03-31", "channel": "phone", "amount": "12.5"}]`)
		if status != http.StatusOK || body["added"] != 2.0 {
			t.Fatalf("costs upload: %d %v", status, body)
		}
		if n := hs.count(`SELECT amount_minor FROM kpi_costs WHERE channel = 'all'`); n != 900010 {
			t.Errorf("amount stored as %d, want 900010", n)
		}

		// Who may send: write and ingest tokens; a read token is refused.
		hs.Add("ingesttoken", &auth.Principal{UserID: 2, Role: auth.Editor, AllServices: true, TokenID: 11, Scope: auth.ScopeIngest, TokenService: s.ID})
		if status, body := send(t, hs, "ingesttoken", tx, "text/csv", lines("date,channel,started,completed", "2026-03-06,phone,1,1")); status != http.StatusOK {
			t.Errorf("ingest token: %d %v", status, body)
		}
		if status, body := send(t, hs, "ingesttoken", tx+"?dry_run=1", "text/csv", lines("date,channel,started,completed", "2026-03-06,phone,1,1")); status != http.StatusForbidden {
			t.Errorf("ingest token dry run: %d %v", status, body)
		}
		if status, body := send(t, hs, "readtoken", tx, "text/csv", lines("date,channel,started,completed", "2026-03-07,phone,1,1")); status != http.StatusForbidden ||
			!strings.Contains(fmt.Sprint(body["error"]), "use a token with the write or ingest scope") {
			t.Errorf("an editor's read token: %d %v", status, body)
		}
		// A viewer cannot make a token that sends: they are told whom to ask.
		hs.Add("viewertoken", &auth.Principal{UserID: 5, Role: auth.Viewer, AllServices: true, TokenID: 13, Scope: auth.ScopeRead})
		if status, body := send(t, hs, "viewertoken", tx, "text/csv", lines("date,channel,started,completed", "2026-03-07,phone,1,1")); status != http.StatusForbidden ||
			!strings.Contains(fmt.Sprint(body["error"]), "Ask an administrator for editor access") {
			t.Errorf("a viewer's token: %d %v", status, body)
		}
		hs.Add("othertoken", &auth.Principal{UserID: 4, Role: auth.Editor, Services: map[int64]bool{}, TokenID: 12, Scope: auth.ScopeWrite})
		if status, _ := send(t, hs, "othertoken", tx, "text/csv", "x"); status != http.StatusNotFound {
			t.Errorf("a token for other services: %d", status)
		}
		if status, _ := send(t, hs, "writetoken", tx, "application/xml", "<x/>"); status != http.StatusUnsupportedMediaType {
			t.Errorf("XML: %d", status)
		}
		if status, body := send(t, hs, "writetoken", tx+"?dry_run=maybe", "text/csv", "x"); status != http.StatusBadRequest || body["field"] != "dry_run" {
			t.Errorf("dry_run=maybe: %d %v", status, body)
		}
		if status, _ := send(t, hs, "writetoken", tx, "text/csv", strings.Repeat("x", 9<<20)); status != http.StatusRequestEntityTooLarge {
			t.Errorf("9 MiB: %d", status)
		}
	})
}

func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Apply for a permit", "UTC", false)
		path := "/api/v1/services/apply-for-a-permit/kpis/settings"
		status, body := hs.Call("readtoken", "GET", path, "")
		if status != http.StatusOK || body["main_funnel_id"] != nil || body["currency"] != "GBP" || get(body, "expected_age_days", "channels") != 35.0 ||
			get(body, "targets", "completion_rate") != nil || body["updated_at"] != nil {
			t.Fatalf("GET settings: %d %v", status, body)
		}
		status, body = hs.Call("writetoken", "PATCH", path, fmt.Sprintf(`{"main_funnel_id": %d, "currency": "eur", "expected_age_days": {"costs": 95},
			"targets": {"completion_rate": {"value": 0.855}, "cost_per_transaction": {"value": 4.5, "direction": "lower"}}}`, hs.funnel(s)))
		if status != http.StatusOK || body["main_funnel_id"] != float64(hs.funnel(s)) || body["currency"] != "EUR" ||
			get(body, "expected_age_days", "costs") != 95.0 || get(body, "expected_age_days", "digital") != 2.0 ||
			get(body, "targets", "completion_rate", "value") != 0.855 || get(body, "targets", "completion_rate", "direction") != "higher" ||
			get(body, "targets", "cost_per_transaction", "value") != 4.5 || body["updated_at"] != "2026-06-15T12:00:00Z" {
			t.Fatalf("PATCH settings: %d %v", status, body)
		}
		status, body = hs.Call("writetoken", "PATCH", path, `{"main_funnel_id": null, "targets": {"completion_rate": null}}`)
		if status != http.StatusOK || body["main_funnel_id"] != nil || get(body, "targets", "completion_rate") != nil || get(body, "targets", "cost_per_transaction", "value") != 4.5 {
			t.Fatalf("PATCH clearing: %d %v", status, body)
		}
		for _, tc := range []struct{ body, field string }{
			{`{"main_funnel_id": 999999}`, "main_funnel_id"},
			{`{"main_funnel_id": "one"}`, "main_funnel_id"},
			{`{"currency": "£"}`, "currency"},
			{`{"expected_age_days": {"digital": 0}}`, "expected_age_days.digital"},
			{`{"expected_age_days": {"phone": 3}}`, "expected_age_days"},
			{`{"targets": {"digital_take_up": {"value": 1.5}}}`, "targets.digital_take_up.value"},
			{`{"targets": {"digital_take_up": {"value": -0.5}}}`, "targets.digital_take_up.value"},
			{`{"targets": {"digital_take_up": {"value": 0.5, "direction": "up"}}}`, "targets.digital_take_up.direction"},
			{`{"targets": {"digital_take_up": {"level": 0.5}}}`, "targets.digital_take_up"},
			{`{"targets": {"satisfaction_score": {"value": 0.5}}}`, "targets"},
			{`{"colour": "blue"}`, "colour"},
		} {
			status, body := hs.Call("writetoken", "PATCH", path, tc.body)
			if status != http.StatusBadRequest || body["field"] != tc.field {
				t.Errorf("PATCH %s = %d %v, want 400 naming %s", tc.body, status, body, tc.field)
			}
		}
		if status, _ := hs.Call("readtoken", "PATCH", path, `{"currency": "USD"}`); status != http.StatusForbidden {
			t.Errorf("read token PATCH: %d", status)
		}
	})
}
