package analytics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
)

// Stats answers Stats API v2 queries from the stored events and visits.
type Stats struct {
	events EventStore
	goals  GoalSource
	// Unprepared, when set, is called (and must not block) when a query
	// found days of a service not yet prepared for filtered views: it was
	// answered the slower way, and PrepareDays should run soon.
	Unprepared func(serviceID int64)
}

// NewStats reads from events, with the services' goals from goals for
// event:goal and conversion_rate (nil: queries that name goals fail).
func NewStats(events EventStore, goals GoalSource) *Stats {
	return &Stats{events: events, goals: goals}
}

// Result is the response of POST /api/v2/query.
type Result struct {
	Results []ResultRow     `json:"results"`
	Meta    map[string]any  `json:"meta"`
	Query   statsquery.Echo `json:"query"`
}

// ResultRow is one group: its dimension values and its metrics, in the
// order the query asked for them.
type ResultRow struct {
	Metrics    []any `json:"metrics"`
	Dimensions []any `json:"dimensions"`
	// Comparison is set when the query asks for include.comparisons.
	Comparison *RowComparison `json:"comparison,omitempty"`
}

// group is one row being built: its dimension key and its measures.
type group struct {
	dims                                  []groupValue
	visitors, visits, pageviews, events   int64
	bounces, durationMS, sessionPageviews int64
	bounceVisits                          int64 // the visits bounce rate is out of (see bounceScope)
	conversionBase                        int64 // visitors of the whole query with no goal involved
	groupBase                             int64 // visitors of the group with no goal involved
	engagedMS, engagedVisitors            int64 // from engagement events, for time on page
	scrollDepth                           int64 // mean of each visit's deepest scroll, in %
	engaged                               bool  // the group had engagement events at all
}

// groupValue is a dimension value as the query returned it: a dictionary
// id, a bucket index, or a text (custom properties).
type groupValue struct {
	id   int64
	text string
}

// Start is where the period "all" begins for a service: when it was
// registered, or its first day of data when that is earlier (events sent
// before the service was registered here), as Plausible's stats start date.
func (st *Stats) Start(ctx context.Context, svc *catalog.Service) (time.Time, error) {
	first, _, ok, err := st.events.DataDays(ctx, svc.ID)
	if err != nil || !ok {
		return svc.CreatedAt, err
	}
	if t := dayStart(first, svc.Location()); t.Before(svc.CreatedAt) {
		return t, nil
	}
	return svc.CreatedAt, nil
}

// PrepareDays has the event store make its last days ready for filtered
// queries, where it keeps something for that (the SQL store's column
// segments), and returns how many days it prepared. A background job calls
// it, so that the first click on a dashboard row does not pay for it.
func (st *Stats) PrepareDays(ctx context.Context, svc *catalog.Service, days int) (int, error) {
	k, ok := st.events.(interface {
		KeepSegments(ctx context.Context, service int64, zone *time.Location, first, last int32) (int, error)
	})
	if !ok {
		return 0, nil
	}
	zone := svc.Location()
	today := localDay(time.Now().UnixMilli(), zone)
	return k.KeepSegments(ctx, svc.ID, zone, today-int32(days), today)
}

// dayStart is the first instant of a day counted as localDay counts it.
func dayStart(day int32, zone *time.Location) time.Time {
	return time.Date(1970, 1, 1+int(day), 0, 0, 0, 0, zone)
}

// Run executes q for one service.
//
// A query gets QueryTimeout at most: one that reads too many raw rows is
// stopped as Unavailable rather than tying up the server.
func (st *Stats) Run(ctx context.Context, serviceID int64, q *statsquery.Query) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	var unprepared atomic.Bool
	res, err := st.run(ctx, serviceID, q, false, func(id int64) {
		unprepared.Store(true)
		if st.Unprepared != nil {
			st.Unprepared(id)
		}
	})
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		if unprepared.Load() {
			return nil, fault.Unavailablef("the query took too long: the days of this period are being prepared for filtered views " +
				"(about 15 seconds a million events); try again in a minute, or ask for a shorter period")
		}
		return nil, fault.Unavailablef("the query took too long: ask for a shorter period, fewer filters or a coarser time dimension")
	}
	return res, err
}

// QueryTimeout bounds one stats query.
const QueryTimeout = 20 * time.Second

func (st *Stats) run(ctx context.Context, serviceID int64, q *statsquery.Query, rawOnly bool, unprepared func(int64)) (*Result, error) {
	r := StatsRequest{Service: serviceID, Query: q, rawOnly: rawOnly, columns: !rawOnly, unprepared: unprepared}
	if usesGoals(q) {
		if st.goals == nil {
			return nil, fmt.Errorf("stats: no goals store")
		}
		var err error
		if r.Goals, err = st.goals.StatsGoals(ctx, serviceID); err != nil {
			return nil, err
		}
	}
	return st.events.Stats(ctx, r)
}

