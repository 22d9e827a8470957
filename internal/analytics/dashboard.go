package analytics

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Dashboard serves a service's analytics pages.
type Dashboard struct {
	db          *store.DB // the services' analytics settings
	retention   *Retention
	stats       *Stats
	cat         *catalog.Catalog
	annotations *Annotations
	pages       *web.Pages
	now         func() time.Time
	// GeoAttribution is the credit the city database's licence asks for
	// (enrich.GeoDB.Attribution), shown under the panels; "" without one.
	GeoAttribution string
	// CityDB says the server places visits in regions and cities
	// (--geoip-db); without one those panels say so rather than stay empty.
	CityDB bool
	// Drops, when set, tells the tracking page what was dropped and why.
	Drops *DropLog
}

// NewDashboard parses the dashboard pages. It keeps the services' analytics
// settings (retention, excluded addresses) in db.
func NewDashboard(db *store.DB, stats *Stats, cat *catalog.Catalog, ann *Annotations, site *web.Site) (*Dashboard, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("analytics pages: %w", err)
	}
	return &Dashboard{db: db, stats: stats, cat: cat, annotations: ann, pages: pages, now: time.Now, retention: NewRetention(db)}, nil
}

// Routes registers the dashboard pages.
func (d *Dashboard) Routes(rt *web.Router) {
	rt.Page("GET /services/{slug}/analytics", d.dashboard)
	rt.Page("GET /services/{slug}/analytics/realtime", d.realtimeJSON)
	rt.Page("GET /services/{slug}/analytics/export/{panel}", d.exportCSV)
	rt.Page("GET /services/{slug}/analytics/details/{panel}", d.details)
	rt.Page("POST /services/{slug}/analytics/annotations", d.addAnnotation)
	d.settingsRoutes(rt)
}

func canWrite(r *http.Request, s *catalog.Service) bool { return auth.From(r.Context()).CanWrite(s.ID) }

// panel is one breakdown table of the dashboard.
type panel struct {
	ID, Title, Dimension, Heading string
	Tab                           string // its name among its box's tabs
	Metrics                       []string
	Labels                        []string
	// Detail and DetailLabels are the metrics of its details page, where
	// there is room for more columns than in the box.
	Detail       []string
	DetailLabels []string
	Rows         []panelRow
	Skip         map[string]bool // values not shown (the page-view event in events)
	Unavailable  string          // why the panel cannot be shown with the view's filters
	// Props and Prop are, for the custom properties panel, the property
	// names seen in the period and the one shown.
	Props []string
	Prop  string
	Extra [][]any // filters of the panel's own, beside the view's
}

type panelRow struct {
	Label   string // the value, as filters and CSV take it
	Display string // as the panel shows it (a country's name); Label when ""
	Flag    string // a country's flag, shown as decoration
	Link    string
	Values  []string
	Bar     int // the first metric against the panel's largest, in tens of per cent, for the bar
	first   float64
}

// metricLabels name the metrics in the panels' column headings.
var metricLabels = map[string]string{
	"visitors": "Visitors", "visits": "Visits", "pageviews": "Page views", "bounce_rate": "Bounce rate",
	"visit_duration": "Visit duration", "percentage": "Share", "events": "Events", "conversion_rate": "Conversion",
	"time_on_page": "Time on page", "scroll_depth": "Scroll depth",
}

func labels(metrics []string) []string {
	out := make([]string, len(metrics))
	for i, m := range metrics {
		out[i] = metricLabels[m]
	}
	return out
}

