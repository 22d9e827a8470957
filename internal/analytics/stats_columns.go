package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// The column engine answers the same aggregate queries as run (the SQL
// engine in stats_groups.go) from a query's events and visits held in
// columns in memory: each filter becomes a mask computed in tight loops
// over dictionary ids, and one pass groups the rows that pass. It runs the
// same plan as run, table by table, so everything built on run (goals,
// conversion rates, totals, labels, order) is shared and the answers are
// the same; TestColumnEngineMatchesSQL checks that on random traffic.

// colChunk holds events and visits in columns. Events are in (visitor,
// visit, time) order and visits in (visitor, start) order, so that one
// visitor's rows are next to each other and distinct visitors and visits
// are counted by watching them change.
type colChunk struct {
	ev  colTable
	ses colTable
	// props are the distinct custom property texts; ev.props indexes them.
	props []string
}

// colTable is one table's rows in columns: dictionary-id columns by the
// names the SQL tables use, and the measures' columns.
type colTable struct {
	n         int
	ts        []int64 // events: time; visits: start
	end       []int64 // visits: last event
	visitor   []int64
	session   []int64
	ids       map[string][]int64 // dictionary-id columns, by column name
	pageviews []int64            // visits
	bounce    []bool             // visits
	props     []int32            // events: index into colChunk.props, -1 for none
	engaged   []int64            // events: engaged ms, -1 for none
	scroll    []int64            // events: scroll depth, -1 for none
}

// Columns of events that hold their visit's values, for filters on
// dimensions only visits have (the SQL engine reaches the visits table).
var visitOnEvents = map[string]string{"entry_page": "visit_entry_page", "exit_page": "visit_exit_page", "hostname": "visit_hostname"}

// eventIDColumns and visitIDColumns are the dictionary-id columns read.
var (
	visitDims      = []string{"source", "referrer", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "device", "browser", "browser_version", "os", "os_version", "country"}
	eventIDColumns = append([]string{"name", "page", "hostname", "visit_entry_page", "visit_exit_page", "visit_hostname"}, visitDims...)
	visitIDColumns = append([]string{"entry_page", "exit_page", "hostname"}, visitDims...)
)

