package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
)

// columns says where each dimension is stored: the dictionary-id column of
// analytics_events and of analytics_sessions ("" where the table lacks it).
var columns = map[statsquery.Kind][2]string{
	statsquery.KindPage:           {"page", ""},
	statsquery.KindHostname:       {"hostname", "hostname"},
	statsquery.KindName:           {"name", ""},
	statsquery.KindEntryPage:      {"", "entry_page"},
	statsquery.KindExitPage:       {"", "exit_page"},
	statsquery.KindSource:         {"source", "source"},
	statsquery.KindReferrer:       {"referrer", "referrer"},
	statsquery.KindChannel:        {"channel", "channel"},
	statsquery.KindUTMMedium:      {"utm_medium", "utm_medium"},
	statsquery.KindUTMSource:      {"utm_source", "utm_source"},
	statsquery.KindUTMCampaign:    {"utm_campaign", "utm_campaign"},
	statsquery.KindUTMContent:     {"utm_content", "utm_content"},
	statsquery.KindUTMTerm:        {"utm_term", "utm_term"},
	statsquery.KindDevice:         {"device", "device"},
	statsquery.KindBrowser:        {"browser", "browser"},
	statsquery.KindBrowserVersion: {"browser_version", "browser_version"},
	statsquery.KindOS:             {"os", "os"},
	statsquery.KindOSVersion:      {"os_version", "os_version"},
	statsquery.KindCountry:        {"country", "country"},
	// Regions and cities (see Visit).
	statsquery.KindRegion:      {"region", "region"},
	statsquery.KindCity:        {"city", "city"},
	statsquery.KindCountryName: {"country_name", "country_name"},
	statsquery.KindRegionName:  {"region_name", "region_name"},
	statsquery.KindCityName:    {"city_name", "city_name"},
	// A visit's hostname is the one it entered on.
	statsquery.KindEntryPageHostname: {"", "hostname"},
	statsquery.KindExitPageHostname:  {"", "exit_hostname"},
	// Plausible's screen size is what liveops calls the device.
	statsquery.KindScreen: {"device", "device"},
}

const (
	onEvents     = 0
	onSessions   = 1
	onEngagement = 2 // the engagement events: time on page and scroll depth
)

// execution is one query being run.
type execution struct {
	ev      *sqlEvents
	q       *statsquery.Query
	service int64
	from    int64 // Unix ms, inclusive
	to      int64 // Unix ms, exclusive

	pageviewID, engagementID int64
	eventsDriven             bool // visitors and visits come from events, not visits
	rawOnly                  bool // never read rollups (tests compare both ways)
	goals                    []ResolvedGoal
	extra                    string         // a further condition on events: one goal's, for the goal dimension
	extraGoals               []ResolvedGoal // extra's goal, for the column engine
	useColumns               bool           // answer from columns in memory (stats_columns.go)
	cols                     *colRange      // the days in columns, once read
	goalsKey                 string         // names goals for the column engine's goal-bit cache
	denseSets                map[denseKey]denseSet
	// distinct caches the values stored in a column (or custom property)
	// during the range, read once however many filters name it.
	distinct map[string][]storedValue
}

// storedValue is a value a column holds in the range: its dictionary id
// (0 for custom properties, which are stored as text) and its text, with
// ok false for an event that lacks the custom property.
type storedValue struct {
	id   int64
	text string
	ok   bool
}

