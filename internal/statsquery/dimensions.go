package statsquery

import (
	"slices"
	"strings"
)

// Kind is what a dimension groups or filters by, named as in Plausible's
// API. KindProp carries its property name in Dimension.PropName.
type Kind string

// The dimensions liveops accepts.
const (
	KindPage     Kind = "event:page"
	KindHostname Kind = "event:hostname"
	KindName     Kind = "event:name"
	KindGoal     Kind = "event:goal"
	KindProp     Kind = "event:props"

	KindEntryPage      Kind = "visit:entry_page"
	KindExitPage       Kind = "visit:exit_page"
	KindSource         Kind = "visit:source"
	KindReferrer       Kind = "visit:referrer"
	KindChannel        Kind = "visit:channel"
	KindUTMMedium      Kind = "visit:utm_medium"
	KindUTMSource      Kind = "visit:utm_source"
	KindUTMCampaign    Kind = "visit:utm_campaign"
	KindUTMContent     Kind = "visit:utm_content"
	KindUTMTerm        Kind = "visit:utm_term"
	KindDevice         Kind = "visit:device"
	KindBrowser        Kind = "visit:browser"
	KindBrowserVersion Kind = "visit:browser_version"
	KindOS             Kind = "visit:os"
	KindOSVersion      Kind = "visit:os_version"
	KindCountry        Kind = "visit:country"
	// KindEntryPageHostname is the hostname a visit entered on.
	KindEntryPageHostname Kind = "visit:entry_page_hostname"

	// Time buckets, in the service's time zone; weeks start on Monday.
	KindTimeHour  Kind = "time:hour"
	KindTimeDay   Kind = "time:day"
	KindTimeWeek  Kind = "time:week"
	KindTimeMonth Kind = "time:month"
)

// kindTimeAuto is the requested "time", resolved once the range is known.
const kindTimeAuto Kind = "time"

// MaxPropName bounds a custom property name, as Plausible bounds prop keys.
const MaxPropName = 300

var simpleKinds = []Kind{
	KindPage, KindHostname, KindName, KindGoal,
	KindEntryPage, KindExitPage, KindSource, KindReferrer, KindChannel,
	KindUTMMedium, KindUTMSource, KindUTMCampaign, KindUTMContent, KindUTMTerm,
	KindDevice, KindBrowser, KindBrowserVersion, KindOS, KindOSVersion, KindCountry, KindEntryPageHostname,
}

var timeKinds = []Kind{kindTimeAuto, KindTimeHour, KindTimeDay, KindTimeWeek, KindTimeMonth}

// plausibleOnlyDimensions exist in Plausible, but liveops stores no data
// for them (no regions, cities or screen sizes, no hostname per session)
// or has no such feature (segments, minute buckets).
var plausibleOnlyDimensions = []string{
	"visit:screen", "visit:region", "visit:city", "visit:country_name", "visit:region_name",
	"visit:city_name", "visit:entry_page_hostname", "visit:exit_page_hostname", "time:minute", "segment",
}

// Dimension is one grouping or filtering attribute.
type Dimension struct {
	Kind     Kind
	PropName string // the custom property, when Kind is KindProp
}

// String is the dimension's API name, such as "event:props:plan".
func (d Dimension) String() string {
	if d.Kind == KindProp {
		return "event:props:" + d.PropName
	}
	return string(d.Kind)
}

// IsTime reports whether d is a time bucket.
func (d Dimension) IsTime() bool { return strings.HasPrefix(string(d.Kind), "time") }

// IsEvent reports whether d is an attribute of each event (event:*), not of
// the session it belongs to.
func (d Dimension) IsEvent() bool { return strings.HasPrefix(string(d.Kind), "event:") }

// lookupDimension parses a dimension name; ok is false for names that are
// not dimensions, and an error names those Plausible has but liveops lacks.
func lookupDimension(name, field string) (d Dimension, ok bool, err error) {
	if prop, found := strings.CutPrefix(name, "event:props:"); found {
		if prop == "" || len(prop) > MaxPropName {
			return d, false, nil
		}
		return Dimension{Kind: KindProp, PropName: prop}, true, nil
	}
	if k := Kind(name); slices.Contains(simpleKinds, k) || slices.Contains(timeKinds, k) {
		return Dimension{Kind: k}, true, nil
	}
	if slices.Contains(plausibleOnlyDimensions, name) {
		return d, false, errf(field, "Dimension %s is not supported by liveops", quote(name))
	}
	return d, false, nil
}

// parseDimensions fills q.Dimensions, resolving "time" against the date
// range, and returns the names as requested for order_by to refer to.
func parseDimensions(v any, q *Query) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr("#/dimensions", "Array", v)
	}
	var names []string
	timeAt := -1
	for i, e := range list {
		field := "#/dimensions/" + itoa(i)
		name, _ := e.(string)
		d, ok, err := lookupDimension(name, field)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errf(field, "Invalid dimension %s", inspect(e))
		}
		if slices.Contains(names, name) {
			return nil, errf("#/dimensions", "Expected items to be unique but they were not.")
		}
		if d.IsTime() {
			if timeAt >= 0 {
				return nil, errf(field, "Invalid dimension %s: %s is already a time dimension; use at most one", quote(name), quote(names[timeAt]))
			}
			timeAt = i
			if d.Kind == kindTimeAuto {
				d.Kind = autoInterval(q.DateRange)
			}
			if err := checkBucketCount(q.DateRange, d.Kind, field); err != nil {
				return nil, err
			}
		}
		names = append(names, name)
		q.Dimensions = append(q.Dimensions, d)
	}
	return names, nil
}

// TimeDimension returns the query's time dimension, if it has one.
func (q *Query) TimeDimension() (Dimension, bool) {
	for _, d := range q.Dimensions {
		if d.IsTime() {
			return d, true
		}
	}
	return Dimension{}, false
}

// parseOrderBy fills q.OrderBy. Entries must name a requested metric or
// dimension (as requested, so "time" matches "time"); without order_by the
// order is Plausible's default: the time bucket ascending, if any, then the
// first metric descending.
func parseOrderBy(v any, q *Query, dimNames []string) error {
	if v == nil {
		if d, ok := q.TimeDimension(); ok {
			q.OrderBy = append(q.OrderBy, Order{Dimension: d})
		}
		q.OrderBy = append(q.OrderBy, Order{Metric: q.Metrics[0], Desc: true})
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return typeErr("#/order_by", "Array", v)
	}
	q.OrderBy = []Order{} // an explicit [] keeps the store's order
	for i, e := range list {
		field := "#/order_by/" + itoa(i)
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return errf(field, "Invalid value in order_by %s", inspect(e))
		}
		name, _ := pair[0].(string)
		var o Order
		if _, ok := metricTables[Metric(name)]; ok {
			o.Metric = Metric(name)
		} else if _, ok, _ := lookupDimension(name, ""); !ok {
			return errf(field+"/0", "Invalid value in order_by %s", inspect(pair[0]))
		}
		switch pair[1] {
		case "asc":
		case "desc":
			o.Desc = true
		default:
			return errf(field+"/1", "Invalid order_by direction %s; expected \"asc\" or \"desc\"", inspect(pair[1]))
		}
		at := slices.Index(dimNames, name)
		switch {
		case o.Metric != "" && slices.Contains(q.Metrics, o.Metric):
		case o.Metric == "" && at >= 0:
			o.Dimension = q.Dimensions[at]
		default:
			return errf(field, "Invalid order_by entry %s. Entry is not a queried metric or dimension.", inspect(e))
		}
		q.OrderBy = append(q.OrderBy, o)
	}
	return nil
}
