package kpi

import (
	"fmt"
	"html/template"
	"math"
)

// figureView is one headline KPI as pages show it.
type figureView struct {
	Name        Name
	Label       string
	Value       string // formatted, or "No figure"
	Known       bool
	Reason      string
	Points      string
	Change      string
	ChangeClass string // good, bad or ""
	Target      string
	Rating      Rating
}

// formatMeasure writes a KPI's value: a percentage, or money.
func formatMeasure(n Name, v float64, currency string) string {
	if n.isRate() {
		return formatPercent(v)
	}
	return formatMoney(v, currency)
}

// figures are the report's headline KPIs as pages show them.
func (r *Report) figures(names []Name) []figureView {
	cur := r.Settings.Currency
	var out []figureView
	for _, n := range names {
		a := r.Assessment(n)
		f := figureView{Name: n, Label: n.Label(), Value: "No figure", Known: a.Current.Known, Reason: a.Current.Reason, Rating: a.Rating}
		if a.Current.Known {
			f.Value = formatMeasure(n, a.Current.Value, cur)
		}
		f.Points = pointsText(n, a.Current.Points)
		f.Change = changeText(a, cur)
		switch a.Better {
		case 1:
			f.ChangeClass = "good"
		case -1:
			f.ChangeClass = "bad"
		}
		if a.HasTarget {
			more := "or more"
			if a.Target.Direction == Lower {
				more = "or less"
			}
			f.Target = fmt.Sprintf("Target: %s %s", formatMeasure(n, a.Target.Value(), cur), more)
		}
		out = append(out, f)
	}
	return out
}

// pointsText says what a figure is based on.
func pointsText(n Name, points int) string {
	switch n {
	case UserSatisfaction, SatisfactionScore:
		return fmt.Sprintf("From %s survey %s", formatCount(float64(points)), plural(points, "answer", "answers"))
	case CostPerTransaction:
		return fmt.Sprintf("From %s cost %s", formatCount(float64(points)), plural(points, "figure", "figures"))
	}
	return fmt.Sprintf("From %s %s", formatCount(float64(points)), plural(points, "figure", "figures"))
}

// changeText says how a KPI moved since the period before: in percentage
// points for rates, in money for costs.
func changeText(a Assessment, currency string) string {
	switch a.Trend {
	case "":
		return ""
	case Same:
		return "No change on the period before"
	}
	way := "up"
	if a.Trend == Down {
		way = "down"
	}
	if a.Name.isRate() {
		pts := math.Abs(a.Change) * 100
		return fmt.Sprintf("%s %s %s on the period before", way, trimFloat(pts), plural(int(math.Ceil(pts)), "point", "points"))
	}
	return fmt.Sprintf("%s %s on the period before", way, formatMoney(math.Abs(a.Change), currency))
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
}

type chartRow struct {
	Label, Value, Points string
}

// charts draws a chart per KPI over the series.
func (r *Report) charts() []chartView {
	cur := r.Settings.Currency
	var out []chartView
	for _, n := range append(Headline[:3:3], SatisfactionScore, CostPerTransaction) {
		var target *float64
		cv := chartView{Name: n, Label: n.Label()}
		if t, ok := r.Settings.Targets[n]; ok {
			target = ptr(t.Value())
			cv.Target = formatMeasure(n, t.Value(), cur)
		}
		cv.SVG = lineChart(n, r.Series, r.Interval, target, cur)
		for _, p := range r.Series {
			m := p.KPIs.Get(n)
			row := chartRow{Label: p.Label(), Value: "No figure", Points: formatCount(float64(m.Points))}
			if m.Known {
				row.Value = formatMeasure(n, m.Value, cur)
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

// channelTotal is one channel over the whole period.
type channelTotal struct {
	Label, Started, Completed, Share, Cost string
}

// channelTotals are the period's transactions by channel, with each
// channel's share of those completed and its cost per transaction.
func (r *Report) channelTotals() []channelTotal {
	all := r.Counts.CompletedAll()
	costs := map[Channel]Measure{}
	for _, cm := range r.KPIs.CostByChannel {
		costs[cm.Channel] = cm.Measure
	}
	var out []channelTotal
	for i, ch := range Channels {
		t := channelTotal{Label: ch.Label(), Started: formatCount(r.Counts.Started[i]), Completed: formatCount(r.Counts.Completed[i])}
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

// inputViews are the report's inputs as the inputs table shows them.
func (r *Report) inputViews() []inputView {
	var out []inputView
	for _, f := range r.Inputs {
		v := inputView{Label: f.Label(), Source: f.Source, LastUpdated: "Not known", DataUntil: f.DataUntil, Note: f.Note, Stale: f.Stale, Missing: f.Missing,
			Expected: fmt.Sprintf("%d %s", f.ExpectedAge, plural(f.ExpectedAge, "day", "days"))}
		if !f.LastUpdated.IsZero() {
			v.LastUpdated = f.LastUpdated.In(r.Service.Location()).Format("2 Jan 2006 15:04")
		}
		out = append(out, v)
	}
	return out
}

// lastUpdatedText says when the newest input changed, for the public page.
func (r *Report) lastUpdatedText() string {
	t := r.LastUpdated()
	if t.IsZero() {
		return ""
	}
	return t.In(r.Service.Location()).Format("2 January 2006")
}
