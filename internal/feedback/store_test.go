package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
	"github.com/liveops/liveops/internal/web"
)

// inputError fails the test unless err is an *InputError with status whose
// first problem is about field and says msg.
func inputError(t *testing.T, err error, status int, field, msg string) {
	t.Helper()
	var ie *feedback.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an InputError", err)
	}
	if ie.Status != status || len(ie.Errors) == 0 || ie.Errors[0].Field != field || !strings.Contains(ie.Errors[0].Message, msg) {
		t.Fatalf("err = %v, want %d about %s saying %q", ie, status, field, msg)
	}
	var we *web.Error
	if !errors.As(err, &we) || we.Status != status || we.Field != field {
		t.Fatalf("as a web error: %v", we)
	}
}

func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", feedback.MaxTextLen+1)
	cases := []struct {
		name       string
		in         feedback.Input
		field, msg string // "" when valid
	}{
		{"useful yes", feedback.Input{Kind: "useful", Useful: "yes", URL: "https://apply.example.gov/start"}, "", ""},
		{"useful no with a comment", feedback.Input{Kind: "useful", Useful: "NO", Comment: "Too long"}, "", ""},
		{"useful as true", feedback.Input{Kind: "useful", Useful: "true"}, "", ""},
		{"problem with doing only", feedback.Input{Kind: "problem", Doing: "Paying"}, "", ""},
		{"problem with wrong only", feedback.Input{Kind: "problem", Wrong: "It broke"}, "", ""},
		{"satisfaction", feedback.Input{Kind: "satisfaction", Rating: " 5 "}, "", ""},
		{"comment", feedback.Input{Kind: "comment", Comment: "Nice", URL: "/a/path?q=1#top"}, "", ""},
		{"exactly 2000 characters", feedback.Input{Kind: "comment", Comment: long[:len(long)-2]}, "", ""},

		{"no kind", feedback.Input{Comment: "x"}, "kind", "kind must be"},
		{"unknown kind", feedback.Input{Kind: "praise", Comment: "x"}, "kind", "kind must be useful, problem, satisfaction or comment"},
		{"rating 7", feedback.Input{Kind: "satisfaction", Rating: "7"}, "rating", "rating must be a whole number from 1"},
		{"rating 0", feedback.Input{Kind: "satisfaction", Rating: "0"}, "rating", "rating must be"},
		{"rating 4.5", feedback.Input{Kind: "satisfaction", Rating: "4.5"}, "rating", "rating must be"},
		{"rating missing", feedback.Input{Kind: "satisfaction", Comment: "x"}, "rating", "rating must be 1"},
		{"useful maybe", feedback.Input{Kind: "useful", Useful: "maybe"}, "useful", "useful must be yes or no"},
		{"useful missing", feedback.Input{Kind: "useful"}, "useful", "useful must be yes or no"},
		{"problem without text", feedback.Input{Kind: "problem", Comment: "x"}, "doing", "needs doing or wrong"},
		{"problem with blank text", feedback.Input{Kind: "problem", Doing: "  ", Wrong: "\n"}, "doing", "needs doing or wrong"},
		{"comment missing", feedback.Input{Kind: "comment"}, "comment", "comment is missing"},
		{"comment too long", feedback.Input{Kind: "comment", Comment: long}, "comment", "comment must be 2,000 characters or fewer; it has 2,001"},
		{"doing too long", feedback.Input{Kind: "problem", Doing: long}, "doing", "doing must be 2,000 characters"},
		{"wrong too long", feedback.Input{Kind: "problem", Doing: "a", Wrong: long}, "wrong", "wrong must be 2,000 characters"},
		{"doing on a comment", feedback.Input{Kind: "comment", Comment: "x", Doing: "y"}, "doing", "only for problem reports"},
		{"NUL in comment", feedback.Input{Kind: "comment", Comment: "a\x00b"}, "comment", "cannot be stored"},
		{"bad UTF-8", feedback.Input{Kind: "comment", Comment: "a\xffb"}, "comment", "cannot be stored"},
		{"URL not http", feedback.Input{Kind: "comment", Comment: "x", URL: "javascript:alert(1)"}, "url", "url must be the page’s address"},
		{"URL protocol-relative", feedback.Input{Kind: "comment", Comment: "x", URL: "//evil.example/x"}, "url", "url must be"},
		{"URL too long", feedback.Input{Kind: "comment", Comment: "x", URL: "/" + strings.Repeat("a", 2000)}, "url", "url must be 2,000 characters"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat, fb := catalog.New(db), feedback.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rc, err := fb.Submit(context.Background(), svc.ID, 0, tc.in)
				if tc.field != "" {
					inputError(t, err, http.StatusBadRequest, tc.field, tc.msg)
					return
				}
				if err != nil || rc.ID == 0 || rc.Duplicate {
					t.Fatalf("Submit = %+v, %v", rc, err)
				}
			})
		}
		if n := countRows(t, db, `1 = 1`); n != 8 {
			t.Fatalf("%d rows stored, want the 8 valid ones", n)
		}
	})
}

