package analytics

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/enrich"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/web"
)

var headline = []struct {
	metric, label string
	higherIsGood  bool
}{
	{"visitors", "Unique visitors", true}, {"visits", "Visits", true}, {"pageviews", "Page views", true},
	{"views_per_visit", "Views per visit", true}, {"bounce_rate", "Bounce rate", false}, {"visit_duration", "Visit duration", true},
}

func (d *Dashboard) dashboard(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := parseView(r.URL.Query())
	data := &dashboardData{Service: s, View: v, Base: "/services/" + s.Slug + "/analytics",
		CanWrite: auth.From(ctx).CanWrite(s.ID)}
	err = d.fill(ctx, s, data)
	var qe *statsquery.Error
	if errors.As(err, &qe) && v.Period == "custom" {
		// Dates the query refused: show the last 30 days, with the
		// problem at the top and beside the date fields.
		data = &dashboardData{Service: s, View: view{Period: "30d", From: v.From, To: v.To, Filters: v.Filters},
			Base: data.Base, CanWrite: data.CanWrite}
		if err := d.fill(ctx, s, data); err != nil {
			return err
		}
		return d.pages.Render(w, r, http.StatusBadRequest, "analytics/dashboard", data,
			web.FormErrors{{Field: "from", Message: "Enter a period the dashboard can show: " + qe.Message}})
	}
	if errors.As(err, &qe) {
		return web.BadRequest("period", "%s", qe.Message)
	}
	if err != nil {
		return err
	}
	return d.pages.Render(w, r, http.StatusOK, "analytics/dashboard", data, nil)
}

func (d *Dashboard) fill(ctx context.Context, s *catalog.Service, data *dashboardData) error {
	v := data.View
	for _, p := range periods {
		p := p
		data.Periods = append(data.Periods, periodLink{Label: p.Label, Current: v.Period == p.Value,
			Link: v.link(data.Base, func(c *view) { c.Period, c.From, c.To = p.Value, "", "" })})
	}
	data.CompareLink = v.link(data.Base, func(c *view) { c.Compare = !c.Compare })
	data.Query = v.link("", nil)
	data.Attribution, data.GeoAttribution, data.CityDB = enrich.IPLocAttribution, d.GeoAttribution, d.CityDB
	data.filterChips()
	var err error
	if data.Realtime, err = d.realtime(ctx, s.ID); err != nil {
		return err
	}
	has, err := d.stats.events.HasEvents(ctx, s.ID)
	if err != nil {
		return err
	}
	data.NoEvents = !has

	// Plausible's rules allow no views per visit under a page filter.
	pageFilter := false
	for _, f := range v.Filters {
		pageFilter = pageFilter || f.Dimension == "event:page"
	}
	var shown []int
	var metrics []string
	for i, h := range headline {
		if !(pageFilter && h.metric == "views_per_visit") {
			shown = append(shown, i)
			metrics = append(metrics, h.metric)
		}
	}
	cur, q, err := d.run(ctx, s, v.body(site(s), v.dateRange(), metrics, nil))
	if err != nil {
		return err
	}
	r := q.DateRange
	data.Range = dayText(r.FirstDay) + " to " + dayText(r.LastDay)
	var prev *Result
	if v.Compare {
		if prev, _, err = d.run(ctx, s, v.body(site(s), previous(r.From, r.To, r.Location), metrics, nil)); err != nil {
			return err
		}
	}
	for i, hi := range shown {
		h := headline[hi]
		f := figure{Label: h.label, Value: formatMetric(h.metric, cur.Results[0].Metrics[i])}
		if prev != nil {
			f.Change, f.Direction, f.Good = change(cur.Results[0].Metrics[i], prev.Results[0].Metrics[i], h.higherIsGood)
		}
		data.Figures = append(data.Figures, f)
	}
	// A figure a filter leaves without meaning keeps its place, saying
	// why, so that the row of figures does not jump when a row is clicked.
	for hi, h := range headline {
		if !slices.Contains(shown, hi) {
			data.Figures = slices.Insert(data.Figures, hi, figure{Label: h.label, Value: "–", Note: "not for one page"})
		}
	}

	// The chart, funnels and panels are independent queries: they run side
	// by side, one per core. (All at once would share more of the days
	// read, but each would hold a day in memory: at ten million events that
	// took the server past 1.8 GB.)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	g.Go(func() error { return d.chart(gctx, s, data, r) })
	g.Go(func() error { return d.funnels(gctx, s, data, r) })
	for _, b := range boxes {
		box := &panelBox{ID: b.ID, Title: b.Title, Panel: panelByID(v.tab(b.ID))}
		for _, id := range b.Panels {
			box.Tabs = append(box.Tabs, tabLink{Label: panelByID(id).Tab, Current: id == box.Panel.ID,
				Link: v.withTab(id).link(data.Base, nil) + "#box-" + b.ID})
		}
		data.Boxes = append(data.Boxes, box)
		p := box.Panel
		g.Go(func() error {
			_, err := d.fillPanel(gctx, s, v, r, data.Base, p, rowsQuery{metrics: p.Metrics, limit: panelRows})
			var qe *statsquery.Error
			if errors.As(err, &qe) {
				// This breakdown cannot be combined with the filters chosen.
				p.Unavailable = qe.Message
				return nil
			}
			return err
		})
	}
	return g.Wait()
}

