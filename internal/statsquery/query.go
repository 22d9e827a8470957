// Package statsquery turns the body of POST /api/v2/query into a validated,
// typed, normalised Query. The query shape and its rules follow Plausible's
// Stats API v2 (priv/json-schemas/query-api-schema.json, ApiQueryParser,
// QueryBuilder, TableDecider and QueryOptimizer in plausible/analytics), so
// a client written for Plausible works unchanged. The package does no I/O:
// the executor runs a Query against the store, and the handler answers with
// Query.Echo as the response's "query" object.
package statsquery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Pagination bounds, as in Plausible's schema.
const (
	DefaultLimit = 10000
	MaxLimit     = 10000
	MaxOffset    = 1<<31 - 1 // keeps offset+limit within an int32 for any store
)

// Bounds of liveops' own, which Plausible does not have: they keep one
// request from making the store work without end.
const (
	MaxDimensions = 16   // dimensions in one query
	MaxFilters    = 1000 // leaf filters in one query, at any depth
)

// Query is a parsed, validated and normalised stats query. Relative date
// ranges are resolved, the "time" dimension is replaced by the bucket it
// stands for, and a missing order_by is filled in as Plausible does.
type Query struct {
	SiteID     string
	Metrics    []Metric
	DateRange  DateRange
	Dimensions []Dimension
	// Filters is nil when there are none; otherwise an *And holding the
	// top-level filters, which the API joins with an implicit "and".
	Filters Filter
	OrderBy []Order
	Limit   int
	Offset  int
	Include Include
}

// Include holds the query's "include" options.
type Include struct {
	Imports    bool // no imports exist in liveops; kept so the echo matches
	TimeLabels bool // requires a time dimension
	TotalRows  bool
	// Comparisons is nil unless the query asks to compare with another
	// period.
	Comparisons *Comparisons
}

// Order is one order_by entry: a requested metric or a requested dimension.
type Order struct {
	Metric    Metric    // set when ordering by a metric
	Dimension Dimension // set when Metric is empty
	Desc      bool
}

// Key is the metric or dimension name the entry orders by.
func (o Order) Key() string {
	if o.Metric != "" {
		return string(o.Metric)
	}
	return o.Dimension.String()
}

// Error is a query the API cannot run. Field is a JSON pointer into the
// request body ("#/filters/0"), or "#" for the body as a whole; Message
// says what is wrong there, in Plausible's words where it has them.
//
// Error() is the text Plausible answers with: its JSON Schema errors start
// with the pointer ("#/metrics/0: Invalid metric \"x\""), its other
// errors are the message alone (Pointer false).
type Error struct {
	Field   string
	Message string
	Pointer bool

	more []*Error // further schema errors, one a line, as Plausible lists them
}

func (e *Error) Error() string {
	s := e.Message
	if e.Pointer {
		s = e.Field + ": " + s
	}
	for _, m := range e.more {
		s += "\n" + m.Error()
	}
	return s
}

// errf is an error in the shape of the query, which Plausible's JSON
// Schema reports with the pointer in front.
func errf(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...), Pointer: true}
}

