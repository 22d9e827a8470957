package monitor

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"
)

// chartPeriod is a period the response-time chart shows: its buckets and
// the rollup grain they are summed from.
type chartPeriod struct {
	Key, Label string
	Grain      string
	Size       time.Duration
	Buckets    int
	Unit       string // what a bucket is, for the table's heading
}

// chartPeriods are the chart's periods; the first is the default.
var chartPeriods = []chartPeriod{
	{"24h", "24 hours", "minute", 10 * time.Minute, 144, "10 minutes"},
	{"7d", "7 days", "hour", time.Hour, 168, "hour"},
	{"30d", "30 days", "day", 24 * time.Hour, 30, "day"},
	{"90d", "90 days", "day", 24 * time.Hour, 90, "day"},
}

// periodOf is the period a ?period= value names, and whether it is one.
func periodOf(key string) (chartPeriod, bool) {
	if key == "" {
		return chartPeriods[0], true
	}
	for _, p := range chartPeriods {
		if p.Key == key {
			return p, true
		}
	}
	return chartPeriods[0], false
}

// Start is the first bucket's start of the period ending with the bucket
// under way at now.
func (p chartPeriod) Start(now time.Time) time.Time {
	return now.UTC().Truncate(p.Size).Add(-time.Duration(p.Buckets-1) * p.Size)
}

// chartBucket is one bucket of the chart.
type chartBucket struct {
	From  time.Time
	Sum   Summary
	Notes []string
}

// state is a bucket's verdict for the strip under the chart.
func (b chartBucket) state() (key, words string) {
	switch {
	case b.Sum.Down > 0:
		return "down", fmt.Sprintf("%s of %s runs down", thousands(b.Sum.Down), thousands(b.Sum.Runs()))
	case b.Sum.Up > 0:
		return "up", "all up"
	case b.Sum.Maintenance > 0:
		return "maintenance", "maintenance"
	}
	return "none", "no runs"
}

// chartRow is a bucket as the chart's table writes it.
type chartRow struct {
	Display, Runs, Uptime, P50, P95, State string
	Notes                                  []string
}

// responseChart is the chart, its table and the notes drawn on it.
type responseChart struct {
	Period  chartPeriod
	SVG     template.HTML
	Rows    []chartRow
	Notes   []noteRow
	Periods []periodLink
}

type noteRow struct {
	At    When
	Label string
}

type periodLink struct {
	Label, Link string
	Current     bool
}

// buckets sums a check's rollups into the period's buckets, with the
// notes that fall in each.
func (m *Monitor) buckets(ctx context.Context, c *Check, p chartPeriod, now time.Time) ([]chartBucket, []Note, error) {
	start := p.Start(now)
	points, err := Series(ctx, m.DB, c.ID, p.Grain, start)
	if err != nil {
		return nil, nil, err
	}
	out := make([]chartBucket, p.Buckets)
	for i := range out {
		out[i].From = start.Add(time.Duration(i) * p.Size)
	}
	for _, pt := range points {
		if i := int(pt.At.Sub(start) / p.Size); i >= 0 && i < len(out) {
			out[i].Sum.add(pt.Summary)
		}
	}
	var notes []Note
	if m.notes != nil {
		if notes, err = m.notes(ctx, c.ServiceID, start, start.Add(time.Duration(p.Buckets)*p.Size)); err != nil {
			return nil, nil, err
		}
	}
	for _, n := range notes {
		if i := int(n.At.Sub(start) / p.Size); i >= 0 && i < len(out) {
			out[i].Notes = append(out[i].Notes, n.Label)
		}
	}
	return out, notes, nil
}

// bucketLabel writes a bucket's start in the service's zone; days are the
// rollups' UTC days.
func bucketLabel(t time.Time, p chartPeriod, loc *time.Location, short bool) string {
	switch {
	case p.Size >= 24*time.Hour && short:
		return t.UTC().Format("2 Jan")
	case p.Size >= 24*time.Hour:
		return t.UTC().Format("2 Jan 2006")
	case short && p.Size < time.Hour:
		return t.In(loc).Format("15:04")
	case short:
		return t.In(loc).Format("2 Jan 15:04")
	}
	return t.In(loc).Format("2 Jan 2006 15:04")
}

// The chart's drawing area, in SVG user units.
const (
	rtW, rtH             = 800.0, 270.0
	rtLeft, rtRight      = 64.0, 16.0
	rtTop, rtPlotH       = 24.0, 170.0
	rtStripY, rtStripH   = rtTop + rtPlotH + 10, 14.0
	rtFont               = 12
	p50Colour, p95Colour = "#1d4ed8", "#0b0c0c"
	upColour, downColour = "#00703c", "#d4351c"
	maintColour          = "#505a5f"
	noneColour           = "#e6e8ea"
	noteColour           = "#b3261e"
	rtGridColour         = "#d0d3d6"
	rtTextColour         = "#484949"
)