// filterChips lists the view's filters, each with a link that removes it.
func (data *dashboardData) filterChips() {
	v := data.View
	for i, f := range v.Filters {
		data.Filters = append(data.Filters, filterChip{Label: filterLabel(f.Dimension), Value: f.Value,
			Remove: v.link(data.Base, func(c *view) { c.Filters = append(c.Filters[:i:i], c.Filters[i+1:]...) })})
	}
}

// panelRows is how many rows a box shows: its details page has the rest.
const panelRows = 10

// rowsQuery is which rows of a panel to fill, with which metrics.
type rowsQuery struct {
	metrics       []string
	limit, offset int        // 0: every row
	orderBy       [][]string // the Stats API's order_by; nil: the most visitors first
	search        string     // only the values that contain it
}

// fillPanel fills a panel's rows; it says whether there are more rows past
// the limit. The custom properties panel first chooses its property.
func (d *Dashboard) fillPanel(ctx context.Context, s *catalog.Service, v view, r statsquery.DateRange, base string, p *panel, rq rowsQuery) (more bool, err error) {
	if p.ID == propsPanel && p.Dimension == "" {
		if err := d.choosePropPanel(ctx, s, v, r, p); err != nil || p.Dimension == "" {
			return false, err
		}
	}
	extra := p.Extra
	if rq.search != "" {
		extra = append(slices.Clip(extra), []any{"contains", p.Dimension, []string{rq.search}})
	}
	q := v.query(site(s), v.dateRange(), rq.metrics, []string{p.Dimension}, extra...)
	if rq.orderBy != nil {
		q["order_by"] = rq.orderBy
	}
	if rq.limit > 0 {
		// One more than shown says whether there are more; the values the
		// panel skips are fetched too, so that it still fills.
		q["pagination"] = map[string]int{"limit": rq.limit + 1 + len(p.Skip), "offset": rq.offset}
	}
	body, err := json.Marshal(q)
	if err != nil {
		return false, err
	}
	res, _, err := d.run(ctx, s, body)
	if err != nil {
		return false, err
	}
	var top float64
	for _, row := range res.Results {
		label := fmt.Sprint(row.Dimensions[0])
		if p.Skip[label] {
			continue
		}
		if rq.limit > 0 && len(p.Rows) == rq.limit {
			more = true
			break
		}
		pr := panelRow{Label: label, Link: v.link(base, func(c *view) {
			c.Filters = append(c.Filters, viewFilter{p.Dimension, label})
		})}
		if p.Dimension == "visit:country" {
			pr.Display, pr.Flag = countryName(label), countryFlag(label)
		}
		for i, m := range rq.metrics {
			pr.Values = append(pr.Values, formatMetric(m, row.Metrics[i]))
		}
		pr.first = toFloat(row.Metrics[0])
		top = math.Max(top, pr.first)
		p.Rows = append(p.Rows, pr)
	}
	for i := range p.Rows {
		if top > 0 {
			p.Rows[i].Bar = int(math.Round(p.Rows[i].first/top*10)) * 10
		}
	}
	return more, nil
}

// realtime counts the visitors of the last five minutes: those whose visit
// had an event since.
func (d *Dashboard) realtime(ctx context.Context, serviceID int64) (int64, error) {
	return d.stats.events.RecentVisitors(ctx, serviceID, d.now().Add(-5*time.Minute))
}

func (d *Dashboard) realtimeJSON(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	n, err := d.realtime(r.Context(), s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]int64{"visitors": n})
	return nil
}

// exportCSV writes one panel, every row of it, as CSV.
func (d *Dashboard) exportCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	name, _ := strings.CutSuffix(r.PathValue("panel"), ".csv")
	if name == "chart" || name == "figures" {
		return d.exportOverview(w, r, s, name)
	}
	p := panelByID(name)
	if p == nil {
		return web.NotFound("panel")
	}
	v := parseView(r.URL.Query())
	err = d.exportPanel(r.Context(), s, v, p, strings.TrimSpace(r.URL.Query().Get("q")))
	var qe *statsquery.Error
	if errors.As(err, &qe) {
		return web.BadRequest("period", "%s", qe.Message)
	}
	if err != nil {
		return err
	}
	web.CSVDownload(w, s.Slug+"-"+p.ID+".csv")
	cw := csv.NewWriter(w)
	cw.Write(append([]string{p.Heading}, p.DetailLabels...))
	for _, row := range p.Rows {
		cw.Write(append([]string{web.CSVCell(row.Label)}, row.Values...))
	}
	cw.Flush()
	return cw.Error()
}

// exportPanel fills every row of a panel, with its details' metrics, for
// its CSV: those whose value contains search, when it is not "".
func (d *Dashboard) exportPanel(ctx context.Context, s *catalog.Service, v view, p *panel, search string) error {
	r, err := d.period(ctx, s, v)
	if err != nil {
		return err
	}
	if _, err := d.fillPanel(ctx, s, v, r, "", p, rowsQuery{metrics: p.Detail, search: search}); err != nil {
		return err
	}
	if p.Dimension == "" {
		p.Heading = "Property"
	}
	return nil
}

