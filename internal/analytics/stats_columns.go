package analytics

import (
	"cmp"
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// The column engine answers the same aggregate queries as run (the SQL
// engine in stats_groups.go) from the range's days in columns (segment.go):
// each filter becomes a mask computed in tight loops over dictionary ids,
// and one pass groups the rows that pass. It runs the same plan as run,
// table by table, so everything built on run (goals, conversion rates,
// totals, labels, order) is shared and the answers are the same;
// TestColumnEngineMatchesSQL checks that on random traffic.

// colRange is a query's days and what counting across them needs.
type colRange struct {
	ev      *sqlEvents
	service int64
	spans   [][2]int64 // each day's [start, end), Unix ms
	// Visitors and visits whose rows are not all in one block of one day
	// (a visitor in two days, a visit split across visitor ids or days):
	// they are counted through sets, the rest by watching ids change.
	cross *crossing
	// Visits with an event in the range passing an event condition, for
	// the visits' filters on event dimensions, by condition.
	visitSets map[any]map[int64]bool
}

// day reads the range's day di: from memory, or its segment. Days are
// read one at a time as a pass needs them, so a range of any size is
// answered in the memory the segment cache bounds.
func (r *colRange) day(ctx context.Context, di int) (*colDay, error) {
	return r.ev.day(ctx, r.service, r.spans[di][0], r.spans[di][1])
}

// each calls fn with each day of the range, in order.
func (r *colRange) each(ctx context.Context, fn func(di int, d *colDay) error) error {
	for di := range r.spans {
		d, err := r.day(ctx, di)
		if err != nil {
			return err
		}
		if err := fn(di, d); err != nil {
			return err
		}
	}
	return nil
}

// loadDays finds the days of the query's range, once per execution.
func (x *execution) loadDays(ctx context.Context) (*colRange, error) {
	if x.cols != nil {
		return x.cols, nil
	}
	r := &colRange{ev: x.ev, service: x.service, visitSets: map[any]map[int64]bool{}, cross: &crossing{}}
	var err error
	if r.spans, err = x.ev.spans(ctx, x.service, x.from, x.to, x.q.DateRange.Location); err != nil {
		return nil, err
	}
	if len(r.spans) == 0 {
		x.cols = r
		return r, nil
	}
	if r.cross, err = x.ev.crossingFor(ctx, x.service, r.spans); err != nil {
		return nil, err
	}
	x.cols = r
	return r, nil
}

// spans returns the days with data of [from, to) (Unix ms), each as its
// [start, end), having dropped the cached days another node let go.
func (s *sqlEvents) spans(ctx context.Context, service, from, to int64, zone *time.Location) ([][2]int64, error) {
	if to <= from {
		return nil, nil
	}
	first, last := localDay(from, zone), localDay(to-1, zone)
	if err := s.dropStaleDays(ctx, service, dayStart(first, zone).UnixMilli(), dayStart(last+1, zone).UnixMilli()); err != nil {
		return nil, err
	}
	days, err := s.daysWithData(ctx, service, first, last)
	if err != nil {
		return nil, err
	}
	spans := make([][2]int64, len(days))
	for i, day := range days {
		spans[i] = [2]int64{dayStart(day, zone).UnixMilli(), dayStart(day+1, zone).UnixMilli()}
	}
	return spans, nil
}

// daysWithData lists the days in [first, last] the rollups count anything
// for: the days with events (by their day) or visits (by their start).
func (s *sqlEvents) daysWithData(ctx context.Context, service int64, first, last int32) ([]int32, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day FROM analytics_daily WHERE service_id = $1 AND kind = $2 AND day >= $3 AND day <= $4 ORDER BY day`,
		service, kindTotal, first, last)
	if err != nil {
		return nil, fmt.Errorf("read the days with data: %w", err)
	}
	defer rows.Close()
	var days []int32
	for rows.Next() {
		var d int32
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		// The day after too: a visit's engagement events may run past
		// midnight, and the rollups do not count them.
		for _, day := range []int32{d, d + 1} {
			if day <= last && (len(days) == 0 || days[len(days)-1] < day) {
				days = append(days, day)
			}
		}
	}
	return days, rows.Err()
}

// dropStaleDays forgets cached closed days another node has dropped from
// analytics_segments (a late write on it, or pruning).
func (s *sqlEvents) dropStaleDays(ctx context.Context, service, from, to int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT day_start FROM analytics_segments WHERE service_id = $1 AND day_start >= $2 AND day_start < $3`, service, from, to)
	if err != nil {
		return fmt.Errorf("read segments: %w", err)
	}
	defer rows.Close()
	stored := map[int64]bool{}
	for rows.Next() {
		var start int64
		if err := rows.Scan(&start); err != nil {
			return err
		}
		stored[start] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.segments.keepOnly(service, from, to, stored)
	return nil
}

// repeated is the values that occur more than once in sorted lists.
func repeated(lists [][]int64) map[int64]bool {
	h := &cursorHeap{}
	for _, l := range lists {
		if len(l) > 0 {
			*h = append(*h, l)
		}
	}
	heap.Init(h)
	out := map[int64]bool{}
	prev, have := int64(0), false
	for h.Len() > 0 {
		l := (*h)[0]
		v := l[0]
		if have && v == prev {
			out[v] = true
		}
		prev, have = v, true
		if len(l) == 1 {
			heap.Pop(h)
		} else {
			(*h)[0] = l[1:]
			heap.Fix(h, 0)
		}
	}
	return out
}

type cursorHeap [][]int64

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i][0] < h[j][0] }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(v any)        { *h = append(*h, v.([]int64)) }
func (h *cursorHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// mask is which rows of a table pass.
type mask []bool

// rows lists the rows that pass.
func (m mask) rows() []int32 {
	n := 0
	for _, ok := range m {
		if ok {
			n++
		}
	}
	out := make([]int32, 0, n)
	for i, ok := range m {
		if ok {
			out = append(out, int32(i))
		}
	}
	return out
}

func newMask(n int, v bool) mask {
	m := make(mask, n)
	if v {
		for i := range m {
			m[i] = true
		}
	}
	return m
}

// rowCount is a day's rows of a table.
func (d *colDay) rowCount(table int) int {
	if table == onSessions {
		return len(d.sesStart)
	}
	return len(d.evTS)
}

// ids is a day's column of dictionary ids for table, by its SQL name; for
// events, perRun says the column holds one value per run (visit).
func (d *colDay) ids(table int, col string) (vals []int32, perRun, ok bool) {
	if table == onSessions {
		if i := slices.Index(visitLevel[:], col); i >= 0 {
			return d.sesIDs[i], false, true
		}
		return nil, false, false
	}
	if i := slices.Index(eventLevel[:], col); i >= 0 {
		return d.evIDs[i], false, true
	}
	if i := slices.Index(runLevel[:], col); i >= 0 {
		return d.runIDs[i], true, true
	}
	return nil, false, false
}

// colMask evaluates a filter over one day's rows of a table, as cond
// renders it.
func (x *execution) colMask(ctx context.Context, r *colRange, d *colDay, f statsquery.Filter, table int) (mask, error) {
	n := d.rowCount(table)
	switch f := f.(type) {
	case nil:
		return newMask(n, true), nil
	case *statsquery.And, *statsquery.Or:
		parts, and := []statsquery.Filter(nil), true
		if a, ok := f.(*statsquery.And); ok {
			parts = a.Filters
		} else {
			parts, and = f.(*statsquery.Or).Filters, false
		}
		out := newMask(n, and)
		for _, p := range parts {
			m, err := x.colMask(ctx, r, d, p, table)
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
		m, err := x.colMask(ctx, r, d, f.Filter, table)
		for i := range m {
			m[i] = !m[i]
		}
		return m, err
	case *statsquery.Behavioral:
		set, err := x.visitsWith(ctx, r, f, func(d *colDay) (mask, error) { return x.colMask(ctx, r, d, f.Filter, onEvents) })
		if err != nil {
			return nil, err
		}
		var m mask
		if table == onSessions {
			m = sessionsIn(d, set)
		} else {
			m = make(mask, n)
			for i, run := range d.evRun {
				m[i] = set[d.runSession[run]]
			}
		}
		if f.Negated {
			for i := range m {
				m[i] = !m[i]
			}
		}
		return m, nil
	case *statsquery.Leaf:
		return x.colLeafMask(ctx, r, d, f, table)
	}
	return nil, fmt.Errorf("unknown filter %T", f)
}

func (x *execution) colLeafMask(ctx context.Context, r *colRange, d *colDay, l *statsquery.Leaf, table int) (mask, error) {
	kind := l.Dimension.Kind
	evCol, sesCol := columns[kind][onEvents], columns[kind][onSessions]
	eventOnly := kind == statsquery.KindGoal || kind == statsquery.KindProp || sesCol == ""
	if table == onSessions && eventOnly {
		// An event dimension: the visits with a matching event in range.
		set, err := x.visitsWith(ctx, r, l, func(d *colDay) (mask, error) { return x.colLeafMask(ctx, r, d, l, onEvents) })
		if err != nil {
			return nil, err
		}
		return sessionsIn(d, set), nil
	}
	switch kind {
	case statsquery.KindGoal:
		var picked []ResolvedGoal
		for _, g := range x.goals {
			if l.Match(g.DisplayName) {
				picked = append(picked, g)
			}
		}
		return goalMask(d, picked), nil
	case statsquery.KindProp:
		return x.propMask(ctx, r, d, l)
	}
	var set denseSet
	var vals []int32
	var perRun, ok bool
	var err error
	switch {
	case table == onSessions:
		set, err = x.dense(ctx, l, onSessions, sesCol)
		vals, _, ok = d.ids(onSessions, sesCol)
	case evCol != "":
		set, err = x.dense(ctx, l, onEvents, evCol)
		vals, perRun, ok = d.ids(onEvents, evCol)
	default:
		// A dimension only visits have: events carry their visit's values.
		set, err = x.dense(ctx, l, onSessions, sesCol)
		vals, perRun, ok = d.ids(onEvents, visitOnEvents[sesCol])
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("column engine: no column for %s", l.Dimension)
	}
	return idMask(d, vals, perRun, set), nil
}

// Columns of events that hold their visit's values, for filters on
// dimensions only visits have (the SQL engine reaches the visits table).
var visitOnEvents = map[string]string{"entry_page": "visit_entry_page", "exit_page": "visit_exit_page", "hostname": "visit_hostname",
	"exit_hostname": "visit_exit_hostname"}

// idMask is the rows whose id is in set; a per-run column is tested once
// per run.
func idMask(d *colDay, vals []int32, perRun bool, set denseSet) mask {
	test := make([]bool, len(vals))
	for i, v := range vals {
		test[i] = set.has(v)
	}
	if !perRun {
		return test
	}
	m := make(mask, len(d.evTS))
	for i, run := range d.evRun {
		m[i] = test[run]
	}
	return m
}

// denseSet is a set of dictionary ids as a slice indexed by id.
type denseSet []bool

func newDenseSet(set map[int64]bool) denseSet {
	var top int64 = -1
	for id := range set {
		if id >= 0 && id <= math.MaxInt32 {
			top = max(top, id)
		}
	}
	d := make(denseSet, top+1)
	for id := range set {
		if id >= 0 && id <= top {
			d[id] = true
		}
	}
	return d
}

func (d denseSet) has(v int32) bool { return v >= 0 && int(v) < len(d) && d[v] }

// dense is a leaf's id set for a column, as a denseSet, made once.
func (x *execution) dense(ctx context.Context, l *statsquery.Leaf, table int, col string) (denseSet, error) {
	key := denseKey{l, table, col}
	if d, ok := x.denseSets[key]; ok {
		return d, nil
	}
	set, err := x.matchingSet(ctx, l, table, col)
	if err != nil {
		return nil, err
	}
	if x.denseSets == nil {
		x.denseSets = map[denseKey]denseSet{}
	}
	d := newDenseSet(set)
	x.denseSets[key] = d
	return d, nil
}

type denseKey struct {
	leaf  *statsquery.Leaf
	table int
	col   string
}

// visitsWith is the visits that have an event in the range passing
// events (the SQL engine's session_id IN (…) over events), once per cond.
func (x *execution) visitsWith(ctx context.Context, r *colRange, cond any, events func(d *colDay) (mask, error)) (map[int64]bool, error) {
	if s, ok := r.visitSets[cond]; ok {
		return s, nil
	}
	set := map[int64]bool{}
	err := r.each(ctx, func(_ int, d *colDay) error {
		m, err := events(d)
		if err != nil {
			return err
		}
		for i, ok := range m {
			if ok && d.evTS[i] >= x.from && d.evTS[i] < x.to {
				set[d.runSession[d.evRun[i]]] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.visitSets[cond] = set
	return set, nil
}

func sessionsIn(d *colDay, set map[int64]bool) mask {
	m := make(mask, len(d.sesSession))
	for i, s := range d.sesSession {
		m[i] = set[s]
	}
	return m
}

// dayGoals is goalBits for the query's goals, kept between queries.
func (x *execution) dayGoals(d *colDay) []uint64 {
	if x.goalsKey == "" {
		var key strings.Builder
		key.WriteString("goals")
		for _, g := range x.goals {
			fmt.Fprintf(&key, "\x00%s\x00%d\x00", g.DisplayName, g.Name)
			ids := make([]int64, 0, len(g.Pages))
			for id := range g.Pages {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			fmt.Fprint(&key, ids, g.Pages == nil)
		}
		x.goalsKey = key.String()
	}
	return x.ev.segments.goalBits(d, x.goalsKey, func() []uint64 { return goalBits(d, x.goals) })
}

// goalBits is, for each event of a day, the goals of gs (at most 64) it
// completes, as bits.
func goalBits(d *colDay, gs []ResolvedGoal) []uint64 {
	out := make([]uint64, len(d.evTS))
	for j, g := range gs {
		m := goalMask(d, []ResolvedGoal{g})
		for i, ok := range m {
			if ok {
				out[i] |= 1 << j
			}
		}
	}
	return out
}

// goalMask is the events that complete one of gs.
func goalMask(d *colDay, gs []ResolvedGoal) mask {
	m := make(mask, len(d.evTS))
	names, pages := d.evIDs[0], d.evIDs[1]
	for i := range m {
		for _, g := range gs {
			if g.Name != 0 && int64(names[i]) == g.Name && (g.Pages == nil || g.Pages[int64(pages[i])]) {
				m[i] = true
				break
			}
		}
	}
	return m
}

// propMask is the events whose custom property passes the leaf, with the
// SQL engine's rule for events without it (missingPropMatches).
func (x *execution) propMask(ctx context.Context, r *colRange, d *colDay, l *statsquery.Leaf) (mask, error) {
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
	byProps := make([]int8, len(d.props)) // 0 unknown, 1 keep, 2 drop
	m := make(mask, len(d.evTS))
	for i, p := range d.evProps {
		if p < 0 {
			m[i] = none
			continue
		}
		if byProps[p] == 0 {
			v, ok := propOf(d.props[p], l.Dimension.PropName)
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

// colPropNames is PropNames from the days in columns.
func (s *sqlEvents) colPropNames(ctx context.Context, service int64, r statsquery.DateRange, limit int) ([]string, error) {
	from, to := r.From.UnixMilli(), r.To.UnixMilli()
	zone := r.Location
	if zone == nil {
		zone = time.UTC
	}
	spans, err := s.spans(ctx, service, from, to, zone)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, sp := range spans {
		d, err := s.day(ctx, service, sp[0], sp[1])
		if err != nil {
			return nil, err
		}
		for name, n := range d.propNames(from, to) {
			counts[name] += n
		}
	}
	names := make([]string, 0, len(counts))
	for name := range counts {
		if queryableProp(name) && len(name) <= statsquery.MaxPropName {
			names = append(names, name)
		}
	}
	// As the SQL engine orders them: the most used first, then by name.
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names[:min(len(names), limit)], nil
}

// colColumnValues is columnValues from the days: the distinct ids a column
// holds, with their texts from the dictionary.
func (x *execution) colColumnValues(ctx context.Context, table int, col string) ([]storedValue, error) {
	r, err := x.loadDays(ctx)
	if err != nil {
		return nil, err
	}
	var all []int32
	err = r.each(ctx, func(_ int, d *colDay) error {
		all = append(all, d.distinctIDs(table, col)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(all)
	all = slices.Compact(all)
	return x.ev.segments.texts(ctx, x.ev.db, all)
}

// colPropValues is propValues from the days.
func (x *execution) colPropValues(ctx context.Context, name string) ([]storedValue, error) {
	r, err := x.loadDays(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []storedValue
	missing := false
	err = r.each(ctx, func(_ int, d *colDay) error {
		for _, p := range d.props {
			if v, ok := propOf(p, name); ok {
				if !seen[v] {
					seen[v] = true
					out = append(out, storedValue{text: v, ok: true})
				}
			} else {
				missing = true
			}
		}
		if !missing && slices.Contains(d.evProps, -1) {
			missing = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if missing {
		out = append(out, storedValue{})
	}
	return out, nil
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
	lastVisitor, lastVisit                int64
	seenVisitors, seenVisits              map[int64]bool // those counted through sets
	// per visit, for engagement: the visit's engaged time and deepest scroll
	engagedVisits map[[2]int64]*[2]int64
}

func (g *colAcc) countVisitor(v int64, cross bool) {
	if cross {
		if g.seenVisitors == nil {
			g.seenVisitors = map[int64]bool{}
		}
		if !g.seenVisitors[v] {
			g.seenVisitors[v] = true
			g.visitors++
		}
	} else if v != g.lastVisitor {
		g.lastVisitor = v
		g.visitors++
	}
}

func (g *colAcc) countVisit(s int64, cross bool) {
	if cross {
		if g.seenVisits == nil {
			g.seenVisits = map[int64]bool{}
		}
		if !g.seenVisits[s] {
			g.seenVisits[s] = true
			g.visits++
		}
	} else if s != g.lastVisit {
		g.lastVisit = s
		g.visits++
	}
}

// runColumns is run on the columns: the same rows, groups and measures.
func (x *execution) runColumns(ctx context.Context, table int, row func([]groupValue, []int64)) error {
	r, err := x.loadDays(ctx)
	if err != nil {
		return err
	}
	engagement := table == onEngagement
	if engagement {
		table = onEvents
	}
	groups := newColGroups(x.q.Dimensions)
	var buckets [][2]int64
	if td, ok := x.q.TimeDimension(); ok {
		for _, b := range x.q.DateRange.Buckets(td.Kind) {
			buckets = append(buckets, [2]int64{b.From.UnixMilli(), b.To.UnixMilli()})
		}
	}
	var extraVisits map[int64]bool
	if x.extraGoals != nil && table == onSessions {
		key := "goals"
		for _, g := range x.extraGoals {
			key += "\x00" + g.DisplayName
		}
		if extraVisits, err = x.visitsWith(ctx, r, key, func(d *colDay) (mask, error) { return goalMask(d, x.extraGoals), nil }); err != nil {
			return err
		}
	}
	// A goal dimension: each row counts for every goal it completes (a
	// visit, for every goal an event of it in range completes).
	gi := slices.IndexFunc(x.q.Dimensions, func(d statsquery.Dimension) bool { return d.Kind == statsquery.KindGoal })
	var visitGoals map[int64]uint64
	if gi >= 0 && table == onSessions {
		visitGoals = map[int64]uint64{}
		err := r.each(ctx, func(_ int, d *colDay) error {
			for i, b := range x.dayGoals(d) {
				if b != 0 && d.evTS[i] >= x.from && d.evTS[i] < x.to {
					visitGoals[d.runSession[d.evRun[i]]] |= b
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	filterKey := x.filterKey()
	for di := range r.spans {
		d, err := r.day(ctx, di)
		if err != nil {
			return err
		}
		cross := r.cross.flags(di, d)
		var evGoals []uint64
		if gi >= 0 && table == onEvents {
			evGoals = x.dayGoals(d)
		}
		// Events are engagement events or not by the query: the selection
		// kept holds only the one kind.
		key := filterKey
		if engagement {
			key += "\x00engagement"
		}
		sel, err := x.ev.segments.selection(d, key, table, func() (mask, error) {
			m, err := x.colMask(ctx, r, d, x.q.Filters, table)
			if err == nil && table == onEvents {
				for i, name := range d.evIDs[0] {
					m[i] = m[i] && (int64(name) == x.engagementID) == engagement
				}
			}
			return m, err
		})
		if err != nil {
			return err
		}
		var ts []int64
		var extra mask
		if table == onEvents {
			ts = d.evTS
			if x.extraGoals != nil {
				extra = goalMask(d, x.extraGoals)
			}
		} else {
			ts = d.sesStart
		}
		// A whole day in range needs no time check.
		inRange := d.start >= x.from && d.end <= x.to
		var scope mask
		if table == onSessions {
			if scope, err = x.bounceScopeMask(ctx, d); err != nil {
				return err
			}
		}
		keyOf, err := x.colKeys(d, table, ts, buckets)
		if err != nil {
			return err
		}
		for _, row := range sel {
			i := int(row)
			if table == onEvents {
				if !inRange && (ts[i] < x.from || ts[i] >= x.to) || extra != nil && !extra[i] {
					continue
				}
			} else if !inRange && (ts[i] < x.from || ts[i] >= x.to) || extraVisits != nil && !extraVisits[d.sesSession[i]] {
				continue
			}
			ok := true
			var k colKey
			for j := range keyOf {
				ok = ok && keyOf[j].set(i, &k)
			}
			if !ok {
				continue
			}
			goals := uint64(1) // one pass, unless by goal
			switch {
			case evGoals != nil:
				goals = evGoals[i]
			case visitGoals != nil:
				goals = visitGoals[d.sesSession[i]]
			}
			for ; goals != 0; goals &= goals - 1 {
				if gi >= 0 {
					k.v[gi] = int64(bits.TrailingZeros64(goals))
				}
				x.accumulate(cross, d, i, table, engagement, scope, groups.get(x, k))
			}
		}
	}
	order := groups.order
	if len(order) == 0 && len(x.q.Dimensions) == 0 {
		// An aggregate always has its one row, as SQL's has.
		order = append(order, &colAcc{})
	}
	for _, g := range order {
		switch {
		case table == onSessions:
			row(g.dims, []int64{g.visitors, g.visits, g.bounces, g.durationMS, g.sessionPageviews, g.bounceVisits})
		case engagement:
			// Per visit first, then the group: total time, visitors, and
			// the mean of each visit's deepest scroll.
			var ms, sd, scrolled int64
			for _, ev := range g.engagedVisits {
				ms += max(ev[0], 0)
				if ev[1] >= 0 {
					sd += ev[1]
					scrolled++
				}
			}
			avg := int64(0)
			if scrolled > 0 {
				avg = int64(float64(sd)/float64(scrolled) + 0.5)
			}
			row(g.dims, []int64{ms, g.visitors, avg})
		default:
			row(g.dims, []int64{g.visitors, g.visits, g.pageviews, g.events})
		}
	}
	return nil
}

// colGroups finds a row's group by its key. Neighbouring rows mostly
// share their group; a key of one dictionary id (most breakdowns) is
// looked up in a slice rather than a map.
type colGroups struct {
	order   []*colAcc
	byKey   map[colKey]*colAcc
	byID    []*colAcc // when the key is one id: by the id
	oneID   bool
	last    *colAcc
	lastKey colKey
}

// maxDenseGroupID bounds the ids kept in a slice: larger ones use the map.
const maxDenseGroupID = 1 << 20

func newColGroups(dims []statsquery.Dimension) *colGroups {
	oneID := len(dims) == 1 && dims[0].Kind != statsquery.KindProp
	return &colGroups{byKey: map[colKey]*colAcc{}, oneID: oneID}
}

func (gs *colGroups) get(x *execution, k colKey) *colAcc {
	if gs.oneID && k.v[0] >= 0 && k.v[0] < maxDenseGroupID {
		id := int(k.v[0])
		if id < len(gs.byID) {
			if g := gs.byID[id]; g != nil {
				return g
			}
		} else {
			gs.byID = append(gs.byID, make([]*colAcc, id+1-len(gs.byID))...)
		}
		g := gs.add(x, k)
		gs.byID[id] = g
		return g
	}
	if gs.last != nil && k == gs.lastKey {
		return gs.last
	}
	g := gs.byKey[k]
	if g == nil {
		g = gs.add(x, k)
		gs.byKey[k] = g
	}
	gs.last, gs.lastKey = g, k
	return g
}

func (gs *colGroups) add(x *execution, k colKey) *colAcc {
	g := &colAcc{lastVisitor: -1 << 63, lastVisit: -1 << 63}
	for di, dim := range x.q.Dimensions {
		if dim.Kind == statsquery.KindProp {
			g.dims = append(g.dims, groupValue{text: k.text})
		} else {
			g.dims = append(g.dims, groupValue{id: k.v[di]})
		}
	}
	gs.order = append(gs.order, g)
	return g
}

// accumulate adds row i of a day to its group g.
func (x *execution) accumulate(cross *dayCross, d *colDay, i, table int, engagement bool, scope mask, g *colAcc) {
	switch {
	case table == onSessions:
		g.countVisitor(d.sesVisitor[i], cross.visitVisitorCrosses(i))
		g.visits++
		g.durationMS += d.sesEnd[i] - d.sesStart[i]
		g.sessionPageviews += d.sesPageviews[i]
		if scope == nil || scope[i] {
			g.bounceVisits++
			if d.sesBounce[i] {
				g.bounces++
			}
		}
	case engagement:
		run := d.evRun[i]
		visitor, session := d.runVisitor[run], d.runSession[run]
		g.countVisitor(visitor, cross.runVisitorCrosses(run))
		if g.engagedVisits == nil {
			g.engagedVisits = map[[2]int64]*[2]int64{}
		}
		key := [2]int64{session, visitor}
		ev := g.engagedVisits[key]
		if ev == nil {
			ev = &[2]int64{-1, -1}
			g.engagedVisits[key] = ev
		}
		if e := d.evEngaged[i]; e >= 0 {
			ev[0] = max(ev[0], 0) + e
		}
		if s := int64(d.evScroll[i]); s >= 0 {
			ev[1] = max(ev[1], s)
		}
	default:
		run := d.evRun[i]
		g.countVisitor(d.runVisitor[run], cross.runVisitorCrosses(run))
		g.countVisit(d.runSession[run], cross.runVisitCrosses(run))
		g.events++
		if int64(d.evIDs[0][i]) == x.pageviewID {
			g.pageviews++
		}
	}
}

// keyer finds one dimension's value for a day's row.
type keyer struct {
	mode    int // keyID, keyRunID, keyTime or keyProp
	di      int // the dimension's place in the key
	vals    []int32
	run     []int32
	ts      []int64
	buckets [][2]int64
	props   []int32
	texts   []string // per distinct props text: the property, or "" before it is read
	read    []bool
	raw     []string
	name    string
}

const (
	keyID = iota
	keyRunID
	keyTime
	keyProp
)

// set puts row i's value in k; false when the row falls in no bucket.
func (kr *keyer) set(i int, k *colKey) bool {
	switch kr.mode {
	case keyID:
		k.v[kr.di] = int64(kr.vals[i])
	case keyRunID:
		k.v[kr.di] = int64(kr.vals[kr.run[i]])
	case keyTime:
		t := kr.ts[i]
		j := sort.Search(len(kr.buckets), func(j int) bool { return kr.buckets[j][1] > t })
		if j == len(kr.buckets) || t < kr.buckets[j][0] {
			return false
		}
		k.v[kr.di] = int64(j)
	case keyProp:
		k.text = noneProp
		if p := kr.props[i]; p >= 0 {
			if !kr.read[p] {
				v, ok := propOf(kr.raw[p], kr.name)
				if !ok {
					v = noneProp
				}
				kr.texts[p], kr.read[p] = v, true
			}
			k.text = kr.texts[p]
		}
	}
	return true
}

// colKeys says how each dimension's value is found for a day's row (a
// goal dimension's is set by runColumns, once for each goal a row
// completes).
func (x *execution) colKeys(d *colDay, table int, ts []int64, buckets [][2]int64) ([]keyer, error) {
	var keyOf []keyer
	for di, dim := range x.q.Dimensions {
		switch {
		case dim.Kind == statsquery.KindGoal:
		case dim.IsTime():
			keyOf = append(keyOf, keyer{mode: keyTime, di: di, ts: ts, buckets: buckets})
		case dim.Kind == statsquery.KindProp:
			if table == onSessions {
				return nil, fault.Invalidf("dimensions", "%s cannot be combined with visit metrics", dim)
			}
			keyOf = append(keyOf, keyer{mode: keyProp, di: di, props: d.evProps, raw: d.props, name: dim.PropName,
				texts: make([]string, len(d.props)), read: make([]bool, len(d.props))})
		default:
			col := columns[dim.Kind][table]
			if dim.Kind == statsquery.KindPage && table == onSessions {
				col = "entry_page"
			}
			if col == "" {
				return nil, fault.Invalidf("dimensions", "%s cannot be combined with these metrics and dimensions", dim)
			}
			vals, perRun, ok := d.ids(table, col)
			if !ok {
				return nil, fmt.Errorf("column engine: no column %s", col)
			}
			if perRun {
				keyOf = append(keyOf, keyer{mode: keyRunID, di: di, vals: vals, run: d.evRun})
			} else {
				keyOf = append(keyOf, keyer{mode: keyID, di: di, vals: vals})
			}
		}
	}
	return keyOf, nil
}

// bounceScopeMask is bounceScope on a day's visits, nil for all of them.
func (x *execution) bounceScopeMask(ctx context.Context, d *colDay) (mask, error) {
	page := topLevelPage(x.q.Filters)
	if page == nil {
		return nil, nil // every visit
	}
	set, err := x.dense(ctx, page, onSessions, "entry_page")
	if err != nil {
		return nil, err
	}
	vals, _, _ := d.ids(onSessions, "entry_page")
	return idMask(d, vals, false, set), nil
}

// filterKey names the query's filters and goals for the mask cache: the
// same filters mean the same rows, whatever else the query asks.
func (x *execution) filterKey() string {
	b, _ := json.Marshal(x.q.Echo().Filters)
	var key strings.Builder
	// The range too: a visit passes an event filter by its events in range.
	fmt.Fprint(&key, x.from, "-", x.to, " ")
	key.Write(b)
	for _, g := range x.goals {
		key.WriteString("\x00" + g.DisplayName)
		fmt.Fprint(&key, g.Name, len(g.Pages))
	}
	return key.String()
}

// columnEngineMaxEvents bounds the events of a range the column engine
// takes: what the segment cache holds decoded (about 88 bytes an event).
// It reads a range's days one at a time, but a day not in the cache is
// decoded again by every query of a page, which at ten million events
// took 85 s and 860 MB for one filtered page: such ranges go to the SQL
// engine until segments are read by column (BENCHMARKS.md).
const columnEngineMaxEvents = segmentCacheBytes / 88

// columnBuildBudget bounds the events of closed days without a kept
// segment that a query may put in columns itself. Building reads raw rows
// at about 100,000 events a second on one core (a third of that on a busy
// CI machine), and every panel of a page waits for it: a range the
// segments job has not prepared yet (a new install, an upgrade, the demo,
// a day just closed) is answered by the SQL engine while the job is woken
// to prepare it.
const columnBuildBudget = 20_000

// columnFit is whether the column engine takes a range.
type columnFit int

const (
	columnsTake    columnFit = iota
	columnsTooBig            // beyond columnEngineMaxEvents
	columnsUnready           // more than columnBuildBudget events to build
)

// columnsFit says whether the column engine takes the range, from the
// daily rollups' count of events, the kept segments and the cache.
func (s *sqlEvents) columnsFit(ctx context.Context, service int64, r statsquery.DateRange) (columnFit, error) {
	if !r.To.After(r.From) {
		return columnsTake, nil
	}
	zone := r.Location
	if zone == nil {
		zone = time.UTC
	}
	first, last := localDay(r.From.UnixMilli(), zone), localDay(r.To.UnixMilli()-1, zone)
	rows, err := s.db.QueryContext(ctx, `SELECT day, events FROM analytics_daily WHERE service_id = $1 AND kind = $2 AND day >= $3 AND day <= $4`,
		service, kindTotal, first, last)
	if err != nil {
		return 0, fmt.Errorf("size the range: %w", err)
	}
	perDay := map[int32]int64{}
	var events int64
	for rows.Next() {
		var day int32
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("size the range: %w", err)
		}
		perDay[day] = n
		events += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("size the range: %w", err)
	}
	if events > columnEngineMaxEvents {
		return columnsTooBig, nil
	}
	if events <= s.segments.buildBudget {
		return columnsTake, nil
	}
	kept, err := s.keptSegments(ctx, service, dayStart(first, zone).UnixMilli(), dayStart(last+1, zone).UnixMilli())
	if err != nil {
		return 0, err
	}
	now := s.segments.now().UnixMilli()
	var build int64
	for day, n := range perDay {
		start, end := dayStart(day, zone).UnixMilli(), dayStart(day+1, zone).UnixMilli()
		if kept[start] || now < end+SessionTimeout.Milliseconds() || s.segments.holds(service, start) {
			continue // open days are read from raw rows and kept briefly whatever the engine
		}
		build += n
	}
	if build > s.segments.buildBudget {
		return columnsUnready, nil
	}
	return columnsTake, nil
}

// keptSegments returns the days in [from, to) (day starts, Unix ms) that
// have a segment of this version kept.
func (s *sqlEvents) keptSegments(ctx context.Context, service, from, to int64) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day_start, version FROM analytics_segments WHERE service_id = $1 AND day_start >= $2 AND day_start < $3`,
		service, from, to)
	if err != nil {
		return nil, fmt.Errorf("read segments: %w", err)
	}
	defer rows.Close()
	kept := map[int64]bool{}
	for rows.Next() {
		var start, version int64
		if err := rows.Scan(&start, &version); err != nil {
			return nil, fmt.Errorf("read segments: %w", err)
		}
		kept[start] = version == int64(segmentVersion)
	}
	return kept, rows.Err()
}

// columnsAnswer reports whether the column engine takes the query.
func (x *execution) columnsAnswer() bool {
	return x.useColumns && len(x.q.Dimensions) <= len(colKey{}.v)
}
