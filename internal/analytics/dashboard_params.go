package analytics

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/statsquery"
)

// periods are the choices of the dashboard's period picker, as Stats API
// date ranges.
var periods = []struct{ Value, Label string }{
	{"day", "Today"}, {"7d", "Last 7 days"}, {"30d", "Last 30 days"}, {"month", "This month"},
	{"6mo", "Last 6 months"}, {"12mo", "Last 12 months"},
}

// view is what the dashboard's address says: the period, the comparison
// and the filters. Everything is in the URL, so a view can be bookmarked
// and shared.
type view struct {
	Period  string // a periods value, or "custom"
	From    string // custom range, YYYY-MM-DD
	To      string
	Compare bool
	Filters []viewFilter
	Prop    string // the custom property the properties panel breaks down by
	// Tabs are the panels picked in their boxes, in the boxes' order; a
	// box with none picked shows its first.
	Tabs []string
}

// viewFilter is one "dimension is value" filter, set by clicking a row.
type viewFilter struct {
	Dimension, Value string
}

// filterLabels name the dimensions in the list of active filters.
var filterLabels = map[string]string{
	"event:page": "Page", "visit:entry_page": "Entry page", "visit:exit_page": "Exit page",
	"visit:channel": "Channel", "visit:source": "Source", "visit:referrer": "Referrer",
	"visit:utm_campaign": "Campaign", "visit:device": "Device", "visit:browser": "Browser",
	"visit:os": "Operating system", "visit:country": "Country", "event:name": "Event", "event:goal": "Goal",
	"visit:region_name": "Region", "visit:city_name": "City",
	"visit:screen": "Screen size", "visit:entry_page_hostname": "Entry hostname", "visit:exit_page_hostname": "Exit hostname",
}

// filterLabel names a filter's dimension for its chip; a custom property
// by its own name.
func filterLabel(dim string) string {
	if prop, ok := strings.CutPrefix(dim, "event:props:"); ok {
		return "Property " + prop
	}
	return filterLabels[dim]
}

// propName is a property name the view accepts: one the Stats API can
// query.
func propName(name string) bool {
	return name != "" && len(name) <= statsquery.MaxPropName && queryableProp(name)
}

func parseView(q url.Values) view {
	v := view{Period: q.Get("period"), From: q.Get("from"), To: q.Get("to"), Compare: q.Get("compare") != "0"}
	if p := q.Get("prop"); propName(p) {
		v.Prop = p
	}
	if v.From != "" && v.To != "" {
		v.Period = "custom"
	}
	known := v.Period == "custom"
	for _, p := range periods {
		known = known || p.Value == v.Period
	}
	if !known {
		v.Period = "30d"
	}
	for _, t := range q["tab"] {
		if boxOf(t) != "" {
			v = v.withTab(t)
		}
	}
	for _, f := range q["f"] {
		dim, val, ok := strings.Cut(f, "|")
		prop, isProp := strings.CutPrefix(dim, "event:props:")
		if _, named := filterLabels[dim]; ok && (named || isProp && propName(prop)) {
			v.Filters = append(v.Filters, viewFilter{dim, val})
		}
	}
	return v
}

// WithoutProp is the view with no property chosen, for the form that
// chooses one.
func (v view) WithoutProp() view {
	v.Prop = ""
	return v
}

// tab is the panel the view shows in a box.
func (v view) tab(box string) string {
	for _, t := range v.Tabs {
		if boxOf(t) == box {
			return t
		}
	}
	for _, b := range boxes {
		if b.ID == box {
			return b.Panels[0]
		}
	}
	return ""
}

// withTab is the view showing panel in its box.
func (v view) withTab(panel string) view {
	box := boxOf(panel)
	v.Tabs = slices.DeleteFunc(slices.Clone(v.Tabs), func(id string) bool { return boxOf(id) == box })
	for _, b := range boxes {
		if b.ID == box && b.Panels[0] != panel {
			v.Tabs = append(v.Tabs, panel)
		}
	}
	// In the boxes' order, so that one view has one address.
	slices.SortFunc(v.Tabs, func(a, b string) int { return boxIndex(a) - boxIndex(b) })
	return v
}

func boxIndex(panel string) int {
	return slices.IndexFunc(boxes, func(b box) bool { return b.ID == boxOf(panel) })
}

// dateRange is the view's period as a Stats API date_range.
func (v view) dateRange() any {
	if v.Period == "custom" {
		return []string{v.From, v.To}
	}
	return v.Period
}

// previous is the period of the same length just before, for comparison.
func previous(from, to time.Time, zone *time.Location) []string {
	days := int(to.Sub(from).Hours()/24 + 0.5)
	if days < 1 {
		days = 1
	}
	f := from.In(zone)
	first := time.Date(f.Year(), f.Month(), f.Day()-days, 0, 0, 0, 0, zone)
	last := time.Date(f.Year(), f.Month(), f.Day()-1, 0, 0, 0, 0, zone)
	return []string{first.Format(time.DateOnly), last.Format(time.DateOnly)}
}

// body builds a Stats API query for the view.
func (v view) body(site string, dateRange any, metrics []string, dims []string, extra ...[]any) []byte {
	b, _ := json.Marshal(v.query(site, dateRange, metrics, dims, extra...))
	return b
}

// query is a Stats API query for the view, to add to before it is sent.
func (v view) query(site string, dateRange any, metrics []string, dims []string, extra ...[]any) map[string]any {
	q := map[string]any{"site_id": site, "date_range": dateRange, "metrics": metrics}
	if len(dims) > 0 {
		q["dimensions"] = dims
	}
	var filters [][]any
	for _, f := range v.Filters {
		filters = append(filters, []any{"is", f.Dimension, []string{f.Value}})
	}
	filters = append(filters, extra...)
	if len(filters) > 0 {
		q["filters"] = filters
	}
	return q
}

// link is the dashboard address for the view with changes applied.
func (v view) link(base string, change func(*view)) string {
	c := v
	c.Filters = append([]viewFilter(nil), v.Filters...)
	if change != nil {
		change(&c)
	}
	q := url.Values{}
	if c.Period == "custom" {
		q.Set("from", c.From)
		q.Set("to", c.To)
	} else if c.Period != "30d" {
		q.Set("period", c.Period)
	}
	if !c.Compare {
		q.Set("compare", "0") // comparing is the default
	}
	for _, f := range c.Filters {
		q.Add("f", f.Dimension+"|"+f.Value)
	}
	if c.Prop != "" {
		q.Set("prop", c.Prop)
	}
	for _, t := range c.Tabs {
		q.Add("tab", t)
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}
