package kpi

import (
	"fmt"
	"html/template"
	"math"

	"github.com/liveops/liveops/internal/i18n"
)

// figureView is one headline KPI as pages show it, in the page's language.
type figureView struct {
	Name        Name
	Label       string
	Value       string // formatted, or "No figure"
	Known       bool
	Points      string
	Change      string
	ChangeClass string // good, bad or ""
	Target      string
	Rating      Rating
	Explain     explanation // empty for the satisfaction score
}

// formatMeasure writes a KPI's value: a percentage, or money.
func formatMeasure(n Name, v float64, currency string) string {
	if n.isRate() {
		return formatPercent(v)
	}
	return formatMoney(v, currency)
}

// figures are the report's headline KPIs as pages show them.
func (r *Report) figures(names []Name, au audience) []figureView {
	cur, before := r.Settings.Currency, au.before(r)
	var out []figureView
	for _, n := range names {
		a := r.Assessment(n)
		f := figureView{Name: n, Label: au.t(n.Label()), Value: au.t("No figure"), Known: a.Current.Known, Rating: a.Rating}
		if a.Current.Known {
			f.Value = formatMeasure(n, a.Current.Value, cur)
		}
		f.Points = pointsText(n, a.Current.Points, au)
		f.Change = changeText(a, cur, before, au)
		switch a.Better {
		case 1:
			f.ChangeClass = "good"
		case -1:
			f.ChangeClass = "bad"
		}
		if a.HasTarget {
			f.Target = au.t("Target: %s or more", formatMeasure(n, a.Target.Value(), cur))
			if a.Target.Direction == Lower {
				f.Target = au.t("Target: %s or less", formatMeasure(n, a.Target.Value(), cur))
			}
		}
		if n != SatisfactionScore {
			f.Explain = r.explain(a, au)
		}
		out = append(out, f)
	}
	return out
}

// pointsText says what a figure is based on.
func pointsText(n Name, points int, au audience) string {
	count, p := formatCount(float64(points)), float64(points)
	switch n {
	case UserSatisfaction, SatisfactionScore:
		return au.tn(p, "From %s survey answer", "From %s survey answers", count)
	case CostPerTransaction:
		return au.tn(p, "From %s cost figure", "From %s cost figures", count)
	}
	return au.tn(p, "From %s figure", "From %s figures", count)
}

// changeText says how a KPI moved since the period before (named by
// before): in percentage points for rates, in money for costs.
func changeText(a Assessment, currency, before string, au audience) string {
	switch a.Trend {
	case "":
		return ""
	case Same:
		return au.t("No change on %s", before)
	}
	if a.Name.isRate() {
		pts := math.Abs(a.Change) * 100
		n := float64(math.Ceil(pts))
		if a.Trend == Down {
			return au.tn(n, "down %s point on %s", "down %s points on %s", trimFloat(pts), before)
		}
		return au.tn(n, "up %s point on %s", "up %s points on %s", trimFloat(pts), before)
	}
	if a.Trend == Down {
		return au.t("down %s on %s", formatMoney(math.Abs(a.Change), currency), before)
	}
	return au.t("up %s on %s", formatMoney(math.Abs(a.Change), currency), before)
}

// trimFloat writes v with one decimal, without a trailing .0.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

// chartView is one KPI's chart with its table.
type chartView struct {
	Name   Name
	Label  string
	SVG    template.HTML
	Rows   []chartRow
	Target string
	// Before names the period before when the chart draws its figures.
	Before string
}

// chartRow is one point of a chart's table, beside the matching point of
// the period before (Previous is "" when that has none).
type chartRow struct {
	Label, Value, Points, PreviousLabel, Previous string
}

