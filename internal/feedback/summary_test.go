package feedback_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func TestSatisfaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		other := newService(t, cat, "Renew", "renew.example.gov")
		from, to := fixedNow, fixedNow.Add(24*time.Hour)
		at := func(d time.Duration, s *catalog.Service, in feedback.Input) {
			t.Helper()
			c.set(fixedNow.Add(d))
			var err error
			if in.Channel != "" {
				_, err = fb.Enter(ctx, s.ID, in)
			} else {
				_, err = fb.Submit(ctx, s.ID, 0, in)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		sat := func(r string) feedback.Input { return feedback.Input{Kind: "satisfaction", Rating: r} }
		at(0, svc, sat("5")) // at from: counted
		at(time.Hour, svc, sat("5"))
		at(2*time.Hour, svc, sat("4"))
		at(3*time.Hour, svc, feedback.Input{Kind: "satisfaction", Rating: "3", Channel: "phone"}) // staff-entered answers count
		at(4*time.Hour, svc, sat("1"))
		at(-time.Second, svc, sat("1"))                                     // before from
		at(24*time.Hour, svc, sat("1"))                                     // at to: not counted
		at(5*time.Hour, svc, feedback.Input{Kind: "comment", Comment: "x"}) // not the survey
		at(5*time.Hour, other, sat("2"))                                    // another service

		if last, err := fb.LastSatisfaction(ctx, svc.ID); err != nil || !last.Equal(fixedNow.Add(24*time.Hour)) {
			t.Errorf("last answer %v (%v), want the one at the end of the day", last, err)
		}
		if last, err := fb.LastSatisfaction(ctx, 999999); err != nil || !last.IsZero() {
			t.Errorf("a service with no answers: %v (%v)", last, err)
		}
		got, err := fb.Satisfaction(ctx, svc.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if got.Ratings != [5]int{1, 0, 1, 1, 2} || got.Total() != 5 || got.Satisfied() != 3 || got.Of(5) != 2 || got.Of(6) != 0 {
			t.Fatalf("counts %+v", got)
		}
		if got.SatisfiedShare() != 0.6 || math.Abs(got.Score()-0.65) > 1e-9 {
			t.Fatalf("share %v, score %v; want 0.6 and 0.65", got.SatisfiedShare(), got.Score())
		}
		var none feedback.SatisfactionCounts
		if none.Score() != 0 || none.SatisfiedShare() != 0 {
			t.Fatal("empty counts are not 0")
		}
	})
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, fb := catalog.New(db), feedback.New(db)
		c := &clock{t: fixedNow}
		fb.SetClock(c.now)
		svc := newService(t, cat, "Apply", "apply.example.gov")
		seed(t, fb, c, svc)
		london := svc.Location()

		// The last 15 days against the 15 before: items 0 to 61 and 62 to 119.
		to := fixedNow.Add(time.Second)
		from := to.Add(-15 * 24 * time.Hour)
		s, err := fb.Summarize(ctx, svc.ID, from, to, london)
		if err != nil {
			t.Fatal(err)
		}
		// /start has every problem report (odd items); /pay the useful answers.
		if len(s.Pages) != 2 || s.Pages[0] != (feedback.PageSummary{Page: "/start", Problems: 15}) ||
			s.Pages[1] != (feedback.PageSummary{Page: "/pay", Yes: 8, No: 7}) {
			t.Fatalf("pages %+v", s.Pages)
		}
		if share, ok := s.Pages[1].UsefulShare(); !ok || share != 8.0/15 {
			t.Fatalf("useful share %v %v", share, ok)
		}
		if s.Satisfaction.Total() != 15 || s.Monthly {
			t.Fatalf("satisfaction %+v, monthly %v", s.Satisfaction, s.Monthly)
		}
		// Weeks run Monday to Sunday in London: 31 May (a Sunday) to 15 June
		// cuts into four, the first and last partial.
		sum := 0
		var starts []string
		for _, p := range s.Trend {
			sum += p.Counts.Total()
			starts = append(starts, p.Start.In(london).Format("Mon 2 Jan 15:04"))
		}
		if sum != 15 || len(s.Trend) != 4 || starts[1] != "Mon 1 Jun 00:00" || starts[3] != "Mon 15 Jun 00:00" {
			t.Fatalf("trend: %d answers in %v", sum, starts)
		}
		if s.Texts != 30 {
			t.Fatalf("%d texts, want 30 (problem reports and comments)", s.Texts)
		}
		words := map[string]int{}
		for _, w := range s.Words {
			words[w.Term] = w.Count*1000 + w.Previous
		}
		// "failed": 15 problem reports and the 5 card comments now; 15 and 5 before.
		if words["failed"] != 20_020 || words["parking"] != 10_010 {
			t.Fatalf("words %+v", s.Words)
		}
		phrases := map[string]bool{}
		for _, p := range s.Phrases {
			phrases[p.Term] = true
		}
		if !phrases["card payment"] || !phrases["permit renewal"] {
			t.Fatalf("phrases %+v", s.Phrases)
		}

		// A period over 92 days goes by month.
		s, err = fb.Summarize(ctx, svc.ID, to.AddDate(0, 0, -100), to, london)
		if err != nil || !s.Monthly || len(s.Trend) != 4 || s.Satisfaction.Total() != 30 {
			t.Fatalf("by month: %+v, %v", s, err)
		}
	})
}