// invalidf is an error Plausible finds after the schema: the message alone.
func invalidf(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// errList gathers schema errors that Plausible lists together, one a line,
// such as every unknown metric.
type errList struct{ head *Error }

func (l *errList) add(err error) {
	e := err.(*Error)
	if l.head == nil {
		l.head = e
		return
	}
	l.head.more = append(l.head.more, e)
	l.head.more = append(l.head.more, e.more...)
	e.more = nil
}

func (l *errList) err() error {
	if l.head == nil {
		return nil
	}
	return l.head
}

// isSchemaErr reports whether err is a schema error, which Plausible
// reports before any other.
func isSchemaErr(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Pointer
}

var (
	topKeys      = []string{"site_id", "metrics", "date_range", "dimensions", "filters", "order_by", "include", "pagination"}
	requiredKeys = []string{"site_id", "metrics", "date_range"}
)

// Site is what the parser needs to know of the site a query is for.
type Site struct {
	// Location is the site's time zone, in which days are counted; nil
	// means UTC.
	Location *time.Location
	// StatsStart is when the site's stats begin: "all" starts on its
	// local day, or today when it is zero.
	StatsStart time.Time
	// GoalNames returns the display names of the site's goals, so that an
	// "is" filter on event:goal naming no goal is refused as Plausible
	// refuses it. It is called at most once, and only for such a filter;
	// nil skips the check. Its error is returned as is.
	GoalNames func() ([]string, error)
}

// Parse validates body against the Stats API v2 query shape and resolves it.
// Relative date ranges are resolved against now in loc (the service's time
// zone; nil means UTC); "all" starts on the local day of siteStart, or today
// when siteStart is zero. Goal names are not checked (see ParseSite).
// Every failure is an *Error.
func Parse(body []byte, loc *time.Location, now, siteStart time.Time) (*Query, error) {
	return ParseSite(body, Site{Location: loc, StatsStart: siteStart}, now)
}

// ParseSite is Parse for a site whose goals are known. Every failure is an
// *Error, except one returned by site.GoalNames.
func ParseSite(body []byte, site Site, now time.Time) (*Query, error) {
	if site.Location == nil {
		site.Location = time.UTC
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, errf("#", "Invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errf("#", "Invalid JSON: unexpected data after the query object")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errf("#", "Type mismatch. Expected Object but got %s.", typeName(raw))
	}
	if at := nulAt(raw, "#"); at != "" {
		// No store keeps one in text (PostgreSQL refuses it), and no name
		// or value liveops holds has one, so it can only be a mistake.
		return nil, errf(at, "Must not contain a NUL character.")
	}
	p := &parser{site: site, now: now}
	return p.parseObject(obj)
}

// nulAt returns the JSON pointer of the first string in v, a key or a
// value, holding a NUL character, or "" when none does. Keys are visited in
// order, so that the error named is the same every time.
func nulAt(v any, at string) string {
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return at
		}
	case []any:
		for i, e := range v {
			if p := nulAt(e, at+"/"+strconv.Itoa(i)); p != "" {
				return p
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if strings.IndexByte(k, 0) >= 0 {
				return at
			}
			if p := nulAt(v[k], at+"/"+k); p != "" {
				return p
			}
		}
	}
	return ""
}

// parser holds one Parse. Plausible checks a query in three rounds: its
// JSON Schema, then its parser, then its query builder; the first round
// that fails is reported. Parsing stops at the first key with schema
// errors (all of that key's are listed, as Plausible lists them), and the
// first error of the parser round waits in later until the schema checks
// are done.
type parser struct {
	site  Site
	now   time.Time
	later error
}

// keep holds err back if it is not a schema error (the first such error
// is reported once the schema checks pass), and returns a schema error,
// which must be reported now.
func (p *parser) keep(err error) error {
	if err == nil || isSchemaErr(err) {
		return err
	}
	if p.later == nil {
		p.later = err
	}
	return nil
}

func (p *parser) parseObject(obj map[string]any) (*Query, error) {
	var unknown errList
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(topKeys, k) {
			unknown.add(errf("#/"+pointerEscape(k), "Schema does not allow additional properties."))
		}
	}
	if err := unknown.err(); err != nil {
		return nil, err
	}
	var missing []string
	for _, k := range requiredKeys {
		if _, ok := obj[k]; !ok {
			missing = append(missing, k)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return nil, errf("#", "Required property %s was not present.", missing[0])
	default:
		return nil, errf("#", "Required properties %s were not present.", strings.Join(missing, ", "))
	}

	q := &Query{Limit: DefaultLimit}
	site, ok := obj["site_id"].(string)
	if !ok {
		return nil, typeErr("#/site_id", "String", obj["site_id"])
	}
	if site == "" {
		return nil, errf("#/site_id", "Must not be empty.")
	}
	q.SiteID = site

	var err error
	if q.Metrics, err = p.parseMetrics(obj["metrics"]); err != nil {
		return nil, err
	}
	var rangeErr error
	q.DateRange, rangeErr = parseDateRange(obj["date_range"], p.site.Location, p.now, p.site.StatsStart)
	if err := p.keep(rangeErr); err != nil {
		return nil, err
	}
	dimNames, err := p.parseDimensions(obj["dimensions"], q)
	if err != nil {
		return nil, err
	}
	if q.Filters, err = p.parseFilters(obj["filters"]); err != nil {
		return nil, err
	}
	orders, err := parseOrderBy(obj["order_by"])
	if err != nil {
		return nil, err
	}
	if q.Include, err = p.parseInclude(obj["include"]); err != nil {
		return nil, err
	}
	if q.Limit, q.Offset, err = parsePagination(obj["pagination"]); err != nil {
		return nil, err
	}
	if p.later != nil {
		return nil, p.later
	}
	if err := p.validate(q, orders, dimNames); err != nil {
		return nil, err
	}
	return q, nil
}

// validate applies the rules that span several keys, in the order
// Plausible's QueryBuilder.build applies them, then liveops' own bounds.
func (p *parser) validate(q *Query, orders []orderEntry, dimNames []string) error {
	steps := []func() error{
		func() error { return validateSegments(q.Filters) },
		func() error { return resolveOrderBy(q, orders, dimNames) },
		func() error { return validateFilterDepths(q) },
		func() error { return validateBehavioral(q.Filters) },
		func() error { return p.validateGoals(q.Filters) },
		func() error { return validateMetrics(q) },
		func() error {
			if _, ok := q.TimeDimension(); q.Include.TimeLabels && !ok {
				return invalidf("#/include/time_labels", "Invalid include.time_labels: requires a time dimension.")
			}
			return nil
		},
		func() error { return resolveTime(q) },
		func() error { return p.resolveComparisons(q) },
		func() error { return checkFilterCount(q.Filters) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) parseInclude(v any) (Include, error) {
	var inc Include
	if v == nil {
		return inc, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return inc, typeErr("#/include", "Object", v)
	}
	var bad errList
	for _, k := range sortedKeys(obj) {
		field := "#/include/" + pointerEscape(k)
		var dst *bool
		switch k {
		case "comparisons":
			c, err := p.parseComparisons(obj[k])
			if err != nil {
				bad.add(err)
			}
			inc.Comparisons = c
			continue
		case "imports":
			dst = &inc.Imports
		case "time_labels":
			dst = &inc.TimeLabels
		case "total_rows":
			dst = &inc.TotalRows
		default:
			bad.add(errf(field, "Schema does not allow additional properties."))
			continue
		}
		b, ok := obj[k].(bool)
		if !ok {
			bad.add(typeErr(field, "Boolean", obj[k]))
			continue
		}
		*dst = b
	}
	return inc, bad.err()
}
