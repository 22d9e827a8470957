package analytics

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A segment is one local day of a service's events and visits in columns,
// for the column engine (stats_columns.go). A closed day's segment is
// built once from the raw tables and kept in analytics_segments, encoded;
// a write or a pruning that touches the day drops it, and the next query
// builds it again. The open day is read from the raw tables each time.
//
// Events are in (visitor, visit, time) order, so a visit's events form a
// run: the visit's own values (where it came from, on what, its entry and
// exit page) are held once per run, the rest once per event. Visits are
// in (visitor, start) order. Either way one visitor's rows are together,
// which lets the engine count distinct visitors by watching them change.
type colDay struct {
	start, end int64 // the day, as Unix ms [start, end)
	service    int64 // whose day: set when the day is read, not kept in the segment

	evTS      []int64
	evRun     []int32 // the run (visit) of each event
	evIDs     [len(eventLevel)][]int32
	evProps   []int32 // index into props, -1 for none
	evEngaged []int64 // engaged ms, -1 for none
	evScroll  []int8  // scroll depth, -1 for none
	props     []string

	runVisitor, runSession []int64
	runIDs                 [len(runLevel)][]int32

	sesStart, sesEnd, sesVisitor, sesSession []int64
	sesPageviews                             []int64
	sesBounce                                []bool
	sesIDs                                   [len(visitLevel)][]int32

	// The distinct ids of each column, worked out on first use.
	distinctMu sync.Mutex
	distinct   map[string][]int32
	propCounts map[string]int64 // events by custom property name

	// Sorted ids, for finding the visitors and visits that span days.
	sortOnce sync.Once
	lists    *dayLists
}

// propNames counts the events of [from, to) (Unix ms) that carry each
// custom property name; the whole day's counts are worked out once.
func (d *colDay) propNames(from, to int64) map[string]int64 {
	whole := from <= d.start && to >= d.end
	if whole {
		d.distinctMu.Lock()
		defer d.distinctMu.Unlock()
		if d.propCounts != nil {
			return d.propCounts
		}
	}
	perProps := make([]int64, len(d.props))
	for i, p := range d.evProps {
		if p >= 0 && (whole || d.evTS[i] >= from && d.evTS[i] < to) {
			perProps[p]++
		}
	}
	counts := map[string]int64{}
	for p, n := range perProps {
		var m map[string]json.RawMessage
		if n == 0 || json.Unmarshal([]byte(d.props[p]), &m) != nil {
			continue
		}
		for name := range m {
			counts[name] += n
		}
	}
	if whole {
		d.propCounts = counts
	}
	return counts
}

// distinctIDs returns the distinct ids a column of table holds.
func (d *colDay) distinctIDs(table int, col string) []int32 {
	key := strconv.Itoa(table) + col
	d.distinctMu.Lock()
	defer d.distinctMu.Unlock()
	if v, ok := d.distinct[key]; ok {
		return v
	}
	vals, _, _ := d.ids(table, col)
	out := slices.Clone(vals)
	slices.Sort(out)
	out = slices.Compact(out)
	if d.distinct == nil {
		d.distinct = map[string][]int32{}
	}
	d.distinct[key] = out
	return out
}

// dayLists returns the day's distinct visitors of events, its visits of
// events (a visit once per run) and its distinct visitors of visits, each
// sorted; worked out once.
func (d *colDay) dayLists() *dayLists {
	d.sortOnce.Do(func() {
		visits := slices.Clone(d.runSession)
		slices.Sort(visits)
		d.lists = &dayLists{visitors: slices.Compact(slices.Clone(d.runVisitor)), visits: visits,
			visitVisitors: slices.Compact(slices.Clone(d.sesVisitor))}
	})
	return d.lists
}

// The dictionary-id columns a segment holds: per event, per run (the
// visit's values, as events carry them) and per visit.
var (
	eventLevel = [...]string{"name", "page", "hostname"}
	runLevel   = [...]string{"source", "referrer", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
		"device", "browser", "browser_version", "os", "os_version", "country", "visit_entry_page", "visit_exit_page", "visit_hostname",
		"region", "city", "country_name", "region_name", "city_name", // regions and cities
		"visit_exit_hostname"}
	visitLevel = [...]string{"entry_page", "exit_page", "hostname", "source", "referrer", "channel", "utm_source", "utm_medium",
		"utm_campaign", "utm_term", "utm_content", "device", "browser", "browser_version", "os", "os_version", "country",
		"region", "city", "country_name", "region_name", "city_name", // regions and cities
		"exit_hostname"}
)

