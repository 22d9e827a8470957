package analytics

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
)

// chartRow is one time bucket of the chart, as its table shows it.
type chartRow struct {
	Label     string // as the Stats API writes the bucket, for the CSV
	Display   string // as people read it
	Visitors  string
	Pageviews string
	Before    string // visitors in the same bucket of the period before, when comparing
	Notes     []string
}

// The chart's drawing area, in SVG user units.
const (
	chartW, chartH      = 800.0, 240.0
	padLeft, padBottom  = 52.0, 28.0
	padTop, padRight    = 24.0, 52.0
	plotW, plotH        = chartW - padLeft - padRight, chartH - padTop - padBottom
	maxLabelsOnXAxis    = 6
	visitorsColour      = "#1d4ed8"
	pageviewsColour     = "#00703c"
	beforeColour        = "#6f777b"
	annotationColour    = "#b3261e"
	gridColour          = "#d0d3d6"
	chartTextColour     = "#484949"
	chartFontSize       = 12
	chartMarkerDiameter = 5
)

// chart draws visitors and page views over the period as an inline SVG,
// with release notes as markers, and fills the table that carries the
// same figures for screen readers and for people who prefer numbers.
func (d *Dashboard) chart(ctx context.Context, s *catalog.Service, data *dashboardData, r statsquery.DateRange) error {
	dim := "time:day"
	if r.LastDay == r.FirstDay {
		dim, data.ChartUnit = "time:hour", "hour"
	} else if r.To.Sub(r.From) > 100*24*time.Hour {
		dim, data.ChartUnit = "time:week", "week"
	} else {
		data.ChartUnit = "day"
	}
	res, q, err := d.run(ctx, s, data.View.body(site(s), data.View.dateRange(), []string{"visitors", "pageviews"}, []string{dim}))
	if err != nil {
		return err
	}
	buckets := q.TimeBuckets()
	// The line stops at the bucket under way ("today" at the current
	// hour, "this month" at today): what has not happened is not a zero.
	now := d.now()
	for len(buckets) > 1 && buckets[len(buckets)-1].From.After(now) {
		buckets = buckets[:len(buckets)-1]
	}
	visitors := make([]float64, len(buckets))
	pageviews := make([]float64, len(buckets))
	index := map[string]int{}
	for i, b := range buckets {
		index[b.Label] = i
	}
	for _, row := range res.Results {
		if i, ok := index[fmt.Sprint(row.Dimensions[0])]; ok {
			visitors[i], pageviews[i] = toFloat(row.Metrics[0]), toFloat(row.Metrics[1])
		}
	}
	// The period before, bucket for bucket, as a third line.
	var before []float64
	if data.View.Compare {
		prev, pq, err := d.run(ctx, s, data.View.body(site(s), previous(r.From, r.To, r.Location), []string{"visitors"}, []string{dim}))
		if err != nil {
			return err
		}
		pindex := map[string]int{}
		for i, b := range pq.TimeBuckets() {
			pindex[b.Label] = i
		}
		before = make([]float64, len(buckets))
		for _, row := range prev.Results {
			if i, ok := pindex[fmt.Sprint(row.Dimensions[0])]; ok && i < len(before) {
				before[i] = toFloat(row.Metrics[0])
			}
		}
	}
	notes, err := d.annotations.Between(ctx, s.ID, r.From, r.To)
	if err != nil {
		return err
	}
	data.Annotations = notes
	noteAt := map[int][]string{}
	for _, n := range notes {
		for i, b := range buckets {
			if !n.At.Before(b.From) && n.At.Before(b.To) {
				noteAt[i] = append(noteAt[i], n.Label)
			}
		}
	}
	for i, b := range buckets {
		row := chartRow{Label: b.Label, Display: bucketText(b.Label, data.ChartUnit), Visitors: groupThousands(int64(visitors[i])),
			Pageviews: groupThousands(int64(pageviews[i])), Notes: noteAt[i]}
		if before != nil {
			row.Before = groupThousands(int64(before[i]))
		}
		data.ChartRows = append(data.ChartRows, row)
	}
	data.Chart = drawChart(buckets, visitors, pageviews, before, noteAt, data.Range, data.ChartRows)
	return nil
}

