package kpi

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/liveops/liveops/internal/catalog"
)

// data is everything the KPIs of one service over a span of days need
// from the store and the funnel, read once; Counts then sums any part of
// it.
type data struct {
	loaded span
	tx     [numChannels][]txRow // submitted figures, each channel's in day order
	// The main funnel's figures per day of loaded (index day - loaded.First),
	// as prefix sums, left out on days a submitted digital figure covers.
	funnel                     bool
	derivedStarted, derivedEnd []int64 // prefix sums of started and completed
	derivedDays                []int   // prefix sums of days with a start
	// Prefix sums of the days whose funnel figures are unknown (their raw
	// events were deleted before they were counted), and why.
	derivedUnknown []int
	unknownReason  string
	// ratings[r-1] are prefix sums of the survey answers with rating r.
	ratings   [5][]int64
	costs     [numChannels + 1][]costRow
	costUnion []span // the days any cost covers, merged, in order
}

// load reads the figures overlapping s, and the main funnel's per day.
func (k *KPI) load(ctx context.Context, svc *catalog.Service, settings Settings, s span) (*data, error) {
	d := &data{loaded: s}
	rows, err := readTransactions(ctx, k.db, svc.ID, s)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		i := r.channel.index()
		d.tx[i] = append(d.tx[i], r)
	}
	for i := range d.tx {
		slices.SortFunc(d.tx[i], func(a, b txRow) int { return int(a.period.First - b.period.First) })
	}
	costs, err := readCosts(ctx, k.db, svc.ID, s)
	if err != nil {
		return nil, err
	}
	var all []span
	for _, c := range costs {
		i := c.channel.index()
		d.costs[i] = append(d.costs[i], c)
		all = append(all, c.period)
	}
	d.costUnion = union(all)
	if err := k.loadFunnel(ctx, svc, settings, d); err != nil {
		return nil, err
	}
	if err := k.loadRatings(ctx, svc, d); err != nil {
		return nil, err
	}
	return d, nil
}

// loadFunnel asks the metric registry for the main funnel's figures per
// day. A funnel deleted meanwhile counts as none.
func (k *KPI) loadFunnel(ctx context.Context, svc *catalog.Service, settings Settings, d *data) error {
	n := d.loaded.Days()
	d.derivedStarted, d.derivedEnd, d.derivedDays, d.derivedUnknown = make([]int64, n+1), make([]int64, n+1), make([]int, n+1), make([]int, n+1)
	if settings.MainFunnelID == 0 {
		return nil
	}
	loc := svc.Location()
	days, found, err := k.funnelDays(ctx, svc, settings.MainFunnelID, d.loaded.First.start(loc), (d.loaded.Last + 1).start(loc))
	if err != nil {
		return fmt.Errorf("count transactions of funnel %d: %w", settings.MainFunnelID, err)
	}
	if !found {
		return nil
	}
	d.funnel = true
	started, completed, active, unknown := make([]int64, n), make([]int64, n), make([]int, n), make([]int, n)
	for _, dc := range days {
		i := int(dc.day - d.loaded.First)
		if i < 0 || i >= n {
			continue
		}
		if dc.unknown != "" {
			unknown[i] = 1
			if d.unknownReason == "" {
				d.unknownReason = dc.unknown
			}
			continue
		}
		started[i], completed[i] = dc.started, dc.completed
		if dc.started > 0 {
			active[i] = 1
		}
	}
	// Submitted digital figures replace the funnel's for their days.
	for _, r := range d.tx[Digital.index()] {
		for day := max(r.period.First, d.loaded.First); day <= min(r.period.Last, d.loaded.Last); day++ {
			i := int(day - d.loaded.First)
			started[i], completed[i], active[i], unknown[i] = 0, 0, 0, 0
		}
	}
	for i := range n {
		d.derivedStarted[i+1] = d.derivedStarted[i] + started[i]
		d.derivedEnd[i+1] = d.derivedEnd[i] + completed[i]
		d.derivedDays[i+1] = d.derivedDays[i] + active[i]
		d.derivedUnknown[i+1] = d.derivedUnknown[i] + unknown[i]
	}
	return nil
}

// loadRatings asks the metric registry for the survey's answers per day.
func (k *KPI) loadRatings(ctx context.Context, svc *catalog.Service, d *data) error {
	n := d.loaded.Days()
	byDay, _, err := k.ratingsByDay(ctx, svc, d.loaded)
	if err != nil {
		return err
	}
	for r := range d.ratings {
		d.ratings[r] = make([]int64, n+1)
		for i := 0; i < n && i < len(byDay[r]); i++ {
			d.ratings[r][i+1] = d.ratings[r][i] + byDay[r][i]
		}
		for i := len(byDay[r]); i < n; i++ {
			d.ratings[r][i+1] = d.ratings[r][i]
		}
	}
	return nil
}

