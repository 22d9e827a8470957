package kpi

import (
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
)

// TestEveryMessageInWelsh says every figure of a public page in Welsh in
// each way the pages can: each reason a figure cannot be worked out, each
// trend, one and many, periods of months and of days. None may lack its
// Welsh. (The pages' own test renders the rest.)
func TestEveryMessageInWelsh(t *testing.T) {
	cy := audience{lang: i18n.Welsh}
	first, _ := parseDay("2026-03-01")
	r := &Report{Service: &catalog.Service{Slug: "s"}, Settings: Settings{Currency: "GBP"}}
	var said []string
	for _, p := range []span{monthOf(first), {first, monthOf(first).Last + 61}, {first, first}, {first, first + 9}} {
		r.period, r.previous = p, p.previous()
		said = append(said, cy.before(r), cy.date(p.First))
	}
	reasons := []string{reasonNoDigital, reasonNoStarts, reasonNoCompletions, reasonNoAnswers, reasonNoCosts, reasonNoCoveredTx, reasonSomeCosts + "phone.", "other"}
	for _, n := range append(Headline, SatisfactionScore) {
		for _, reason := range reasons {
			for _, days := range []int{0, 3} {
				r.Counts.UnknownDays = days
				said = append(said, r.missing(n, unknown(reason, 0), cy).Text)
			}
		}
		for _, points := range []int{1, 2} {
			said = append(said, pointsText(n, points, cy))
		}
		for _, cur := range []Measure{known(0.5, 1), known(0.6, 1), known(0.4, 1), unknown(reasonNoCosts, 0)} {
			for _, prev := range []Measure{known(0.5, 1), known(0.51, 1), unknown(reasonNoCosts, 0)} {
				a := assess(n, cur, prev, Settings{})
				said = append(said, r.comparison(a, cy), changeText(a, "GBP", cy.before(r), cy))
				r.Counts.CompletedCovered = 1
				said = append(said, r.meaning(n, cur, cy))
				r.Counts.CompletedCovered = 2
				said = append(said, r.meaning(n, cur, cy))
			}
		}
	}
	for _, rt := range []Rating{OnTarget, Near, OffTarget} {
		said = append(said, cy.t(rt.Label()))
	}
	for _, iv := range Intervals {
		said = append(said, cy.t(iv.Label()), cy.t(iv.Noun()))
	}
	said = append(said, cy.t(AllChannels.Label()))
	for _, ch := range Channels {
		said = append(said, cy.t(ch.Label()), cy.t(Freshness{Input: InputChannels, Channel: ch}.Label()))
	}
	// The sources freshness names (fresh.go).
	for _, src := range []string{"Submitted figures", "None submitted", "Submitted costs", "The satisfaction survey", "Not connected",
		"The service’s main funnel", "The service’s main funnel, and submitted figures", "None"} {
		said = append(said, cy.t(src))
	}
	for _, in := range []InputKind{InputDigital, InputChannels, InputCosts, InputSatisfaction} {
		said = append(said, cy.t(in.Label()))
	}
	for _, m := range i18n.Missing() {
		if strings.HasPrefix(m, i18n.Welsh+": ") {
			t.Errorf("no Welsh for %q", m)
		}
	}
	if len(said) < 100 || strings.Contains(strings.Join(said, " "), " the ") {
		t.Errorf("the Welsh pages said English: %q", said)
	}
}
