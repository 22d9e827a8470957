package goals

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
)

// A funnel report is the sum of its days' reports: visitor ids are salted
// per day in the service's zone, so no visitor's events cross midnight.
// A whole day that is over never changes, so its levels are kept in
// funnel_days and a report reads raw events only for the days it has not
// seen before and for today. Over ten million events this turns a 30-day
// dashboard's funnel from seconds into the cost of today's events.

// dayGrace is how long after midnight a day's last events may still be in
// the ingestion queue: the day is kept only after it.
const dayGrace = time.Minute

// levels are the visitors whose deepest step was i, for i from 0 to the
// number of steps.
type levels []int

func (l levels) add(o levels) {
	for i := range l {
		if i < len(o) {
			l[i] += o[i]
		}
	}
}

func (l levels) String() string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func parseLevels(s string, n int) (levels, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, false
	}
	l := make(levels, n)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return nil, false
		}
		l[i] = v
	}
	return l, true
}

// definition names what a funnel's days were computed for: its steps'
// goals and the zone its days are cut in.
func definition(f *Funnel, zone *time.Location) string {
	h := sha256.New()
	fmt.Fprintf(h, "zone %s\n", zone)
	for _, s := range f.Steps {
		fmt.Fprintf(h, "%s %q %q\n", s.Kind, s.PagePath, s.EventName)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// dayNumber is whole days since 1970-01-01 of the civil date t has in zone.
func dayNumber(t time.Time, zone *time.Location) int64 {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// dayTime is the first instant of a day dayNumber counts.
func dayTime(day int64, zone *time.Location) time.Time {
	y, m, d := time.Unix(day*86400, 0).UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// ReasonPruned is why a funnel's figure for a day is unknown: its raw
// events were deleted before the figure was kept.
const ReasonPruned = "The raw events of these days were deleted by the service’s retention setting before this funnel’s figures for them were kept."

// funnelLevels counts the visitors of [from, to) by the deepest step they
// reached, a day at a time, from funnel_days where it can. Days whose raw
// events retention has deleted, and that were not kept before, are left
// out of the levels and listed in unknown.
func (g *Goals) funnelLevels(ctx context.Context, f *Funnel, zone *time.Location, from, to time.Time) (total levels, unknown []statsquery.Date, err error) {
	n := len(f.Steps) + 1
	total = make(levels, n)
	if !from.Before(to) {
		return total, nil, nil
	}
	// Only the days the service has data for can count: a report over a
	// century walks those, not every day of it.
	first, last, ok, err := g.events.DataDays(ctx, f.ServiceID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return total, nil, nil
	}
	from = maxTime(from, dayTime(int64(first), zone))
	to = minTime(to, dayTime(int64(last)+1, zone))
	if !from.Before(to) {
		return total, nil, nil
	}
	resolved, err := g.Resolve(ctx, f.Steps)
	if err != nil {
		return nil, nil, err
	}
	pruned, err := g.prunedBefore(ctx, f.ServiceID)
	if err != nil {
		return nil, nil, err
	}
	def := definition(f, zone)
	kept, err := g.keptDays(ctx, f.ID, def, dayNumber(from, zone), dayNumber(to, zone), n)
	if err != nil {
		return nil, nil, err
	}
	now := g.Now()
	type newDay struct {
		day int64
		l   levels
	}
	var fresh []newDay
	for start := from; start.Before(to); {
		y, m, d := start.In(zone).Date()
		midnight := time.Date(y, m, d, 0, 0, 0, 0, zone)
		next := time.Date(y, m, d+1, 0, 0, 0, 0, zone)
		end := next
		if to.Before(next) {
			end = to
		}
		day := dayNumber(midnight, zone)
		whole := !start.After(midnight) && !end.Before(next) && !now.Before(next.Add(dayGrace))
		if l, ok := kept[day]; ok && whole {
			total.add(l)
			start = end
			continue
		}
		if start.Before(pruned) {
			// Counting what is left would report the deleted visitors as
			// 0, and keeping that would make the 0 permanent.
			unknown = append(unknown, statsquery.Date{Year: y, Month: m, Day: d})
			start = end
			continue
		}
		l, err := g.walkVisitors(ctx, f.ServiceID, resolved, start, end)
		if err != nil {
			return nil, nil, err
		}
		total.add(l)
		if whole {
			fresh = append(fresh, newDay{day, l})
		}
		start = end
	}
	for _, nd := range fresh {
		// Two reports may compute the same day at once: both are right.
		if _, err := g.db.ExecContext(ctx, `INSERT INTO funnel_days (funnel_id, definition, day, levels) VALUES ($1, $2, $3, $4)
			ON CONFLICT (funnel_id, definition, day) DO NOTHING`, f.ID, def, nd.day, nd.l.String()); err != nil {
			return nil, nil, fmt.Errorf("keep funnel %d's day %d: %w", f.ID, nd.day, err)
		}
	}
	return total, unknown, nil
}

// prunedBefore is when the service's raw events may have been deleted
// before; the zero time when never.
func (g *Goals) prunedBefore(ctx context.Context, serviceID int64) (time.Time, error) {
	if g.PrunedBefore == nil {
		return time.Time{}, nil
	}
	return g.PrunedBefore(ctx, serviceID)
}

// KeepBeforePrune keeps the days and transactions of every funnel of the
// service that the raw events of [from, to) count towards, before
// retention deletes those events; analytics' Retention calls it (as its
// BeforePrune). Only days that are over are kept: a day still open when
// its first events go is unknown afterwards (with a retention of a day or
// two), never a 0.
func (g *Goals) KeepBeforePrune(ctx context.Context, serviceID int64, from, to time.Time) error {
	funnels, err := g.Funnels(ctx, serviceID)
	if err != nil {
		return err
	}
	if len(funnels) == 0 {
		return nil
	}
	zone, err := g.serviceZone(ctx, serviceID)
	if err != nil {
		return err
	}
	first := dateOf(from, zone).Start(zone)
	// A visit started on a day may complete up to FunnelWindow later, so
	// the days just after the pruned ones read its events too.
	last := minTime(dateOf(to, zone).AddDays(1).Start(zone), g.Now())
	lastTx := minTime(dateOf(to.Add(FunnelWindow), zone).AddDays(1).Start(zone), g.Now())
	for _, f := range funnels {
		if _, _, err := g.funnelLevels(ctx, f, zone, first, last); err != nil {
			return fmt.Errorf("keep funnel %d's days: %w", f.ID, err)
		}
		if _, err := g.Transactions(ctx, serviceID, f.ID, first, lastTx, zone); err != nil {
			return fmt.Errorf("keep funnel %d's transactions: %w", f.ID, err)
		}
	}
	return nil
}

// keptDays reads the days of [first, last] already computed for def.
func (g *Goals) keptDays(ctx context.Context, funnelID int64, def string, first, last int64, n int) (map[int64]levels, error) {
	rows, err := g.db.QueryContext(ctx, `SELECT day, levels FROM funnel_days
		WHERE funnel_id = $1 AND definition = $2 AND day BETWEEN $3 AND $4`, funnelID, def, first, last)
	if err != nil {
		return nil, fmt.Errorf("read funnel %d's days: %w", funnelID, err)
	}
	defer rows.Close()
	kept := map[int64]levels{}
	for rows.Next() {
		var day int64
		var s string
		if err := rows.Scan(&day, &s); err != nil {
			return nil, fmt.Errorf("read funnel %d's days: %w", funnelID, err)
		}
		if l, ok := parseLevels(s, n); ok {
			kept[day] = l
		}
	}
	return kept, rows.Err()
}

// walkVisitors reads the events of [from, to) that complete a step, groups
// them by visitor in memory and walks each visitor's events in time order.
// They come in index order (by step, then time): asking the database for
// time order would make it read the whole table's rows, and sort them.
// It is called for at most a day at a time, which bounds the memory.
func (g *Goals) walkVisitors(ctx context.Context, serviceID int64, resolved []Resolved, from, to time.Time) (levels, error) {
	l := make(levels, len(resolved)+1)
	byVisitor := map[int64][]stepEvent{}
	err := g.readSteps(ctx, serviceID, resolved, from.UnixMilli(), to.UnixMilli(), "visitor_id", "", func(visitor int64, ev stepEvent) {
		byVisitor[visitor] = append(byVisitor[visitor], ev)
	})
	if err != nil {
		return nil, err
	}
	w := newWalker(len(resolved))
	for _, evs := range byVisitor {
		slices.SortFunc(evs, func(a, b stepEvent) int { return cmp.Compare(a.ts, b.ts) })
		l[w.walk(evs)]++
	}
	return l, nil
}

// serviceZone is the time zone the service's days are counted in.
func (g *Goals) serviceZone(ctx context.Context, serviceID int64) (*time.Location, error) {
	var name string
	err := g.db.QueryRowContext(ctx, `SELECT timezone FROM services WHERE id = $1`, serviceID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read the time zone of service %d: %w", serviceID, err)
	}
	zone, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, nil // the catalog checks zones; an unknown one counts in UTC as the pipeline does
	}
	return zone, nil
}
