package goals

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/liveops/liveops/internal/analytics"
	"github.com/liveops/liveops/internal/statsquery"
)

// FunnelWindow is how long after a funnel's first step the later steps may
// come: Plausible's @funnel_window_duration, 86,400 seconds, the window it
// gives ClickHouse's windowFunnel.
const FunnelWindow = 24 * time.Hour

// StepReport is one step of a funnel report, with Plausible's figures
// (Plausible.Stats.Funnel.backfill_steps). Percentages run from 0 to 100,
// rounded to two decimals, and are 0 when there is nothing to divide by.
type StepReport struct {
	Goal               Goal
	Visitors           int     // visitors who reached this step, in order
	ConversionRate     float64 // Visitors as a % of the first step's
	ConversionRateStep float64 // Visitors as a % of the previous step's (100 for the first)
	Dropoff            int     // the previous step's visitors who did not reach this one
	DropoffRate        float64 // Dropoff as a % of the previous step's visitors
}

// FunnelReport is how far visitors got through a funnel in [From, To).
type FunnelReport struct {
	Funnel   *Funnel
	From, To time.Time
	Steps    []StepReport
	// UnknownDays are days of the period whose raw events retention
	// deleted before the funnel's figures for them were kept: Steps count
	// the other days only, and UnknownReason says why.
	UnknownDays   []statsquery.Date
	UnknownReason string
}

// Entered is the number of visitors who reached the first step.
func (r *FunnelReport) Entered() int { return r.Steps[0].Visitors }

// Completed is the number of visitors who reached the last step.
func (r *FunnelReport) Completed() int { return r.Steps[len(r.Steps)-1].Visitors }

// ConversionRate is Completed as a % of Entered.
func (r *FunnelReport) ConversionRate() float64 { return r.Steps[len(r.Steps)-1].ConversionRate }

