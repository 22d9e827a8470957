package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// groups runs the events query and the visits query the metrics need and
// merges their rows by dimension values.
func (x *execution) groups(ctx context.Context) ([]*group, error) {
	for i, d := range x.q.Dimensions {
		// The column engine counts every goal in one pass (up to 64).
		if d.Kind == statsquery.KindGoal && !(x.columnsAnswer() && len(x.goals) <= 64) {
			return x.goalGroups(ctx, i)
		}
	}
	needEvents, needSessions := false, false
	for _, m := range x.q.Metrics {
		switch m {
		case statsquery.Pageviews, statsquery.Events:
			needEvents = true
		case statsquery.Visitors, statsquery.Visits, statsquery.Percentage, statsquery.ConversionRate, statsquery.GroupConversionRate:
			if x.eventsDriven {
				needEvents = true
			} else {
				needSessions = true
			}
		case statsquery.BounceRate, statsquery.VisitDuration, statsquery.ViewsPerVisit:
			needSessions = true
		}
	}
	byKey := map[string]*group{}
	var order []*group
	get := func(dims []groupValue) *group {
		k := dimKey(dims)
		g := byKey[k]
		if g == nil {
			g = &group{dims: dims}
			byKey[k] = g
			order = append(order, g)
		}
		return g
	}
	if needEvents {
		if err := x.run(ctx, onEvents, func(dims []groupValue, m []int64) {
			g := get(dims)
			g.pageviews, g.events = m[2], m[3]
			if x.eventsDriven {
				g.visitors, g.visits = m[0], m[1]
			}
		}); err != nil {
			return nil, err
		}
	}
	if x.wants(statsquery.ScrollDepth) || x.wants(statsquery.TimeOnPage) {
		if err := x.run(ctx, onEngagement, func(dims []groupValue, m []int64) {
			g := get(dims)
			g.engagedMS, g.engagedVisitors, g.scrollDepth, g.engaged = m[0], m[1], m[2], m[1] > 0
		}); err != nil {
			return nil, err
		}
	}
	if needSessions {
		if err := x.run(ctx, onSessions, func(dims []groupValue, m []int64) {
			g := get(dims)
			if !x.eventsDriven {
				g.visitors, g.visits = m[0], m[1]
			} else if g.visits == 0 {
				g.visits = m[1]
			}
			g.bounces, g.durationMS, g.sessionPageviews, g.bounceVisits = m[2], m[3], m[4], m[5]
		}); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// run builds and runs one aggregate query on events or visits, calling
// row with each group's dimension values and measures.
func (x *execution) run(ctx context.Context, table int, row func([]groupValue, []int64)) error {
	if x.columnsAnswer() {
		return x.runColumns(ctx, table, row)
	}
	var a args
	alias, from, tsCol := "e", "analytics_events e", "e.ts"
	measures := `count(DISTINCT e.visitor_id), count(DISTINCT e.session_id),
		coalesce(sum(CASE WHEN e.name = ` + strconv.FormatInt(x.pageviewID, 10) + ` THEN 1 ELSE 0 END), 0), count(*)`
	nMeasures := 4
	engagement := table == onEngagement
	if engagement {
		// Engagement rows are event rows: dimensions and filters read them so.
		table, nMeasures = onEvents, 3
	}
	if table == onSessions {
		alias, from, tsCol = "s", "analytics_sessions s", "s.start_ts"
		scope, err := x.bounceScope(ctx)
		if err != nil {
			return err
		}
		measures = `count(DISTINCT s.visitor_id), count(*), coalesce(sum(CASE WHEN s.bounce AND ` + scope + ` THEN 1 ELSE 0 END), 0),
			coalesce(sum(s.end_ts - s.start_ts), 0), coalesce(sum(s.pageviews), 0), coalesce(sum(CASE WHEN ` + scope + ` THEN 1 ELSE 0 END), 0)`
		nMeasures = 6
	}
	var with, join string
	var groupBy []string
	var kinds []statsquery.Dimension
	for _, d := range x.q.Dimensions {
		kinds = append(kinds, d)
		switch {
		case d.IsTime():
			with, join = x.bucketsCTE(d), " JOIN bk ON "+tsCol+" >= bk.lo AND "+tsCol+" < bk.hi"
			groupBy = append(groupBy, "bk.i")
		case d.Kind == statsquery.KindProp:
			if table == onSessions {
				return fault.Invalidf("dimensions", "%s cannot be combined with visit metrics", d)
			}
			groupBy = append(groupBy, x.propExpr("e", d.PropName, &a))
		case d.Kind == statsquery.KindPage && table == onSessions:
			// A page's bounce rate and visit duration are those of the
			// visits that landed on it, as in Plausible's pages report.
			groupBy = append(groupBy, "s.entry_page")
		default:
			col := columns[d.Kind][table]
			if col == "" {
				return fault.Invalidf("dimensions", "%s cannot be combined with these metrics and dimensions", d)
			}
			groupBy = append(groupBy, alias+"."+col)
		}
	}
	where := []string{alias + ".service_id = " + a.add(x.service), tsCol + " >= " + a.add(x.from), tsCol + " < " + a.add(x.to)}
	if engagement {
		where = append(where, "e.name = "+a.add(x.engagementID))
	} else if table == onEvents {
		where = append(where, "e.name <> "+a.add(x.engagementID))
	}
	if table == onEvents {
		if x.extra != "" {
			where = append(where, x.extra)
		}
	} else if x.extra != "" {
		where = append(where, fmt.Sprintf(`s.session_id IN (SELECT e.session_id FROM analytics_events e WHERE e.service_id = %s AND e.ts >= %s AND e.ts < %s AND %s)`,
			a.add(x.service), a.add(x.from), a.add(x.to), x.extra))
	}
	if x.q.Filters != nil {
		c, err := x.cond(ctx, x.q.Filters, table, &a)
		if err != nil {
			return err
		}
		where = append(where, c)
	}
	sel := append(append([]string{}, groupBy...), measures)
	q := with + "SELECT " + strings.Join(sel, ", ") + " FROM " + from + join + " WHERE " + strings.Join(where, " AND ")
	if len(groupBy) > 0 {
		q += " GROUP BY " + strings.Join(groupBy, ", ")
	}
	if engagement {
		// Per visit and page first (its engaged time, its deepest scroll),
		// then per group: total time, visitors, and the mean deepest scroll.
		var inner, outer []string
		for i, g := range groupBy {
			inner = append(inner, fmt.Sprintf("%s AS g%d", g, i))
			outer = append(outer, fmt.Sprintf("t.g%d", i))
		}
		innerGroup := append(append([]string{}, groupBy...), "e.session_id", "e.visitor_id")
		q = with + "SELECT " + strings.Join(append(append([]string{}, outer...),
			"coalesce(sum(t.ms), 0), count(DISTINCT t.visitor_id), coalesce(CAST(round(avg(t.sd)) AS BIGINT), 0)"), ", ") +
			" FROM (SELECT " + strings.Join(append(inner, "e.visitor_id", "sum(e.engaged_ms) AS ms", "max(e.scroll_depth) AS sd"), ", ") +
			" FROM " + from + join + " WHERE " + strings.Join(where, " AND ") + " GROUP BY " + strings.Join(innerGroup, ", ") + ") t"
		if len(outer) > 0 {
			q += " GROUP BY " + strings.Join(outer, ", ")
		}
	}
	rows, err := x.ev.db.QueryContext(ctx, q, a...)
	if err != nil {
		return fmt.Errorf("stats query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		dims := make([]groupValue, len(kinds))
		texts := make([]sql.NullString, len(kinds))
		m := make([]int64, nMeasures)
		dest := make([]any, 0, len(kinds)+nMeasures)
		for i, d := range kinds {
			if d.Kind == statsquery.KindProp {
				dest = append(dest, &texts[i])
			} else {
				dest = append(dest, &dims[i].id)
			}
		}
		for i := range m {
			dest = append(dest, &m[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("stats query: %w", err)
		}
		for i, d := range kinds {
			if d.Kind == statsquery.KindProp {
				dims[i].text = noneProp
				if texts[i].Valid {
					dims[i].text = texts[i].String
				}
			}
		}
		row(dims, m)
	}
	return rows.Err()
}

// bounceScope is the condition on visits that bounce rate counts: with a
// top-level event:page filter, as in Plausible, only the visits that
// entered on a matching page (a visit that saw the page later did not
// bounce from it); otherwise every visit the filters keep.
func (x *execution) bounceScope(ctx context.Context) (string, error) {
	page := topLevelPage(x.q.Filters)
	if page == nil {
		return "TRUE", nil
	}
	ids, err := x.matchingSet(ctx, page, onSessions, "entry_page")
	if err != nil {
		return "", err
	}
	return "s.entry_page IN (" + idList(ids) + ")", nil
}

// topLevelPage is the first event:page filter among the top-level ones.
func topLevelPage(f statsquery.Filter) *statsquery.Leaf {
	top := []statsquery.Filter{f}
	if and, ok := f.(*statsquery.And); ok {
		top = and.Filters
	}
	for _, f := range top {
		if l, ok := f.(*statsquery.Leaf); ok && l.Dimension.Kind == statsquery.KindPage {
			return l
		}
	}
	return nil
}

// bucketsCTE lists the time buckets of the range as a table bk(i, lo, hi)
// in Unix ms; joining on it buckets rows with an index range scan each,
// whatever the time zone's offsets and daylight saving do.
func (x *execution) bucketsCTE(d statsquery.Dimension) string {
	var b strings.Builder
	b.WriteString("WITH bk (i, lo, hi) AS (VALUES ")
	for i, bk := range x.q.DateRange.Buckets(d.Kind) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, %d, %d)", i, bk.From.UnixMilli(), bk.To.UnixMilli())
	}
	b.WriteString(") ")
	return b.String()
}

// totalVisitors is the visitors of the whole filtered range, for percentage.
func (x *execution) totalVisitors(ctx context.Context) (int64, error) {
	whole := &execution{ev: x.ev, q: &statsquery.Query{DateRange: x.q.DateRange, Filters: x.q.Filters,
		Metrics: []statsquery.Metric{statsquery.Visitors}}, service: x.service, goals: x.goals}
	if err := whole.prepare(ctx); err != nil {
		return 0, err
	}
	whole.eventsDriven, whole.rawOnly, whole.useColumns, whole.cols = x.eventsDriven, x.rawOnly, x.useColumns, x.cols
	gs, err := whole.collect(ctx)
	if err != nil || len(gs) == 0 {
		return 0, err
	}
	return gs[0].visitors, nil
}

// labels resolves dimension values to what the API shows: strings for
// dictionary ids, bucket labels for time.
func (x *execution) labels(ctx context.Context, groups []*group) (func(*group) []any, error) {
	need := map[int64]bool{}
	for _, g := range groups {
		for i, d := range x.q.Dimensions {
			if !d.IsTime() && d.Kind != statsquery.KindProp && d.Kind != statsquery.KindGoal {
				need[g.dims[i].id] = true
			}
		}
	}
	names := map[int64]string{}
	if len(need) > 0 {
		ids := make([]string, 0, len(need))
		for id := range need {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		rows, err := x.ev.db.QueryContext(ctx, `SELECT id, value FROM analytics_strings WHERE id IN (`+strings.Join(ids, ",")+`)`)
		if err != nil {
			return nil, fmt.Errorf("dimension labels: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				return nil, err
			}
			names[id] = v
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var buckets []statsquery.Bucket
	if td, ok := x.q.TimeDimension(); ok {
		buckets = x.q.DateRange.Buckets(td.Kind)
	}
	return func(g *group) []any {
		out := make([]any, len(x.q.Dimensions))
		for i, d := range x.q.Dimensions {
			switch {
			case d.IsTime():
				out[i] = buckets[g.dims[i].id].Label
			case d.Kind == statsquery.KindProp:
				out[i] = g.dims[i].text
			case d.Kind == statsquery.KindGoal:
				out[i] = x.goals[g.dims[i].id].DisplayName
			case d.Kind == statsquery.KindCity:
				// A city is its GeoNames id, a number, as in Plausible.
				id, _ := strconv.ParseInt(displayValue(d.Kind, names[g.dims[i].id]), 10, 64)
				out[i] = id
			default:
				out[i] = displayValue(d.Kind, names[g.dims[i].id])
			}
		}
		return out
	}, nil
}