// Stats runs the query engine of stats*.go.
func (s *sqlEvents) Stats(ctx context.Context, r StatsRequest) (*Result, error) {
	q := r.Query
	x := &execution{ev: s, q: q, service: r.Service, rawOnly: r.rawOnly, goals: r.Goals}
	if r.columns {
		fit, err := s.columnsFit(ctx, r.Service, q.DateRange)
		if err != nil {
			return nil, err
		}
		x.useColumns = fit == columnsTake
		if fit == columnsUnready && r.unprepared != nil {
			r.unprepared(r.Service)
		}
	}
	if err := x.prepare(ctx); err != nil {
		return nil, err
	}
	groups, err := x.collect(ctx)
	if err != nil {
		return nil, err
	}
	if x.wants(statsquery.ConversionRate) || x.wants(statsquery.GroupConversionRate) {
		if err := x.conversionBases(ctx, groups); err != nil {
			return nil, err
		}
	}
	var total int64
	if x.wants(statsquery.Percentage) {
		if total, err = x.totalVisitors(ctx); err != nil {
			return nil, err
		}
	}
	labels, err := x.labels(ctx, groups)
	if err != nil {
		return nil, err
	}
	rows := make([]ResultRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, ResultRow{Metrics: x.metrics(g, total), Dimensions: labels(g)})
	}
	x.sort(rows)
	meta := map[string]any{}
	if q.Include.TotalRows {
		meta["total_rows"] = len(rows)
	}
	if q.Include.TimeLabels {
		var tl []string
		for _, b := range q.TimeBuckets() {
			tl = append(tl, b.Label)
		}
		meta["time_labels"] = tl
	}
	if q.Include.Comparisons != nil {
		// total_rows counts the groups found, as Plausible's does.
		if filled := withEmptyBuckets(q, rows); len(filled) != len(rows) {
			rows = filled
			x.sort(rows)
		}
	}
	if q.Offset >= len(rows) {
		rows = rows[:0]
	} else {
		rows = rows[q.Offset:min(len(rows), q.Offset+q.Limit)]
	}
	if q.Include.Comparisons != nil {
		if err := s.compare(ctx, r, rows); err != nil {
			return nil, err
		}
	}
	return &Result{Results: rows, Meta: meta, Query: q.Echo()}, nil
}

// collect reads the groups from the rollups when they hold the answer,
// else from the raw events and visits.
func (x *execution) collect(ctx context.Context) ([]*group, error) {
	if x.rawOnly {
		return x.groups(ctx)
	}
	if len(x.goals) > 0 {
		if groups, ok, err := x.goalsFromRollups(ctx); err != nil || ok {
			return groups, err
		}
	}
	groups, ok, err := x.fromRollups(ctx)
	if err != nil || ok {
		return groups, err
	}
	return x.groups(ctx)
}

func (x *execution) wants(m statsquery.Metric) bool {
	for _, have := range x.q.Metrics {
		if have == m {
			return true
		}
	}
	return false
}

// metrics computes the requested metrics of a group, as Plausible rounds them.
func (x *execution) metrics(g *group, totalVisitors int64) []any {
	out := make([]any, 0, len(x.q.Metrics))
	for _, m := range x.q.Metrics {
		switch m {
		case statsquery.Visitors:
			out = append(out, g.visitors)
		case statsquery.Visits:
			out = append(out, g.visits)
		case statsquery.Pageviews:
			out = append(out, g.pageviews)
		case statsquery.Events:
			out = append(out, g.events)
		case statsquery.ViewsPerVisit:
			out = append(out, ratio(g.sessionPageviews, g.visits, 2))
		case statsquery.BounceRate:
			out = append(out, int64(math.Round(ratio(g.bounces*100, g.bounceVisits, 6))))
		case statsquery.VisitDuration:
			out = append(out, int64(math.Round(ratio(g.durationMS, g.visits*1000, 6))))
		case statsquery.Percentage:
			out = append(out, ratio(g.visitors*100, totalVisitors, 1))
		case statsquery.ConversionRate:
			out = append(out, ratio(g.visitors*100, g.conversionBase, 2))
		case statsquery.GroupConversionRate:
			out = append(out, ratio(g.visitors*100, g.groupBase, 2))
		case statsquery.ScrollDepth:
			if g.engaged {
				out = append(out, g.scrollDepth)
			} else {
				out = append(out, nil)
			}
		case statsquery.TimeOnPage:
			if g.engaged {
				out = append(out, int64(math.Round(ratio(g.engagedMS, g.engagedVisitors*1000, 6))))
			} else {
				out = append(out, nil)
			}
		default:
			out = append(out, nil)
		}
	}
	return out
}

func ratio(a, b int64, places int) float64 {
	if b == 0 {
		return 0
	}
	p := math.Pow(10, float64(places))
	return math.Round(float64(a)/float64(b)*p) / p
}

// sort orders rows by the query's order_by, then by dimension values, so
// that equal rows come out the same way every time.
func (x *execution) sort(rows []ResultRow) {
	index := func(key string) (metric bool, i int) {
		for i, m := range x.q.Metrics {
			if string(m) == key {
				return true, i
			}
		}
		for i, d := range x.q.Dimensions {
			if d.String() == key {
				return false, i
			}
		}
		return true, -1
	}
	sort.SliceStable(rows, func(a, b int) bool {
		for _, o := range x.q.OrderBy {
			metric, i := index(o.Key())
			if i < 0 {
				continue
			}
			var va, vb any
			if metric {
				va, vb = rows[a].Metrics[i], rows[b].Metrics[i]
			} else {
				va, vb = rows[a].Dimensions[i], rows[b].Dimensions[i]
			}
			if c := compare(va, vb); c != 0 {
				return (c < 0) != o.Desc
			}
		}
		return compare(fmt.Sprint(rows[a].Dimensions), fmt.Sprint(rows[b].Dimensions)) < 0
	})
}

func compare(a, b any) int {
	switch x := a.(type) {
	case int64:
		y, _ := b.(int64)
		return cmpNum(float64(x), float64(y))
	case float64:
		y, _ := b.(float64)
		return cmpNum(x, y)
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func cmpNum(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