// loadColumns reads the query's range from the raw tables into columns.
func (x *execution) loadColumns(ctx context.Context) (*colChunk, error) {
	if x.cols != nil {
		return x.cols, nil
	}
	c := &colChunk{ev: colTable{ids: map[string][]int64{}}, ses: colTable{ids: map[string][]int64{}}}
	sel := "e.ts, e.visitor_id, e.session_id, e.props, coalesce(e.engaged_ms, -1), coalesce(e.scroll_depth, -1), " +
		"e.name, e.page, e.hostname, coalesce(s.entry_page, -1), coalesce(s.exit_page, -1), coalesce(s.hostname, -1)"
	for _, d := range visitDims {
		sel += ", e." + d
	}
	rows, err := x.ev.db.QueryContext(ctx, `SELECT `+sel+` FROM analytics_events e
		LEFT JOIN analytics_sessions s ON s.service_id = e.service_id AND s.session_id = e.session_id
		WHERE e.service_id = $1 AND e.ts >= $2 AND e.ts < $3 ORDER BY e.visitor_id, e.session_id, e.ts`, x.service, x.from, x.to)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	propIndex := map[string]int32{}
	ids := make([]int64, len(eventIDColumns))
	for rows.Next() {
		var ts, visitor, session, engaged, scroll int64
		var props string
		dest := []any{&ts, &visitor, &session, &props, &engaged, &scroll}
		for i := range ids {
			dest = append(dest, &ids[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		t := &c.ev
		t.ts, t.visitor, t.session = append(t.ts, ts), append(t.visitor, visitor), append(t.session, session)
		t.engaged, t.scroll = append(t.engaged, engaged), append(t.scroll, scroll)
		p := int32(-1)
		if props != "" {
			i, ok := propIndex[props]
			if !ok {
				i = int32(len(c.props))
				propIndex[props] = i
				c.props = append(c.props, props)
			}
			p = i
		}
		t.props = append(t.props, p)
		for i, col := range eventIDColumns {
			t.ids[col] = append(t.ids[col], ids[i])
		}
		t.n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sel = "session_id, visitor_id, start_ts, end_ts, pageviews, bounce"
	for _, col := range visitIDColumns {
		sel += ", " + col
	}
	rows, err = x.ev.db.QueryContext(ctx, `SELECT `+sel+` FROM analytics_sessions
		WHERE service_id = $1 AND start_ts >= $2 AND start_ts < $3 ORDER BY visitor_id, start_ts`, x.service, x.from, x.to)
	if err != nil {
		return nil, fmt.Errorf("read visits: %w", err)
	}
	defer rows.Close()
	ids = make([]int64, len(visitIDColumns))
	for rows.Next() {
		var session, visitor, start, end, pageviews int64
		var bounce bool
		dest := []any{&session, &visitor, &start, &end, &pageviews, &bounce}
		for i := range ids {
			dest = append(dest, &ids[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		t := &c.ses
		t.session, t.visitor, t.ts, t.end = append(t.session, session), append(t.visitor, visitor), append(t.ts, start), append(t.end, end)
		t.pageviews, t.bounce = append(t.pageviews, pageviews), append(t.bounce, bounce)
		for i, col := range visitIDColumns {
			t.ids[col] = append(t.ids[col], ids[i])
		}
		t.n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	x.cols = c
	return c, nil
}

// mask is which rows of a table pass.
type mask []bool

func newMask(n int, v bool) mask {
	m := make(mask, n)
	if v {
		for i := range m {
			m[i] = true
		}
	}
	return m
}

// colMask evaluates a filter over a table's rows, as cond renders it.
func (x *execution) colMask(ctx context.Context, c *colChunk, f statsquery.Filter, table int) (mask, error) {
	t := c.table(table)
	switch f := f.(type) {
	case nil:
		return newMask(t.n, true), nil
	case *statsquery.And, *statsquery.Or:
		parts, and := []statsquery.Filter(nil), true
		if a, ok := f.(*statsquery.And); ok {
			parts = a.Filters
		} else {
			parts, and = f.(*statsquery.Or).Filters, false
		}
		out := newMask(t.n, and)
		for _, p := range parts {
			m, err := x.colMask(ctx, c, p, table)
			if err != nil {
				return nil, err
			}
			for i := range out {
				if and {
					out[i] = out[i] && m[i]
				} else {
					out[i] = out[i] || m[i]
				}
			}
		}
		return out, nil
	case *statsquery.Not:
		m, err := x.colMask(ctx, c, f.Filter, table)
		for i := range m {
			m[i] = !m[i]
		}
		return m, err
	case *statsquery.Leaf:
		return x.colLeafMask(ctx, c, f, table)
	}
	return nil, fmt.Errorf("unknown filter %T", f)
}

func (c *colChunk) table(table int) *colTable {
	if table == onSessions {
		return &c.ses
	}
	return &c.ev
}

func (x *execution) colLeafMask(ctx context.Context, c *colChunk, l *statsquery.Leaf, table int) (mask, error) {
	t := c.table(table)
	switch {
	case l.Dimension.Kind == statsquery.KindGoal:
		var picked []ResolvedGoal
		for _, g := range x.goals {
			if l.Match(g.DisplayName) {
				picked = append(picked, g)
			}
		}
		if table == onSessions {
			return x.visitsWithEvents(c, goalMask(&c.ev, picked)), nil
		}
		return goalMask(&c.ev, picked), nil
	case l.Dimension.Kind == statsquery.KindProp:
		m, err := x.propMask(ctx, c, l)
		if err != nil || table != onSessions {
			return m, err
		}
		return x.visitsWithEvents(c, m), nil
	}
	evCol, sesCol := columns[l.Dimension.Kind][onEvents], columns[l.Dimension.Kind][onSessions]
	var set map[int64]bool
	var vals []int64
	var err error
	switch {
	case table == onSessions && sesCol == "":
		// An event dimension: the visits with a matching event.
		m, err := x.colLeafMask(ctx, c, l, onEvents)
		if err != nil {
			return nil, err
		}
		return x.visitsWithEvents(c, m), nil
	case table == onSessions:
		set, err = x.matchingSet(ctx, l, onSessions, sesCol)
		vals = t.ids[sesCol]
	case evCol != "":
		set, err = x.matchingSet(ctx, l, onEvents, evCol)
		vals = t.ids[evCol]
	default:
		// A dimension only visits have: events carry their visit's values.
		set, err = x.matchingSet(ctx, l, onSessions, sesCol)
		vals = t.ids[visitOnEvents[sesCol]]
	}
	if err != nil {
		return nil, err
	}
	if vals == nil {
		return nil, fmt.Errorf("column engine: no column for %s", l.Dimension)
	}
	m := make(mask, t.n)
	for i, v := range vals {
		m[i] = set[v]
	}
	return m, nil
}

// visitsWithEvents is the visits that have an event in the range that
// passes the events' mask (the SQL engine's session_id IN (…) over events).
func (x *execution) visitsWithEvents(c *colChunk, events mask) mask {
	sessions := map[int64]bool{}
	for i, ok := range events {
		if ok {
			sessions[c.ev.session[i]] = true
		}
	}
	m := make(mask, c.ses.n)
	for i, s := range c.ses.session {
		m[i] = sessions[s]
	}
	return m
}

// goalMask is the events that complete one of gs.
func goalMask(t *colTable, gs []ResolvedGoal) mask {
	m := make(mask, t.n)
	names, pages := t.ids["name"], t.ids["page"]
	for i := range m {
		for _, g := range gs {
			if g.Name != 0 && names[i] == g.Name && (g.Pages == nil || g.Pages[pages[i]]) {
				m[i] = true
				break
			}
		}
	}
	return m
}

// propMask is the events whose custom property passes the leaf, with the
// SQL engine's rule for events without it (missingPropMatches).
func (x *execution) propMask(ctx context.Context, c *colChunk, l *statsquery.Leaf) (mask, error) {
	values, err := x.propValues(ctx, l.Dimension.PropName)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	none := false
	for _, v := range values {
		if !v.ok {
			none = missingPropMatches(l)
		} else if l.Match(v.text) {
			keep[v.text] = true
		}
	}
	byProps := make([]int8, len(c.props)) // 0 unknown, 1 keep, 2 drop
	m := make(mask, c.ev.n)
	for i, p := range c.ev.props {
		if p < 0 {
			m[i] = none
			continue
		}
		if byProps[p] == 0 {
			v, ok := propOf(c.props[p], l.Dimension.PropName)
			byProps[p] = 2
			if (ok && keep[v]) || (!ok && none) {
				byProps[p] = 1
			}
		}
		m[i] = byProps[p] == 1
	}
	return m, nil
}

// propOf reads one custom property from an event's props, as text the way
// the SQL engine's propExpr reads it.
func propOf(props, name string) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(props), &m) != nil {
		return "", false
	}
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}

// colKey is a group's key: up to four dimension values.
type colKey struct {
	v    [4]int64
	text string
}

// colAcc accumulates one group's measures.
type colAcc struct {
	dims                                  []groupValue
	visitors, visits, pageviews, events   int64
	bounces, durationMS, sessionPageviews int64
	bounceVisits                          int64
	lastVisitor, lastSession              int64
	engagedMS, scrollSum                  int64
	// per visit and page, for engagement: the visit's time and deepest scroll
	engagedVisits map[[2]int64]*[2]int64
}

// runColumns is run on the columns: the same rows, groups and measures.
func (x *execution) runColumns(ctx context.Context, table int, row func([]groupValue, []int64)) error {
	c, err := x.loadColumns(ctx)
	if err != nil {
		return err
	}
	engagement := table == onEngagement
	if engagement {
		table = onEvents
	}
	t := c.table(table)
	m, err := x.colMask(ctx, c, x.q.Filters, table)
	if err != nil {
		return err
	}
	if table == onEvents {
		names := t.ids["name"]
		var extra mask
		if x.extraGoals != nil {
			extra = goalMask(t, x.extraGoals)
		}
		for i := range m {
			if (names[i] == x.engagementID) != engagement || t.ts[i] < x.from || t.ts[i] >= x.to || (extra != nil && !extra[i]) {
				m[i] = false
			}
		}
	} else {
		var extra mask
		if x.extraGoals != nil {
			extra = x.visitsWithEvents(c, goalMask(&c.ev, x.extraGoals))
		}
		for i := range m {
			if t.ts[i] < x.from || t.ts[i] >= x.to || (extra != nil && !extra[i]) {
				m[i] = false
			}
		}
	}
	var scope mask
	if table == onSessions {
		if scope, err = x.bounceScopeMask(ctx, c); err != nil {
			return err
		}
	}
	// How each dimension's value is found for a row.
	var buckets [][2]int64
	var keyOf []func(i int, k *colKey) bool
	for di, d := range x.q.Dimensions {
		di := di
		switch {
		case d.IsTime():
			for _, b := range x.q.DateRange.Buckets(d.Kind) {
				buckets = append(buckets, [2]int64{b.From.UnixMilli(), b.To.UnixMilli()})
			}
			bk := buckets
			keyOf = append(keyOf, func(i int, k *colKey) bool {
				ts := t.ts[i]
				j := sort.Search(len(bk), func(j int) bool { return bk[j][1] > ts })
				if j == len(bk) || ts < bk[j][0] {
					return false
				}
				k.v[di] = int64(j)
				return true
			})
		case d.Kind == statsquery.KindProp:
			if table == onSessions {
				return fault.Invalidf("dimensions", "%s cannot be combined with visit metrics", d)
			}
			name := d.PropName
			keyOf = append(keyOf, func(i int, k *colKey) bool {
				k.text = noneProp
				if p := t.props[i]; p >= 0 {
					if v, ok := propOf(c.props[p], name); ok {
						k.text = v
					}
				}
				return true
			})
		default:
			col := columns[d.Kind][table]
			if d.Kind == statsquery.KindPage && table == onSessions {
				col = "entry_page"
			}
			vals := t.ids[col]
			if col == "" {
				return fault.Invalidf("dimensions", "%s cannot be combined with these metrics and dimensions", d)
			}
			keyOf = append(keyOf, func(i int, k *colKey) bool { k.v[di] = vals[i]; return true })
		}
	}
	groups := map[colKey]*colAcc{}
	var order []*colAcc
	for i := 0; i < t.n; i++ {
		if !m[i] {
			continue
		}
		var k colKey
		ok := true
		for _, f := range keyOf {
			ok = ok && f(i, &k)
		}
		if !ok {
			continue
		}
		g := groups[k]
		if g == nil {
			g = &colAcc{lastVisitor: -1 << 63, lastSession: -1 << 63}
			for di, d := range x.q.Dimensions {
				if d.Kind == statsquery.KindProp {
					g.dims = append(g.dims, groupValue{text: k.text})
				} else {
					g.dims = append(g.dims, groupValue{id: k.v[di]})
				}
			}
			groups[k] = g
			order = append(order, g)
		}
		if v := t.visitor[i]; v != g.lastVisitor {
			g.lastVisitor = v
			g.visitors++
		}
		switch {
		case engagement:
			if g.engagedVisits == nil {
				g.engagedVisits = map[[2]int64]*[2]int64{}
			}
			key := [2]int64{t.session[i], t.visitor[i]}
			ev := g.engagedVisits[key]
			if ev == nil {
				ev = &[2]int64{0, -1 << 63}
				g.engagedVisits[key] = ev
			}
			if t.engaged[i] >= 0 {
				ev[0] += t.engaged[i]
			}
			if t.scroll[i] >= 0 {
				ev[1] = max(ev[1], t.scroll[i])
			}
		case table == onEvents:
			if s := t.session[i]; s != g.lastSession {
				g.lastSession = s
				g.visits++
			}
			g.events++
			if t.ids["name"][i] == x.pageviewID {
				g.pageviews++
			}
		default:
			g.visits++
			g.durationMS += t.end[i] - t.ts[i]
			g.sessionPageviews += t.pageviews[i]
			if scope[i] {
				g.bounceVisits++
				if t.bounce[i] {
					g.bounces++
				}
			}
		}
	}
	for _, g := range order {
		switch {
		case engagement:
			// Per visit and page first, then the group: total time,
			// visitors, and the mean of each visit's deepest scroll.
			var ms, sd, n, scrolled int64
			for _, ev := range g.engagedVisits {
				ms += ev[0]
				if ev[1] != -1<<63 {
					sd += ev[1]
					scrolled++
				}
				n++
			}
			avg := int64(0)
			if scrolled > 0 {
				avg = int64(float64(sd)/float64(scrolled) + 0.5)
			}
			row(g.dims, []int64{ms, g.visitors, avg})
		case table == onEvents:
			row(g.dims, []int64{g.visitors, g.visits, g.pageviews, g.events})
		default:
			row(g.dims, []int64{g.visitors, g.visits, g.bounces, g.durationMS, g.sessionPageviews, g.bounceVisits})
		}
	}
	return nil
}

// bounceScopeMask is bounceScope on the columns.
func (x *execution) bounceScopeMask(ctx context.Context, c *colChunk) (mask, error) {
	page := topLevelPage(x.q.Filters)
	if page == nil {
		return newMask(c.ses.n, true), nil
	}
	set, err := x.matchingSet(ctx, page, onSessions, "entry_page")
	if err != nil {
		return nil, err
	}
	m := make(mask, c.ses.n)
	for i, v := range c.ses.ids["entry_page"] {
		m[i] = set[v]
	}
	return m, nil
}

// columnsAnswer reports whether the column engine takes the query.
func (x *execution) columnsAnswer() bool {
	return x.useColumns && len(x.q.Dimensions) <= len(colKey{}.v)
}