func (x *execution) prepare(ctx context.Context) error {
	x.from, x.to = x.q.DateRange.From.UnixMilli(), x.q.DateRange.To.UnixMilli()
	x.distinct = map[string][]storedValue{}
	var err error
	if x.pageviewID, err = x.stringID(ctx, PageviewName); err != nil {
		return err
	}
	if x.engagementID, err = x.stringID(ctx, EngagementName); err != nil {
		return err
	}
	eventDim, entryExitDim, eventFilter := false, false, false
	for _, d := range x.q.Dimensions {
		switch {
		case d.IsEvent():
			eventDim = true
		case d.IsSessionOnly():
			entryExitDim = true
		}
	}
	statsquery.Walk(x.q.Filters, func(l *statsquery.Leaf, _ int) {
		eventFilter = eventFilter || l.Dimension.IsEvent()
	})
	var unsupported error
	checkProp := func(d statsquery.Dimension) {
		if d.Kind == statsquery.KindProp && !queryableProp(d.PropName) {
			unsupported = fault.Invalidf("dimensions", "custom property names with quotes, backslashes or control characters cannot be queried")
		}
	}
	for _, d := range x.q.Dimensions {
		checkProp(d)
	}
	statsquery.Walk(x.q.Filters, func(l *statsquery.Leaf, _ int) { checkProp(l.Dimension) })
	x.eventsDriven = eventDim || (eventFilter && !entryExitDim) || x.extra != ""
	x.extendHostnameFilters()
	return unsupported
}

// visitHostnames maps the dimensions whose values a visit takes where it
// entered (or, for the exit page, where it left) to that hostname: with an
// event:hostname filter, Plausible keeps only the visits that entered (or
// left) on a matching hostname for them, so that a visit that came in on
// another site does not lend its source to this one.
var visitHostnames = map[statsquery.Kind]statsquery.Kind{
	statsquery.KindSource: statsquery.KindEntryPageHostname, statsquery.KindEntryPage: statsquery.KindEntryPageHostname,
	statsquery.KindReferrer: statsquery.KindEntryPageHostname, statsquery.KindUTMMedium: statsquery.KindEntryPageHostname,
	statsquery.KindUTMSource: statsquery.KindEntryPageHostname, statsquery.KindUTMCampaign: statsquery.KindEntryPageHostname,
	statsquery.KindUTMContent: statsquery.KindEntryPageHostname, statsquery.KindUTMTerm: statsquery.KindEntryPageHostname,
	statsquery.KindExitPage: statsquery.KindExitPageHostname,
}

// extendHostnameFilters adds, for a breakdown by one of visitHostnames,
// each top-level event:hostname filter again as a filter on the visit's
// entry or exit hostname.
func (x *execution) extendHostnameFilters() {
	var hostKinds []statsquery.Kind
	for _, d := range x.q.Dimensions {
		if k, ok := visitHostnames[d.Kind]; ok && !slices.Contains(hostKinds, k) {
			hostKinds = append(hostKinds, k)
		}
	}
	if len(hostKinds) == 0 {
		return
	}
	top := []statsquery.Filter{x.q.Filters}
	if and, ok := x.q.Filters.(*statsquery.And); ok {
		top = and.Filters
	}
	var extra []statsquery.Filter
	for _, f := range top {
		if l, ok := f.(*statsquery.Leaf); ok && l.Dimension.Kind == statsquery.KindHostname {
			for _, k := range hostKinds {
				visit := *l
				visit.Dimension = statsquery.Dimension{Kind: k}
				extra = append(extra, &visit)
			}
		}
	}
	if len(extra) > 0 {
		q := *x.q
		q.Filters = &statsquery.And{Filters: append(top, extra...)}
		x.q = &q
	}
}

// queryableProp reports whether a custom property name can be queried:
// SQLite's JSON paths have no escapes for quotes, backslashes and control
// characters.
func queryableProp(name string) bool { return !strings.ContainsAny(name, "\"\\\x00\n\r\t") }

// stringID is a value's dictionary id, or -1 when no event ever had it.
func (x *execution) stringID(ctx context.Context, v string) (int64, error) {
	var id int64
	err := x.ev.db.QueryRowContext(ctx, `SELECT id FROM analytics_strings WHERE value = $1`, v).Scan(&id)
	if err == sql.ErrNoRows {
		return -1, nil
	}
	return id, err
}

// args collects a statement's parameters.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// propExpr extracts a custom property from the props JSON text. Names
// with quotes, backslashes or control characters are refused before (see
// prepare): SQLite's JSON paths have no escapes for them.
func (x *execution) propExpr(alias, name string, a *args) string {
	if x.ev.db.Dialect() == store.Postgres {
		return fmt.Sprintf(`(CASE WHEN %[1]s.props = '' THEN NULL ELSE %[1]s.props::jsonb ->> %[2]s END)`, alias, a.add(name))
	}
	return fmt.Sprintf(`json_extract(NULLIF(%s.props, ''), %s)`, alias, a.add(`$."`+strings.ReplaceAll(name, `"`, `\"`)+`"`))
}

