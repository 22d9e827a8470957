package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// seeded is one item the seed wrote, as the test expects it stored.
type seeded struct {
	id      int64
	kind    feedback.Kind
	url     string
	rating  int
	channel feedback.Channel
	text    string
	at      time.Time
}

// seed writes 120 items to svc, one every 6 hours back from fixedNow: the
// four kinds in turn, every tenth entered by staff by phone, pages /pay and
// /start in turn, and texts with recurring themes. It returns them as stored.
func seed(t testing.TB, fb *feedback.Feedback, c *clock, svc *catalog.Service) []seeded {
	t.Helper()
	ctx := context.Background()
	var out []seeded
	for i := range 120 {
		at := fixedNow.Add(-time.Duration(i) * 6 * time.Hour)
		c.set(at)
		s := seeded{kind: feedback.Kinds[i%4], url: "https://apply.example.gov/start", channel: feedback.ChannelWeb, at: at}
		if i%2 == 0 {
			s.url = "https://apply.example.gov/pay"
		}
		in := feedback.Input{Kind: string(s.kind), URL: s.url + "?session=abc"}
		switch s.kind {
		case feedback.KindUseful:
			in.Useful = map[bool]string{true: "yes", false: "no"}[i%8 == 0]
		case feedback.KindProblem:
			in.Doing, in.Wrong = "Signing in", "It failed"
			if i%3 == 0 {
				in.Doing = "Paying by card"
			}
			s.text = in.Doing + " " + in.Wrong
		case feedback.KindSatisfaction:
			s.rating = (i/4)%5 + 1
			in.Rating = fmt.Sprint(s.rating)
		case feedback.KindComment:
			in.Comment = "Parking permit renewal was slow"
			if i%12 == 3 {
				in.Comment = "Card payment failed again!"
			}
			s.text = in.Comment
		}
		var err error
		if i%10 == 9 {
			in.Channel, s.channel = "phone", feedback.ChannelPhone
			var it *feedback.Item
			if it, err = fb.Enter(ctx, svc.ID, in); err == nil {
				s.id = it.ID
			}
		} else {
			var rc feedback.Receipt
			rc, err = fb.Submit(ctx, svc.ID, int64(i+1), in)
			s.id = rc.ID
		}
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		out = append(out, s)
	}
	c.set(fixedNow)
	return out
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		other := newService(t, cat, "Renew", "renew.example.gov")
		items := seed(t, fb, c, svc)
		seed(t, fb, c, other) // the same again, which no filter of svc may return

		// Ten problem reports about paying get the tag "payments".
		var paying []int64
		for _, s := range items {
			if s.kind == feedback.KindProblem && strings.HasPrefix(s.text, "Paying") {
				paying = append(paying, s.id)
			}
		}
		if n, err := fb.Bulk(ctx, []int64{svc.ID}, paying, feedback.Change{AddTags: []string{"Payments"}}); err != nil || n != 10 {
			t.Fatalf("tag %d items: %d, %v", len(paying), n, err)
		}
		// The newest 15 are triaged.
		var newest []int64
		for _, s := range items[:15] {
			newest = append(newest, s.id)
		}
		st := feedback.StatusTriaged
		if _, err := fb.Bulk(ctx, []int64{svc.ID}, newest, feedback.Change{Status: &st}); err != nil {
			t.Fatal(err)
		}

		london, _ := time.LoadLocation("Europe/London")
		june1 := time.Date(2026, 6, 1, 0, 0, 0, 0, london)
		june8 := time.Date(2026, 6, 8, 0, 0, 0, 0, london)
		for _, tc := range []struct {
			name string
			flt  feedback.Filter
			want int
		}{
			{"everything", feedback.Filter{}, 120},
			{"kind", feedback.Filter{Kind: feedback.KindProblem}, 30},
			{"status new", feedback.Filter{Status: feedback.StatusNew}, 105},
			{"status triaged", feedback.Filter{Status: feedback.StatusTriaged}, 15},
			{"rating", feedback.Filter{Rating: 5}, 6},
			{"channel phone", feedback.Filter{Channel: feedback.ChannelPhone}, 12},
			{"channel web", feedback.Filter{Channel: feedback.ChannelWeb}, 108},
			{"tag", feedback.Filter{Tag: "payments"}, 10},
			{"page contains", feedback.Filter{URL: "/pay"}, 60},
			{"page is case-sensitive", feedback.Filter{URL: "/PAY"}, 0},
			{"no query string stored", feedback.Filter{URL: "session"}, 0},
			{"text", feedback.Filter{Text: "CARD PAYMENT"}, 10},
			{"text is a substring", feedback.Filter{Text: "pay"}, 20},
			{"text across punctuation", feedback.Filter{Text: "payment, failed."}, 10},
			{"theme word", feedback.Filter{Theme: "failed"}, 40},
			{"theme is a whole word", feedback.Filter{Theme: "pay"}, 0},
			{"theme phrase", feedback.Filter{Theme: "permit renewal"}, 20},
			{"dates", feedback.Filter{From: june1, To: june8}, 28},
			{"kind and status", feedback.Filter{Kind: feedback.KindComment, Status: feedback.StatusNew}, 27},
			{"kind, channel and page", feedback.Filter{Kind: feedback.KindComment, Channel: feedback.ChannelPhone, URL: "/start"}, 6},
			{"tag and dates", feedback.Filter{Tag: "payments", From: june8}, 2},
			{"nothing", feedback.Filter{Kind: feedback.KindSatisfaction, Text: "card"}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.flt.Services = []int64{svc.ID}
				list, total, err := fb.List(ctx, tc.flt, 0, 500)
				if err != nil {
					t.Fatal(err)
				}
				if total != tc.want || len(list) != tc.want {
					t.Fatalf("total %d, %d listed; want %d", total, len(list), tc.want)
				}
				for i := 1; i < len(list); i++ {
					if list[i].CreatedAt.After(list[i-1].CreatedAt) {
						t.Fatalf("not newest first at %d", i)
					}
				}
				for _, it := range list {
					if it.ServiceID != svc.ID {
						t.Fatalf("item %d of service %d listed", it.ID, it.ServiceID)
					}
				}
			})
		}

		// Both services at once.
		if _, total, _ := fb.List(ctx, feedback.Filter{Services: []int64{svc.ID, other.ID}, Kind: feedback.KindUseful}, 0, 1); total != 60 {
			t.Fatalf("both services: %d useful, want 60", total)
		}
		if _, total, _ := fb.List(ctx, feedback.Filter{}, 0, 1); total != 0 {
			t.Fatalf("no services: %d", total)
		}

		// Pages of 50: 50, 50, 20, then none; the pages together are every item once.
		var ids []int64
		for page := range 4 {
			list, total, err := fb.List(ctx, feedback.Filter{Services: []int64{svc.ID}}, page*50, 50)
			if err != nil || total != 120 || len(list) != []int{50, 50, 20, 0}[page] {
				t.Fatalf("page %d: %d items of %d, %v", page+1, len(list), total, err)
			}
			for _, it := range list {
				ids = append(ids, it.ID)
			}
		}
		want := make([]int64, len(items))
		for i, s := range items {
			want[i] = s.id
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("paged ids %v, want %v", ids, want)
		}
		// Each reads the same, in batches.
		var each []int64
		if err := fb.Each(ctx, feedback.Filter{Services: []int64{svc.ID}}, func(it *feedback.Item) error {
			each = append(each, it.ID)
			return nil
		}); err != nil || !slices.Equal(each, want) {
			t.Fatalf("Each: %d ids, %v", len(each), err)
		}
		got, _ := fb.Item(ctx, svc.ID, paying[0])
		if !slices.Equal(got.Tags, []string{"payments"}) || got.URL != "https://apply.example.gov/start" {
			t.Fatalf("tagged item %+v", got)
		}
	})
}