func panels() []*panel {
	// A box is a third of the page wide: two figures fit; its details
	// have the rest.
	visit := []string{"visitors", "bounce_rate"}
	visitDetail := []string{"visitors", "visits", "bounce_rate", "visit_duration"}
	share := []string{"visitors", "percentage"}
	shareDetail := []string{"visitors", "percentage", "bounce_rate", "visit_duration"}
	hosts := []string{"visitors", "visits"}
	list := []*panel{
		{ID: "channels", Title: "Channels", Dimension: "visit:channel", Heading: "Channel", Metrics: visit, Detail: visitDetail},
		{ID: "sources", Title: "Sources", Dimension: "visit:source", Heading: "Source", Metrics: visit, Detail: visitDetail},
		{ID: "referrers", Title: "Referrers", Dimension: "visit:referrer", Heading: "Referrer", Metrics: visit, Detail: visitDetail},
		{ID: "campaigns", Title: "Campaigns", Dimension: "visit:utm_campaign", Heading: "Campaign", Metrics: visit, Detail: visitDetail},
		{ID: "pages", Title: "Top pages", Dimension: "event:page", Heading: "Page", Metrics: []string{"visitors", "pageviews"},
			Detail: []string{"visitors", "pageviews", "bounce_rate", "time_on_page", "scroll_depth"}},
		{ID: "entry-pages", Title: "Entry pages", Dimension: "visit:entry_page", Heading: "Page", Metrics: visit, Detail: visitDetail},
		{ID: "exit-pages", Title: "Exit pages", Dimension: "visit:exit_page", Heading: "Page", Metrics: hosts, Detail: hosts},
		{ID: "entry-hostnames", Title: "Entry hostnames", Dimension: "visit:entry_page_hostname", Heading: "Hostname", Metrics: hosts, Detail: visitDetail},
		{ID: "exit-hostnames", Title: "Exit hostnames", Dimension: "visit:exit_page_hostname", Heading: "Hostname", Metrics: hosts, Detail: hosts},
		{ID: "countries", Title: "Countries", Dimension: "visit:country", Heading: "Country", Metrics: share, Detail: shareDetail},
		// Regions and cities by name, which need a city database; a visit
		// it could not place has no name and is left out.
		{ID: "regions", Title: "Regions", Dimension: "visit:region_name", Heading: "Region", Metrics: share, Detail: shareDetail,
			Skip: map[string]bool{"": true}},
		{ID: "cities", Title: "Cities", Dimension: "visit:city_name", Heading: "City", Metrics: share, Detail: shareDetail,
			Skip: map[string]bool{"": true}},
		{ID: "devices", Title: "Devices", Dimension: "visit:device", Heading: "Device", Metrics: share, Detail: shareDetail},
		{ID: "browsers", Title: "Browsers", Dimension: "visit:browser", Heading: "Browser", Metrics: share, Detail: shareDetail},
		{ID: "os", Title: "Operating systems", Dimension: "visit:os", Heading: "Operating system", Metrics: share, Detail: shareDetail},
		{ID: "goals", Title: "Goals", Dimension: "event:goal", Heading: "Goal", Metrics: []string{"visitors", "events", "conversion_rate"}},
		{ID: "events", Title: "Custom events", Dimension: "event:name", Heading: "Event", Metrics: []string{"visitors", "events"},
			Skip: map[string]bool{PageviewName: true}},
		// The breakdown by one custom property; its dimension is set once
		// the property is chosen (choosePropPanel).
		{ID: propsPanel, Title: "Custom properties", Metrics: []string{"visitors", "events", "percentage"}},
	}
	for _, p := range list {
		if p.Detail == nil {
			p.Detail = p.Metrics
		}
		p.Labels, p.DetailLabels = labels(p.Metrics), labels(p.Detail)
		p.Tab = p.Title
	}
	return list
}

// panelByID is the panel of that id, or nil.
func panelByID(id string) *panel {
	for _, p := range panels() {
		if p.ID == id {
			return p
		}
	}
	return nil
}

type box struct {
	ID, Title string
	Panels    []string // the first is shown unless the view picks another
}

// boxes group the panels that answer one question, as tabs of one box:
// the dashboard shows one panel of each, and runs only its query.
var boxes = []box{
	{"sources", "Sources", []string{"channels", "sources", "referrers", "campaigns"}},
	{"pages", "Pages", []string{"pages", "entry-pages", "exit-pages", "entry-hostnames", "exit-hostnames"}},
	{"locations", "Locations", []string{"countries", "regions", "cities"}},
	{"devices", "Devices", []string{"devices", "browsers", "os"}},
	{"conversions", "Goals and events", []string{"goals", "events", propsPanel}},
}