// cond renders a filter as a condition on events (alias e) or visits (s).
func (x *execution) cond(ctx context.Context, f statsquery.Filter, table int, a *args) (string, error) {
	switch f := f.(type) {
	case nil:
		return "TRUE", nil
	case *statsquery.And, *statsquery.Or:
		var parts []statsquery.Filter
		op := " AND "
		if and, ok := f.(*statsquery.And); ok {
			parts = and.Filters
		} else {
			parts, op = f.(*statsquery.Or).Filters, " OR "
		}
		var out []string
		// Leaves on one column of this table combine into one id set, so
		// that a thousand filters on one dimension make one condition.
		sets := map[string]map[int64]bool{}
		var cols []string
		for _, p := range parts {
			if l, ok := p.(*statsquery.Leaf); ok {
				if col := x.directColumn(l, table); col != "" {
					set, err := x.matchingSet(ctx, l, table, col)
					if err != nil {
						return "", err
					}
					have, seen := sets[col]
					switch {
					case !seen:
						sets[col] = set
						cols = append(cols, col)
					case op == " AND ":
						for id := range have {
							if !set[id] {
								delete(have, id)
							}
						}
					default:
						for id := range set {
							have[id] = true
						}
					}
					continue
				}
			}
			c, err := x.cond(ctx, p, table, a)
			if err != nil {
				return "", err
			}
			out = append(out, c)
		}
		alias := "e"
		if table == onSessions {
			alias = "s"
		}
		for _, col := range cols {
			out = append(out, alias+"."+col+" IN ("+idList(sets[col])+")")
		}
		return balanced(out, op), nil
	case *statsquery.Not:
		c, err := x.cond(ctx, f.Filter, table, a)
		return "(NOT " + c + ")", err
	case *statsquery.Behavioral:
		// As in Plausible, by visit: the rows of the visits with (or
		// without) an event in the range passing the inner filter.
		inner, err := x.cond(ctx, f.Filter, onEvents, a)
		if err != nil {
			return "", err
		}
		alias := "e"
		if table == onSessions {
			alias = "s"
		}
		c := fmt.Sprintf(`%s.session_id IN (SELECT e.session_id FROM analytics_events e WHERE e.service_id = %s AND e.ts >= %s AND e.ts < %s AND %s)`,
			alias, a.add(x.service), a.add(x.from), a.add(x.to), inner)
		if f.Negated {
			c = "(NOT " + c + ")"
		}
		return c, nil
	case *statsquery.Leaf:
		return x.leafCond(ctx, f, table, a)
	}
	return "", fmt.Errorf("unknown filter %T", f)
}

// balanced joins conditions with op as a balanced tree of parentheses:
// SQLite refuses expressions nested more than 1,000 deep, which a flat
// chain of a thousand filters would be.
func balanced(conds []string, op string) string {
	if len(conds) == 1 {
		return conds[0]
	}
	if len(conds) <= 8 {
		return "(" + strings.Join(conds, op) + ")"
	}
	mid := len(conds) / 2
	return "(" + balanced(conds[:mid], op) + op + balanced(conds[mid:], op) + ")"
}