// union merges spans into the days they cover, in order.
func union(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return int(a.First - b.First) })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.First <= out[n-1].Last+1 {
			out[n-1].Last = max(out[n-1].Last, s.Last)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Counts are the inputs of the KPIs over a span of days. A figure for a
// longer period (a month of phone calls, a quarter's costs) counts with
// the share of its days that fall in the span, so counts may be
// fractional when a span cuts a month.
type Counts struct {
	Days               int
	Started, Completed [numChannels]float64
	// Figures is how many figures each channel's counts come from: the
	// submitted figures that overlap the span, and for digital the days the
	// main funnel recorded a start.
	Figures [numChannels]int
	// FunnelDays is how many of the digital figures are the funnel's days.
	FunnelDays int
	// UnknownDays are days of the span whose digital transactions are not
	// known (the funnel's raw events were deleted before they were
	// counted, and no digital figures were submitted for them), and
	// UnknownReason says why: KPIs that need them are unknown.
	UnknownDays   int
	UnknownReason string
	// Ratings are the survey answers by rating, 1 to 5.
	Ratings [5]int
	// Cost is spent by cost channel (the channels, then all), in minor units.
	Cost        [numChannels + 1]float64
	CostFigures [numChannels + 1]int
	// CoveredDays are the days some cost covers, and CompletedCovered the
	// transactions completed (every channel) on them: cost per transaction
	// divides the cost by those. CompletedCoveredBy is each channel's
	// completed transactions on the days its own costs cover.
	CoveredDays        int
	CompletedCovered   float64
	CompletedCoveredBy [numChannels]float64
}

// counts sums the inputs over q, which must lie within d.loaded.
func (d *data) counts(q span) Counts {
	c := Counts{Days: q.Days()}
	for i := range numChannels {
		c.Started[i], c.Completed[i], c.Figures[i] = d.channel(i, q)
	}
	c.FunnelDays = d.funnelDays(q)
	if a, b := d.index(q); d.derivedUnknown[b] > d.derivedUnknown[a] {
		c.UnknownDays, c.UnknownReason = d.derivedUnknown[b]-d.derivedUnknown[a], d.unknownReason
	}
	if a, b := d.index(q); d.ratings[0] != nil {
		for r := range c.Ratings {
			c.Ratings[r] = int(d.ratings[r][b] - d.ratings[r][a])
		}
	}
	for i := range d.costs {
		for _, r := range overlapping(d.costs[i], q, func(r costRow) span { return r.period }) {
			ov := r.period.overlap(q)
			c.Cost[i] += float64(r.amount) * float64(ov) / float64(r.period.Days())
			c.CostFigures[i]++
			if i < numChannels {
				_, done, _ := d.channel(i, span{max(r.period.First, q.First), min(r.period.Last, q.Last)})
				c.CompletedCoveredBy[i] += done
			}
		}
	}
	for _, u := range d.costUnion {
		if u.overlap(q) == 0 {
			continue
		}
		sub := span{max(u.First, q.First), min(u.Last, q.Last)}
		c.CoveredDays += sub.Days()
		for i := range numChannels {
			_, done, _ := d.channel(i, sub)
			c.CompletedCovered += done
		}
	}
	return c
}

// channel sums channel i's started and completed over q, with the number
// of figures behind them.
func (d *data) channel(i int, q span) (started, completed float64, figures int) {
	for _, r := range overlapping(d.tx[i], q, func(r txRow) span { return r.period }) {
		ov, n := float64(r.period.overlap(q)), float64(r.period.Days())
		if ov == n {
			started += float64(r.started)
			completed += float64(r.completed)
		} else {
			started += float64(r.started) * ov / n
			completed += float64(r.completed) * ov / n
		}
		figures++
	}
	if i == Digital.index() {
		a, b := d.index(q)
		started += float64(d.derivedStarted[b] - d.derivedStarted[a])
		completed += float64(d.derivedEnd[b] - d.derivedEnd[a])
		figures += d.derivedDays[b] - d.derivedDays[a]
	}
	return started, completed, figures
}

// funnelDays is the number of days in q on which the main funnel's
// figures count and recorded a start.
func (d *data) funnelDays(q span) int {
	a, b := d.index(q)
	return d.derivedDays[b] - d.derivedDays[a]
}

// index turns q into a half-open range of positions in the prefix sums.
func (d *data) index(q span) (int, int) {
	a := int(max(q.First, d.loaded.First) - d.loaded.First)
	b := int(min(q.Last, d.loaded.Last)-d.loaded.First) + 1
	return a, max(a, b)
}

// overlapping is the rows (in day order, none overlapping another) whose
// days overlap q.
func overlapping[T any](rows []T, q span, period func(T) span) []T {
	i := sort.Search(len(rows), func(i int) bool { return period(rows[i]).Last >= q.First })
	j := i
	for j < len(rows) && period(rows[j]).First <= q.Last {
		j++
	}
	return rows[i:j]
}

// CompletedAll is the transactions completed through every channel.
func (c *Counts) CompletedAll() float64 {
	sum := 0.0
	for _, v := range c.Completed {
		sum += v
	}
	return sum
}

// TotalCost is everything spent, in minor units.
func (c *Counts) TotalCost() float64 {
	sum := 0.0
	for _, v := range c.Cost {
		sum += v
	}
	return sum
}

// Answers is the number of survey answers.
func (c *Counts) Answers() int {
	n := 0
	for _, v := range c.Ratings {
		n += v
	}
	return n
}

// Satisfied is the answers "satisfied" (4) and "very satisfied" (5).
func (c *Counts) Satisfied() int { return c.Ratings[3] + c.Ratings[4] }
