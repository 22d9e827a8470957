package feedback_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
	"github.com/liveops/liveops/internal/web/webtest"
)

var itemID = regexp.MustCompile(`<li id="item-(\d+)">`)

// listed is the ids of the items on an inbox page, in order.
func listed(page string) []string {
	var out []string
	for _, m := range itemID.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestInboxPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		other := hs.service("Renew", "renew.example.gov")
		items := seed(t, hs.fb, hs.clock, svc)
		if _, err := hs.fb.Submit(ctx, other.ID, 0, feedback.Input{Kind: "comment", Comment: "Renewing was easy"}); err != nil {
			t.Fatal(err)
		}
		b := hs.Browser("editor")
		base := "/services/apply/feedback"

		// "Useful: yes" votes with nothing more need no triage: the inbox
		// leaves them out unless asked, and says so.
		page := b.Get(base, http.StatusOK)
		webtest.Contains(t, "inbox", page, `<h2 id="items">105 items</h2>`,
			"15 “useful: yes” votes with no comment are not listed", `<a href="/services/apply/feedback?votes=all">List them too</a>`)
		page = b.Get(base+"?votes=all", http.StatusOK)
		webtest.Contains(t, "inbox", page, "<title>Feedback – Apply – liveops</title>", "<h1>Feedback</h1>", `<h2 id="items">120 items</h2>`,
			"Showing 1 to 50 of 120.", `<a href="/services/apply/feedback/export.csv?votes=all" download>Download all as CSV</a>`,
			`<a href="/services/apply/feedback?page=2&amp;votes=all" rel="next">Next page</a>`, "Page 1 of 3", `<a href="/services/apply/feedback">Leave them out</a>`,
			`<form id="bulk" class="bulk-bar" method="post" action="/services/apply/feedback/bulk" novalidate>`,
			fmt.Sprintf(`<input type="checkbox" id="select-%d" name="ids" value="%d" form="bulk">`, items[0].id, items[0].id),
			// A row: what it is, its text, and a link to its page that knows the way back.
			fmt.Sprintf(`<a class="row-main" href="/services/apply/feedback/%d?back=%%2Fservices%%2Fapply%%2Ffeedback%%3Fvotes%%3Dall"><span class="row-kind">Useful: Yes<span class="visually-hidden">:</span></span> <span class="row-preview">No comment</span></a>`, items[0].id),
			`<li class="row-page"><span class="visually-hidden">Page: </span><code>/pay</code></li>`,
			`<li class="row-when"><span class="visually-hidden">Received: </span><time datetime="2026-06-15T13:00:00&#43;01:00">15 Jun 2026 13:00</time></li>`,
			`<span class="row-kind">Problem<span class="visually-hidden">:</span></span> <span class="row-preview">It failed</span>`,
			`<span class="row-kind">Rated 1 of 5`, `<span class="muted">Unassigned</span>`, `<input type="checkbox" id="select-all"`,
			`<option value="newest" selected>Newest first</option>`, `href="/services/apply/feedback/new"`, `href="/services/apply/feedback/summary"`, `href="/services/apply/feedback/settings"`)
		webtest.Lacks(t, "inbox", page, "Renewing was easy", `rel="prev"`)
		if got := listed(page); len(got) != 50 || got[0] != fmt.Sprint(items[0].id) || got[49] != fmt.Sprint(items[49].id) {
			t.Fatalf("page 1 lists %v", got)
		}
		page = b.Get(base+"?page=3&votes=all", http.StatusOK)
		if got := listed(page); len(got) != 20 || got[19] != fmt.Sprint(items[119].id) {
			t.Fatalf("page 3 lists %d items", len(got))
		}
		webtest.Contains(t, "last page", page, `<a href="/services/apply/feedback?page=2&amp;votes=all" rel="prev">Previous page</a>`, "Showing 101 to 120 of 120")
		// An exact page, as the summaries link to it.
		webtest.Contains(t, "one page", b.Get(base+"?page_path=/nowhere", http.StatusOK), "Only the page <code>/nowhere</code>")
		// Past the end, the last page is shown, not "no feedback".
		webtest.Contains(t, "past the end", b.Get(base+"?page=99&votes=all", http.StatusOK), "Showing 101 to 120 of 120")
		webtest.Lacks(t, "last page", page, `rel="next"`)

		// Filters live in the address, and the links keep them.
		page = b.Get(base+"?kind=problem&channel=web&q=paying", http.StatusOK)
		webtest.Contains(t, "filtered", page, `<h2 id="items">8 items match the filters</h2>`, `<option value="problem" selected>`,
			`<option value="web" selected>`, `value="paying"`, `<details open>`,
			`href="/services/apply/feedback/export.csv?channel=web&amp;kind=problem&amp;q=paying"`)
		if got := listed(page); len(got) != 8 {
			t.Fatalf("filtered lists %d", len(got))
		}
		page = b.Get(base+"?theme=permit+renewal&from=2026-06-01&to=2026-06-14", http.StatusOK)
		if got := listed(page); len(got) != 9 {
			t.Fatalf("theme and dates list %d items, want 9", len(got))
		}
		page = b.Get(base+"?kind=useful&status=new&page=1&votes=all", http.StatusOK)
		webtest.Contains(t, "two filters", page, `<h2 id="items">30 items match the filters</h2>`)
		page = b.Get(base+"?kind=praise&rating=9&from=yesterday&theme=%21%21", http.StatusBadRequest)
		webtest.Contains(t, "bad filters", page, "<title>Error: Feedback – Apply", `<a href="#kind">kind must be`, `<a href="#rating">rating must be`,
			`<a href="#from">from must be a date`, `<a href="#theme">theme must be`, `<h2 id="items">No feedback shown</h2>`)
		page = b.Get(base+"?page=0", http.StatusBadRequest)
		webtest.Contains(t, "bad page", page, `<a href="#page">page must be a whole number from 1</a>`)
		page = b.Get(base+"?q=nothing+like+this", http.StatusOK)
		webtest.Contains(t, "no matches", page, "No feedback matches these filters.", `<a href="/services/apply/feedback">Clear the filters</a>`)

		// One item: status, tags and note; then back to the same view.
		id := items[1].id
		back := base + "?kind=problem&page=1"
		b.Get(back, http.StatusOK)
		sfx := fmt.Sprint("-", id)
		resp, _ := b.Post(fmt.Sprintf("%s/%d", base, id), url.Values{"back": {back}, "status" + sfx: {"triaged"},
			"tags" + sfx: {"Payments, sign in"}, "note" + sfx: {"Asked jo@example.com"}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("%s?kind=problem&page=1#item-%d", base, id) {
			t.Fatalf("redirect to %q", loc)
		}
		it, _ := hs.fb.Item(ctx, svc.ID, id)
		if it.Status != feedback.StatusTriaged || !slices.Equal(it.Tags, []string{"payments", "sign in"}) || it.Note != "Asked [email]" {
			t.Fatalf("item %+v", it)
		}
		page = b.Get(back, http.StatusOK)
		webtest.Contains(t, "saved", page, fmt.Sprintf("Feedback %d is saved.", id),
			`<li class="row-tags"><span class="visually-hidden">Tags: </span>payments, sign in</li>`, `<option value="payments"></option>`)
		// Its page has everything, the form, and the way back to the same view.
		detail := fmt.Sprintf("%s/%d?back=%s", base, id, url.QueryEscape(back))
		page = b.Get(detail, http.StatusOK)
		webtest.Contains(t, "item page", page, fmt.Sprintf("<title>Feedback %d – Apply – liveops</title>", id),
			fmt.Sprintf(`<a href="/services/apply/feedback?kind=problem&amp;page=1#item-%d">Back to the feedback</a>`, id),
			fmt.Sprintf("<h1>Feedback %d: Problem report</h1>", id), "<dt>Tags</dt><dd>payments, sign in</dd>", "<dt>Note</dt><dd>Asked [email]</dd>",
			"<dt>What they were doing</dt><dd>Signing in</dd>", "<dt>What went wrong</dt><dd>It failed</dd>",
			`<dt>Page</dt><dd><code>https://apply.example.gov/start</code></dd>`, "<dt>Received</dt><dd>15 Jun 2026 07:00 · Website</dd>",
			"<dt>Assigned to</dt><dd><span class=\"muted\">Nobody</span></dd>",
			fmt.Sprintf(`<form method="post" action="/services/apply/feedback/%d" novalidate>`, id),
			`<input type="hidden" name="back" value="/services/apply/feedback?kind=problem&amp;page=1">`,
			`<option value="triaged" selected>Triaged</option>`, fmt.Sprintf(`<select id="assignee-%d" name="assignee-%d"`, id, id))
		// A way back elsewhere is not followed; an item of another service is not there.
		webtest.Contains(t, "item page elsewhere", b.Get(fmt.Sprintf("%s/%d?back=https://evil.example/", base, id), http.StatusOK),
			fmt.Sprintf(`<a href="/services/apply/feedback#item-%d">Back to the feedback</a>`, id))
		b.Get(fmt.Sprintf("/services/renew/feedback/%d", id), http.StatusNotFound)
		b.Get(base+"/999999", http.StatusNotFound)
		_, page = b.Post(fmt.Sprintf("%s/%d", base, id), url.Values{"back": {back}, "status" + sfx: {"done"}, "tags" + sfx: {"a!"}}, http.StatusBadRequest)
		webtest.Contains(t, "item with problems", page, fmt.Sprintf(`<a href="#status-%d">status must be`, id),
			fmt.Sprintf(`<a href="#tags-%d">A tag may hold only`, id), `value="a!"`, fmt.Sprintf("<h1>Feedback %d: Problem report</h1>", id),
			fmt.Sprintf(`<p class="error-message" id="tags-%d-error">`, id), `<input type="hidden" name="back" value="/services/apply/feedback?kind=problem&amp;page=1">`)
		b.Post(base+"/999999", url.Values{"status-999999": {"new"}}, http.StatusNotFound)
		b.Post(fmt.Sprintf("/services/renew/feedback/%d", id), url.Values{"status" + sfx: {"new"}}, http.StatusNotFound)
		// A return address elsewhere is ignored.
		resp, _ = b.Post(fmt.Sprintf("%s/%d", base, id), url.Values{"back": {"https://evil.example/"}, "status" + sfx: {"triaged"}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("%s#item-%d", base, id) {
			t.Fatalf("redirect to %q", loc)
		}

		// Bulk: tick three, add a tag, set a status, remove the tag.
		ticked := url.Values{"back": {base + "?kind=comment"}, "ids": {fmt.Sprint(items[3].id), fmt.Sprint(items[7].id), fmt.Sprint(items[11].id)}}
		with := func(extra ...string) url.Values {
			v := url.Values{}
			for k, vs := range ticked {
				v[k] = vs
			}
			for i := 0; i < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return v
		}
		b.Get(base, http.StatusOK)
		resp, _ = b.Post(base+"/bulk", with("action", "add_tag", "tag", "Parking"), http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != base+"?kind=comment" {
			t.Fatalf("bulk redirect to %q", loc)
		}
		webtest.Contains(t, "bulk flash", b.Get(base+"?tag=parking", http.StatusOK), "3 items are changed.", `<h2 id="items">3 items match the filters</h2>`)
		b.Post(base+"/bulk", with("action", "set_status", "status", "no_action"), http.StatusSeeOther)
		if n := hs.count(`status = 'no_action'`); n != 3 {
			t.Fatalf("%d no_action, want 3", n)
		}
		b.Post(base+"/bulk", with("action", "remove_tag", "tag", "parking"), http.StatusSeeOther)
		if _, total, _ := hs.fb.List(ctx, feedback.Filter{Services: []int64{svc.ID}, Tag: "parking"}, 0, 1); total != 0 {
			t.Fatalf("%d still tagged", total)
		}
		_, page = b.Post(base+"/bulk", url.Values{"back": {base}, "action": {"set_status"}, "status": {""}}, http.StatusBadRequest)
		webtest.Contains(t, "bulk with problems", page, `<a href="#bulk-status">Choose the status to set</a>`, `id="bulk-status-error"`)
		_, page = b.Post(base+"/bulk", url.Values{"back": {base}, "action": {"add_tag"}, "tag": {"x"}}, http.StatusBadRequest)
		webtest.Contains(t, "bulk without items", page, `<a href="#items">Select at least one item</a>`)

		// CSV: every item the filters select, not only a page.
		resp, body := b.Do("GET", base+"/export.csv?kind=comment&channel=phone", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="apply-feedback.csv"` {
			t.Fatalf("CSV = %d %v", resp.StatusCode, resp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) != 7 {
			t.Fatalf("CSV has %d rows, %v:\n%s", len(rows), err, body)
		}
		if strings.Join(rows[0], ",") != "id,service,created_at,kind,url,useful,rating,comment,doing,wrong,channel,given_by,status,tags,note,assignee" {
			t.Fatalf("CSV header %v", rows[0])
		}
		// items[19]: a comment by phone, the 20th newest, at 6 hours a step.
		want := []string{fmt.Sprint(items[19].id), "apply", "2026-06-10T18:00:00Z", "comment", "https://apply.example.gov/start", "", "",
			"Parking permit renewal was slow", "", "", "phone", "", "new", "", "", ""}
		if !slices.Equal(rows[1], want) {
			t.Fatalf("CSV row %q, want %q", rows[1], want)
		}
		all, _ := csvRows(t, b, base+"/export.csv")
		if len(all) != 121 {
			t.Fatalf("the whole CSV has %d rows, want 121", len(all))
		}
		b.Get(base+"/export.csv?rating=6", http.StatusBadRequest)

		// Someone who may only read sees no forms; someone else sees nothing.
		v := hs.Browser("viewer")
		page = v.Get(base, http.StatusOK)
		webtest.Lacks(t, "viewer's inbox", page, `id="bulk"`, `name="ids"`, "Change the status", `href="/services/apply/feedback/new"`)
		v.Post(base+"/bulk", with("action", "add_tag", "tag", "x"), http.StatusForbidden)
		hs.Browser("limited").Get(base, http.StatusNotFound)
		if resp, _ := hs.Browser("").Do("GET", base, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous = %d", resp.StatusCode)
		}
	})
}

func csvRows(t *testing.T, b *webtest.Browser, path string) ([][]string, string) {
	t.Helper()
	resp, body := b.Do("GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows, body
}

func TestAllServicesInbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		apply := hs.service("Apply", "apply.example.gov")
		renew := hs.service("Renew", "renew.example.gov")
		hidden := hs.service("Hidden", "hidden.example.gov")
		for _, s := range []struct {
			id   int64
			text string
		}{{apply.ID, "Apply was slow"}, {renew.ID, "Renew was slow"}, {renew.ID, "Renew, =SUM(A1) was fine"}, {hidden.ID, "Secret was slow"}} {
			if _, err := hs.fb.Submit(ctx, s.id, 0, feedback.Input{Kind: "comment", Comment: s.text}); err != nil {
				t.Fatal(err)
			}
		}
		hs.Allow("limited", apply.ID, renew.ID)
		b := hs.Browser("limited")
		page := b.Get("/feedback/inbox?q=slow", http.StatusOK)
		webtest.Contains(t, "all inbox", page, "<h1>Feedback from every service</h1>", `<h2 id="items">2 items match the filters</h2>`,
			"<span class=\"visually-hidden\">Service: </span>Apply</li>", "<span class=\"visually-hidden\">Service: </span>Renew</li>", "Dates are in UTC.",
			`href="/services/renew/feedback/`)
		webtest.Lacks(t, "all inbox", page, "Secret")
		rows, _ := csvRows(t, b, "/feedback/inbox/export.csv")
		if len(rows) != 4 || rows[1][1] != "renew" || rows[1][7] != "'Renew, =SUM(A1) was fine" && rows[1][7] != "Renew, =SUM(A1) was fine" {
			t.Fatalf("all CSV %q", rows)
		}
		// Bulk from the all-services inbox changes only what the person may change.
		items, _, _ := hs.fb.List(ctx, feedback.Filter{Services: []int64{apply.ID, renew.ID, hidden.ID}}, 0, 10)
		var ids []string
		for _, it := range items {
			ids = append(ids, fmt.Sprint(it.ID))
		}
		b.Get("/feedback/inbox", http.StatusOK)
		resp, _ := b.Post("/feedback/inbox/bulk", url.Values{"back": {"/feedback/inbox?q=slow"}, "ids": ids, "action": {"set_status"}, "status": {"triaged"}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/feedback/inbox?q=slow" {
			t.Fatalf("redirect to %q", loc)
		}
		if n := hs.count(`status = 'triaged'`); n != 3 {
			t.Fatalf("%d triaged, want the 3 of the services the person may change", n)
		}
		hs.Browser("viewer").Post("/feedback/inbox/bulk", url.Values{"ids": ids, "action": {"set_status"}, "status": {"new"}}, http.StatusForbidden)
		// An item form from the all-services inbox returns there.
		b.Get("/feedback/inbox", http.StatusOK)
		id := items[len(items)-1].ID // Apply's
		resp, _ = b.Post(fmt.Sprintf("/services/apply/feedback/%d", id),
			url.Values{"back": {"/feedback/inbox?q=slow"}, fmt.Sprint("status-", id): {"actioned"}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/feedback/inbox?q=slow#item-") {
			t.Fatalf("redirect to %q", loc)
		}
	})
}

func TestStaffEntryPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		b := hs.Browser("editor")
		page := b.Get("/services/apply/feedback/new", http.StatusOK)
		webtest.Contains(t, "staff form", page, "<h1>Add feedback you received</h1>", `What kind of feedback is it?`,
			`<a href="/services/apply/feedback/new?kind=comment" aria-current="page">`, `<input type="hidden" name="kind" value="comment">`,
			`<label for="comment">What they said</label>`, `<label for="channel">How did it reach you?</label>`,
			`<option value="partner">Partner organisation</option>`, `<label for="given_by">Who gave it (optional)</label>`,
			`<option value="adviser">Adviser or advocate (such as an advice centre)</option>`)
		webtest.Lacks(t, "staff form", page, `<option value="web">`, `name="doing"`, `name="rating"`, `name="useful"`)
		// Each kind shows its own fields, and only those.
		page = b.Get("/services/apply/feedback/new?kind=problem", http.StatusOK)
		webtest.Contains(t, "problem form", page, `name="doing"`, `name="wrong"`, `<input type="hidden" name="kind" value="problem">`)
		webtest.Lacks(t, "problem form", page, `name="comment"`, `name="rating"`, `name="useful"`)
		page = b.Get("/services/apply/feedback/new?kind=satisfaction", http.StatusOK)
		webtest.Contains(t, "satisfaction form", page, `name="rating"`, "What they said (optional)")
		webtest.Lacks(t, "satisfaction form", page, `name="url"`, `name="doing"`, `name="useful"`)
		page = b.Get("/services/apply/feedback/new?kind=useful", http.StatusOK)
		webtest.Contains(t, "useful form", page, `name="useful"`, `name="url"`)
		webtest.Lacks(t, "useful form", page, `name="rating"`, `name="doing"`)
		_, page = b.Post("/services/apply/feedback", url.Values{"kind": {"comment"}, "given_by": {"Jo at jo@example.com"}}, http.StatusBadRequest)
		webtest.Contains(t, "staff form with problems", page, `<a href="#channel">Choose how the feedback reached you`,
			`<a href="#comment">Enter your comment`, `<a href="#given_by">given_by must be one of applicant,`)
		webtest.Lacks(t, "staff form with problems", page, "jo@example.com")
		resp, _ := b.Post("/services/apply/feedback", url.Values{"kind": {"problem"}, "channel": {"partner"}, "given_by": {"adviser"},
			"doing": {"Helping a client apply"}, "wrong": {"The upload failed"}, "useful": {""}, "rating": {""}}, http.StatusSeeOther)
		items, _, _ := hs.fb.List(context.Background(), feedback.Filter{Services: []int64{svc.ID}}, 0, 10)
		if len(items) != 1 || items[0].Channel != feedback.ChannelPartner || items[0].GivenBy != "adviser" || items[0].Wrong != "The upload failed" {
			t.Fatalf("entered %+v", items)
		}
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/services/apply/feedback#item-%d", items[0].ID) {
			t.Fatalf("redirect to %q", loc)
		}
		hs.Browser("viewer").Get("/services/apply/feedback/new", http.StatusForbidden)
	})
}

func TestSummaryPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		seed(t, hs.fb, hs.clock, svc)
		b := hs.Browser("viewer")
		page := b.Get("/services/apply/feedback/summary", http.StatusOK)
		webtest.Contains(t, "summary", page, "<h1>Feedback summaries</h1>", `value="2026-05-17"`, `value="2026-06-15"`,
			"Changes are against 2026-04-17 to 2026-05-16.",
			`<th scope="row"><a href="/services/apply/feedback?from=2026-05-17&amp;page_path=%2Fstart&amp;to=2026-06-15">/start</a></th><td class="num">0</td><td class="num">0</td><td class="num">–</td><td class="num">30</td>`,
			`<a href="/services/apply/feedback?from=2026-05-17&amp;page_path=%2Fpay&amp;to=2026-06-15">/pay</a></th><td class="num">15</td><td class="num">15</td><td class="num">50%</td><td class="num">0</td>`,
			"30 answers to the satisfaction survey. Satisfied or very satisfied: <strong>40%</strong>. Satisfaction score: <strong>50%</strong>",
			`<svg role="img" aria-labelledby="satisfaction-title satisfaction-desc"`,
			`<rect x="240" y="0" width="60" height="22" fill="#0b3d91"></rect>`,
			"Very satisfied: 6; Satisfied: 6;", `<th scope="row">Very dissatisfied</th><td class="num">6</td><td class="num">20%</td>`,
			"<h3>Satisfaction by week</h3>", `<th scope="row">8 to 14 Jun 2026</th>`, `<th scope="row">25 to 31 May 2026</th>`, `<th scope="row">15 Jun 2026</th>`,
			`<a href="/services/apply/feedback?from=2026-05-17&amp;theme=failed&amp;to=2026-06-15">failed</a></th><td class="num">40</td><td class="num">0</td><td class="num">&#43;40</td>`,
			`theme=card&#43;payment`)
		// The theme link lists exactly as many items as its count.
		if got := listed(b.Get("/services/apply/feedback?from=2026-05-17&theme=failed&to=2026-06-15", http.StatusOK)); len(got) != 40 {
			t.Fatalf("the theme link lists %d, want 40", len(got))
		}
		page = b.Get("/services/apply/feedback/summary?from=2026-06-14&to=2026-06-01", http.StatusBadRequest)
		webtest.Contains(t, "bad period", page, `<a href="#to">The last day must be the same as or after the first day</a>`)
		page = b.Get("/services/apply/feedback/summary?from=2025-01-01&to=2026-06-01", http.StatusBadRequest)
		webtest.Contains(t, "long period", page, "366 days or shorter")
		page = b.Get("/services/apply/feedback/summary?from=x&to=2026-06-01", http.StatusBadRequest)
		webtest.Contains(t, "bad date", page, `<a href="#from">Enter the first day`)
		page = b.Get("/services/apply/feedback/summary?from=2025-01-01&to=2025-12-31", http.StatusOK)
		webtest.Contains(t, "empty year", page, "No page had", "0 answers", "<h3>Satisfaction by month</h3>", `<th scope="row">December 2025</th>`,
			"No phrase or word is mentioned often enough")
	})
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov")
		b := hs.Browser("editor")
		page := b.Get("/services/apply/feedback/settings", http.StatusOK)
		webtest.Contains(t, "settings", page, "<h1>Feedback forms, survey and scrubbing</h1>",
			fmt.Sprintf(`<a href="%s/survey/apply">%s/survey/apply</a>`, hs.URL, hs.URL),
			`<h3 id="snippet-useful">Is this page useful?</h3>`, `<pre class="snippet" aria-labelledby="snippet-useful"><code>&lt;form method=&#34;post&#34; action=&#34;`+hs.URL+`/feedback&#34; data-liveops-feedback&gt;`,
			`<h3 id="snippet-widget">The widget script (optional)</h3>`, `&lt;script src=&#34;`+hs.URL+`/js/feedback.`,
			`name=&#34;domain&#34; value=&#34;apply.example.gov&#34;`, `name=&#34;website&#34;`, "Apply has no rules of its own.",
			`<label for="pattern">Pattern</label>`)
		_, page = b.Post("/services/apply/feedback/settings/rules", url.Values{"name": {"case ref"}, "pattern": {"CASE-("}}, http.StatusBadRequest)
		webtest.Contains(t, "bad rule", page, `<a href="#name">The name may only hold a-z, 0-9 and -</a>`, `value="CASE-("`)
		_, page = b.Post("/services/apply/feedback/settings/rules", url.Values{"name": {"case-ref"}, "pattern": {"CASE-("}}, http.StatusBadRequest)
		webtest.Contains(t, "bad pattern", page, `<a href="#pattern">The pattern does not compile`)
		resp, _ := b.Post("/services/apply/feedback/settings/rules", url.Values{"name": {"case-ref"}, "pattern": {`CASE-\d{6}`}}, http.StatusSeeOther)
		if resp.Header.Get("Location") != "/services/apply/feedback/settings" {
			t.Fatal(resp.Header.Get("Location"))
		}
		rules, _ := hs.fb.Rules(context.Background(), svc.ID)
		if len(rules) != 1 {
			t.Fatal(rules)
		}
		page = b.Get("/services/apply/feedback/settings", http.StatusOK)
		webtest.Contains(t, "with a rule", page, "The rule “case-ref” is added.", `<th scope="row">[case-ref]</th>`, `<code>CASE-\d{6}</code>`,
			fmt.Sprintf(`action="/services/apply/feedback/settings/rules/%d/delete"`, rules[0].ID))
		_, page = b.Post("/services/apply/feedback/settings/rules", url.Values{"name": {"case-ref"}, "pattern": {"X+"}}, http.StatusConflict)
		webtest.Contains(t, "duplicate rule", page, `<a href="#name">There is already a rule called “case-ref”</a>`)
		// The rule applies to what is sent from now on.
		hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "My case is CASE-123456"}`, "198.51.100.1")
		if n := hs.count(`comment = 'My case is [case-ref]'`); n != 1 {
			t.Fatal("the service's rule did not scrub")
		}
		v := hs.Browser("viewer")
		webtest.Lacks(t, "viewer's settings", v.Get("/services/apply/feedback/settings", http.StatusOK), "Add a rule", "/delete")
		v.Post("/services/apply/feedback/settings/rules", url.Values{"name": {"x"}, "pattern": {"y"}}, http.StatusForbidden)
		b.Get("/services/apply/feedback/settings", http.StatusOK)
		b.Post(fmt.Sprintf("/services/apply/feedback/settings/rules/%d/delete", rules[0].ID), nil, http.StatusSeeOther)
		b.Post(fmt.Sprintf("/services/apply/feedback/settings/rules/%d/delete", rules[0].ID), nil, http.StatusNotFound)
		b.Post("/services/apply/feedback/settings/rules/x/delete", nil, http.StatusNotFound)
		if rules, _ := hs.fb.Rules(context.Background(), svc.ID); len(rules) != 0 {
			t.Fatal(rules)
		}
		// Without the CSRF token the form is refused.
		b.Post("/services/apply/feedback/settings/rules", url.Values{web.CSRFField: {"forged"}, "name": {"a"}, "pattern": {"b"}}, http.StatusForbidden)
	})
}

// TestEveryTemplateRendered walks one of each page on one site, so that a
// template no request renders fails here.
func TestEveryTemplateRendered(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	hs := newHarness(t, db)
	svc := hs.service("Apply", "apply.example.gov")
	it, err := hs.fb.Enter(context.Background(), svc.ID, feedback.Input{Kind: "comment", Channel: "phone", Comment: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	b := hs.Browser("editor")
	for _, p := range []string{"/services/apply/feedback", "/feedback/inbox", "/services/apply/feedback/new", fmt.Sprint("/services/apply/feedback/", it.ID),
		"/services/apply/feedback/summary", "/services/apply/feedback/settings", "/survey/apply", "/survey/apply/thanks",
		"/feedback/thanks?domain=apply.example.gov"} {
		b.Get(p, http.StatusOK)
	}
	hs.postForm("/feedback", url.Values{"domain": {"apply.example.gov"}, "kind": {"comment"}}, "")
	for _, name := range hs.site.NeverExecuted() {
		if strings.HasPrefix(name, "feedback/") {
			t.Errorf("page %s was never rendered by the tests", name)
		}
	}
}