func (x *execution) leafCond(ctx context.Context, l *statsquery.Leaf, table int, a *args) (string, error) {
	alias, other := "e", onSessions
	if table == onSessions {
		alias, other = "s", onEvents
	}
	if l.Dimension.Kind == statsquery.KindGoal {
		return x.goalLeafCond(l, table, a), nil
	}
	col := columns[l.Dimension.Kind][table]
	if l.Dimension.Kind == statsquery.KindProp && table == onEvents {
		return x.propCond(ctx, l, a)
	}
	if col == "" {
		// The dimension lives in the other table: keep the visits (or
		// events) that have a matching event (or visit).
		inner, err := x.leafCond(ctx, l, other, a)
		if err != nil {
			return "", err
		}
		if other == onEvents {
			return fmt.Sprintf(`s.session_id IN (SELECT e.session_id FROM analytics_events e WHERE e.service_id = %s AND e.ts >= %s AND e.ts < %s AND %s)`,
				a.add(x.service), a.add(x.from), a.add(x.to), inner), nil
		}
		return fmt.Sprintf(`e.session_id IN (SELECT s.session_id FROM analytics_sessions s WHERE s.service_id = %s AND %s)`,
			a.add(x.service), inner), nil
	}
	set, err := x.matchingSet(ctx, l, table, col)
	if err != nil {
		return "", err
	}
	return alias + "." + col + " IN (" + idList(set) + ")", nil
}

// directColumn is the column of table a leaf tests by dictionary id, or
// "" when it needs more (goals, custom properties, the other table).
func (x *execution) directColumn(l *statsquery.Leaf, table int) string {
	switch l.Dimension.Kind {
	case statsquery.KindGoal, statsquery.KindProp:
		return ""
	}
	return columns[l.Dimension.Kind][table]
}