// boxOf is the id of the box a panel is a tab of.
func boxOf(panelID string) string {
	for _, b := range boxes {
		if slices.Contains(b.Panels, panelID) {
			return b.ID
		}
	}
	return ""
}

// panelBox is one box of the dashboard: its tabs and the panel shown.
type panelBox struct {
	ID, Title string
	Tabs      []tabLink
	Panel     *panel
}

type tabLink struct {
	Label, Link string
	Current     bool
}

// propsPanel is the id of the custom properties panel.
const propsPanel = "props"

// maxPropNames bounds the property names the panel offers.
const maxPropNames = 100

// choosePropPanel sets the custom properties panel's dimension: the
// property the view names, or else the one most used in the period. The
// panel's dimension stays empty when there is none to show.
func (d *Dashboard) choosePropPanel(ctx context.Context, s *catalog.Service, v view, r statsquery.DateRange, p *panel) error {
	names, err := d.stats.events.PropNames(ctx, s.ID, r, maxPropNames)
	if err != nil {
		return err
	}
	p.Props, p.Prop = names, v.Prop
	if p.Prop == "" && len(names) > 0 {
		p.Prop = names[0]
	}
	if p.Prop == "" {
		return nil
	}
	if !slices.Contains(names, p.Prop) {
		p.Props = append(p.Props, p.Prop)
	}
	p.Dimension, p.Heading = "event:props:"+p.Prop, p.Prop
	// Only the events that carry the property, as Plausible's panel shows
	// them: the rest would fill the panel with "(none)".
	p.Extra = [][]any{{"is_not", p.Dimension, []string{noneProp}}}
	return nil
}

// figure is one headline number with its change against the period before.
type figure struct {
	Label, Value, Change, Direction string // Direction: "up", "down" or ""
	Good                            bool   // whether the change is good news
	Note                            string // why there is no value
}

type dashboardData struct {
	Service     *catalog.Service
	View        view
	Base        string
	Periods     []periodLink
	CompareLink string
	Filters     []filterChip
	Realtime    int64
	NoEvents    bool // the service has never had an event: say what to do first
	Figures     []figure
	Chart       template.HTML
	ChartRows   []chartRow
	ChartUnit   string
	Annotations []Annotation
	Boxes       []*panelBox
	CanWrite    bool
	Range       string
	Query       string // the view's query string, for the CSV links
	Attribution string // the country data's licence asks for credit
	// GeoAttribution is the city database's credit, when there is one.
	GeoAttribution string
	CityDB         bool
	Funnels        []funnelSummary
	NoteTime       string // the annotation form's values, kept after an error
	NoteLabel      string
}

// panelPart is what a panel's partials take: the page's data and the panel.
type panelPart struct {
	*dashboardData
	Panel *panel
}

// With pairs the page's data with one of its panels, for a partial.
func (d *dashboardData) With(p *panel) panelPart { return panelPart{d, p} }

// funnelSummary is one funnel's result over the dashboard's period.
type funnelSummary struct {
	ID                       int64
	Name                     string
	Steps                    int
	Entered, Completed, Rate string
}

type periodLink struct {
	Label, Link string
	Current     bool
}

type filterChip struct {
	Label, Value, Remove string
}

func (d *Dashboard) service(r *http.Request, write bool) (*catalog.Service, error) {
	s, err := serviceFor(r, d.cat, write)
	if fault.KindOf(err) == fault.NotFound {
		return nil, fault.NotFoundf("service")
	}
	return s, err
}

// run parses and runs one query of the dashboard.
func (d *Dashboard) run(ctx context.Context, s *catalog.Service, body []byte) (*Result, *statsquery.Query, error) {
	start, err := d.stats.Start(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	q, err := statsquery.Parse(body, s.Location(), d.now(), start)
	if err != nil {
		return nil, nil, err
	}
	res, err := d.stats.Run(ctx, s.ID, q)
	return res, q, err
}

// site is the service's first hostname, which the Stats API knows it by.
func site(s *catalog.Service) string {
	if len(s.Domains) > 0 {
		return s.Domains[0]
	}
	return ""
}
