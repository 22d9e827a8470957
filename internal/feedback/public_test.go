package feedback_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web/webtest"
)

func TestPublicJSON(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply", "apply.example.gov", "www.apply.example.gov")
		hs.service("Renew", "renew.example.gov")
		const origin = "https://www.apply.example.gov"

		// Stored: 201 with the id, and the row is there, scrubbed.
		resp := hs.postJSON(`{"domain": "apply.example.gov", "url": "https://apply.example.gov/pay?ref=123", "kind": "useful",
			"useful": "no", "comment": "Confusing. Email me at jo@example.com"}`, "198.51.100.1", "Origin", origin)
		if resp.status != http.StatusCreated || resp.header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("submit = %d %q, ACAO %q", resp.status, resp.body, resp.header.Get("Access-Control-Allow-Origin"))
		}
		id := int64(resp.json(t)["id"].(float64))
		if strings.TrimSpace(resp.body) != fmt.Sprintf(`{"id":%d}`, id) {
			t.Fatalf("body %q", resp.body)
		}
		if n := hs.count(`id = $1 AND service_id = $2 AND kind = 'useful' AND useful = $3 AND url = $4 AND comment = $5 AND channel = 'web'`,
			id, svc.ID, false, "https://apply.example.gov/pay", "Confusing. Email me at [email]"); n != 1 {
			t.Fatal("the submission is not stored as sent, scrubbed")
		}
		// JSON booleans and numbers are taken too.
		if r := hs.postJSON(`{"domain": "APPLY.example.gov", "kind": "useful", "useful": true}`, "198.51.100.1"); r.status != 201 {
			t.Fatalf("useful true = %d %s", r.status, r.body)
		}
		if r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 4}`, "198.51.100.1"); r.status != 201 {
			t.Fatalf("rating 4 = %d %s", r.status, r.body)
		}

		long := strings.Repeat("x", 2001)
		for _, tc := range []struct {
			name, ct, body string
			status         int
			field, msg     string
		}{
			{"unknown kind", "application/json", `{"domain": "apply.example.gov", "kind": "praise", "comment": "x"}`, 400, "kind", "kind must be"},
			{"rating 7", "application/json", `{"domain": "apply.example.gov", "kind": "satisfaction", "rating": 7}`, 400, "rating", "rating must be"},
			{"rating as an object", "application/json", `{"domain": "apply.example.gov", "kind": "satisfaction", "rating": {}}`, 400, "rating", "rating must be"},
			{"useful maybe", "application/json", `{"domain": "apply.example.gov", "kind": "useful", "useful": "maybe"}`, 400, "useful", "useful must be yes or no"},
			{"useful as a number", "application/json", `{"domain": "apply.example.gov", "kind": "useful", "useful": 1}`, 400, "useful", "useful must be yes or no"},
			{"comment too long", "application/json", `{"domain": "apply.example.gov", "kind": "comment", "comment": "` + long + `"}`, 400, "comment", "2,000 characters"},
			{"missing useful", "application/json", `{"domain": "apply.example.gov", "kind": "useful"}`, 400, "useful", "useful must be"},
			{"missing rating", "application/json", `{"domain": "apply.example.gov", "kind": "satisfaction"}`, 400, "rating", "rating must be"},
			{"missing doing or wrong", "application/json", `{"domain": "apply.example.gov", "kind": "problem"}`, 400, "doing", "doing or wrong"},
			{"missing comment", "application/json", `{"domain": "apply.example.gov", "kind": "comment"}`, 400, "comment", "comment is missing"},
			{"missing domain", "application/json", `{"kind": "comment", "comment": "x"}`, 400, "domain", "domain is missing"},
			{"unknown domain", "application/json", `{"domain": "evil.example", "kind": "comment", "comment": "x"}`, 400, "domain", "domain is not"},
			{"unknown field", "application/json", `{"domain": "apply.example.gov", "kind": "comment", "comment": "x", "name": "Jo"}`, 400, "name", "unknown field"},
			{"not JSON", "application/json", `{"domain": `, 400, "", "invalid JSON"},
			{"too large", "application/json", `{"domain": "apply.example.gov", "kind": "comment", "comment": "` + strings.Repeat("x", 81<<10) + `"}`, 413, "", "larger than"},
			{"form body", "application/x-www-form-urlencoded", `kind=comment`, 415, "", "application/json"},
			{"no content type", "", `{}`, 415, "", "application/json"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := hs.send("POST", "/api/feedback", tc.ct, tc.body, "198.51.100.2")
				got := r.json(t)
				if r.status != tc.status || got["field"] != nilIfEmpty(tc.field) || !strings.Contains(fmt.Sprint(got["error"]), tc.msg) {
					t.Fatalf("= %d %v, want %d on %q saying %q", r.status, got, tc.status, tc.field, tc.msg)
				}
			})
		}
		if n := hs.count(`service_id = $1`, svc.ID); n != 3 {
			t.Fatalf("%d rows after refused submissions, want 3", n)
		}

		// A filled honeypot looks stored and is not.
		r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "Buy now", "website": "http://spam.example"}`, "198.51.100.3")
		if r.status != http.StatusCreated || r.json(t)["id"].(float64) <= float64(id) {
			t.Fatalf("honeypot = %d %s", r.status, r.body)
		}
		if n := hs.count(`comment = 'Buy now'`); n != 0 {
			t.Fatal("the honeypot submission was stored")
		}
		// The same submission again from the same visitor is the first one.
		body := `{"domain": "apply.example.gov", "kind": "comment", "comment": "Same again"}`
		first := hs.postJSON(body, "198.51.100.4").json(t)["id"]
		again := hs.postJSON(body, "198.51.100.4")
		if again.status != 201 || again.json(t)["id"] != first {
			t.Fatalf("duplicate = %d %s, want id %v", again.status, again.body, first)
		}
		if other := hs.postJSON(body, "198.51.100.5").json(t)["id"]; other == first {
			t.Fatal("another visitor's same text was taken as a duplicate")
		}
		if n := hs.count(`comment = 'Same again'`); n != 2 {
			t.Fatalf("%d rows of the repeated text, want 2", n)
		}
		// Ten submissions from one visitor in ten minutes, then 429.
		for i := range 10 {
			if r := hs.postJSON(fmt.Sprintf(`{"domain": "apply.example.gov", "kind": "comment", "comment": "note %d"}`, i), "203.0.113.9"); r.status != 201 {
				t.Fatalf("submission %d = %d", i+1, r.status)
			}
		}
		r = hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "eleventh"}`, "203.0.113.9", "Origin", origin)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "600" || !strings.Contains(r.body, "Wait a few minutes") ||
			r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("11th = %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		if r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "another visitor"}`, "203.0.113.10"); r.status != 201 {
			t.Fatalf("another visitor while one is limited = %d", r.status)
		}
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestCORS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		hs.service("Apply", "apply.example.gov")
		hs.service("Renew", "renew.example.gov")
		archived := hs.service("Old", "old.example.gov")
		if err := hs.cat.Archive(t.Context(), archived.Slug); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, origin string
			allowed      bool
		}{
			{"own hostname", "https://apply.example.gov", true},
			{"own hostname with www", "https://www.apply.example.gov", true},
			{"own hostname with a port", "http://apply.example.gov:8080", true},
			{"another service", "https://renew.example.gov", true},
			{"unknown site", "https://evil.example", false},
			{"archived service", "https://old.example.gov", false},
			{"null", "null", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := hs.send("OPTIONS", "/api/feedback", "", "", "", "Origin", tc.origin, "Access-Control-Request-Method", "POST",
					"Access-Control-Request-Headers", "content-type")
				acao := r.header.Get("Access-Control-Allow-Origin")
				if tc.allowed && (r.status != http.StatusNoContent || acao != tc.origin || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Content-Type")) {
					t.Fatalf("preflight = %d, ACAO %q", r.status, acao)
				}
				if !tc.allowed && (r.status != http.StatusForbidden || acao != "") {
					t.Fatalf("preflight = %d, ACAO %q; want 403 without CORS", r.status, acao)
				}
			})
		}
		// A page of another service may not send the first service feedback.
		r := hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "cross"}`, "", "Origin", "https://renew.example.gov")
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "own hostnames") {
			t.Fatalf("other service's origin = %d %s", r.status, r.body)
		}
		r = hs.postJSON(`{"domain": "apply.example.gov", "kind": "comment", "comment": "cross"}`, "", "Origin", "https://evil.example")
		if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("unknown origin = %d %s", r.status, r.body)
		}
		if n := hs.count(`comment = 'cross'`); n != 0 {
			t.Fatal("a cross-site submission was stored")
		}
		if r.header.Get("Vary") != "Origin" {
			t.Fatalf("Vary = %q", r.header.Get("Vary"))
		}
	})
}

func TestPublicForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply for a permit", "apply.example.gov")
		hs.service("Renew", "renew.example.gov")
		form := url.Values{"domain": {"apply.example.gov"}, "url": {"https://apply.example.gov/pay?ref=9#top"}, "kind": {"problem"},
			"doing": {"Paying"}, "wrong": {"Card refused, call 07700 900123"}, "website": {""}}
		r := hs.postForm("/feedback", form, "198.51.100.1")
		thanks := "/feedback/thanks?domain=apply.example.gov&url=https%3A%2F%2Fapply.example.gov%2Fpay"
		if r.status != http.StatusSeeOther || r.header.Get("Location") != thanks {
			t.Fatalf("form = %d to %q", r.status, r.header.Get("Location"))
		}
		if n := hs.count(`service_id = $1 AND kind = 'problem' AND doing = 'Paying' AND wrong = 'Card refused, call [phone]' AND url = 'https://apply.example.gov/pay'`, svc.ID); n != 1 {
			t.Fatal("the form's submission is not stored, scrubbed")
		}
		page := hs.send("GET", thanks, "", "", "")
		webtest.Contains(t, "thanks", page.body, "<h1>Thank you for your feedback</h1>", "The team behind Apply for a permit reads",
			`<a href="https://apply.example.gov/pay">Go back to the page you were on</a>`)
		if page.header.Get("Set-Cookie") != "" {
			t.Fatal("the public thank-you page sets a cookie")
		}
		// The link back goes only to the service's own pages.
		for _, back := range []string{"https://evil.example/phish", "https://renew.example.gov/", "javascript:alert(1)", "//evil.example/x", "https://user@apply.example.gov/"} {
			page := hs.send("GET", "/feedback/thanks?domain=apply.example.gov&url="+url.QueryEscape(back), "", "", "")
			if page.status != 200 || strings.Contains(page.body, "Go back to the page you were on</a>") || strings.Contains(page.body, "evil") {
				t.Errorf("back link to %s: %d\n%s", back, page.status, page.body)
			}
		}
		// A filled honeypot goes to the same page and stores nothing.
		spam := url.Values{"domain": {"apply.example.gov"}, "kind": {"comment"}, "comment": {"Cheap pills"}, "website": {"x"}}
		if r := hs.postForm("/feedback", spam, "198.51.100.2"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/feedback/thanks?") {
			t.Fatalf("honeypot = %d %q", r.status, r.header.Get("Location"))
		}
		if n := hs.count(`comment = 'Cheap pills'`); n != 0 {
			t.Fatal("the honeypot form was stored")
		}

		// Problems: the form again, in the public layout, with an error
		// summary linking to each field, and what was typed scrubbed.
		bad := url.Values{"domain": {"apply.example.gov"}, "url": {"https://apply.example.gov/start?name=Jo"}, "kind": {"useful"},
			"comment": {"Write to jo@example.com"}}
		r = hs.postForm("/feedback", bad, "198.51.100.3")
		if r.status != http.StatusBadRequest {
			t.Fatalf("bad form = %d", r.status)
		}
		webtest.Contains(t, "form with problems", r.body, "<title>Error: Give feedback on Apply for a permit – liveops</title>",
			"There is a problem", `<a href="#useful">Choose Yes or No</a>`,
			`<legend>Is this page useful?</legend>`, `id="useful-error"`, `<input type="hidden" name="kind" value="useful">`,
			`value="https://apply.example.gov/start"`, "Write to [email]", `<label for="comment">How should we improve this page? (optional)</label>`)
		webtest.Lacks(t, "form with problems", r.body, "jo@example.com", "name=Jo", `href="/logout"`, "Sign out")
		r = hs.postForm("/feedback", url.Values{"domain": {"apply.example.gov"}, "kind": {"praise"}, "rating": {"9"}}, "198.51.100.3")
		webtest.Contains(t, "form with an unknown kind", r.body, `<a href="#kind">kind must be`, `<a href="#rating">Choose how you felt about the service</a>`,
			`<legend>What would you like to do?</legend>`, `<label for="doing">What were you doing?</label>`)
		for _, tc := range []struct {
			name, ct, body string
			status         int
			msg            string
		}{
			{"unknown domain", "application/x-www-form-urlencoded", "domain=evil.example&kind=comment&comment=x", 400, "domain is not"},
			{"JSON", "application/json", `{}`, 415, "application/x-www-form-urlencoded"},
			{"multipart", "multipart/form-data; boundary=x", "--x--", 415, "application/x-www-form-urlencoded"},
			{"too large", "application/x-www-form-urlencoded", "comment=" + strings.Repeat("x", 81<<10), 413, "at most 80 KiB"},
			{"bad UTF-8", "application/x-www-form-urlencoded", "domain=apply.example.gov&kind=comment&comment=%FF", 400, "cannot be stored"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := hs.send("POST", "/feedback", tc.ct, tc.body, "198.51.100.4")
				if r.status != tc.status || !strings.Contains(r.body, tc.msg) {
					t.Fatalf("= %d, want %d saying %q\n%s", r.status, tc.status, tc.msg, r.body)
				}
			})
		}
		// The eleventh form in ten minutes is refused with Retry-After.
		for i := range 11 {
			r := hs.postForm("/feedback", url.Values{"domain": {"apply.example.gov"}, "kind": {"comment"}, "comment": {fmt.Sprint("form ", i)}}, "203.0.113.7")
			if want := map[bool]int{true: 429, false: 303}[i == 10]; r.status != want {
				t.Fatalf("form %d = %d, want %d", i+1, r.status, want)
			}
			if i == 10 && (r.header.Get("Retry-After") != "600" || !strings.Contains(r.body, "Wait a few minutes")) {
				t.Fatalf("429 page: Retry-After %q\n%s", r.header.Get("Retry-After"), r.body)
			}
		}
	})
}

func TestSurvey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		svc := hs.service("Apply for a permit", "apply.example.gov")
		old := hs.service("Old service", "old.example.gov")
		if err := hs.cat.Archive(t.Context(), old.Slug); err != nil {
			t.Fatal(err)
		}
		page := hs.send("GET", "/survey/apply-for-a-permit", "", "", "")
		if page.status != 200 || page.header.Get("Set-Cookie") != "" {
			t.Fatalf("survey = %d, cookies %q", page.status, page.header.Values("Set-Cookie"))
		}
		webtest.Contains(t, "survey", page.body, "<title>Give feedback on Apply for a permit – liveops</title>",
			"<h1>Give feedback on Apply for a permit</h1>", `<form method="post" action="/survey/apply-for-a-permit?lang=en" novalidate>`,
			"<fieldset>", "<legend>Overall, how did you feel about the service you received today?</legend>",
			`<input type="radio" id="rating" name="rating" value="5"><label for="rating">Very satisfied</label>`,
			`<input type="radio" id="rating-4" name="rating" value="4"><label for="rating-4">Satisfied</label>`,
			`<label for="rating-3">Neither satisfied nor dissatisfied</label>`, `<label for="rating-2">Dissatisfied</label>`,
			`<input type="radio" id="rating-1" name="rating" value="1"><label for="rating-1">Very dissatisfied</label>`,
			`<label for="comment">How could we improve this service? (optional)</label>`,
			"You can enter up to 2,000 characters.", `<textarea id="comment" name="comment" rows="4" aria-describedby="comment-hint">`,
			`<div hidden>`, `name="website"`)
		webtest.Lacks(t, "survey", page.body, "Sign out", "<script")
		if order := []string{"Very satisfied", ">Satisfied<", "Neither", ">Dissatisfied<", "Very dissatisfied"}; !inOrder(page.body, order) {
			t.Fatal("the answers are not in the survey's order")
		}
		for _, path := range []string{"/survey/old-service", "/survey/nope", "/survey/old-service/thanks"} {
			if r := hs.send("GET", path, "", "", ""); r.status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, r.status)
			}
		}
		if r := hs.postForm("/survey/old-service", url.Values{"rating": {"5"}}, ""); r.status != http.StatusNotFound {
			t.Errorf("POST to an archived service's survey = %d", r.status)
		}

		// No answer: the survey again, with the error summary.
		r := hs.postForm("/survey/apply-for-a-permit", url.Values{"comment": {"Ring me on 07700 900123"}}, "198.51.100.1")
		if r.status != http.StatusBadRequest {
			t.Fatalf("no rating = %d", r.status)
		}
		webtest.Contains(t, "survey with problems", r.body, "<title>Error: Give feedback on Apply for a permit", `<div class="error-summary"`,
			`<a href="#rating">Select how you felt about the service you received today</a>`,
			`<fieldset aria-describedby="rating-error">`, `<p class="error-message" id="rating-error">`, "Ring me on [phone]")
		webtest.Lacks(t, "survey with problems", r.body, "07700")
		r = hs.postForm("/survey/apply-for-a-permit", url.Values{"rating": {"4"}, "comment": {strings.Repeat("y", 2001)}}, "198.51.100.1")
		webtest.Contains(t, "survey with a long answer", r.body, `<a href="#comment">Your answer to “How could we improve this service?” must be 2,000 characters or fewer</a>`,
			`id="rating-4" name="rating" value="4" checked`, `aria-describedby="comment-hint comment-error" aria-invalid="true"`)

		// An answer: 303 to the thank-you page, stored as satisfaction.
		r = hs.postForm("/survey/apply-for-a-permit", url.Values{"rating": {"2"}, "comment": {"Too slow, email ann@example.org"}}, "198.51.100.1")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/survey/apply-for-a-permit/thanks?lang=en" {
			t.Fatalf("answer = %d to %q", r.status, r.header.Get("Location"))
		}
		if n := hs.count(`service_id = $1 AND kind = 'satisfaction' AND rating = 2 AND comment = 'Too slow, email [email]' AND channel = 'web'`, svc.ID); n != 1 {
			t.Fatal("the answer is not stored")
		}
		webtest.Contains(t, "survey thanks", hs.send("GET", "/survey/apply-for-a-permit/thanks", "", "", "").body,
			"<h1>Thank you for your feedback</h1>", "improve Apply for a permit")
		// The honeypot answers the same and stores nothing.
		r = hs.postForm("/survey/apply-for-a-permit", url.Values{"rating": {"1"}, "website": {"spam"}}, "198.51.100.2")
		if r.status != http.StatusSeeOther || hs.count(`rating = 1`) != 0 {
			t.Fatalf("honeypot = %d", r.status)
		}
	})
}

// inOrder reports whether each of parts appears in s after the one before.
func inOrder(s string, parts []string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// TestReviewedLeaks: personal data hidden by percent-encoding, tags that are
// personal data, the thank-you address, and forms posted from other sites.
func TestReviewedLeaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		hs.service("Apply", "apply.example.gov")
		ctx := context.Background()
		r := hs.send("POST", "/api/feedback", "application/json",
			`{"domain": "apply.example.gov", "kind": "useful", "useful": "yes", "url": "https://apply.example.gov/u/07700%20900123/bob%40example.com"}`, "203.0.113.1")
		if r.status != 201 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		var u, page string
		if err := db.QueryRowContext(ctx, `SELECT url, page FROM feedback ORDER BY id DESC LIMIT 1`).Scan(&u, &page); err != nil {
			t.Fatal(err)
		}
		if u != "https://apply.example.gov/u/[phone]/[email]" || page != "/u/[phone]/[email]" {
			t.Fatalf("stored url %q page %q", u, page)
		}
		form := url.Values{"domain": {"apply.example.gov"}, "kind": {"comment"}, "comment": {"from elsewhere"},
			"url": {"https://apply.example.gov/account/bob@example.com"}}.Encode()
		if r := hs.send("POST", "/feedback", "application/x-www-form-urlencoded", form, "203.0.113.2", "Origin", "https://evil.example"); r.status != 403 {
			t.Fatalf("a form from another site: %d, want 403", r.status)
		}
		r = hs.send("POST", "/feedback", "application/x-www-form-urlencoded", form, "203.0.113.3", "Origin", "https://apply.example.gov")
		if loc := r.header.Get("Location"); r.status != 303 || strings.Contains(loc, "bob") || !strings.Contains(loc, "%5Bemail%5D") {
			t.Fatalf("from the service's page: %d, Location %q", r.status, loc)
		}
	})
}
