package kpi

import (
	"context"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// Limits of one report: ten years, and as many points as a page can draw.
// Each point asks the feedback area for its answers once.
const (
	MaxPeriodDays = 3660
	MaxPoints     = 550
)

// Report is a service's KPIs over a period, with their inputs, the period
// before (of the same length) for the trend, targets and ratings, the
// series by interval and how fresh each input is.
type Report struct {
	Service     *catalog.Service
	Settings    Settings
	Interval    Interval
	Counts      Counts // over the whole period
	KPIs        KPIs
	Previous    KPIs // over the period before, of the same length
	Assessments []Assessment
	Series      []Point
	// PreviousCounts and PreviousSeries are the period before's, cut by
	// the same interval: the pages show each point beside its match.
	PreviousCounts Counts
	PreviousSeries []Point
	Inputs         []Freshness
	Now            time.Time

	period, previous span
}

// From is the period's first day, 2026-01-01.
func (r *Report) From() string { return r.period.First.String() }

// To is the period's last day, included.
func (r *Report) To() string { return r.period.Last.String() }

// PreviousFrom and PreviousTo are the days of the period before.
func (r *Report) PreviousFrom() string { return r.previous.First.String() }

// PreviousTo is the last day of the period before.
func (r *Report) PreviousTo() string { return r.previous.Last.String() }

// Digits is the number of decimal places of the service's currency.
func (r *Report) Digits() int { return minorDigits(r.Settings.Currency) }

// Point is one interval of a report's series.
type Point struct {
	Counts Counts
	KPIs   KPIs
	period span
}

// From is the first day of the point's interval (cut at the period's start).
func (p Point) From() string { return p.period.First.String() }

// To is its last day.
func (p Point) To() string { return p.period.Last.String() }

// Label names the interval in charts and tables: 2026-03 for a whole month.
func (p Point) Label() string { return p.period.label() }

// label names a series point by the interval it stands for.
func (s span) label() string {
	switch {
	case s.First == s.Last:
		return s.First.String()
	case s.isMonth():
		return s.First.String()[:7]
	}
	return s.First.String() + " to " + s.Last.String()
}

// DefaultPeriod is the period pages show first: the last 12 whole months
// before today's.
func DefaultPeriod(today statsquery.Date) (from, to statsquery.Date) {
	this := monthOf(dayOf(today))
	first := this.First
	for range 12 {
		first = monthOf(first - 1).First
	}
	return first.date(), (this.First - 1).date()
}

// Report computes the service's KPIs from from to to (both included, in
// the service's time zone), with a series cut by iv. Its error is an
// Invalid fault naming the parameter when the period is backwards, longer
// than MaxPeriodDays or cut into more than MaxPoints points.
func (k *KPI) Report(ctx context.Context, svc *catalog.Service, from, to statsquery.Date, iv Interval) (*Report, error) {
	p := span{dayOf(from), dayOf(to)}
	switch {
	case p.Last < p.First:
		return nil, fault.Invalidf("to", "to (%s) is before from (%s)", p.Last, p.First)
	case p.Days() > MaxPeriodDays:
		return nil, fault.Invalidf("to", "the period is longer than %d days: ask for a shorter one", MaxPeriodDays)
	case !validInterval(string(iv)):
		return nil, fault.Invalidf("interval", "interval must be day, week, month, quarter or year, not %q", clip(string(iv)))
	}
	buckets := iv.buckets(p, MaxPoints)
	if len(buckets) > MaxPoints {
		return nil, fault.Invalidf("interval", "interval %s cuts the period into more than %d points: choose a longer interval or a shorter period", iv, MaxPoints)
	}
	settings, err := k.Settings(ctx, svc.ID)
	if err != nil {
		return nil, err
	}
	r := &Report{Service: svc, Settings: settings, Interval: iv, Now: k.Now(), period: p, previous: p.previous()}
	d, err := k.load(ctx, svc, settings, span{r.previous.First, p.Last})
	if err != nil {
		return nil, err
	}
	digits := r.Digits()
	r.Counts = d.counts(p)
	r.Series = d.series(buckets, digits)
	r.KPIs = r.Counts.kpis(d.funnel, digits)
	r.PreviousCounts = d.counts(r.previous)
	r.PreviousSeries = d.series(iv.buckets(r.previous, MaxPoints), digits)
	r.Previous = r.PreviousCounts.kpis(d.funnel, digits)
	for _, n := range append(Headline[:3:3], SatisfactionScore, CostPerTransaction) {
		r.Assessments = append(r.Assessments, assess(n, r.KPIs.Get(n), r.Previous.Get(n), settings))
	}
	if r.Inputs, err = k.freshness(ctx, svc, settings); err != nil {
		return nil, err
	}
	return r, nil
}

// series is the KPIs of each bucket.
func (d *data) series(buckets []span, digits int) []Point {
	out := make([]Point, 0, len(buckets))
	for _, b := range buckets {
		pt := Point{Counts: d.counts(b), period: b}
		pt.KPIs = pt.Counts.kpis(d.funnel, digits)
		out = append(out, pt)
	}
	return out
}

// Assessment is the one KPI's figure with its trend and target.
func (r *Report) Assessment(n Name) Assessment {
	for _, a := range r.Assessments {
		if a.Name == n {
			return a
		}
	}
	return Assessment{Name: n}
}

// Stale reports whether any input that had figures has let them get old.
// Inputs never provided are Missing instead.
func (r *Report) Stale() bool {
	for _, f := range r.Inputs {
		if f.Stale && !f.Missing {
			return true
		}
	}
	return false
}

// MissingStep is an input never provided, with what to do about it.
type MissingStep struct {
	Label, Text, Path string
}

// MissingSteps lists the inputs never provided, with their next steps.
func (r *Report) MissingSteps() []MissingStep {
	var out []MissingStep
	for _, f := range r.Inputs {
		if f.Missing {
			text, path := f.NextStep(r.Service.Slug)
			out = append(out, MissingStep{Label: f.Label(), Text: text, Path: path})
		}
	}
	return out
}

// LastUpdated is when the newest input was updated, zero when none was.
func (r *Report) LastUpdated() time.Time {
	var t time.Time
	for _, f := range r.Inputs {
		if f.LastUpdated.After(t) {
			t = f.LastUpdated
		}
	}
	return t
}