// TestScrubbedBeforeStored reads the row back: no personal data survives
// in any column, URLs lose their query strings, and the search text is the
// normalised scrubbed text.
func TestScrubbedBeforeStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		rc, err := fb.Submit(ctx, svc.ID, 0, feedback.Input{Kind: "problem",
			URL:   "https://Apply.example.gov/users/jo.bloggs@example.com/pay?card=4111111111111111&name=Jo#frag",
			Doing: "Paying with card 4111 1111 1111 1111, email jo.bloggs@example.com",
			Wrong: "Call me on 07700 900123 or +44 20 7946 0958. NI JK 12 34 56 C, postcode SW1A 1AA, from 192.0.2.33",
		})
		if err != nil {
			t.Fatal(err)
		}
		var url, page, doing, wrong, search string
		if err := db.QueryRowContext(ctx, `SELECT url, page, doing, wrong, search_text FROM feedback WHERE id = $1`, rc.ID).
			Scan(&url, &page, &doing, &wrong, &search); err != nil {
			t.Fatal(err)
		}
		row := strings.Join([]string{url, page, doing, wrong, search}, "\n")
		for _, leak := range []string{"jo.bloggs", "4111", "07700", "7946", "JK 12", "SW1A", "192.0.2.33", "card=", "name=Jo", "frag"} {
			if strings.Contains(row, leak) {
				t.Errorf("stored row holds %q:\n%s", leak, row)
			}
		}
		if url != "https://apply.example.gov/users/[email]/pay" || page != "/users/[email]/pay" {
			t.Errorf("url %q, page %q", url, page)
		}
		for _, want := range []string{"[card]", "[email]"} {
			if !strings.Contains(doing, want) {
				t.Errorf("doing %q lacks %s", doing, want)
			}
		}
		for _, want := range []string{"[phone]", "[ni-number]", "[postcode]", "[ip]"} {
			if !strings.Contains(wrong, want) {
				t.Errorf("wrong %q lacks %s", wrong, want)
			}
		}
		if !strings.HasPrefix(search, " paying with card ") || strings.Contains(search, "[") {
			t.Errorf("search_text %q", search)
		}
	})
}

func TestDuplicatesAndRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		other := newService(t, cat, "Renew", "renew.example.gov")
		in := feedback.Input{Kind: "comment", Comment: "Great, thanks jo@example.com"}

		first, err := fb.Submit(ctx, svc.ID, 42, in)
		if err != nil || first.Duplicate {
			t.Fatal(first, err)
		}
		// The same again, even with another address scrubbed away, is the first one.
		again, err := fb.Submit(ctx, svc.ID, 42, feedback.Input{Kind: "comment", Comment: "  Great, thanks ann@example.org "})
		if err != nil || !again.Duplicate || again.ID != first.ID {
			t.Fatalf("duplicate = %+v, %v; want the first's id %d", again, err, first.ID)
		}
		// Another visitor, or another service, is not a duplicate.
		if rc, err := fb.Submit(ctx, svc.ID, 43, in); err != nil || rc.Duplicate {
			t.Fatalf("another visitor = %+v, %v", rc, err)
		}
		if rc, err := fb.Submit(ctx, other.ID, 42, in); err != nil || rc.Duplicate {
			t.Fatalf("another service = %+v, %v", rc, err)
		}
		if n := countRows(t, db, `service_id = $1`, svc.ID); n != 2 {
			t.Fatalf("%d rows, want 2", n)
		}

		// Nine more from visitor 42 make ten in the window; the eleventh is refused.
		for i := range 9 {
			c.advance(time.Second)
			if _, err := fb.Submit(ctx, svc.ID, 42, feedback.Input{Kind: "comment", Comment: fmt.Sprint("note ", i)}); err != nil {
				t.Fatalf("submission %d: %v", i+2, err)
			}
		}
		_, err = fb.Submit(ctx, svc.ID, 42, feedback.Input{Kind: "comment", Comment: "one too many"})
		var limit *feedback.LimitError
		if !errors.As(err, &limit) || limit.RetryAfter != 10*time.Minute-9*time.Second || limit.Seconds() != 591 {
			t.Fatalf("11th = %v, want a LimitError retrying after 9m51s", err)
		}
		if fault.KindOf(err) != fault.TooMany {
			t.Fatalf("11th = %v, want a TooMany fault", err)
		}
		// A duplicate of one in the window is still answered.
		if rc, err := fb.Submit(ctx, svc.ID, 42, in); err != nil || rc.ID != first.ID {
			t.Fatalf("duplicate while limited = %+v, %v", rc, err)
		}
		// Once the first leaves the window, one more fits.
		c.advance(10*time.Minute - 9*time.Second)
		if _, err := fb.Submit(ctx, svc.ID, 42, feedback.Input{Kind: "comment", Comment: "later"}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// Visitor 0 (unknown) is never limited.
		for i := range 12 {
			if _, err := fb.Submit(ctx, svc.ID, 0, feedback.Input{Kind: "comment", Comment: fmt.Sprint("anon ", i)}); err != nil {
				t.Fatal(err)
			}
		}
		if n := countRows(t, db, `service_id = $1`, svc.ID); n != 2+9+1+12 {
			t.Fatalf("%d rows, want 24", n)
		}
	})
}