// drawChart draws the lines on two scales, visitors on the left and page
// views on the right: page views are several times the visitors, and on
// one scale the visitors' line would lie flat. Each bucket has an area
// that names its figures on hover (and, with dashboard.js, on the arrow
// keys).
func drawChart(buckets []statsquery.Bucket, visitors, pageviews, before []float64, notes map[int][]string, period string, rows []chartRow) template.HTML {
	topV, topP := 10.0, 10.0 // so that a quiet period's scale still reads 0, 5, 10
	for i := range visitors {
		topV, topP = max(topV, visitors[i]), max(topP, pageviews[i])
	}
	for _, v := range before {
		topV = max(topV, v)
	}
	topV, topP = niceCeiling(topV), niceCeiling(topP)
	n := len(buckets)
	x := func(i int) float64 {
		if n == 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(i)/float64(n-1)
	}
	y := func(v, top float64) float64 { return padTop + plotH*(1-v/top) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="chart-title chart-desc" focusable="false">`, chartW, chartH)
	fmt.Fprintf(&b, `<title id="chart-title">Visitors and page views, %s</title>`, html.EscapeString(period))
	fmt.Fprintf(&b, `<desc id="chart-desc">A line chart of visitors, on the left scale from 0 to %s, and page views, on the right scale from 0 to %s. The table below the chart has every figure.</desc>`,
		groupThousands(int64(topV)), groupThousands(int64(topP)))
	fmt.Fprintf(&b, `<text x="%g" y="%d" text-anchor="start" font-size="%d" fill="%s">Visitors</text>`, 4.0, chartFontSize, chartFontSize, visitorsColour)
	fmt.Fprintf(&b, `<text x="%g" y="%d" text-anchor="end" font-size="%d" fill="%s">Page views</text>`, chartW-4, chartFontSize, chartFontSize, pageviewsColour)
	for _, frac := range []float64{0, 0.5, 1} {
		yy := y(frac, 1)
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, padLeft, chartW-padRight, yy, yy, gridColour)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="%d" fill="%s">%s</text>`,
			padLeft-6, yy+4, chartFontSize, visitorsColour, groupThousands(int64(topV*frac)))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="start" font-size="%d" fill="%s">%s</text>`,
			chartW-padRight+6, yy+4, chartFontSize, pageviewsColour, groupThousands(int64(topP*frac)))
	}
	step := max(1, (n+maxLabelsOnXAxis-1)/maxLabelsOnXAxis)
	for i := 0; i < n; i += step {
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="%d" fill="%s">%s</text>`,
			x(i), chartH-8, chartFontSize, chartTextColour, html.EscapeString(shortLabel(buckets[i].Label)))
	}
	noted := make([]int, 0, len(notes))
	for i := range notes {
		noted = append(noted, i)
	}
	sort.Ints(noted) // the same chart every time
	for _, i := range noted {
		labels := notes[i]
		xx := x(i)
		fmt.Fprintf(&b, `<g><title>%s</title><line x1="%.1f" x2="%.1f" y1="%g" y2="%g" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`,
			html.EscapeString(strings.Join(labels, "; ")), xx, xx, padTop, padTop+plotH, annotationColour)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%g" r="%d" fill="%s"/></g>`, xx, padTop+4, chartMarkerDiameter, annotationColour)
	}
	for _, series := range []struct {
		values []float64
		top    float64
		colour string
		dash   string
	}{{before, topV, beforeColour, ` stroke-dasharray="2 4"`}, {pageviews, topP, pageviewsColour, ` stroke-dasharray="6 4"`}, {visitors, topV, visitorsColour, ""}} {
		if series.values == nil {
			continue
		}
		var pts []string
		for i, v := range series.values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v, series.top)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="3"%s stroke-linejoin="round"/>`,
			strings.Join(pts, " "), series.colour, series.dash)
	}
	// The areas that name each bucket's figures, over the lines so that
	// they take the pointer.
	width := plotW
	if n > 1 {
		width = plotW / float64(n-1)
	}
	for i, row := range rows {
		left := max(padLeft, x(i)-width/2)
		right := min(chartW-padRight, x(i)+width/2)
		text := html.EscapeString(row.readout())
		fmt.Fprintf(&b, `<rect class="hit" x="%.1f" y="%g" width="%.1f" height="%g" fill="transparent" data-text="%s"><title>%s</title></rect>`,
			left, padTop, right-left, plotH, text, text)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// readout is a bucket's figures in a sentence.
func (r chartRow) readout() string {
	s := r.Display + ": " + r.Visitors + " " + pluralWord(r.Visitors, "visitor", "visitors") + ", " +
		r.Pageviews + " " + pluralWord(r.Pageviews, "page view", "page views")
	if r.Before != "" {
		s += "; " + r.Before + " " + pluralWord(r.Before, "visitor", "visitors") + " in the period before"
	}
	if len(r.Notes) > 0 {
		s += ". Note: " + strings.Join(r.Notes, "; ")
	}
	return s
}

func pluralWord(n, one, many string) string {
	if n == "1" {
		return one
	}
	return many
}

// bucketText writes a chart bucket's label as the tables of liveops write
// time: 2 Jan 2026, 14:00, week of 5 Jan 2026.
func bucketText(label, unit string) string {
	if t, err := time.Parse("2006-01-02 15:04:05", label); err == nil {
		return t.Format("15:04")
	}
	if t, err := time.Parse(time.DateOnly, label); err == nil {
		if unit == "week" {
			return "week of " + t.Format("2 Jan 2006")
		}
		return t.Format("2 Jan 2006")
	}
	return label
}

// niceCeiling rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceCeiling(v float64) float64 {
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// shortLabel drops the year from day labels and the date from hour labels.
func shortLabel(label string) string {
	if t, err := time.Parse("2006-01-02 15:04:05", label); err == nil {
		return t.Format("15:04")
	}
	if t, err := time.Parse(time.DateOnly, label); err == nil {
		return t.Format("2 Jan")
	}
	return label
}
