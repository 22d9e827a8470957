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
	"slices"
	"strings"
	"time"
)

// Pagination bounds, as in Plausible's schema.
const (
	DefaultLimit = 10000
	MaxLimit     = 10000
	MaxOffset    = 1<<31 - 1 // keeps offset+limit within an int32 for any store
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
// request body ("#/filters/0/2"), or "#" for the body as a whole; Message
// says what is wrong there, in Plausible's words where it has them.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func errf(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

var (
	topKeys      = []string{"site_id", "metrics", "date_range", "dimensions", "filters", "order_by", "include", "pagination"}
	requiredKeys = []string{"site_id", "metrics", "date_range"}
)

// Parse validates body against the Stats API v2 query shape and resolves it.
// Relative date ranges are resolved against now in loc (the service's time
// zone; nil means UTC); "all" starts on the local day of siteStart, or today
// when siteStart is zero. Every failure is an *Error.
func Parse(body []byte, loc *time.Location, now, siteStart time.Time) (*Query, error) {
	if loc == nil {
		loc = time.UTC
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
	return parseObject(obj, loc, now, siteStart)
}

func parseObject(obj map[string]any, loc *time.Location, now, siteStart time.Time) (*Query, error) {
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(topKeys, k) {
			return nil, errf("#/"+pointerEscape(k), "Schema does not allow additional properties.")
		}
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
	if q.Metrics, err = parseMetrics(obj["metrics"]); err != nil {
		return nil, err
	}
	if q.DateRange, err = parseDateRange(obj["date_range"], loc, now, siteStart); err != nil {
		return nil, err
	}
	dimNames, err := parseDimensions(obj["dimensions"], q)
	if err != nil {
		return nil, err
	}
	if q.Filters, err = parseFilters(obj["filters"]); err != nil {
		return nil, err
	}
	if err = parseOrderBy(obj["order_by"], q, dimNames); err != nil {
		return nil, err
	}
	if q.Include, err = parseInclude(obj["include"]); err != nil {
		return nil, err
	}
	if q.Limit, q.Offset, err = parsePagination(obj["pagination"]); err != nil {
		return nil, err
	}
	if err = validate(q); err != nil {
		return nil, err
	}
	return q, nil
}

// validate applies the rules that span several keys, in the order
// Plausible's QueryBuilder.build applies them.
func validate(q *Query) error {
	if err := validateFilterDepths(q); err != nil {
		return err
	}
	if err := validateMetrics(q); err != nil {
		return err
	}
	if q.Include.TimeLabels {
		if _, ok := q.TimeDimension(); !ok {
			return errf("#/include/time_labels", "Requires a time dimension.")
		}
	}
	return nil
}

func parseInclude(v any) (Include, error) {
	var inc Include
	if v == nil {
		return inc, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return inc, typeErr("#/include", "Object", v)
	}
	for _, k := range sortedKeys(obj) {
		field := "#/include/" + pointerEscape(k)
		var dst *bool
		switch k {
		case "imports":
			dst = &inc.Imports
		case "time_labels":
			dst = &inc.TimeLabels
		case "total_rows":
			dst = &inc.TotalRows
		default:
			return inc, errf(field, "Schema does not allow additional properties.")
		}
		b, ok := obj[k].(bool)
		if !ok {
			return inc, typeErr(field, "Boolean", obj[k])
		}
		*dst = b
	}
	return inc, nil
}