func TestEnterStaffFeedback(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		it, err := fb.Enter(ctx, svc.ID, feedback.Input{Kind: "satisfaction", Channel: "partner", GivenBy: "adviser",
			Comment: "The form times out. Ring 020 7946 0958", Rating: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if it.Channel != feedback.ChannelPartner || it.GivenBy != "adviser" || it.Comment != "The form times out. Ring [phone]" ||
			it.Status != feedback.StatusNew || *it.Rating != 2 || it.Useful != nil {
			t.Fatalf("entered %+v", it)
		}
		for _, tc := range []struct {
			name       string
			in         feedback.Input
			field, msg string
		}{
			{"no channel", feedback.Input{Kind: "comment", Comment: "x"}, "channel", "channel must be"},
			{"web channel", feedback.Input{Kind: "comment", Comment: "x", Channel: "web"}, "channel", "channel must be phone"},
			{"unknown channel", feedback.Input{Kind: "comment", Comment: "x", Channel: "fax"}, "channel", "channel must be phone"},
			{"given_by a name", feedback.Input{Kind: "comment", Comment: "x", Channel: "phone", GivenBy: "Mrs Jane Doe"}, "given_by", "a role, never a name"},
			{"given_by on two lines", feedback.Input{Kind: "comment", Comment: "x", Channel: "phone", GivenBy: "a\nb"}, "given_by", "one of applicant"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fb.Enter(ctx, svc.ID, tc.in)
				inputError(t, err, 400, tc.field, tc.msg)
			})
		}
	})
}

func TestRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		other := newService(t, cat, "Renew", "renew.example.gov")
		for _, tc := range []struct {
			name, rule, pattern string
			status              int
			field, msg          string
		}{
			{"no name", "", "X", 400, "name", "Enter a name"},
			{"bad name", "case ref!", "X", 400, "name", "may only hold a-z"},
			{"built-in name", "email", "X", 400, "name", "built-in"},
			{"no pattern", "case-ref", "", 400, "pattern", "Enter the pattern"},
			{"bad pattern", "case-ref", "CASE-(", 400, "pattern", "does not compile"},
			{"empty match", "case-ref", "x*", 400, "pattern", "empty string"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fb.AddRule(ctx, svc.ID, tc.rule, tc.pattern)
				inputError(t, err, tc.status, tc.field, tc.msg)
			})
		}
		r, err := fb.AddRule(ctx, svc.ID, " Case-Ref ", `CASE-[0-9]{6}`)
		if err != nil || r.Name != "case-ref" {
			t.Fatal(r, err)
		}
		_, err = fb.AddRule(ctx, svc.ID, "case-ref", `REF[0-9]+`)
		inputError(t, err, 409, "name", "already a rule")

		in := feedback.Input{Kind: "comment", Comment: "About CASE-123456, thanks"}
		rc, err := fb.Submit(ctx, svc.ID, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		it, _ := fb.Item(ctx, svc.ID, rc.ID)
		if it.Comment != "About [case-ref], thanks" {
			t.Fatalf("with the rule: %q", it.Comment)
		}
		rc, _ = fb.Submit(ctx, other.ID, 0, in)
		if it, _ := fb.Item(ctx, other.ID, rc.ID); it.Comment != in.Comment {
			t.Fatalf("another service's rule applied: %q", it.Comment)
		}
		if list, err := fb.Rules(ctx, svc.ID); err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
		if err := fb.DeleteRule(ctx, other.ID, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete another service's rule: %v", err)
		}
		if err := fb.DeleteRule(ctx, svc.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		rc, _ = fb.Submit(ctx, svc.ID, 0, feedback.Input{Kind: "comment", Comment: "About CASE-654321"})
		if it, _ := fb.Item(ctx, svc.ID, rc.ID); it.Comment != "About CASE-654321" {
			t.Fatalf("deleted rule still applied: %q", it.Comment)
		}
	})
}
