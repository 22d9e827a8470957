package kpi_test

import (
	"testing"
	"time"

	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

func TestStaleness(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Fresh", "UTC", false)
		hs.settings(s, func(set *kpi.Settings) { set.MainFunnelID = hs.funnel(s) })
		hs.fakes.funnel("2026-06-13", 10, 5) // the last day a visit started the funnel
		answered := fixedNow.Add(-3 * 24 * time.Hour)
		hs.fakes.answer(s, answered, 4, 2)                                                // within a week
		hs.transactions(s, lines("date,channel,started,completed", "2026-05,phone,10,9")) // at fixedNow

		inputs := func() map[string]kpi.Freshness {
			out := map[string]kpi.Freshness{}
			for _, f := range hs.report(s, "2026-05-01", "2026-05-31", kpi.Monthly).Inputs {
				out[f.Label()] = f
			}
			return out
		}
		type want struct {
			stale   bool
			updated time.Time
			until   string
			note    string
		}
		check := func(when string, got map[string]kpi.Freshness, wants map[string]want) {
			t.Helper()
			if len(got) != len(wants) {
				t.Errorf("%s: inputs %v", when, got)
			}
			for label, w := range wants {
				f, ok := got[label]
				if !ok || f.Stale != w.stale || !f.LastUpdated.Equal(w.updated) || f.DataUntil != w.until || f.Note != w.note {
					t.Errorf("%s: %s = %+v, want %+v", when, label, f, w)
				}
			}
		}
		endOf13 := time.Date(2026, 6, 14, 0, 0, 0, 0, time.UTC)
		check("now", inputs(), map[string]want{
			"Digital transactions":        {false, endOf13, "2026-06-13", ""},
			"Phone transactions":          {false, fixedNow, "2026-05-31", ""},
			"Costs":                       {true, time.Time{}, "", "No costs were submitted, so there is no cost per transaction."},
			"Satisfaction survey answers": {false, answered, "", "2 answers in the last 7 days."},
		})

		// A day and a half later the funnel's figures are 2.5 days old
		// (more than 2); 36 days on, the monthly phone figures (35).
		hs.setNow(fixedNow.Add(36 * time.Hour))
		check("a day and a half later", inputs(), map[string]want{
			"Digital transactions":        {true, endOf13, "2026-06-13", "No visit started the main funnel in the last 2 days: check that the tracker is on the start page."},
			"Phone transactions":          {false, fixedNow, "2026-05-31", ""},
			"Costs":                       {true, time.Time{}, "", "No costs were submitted, so there is no cost per transaction."},
			"Satisfaction survey answers": {false, answered, "", "2 answers in the last 7 days."},
		})
		hs.setNow(fixedNow.Add(36 * 24 * time.Hour))
		hs.costs(s, lines("from,to,channel,amount", "2026-04-01,2026-06-30,all,100"))
		// The funnel's last start is looked for over a month at least: 36
		// days on, it is not known any more.
		check("36 days later", inputs(), map[string]want{
			"Digital transactions":        {true, time.Time{}, "", "No visit started the main funnel in the last 2 days: check that the tracker is on the start page."},
			"Phone transactions":          {true, fixedNow, "2026-05-31", ""},
			"Costs":                       {false, fixedNow.Add(36 * 24 * time.Hour), "2026-06-30", ""},
			"Satisfaction survey answers": {true, answered, "", "No answers in the last 7 days."},
		})

		// Submitted digital figures count as digital input too; the
		// expected ages are the service's own.
		hs.setNow(fixedNow)
		hs.transactions(s, lines("date,channel,started,completed", "2026-06-14,digital,3,3"))
		hs.settings(s, func(set *kpi.Settings) { set.ExpectedAge[kpi.InputChannels] = 1 })
		hs.setNow(fixedNow.Add(25 * time.Hour))
		got := inputs()
		if f := got["Digital transactions"]; f.Stale || !f.LastUpdated.Equal(fixedNow) || f.Source != "The service’s main funnel, and submitted figures" {
			t.Errorf("digital with submitted figures: %+v", f)
		}
		if f := got["Phone transactions"]; !f.Stale || f.ExpectedAge != 1 {
			t.Errorf("phone with an expected age of 1 day: %+v", f)
		}
	})
}

func TestNoInputs(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	hs := newHarness(t, db)
	s := hs.service("Nothing", "UTC", false)
	r := hs.report(s, "2026-05-01", "2026-05-31", kpi.Monthly)
	var notes []string
	for _, f := range r.Inputs {
		if !f.Stale || !f.Missing {
			t.Errorf("%s: stale %v, missing %v; want both", f.Label(), f.Stale, f.Missing)
		}
		notes = append(notes, f.Label()+": "+f.Note)
	}
	want := []string{
		"Digital transactions: No main funnel is chosen and no digital figures were submitted.",
		"Transactions through other channels: No figures from channels other than digital were submitted, so digital take-up counts digital transactions only.",
		"Costs: No costs were submitted, so there is no cost per transaction.",
		"Satisfaction survey answers: No answers in the last 7 days.",
	}
	for i := range want {
		if i >= len(notes) || notes[i] != want[i] {
			t.Fatalf("inputs:\n%q\nwant\n%q", notes, want)
		}
	}
	// Nothing was ever provided: the page says what to provide first,
	// not that the figures are late.
	if r.Stale() || !r.LastUpdated().IsZero() || len(r.MissingSteps()) != 4 {
		t.Errorf("stale %v, last updated %v, missing %+v", r.Stale(), r.LastUpdated(), r.MissingSteps())
	}
}
