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
	// Regions and cities need a city database (--geoip-db). A region is an
	// ISO 3166-2 code ("EE-37"), a city a GeoNames id; the _name kinds are
	// the English names the database gives for them and for the country.
	KindRegion      Kind = "visit:region"
	KindCity        Kind = "visit:city"
	KindCountryName Kind = "visit:country_name"
	KindRegionName  Kind = "visit:region_name"
	KindCityName    Kind = "visit:city_name"
	// KindEntryPageHostname is the hostname a visit entered on.
	KindEntryPageHostname Kind = "visit:entry_page_hostname"
	// KindExitPageHostname is the hostname of a visit's last page view.
	KindExitPageHostname Kind = "visit:exit_page_hostname"
	// KindScreen is Plausible's screen-size category: the same values as
	// KindDevice (Desktop, Laptop, Tablet, Mobile), under its older name.
	KindScreen Kind = "visit:screen"

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
	KindRegion, KindCity, KindCountryName, KindRegionName, KindCityName,
	KindExitPageHostname, KindScreen,
}

var timeKinds = []Kind{kindTimeAuto, KindTimeHour, KindTimeDay, KindTimeWeek, KindTimeMonth}

// plausibleOnlyDimensions exist in Plausible's public API, but liveops
// stores no data for: none at present.
var plausibleOnlyDimensions []string

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
		return d, false, invalidf(field, "Dimension %s is not supported by liveops", quote(name))
	}
	return d, false, nil
}

// parseDimensions fills q.Dimensions, resolving "time" against the date
// range, and returns the names as requested for order_by to refer to.
func (p *parser) parseDimensions(v any, q *Query) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr("#/dimensions", "Array", v)
	}
	var names []string
	var bad errList
	timeAt, repeated := -1, false
	for i, e := range list {
		field := "#/dimensions/" + itoa(i)
		name, _ := e.(string)
		d, ok, err := lookupDimension(name, field)
		if err != nil {
			// Valid in Plausible: said once the schema checks pass.
			_ = p.keep(err)
			ok, d = true, Dimension{Kind: Kind(name)}
		}
		if !ok {
			bad.add(errf(field, "Invalid dimension %s", inspect(e)))
			continue
		}
		if slices.Contains(names, name) {
			repeated = true
			continue
		}
		if d.IsTime() {
			if timeAt >= 0 {
				bad.add(errf(field, "Invalid dimension %s: %s is already a time dimension; use at most one", quote(name), quote(names[timeAt])))
				continue
			}
			timeAt = len(names)
			if d.Kind == kindTimeAuto {
				d.Kind = autoInterval(q.DateRange)
			}
		}
		names = append(names, name)
		q.Dimensions = append(q.Dimensions, d)
	}
	if repeated {
		bad.add(errf("#/dimensions", "Expected items to be unique but they were not."))
	}
	if len(names) > MaxDimensions {
		bad.add(errf("#/dimensions", "Too many dimensions: %d; a query may have at most %d", len(names), MaxDimensions))
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return names, nil
}

// resolveTime refuses a time dimension with too many buckets over the
// query's range.
func resolveTime(q *Query) error {
	for i, d := range q.Dimensions {
		if d.IsTime() {
			return checkBucketCount(q.DateRange, d.Kind, "#/dimensions/"+itoa(i))
		}
	}
	return nil
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

// orderEntry is one order_by entry as requested, before it is checked
// against the metrics and dimensions queried.
type orderEntry struct {
	name   string
	metric bool
	desc   bool
	field  string
}

// parseOrderBy reads order_by's shape: each entry names a metric or a
// dimension, and a direction. nil means no order_by was given.
func parseOrderBy(v any) ([]orderEntry, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr("#/order_by", "Array", v)
	}
	entries := []orderEntry{} // an explicit [] keeps the store's order
	var bad errList
	for i, e := range list {
		field := "#/order_by/" + itoa(i)
		pair, ok := e.([]any)
		switch {
		case !ok:
			bad.add(typeErr(field, "Array", e))
			continue
		case len(pair) < 2:
			bad.add(errf(field, "Expected a minimum of 2 items but got %d.", len(pair)))
			continue
		case len(pair) > 2:
			bad.add(errf(field, "Expected a maximum of 2 items but got %d.", len(pair)))
			continue
		}
		name, _ := pair[0].(string)
		o := orderEntry{name: name, field: field}
		if _, ok := metricTables[Metric(name)]; ok {
			o.metric = true
		} else if _, ok, err := lookupDimension(name, ""); !ok && err == nil {
			bad.add(errf(field+"/0", "Invalid value in order_by %s", inspect(pair[0])))
		}
		switch pair[1] {
		case "asc":
		case "desc":
			o.desc = true
		default:
			bad.add(errf(field+"/1", "Value is not allowed in enum."))
		}
		entries = append(entries, o)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return entries, nil
}

// resolveOrderBy fills q.OrderBy. Entries must name a requested metric or
// dimension (as requested, so "time" matches "time"); without order_by the
// order is Plausible's default: the time bucket ascending, if any, then the
// first metric descending.
func resolveOrderBy(q *Query, entries []orderEntry, dimNames []string) error {
	if entries == nil {
		if d, ok := q.TimeDimension(); ok {
			q.OrderBy = append(q.OrderBy, Order{Dimension: d})
		}
		q.OrderBy = append(q.OrderBy, Order{Metric: q.Metrics[0], Desc: true})
		return nil
	}
	q.OrderBy = make([]Order, 0, len(entries))
	for _, e := range entries {
		o := Order{Desc: e.desc}
		at := slices.Index(dimNames, e.name)
		switch {
		case e.metric && slices.Contains(q.Metrics, Metric(e.name)):
			o.Metric = Metric(e.name)
		case !e.metric && at >= 0:
			o.Dimension = q.Dimensions[at]
		default:
			// Plausible shows the entry as an Elixir tuple: metrics are
			// atoms, dimensions strings.
			value, dir := quote(e.name), ":asc"
			if e.metric {
				value = ":" + e.name
			}
			if e.desc {
				dir = ":desc"
			}
			return invalidf(e.field, "Invalid order_by entry '{%s, %s}'. Entry is not a queried metric or dimension.", value, dir)
		}
		q.OrderBy = append(q.OrderBy, o)
	}
	return nil
}

// IsSessionOnly reports whether d exists only per visit, not on each
// event: the entry and exit pages and their hostnames (Plausible's
// TableDecider puts them on sessions alone).
func (d Dimension) IsSessionOnly() bool {
	switch d.Kind {
	case KindEntryPage, KindExitPage, KindEntryPageHostname, KindExitPageHostname:
		return true
	}
	return false
}