// charts draws a chart per KPI over the series, with the period before's.
func (r *Report) charts(au audience) []chartView {
	cur, before := r.Settings.Currency, au.before(r)
	var out []chartView
	for _, n := range append(Headline[:3:3], SatisfactionScore, CostPerTransaction) {
		var target *float64
		cv := chartView{Name: n, Label: au.t(n.Label())}
		if t, ok := r.Settings.Targets[n]; ok {
			target = ptr(t.Value())
			cv.Target = formatMeasure(n, t.Value(), cur)
		}
		cv.SVG = lineChart(n, r.Series, r.PreviousSeries, r.Interval, target, cur, au, before)
		value := func(m Measure) string {
			if m.Known {
				return formatMeasure(n, m.Value, cur)
			}
			return au.t("No figure")
		}
		for i, p := range r.Series {
			m := p.KPIs.Get(n)
			row := chartRow{Label: p.Label(), Value: value(m), Points: formatCount(float64(m.Points))}
			if i < len(r.PreviousSeries) {
				prev := r.PreviousSeries[i]
				row.PreviousLabel, row.Previous = prev.Label(), value(prev.KPIs.Get(n))
				if prev.KPIs.Get(n).Known {
					cv.Before = before
				}
			}
			cv.Rows = append(cv.Rows, row)
		}
		out = append(out, cv)
	}
	return out
}

// channelRow is one line of the transactions-by-channel tables.
type channelRow struct {
	Label string
	Cells []string // completed per channel, in the order of Channels
	Total string
}

// channelRows are the completed transactions by channel at each point.
func (r *Report) channelRows() []channelRow {
	var out []channelRow
	for _, p := range r.Series {
		row := channelRow{Label: p.Label(), Total: formatCount(p.Counts.CompletedAll())}
		for i := range numChannels {
			row.Cells = append(row.Cells, formatCount(p.Counts.Completed[i]))
		}
		out = append(out, row)
	}
	return out
}

// channelTotal is one channel over the whole period, with the
// transactions it completed in the period before.
type channelTotal struct {
	Label, Started, Completed, Share, Cost, PreviousCompleted string
}

// channelTotals are the period's transactions by channel, with each
// channel's share of those completed and its cost per transaction.
func (r *Report) channelTotals(au audience) []channelTotal {
	all := r.Counts.CompletedAll()
	costs := map[Channel]Measure{}
	for _, cm := range r.KPIs.CostByChannel {
		costs[cm.Channel] = cm.Measure
	}
	var out []channelTotal
	for i, ch := range Channels {
		t := channelTotal{Label: au.t(ch.Label()), Started: formatCount(r.Counts.Started[i]), Completed: formatCount(r.Counts.Completed[i]),
			PreviousCompleted: formatCount(r.PreviousCounts.Completed[i])}
		if all > 0 {
			t.Share = formatPercent(r.Counts.Completed[i] / all)
		}
		if m, ok := costs[ch]; ok && m.Known {
			t.Cost = formatMoney(m.Value, r.Settings.Currency)
		}
		out = append(out, t)
	}
	return out
}

// inputView is one row of the inputs table.
type inputView struct {
	Label, Source, LastUpdated, DataUntil, Expected, Note string
	Stale, Missing                                        bool
}

// inputViews are the report's inputs as the inputs table shows them (the
// public's shows no notes and no expected ages).
func (r *Report) inputViews(au audience) []inputView {
	var out []inputView
	for _, f := range r.Inputs {
		v := inputView{Label: au.t(f.Label()), Source: au.t(f.Source), LastUpdated: au.t("Not known"), DataUntil: f.DataUntil, Note: f.Note,
			Stale: f.Stale, Missing: f.Missing, Expected: fmt.Sprintf("%d %s", f.ExpectedAge, plural(f.ExpectedAge, "day", "days"))}
		if !f.LastUpdated.IsZero() {
			v.LastUpdated = i18n.Date(au.lang, f.LastUpdated.In(r.Service.Location()), "2 Jan 2006 15:04")
		}
		out = append(out, v)
	}
	return out
}

// lastUpdatedText says when the newest input changed, for the public page.
func (r *Report) lastUpdatedText(lang string) string {
	t := r.LastUpdated()
	if t.IsZero() {
		return ""
	}
	return i18n.Date(lang, t.In(r.Service.Location()), "2 January 2006")
}