// period is the view's period, resolved as the dashboard resolves it.
func (d *Dashboard) period(ctx context.Context, s *catalog.Service, v view) (statsquery.DateRange, error) {
	_, q, err := d.run(ctx, s, v.body(site(s), v.dateRange(), []string{"visitors"}, nil))
	if err != nil {
		return statsquery.DateRange{}, err
	}
	return q.DateRange, nil
}

func (d *Dashboard) addAnnotation(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, true)
	if err != nil {
		return err
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("time"), s.Location())
	if err != nil {
		at = time.Time{}
	}
	if _, err := d.annotations.Add(r.Context(), s.ID, at, r.PostFormValue("label")); err != nil {
		e, ok := web.AsError(err)
		if !ok {
			return err
		}
		// Show the dashboard again, with the form's problem at the top.
		data := &dashboardData{Service: s, View: parseView(nil), Base: "/services/" + s.Slug + "/analytics", CanWrite: true,
			NoteTime: r.PostFormValue("time"), NoteLabel: r.PostFormValue("label")}
		if err := d.fill(r.Context(), s, data); err != nil {
			return err
		}
		return d.pages.Render(w, r, e.Status, "analytics/dashboard", data, web.FormErrors{{Field: "note-" + e.Field, Message: e.Message}})
	}
	web.SetFlash(w, r, "The note is added to the chart.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/analytics")
}

// dayText writes a day as every page of liveops does: 2 Jan 2026.
func dayText(d statsquery.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format("2 Jan 2006")
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// formatMetric writes a metric as people read it.
func formatMetric(metric string, v any) string {
	f := toFloat(v)
	switch metric {
	case "bounce_rate", "percentage", "conversion_rate":
		// One decimal, as everywhere in liveops: "34.3%", "40%".
		return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0") + "%"
	case "scroll_depth":
		return strconv.FormatInt(int64(math.Round(f)), 10) + "%"
	case "visit_duration", "time_on_page":
		sec := int64(math.Round(f))
		if sec >= 60 {
			return fmt.Sprintf("%dm %02ds", sec/60, sec%60)
		}
		return fmt.Sprintf("%ds", sec)
	case "views_per_visit":
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
	return groupThousands(int64(f))
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// change describes the move from prev to cur.
func change(cur, prev any, higherIsGood bool) (string, string, bool) {
	c, p := toFloat(cur), toFloat(prev)
	if p == 0 {
		if c == 0 {
			return "no change", "", true
		}
		return "new", "up", higherIsGood
	}
	pct := math.Round((c - p) / p * 100)
	switch {
	case pct > 0:
		return fmt.Sprintf("up %v%%", pct), "up", higherIsGood
	case pct < 0:
		return fmt.Sprintf("down %v%%", -pct), "down", !higherIsGood
	}
	return "no change", "", true
}

// funnels sums up the service's funnels over the period; each links to its
// full report.
func (d *Dashboard) funnels(ctx context.Context, s *catalog.Service, data *dashboardData, r statsquery.DateRange) error {
	if d.stats.goals == nil {
		return nil
	}
	list, err := d.stats.goals.FunnelTotals(ctx, s.ID, r.From, r.To)
	if err != nil {
		return err
	}
	for _, f := range list {
		data.Funnels = append(data.Funnels, funnelSummary{ID: f.ID, Name: f.Name, Steps: f.Steps,
			Entered: groupThousands(int64(f.Entered)), Completed: groupThousands(int64(f.Completed)),
			Rate: formatMetric("conversion_rate", f.ConversionRate)})
	}
	return nil
}

// exportOverview writes the chart's table or the headline figures as CSV.
func (d *Dashboard) exportOverview(w http.ResponseWriter, r *http.Request, s *catalog.Service, name string) error {
	data := &dashboardData{Service: s, View: parseView(r.URL.Query()), Base: "/services/" + s.Slug + "/analytics"}
	if err := d.fill(r.Context(), s, data); err != nil {
		var qe *statsquery.Error
		if errors.As(err, &qe) {
			return web.BadRequest("period", "%s", qe.Message)
		}
		return err
	}
	web.CSVDownload(w, s.Slug+"-"+name+".csv")
	cw := csv.NewWriter(w)
	if name == "chart" {
		cw.Write([]string{data.ChartUnit, "Visitors", "Page views", "Notes"})
		for _, row := range data.ChartRows {
			cw.Write([]string{row.Label, strings.ReplaceAll(row.Visitors, ",", ""), strings.ReplaceAll(row.Pageviews, ",", ""),
				web.CSVCell(strings.Join(row.Notes, "; "))})
		}
	} else {
		cw.Write([]string{"Measure", "Value", "Change"})
		for _, f := range data.Figures {
			if f.Note == "" { // a figure with no value is not data
				cw.Write([]string{f.Label, f.Value, f.Change})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