// idList renders an id set for IN, in order; -1 (no id) when empty.
func idList(set map[int64]bool) string {
	if len(set) == 0 {
		return "-1"
	}
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// matchingSet is the set of dictionary ids of the values stored in col
// during the query's range that pass the leaf: the leaf's own Match
// decides, so every operator means exactly what it means in Plausible. The
// set is the leaf's own: callers may change it.
func (x *execution) matchingSet(ctx context.Context, l *statsquery.Leaf, table int, col string) (map[int64]bool, error) {
	values, err := x.columnValues(ctx, table, col)
	if err != nil {
		return nil, err
	}
	set := map[int64]bool{}
	for _, v := range values {
		if l.Match(v.text) {
			set[v.id] = true
		}
	}
	// The empty value has id 0 and no row of its own.
	if matchesBlank(l) {
		set[0] = true
	}
	return set, nil
}

// columnValues reads the distinct values col holds in the range, once.
func (x *execution) columnValues(ctx context.Context, table int, col string) ([]storedValue, error) {
	cacheKey := strconv.Itoa(table) + "/" + col
	if v, ok := x.distinct[cacheKey]; ok {
		return v, nil
	}
	if x.columnsAnswer() {
		v, err := x.colColumnValues(ctx, table, col)
		x.distinct[cacheKey] = v
		return v, err
	}
	q := fmt.Sprintf(`SELECT s.id, s.value FROM analytics_strings s WHERE s.id IN (
		SELECT DISTINCT e.%s FROM analytics_events e WHERE e.service_id = $1 AND e.ts >= $2 AND e.ts < $3)`, col)
	if table == onSessions {
		q = fmt.Sprintf(`SELECT s.id, s.value FROM analytics_strings s WHERE s.id IN (
			SELECT DISTINCT v.%s FROM analytics_sessions v WHERE v.service_id = $1 AND v.start_ts >= $2 AND v.start_ts < $3)`, col)
	}
	rows, err := x.ev.db.QueryContext(ctx, q, x.service, x.from, x.to)
	if err != nil {
		return nil, fmt.Errorf("match filter values: %w", err)
	}
	defer rows.Close()
	var values []storedValue
	for rows.Next() {
		v := storedValue{ok: true}
		if err := rows.Scan(&v.id, &v.text); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	x.distinct[cacheKey] = values
	return values, nil
}

// displayValue is how a stored value is shown: an empty one by its label.
func displayValue(k statsquery.Kind, v string) string {
	if v != "" {
		return v
	}
	return blankLabels(k)[0]
}

// blankLabels are the names of a dimension's empty value, as Plausible's:
// the first is how it is shown, and an is or is_not filter names it by
// any of them ("Direct / None" also stands for an empty UTM value there).
func blankLabels(k statsquery.Kind) []string {
	switch k {
	case statsquery.KindSource, statsquery.KindReferrer:
		return []string{"Direct / None", "(not set)"}
	case statsquery.KindUTMSource, statsquery.KindUTMMedium, statsquery.KindUTMCampaign, statsquery.KindUTMContent, statsquery.KindUTMTerm:
		return []string{"(not set)", "Direct / None"}
	case statsquery.KindRegion, statsquery.KindCountryName, statsquery.KindRegionName, statsquery.KindCityName:
		// Plausible shows an unknown region or name as empty.
		return []string{"", "(not set)"}
	case statsquery.KindCity:
		// and an unknown city as GeoNames id 0.
		return []string{"0", "(not set)"}
	}
	return []string{"(not set)"}
}

// matchesBlank reports whether the leaf keeps the empty value: is and
// is_not compare it by its labels, the other operators see the empty text.
func matchesBlank(l *statsquery.Leaf) bool {
	switch l.Op {
	case statsquery.OpIs, statsquery.OpIsNot:
		named := false
		for _, label := range blankLabels(l.Dimension.Kind) {
			named = named || l.Match(label) != (l.Op == statsquery.OpIsNot)
		}
		return named != (l.Op == statsquery.OpIsNot)
	}
	return l.Match("")
}

// noneProp is how an event without a custom property shows it.
const noneProp = "(none)"

// missingPropMatches reports whether the leaf keeps events that lack its
// custom property, as Plausible's filters do: is keeps them when it names
// "(none)", is_not when it does not, and the other operators never.
func missingPropMatches(l *statsquery.Leaf) bool {
	named := slices.Contains(l.Values, noneProp)
	switch l.Op {
	case statsquery.OpIs:
		return named
	case statsquery.OpIsNot:
		return !named
	}
	return false
}

func (x *execution) propCond(ctx context.Context, l *statsquery.Leaf, a *args) (string, error) {
	values, err := x.propValues(ctx, l.Dimension.PropName)
	if err != nil {
		return "", err
	}
	var in []string
	none := false
	for _, v := range values {
		if !v.ok {
			none = missingPropMatches(l)
		} else if l.Match(v.text) {
			in = append(in, v.text)
		}
	}
	// The matching values go in as one JSON array, however many there are:
	// SQLite takes at most 32,766 parameters.
	var parts []string
	if len(in) > 0 {
		list, _ := json.Marshal(in)
		expr := x.propExpr("e", l.Dimension.PropName, a)
		// IS NOT NULL keeps the condition two-valued under "not": an event
		// without the property is then kept by not, as in Plausible.
		if x.ev.db.Dialect() == store.Postgres {
			parts = append(parts, "("+expr+" IS NOT NULL AND "+expr+" IN (SELECT jsonb_array_elements_text("+a.add(string(list))+"::jsonb)))")
		} else {
			parts = append(parts, "("+expr+" IS NOT NULL AND "+expr+" IN (SELECT value FROM json_each("+a.add(string(list))+")))")
		}
	}
	if none {
		parts = append(parts, x.propExpr("e", l.Dimension.PropName, a)+" IS NULL")
	}
	if len(parts) == 0 {
		return "FALSE", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// propValues reads the distinct values a custom property has in the range
// (and whether some event lacks it), once per property.
func (x *execution) propValues(ctx context.Context, name string) ([]storedValue, error) {
	cacheKey := "prop/" + name
	if v, ok := x.distinct[cacheKey]; ok {
		return v, nil
	}
	if x.columnsAnswer() {
		v, err := x.colPropValues(ctx, name)
		x.distinct[cacheKey] = v
		return v, err
	}
	vals := args{}
	q := fmt.Sprintf(`SELECT DISTINCT %s FROM analytics_events e WHERE e.service_id = $%d AND e.ts >= $%d AND e.ts < $%d`,
		x.propExpr("e", name, &vals), len(vals)+1, len(vals)+2, len(vals)+3)
	rows, err := x.ev.db.QueryContext(ctx, q, append(vals, x.service, x.from, x.to)...)
	if err != nil {
		return nil, fmt.Errorf("match property values: %w", err)
	}
	defer rows.Close()
	var values []storedValue
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		values = append(values, storedValue{text: v.String, ok: v.Valid})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	x.distinct[cacheKey] = values
	return values, nil
}