// errWideID is a dictionary id too big for a segment's 32-bit columns:
// the query is answered by the SQL engine instead.
var errWideID = errors.New("segment: dictionary id beyond 32 bits")

func id32(v int64) (int32, error) {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, errWideID
	}
	return int32(v), nil
}

// buildDay reads one day of a service from the raw tables.
func buildDay(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, service, start, end int64) (*colDay, error) {
	d := &colDay{start: start, end: end}
	sel := "e.ts, e.visitor_id, e.session_id, e.props, coalesce(e.engaged_ms, -1), coalesce(e.scroll_depth, -1), e.name, e.page, e.hostname"
	for _, c := range runLevel {
		// visit_* columns are the event's visit's (analytics_sessions).
		if vc, ok := strings.CutPrefix(c, "visit_"); ok {
			sel += ", coalesce(s." + vc + ", -1)"
		} else {
			sel += ", e." + c
		}
	}
	// Rows come in (visitor, visit, time) order, the segment's, straight
	// into the columns: holding them all to sort took 264 bytes an event
	// (400 MB at 325,000 events in an open day).
	rows, err := db.QueryContext(ctx, `SELECT `+sel+` FROM analytics_events e
		LEFT JOIN analytics_sessions s ON s.service_id = e.service_id AND s.session_id = e.session_id
		WHERE e.service_id = $1 AND e.ts >= $2 AND e.ts < $3
		ORDER BY e.visitor_id, e.session_id, e.ts`, service, start, end)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	var r struct {
		ts, visitor, session, engaged int64
		scroll                        int64
		props                         string
		ev                            [len(eventLevel)]int64
		run                           [len(runLevel)]int64
	}
	dest := []any{&r.ts, &r.visitor, &r.session, &r.props, &r.engaged, &r.scroll}
	for i := range r.ev {
		dest = append(dest, &r.ev[i])
	}
	for i := range r.run {
		dest = append(dest, &r.run[i])
	}
	propIndex := map[string]int32{}
	lastVisitor, lastSession := int64(0), int64(0)
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		if i == 0 || r.session != lastSession || r.visitor != lastVisitor {
			lastVisitor, lastSession = r.visitor, r.session
			d.runVisitor, d.runSession = append(d.runVisitor, r.visitor), append(d.runSession, r.session)
			for c, v := range r.run {
				v32, err := id32(v)
				if err != nil {
					rows.Close()
					return nil, err
				}
				d.runIDs[c] = append(d.runIDs[c], v32)
			}
		}
		d.evTS, d.evRun = append(d.evTS, r.ts), append(d.evRun, int32(len(d.runVisitor)-1))
		for c, v := range r.ev {
			v32, err := id32(v)
			if err != nil {
				rows.Close()
				return nil, err
			}
			d.evIDs[c] = append(d.evIDs[c], v32)
		}
		p := int32(-1)
		if r.props != "" {
			j, ok := propIndex[r.props]
			if !ok {
				j = int32(len(d.props))
				propIndex[r.props] = j
				d.props = append(d.props, r.props)
			}
			p = j
		}
		d.evProps, d.evEngaged = append(d.evProps, p), append(d.evEngaged, r.engaged)
		d.evScroll = append(d.evScroll, int8(max(-1, min(r.scroll, 127))))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	sel = "session_id, visitor_id, start_ts, end_ts, pageviews, bounce"
	for _, c := range visitLevel {
		sel += ", " + c
	}
	rows, err = db.QueryContext(ctx, `SELECT `+sel+` FROM analytics_sessions
		WHERE service_id = $1 AND start_ts >= $2 AND start_ts < $3
		ORDER BY visitor_id, start_ts`, service, start, end)
	if err != nil {
		return nil, fmt.Errorf("read visits: %w", err)
	}
	defer rows.Close()
	var v struct {
		session, visitor, start, end, pageviews int64
		bounce                                  bool
		ids                                     [len(visitLevel)]int64
	}
	dest = []any{&v.session, &v.visitor, &v.start, &v.end, &v.pageviews, &v.bounce}
	for i := range v.ids {
		dest = append(dest, &v.ids[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		d.sesSession, d.sesVisitor = append(d.sesSession, v.session), append(d.sesVisitor, v.visitor)
		d.sesStart, d.sesEnd = append(d.sesStart, v.start), append(d.sesEnd, v.end)
		d.sesPageviews, d.sesBounce = append(d.sesPageviews, v.pageviews), append(d.sesBounce, v.bounce)
		for c, id := range v.ids {
			v32, err := id32(id)
			if err != nil {
				return nil, err
			}
			d.sesIDs[c] = append(d.sesIDs[c], v32)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// The encoding: a version byte, then every column as a count and its
// values as zig-zag varints (times as deltas), strings as length and bytes.
// Version 2 added regions and cities, version 3 the visits' exit hostname;
// a segment of another version is built again from the raw tables.
const segmentVersion = 3

type encoder struct{ b []byte }

func (e *encoder) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) ints(vs []int64, delta bool) {
	e.int(int64(len(vs)))
	var prev int64
	for _, v := range vs {
		if delta {
			e.int(v - prev)
			prev = v
		} else {
			e.int(v)
		}
	}
}

func (e *encoder) ints32(vs []int32) {
	e.int(int64(len(vs)))
	for _, v := range vs {
		e.int(int64(v))
	}
}

func (d *colDay) encode() []byte {
	e := &encoder{b: []byte{segmentVersion}}
	e.int(d.start)
	e.int(d.end)
	e.ints(d.evTS, true)
	e.ints32(d.evRun)
	for _, c := range d.evIDs {
		e.ints32(c)
	}
	e.ints32(d.evProps)
	e.ints(d.evEngaged, false)
	e.int(int64(len(d.evScroll)))
	for _, v := range d.evScroll {
		e.int(int64(v))
	}
	e.int(int64(len(d.props)))
	for _, p := range d.props {
		e.int(int64(len(p)))
		e.b = append(e.b, p...)
	}
	e.ints(d.runVisitor, false)
	e.ints(d.runSession, false)
	for _, c := range d.runIDs {
		e.ints32(c)
	}
	e.ints(d.sesStart, true)
	e.ints(d.sesEnd, false)
	e.ints(d.sesVisitor, false)
	e.ints(d.sesSession, false)
	e.ints(d.sesPageviews, false)
	e.int(int64(len(d.sesBounce)))
	for _, v := range d.sesBounce {
		if v {
			e.int(1)
		} else {
			e.int(0)
		}
	}
	for _, c := range d.sesIDs {
		e.ints32(c)
	}
	return e.b
}

type decoder struct {
	b   []byte
	err error
}

func (dc *decoder) int() int64 {
	if dc.err != nil {
		return 0
	}
	v, n := binary.Varint(dc.b)
	if n <= 0 {
		dc.err = errors.New("segment: truncated")
		return 0
	}
	dc.b = dc.b[n:]
	return v
}

// count reads a length, which no column can exceed the bytes left.
func (dc *decoder) count() int {
	n := dc.int()
	if n < 0 || n > int64(len(dc.b)) {
		if dc.err == nil {
			dc.err = errors.New("segment: bad length")
		}
		return 0
	}
	return int(n)
}

func (dc *decoder) ints(delta bool) []int64 {
	out := make([]int64, dc.count())
	dc.fill(out)
	if delta {
		var prev int64
		for i, v := range out {
			prev += v
			out[i] = prev
		}
	}
	return out
}

// fill reads len(out) varints into out: the decoder's hot loop, with the
// one-byte values most columns hold read without a call.
func (dc *decoder) fill(out []int64) {
	if dc.err != nil {
		return
	}
	b := dc.b
	for i := range out {
		var u uint64
		if len(b) > 0 && b[0] < 0x80 {
			u, b = uint64(b[0]), b[1:]
		} else {
			var n int
			if u, n = binary.Uvarint(b); n <= 0 {
				dc.err = errors.New("segment: truncated")
				return
			}
			b = b[n:]
		}
		out[i] = int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint writes
	}
	dc.b = b
}

func (dc *decoder) ints32() []int32 {
	n := dc.count()
	if dc.err != nil {
		return make([]int32, n)
	}
	out := make([]int32, n)
	b := dc.b
	for i := range out {
		var u uint64
		if len(b) > 0 && b[0] < 0x80 {
			u, b = uint64(b[0]), b[1:]
		} else {
			var n int
			if u, n = binary.Uvarint(b); n <= 0 {
				dc.err = errors.New("segment: truncated")
				return out
			}
			b = b[n:]
		}
		v := int64(u>>1) ^ -int64(u&1)
		if v < math.MinInt32 || v > math.MaxInt32 {
			dc.err = errWideID
		}
		out[i] = int32(v)
	}
	dc.b = b
	return out
}

func decodeDay(b []byte) (*colDay, error) {
	if len(b) == 0 || b[0] != segmentVersion {
		return nil, errors.New("segment: unknown version")
	}
	dc := &decoder{b: b[1:]}
	d := &colDay{start: dc.int(), end: dc.int()}
	d.evTS = dc.ints(true)
	d.evRun = dc.ints32()
	for i := range d.evIDs {
		d.evIDs[i] = dc.ints32()
	}
	d.evProps = dc.ints32()
	d.evEngaged = dc.ints(false)
	d.evScroll = make([]int8, dc.count())
	for i := range d.evScroll {
		d.evScroll[i] = int8(dc.int())
	}
	d.props = make([]string, dc.count())
	for i := range d.props {
		n := dc.count()
		if dc.err != nil {
			break
		}
		d.props[i] = string(dc.b[:n])
		dc.b = dc.b[n:]
	}
	d.runVisitor = dc.ints(false)
	d.runSession = dc.ints(false)
	for i := range d.runIDs {
		d.runIDs[i] = dc.ints32()
	}
	d.sesStart = dc.ints(true)
	d.sesEnd = dc.ints(false)
	d.sesVisitor = dc.ints(false)
	d.sesSession = dc.ints(false)
	d.sesPageviews = dc.ints(false)
	d.sesBounce = make([]bool, dc.count())
	for i := range d.sesBounce {
		d.sesBounce[i] = dc.int() != 0
	}
	for i := range d.sesIDs {
		d.sesIDs[i] = dc.ints32()
	}
	if dc.err != nil {
		return nil, dc.err
	}
	return d, d.check()
}

// check makes sure a decoded day's columns agree, so that the engine can
// index them without bounds to fear.
func (d *colDay) check() error {
	ne, nr, ns := len(d.evTS), len(d.runVisitor), len(d.sesStart)
	ok := len(d.evRun) == ne && len(d.evProps) == ne && len(d.evEngaged) == ne && len(d.evScroll) == ne &&
		len(d.runSession) == nr && len(d.sesEnd) == ns && len(d.sesVisitor) == ns && len(d.sesSession) == ns &&
		len(d.sesPageviews) == ns && len(d.sesBounce) == ns
	for _, c := range d.evIDs {
		ok = ok && len(c) == ne
	}
	for _, c := range d.runIDs {
		ok = ok && len(c) == nr
	}
	for _, c := range d.sesIDs {
		ok = ok && len(c) == ns
	}
	for _, r := range d.evRun {
		ok = ok && r >= 0 && int(r) < nr
	}
	for _, p := range d.evProps {
		ok = ok && p >= -1 && int(p) < len(d.props)
	}
	if !ok {
		return errors.New("segment: columns disagree")
	}
	return nil
}

// size is about how many bytes the day takes in memory.
func (d *colDay) size() int {
	return len(d.evTS)*(8+4+4*len(eventLevel)+4+8+1) + len(d.runVisitor)*(16+4*len(runLevel)) +
		len(d.sesStart)*(8*5+1+4*len(visitLevel)) + 64*len(d.props)
}

// segments finds the days of a service: closed ones from
// analytics_segments (built and kept on first use), the open ones from the
// raw tables. Decoded days are kept in memory up to a budget.
type segments struct {
	flight    singleflight.Group
	mu        sync.Mutex
	cache     map[segmentKey]*cachedDay
	cross     map[[3]int64]*crossing // by service and first and last day
	lists     map[segmentKey]*dayLists
	listBytes int
	names     map[int32]string     // dictionary texts by id: they never change
	masks     map[maskKey][]int32  // a day's rows that pass a query's filters
	goals     map[maskKey][]uint64 // a day's events' goals, by the goals' key
	bytes     int
	budget    int
	maskBytes int
	// buildBudget is columnBuildBudget; tests make it small.
	buildBudget int64
	now         func() time.Time
}

type segmentKey struct{ service, start int64 }

// crossing is, for a run of days, the ids counted through sets (colRange).
type crossing struct {
	lists                           []*dayLists // what it was worked out from
	visitors, visits, visitVisitors map[int64]bool

	mu   sync.Mutex
	days map[int]*dayCross // by the day's place in the run, on first use
}

// dayLists are a day's sorted ids (colDay.sorted), kept apart from the day
// so that finding the ids that span days needs no day kept in memory.
type dayLists struct {
	visitors, visits, visitVisitors []int64
}

func (l *dayLists) size() int { return 8 * (len(l.visitors) + len(l.visits) + len(l.visitVisitors)) }

// dayCross says, for a day's runs and visits, whether a run's visitor and
// visit, and a visit's visitor, are counted through sets. Nil slices mean
// none is: the common case, since visitor ids change daily.
type dayCross struct {
	runVisitor, runVisit, visitVisitor []bool
}

func (c *dayCross) runVisitorCrosses(run int32) bool { return c.runVisitor != nil && c.runVisitor[run] }
func (c *dayCross) runVisitCrosses(run int32) bool   { return c.runVisit != nil && c.runVisit[run] }
func (c *dayCross) visitVisitorCrosses(i int) bool   { return c.visitVisitor != nil && c.visitVisitor[i] }

// flags returns the day's dayCross, worked out once per day of the run.
func (c *crossing) flags(di int, d *colDay) *dayCross {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.days[di]; ok && (f.runVisitor == nil || len(f.runVisitor) == len(d.runVisitor) && len(f.visitVisitor) == len(d.sesVisitor)) {
		return f
	}
	f := &dayCross{}
	if len(c.visitors) > 0 || len(c.visits) > 0 || len(c.visitVisitors) > 0 {
		f.runVisitor, f.runVisit, f.visitVisitor = make([]bool, len(d.runVisitor)), make([]bool, len(d.runVisitor)), make([]bool, len(d.sesVisitor))
		for i := range f.runVisitor {
			f.runVisitor[i], f.runVisit[i] = c.visitors[d.runVisitor[i]], c.visits[d.runSession[i]]
		}
		for i := range f.visitVisitor {
			f.visitVisitor[i] = c.visitVisitors[d.sesVisitor[i]]
		}
	}
	if c.days == nil {
		c.days = map[int]*dayCross{}
	}
	c.days[di] = f
	return f
}

type cachedDay struct {
	day  *colDay
	used time.Time
	open bool // read from the raw tables: kept only briefly
}

// segmentCacheBytes bounds the decoded days kept between queries.
const segmentCacheBytes = 128 << 20

// openDayTTL is how long an open day read from the raw tables is reused:
// a filtered dashboard asks for it once per panel.
const openDayTTL = 10 * time.Second

func newSegments() *segments {
	return &segments{cache: map[segmentKey]*cachedDay{}, cross: map[[3]int64]*crossing{}, lists: map[segmentKey]*dayLists{}, names: map[int32]string{}, masks: map[maskKey][]int32{}, goals: map[maskKey][]uint64{}, budget: segmentCacheBytes, buildBudget: columnBuildBudget, now: time.Now}
}

// holds reports whether the cache holds the closed day of the service
// that starts at start (Unix ms).
func (sg *segments) holds(service, start int64) bool {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	c, ok := sg.cache[segmentKey{service, start}]
	return ok && !c.open
}

// day returns one day of the service, [start, end) in Unix ms.
func (s *sqlEvents) day(ctx context.Context, service, start, end int64) (*colDay, error) {
	sg := s.segments
	now := sg.now()
	key := segmentKey{service, start}
	sg.mu.Lock()
	if c, ok := sg.cache[key]; ok && (!c.open || now.Sub(c.used) < openDayTTL) {
		if !c.open {
			c.used = now
		}
		sg.mu.Unlock()
		return c.day, nil
	}
	sg.mu.Unlock()
	// Queries running side by side read a missing day once.
	v, err, _ := sg.flight.Do(fmt.Sprint(service, "/", start), func() (any, error) { return s.readDay(ctx, service, start, end, now) })
	if err != nil {
		return nil, err
	}
	return v.(*colDay), nil
}

// readDay reads a day from its stored segment, or builds it from the raw
// tables (keeping the segment once the day is closed), and caches it.
func (s *sqlEvents) readDay(ctx context.Context, service, start, end int64, now time.Time) (*colDay, error) {
	sg := s.segments
	key := segmentKey{service, start}
	// A day is closed once its visits can no longer change: a visit ends
	// after SessionTimeout of quiet.
	closed := now.UnixMilli() >= end+SessionTimeout.Milliseconds()
	var d *colDay
	if closed {
		var data []byte
		err := s.db.QueryRowContext(ctx, `SELECT data FROM analytics_segments WHERE service_id = $1 AND day_start = $2`, service, start).Scan(&data)
		if err == nil {
			d, err = decodeDay(data)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) && !errors.Is(err, errWideID) {
			// A segment that does not decode is built again.
			d = nil
		}
	}
	if d == nil {
		var err error
		if d, err = buildDay(ctx, s.db, service, start, end); err != nil {
			return nil, err
		}
		if closed {
			if err := s.storeSegment(ctx, service, start, end, d); err != nil {
				return nil, err
			}
		}
	}
	sg.mu.Lock()
	defer sg.mu.Unlock()
	if old, ok := sg.cache[key]; ok {
		sg.bytes -= old.day.size()
		sg.dropMasks(old.day)
	}
	d.service = service
	sg.cache[key] = &cachedDay{day: d, used: now, open: !closed}
	sg.bytes += d.size()
	for sg.bytes > sg.budget && len(sg.cache) > 1 {
		var oldest segmentKey
		var at time.Time
		for k, c := range sg.cache {
			if k != key && (at.IsZero() || c.used.Before(at)) {
				oldest, at = k, c.used
			}
		}
		sg.bytes -= sg.cache[oldest].day.size()
		sg.dropMasks(sg.cache[oldest].day)
		delete(sg.cache, oldest)
	}
	return d, nil
}

// storeSegment keeps a closed day's segment.
func (s *sqlEvents) storeSegment(ctx context.Context, service, start, end int64, d *colDay) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO analytics_segments (service_id, day_start, day_end, data, version) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (service_id, day_start) DO UPDATE SET day_end = excluded.day_end, data = excluded.data, version = excluded.version`,
		service, start, end, d.encode(), int(segmentVersion)); err != nil {
		return fmt.Errorf("keep segment: %w", err)
	}
	return nil
}

// KeepSegments builds and keeps the segments of the closed days of
// [first, last] that have data and no segment yet, newest first, so that
// the first filtered view of them reads columns, not raw rows. It leaves
// the days it builds out of the memory cache, which holds what queries
// use, and returns how many it built.
func (s *sqlEvents) KeepSegments(ctx context.Context, service int64, zone *time.Location, first, last int32) (int, error) {
	days, err := s.daysWithData(ctx, service, first, last)
	if err != nil {
		return 0, err
	}
	if len(days) == 0 {
		return 0, nil
	}
	// A segment an older version kept is built again.
	stored, err := s.keptSegments(ctx, service, dayStart(days[0], zone).UnixMilli(), dayStart(days[len(days)-1]+1, zone).UnixMilli())
	if err != nil {
		return 0, err
	}
	now := s.segments.now().UnixMilli()
	built := 0
	for i := len(days) - 1; i >= 0; i-- {
		start, end := dayStart(days[i], zone).UnixMilli(), dayStart(days[i]+1, zone).UnixMilli()
		if stored[start] || now < end+SessionTimeout.Milliseconds() {
			continue
		}
		d, err := buildDay(ctx, s.db, service, start, end)
		if errors.Is(err, errWideID) {
			continue // answered by the SQL engine
		}
		if err != nil {
			return built, err
		}
		if err := s.storeSegment(ctx, service, start, end, d); err != nil {
			return built, err
		}
		built++
	}
	return built, nil
}

// crossingFor returns the ids that span days or runs in the days of
// spans, worked out once for the same days.
func (s *sqlEvents) crossingFor(ctx context.Context, service int64, spans [][2]int64) (*crossing, error) {
	if len(spans) == 0 {
		return &crossing{}, nil
	}
	sg := s.segments
	lists := make([]*dayLists, len(spans))
	for i, sp := range spans {
		var err error
		if lists[i], err = s.lists(ctx, service, sp[0], sp[1]); err != nil {
			return nil, err
		}
	}
	key := [3]int64{service, spans[0][0], spans[len(spans)-1][0]}
	sg.mu.Lock()
	c, ok := sg.cross[key]
	sg.mu.Unlock()
	if ok && slices.Equal(c.lists, lists) {
		return c, nil
	}
	var visitors, visits, visitVisitors [][]int64
	for _, l := range lists {
		visitors, visits, visitVisitors = append(visitors, l.visitors), append(visits, l.visits), append(visitVisitors, l.visitVisitors)
	}
	c = &crossing{lists: lists, visitors: repeated(visitors), visits: repeated(visits), visitVisitors: repeated(visitVisitors)}
	sg.mu.Lock()
	if len(sg.cross) > 64 {
		clear(sg.cross)
	}
	sg.cross[key] = c
	sg.mu.Unlock()
	return c, nil
}

// listsCacheBytes bounds the days' sorted ids kept: 8 bytes an id, three
// lists a day (at ten million events over 30 days, about 50 MB).
const listsCacheBytes = 64 << 20

// lists returns a day's sorted ids, reading the day if they are not kept.
// Those of closed days are kept until the day changes (forget, keepOnly);
// the open day's live with the day read.
func (s *sqlEvents) lists(ctx context.Context, service, start, end int64) (*dayLists, error) {
	sg := s.segments
	key := segmentKey{service, start}
	sg.mu.Lock()
	l, ok := sg.lists[key]
	sg.mu.Unlock()
	if ok {
		return l, nil
	}
	d, err := s.day(ctx, service, start, end)
	if err != nil {
		return nil, err
	}
	l = d.dayLists()
	if sg.now().UnixMilli() < end+SessionTimeout.Milliseconds() {
		return l, nil
	}
	sg.mu.Lock()
	defer sg.mu.Unlock()
	if sg.listBytes+l.size() > listsCacheBytes {
		clear(sg.lists)
		sg.listBytes = 0
	}
	if _, ok := sg.lists[key]; !ok {
		sg.lists[key] = l
		sg.listBytes += l.size()
	}
	return l, nil
}

// dropLists forgets the kept ids of a day; callers hold mu.
func (sg *segments) dropLists(k segmentKey) {
	if l, ok := sg.lists[k]; ok {
		sg.listBytes -= l.size()
		delete(sg.lists, k)
	}
}

type maskKey struct {
	day    *colDay
	filter string
	table  int
}

// maxMaskBytes bounds the selections (4 bytes a row) and goal bits (8 bytes
// an event) kept.
const maxMaskBytes = 48 << 20

// selection returns the rows of a day that pass filters, in order,
// computing the mask with make once: a dashboard asks a dozen queries with
// the same filters. The slice is shared: callers only read it.
// inCache reports whether d is the day the cache holds; callers hold mu.
// What is kept about a day is kept only while the cache holds it: kept
// for a day already gone, it would hold the whole day in memory.
func (sg *segments) inCache(d *colDay) bool {
	c, ok := sg.cache[segmentKey{d.service, d.start}]
	return ok && c.day == d
}

func (sg *segments) selection(d *colDay, filter string, table int, make func() (mask, error)) ([]int32, error) {
	key := maskKey{d, filter, table}
	sg.mu.Lock()
	sel, ok := sg.masks[key]
	sg.mu.Unlock()
	if ok {
		return sel, nil
	}
	m, err := make()
	if err != nil {
		return nil, err
	}
	sel = m.rows()
	sg.mu.Lock()
	if !sg.inCache(d) {
		sg.mu.Unlock()
		return sel, nil
	}
	sg.maskBytes += 4 * len(sel)
	if sg.maskBytes > maxMaskBytes {
		clear(sg.masks)
		clear(sg.goals)
		sg.maskBytes = 4 * len(sel)
	}
	sg.masks[key] = sel
	sg.mu.Unlock()
	return sel, nil
}

// dropMasks forgets the masks of a day leaving the cache; callers hold mu.
func (sg *segments) dropMasks(d *colDay) {
	for k, m := range sg.masks {
		if k.day == d {
			sg.maskBytes -= 4 * len(m)
			delete(sg.masks, k)
		}
	}
	for k, g := range sg.goals {
		if k.day == d {
			sg.maskBytes -= 8 * len(g)
			delete(sg.goals, k)
		}
	}
}

// goalBits returns a day's events' goals for the goals named by key,
// computing them with make once.
func (sg *segments) goalBits(d *colDay, key string, make func() []uint64) []uint64 {
	k := maskKey{d, key, onEvents}
	sg.mu.Lock()
	g, ok := sg.goals[k]
	sg.mu.Unlock()
	if ok {
		return g
	}
	g = make()
	sg.mu.Lock()
	if !sg.inCache(d) {
		sg.mu.Unlock()
		return g
	}
	sg.maskBytes += 8 * len(g)
	if sg.maskBytes > maxMaskBytes {
		clear(sg.masks)
		clear(sg.goals)
		sg.maskBytes = 8 * len(g)
	}
	sg.goals[k] = g
	sg.mu.Unlock()
	return g
}

// maxNames bounds the dictionary texts kept.
const maxNames = 1 << 20

// texts returns the dictionary entries of ids (0, the empty value, left
// out), from memory where it has them.
func (sg *segments) texts(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, ids []int32) ([]storedValue, error) {
	out := make([]storedValue, 0, len(ids))
	var missing []string
	sg.mu.Lock()
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if t, ok := sg.names[id]; ok {
			out = append(out, storedValue{id: int64(id), text: t, ok: true})
		} else {
			missing = append(missing, strconv.Itoa(int(id)))
		}
	}
	sg.mu.Unlock()
	for len(missing) > 0 {
		chunk := missing[:min(len(missing), 5000)]
		missing = missing[len(chunk):]
		rows, err := db.QueryContext(ctx, `SELECT id, value FROM analytics_strings WHERE id IN (`+strings.Join(chunk, ",")+`)`)
		if err != nil {
			return nil, fmt.Errorf("match filter values: %w", err)
		}
		var got []storedValue
		for rows.Next() {
			v := storedValue{ok: true}
			if err := rows.Scan(&v.id, &v.text); err != nil {
				rows.Close()
				return nil, err
			}
			got = append(got, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sg.mu.Lock()
		if len(sg.names)+len(got) > maxNames {
			clear(sg.names)
		}
		for _, v := range got {
			sg.names[int32(v.id)] = v.text
		}
		sg.mu.Unlock()
		out = append(out, got...)
	}
	return out, nil
}

// keepOnly drops the cached closed days of a service in [from, to) that
// analytics_segments no longer holds.
func (sg *segments) keepOnly(service, from, to int64, stored map[int64]bool) {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for k, c := range sg.cache {
		if k.service == service && !c.open && k.start >= from && k.start < to && !stored[k.start] {
			sg.bytes -= c.day.size()
			sg.dropMasks(c.day)
			delete(sg.cache, k)
		}
	}
	for k := range sg.lists {
		if k.service == service && k.start >= from && k.start < to && !stored[k.start] {
			sg.dropLists(k)
		}
	}
}

// forget drops what the cache holds of a service's days overlapping
// [from, to]: a write or a pruning changed them.
func (sg *segments) forget(service, from, to int64) {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for k, c := range sg.cache {
		if k.service == service && c.day.start <= to && c.day.end > from {
			sg.bytes -= c.day.size()
			sg.dropMasks(c.day)
			delete(sg.cache, k)
		}
	}
	for k := range sg.lists {
		// A day is at most 25 hours long.
		if k.service == service && k.start <= to && k.start+25*3_600_000 > from {
			sg.dropLists(k)
		}
	}
}
