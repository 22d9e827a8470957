package feedback_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

// withTeam makes webtest's admin, editor, viewer and limited real users
// (ids 1 to 4, as webtest names them), limited seeing only the services
// limitedSees, and tells the feedback store who is on the team.
func (hs *harness) withTeam(limitedSees ...int64) {
	hs.t.Helper()
	ctx := context.Background()
	acc := account.New(hs.db)
	for i, nu := range []account.NewUser{{Email: "admin@example.gov", Role: auth.Admin}, {Email: "editor@example.gov", Role: auth.Editor, AllServices: true},
		{Email: "viewer@example.gov", Role: auth.Viewer, AllServices: true}, {Email: "limited@example.gov", Role: auth.Editor, ServiceIDs: limitedSees}} {
		u, err := acc.CreateUser(ctx, nu)
		if err != nil || u.ID != int64(i+1) {
			hs.t.Fatalf("user %s: id %v, %v", nu.Email, u, err)
		}
	}
	hs.Allow("limited", limitedSees...)
	hs.fb.SetTeam(func(ctx context.Context) ([]feedback.Member, error) {
		users, err := acc.Users(ctx)
		var team []feedback.Member
		for _, u := range users {
			team = append(team, feedback.Member{ID: u.ID, Email: u.Email, AllServices: u.AllServices, Services: u.ServiceIDs})
		}
		return team, err
	})
}

