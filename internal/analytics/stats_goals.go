package analytics

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// ResolvedGoal is a conversion goal of a service as ids into the string
// dictionary: an event completes it when its name is Name and, for a
// page-view goal, its page is one of Pages. Name 0 means no event has ever
// carried the name, so nothing completes the goal yet.
type ResolvedGoal struct {
	DisplayName string         // the goal's value in the event:goal dimension
	Name        int64          // the id of the event name ("pageview" for page goals)
	Pages       map[int64]bool // page-view goals: every stored page the pattern matches; nil for event goals
	Wildcard    bool           // a page pattern with * (several pages, whose rollups cannot be added up)
}

// GoalSource gives the stats API and the dashboard a service's goals and
// funnels, which the goals area keeps. *goals.Goals is one; app passes it
// in, so that analytics need not import goals (which reads its events).
type GoalSource interface {
	// StatsGoals returns the service's goals, resolved, ordered by
	// display name.
	StatsGoals(ctx context.Context, serviceID int64) ([]ResolvedGoal, error)
	// FunnelTotals sums up each of the service's funnels over [from, to).
	FunnelTotals(ctx context.Context, serviceID int64, from, to time.Time) ([]FunnelTotals, error)
}

// FunnelTotals is how far visitors got through one funnel in a period, as
// the dashboard sums it up.
type FunnelTotals struct {
	ID             int64
	Name           string
	Steps          int
	Entered        int     // visitors who reached the first step
	Completed      int     // visitors who reached the last step
	ConversionRate float64 // Completed as a % of Entered
}

// usesGoals reports whether q names goals: the event:goal dimension or
// filter, or a conversion rate metric.
func usesGoals(q *statsquery.Query) bool {
	used := slices.Contains(q.Metrics, statsquery.ConversionRate) || slices.Contains(q.Metrics, statsquery.GroupConversionRate)
	for _, d := range q.Dimensions {
		used = used || d.Kind == statsquery.KindGoal
	}
	statsquery.Walk(q.Filters, func(l *statsquery.Leaf, _ int) {
		used = used || l.Dimension.Kind == statsquery.KindGoal
	})
	return used
}

// CheckGoals refuses an event:goal "is" filter naming a goal the service
// does not have, as Plausible's Stats API does: there, such a filter is
// most likely a typo, and would silently count nothing. Case-insensitive
// and contains filters may match nothing. The dashboard does not check,
// so that a link filtered on a goal since deleted still opens.
func (st *Stats) CheckGoals(ctx context.Context, serviceID int64, q *statsquery.Query) error {
	var named []string
	statsquery.Walk(q.Filters, func(l *statsquery.Leaf, _ int) {
		if l.Dimension.Kind == statsquery.KindGoal && l.Op == statsquery.OpIs && l.CaseSensitive {
			named = append(named, l.Values...)
		}
	})
	if len(named) == 0 || st.goals == nil {
		return nil
	}
	goals, err := st.goals.StatsGoals(ctx, serviceID)
	if err != nil {
		return err
	}
	for _, v := range named {
		if !slices.ContainsFunc(goals, func(g ResolvedGoal) bool { return g.DisplayName == v }) {
			return fault.Invalidf("filters", "Invalid filters. The goal `%s` is not configured for this site. "+
				"Find out how to add it on the service's Goals page, which lists the goals by the names to filter on.", v)
		}
	}
	return nil
}

