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
	Label     string
	Visitors  string
	Pageviews string
	Before    string // visitors in the same bucket of the period before, when comparing
	Notes     []string
}

// The chart's drawing area, in SVG user units.
const (
	chartW, chartH      = 800.0, 240.0
	padLeft, padBottom  = 48.0, 28.0
	padTop, padRight    = 12.0, 12.0
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
		row := chartRow{Label: b.Label, Visitors: groupThousands(int64(visitors[i])),
			Pageviews: groupThousands(int64(pageviews[i])), Notes: noteAt[i]}
		if before != nil {
			row.Before = groupThousands(int64(before[i]))
		}
		data.ChartRows = append(data.ChartRows, row)
	}
	data.Chart = drawChart(buckets, visitors, pageviews, before, noteAt, data.Range)
	return nil
}

func drawChart(buckets []statsquery.Bucket, visitors, pageviews, before []float64, notes map[int][]string, period string) template.HTML {
	top := 10.0 // so that a quiet period's scale still reads 0, 5, 10
	for i := range visitors {
		top = max(top, visitors[i], pageviews[i])
	}
	for _, v := range before {
		top = max(top, v)
	}
	top = niceCeiling(top)
	n := len(buckets)
	x := func(i int) float64 {
		if n == 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return padTop + plotH*(1-v/top) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="chart-title chart-desc" focusable="false">`, chartW, chartH)
	fmt.Fprintf(&b, `<title id="chart-title">Visitors and page views, %s</title>`, html.EscapeString(period))
	fmt.Fprintf(&b, `<desc id="chart-desc">A line chart on a scale from 0 to %s. The table below the chart has every figure.</desc>`,
		groupThousands(int64(top)))
	for _, frac := range []float64{0, 0.5, 1} {
		yy := y(top * frac)
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, padLeft, chartW-padRight, yy, yy, gridColour)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="%d" fill="%s">%s</text>`,
			padLeft-6, yy+4, chartFontSize, chartTextColour, groupThousands(int64(top*frac)))
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
		colour string
		dash   string
	}{{before, beforeColour, ` stroke-dasharray="2 4"`}, {pageviews, pageviewsColour, ` stroke-dasharray="6 4"`}, {visitors, visitorsColour, ""}} {
		if series.values == nil {
			continue
		}
		var pts []string
		for i, v := range series.values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="3"%s stroke-linejoin="round"/>`,
			strings.Join(pts, " "), series.colour, series.dash)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
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