// Funnel reports the service's funnel funnelID over [from, to): for each
// step the visitors who reached it, conversion from the first step and
// drop-off from the step before. It returns store.ErrNotFound when the
// service has no such funnel.
//
// The semantics are Plausible's (extra/lib/plausible/stats/funnel.ex):
// the events of the period are grouped by visitor (user_id there,
// visitor_id here: both a daily-salted hash, so a visitor is one person on
// one day, and steps may come in several visits of that day) and each group
// gets ClickHouse's windowFunnel(86400)(timestamp, step1, …, stepN) in its
// default mode, Plausible's "sequential" funnel. A visitor id lasts one
// day of the service's zone, so a chain never goes on past midnight, and
// a period's report is the sum of its days' (funnel_days.go):
//
//   - a visitor reaches step k when steps 1…k happened in that order, each
//     no earlier than the one before, and step k within FunnelWindow of the
//     step 1 that began the chain; other events in between do not matter;
//   - a later step 1 starts a new chain, and the deepest chain counts
//     (repeating a step, or going back to the start, never loses progress);
//   - a step done before the steps ahead of it does not count: a visitor who
//     does step 2 and then step 1 has reached step 1 only;
//   - events with the same timestamp are taken in step order, and one event
//     may complete consecutive steps at once (windowFunnel sorts its
//     (timestamp, step) pairs), as when two steps' goals match one page.
//
// Plausible also offers "strict" and "flexible" funnels; liveops has the
// sequential kind, Plausible's default. Its times are seconds, ours
// milliseconds, so two events in one second are ordered here and tied there.
//
// Cost: a whole past day's result is kept (funnel_days.go), so the raw
// events are read once per day and funnel definition, and again only for
// today. They are read through analytics.EventStore's StepEvents, which
// on SQLite and PostgreSQL visits every event of the day once in the
// (service_id, name, page, ts) index, and returns only those whose name
// and page can match a step — compared as dictionary ids (see Resolve),
// not as text; they
// are grouped by visitor in memory and walked once, keeping one small
// array per funnel step: O(events in the day) in the database and
// O(m × steps) for the m matching rows here.
func (g *Goals) Funnel(ctx context.Context, serviceID, funnelID int64, from, to time.Time) (*FunnelReport, error) {
	f, err := g.FunnelByID(ctx, serviceID, funnelID)
	if err != nil {
		return nil, err
	}
	zone, err := g.serviceZone(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	levels, unknown, err := g.funnelLevels(ctx, f, zone, from, to)
	if err != nil {
		return nil, fmt.Errorf("report funnel %d: %w", funnelID, err)
	}
	r := &FunnelReport{Funnel: f, From: from, To: to, Steps: make([]StepReport, len(f.Steps)), UnknownDays: unknown}
	if len(unknown) > 0 {
		r.UnknownReason = ReasonPruned
	}
	reached := 0
	for i := len(f.Steps); i >= 1; i-- {
		reached += levels[i]
		r.Steps[i-1] = StepReport{Goal: f.Steps[i-1], Visitors: reached}
	}
	for i := range r.Steps {
		s := &r.Steps[i]
		s.ConversionRate = percentage(s.Visitors, r.Steps[0].Visitors)
		if i == 0 {
			s.ConversionRateStep = percentage(s.Visitors, s.Visitors)
			continue
		}
		prev := r.Steps[i-1].Visitors
		s.ConversionRateStep = percentage(s.Visitors, prev)
		s.Dropoff = prev - s.Visitors
		s.DropoffRate = percentage(s.Dropoff, prev)
	}
	return r, nil
}

// percentage is x as a % of y, rounded to two decimals as Plausible rounds
// its funnel percentages; 0 when either is 0.
func percentage(x, y int) float64 {
	if x == 0 || y == 0 {
		return 0
	}
	return math.Round(float64(x)*10000/float64(y)) / 100
}

// DayCount is one day of a funnel's transactions, for the kpi area.
type DayCount struct {
	Day       statsquery.Date // a civil date in the zone asked for
	Started   int             // visits that reached the funnel's first step
	Completed int             // of those, visits that reached its last step after the first
	// Unknown says why the day's counts are not known (its raw events were
	// deleted before they were kept), "" when they are; Started and
	// Completed are then 0 and mean nothing.
	Unknown string
}

// String is {2026-06-01 5 3}, or {2026-06-01 unknown}.
func (d DayCount) String() string {
	if d.Unknown != "" {
		return "{" + d.Day.String() + " unknown}"
	}
	return fmt.Sprintf("{%s %d %d}", d.Day, d.Started, d.Completed)
}

// Transactions counts, for each day of [from, to) in zone (every day, zeros
// included, in order), the visits (sessions) that reached the funnel's
// first step — started transactions — and those of them that went on to
// reach its last step — completed ones — as the kpi area defines them
// (issue 5: a service names a funnel as its main transaction). It returns
// store.ErrNotFound when the service has no such funnel.
//
// A visit counts on the day of its first first-step event, and only when
// that event is in [from, to); it is completed when, in the same visit, a
// last-step event follows a first-step event within FunnelWindow (the
// two-step windowFunnel of funnel.go's rules). The middle steps are not
// required, as in Plausible's "flexible" funnels: reaching the
// confirmation page after the start page is a completed transaction,
// however the visitor got there. So Completed never exceeds Started on a
// day, and a day's counts do not depend on the period asked for: events up
// to FunnelWindow on either side of it are read. A whole day that is over
// is counted once and kept (funnel_transactions), so the counts outlive
// the raw events and years of days cost a read of the table. A day whose
// raw events retention deleted before it was kept is Unknown, never 0.
func (g *Goals) Transactions(ctx context.Context, serviceID, funnelID int64, from, to time.Time, zone *time.Location) ([]DayCount, error) {
	f, err := g.FunnelByID(ctx, serviceID, funnelID)
	if err != nil {
		return nil, err
	}
	if zone == nil {
		zone = time.UTC
	}
	if !from.Before(to) {
		return []DayCount{}, nil
	}
	first := dateOf(from, zone)
	last := dateOf(to.Add(-time.Millisecond), zone)
	var days []DayCount
	for d := first; !last.Before(d); d = d.AddDays(1) {
		days = append(days, DayCount{Day: d})
	}
	steps := []Goal{f.Steps[0], f.Steps[len(f.Steps)-1]}
	def := definition(&Funnel{Steps: steps}, zone)
	kept, err := g.keptTransactions(ctx, f.ID, def, dayNumber(from, zone), dayNumber(to, zone))
	if err != nil {
		return nil, err
	}
	pruned, err := g.prunedBefore(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	// A day is over once a visit started on it can no longer complete; a
	// day over and wholly in the period is kept once counted.
	over := g.Now().Add(-FunnelWindow - dayGrace)
	keep := make([]bool, len(days))
	cached := make([]bool, len(days))
	for i, d := range days {
		start, end := d.Day.Start(zone), d.Day.AddDays(1).Start(zone)
		keep[i] = !from.After(start) && !to.Before(end) && !over.Before(end)
		if c, ok := kept[dayNumber(start, zone)]; ok && keep[i] {
			days[i].Started, days[i].Completed, cached[i] = c.Started, c.Completed, true
		} else if maxTime(from, start).Before(pruned) {
			// What is left of the day's events would count as 0, and
			// keeping it would make the 0 permanent.
			days[i].Unknown, cached[i] = ReasonPruned, true
		}
	}
	for i := 0; i < len(days); {
		if cached[i] {
			i++
			continue
		}
		// The run of days not kept is counted in one read of the events.
		j := i + 1
		for j < len(days) && !cached[j] {
			j++
		}
		runFrom := maxTime(from, days[i].Day.Start(zone))
		runTo := minTime(to, days[j-1].Day.AddDays(1).Start(zone))
		if err := g.countTransactions(ctx, serviceID, steps, runFrom, runTo, zone, days[i:j]); err != nil {
			return nil, fmt.Errorf("count transactions of funnel %d: %w", funnelID, err)
		}
		for k := i; k < j; k++ {
			if !keep[k] {
				continue
			}
			if _, err := g.db.ExecContext(ctx, `INSERT INTO funnel_transactions (funnel_id, definition, day, started, completed)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (funnel_id, definition, day) DO NOTHING`,
				f.ID, def, dayNumber(days[k].Day.Start(zone), zone), days[k].Started, days[k].Completed); err != nil {
				return nil, fmt.Errorf("keep funnel %d's transactions: %w", funnelID, err)
			}
		}
		i = j
	}
	return days, nil
}

// countTransactions counts into days (consecutive, covering [from, to))
// the visits whose first first-step event is in [from, to), reading the
// events up to FunnelWindow on either side.
func (g *Goals) countTransactions(ctx context.Context, serviceID int64, steps []Goal, from, to time.Time, zone *time.Location, days []DayCount) error {
	index := make(map[statsquery.Date]int, len(days))
	for i, d := range days {
		index[d.Day] = i
	}
	fromMS, toMS := from.UnixMilli(), to.UnixMilli()
	w := newWalker(2)
	window := FunnelWindow.Milliseconds()
	return g.scan(ctx, serviceID, steps, fromMS-window, toMS+window, "session_id", func(_ int64, rows []stepEvent) {
		level := w.walk(rows)
		if level == 0 || w.firstStart < fromMS || w.firstStart >= toMS {
			return
		}
		i, ok := index[dateOf(time.UnixMilli(w.firstStart), zone)]
		if !ok {
			return
		}
		days[i].Started++
		if level == 2 {
			days[i].Completed++
		}
	})
}

// keptTransactions reads the days of [first, last] already counted for def.
func (g *Goals) keptTransactions(ctx context.Context, funnelID int64, def string, first, last int64) (map[int64]DayCount, error) {
	rows, err := g.db.QueryContext(ctx, `SELECT day, started, completed FROM funnel_transactions
		WHERE funnel_id = $1 AND definition = $2 AND day BETWEEN $3 AND $4`, funnelID, def, first, last)
	if err != nil {
		return nil, fmt.Errorf("read funnel %d's transactions: %w", funnelID, err)
	}
	defer rows.Close()
	kept := map[int64]DayCount{}
	for rows.Next() {
		var day int64
		var c DayCount
		if err := rows.Scan(&day, &c.Started, &c.Completed); err != nil {
			return nil, fmt.Errorf("read funnel %d's transactions: %w", funnelID, err)
		}
		kept[day] = c
	}
	return kept, rows.Err()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func dateOf(t time.Time, zone *time.Location) statsquery.Date {
	y, m, d := t.In(zone).Date()
	return statsquery.Date{Year: y, Month: m, Day: d}
}

// stepEvent is one event that completes at least one step: bit i of mask
// is set when it completes step i.
type stepEvent struct {
	ts   int64
	mask uint16
}

// scan reads the service's events in [from, to) that complete at least one
// of steps, grouped by the column group (visitor_id or session_id) and in
// time order, and calls fn once per group.
func (g *Goals) scan(ctx context.Context, serviceID int64, steps []Goal, from, to int64, group string, fn func(key int64, rows []stepEvent)) error {
	resolved, err := g.Resolve(ctx, steps)
	if err != nil {
		return err
	}
	var buf []stepEvent
	var key int64
	err = g.readSteps(ctx, serviceID, resolved, from, to, group, group+", ts", func(k int64, ev stepEvent) {
		if len(buf) > 0 && k != key {
			fn(key, buf)
			buf = buf[:0]
		}
		key = k
		buf = append(buf, ev)
	})
	if err != nil {
		return err
	}
	if len(buf) > 0 {
		fn(key, buf)
	}
	return nil
}

// readSteps calls fn, in the order orderBy gives (group then time, or
// any order for ""), for every event of the service in [from, to) that
// completes at least one of the resolved steps, with the value of its
// column group (visitor_id or session_id).
func (g *Goals) readSteps(ctx context.Context, serviceID int64, resolved []Resolved, from, to int64, group, orderBy string, fn func(key int64, ev stepEvent)) error {
	q := analytics.StepQuery{Service: serviceID, From: from, To: to, Ordered: orderBy != ""}
	if group == "session_id" {
		q.By = analytics.BySession
	}
	pages := map[int64]bool{}
	for _, r := range resolved {
		switch {
		case r.Name == 0:
		case r.Pages == nil:
			q.Names = append(q.Names, r.Name)
		case len(r.Pages) > 0:
			q.PageName = r.Name // every page goal's name is the id of "pageview"
			for id := range r.Pages {
				pages[id] = true
			}
		}
	}
	for id := range pages {
		q.Pages = append(q.Pages, id)
	}
	err := g.events.StepEvents(ctx, q, func(e analytics.StepEvent) {
		var mask uint16
		for i := range resolved {
			if resolved[i].Has(e.Name, e.Page) {
				mask |= 1 << i
			}
		}
		if mask != 0 {
			fn(e.Key, stepEvent{ts: e.TS, mask: mask})
		}
	})
	if err != nil {
		return fmt.Errorf("read funnel events: %w", err)
	}
	return nil
}

// walker is ClickHouse's windowFunnel in its default mode
// (AggregateFunctionWindowFunnel::getEventLevel), for one group's events
// in time order.
type walker struct {
	n          int
	window     int64
	start      []int64 // start[i]: when the chain that reached step i began
	reached    []bool
	firstStart int64 // the first time step 0 matched, for Transactions
}

func newWalker(n int) *walker {
	return &walker{n: n, window: FunnelWindow.Milliseconds(), start: make([]int64, n), reached: make([]bool, n)}
}

// walk returns the deepest step reached (0 to n).
func (w *walker) walk(rows []stepEvent) int {
	clear(w.reached)
	w.firstStart = -1
	for i := 0; i < len(rows); {
		// windowFunnel sorts (timestamp, step) pairs, so the steps of
		// events with one timestamp are taken in step order.
		ts, mask := rows[i].ts, rows[i].mask
		for i++; i < len(rows) && rows[i].ts == ts; i++ {
			mask |= rows[i].mask
		}
		for s := 0; s < w.n; s++ {
			if mask&(1<<s) == 0 {
				continue
			}
			switch {
			case s == 0:
				w.start[0], w.reached[0] = ts, true
				if w.firstStart < 0 {
					w.firstStart = ts
				}
			case w.reached[s-1] && ts <= w.start[s-1]+w.window:
				w.start[s], w.reached[s] = w.start[s-1], true
				if s == w.n-1 {
					return w.n
				}
			}
		}
	}
	for s := w.n; s > 0; s-- {
		if w.reached[s-1] {
			return s
		}
	}
	return 0
}