// goalCond is the condition on events (alias e) that completes any of gs.
func goalCond(gs []ResolvedGoal) string {
	var parts []string
	for _, g := range gs {
		if g.Name == 0 {
			continue // nothing was ever sent under this goal's name
		}
		c := "e.name = " + strconv.FormatInt(g.Name, 10)
		if g.Pages != nil {
			ids := make([]string, 0, len(g.Pages))
			for id := range g.Pages {
				ids = append(ids, strconv.FormatInt(id, 10))
			}
			sort.Strings(ids)
			if len(ids) == 0 {
				continue
			}
			c += " AND e.page IN (" + strings.Join(ids, ",") + ")"
		}
		parts = append(parts, "("+c+")")
	}
	if len(parts) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// goalLeafCond renders an event:goal filter: the goals whose display name
// passes the leaf.
func (x *execution) goalLeafCond(l *statsquery.Leaf, table int, a *args) string {
	var picked []ResolvedGoal
	for _, g := range x.goals {
		if l.Match(g.DisplayName) {
			picked = append(picked, g)
		}
	}
	c := goalCond(picked)
	if table == onSessions {
		return fmt.Sprintf(`s.session_id IN (SELECT e.session_id FROM analytics_events e WHERE e.service_id = %s AND e.ts >= %s AND e.ts < %s AND %s)`,
			a.add(x.service), a.add(x.from), a.add(x.to), c)
	}
	return c
}

// goalGroups answers a query with the event:goal dimension at index gi:
// the query without it, once per goal, each limited to the goal's events.
func (x *execution) goalGroups(ctx context.Context, gi int) ([]*group, error) {
	rest := *x.q
	rest.Dimensions = append(append([]statsquery.Dimension{}, x.q.Dimensions[:gi]...), x.q.Dimensions[gi+1:]...)
	var out []*group
	for i, g := range x.goals {
		sub := *x
		sub.q = &rest
		sub.extra, sub.extraGoals = goalCond([]ResolvedGoal{g}), []ResolvedGoal{g}
		gs, err := sub.groups(ctx)
		if err != nil {
			return nil, err
		}
		for _, grp := range gs {
			if grp.visitors == 0 && grp.events == 0 {
				continue
			}
			dims := append(append([]groupValue{}, grp.dims[:gi]...), groupValue{id: int64(i)})
			grp.dims = append(dims, grp.dims[gi:]...)
			out = append(out, grp)
		}
	}
	return out, nil
}

// conversionBases fills in what the conversion rates divide by, as
// Plausible does: for conversion_rate the visitors of the whole query,
// for group_conversion_rate those of the group (its dimension values but
// the goal's), both counted without the top-level event:goal and custom
// property filters, which say what converting is.
func (x *execution) conversionBases(ctx context.Context, groups []*group) error {
	filters := withoutConversionFilters(x.q.Filters)
	if x.wants(statsquery.ConversionRate) {
		totals, err := x.baseVisitors(ctx, filters, nil)
		if err != nil {
			return err
		}
		var total int64
		if len(totals) > 0 {
			total = totals[0].visitors
		}
		for _, g := range groups {
			g.conversionBase = total
		}
	}
	if !x.wants(statsquery.GroupConversionRate) {
		return nil
	}
	goalAt := -1
	var dims []statsquery.Dimension
	for i, d := range x.q.Dimensions {
		if d.Kind == statsquery.KindGoal {
			goalAt = i
			continue
		}
		dims = append(dims, d)
	}
	totals, err := x.baseVisitors(ctx, filters, dims)
	if err != nil {
		return err
	}
	byKey := map[string]int64{}
	for _, t := range totals {
		byKey[dimKey(t.dims)] = t.visitors
	}
	for _, g := range groups {
		dims := g.dims
		if goalAt >= 0 {
			dims = append(append([]groupValue{}, g.dims[:goalAt]...), g.dims[goalAt+1:]...)
		}
		g.groupBase = byKey[dimKey(dims)]
	}
	return nil
}

// baseVisitors counts the visitors of the query's range with filters,
// grouped by dims.
func (x *execution) baseVisitors(ctx context.Context, filters statsquery.Filter, dims []statsquery.Dimension) ([]*group, error) {
	base := *x.q
	base.Metrics = []statsquery.Metric{statsquery.Visitors}
	base.Dimensions, base.Filters, base.OrderBy = dims, filters, nil
	// The page rollup counts the visitors who viewed a page, while the
	// group's converting visitors are those of any event on it: read the
	// events, so that a group's base is never below its conversions.
	page := slices.ContainsFunc(dims, func(d statsquery.Dimension) bool { return d.Kind == statsquery.KindPage })
	// The goals go along: a goal filter inside has_done is not dropped.
	sub := &execution{ev: x.ev, q: &base, service: x.service, rawOnly: x.rawOnly || page, useColumns: x.useColumns, cols: x.cols, goals: x.goals}
	if err := sub.prepare(ctx); err != nil {
		return nil, err
	}
	return sub.collect(ctx)
}

// withoutConversionFilters drops the top-level event:goal and custom
// property filters, where Plausible requires them to be when a conversion
// rate is asked for.
func withoutConversionFilters(f statsquery.Filter) statsquery.Filter {
	top := []statsquery.Filter{f}
	if and, ok := f.(*statsquery.And); ok {
		top = and.Filters
	}
	var keep []statsquery.Filter
	for _, c := range top {
		if l, ok := c.(*statsquery.Leaf); ok && (l.Dimension.Kind == statsquery.KindGoal || l.Dimension.Kind == statsquery.KindProp) {
			continue
		}
		if c != nil {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return &statsquery.And{Filters: keep}
}

func dimKey(dims []groupValue) string {
	var b strings.Builder
	for _, d := range dims {
		b.WriteString(strconv.FormatInt(d.id, 10))
		b.WriteByte(0)
		b.WriteString(d.text)
		b.WriteByte(1)
	}
	return b.String()
}

// goalsFromRollups answers the goals breakdown (event:goal alone, no
// filters, whole days) from the daily rollups when every goal is an event
// name or an exact page: its page's or name's rows then count exactly its
// visitors and completions. A wildcard goal spans several pages, whose
// visitors cannot be added up, so it needs the raw events.
func (x *execution) goalsFromRollups(ctx context.Context) ([]*group, bool, error) {
	r := x.q.DateRange
	if len(x.q.Dimensions) != 1 || x.q.Dimensions[0].Kind != statsquery.KindGoal || x.q.Filters != nil ||
		!r.From.Equal(r.FirstDay.Start(r.Location)) || !r.To.Equal(r.LastDay.AddDays(1).Start(r.Location)) {
		return nil, false, nil
	}
	for _, m := range x.q.Metrics {
		if m != statsquery.Visitors && m != statsquery.Events && m != statsquery.ConversionRate && m != statsquery.GroupConversionRate {
			return nil, false, nil
		}
	}
	for _, g := range x.goals {
		if g.Wildcard {
			return nil, false, nil
		}
	}
	first := localDay(r.FirstDay.Start(r.Location).UnixMilli(), r.Location)
	last := localDay(r.LastDay.Start(r.Location).UnixMilli(), r.Location)
	var out []*group
	for i, g := range x.goals {
		k, value, completions := kindName, g.Name, "events"
		if g.Pages != nil {
			k, value, completions = kindPage, -1, "pageviews"
			for id := range g.Pages {
				value = id
			}
		}
		if g.Name == 0 || value < 0 {
			continue // never reached
		}
		grp := &group{dims: []groupValue{{id: int64(i)}}}
		err := x.ev.db.QueryRowContext(ctx, `SELECT coalesce(sum(visitors), 0), coalesce(sum(`+completions+`), 0)
			FROM analytics_daily WHERE service_id = $1 AND kind = $2 AND value = $3 AND day >= $4 AND day <= $5`,
			x.service, int16(k), value, first, last).Scan(&grp.visitors, &grp.events)
		if err != nil {
			return nil, false, fmt.Errorf("read goal rollups: %w", err)
		}
		if grp.visitors > 0 || grp.events > 0 {
			out = append(out, grp)
		}
	}
	return out, true, nil
}
