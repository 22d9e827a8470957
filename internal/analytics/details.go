package analytics

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/web"
)

// detailRows is how many rows a page of a panel's details shows.
const detailRows = 100

// detailsData is a panel's details page: every row, more metrics, a
// search and an order of one's choosing.
type detailsData struct {
	dashboardData
	Panel        *panel
	Box          string // the title of the box the panel is a tab of
	Search       string
	Columns      []detailColumn
	PageNo       int
	Prev, Next   string
	Back, Export string
	FirstRow     int
}

// detailColumn is a column heading that sorts the table by its metric.
type detailColumn struct {
	Label, Link string
	Sort        string // "ascending", "descending" or "" as aria-sort says it
	Next        string // the order a click gives, in words
}

func (d *Dashboard) details(w http.ResponseWriter, r *http.Request) error {
	s, err := d.service(r, false)
	if err != nil {
		return err
	}
	p := panelByID(r.PathValue("panel"))
	if p == nil {
		return web.NotFound("panel")
	}
	q := r.URL.Query()
	v := parseView(q)
	base := "/services/" + s.Slug + "/analytics"
	data := &detailsData{dashboardData: dashboardData{Service: s, View: v, Base: base}, Panel: p,
		Search: strings.TrimSpace(q.Get("q")), PageNo: 1}
	for _, b := range boxes {
		if b.ID == boxOf(p.ID) {
			data.Box = b.Title
		}
	}
	if raw := q.Get("page"); raw != "" {
		if data.PageNo, err = strconv.Atoi(raw); err != nil || data.PageNo < 1 || data.PageNo > statsquery.MaxLimit/detailRows {
			return web.BadRequest("page", "The address’s page= must be a page number from 1 to %d, such as page=2", statsquery.MaxLimit/detailRows)
		}
	}
	order, dir := q.Get("order"), q.Get("dir")
	if order == "" {
		order = p.Detail[0]
	}
	if !slices.Contains(p.Detail, order) {
		return web.BadRequest("order", "The address’s order= must be one of the table’s columns: %s", strings.Join(p.Detail, ", "))
	}
	if dir == "" {
		dir = "desc"
	}
	if dir != "asc" && dir != "desc" {
		return web.BadRequest("dir", "The address’s dir= must be asc (smallest first) or desc (largest first)")
	}

	// The address of this page with some of its choices changed.
	self := func(order, dir string, page int) string {
		var extra []string
		if data.Search != "" {
			extra = append(extra, "q", data.Search)
		}
		if order != p.Detail[0] || dir != "desc" {
			extra = append(extra, "order", order, "dir", dir)
		}
		if page > 1 {
			extra = append(extra, "page", strconv.Itoa(page))
		}
		return withQuery(v.link(base+"/details/"+p.ID, nil), extra...)
	}
	for _, m := range p.Detail {
		c := detailColumn{Label: metricLabels[m], Next: "largest first", Link: self(m, "desc", 1)}
		if m == order {
			c.Sort = map[string]string{"asc": "ascending", "desc": "descending"}[dir]
			if dir == "desc" {
				c.Next, c.Link = "smallest first", self(m, "asc", 1)
			}
		}
		data.Columns = append(data.Columns, c)
	}

	ctx := r.Context()
	dr, err := d.period(ctx, s, v)
	var qe *statsquery.Error
	if errors.As(err, &qe) {
		return web.BadRequest("period", "%s", qe.Message)
	}
	if err != nil {
		return err
	}
	data.Range = dayText(dr.FirstDay) + " to " + dayText(dr.LastDay)
	data.filterChips()
	more, err := d.fillPanel(ctx, s, v, dr, base, p, rowsQuery{metrics: p.Detail, limit: detailRows,
		offset: (data.PageNo - 1) * detailRows, orderBy: [][]string{{order, dir}}, search: data.Search})
	if errors.As(err, &qe) {
		p.Unavailable = qe.Message
	} else if err != nil {
		return err
	}
	data.FirstRow = (data.PageNo-1)*detailRows + 1
	if data.PageNo > 1 {
		data.Prev = self(order, dir, data.PageNo-1)
	}
	if more {
		data.Next = self(order, dir, data.PageNo+1)
	}
	data.Query = v.link("", nil)
	data.Back = v.withTab(p.ID).link(base, nil) + "#box-" + boxOf(p.ID)
	data.Export = base + "/export/" + p.ID + ".csv" + v.link("", nil)
	if data.Search != "" {
		data.Export = withQuery(data.Export, "q", data.Search)
	}
	return d.pages.Render(w, r, http.StatusOK, "analytics/details", data, nil)
}

// withQuery adds keys and values to a link's query.
func withQuery(link string, kv ...string) string {
	path, raw, _ := strings.Cut(link, "?")
	q, _ := url.ParseQuery(raw) // made by view.link: well formed
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