func TestInboxSortAssignAndBulk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		other := hs.service("Renew", "renew.example.gov")
		items := seed(t, hs.fb, hs.clock, svc)
		hs.withTeam(svc.ID)
		b := hs.Browser("editor")
		base := "/services/apply/feedback"
		id := func(i int) string { return fmt.Sprint(items[i].id) }

		// Sort: oldest first; lowest rating first (items without one last);
		// by status, new first. The order stays in the pager and the CSV.
		page := b.Get(base+"?sort=oldest&votes=all", http.StatusOK)
		if got := listed(page); got[0] != id(119) || got[1] != id(118) {
			t.Fatalf("oldest first lists %v", got[:2])
		}
		webtest.Contains(t, "oldest", page, `<option value="oldest" selected>Oldest first</option>`,
			`<a href="/services/apply/feedback?page=2&amp;sort=oldest&amp;votes=all" rel="next">`,
			`href="/services/apply/feedback/export.csv?sort=oldest&amp;votes=all"`, `<input type="hidden" name="votes" value="all">`)
		rows, _ := csvRows(t, b, base+"/export.csv?sort=oldest&votes=all")
		if len(rows) != 121 || rows[1][0] != id(119) || rows[120][0] != id(0) {
			t.Fatalf("oldest CSV from %s to %s", rows[1][0], rows[120][0])
		}
		page = b.Get(base+"?sort=rating", http.StatusOK)
		got := listed(page)
		var ratings []int
		byID := map[string]seeded{}
		for _, s := range items {
			byID[fmt.Sprint(s.id)] = s
		}
		for _, g := range got {
			ratings = append(ratings, byID[g].rating)
		}
		// 30 answers, 6 of each rating, come first: the lowest first, newest first within one.
		if !slices.IsSorted(ratings[:30]) || ratings[0] != 1 || ratings[29] != 5 || ratings[30] != 0 || byID[got[0]].at.Before(byID[got[1]].at) {
			t.Fatalf("lowest rating first: %v", ratings)
		}
		// Every page of the CSV in that order too, read in batches.
		rows, _ = csvRows(t, b, base+"/export.csv?sort=rating&votes=all")
		for i := 2; i < len(rows); i++ {
			if rows[i-1][6] != "" && rows[i][6] != "" && rows[i-1][6] > rows[i][6] || rows[i-1][6] == "" && rows[i][6] != "" {
				t.Fatalf("rating CSV out of order at row %d: %q then %q", i, rows[i-1][6], rows[i][6])
			}
		}
		if _, err := hs.fb.Update(ctx, svc.ID, items[5].id, feedback.Change{Status: ptr(feedback.StatusTriaged)}); err != nil {
			t.Fatal(err)
		}
		if _, err := hs.fb.Update(ctx, svc.ID, items[1].id, feedback.Change{Status: ptr(feedback.StatusActioned)}); err != nil {
			t.Fatal(err)
		}
		got = listed(b.Get(base+"?sort=status&votes=all&page=3", http.StatusOK))
		if n := len(got); got[n-2] != id(5) || got[n-1] != id(1) {
			t.Fatalf("by status ends with %v, want the triaged %s then the actioned %s", got[n-2:], id(5), id(1))
		}
		page = b.Get(base+"?sort=best", http.StatusBadRequest)
		webtest.Contains(t, "bad sort", page, `<a href="#sort">sort must be newest, oldest, rating or status</a>`,
			`<p class="error-message" id="sort-error">`, `<select id="sort" name="sort" aria-describedby="sort-error" aria-invalid="true">`)
		b.Get(base+"/export.csv?sort=best", http.StatusBadRequest)

		// Assign one item on its page, to someone who can see the service.
		item := items[2].id
		sfx := fmt.Sprint("-", item)
		detail := fmt.Sprintf("%s/%d?back=%s", base, item, url.QueryEscape(base+"?sort=oldest"))
		page = b.Get(detail, http.StatusOK)
		webtest.Contains(t, "item page", page, `<option value="4">limited@example.gov</option>`, `<option value="2">editor@example.gov</option>`)
		post := func(path string, v url.Values, status int) (*http.Response, string) {
			t.Helper()
			return b.Post(path, v, status)
		}
		form := url.Values{"back": {base + "?sort=oldest"}, "status" + sfx: {"triaged"}, "assignee" + sfx: {"4"}}
		resp, _ := post(fmt.Sprintf("%s/%d", base, item), form, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("%s?sort=oldest#item-%d", base, item) {
			t.Fatalf("redirect to %q", loc)
		}
		if it, _ := hs.fb.Item(ctx, svc.ID, item); it.AssigneeID != 4 {
			t.Fatalf("assigned to %d", it.AssigneeID)
		}
		webtest.Contains(t, "assigned", b.Get(detail, http.StatusOK), "<dt>Assigned to</dt><dd>limited@example.gov</dd>", `<option value="4" selected>`)
		// A form without the field leaves the assignee be; "" unassigns.
		post(fmt.Sprintf("%s/%d", base, item), url.Values{"status" + sfx: {"triaged"}}, http.StatusSeeOther)
		if it, _ := hs.fb.Item(ctx, svc.ID, item); it.AssigneeID != 4 {
			t.Fatalf("a form without the field changed the assignee to %d", it.AssigneeID)
		}
		// Nobody by that id, or someone who cannot see the service: 400 at the field.
		b.Get(detail, http.StatusOK)
		_, page = post(fmt.Sprintf("%s/%d", base, item), url.Values{"assignee" + sfx: {"99"}}, http.StatusBadRequest)
		webtest.Contains(t, "unknown assignee", page, fmt.Sprintf(`<a href="#assignee-%d">Choose someone on the team`, item), fmt.Sprintf(`id="assignee-%d-error"`, item))
		renewed, err := hs.fb.Enter(ctx, other.ID, feedback.Input{Kind: "comment", Channel: "phone", Comment: "Renewing by phone"})
		if err != nil {
			t.Fatal(err)
		}
		rsfx := fmt.Sprint("-", renewed.ID)
		b.Get(fmt.Sprintf("/services/renew/feedback/%d", renewed.ID), http.StatusOK)
		_, page = post(fmt.Sprintf("/services/renew/feedback/%d", renewed.ID), url.Values{"assignee" + rsfx: {"4"}}, http.StatusBadRequest)
		webtest.Contains(t, "assignee who cannot see", page, fmt.Sprintf(`<a href="#assignee-%d">limited@example.gov cannot see this service’s feedback: choose someone who can</a>`, renewed.ID))
		webtest.Lacks(t, "renew's page", page, `<option value="4"`)
		status, body := hs.Call("writetoken", "PATCH", fmt.Sprintf("/api/v1/feedback/%d", renewed.ID), `{"assignee_id": 4}`)
		expect(t, "API assignee who cannot see", status, body, 400, "assignee", "limited@example.gov cannot see")
		status, body = hs.Call("writetoken", "PATCH", fmt.Sprintf("/api/v1/feedback/%d", renewed.ID), `{"assignee_id": 2}`)
		if status != 200 || body["assignee_id"] != 2.0 || body["assignee"] != "editor@example.gov" {
			t.Fatalf("API assign: %d %v", status, body)
		}

		// Filters: mine, unassigned, a named person.
		page = b.Get(base+"?assignee=4", http.StatusOK)
		if got := listed(page); !slices.Equal(got, []string{fmt.Sprint(item)}) {
			t.Fatalf("assigned to limited: %v", got)
		}
		webtest.Contains(t, "assigned to limited", page, `<option value="4" selected>limited@example.gov</option>`,
			`<li class="row-assignee"><span class="visually-hidden">Assigned to: </span>limited@example.gov</li>`)
		if got := listed(hs.Browser("limited").Get(base+"?assignee=me", http.StatusOK)); !slices.Equal(got, []string{fmt.Sprint(item)}) {
			t.Fatalf("limited's own: %v", got)
		}
		webtest.Contains(t, "unassigned", b.Get(base+"?assignee=none&votes=all", http.StatusOK), `<h2 id="items">119 items match the filters</h2>`)
		webtest.Contains(t, "mine", b.Get(base+"?assignee=me", http.StatusOK), "No feedback matches these filters.")
		webtest.Contains(t, "bad assignee", b.Get(base+"?assignee=someone", http.StatusBadRequest), `<a href="#assignee">assignee must be me, none or the id of a user</a>`)

		// Bulk: assign ticked items; unassign them.
		ticked := url.Values{"back": {base}, "ids": {id(3), id(7)}, "action": {"assign"}, "assignee": {"2"}}
		b.Get(base, http.StatusOK)
		post(base+"/bulk", ticked, http.StatusSeeOther)
		if n := hs.count(`assignee_id = 2 AND service_id = $1`, svc.ID); n != 2 {
			t.Fatalf("%d assigned to the editor, want 2", n)
		}
		ticked.Set("assignee", "0")
		post(base+"/bulk", ticked, http.StatusSeeOther)
		if n := hs.count(`assignee_id = 2 AND service_id = $1`, svc.ID); n != 0 {
			t.Fatalf("%d still assigned", n)
		}
		_, page = post(base+"/bulk", url.Values{"back": {base}, "ids": {id(3)}, "action": {"assign"}}, http.StatusBadRequest)
		webtest.Contains(t, "bulk assign to nobody chosen", page, `<a href="#bulk-assignee">Choose whom to assign the items to, or nobody</a>`)

		// Every item that matches, without script: the count shown is the
		// count changed, and a stale count is refused.
		page = b.Get(base+"?kind=problem", http.StatusOK)
		webtest.Contains(t, "match", page, `<input type="hidden" name="expect" value="30">`,
			`<label for="scope-matching">all 30 items that match the filters, on every page</label>`)
		all := url.Values{"back": {base + "?kind=problem"}, "scope": {"matching"}, "expect": {"30"}, "action": {"assign"}, "assignee": {"3"}}
		resp, _ = post(base+"/bulk", all, http.StatusSeeOther)
		if n := hs.count(`assignee_id = 3 AND kind = 'problem'`); n != 30 || resp.Header.Get("Location") != base+"?kind=problem" {
			t.Fatalf("%d problems assigned to the viewer, back to %q", n, resp.Header.Get("Location"))
		}
		webtest.Contains(t, "after every match", b.Get(base+"?kind=problem", http.StatusOK), "30 items are changed.")
		all.Set("expect", "29")
		_, page = post(base+"/bulk", all, http.StatusBadRequest)
		webtest.Contains(t, "stale count", page, `<a href="#scope">The filters now match 30 items, not 29: check the list and send again</a>`)
		if n := hs.count(`assignee_id = 3`); n != 30 {
			t.Fatalf("%d assigned after a refused change", n)
		}
		// Every match in the all-services inbox: limited sees Apply only,
		// so Renew's item can't be theirs.
		_, page = post("/feedback/inbox/bulk", url.Values{"back": {"/feedback/inbox?q=renewing"}, "scope": {"matching"}, "expect": {"1"},
			"action": {"assign"}, "assignee": {"4"}}, http.StatusBadRequest)
		webtest.Contains(t, "all inbox, not seen", page, `<a href="#bulk-assignee">limited@example.gov cannot see this service’s feedback`)
		rows, _ = csvRows(t, b, base+"/export.csv?assignee=3")
		if len(rows) != 31 || rows[1][len(rows[1])-1] != "viewer@example.gov" {
			t.Fatalf("CSV of the viewer's: %d rows, %q", len(rows), rows[1])
		}
	})
}
