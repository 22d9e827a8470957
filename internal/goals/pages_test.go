package goals_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

func TestPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		svc := hs.service("Apply for a permit", "apply.example.gov", "Europe/London")
		b := hs.Browser("editor")

		page := b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "empty goals page", page, "<title>Goals and funnels – Apply for a permit – liveops</title>",
			"<h1>Goals and funnels</h1>", `<a href="/services/apply-for-a-permit">Back to Apply for a permit</a>`,
			"There are no goals yet.", "There are no funnels yet.",
			`<form method="post" action="/services/apply-for-a-permit/goals" novalidate>`, `<legend>The goal is reached by</legend>`,
			`<input type="radio" id="goal_type" name="goal_type" value="page" checked>`, `<label for="goal_type-event">`,
			`<label for="page_path">`, `<label for="event_name">`, `<label for="display_name">`, `aria-describedby="page_path-hint"`,
			"add at least two goals first")
		webtest.Lacks(t, "empty goals page", page, `action="/services/apply-for-a-permit/funnels"`)
		if b.CSRF() == "" {
			t.Fatal("the form has no CSRF token")
		}

		// Without the CSRF token the form is refused.
		b.Post("/services/apply-for-a-permit/goals", url.Values{web.CSRFField: {"forged"}, "goal_type": {"page"}, "page_path": {"/x"}}, http.StatusForbidden)

		// Errors come back in the summary, with what was typed.
		_, page = b.Post("/services/apply-for-a-permit/goals", url.Values{"goal_type": {"page"}, "page_path": {"https://apply.example.gov/x"}, "display_name": {"<Mine>"}}, http.StatusBadRequest)
		webtest.Contains(t, "goal form with errors", page, "<title>Error: Goals and funnels", "There is a problem",
			`<a href="#page_path">Enter only the path of the page`, `id="page_path-error"`, `aria-invalid="true"`,
			`value="https://apply.example.gov/x"`, `value="&lt;Mine&gt;"`)
		_, page = b.Post("/services/apply-for-a-permit/goals", url.Values{"page_path": {"/x"}}, http.StatusBadRequest)
		webtest.Contains(t, "goal form without a kind", page, `<a href="#goal_type">Choose whether the goal is a page visit or a custom event</a>`,
			`id="goal_type-error"`)
		_, page = b.Post("/services/apply-for-a-permit/goals", url.Values{"goal_type": {"event"}, "page_path": {"/ignored"}}, http.StatusBadRequest)
		webtest.Contains(t, "event goal without a name", page, `<a href="#event_name">Enter the name of the custom event`,
			`id="goal_type-event" name="goal_type" value="event" checked`)

		add := func(form url.Values) {
			t.Helper()
			b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
			resp, _ := b.Post("/services/apply-for-a-permit/goals", form, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); loc != "/services/apply-for-a-permit/goals" {
				t.Fatalf("redirect to %q", loc)
			}
		}
		add(url.Values{"goal_type": {"page"}, "page_path": {"/start"}, "event_name": {"ignored"}})
		webtest.Contains(t, "flash", b.Get("/services/apply-for-a-permit/goals", http.StatusOK), "The goal “Visit /start” is added.")
		add(url.Values{"goal_type": {"event"}, "event_name": {"Submit"}, "display_name": {"Sent the form"}})
		add(url.Values{"goal_type": {"page"}, "page_path": {"/done/**"}})
		_, page = b.Post("/services/apply-for-a-permit/goals", url.Values{"goal_type": {"page"}, "page_path": {"/start"}}, http.StatusConflict)
		webtest.Contains(t, "duplicate goal", page, `<a href="#page_path">There is already a goal for visits to /start: “Visit /start”</a>`)

		list, err := hs.goals.List(ctx, svc.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("goals %v, %v", list, err)
		}
		byName := map[string]goals.Goal{}
		for _, g := range list {
			byName[g.DisplayName] = g
		}
		start, submit, done := byName["Visit /start"], byName["Sent the form"], byName["Visit /done/**"]

		page = b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "goals page", page, `<caption class="visually-hidden">Goals of Apply for a permit</caption>`,
			fmt.Sprintf(`<tr id="goal-%d">`, start.ID), "A visit to <code>/start</code>", "The custom event <code>Submit</code>",
			fmt.Sprintf(`action="/services/apply-for-a-permit/goals/%d/delete"`, submit.ID),
			`Delete<span class="visually-hidden"> the goal Sent the form</span>`,
			`<form method="post" action="/services/apply-for-a-permit/funnels" novalidate>`, `<legend>Steps</legend>`,
			`<label for="steps-1">Step 1</label>`, `<label for="steps-3">Step 3 (optional)</label>`, `<select id="steps-8" name="steps">`,
			fmt.Sprintf(`<option value="%d">Visit /done/**</option>`, done.ID))

		// Funnel form: errors, then a funnel.
		_, page = b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {""}, "steps": {fmt.Sprint(start.ID), "", "", "", "", "", "", ""}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel without a name", page, `<a href="#name">Enter a name for the funnel`, `<a href="#steps-1">Choose at least 2 goals`,
			fmt.Sprintf(`<option value="%d" selected>Visit /start</option>`, start.ID))
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		_, page = b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {"Apply"},
			"steps": {fmt.Sprint(start.ID), "", fmt.Sprint(done.ID), "", "", "", "", ""}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel with a gap", page, `<a href="#steps-2">Choose a goal for step 2, or move the later steps up</a>`, `id="steps-2-error"`,
			`aria-describedby="steps-2-error" aria-invalid="true"`, `value="Apply"`)
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		_, page = b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {"Apply"},
			"steps": {fmt.Sprint(start.ID), fmt.Sprint(start.ID), "", "", "", "", "", ""}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel with a repeated step", page, `<a href="#steps-2">Step 2 repeats step 1`)
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		_, page = b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {"Apply"}, "steps": {"x", "1"}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel with a bad step", page, `<a href="#steps-1">Step 1 is not one of the service’s goals</a>`)
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		resp, _ := b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {"Apply"},
			"steps": {fmt.Sprint(start.ID), fmt.Sprint(submit.ID), fmt.Sprint(done.ID), "", "", "", "", ""}}, http.StatusSeeOther)
		fs, err := hs.goals.Funnels(ctx, svc.ID)
		if err != nil || len(fs) != 1 || len(fs[0].Steps) != 3 {
			t.Fatalf("funnels %v, %v", fs, err)
		}
		report := fmt.Sprintf("/services/apply-for-a-permit/funnels/%d", fs[0].ID)
		if loc := resp.Header.Get("Location"); loc != report {
			t.Fatalf("redirect to %q, want %q", loc, report)
		}
		webtest.Contains(t, "flash", b.Get("/services/apply-for-a-permit/goals", http.StatusOK), "The funnel “Apply” is added.")
		_, page = b.Post("/services/apply-for-a-permit/funnels", url.Values{"name": {"Apply"},
			"steps": {fmt.Sprint(start.ID), fmt.Sprint(done.ID)}}, http.StatusConflict)
		webtest.Contains(t, "duplicate funnel", page, `<a href="#name">There is already a funnel called “Apply”`)

		// Some traffic on 10 June, London time: two start, one gets to the end.
		fd := newFeeder(t, db)
		june10 := time.Date(2026, 6, 10, 9, 0, 0, 0, svc.Location())
		fd.send(svc, 1, june10, "pageview", "/start")
		fd.send(svc, 1, june10.Add(time.Minute), "Submit", "/start")
		fd.send(svc, 1, june10.Add(2*time.Minute), "pageview", "/done/ok")
		fd.send(svc, 2, june10, "pageview", "/start")
		fd.flush()

		page = b.Get(report, http.StatusOK)
		webtest.Contains(t, "report", page, "<title>Apply – funnel – Apply for a permit – liveops</title>", "<h1>Apply</h1>",
			`<label for="period">Period</label>`, `<option value="30d" selected>Last 30 days</option>`,
			"From 2026-05-16 to 2026-06-14, Europe/London time. 2 visitors reached the first step; 1 (50%) reached the last.",
			`<h2 class="visually-hidden">Visitors at each step of Apply</h2>`,
			`<p>2 visitors reached the first step and 1 (50%) the last. The biggest drop-off is before step 2, Sent the form: 1 visitor (50%). The table below gives every step.</p>`,
			`<meter min="0" max="100" value="100.0" aria-hidden="true"></meter>`, `<meter min="0" max="100" value="50.0" aria-hidden="true"></meter>`,
			`<caption>Visitors at each step, 2026-05-16 to 2026-06-14</caption>`,
			`<th scope="row">Sent the form</th>`, `<td class="num">1</td>`, `<td class="num">50%</td>`,
			`<a href="/services/apply-for-a-permit/goals">Back to the goals and funnels of Apply for a permit</a>`)
		page = b.Get(report+"?period=day", http.StatusOK)
		webtest.Contains(t, "today's report", page, `<option value="day" selected>Today</option>`, "0 visitors reached the first step",
			"No visitors reached the first step in this period.", `<meter min="0" max="100" value="0.0" aria-hidden="true"></meter>`)
		webtest.Contains(t, "bad period", b.Get(report+"?period=forever", http.StatusBadRequest), "The period “forever” is not one this page offers")
		b.Get("/services/apply-for-a-permit/funnels/999999", http.StatusNotFound)
		b.Get("/services/apply-for-a-permit/funnels/x", http.StatusNotFound)
		b.Get("/services/nope/funnels/1", http.StatusNotFound)
		b.Get("/services/nope/goals", http.StatusNotFound)

		// Goals page with a funnel: the goals in it cannot be deleted.
		page = b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "goals page with a funnel", page, fmt.Sprintf(`<a href="%s">Apply</a>: Visit /start → Sent the form → Visit /done/**`, report),
			"Delete its funnels to delete it", `Delete<span class="visually-hidden"> the funnel Apply</span>`)
		webtest.Lacks(t, "goals page with a funnel", page, fmt.Sprintf(`action="/services/apply-for-a-permit/goals/%d/delete"`, start.ID))
		_, page = b.Post(fmt.Sprintf("/services/apply-for-a-permit/goals/%d/delete", start.ID), nil, http.StatusConflict)
		webtest.Contains(t, "delete a goal in use", page, fmt.Sprintf(`<a href="#goal-%d">“Visit /start” is a step of the funnel “Apply”: delete that funnel first.</a>`, start.ID))

		// A viewer sees it all and changes nothing.
		v := hs.Browser("viewer")
		page = v.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "viewer's goals page", page, "Visit /start", "Apply")
		webtest.Lacks(t, "viewer's goals page", page, "<form method=\"post\" action=\"/services/apply-for-a-permit/goals\"", "/delete", "Add a funnel")
		v.Get(report, http.StatusOK)
		v.Post("/services/apply-for-a-permit/goals", url.Values{"goal_type": {"event"}, "event_name": {"X"}}, http.StatusForbidden)
		v.Post(fmt.Sprintf("/services/apply-for-a-permit/funnels/%d/delete", fs[0].ID), nil, http.StatusForbidden)
		hs.Browser("limited").Get("/services/apply-for-a-permit/goals", http.StatusNotFound)

		// Change the funnel: its form holds its steps; errors show on it.
		funnelEdit := report + "/edit"
		webtest.Contains(t, "report for an editor", b.Get(report, http.StatusOK), `<a href="`+funnelEdit+`">Change this funnel’s name or steps</a>`)
		page = b.Get(funnelEdit, http.StatusOK)
		webtest.Contains(t, "funnel edit page", page, "<title>Change the funnel Apply – Apply for a permit – liveops</title>",
			`<h1>Change the funnel “Apply”</h1>`, `id="name" name="name" type="text" value="Apply"`,
			fmt.Sprintf(`<option value="%d" selected>Sent the form</option>`, submit.ID), `<button type="submit">Save the funnel</button>`)
		_, page = b.Post(funnelEdit, url.Values{"name": {"Apply"}, "steps": {fmt.Sprint(start.ID), "", fmt.Sprint(done.ID)}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel edit with a gap", page, `<a href="#steps-2">Choose a goal for step 2, or move the later steps up</a>`)
		_, page = b.Post(funnelEdit, url.Values{"name": {"Apply"}, "steps": {fmt.Sprint(start.ID)}}, http.StatusBadRequest)
		webtest.Contains(t, "funnel edit with one step", page, `<a href="#steps-1">Choose at least 2 goals`)
		resp, _ = b.Post(funnelEdit, url.Values{"name": {"Apply online"}, "steps": {fmt.Sprint(start.ID), fmt.Sprint(done.ID)}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != report {
			t.Fatalf("after saving, redirect to %q, want %q", loc, report)
		}
		page = b.Get(report, http.StatusOK)
		webtest.Contains(t, "changed funnel", page, "The funnel “Apply online” is saved.", "<h1>Apply online</h1>",
			"2 visitors reached the first step; 1 (50%) reached the last.")
		v.Get(funnelEdit, http.StatusForbidden)
		v.Post(funnelEdit, url.Values{"name": {"X"}}, http.StatusForbidden)
		webtest.Lacks(t, "report for a viewer", v.Get(report, http.StatusOK), "Change this funnel")
		b.Get("/services/apply-for-a-permit/funnels/999999/edit", http.StatusNotFound)

		// Delete the funnel, then the goal.
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		resp, _ = b.Post(fmt.Sprintf("/services/apply-for-a-permit/funnels/%d/delete", fs[0].ID), nil, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/services/apply-for-a-permit/goals" {
			t.Fatalf("redirect to %q", loc)
		}
		webtest.Contains(t, "after deleting the funnel", b.Get("/services/apply-for-a-permit/goals", http.StatusOK),
			"The funnel “Apply online” is deleted. Its goals are kept.", "There are no funnels yet.")
		b.Post(fmt.Sprintf("/services/apply-for-a-permit/funnels/%d/delete", fs[0].ID), nil, http.StatusNotFound)
		b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		b.Post(fmt.Sprintf("/services/apply-for-a-permit/goals/%d/delete", start.ID), nil, http.StatusSeeOther)
		page = b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "after deleting the goal", page, "The goal “Visit /start” is deleted.")
		webtest.Lacks(t, "after deleting the goal", page, "A visit to <code>/start</code>")
		b.Post(fmt.Sprintf("/services/apply-for-a-permit/goals/%d/delete", start.ID), nil, http.StatusNotFound)

		// A goal can be changed: in the form, and through the API.
		g, err := hs.goals.CreateGoal(context.Background(), svc.ID, goals.GoalInput{GoalType: goals.KindEvent, EventName: "Signup"})
		if err != nil {
			t.Fatal(err)
		}
		edit := fmt.Sprintf("/services/apply-for-a-permit/goals/%d/edit", g.ID)
		page = b.Get(edit, http.StatusOK)
		webtest.Contains(t, "edit goal page", page, "Change the goal “Signup”", `value="Signup"`, `id="goal_type-event" name="goal_type" value="event" checked`)
		_, page = b.Post(edit, url.Values{"goal_type": {"event"}, "event_name": {""}}, http.StatusBadRequest)
		webtest.Contains(t, "edit goal with an error", page, "There is a problem", `<a href="#event_name">`)
		b.Get(edit, http.StatusOK)
		b.Post(edit, url.Values{"goal_type": {"event"}, "event_name": {"Sign up"}, "display_name": {"Signed up"}}, http.StatusSeeOther)
		page = b.Get("/services/apply-for-a-permit/goals", http.StatusOK)
		webtest.Contains(t, "after changing the goal", page, "Signed up", "The custom event <code>Sign up</code>")
		b.Get(fmt.Sprintf("/services/apply-for-a-permit/goals/%d/edit", g.ID+1000), http.StatusNotFound)
		status, got := hs.Call("editor", "PATCH", fmt.Sprintf("/api/v1/services/apply-for-a-permit/goals/%d", g.ID), `{"goal_type": "event", "event_name": "Registered"}`)
		if status != http.StatusOK || got["event_name"] != "Registered" || got["display_name"] != "Registered" {
			t.Fatalf("PATCH goal: %d %v", status, got)
		}
		if status, got := hs.Call("viewer", "PATCH", fmt.Sprintf("/api/v1/services/apply-for-a-permit/goals/%d", g.ID), `{"goal_type": "event", "event_name": "X"}`); status != http.StatusForbidden {
			t.Fatalf("viewer PATCH goal: %d %v", status, got)
		}
		if status, _ := hs.Call("editor", "PATCH", "/api/v1/services/apply-for-a-permit/goals/999999", `{"goal_type": "event", "event_name": "X"}`); status != http.StatusNotFound {
			t.Fatalf("PATCH unknown goal: %d", status)
		}

		// Someone not signed in is sent to sign in.
		resp, _ = hs.Browser("").Do(http.MethodGet, "/services/apply-for-a-permit/goals", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// Every goals page has been rendered.
		for _, name := range hs.site.NeverExecuted() {
			if strings.HasPrefix(name, "goals/") {
				t.Errorf("page %s was never rendered by the tests", name)
			}
		}
	})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestChartGolden compares the report's bars with
// testdata/funnel-chart.golden (go test -run ChartGolden -update rewrites it).
func TestChartGolden(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	hs := newHarness(t, db)
	svc := hs.service("Apply", "apply.example.gov", "UTC")
	f := applyFunnel(t, hs.goals, svc)
	fd := newFeeder(t, db)
	day := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	// 8 visitors start, 6 reach the form, 3 submit it, 1 is done.
	for v := range 8 {
		at := day.Add(time.Duration(v) * time.Hour)
		fd.send(svc, int64(v+1), at, "pageview", "/start")
		if v < 6 {
			fd.send(svc, int64(v+1), at.Add(time.Minute), "pageview", "/form/a")
		}
		if v < 3 {
			fd.send(svc, int64(v+1), at.Add(2*time.Minute), "Submit", "/form/a")
		}
		if v < 1 {
			fd.send(svc, int64(v+1), at.Add(3*time.Minute), "pageview", "/done")
		}
	}
	fd.flush()
	page := hs.Browser("viewer").Get(fmt.Sprintf("/services/apply/funnels/%d", f.ID), http.StatusOK)
	start := strings.Index(page, `<div class="funnel-bars">`)
	end := strings.Index(page[max(start, 0):], "</div>") + max(start, 0)
	if start < 0 || end < start {
		t.Fatalf("no chart in\n%s", page)
	}
	got := page[start:end+len("</div>")] + "\n"
	golden := filepath.Join("testdata", "funnel-chart.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the chart differs from %s (run with -update if the change is meant):\n%s", golden, got)
	}
}
