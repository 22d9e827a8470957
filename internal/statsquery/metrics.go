package statsquery

import (
	"slices"
	"strings"
)

// Metric is a value the query computes, named as in Plausible's API.
type Metric string

// The metrics liveops accepts. ScrollDepth and TimeOnPage are validated
// here like Plausible does; an executor without the data may refuse them.
const (
	Visitors       Metric = "visitors"
	Visits         Metric = "visits"
	Pageviews      Metric = "pageviews"
	ViewsPerVisit  Metric = "views_per_visit"
	BounceRate     Metric = "bounce_rate"
	VisitDuration  Metric = "visit_duration"
	Events         Metric = "events"
	ConversionRate Metric = "conversion_rate"
	// GroupConversionRate is conversion_rate out of the visitors of the
	// same group (dimension values) rather than of the whole query.
	GroupConversionRate Metric = "group_conversion_rate"
	Percentage          Metric = "percentage"
	ScrollDepth         Metric = "scroll_depth"
	TimeOnPage          Metric = "time_on_page"
)

// table says which stored table a metric needs (Plausible's
// TableDecider.metric_partitioner): some only exist per event, some only
// per session, the rest come from either.
type table int

const (
	either table = iota
	eventOnly
	sessionOnly
)

var metricTables = map[Metric]table{
	Visitors: either, Visits: either, ConversionRate: either, GroupConversionRate: either, Percentage: either,
	Pageviews: eventOnly, Events: eventOnly, ScrollDepth: eventOnly, TimeOnPage: eventOnly,
	BounceRate: sessionOnly, VisitDuration: sessionOnly, ViewsPerVisit: sessionOnly,
}

// plausibleOnlyMetrics are in Plausible's public API but need data or
// features liveops does not have: none at present. Its revenue metrics
// (total_revenue, average_revenue) exist only in its paid edition, and its
// community edition answers "Invalid metric" for them, as liveops does.
var plausibleOnlyMetrics []string

// parseMetrics reads the metrics. Every unknown metric is reported, one a
// line, as Plausible's schema lists them.
func (p *parser) parseMetrics(v any) ([]Metric, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr("#/metrics", "Array", v)
	}
	if len(list) == 0 {
		return nil, errf("#/metrics", "Expected a minimum of 1 items but got 0.")
	}
	metrics := make([]Metric, 0, len(list))
	var bad errList
	for i, e := range list {
		m, err := parseMetric(e, "#/metrics/"+itoa(i))
		if err = p.keep(err); err != nil {
			bad.add(err)
			continue
		}
		if m == "" {
			continue // valid in Plausible, said once the schema checks pass
		}
		if slices.Contains(metrics, m) {
			bad.add(errf("#/metrics", "Expected items to be unique but they were not."))
			break
		}
		metrics = append(metrics, m)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return metrics, nil
}

func parseMetric(v any, field string) (Metric, error) {
	s, _ := v.(string)
	if _, ok := metricTables[Metric(s)]; ok {
		return Metric(s), nil
	}
	if slices.Contains(plausibleOnlyMetrics, s) {
		return "", invalidf(field, "Metric %s is not supported by liveops", quote(s))
	}
	return "", errf(field, "Invalid metric %s", inspect(v))
}

// validateMetrics applies Plausible's per-metric rules (QueryBuilder's
// validate_metric) and then the metric/dimension table conflicts
// (TableDecider.validate_no_metrics_dimensions_conflict). Filters inside
// has_done and has_not_done do not count here, as in Plausible:
//
//   - conversion_rate and group_conversion_rate need an event:goal
//     dimension or filter, and group_conversion_rate custom property
//     filters at the top level only (validateFilterDepths says so for
//     conversion_rate);
//   - scroll_depth needs an event:page dimension or top-level filter;
//   - time_on_page needs an event:page dimension or filter at any depth;
//   - views_per_visit takes no event:page filter and no dimensions;
//   - session-only metrics (bounce_rate, visit_duration, views_per_visit)
//     cannot be grouped by event dimensions, and event-only metrics
//     (pageviews, events, scroll_depth, time_on_page) cannot be grouped by
//     session-only dimensions (visit:entry_page, visit:exit_page); a lone
//     event:page among the event dimensions is allowed with either.
func validateMetrics(q *Query) error {
	for i, m := range q.Metrics {
		field := "#/metrics/" + itoa(i)
		switch m {
		case ConversionRate, GroupConversionRate:
			if !q.hasDimension(KindGoal) && !filtersOn(q.Filters, KindGoal, false) {
				return invalidf(field, "Metric `%s` can only be queried with event:goal filters or dimensions.", m)
			}
			if l := deepProp(q.Filters); m == GroupConversionRate && l != nil {
				return invalidf(l.path+"/1", "Invalid filters. When `conversion_rate` or `group_conversion_rate` metrics are used, custom property filters can only be used on top level.")
			}
		case ScrollDepth:
			if !q.hasDimension(KindPage) && !filtersOn(q.Filters, KindPage, true) {
				return invalidf(field, "Metric `scroll_depth` can only be queried with event:page filters or dimensions.")
			}
		case TimeOnPage:
			if !q.hasDimension(KindPage) && !filtersOn(q.Filters, KindPage, false) {
				return invalidf(field, "Metric `time_on_page` can only be queried with event:page filters or dimensions.")
			}
		case ViewsPerVisit:
			if filtersOn(q.Filters, KindPage, false) {
				return invalidf(field, "Metric `views_per_visit` cannot be queried with a filter on `event:page`.")
			}
			if len(q.Dimensions) > 0 {
				return invalidf(field, "Metric `views_per_visit` cannot be queried with `dimensions`.")
			}
		}
	}

	var eventMetrics, sessionMetrics, eventDims, sessionDims []string
	for _, m := range q.Metrics {
		switch metricTables[m] {
		case eventOnly:
			eventMetrics = append(eventMetrics, "`"+string(m)+"`")
		case sessionOnly:
			sessionMetrics = append(sessionMetrics, "`"+string(m)+"`")
		}
	}
	for _, d := range q.Dimensions {
		switch {
		case d.IsEvent():
			eventDims = append(eventDims, "`"+d.String()+"`")
		case d.IsSessionOnly():
			sessionDims = append(sessionDims, "`"+d.String()+"`")
		}
	}
	switch {
	case len(eventDims) == 1 && eventDims[0] == "`event:page`":
		// Plausible answers this case by splitting the session query.
	case len(sessionMetrics) > 0 && len(eventDims) > 0:
		return invalidf("#/metrics", "Session metric(s) %s cannot be queried along with event dimension(s) %s",
			strings.Join(sessionMetrics, ", "), strings.Join(eventDims, ", "))
	case len(eventMetrics) > 0 && len(sessionDims) > 0:
		return invalidf("#/metrics", "Event metric(s) %s cannot be queried along with session dimension(s) %s",
			strings.Join(eventMetrics, ", "), strings.Join(sessionDims, ", "))
	}
	return nil
}

func (q *Query) hasDimension(k Kind) bool {
	return slices.ContainsFunc(q.Dimensions, func(d Dimension) bool { return d.Kind == k })
}

// deepProp is the first custom property filter below the top level, which
// the conversion rates cannot take out of their base (validateFilterDepths
// refuses it for conversion_rate).
func deepProp(f Filter) *Leaf {
	return firstLeaf(f, func(l *Leaf, depth, _ int) bool { return depth > 0 && l.Dimension.Kind == KindProp })
}