// drawResponseChart draws the median and 95th percentile response times
// of each bucket as lines (broken where there were no runs), the notes as
// dashed markers, and under them a strip of each bucket's state, which
// the table says in words.
func drawResponseChart(name string, b []chartBucket, p chartPeriod, loc *time.Location) template.HTML {
	top := 0.0
	for _, x := range b {
		if x.Sum.Runs() > 0 {
			top = max(top, float64(x.Sum.Percentile(0.95).Milliseconds()))
		}
	}
	top = roundUpScale(max(top, 10))
	plotW := rtW - rtLeft - rtRight
	n := len(b)
	colW := plotW / float64(n)
	x := func(i int) float64 { return rtLeft + colW*(float64(i)+0.5) }
	y := func(ms float64) float64 { return rtTop + rtPlotH*(1-ms/top) }

	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="rt-title rt-desc" focusable="false">`, rtW, rtH)
	fmt.Fprintf(&s, `<title id="rt-title">Response time of %s, last %s</title>`, html.EscapeString(name), p.Label)
	fmt.Fprintf(&s, `<desc id="rt-desc">Median and 95th percentile response time by %s, on a scale from 0 to %s, with a strip below marking each %s up, down, in maintenance or without runs. The table below the chart has every figure.</desc>`,
		p.Unit, msText(time.Duration(top)*time.Millisecond), p.Unit)
	for _, frac := range []float64{0, 0.5, 1} {
		yy := y(top * frac)
		fmt.Fprintf(&s, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, rtLeft, rtW-rtRight, yy, yy, rtGridColour)
		fmt.Fprintf(&s, `<text x="%g" y="%.1f" text-anchor="end" font-size="%d" fill="%s">%s</text>`,
			rtLeft-6, yy+4, rtFont, rtTextColour, msText(time.Duration(top*frac)*time.Millisecond))
	}
	labelEvery := max(1, n/6)
	for i := 0; i < n; i += labelEvery {
		fmt.Fprintf(&s, `<text x="%.1f" y="%g" text-anchor="middle" font-size="%d" fill="%s">%s</text>`,
			x(i), rtH-6, rtFont, rtTextColour, html.EscapeString(bucketLabel(b[i].From, p, loc, true)))
	}
	for i, bk := range b {
		if len(bk.Notes) == 0 {
			continue
		}
		fmt.Fprintf(&s, `<g><title>%s</title><line x1="%.1f" x2="%.1f" y1="%g" y2="%g" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`,
			html.EscapeString(strings.Join(bk.Notes, "; ")), x(i), x(i), rtTop, rtTop+rtPlotH, noteColour)
		fmt.Fprintf(&s, `<circle cx="%.1f" cy="%g" r="5" fill="%s"/></g>`, x(i), rtTop, noteColour)
	}
	for _, line := range []struct {
		q      float64
		colour string
		extra  string
	}{{0.95, p95Colour, ` stroke-dasharray="6 4"`}, {0.5, p50Colour, ""}} {
		var run []string
		flush := func() {
			if len(run) == 1 {
				xy := strings.Split(run[0], ",")
				fmt.Fprintf(&s, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, xy[0], xy[1], line.colour)
			} else if len(run) > 1 {
				fmt.Fprintf(&s, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s stroke-linejoin="round"/>`,
					strings.Join(run, " "), line.colour, line.extra)
			}
			run = run[:0]
		}
		for i, bk := range b {
			if bk.Sum.Runs() == 0 {
				flush()
				continue
			}
			run = append(run, fmt.Sprintf("%.1f,%.1f", x(i), y(float64(bk.Sum.Percentile(line.q).Milliseconds()))))
		}
		flush()
	}
	fmt.Fprintf(&s, `<text x="%g" y="%g" text-anchor="end" font-size="%d" fill="%s">Runs</text>`, rtLeft-6, rtStripY+rtStripH-3, rtFont, rtTextColour)
	for i, bk := range b {
		key, words := bk.state()
		colour := map[string]string{"up": upColour, "down": downColour, "maintenance": maintColour, "none": noneColour}[key]
		fmt.Fprintf(&s, `<rect x="%.2f" y="%g" width="%.2f" height="%g" fill="%s"><title>%s: %s</title></rect>`,
			rtLeft+colW*float64(i), rtStripY, math.Max(colW-0.5, 0.5), rtStripH, colour, html.EscapeString(bucketLabel(bk.From, p, loc, false)), words)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // every text in it is escaped above
}

// roundUpScale rounds a chart's top up to 1, 2 or 5 times a power of ten.
func roundUpScale(v float64) float64 {
	pow := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 5} {
		if f*pow >= v {
			return f * pow
		}
	}
	return 10 * pow
}

// chart builds the response-time chart of a check over a period.
func (m *Monitor) chart(ctx context.Context, c *Check, p chartPeriod, base string, loc *time.Location, now time.Time) (*responseChart, error) {
	b, notes, err := m.buckets(ctx, c, p, now)
	if err != nil {
		return nil, err
	}
	out := &responseChart{Period: p, SVG: drawResponseChart(c.Name, b, p, loc)}
	for _, pp := range chartPeriods {
		out.Periods = append(out.Periods, periodLink{Label: pp.Label, Link: base + "?period=" + pp.Key + "#chart-heading", Current: pp.Key == p.Key})
	}
	for _, bk := range b {
		_, words := bk.state()
		row := chartRow{Display: bucketLabel(bk.From, p, loc, false), Runs: thousands(bk.Sum.Runs()), Uptime: uptimeText(bk.Sum),
			P50: percentileText(bk.Sum, 0.5), P95: percentileText(bk.Sum, 0.95), State: words, Notes: bk.Notes}
		out.Rows = append(out.Rows, row)
	}
	for _, n := range notes {
		out.Notes = append(out.Notes, noteRow{At: when(n.At, loc), Label: n.Label})
	}
	return out, nil
}
