package kpi

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// The charts' drawing area, in SVG user units. The geometry follows the
// analytics dashboard's chart (internal/analytics/chart.go): a line
// chart over evenly spaced buckets, three grid lines, at most six labels
// on the x axis. Its code is not shared: that chart draws two counts and
// release notes from the stats API, these draw one measure with gaps and a
// target, or stacked bars.
const (
	chartW, chartH    = 800.0, 240.0
	padLeft, padRight = 64.0, 16.0
	padTop, padBottom = 14.0, 30.0
	plotW, plotH      = chartW - padLeft - padRight, chartH - padTop - padBottom
	maxXLabels        = 6
	lineColour        = "#1d4ed8"
	targetColour      = "#b3261e"
	gridColour        = "#d0d3d6"
	chartTextColour   = "#484949"
	chartFontSize     = 12
	legendHeight      = 28.0
	barShare          = 0.7 // of a bucket's width
	stackSeparator    = "#ffffff"
	previousColour    = "#6f777b"
)

// channelColours tell the channels apart in the stacked bars (each at
// least 3:1 against white); the legend and the table name them too.
var channelColours = [numChannels]string{"#1d4ed8", "#5b21b6", "#00703c", "#b3261e", "#8a4b00", "#484949"}

// lineChart draws measure n over the series as an inline SVG: a line,
// broken where a point has no figure, a dot on each figure, the target as
// a dashed line, and the figures of the period before (prev, point for
// point; before names it) as a thin dotted line. The table beside it carries the same figures.
func lineChart(n Name, pts, prev []Point, iv Interval, target *float64, currency string, au audience, before string) template.HTML {
	line := func(pts []Point) (values []float64, has []bool, count int) {
		values, has = make([]float64, len(pts)), make([]bool, len(pts))
		for i, p := range pts {
			m := p.KPIs.Get(n)
			values[i], has[i] = m.Value, m.Known
			if m.Known {
				count++
			}
		}
		return values, has, count
	}
	values, has, count := line(pts)
	prev = prev[:min(len(prev), len(pts))]
	prevValues, prevHas, prevCount := line(prev)
	// The scale fits both periods' figures.
	allValues, allHas := append(slices.Clone(values), prevValues...), append(slices.Clone(has), prevHas...)
	bottom, top := 0.0, 1.0
	if n.isRate() {
		bottom, top = rateRange(allValues, allHas, target)
	} else {
		for i, v := range allValues {
			if allHas[i] {
				top = max(top, v)
			}
		}
		if target != nil {
			top = max(top, *target)
		}
		top = niceCeiling(top)
	}
	format := func(v float64) string {
		if n.isRate() {
			return fmt.Sprintf("%g%%", math.Round(v*1000)/10) // 0.3 is 30%, not 30.000000000000004%
		}
		return formatMoney(v, currency)
	}
	x := xScale(len(pts))
	y := func(v float64) float64 { return padTop + plotH*(1-(v-bottom)/(top-bottom)) }

	id := "chart-" + string(n)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-title %s-desc" focusable="false">`, chartW, chartH, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, html.EscapeString(au.t("%s by %s", au.t(n.Label()), au.t(iv.Noun()))))
	desc := au.t("A line chart on a scale from %s to %s; %d of %d points have a figure.", format(bottom), format(top), count, len(pts))
	if target != nil {
		desc += " " + au.t("The dashed line is the target, %s.", format(*target))
	}
	if prevCount > 0 {
		desc += " " + au.t("The dotted grey line shows the figures for %s.", before)
	}
	if count < len(pts) {
		desc += " " + au.t("Points without a figure are left out of the line.")
	}
	fmt.Fprintf(&b, `<desc id="%s-desc">%s %s</desc>`, id, html.EscapeString(desc), html.EscapeString(au.t("The table below the chart gives every figure.")))
	grid(&b, func(frac float64) (float64, string) {
		v := bottom + (top-bottom)*frac
		return y(v), format(v)
	})
	xLabels(&b, pts, x)
	if target != nil {
		ty := y(*target)
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="8 5"/>`, padLeft, chartW-padRight, ty, ty, targetColour)
	}
	polylines(&b, prevValues, prevHas, x, y, `stroke="`+previousColour+`" stroke-width="2" stroke-dasharray="2 4" stroke-linecap="round"`)
	polylines(&b, values, has, x, y, `stroke="`+lineColour+`" stroke-width="3"`)
	for i := range pts {
		if has[i] {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`, x(i), y(values[i]), lineColour)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// polylines draws values as a line with attrs, broken where has is false.
func polylines(b *strings.Builder, values []float64, has []bool, x func(int) float64, y func(float64) float64, attrs string) {
	var run []string
	flush := func() {
		if len(run) > 1 {
			fmt.Fprintf(b, `<polyline points="%s" fill="none" %s stroke-linejoin="round"/>`, strings.Join(run, " "), attrs)
		}
		run = run[:0]
	}
	for i := range values {
		if !has[i] {
			flush()
			continue
		}
		run = append(run, fmt.Sprintf("%.1f,%.1f", x(i), y(values[i])))
	}
	flush()
}

// channelChart draws the transactions completed through each channel as
// stacked bars, a bar a point, with its legend.
func channelChart(pts []Point, iv Interval, au audience) template.HTML {
	top := 10.0
	for _, p := range pts {
		top = max(top, p.Counts.CompletedAll())
	}
	top = niceCeiling(top)
	h := chartH + legendHeight
	x := xScale(len(pts))
	y := func(v float64) float64 { return padTop + plotH*(1-v/top) }
	barW := plotW / float64(max(len(pts), 1)) * barShare

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="chart-channels-title chart-channels-desc" focusable="false">`, chartW, h)
	fmt.Fprintf(&b, `<title id="chart-channels-title">%s</title>`, html.EscapeString(au.t("Transactions completed by channel, by %s", au.t(iv.Noun()))))
	fmt.Fprintf(&b, `<desc id="chart-channels-desc">%s %s</desc>`, html.EscapeString(au.t("Stacked bars on a scale from 0 to %s, one bar a %s, one colour a channel, digital at the bottom.",
		formatCount(top), au.t(iv.Noun()))), html.EscapeString(au.t("The table below the chart gives every figure.")))
	grid(&b, func(frac float64) (float64, string) { return y(top * frac), formatCount(top * frac) })
	xLabels(&b, pts, x)
	for i, p := range pts {
		base := 0.0
		for c := range numChannels {
			v := p.Counts.Completed[c]
			if v <= 0 {
				continue
			}
			y0, y1 := y(base), y(base+v)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s" stroke-width="1"/>`,
				x(i)-barW/2, y1, barW, y0-y1, channelColours[c], stackSeparator)
			base += v
		}
	}
	lx := padLeft
	for c, ch := range Channels {
		label := au.t(ch.Label())
		fmt.Fprintf(&b, `<rect x="%.1f" y="%g" width="14" height="14" fill="%s"/>`, lx, chartH+4, channelColours[c])
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="%d" fill="%s">%s</text>`, lx+20, chartH+16, chartFontSize, chartTextColour, html.EscapeString(label))
		lx += 20 + float64(utf8.RuneCountInString(label))*7 + 24
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// rateRange is a rate chart's scale: the tens of per cent around its
// figures and its target, at least 20 points wide, within 0 to 100 %, so
// that a rate moving between 38 and 41 % is seen to move.
func rateRange(values []float64, has []bool, target *float64) (bottom, top float64) {
	lo, hi, any := 1.0, 0.0, false
	for i, v := range values {
		if has[i] {
			lo, hi, any = min(lo, v), max(hi, v), true
		}
	}
	if target != nil {
		lo, hi, any = min(lo, *target), max(hi, *target), true
	}
	if !any {
		return 0, 1
	}
	bottom = math.Max(0, math.Floor(lo*10)/10)
	top = math.Min(1, math.Ceil(hi*10)/10)
	if top-bottom < 0.2 {
		if bottom == 0 {
			top = 0.2
		} else if top == 1 {
			bottom = 0.8
		} else {
			top = math.Min(1, bottom+0.2)
			bottom = top - 0.2
		}
	}
	return bottom, top
}

// xScale spreads n points evenly over the plot.
func xScale(n int) func(i int) float64 {
	return func(i int) float64 {
		if n <= 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*(0.5+float64(i))/float64(n)
	}
}

// grid draws the horizontal lines at 0, half and the top, with labels.
func grid(b *strings.Builder, at func(frac float64) (float64, string)) {
	for _, frac := range []float64{0, 0.5, 1} {
		yy, label := at(frac)
		fmt.Fprintf(b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, padLeft, chartW-padRight, yy, yy, gridColour)
		fmt.Fprintf(b, `<text x="%g" y="%.1f" text-anchor="end" font-size="%d" fill="%s">%s</text>`,
			padLeft-6, yy+4, chartFontSize, chartTextColour, html.EscapeString(label))
	}
}

// xLabels names at most maxXLabels points under the plot.
func xLabels(b *strings.Builder, pts []Point, x func(int) float64) {
	step := max(1, (len(pts)+maxXLabels-1)/maxXLabels)
	for i := 0; i < len(pts); i += step {
		fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="%d" fill="%s">%s</text>`,
			x(i), chartH-10, chartFontSize, chartTextColour, html.EscapeString(pts[i].period.short()))
	}
}

// Noun is what one point of a series stands for, in a sentence: "month".
func (iv Interval) Noun() string { return strings.ToLower(iv.Label()) }

// niceCeiling rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceCeiling(v float64) float64 {
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for p > v && p > 0.01 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// short labels a point on the x axis: the month (2026-03) of a whole month,
// else the first day.
func (s span) short() string {
	if s.isMonth() {
		return s.First.String()[:7]
	}
	return s.First.String()
}