func TestTriage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		other := newService(t, cat, "Renew", "renew.example.gov")
		var ids []int64
		for i := range 5 {
			rc, err := fb.Submit(ctx, svc.ID, 0, feedback.Input{Kind: "comment", Comment: fmt.Sprint("comment ", i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, rc.ID)
		}
		foreign, _ := fb.Submit(ctx, other.ID, 0, feedback.Input{Kind: "comment", Comment: "elsewhere"})

		c.advance(time.Hour)
		actioned, note, tags := feedback.StatusActioned, "Rang back on 07700 900123", []string{"Forms", "forms", " slow  page "}
		it, err := fb.Update(ctx, svc.ID, ids[0], feedback.Change{Status: &actioned, Tags: &tags, Note: &note})
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != actioned || !slices.Equal(it.Tags, []string{"forms", "slow page"}) || it.Note != "Rang back on [phone]" ||
			!it.UpdatedAt.Equal(fixedNow.Add(time.Hour)) || !it.CreatedAt.Equal(fixedNow) {
			t.Fatalf("updated %+v", it)
		}
		it, err = fb.Update(ctx, svc.ID, ids[0], feedback.Change{AddTags: []string{"urgent"}, RemoveTags: []string{"forms"}})
		if err != nil || !slices.Equal(it.Tags, []string{"slow page", "urgent"}) || it.Note != "Rang back on [phone]" || it.Status != actioned {
			t.Fatalf("add and remove: %+v, %v", it, err)
		}
		if _, err := fb.Update(ctx, svc.ID, foreign.ID, feedback.Change{AddTags: []string{"x"}}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another service's item: %v", err)
		}
		bad := feedback.Status("done")
		for _, tc := range []struct {
			name       string
			c          feedback.Change
			field, msg string
		}{
			{"status", feedback.Change{Status: &bad}, "status", "status must be"},
			{"tag characters", feedback.Change{AddTags: []string{"a,b!"}}, "add_tags", "only letters"},
			{"tag too long", feedback.Change{RemoveTags: []string{strings.Repeat("a", 41)}}, "remove_tags", "40 characters"},
			{"too many tags", feedback.Change{Tags: ptr(strings.Split("a b c d e f g h i j k l m n o p q r s t u", " "))}, "tags", "at most 20"},
			{"note too long", feedback.Change{Note: ptr(strings.Repeat("n", 2001))}, "note", "2,000 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := fb.Update(ctx, svc.ID, ids[1], tc.c)
				inputError(t, err, http.StatusBadRequest, tc.field, tc.msg)
			})
		}
		// Adding the 21st tag one at a time is refused too, and changes nothing.
		twenty := strings.Split("a b c d e f g h i j k l m n o p q r s t", " ")
		if _, err := fb.Update(ctx, svc.ID, ids[1], feedback.Change{Tags: &twenty}); err != nil {
			t.Fatal(err)
		}
		_, err = fb.Update(ctx, svc.ID, ids[1], feedback.Change{AddTags: []string{"u"}})
		inputError(t, err, http.StatusBadRequest, "add_tags", "at most 20")

		// Bulk: the items of the services given, and only those.
		triaged := feedback.StatusTriaged
		n, err := fb.Bulk(ctx, []int64{svc.ID}, []int64{ids[2], ids[3], ids[4], foreign.ID, 999999}, feedback.Change{Status: &triaged, AddTags: []string{"week 24"}})
		if err != nil || n != 3 {
			t.Fatalf("bulk = %d, %v; want 3", n, err)
		}
		if got := countRows(t, db, `status = 'triaged'`); got != 3 {
			t.Fatalf("%d triaged, want 3", got)
		}
		if f, _ := fb.Item(ctx, other.ID, foreign.ID); f.Status != feedback.StatusNew || len(f.Tags) != 0 {
			t.Fatalf("another service's item changed: %+v", f)
		}
		n, err = fb.Bulk(ctx, []int64{svc.ID}, ids, feedback.Change{RemoveTags: []string{"week 24"}})
		if err != nil || n != 5 {
			t.Fatalf("bulk remove = %d, %v", n, err)
		}
		if _, total, _ := fb.List(ctx, feedback.Filter{Services: []int64{svc.ID}, Tag: "week 24"}, 0, 10); total != 0 {
			t.Fatalf("%d still tagged", total)
		}
		for _, tc := range []struct {
			name       string
			ids        []int64
			c          feedback.Change
			field, msg string
		}{
			{"no items", nil, feedback.Change{Status: &triaged}, "ids", "Select at least one"},
			{"no change", ids, feedback.Change{}, "action", "Choose what to change"},
			{"a note", ids, feedback.Change{Note: &note}, "action", "sets the status"},
			{"too many", make([]int64, 501), feedback.Change{Status: &triaged}, "ids", "at most 500"},
		} {
			t.Run("bulk "+tc.name, func(t *testing.T) {
				_, err := fb.Bulk(ctx, []int64{svc.ID}, tc.ids, tc.c)
				inputError(t, err, http.StatusBadRequest, tc.field, tc.msg)
			})
		}
	})
}

func ptr[T any](v T) *T { return &v }
