package kpi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// setPublicCache lets browsers and shared caches keep a public answer for
// publicCache, and other sites read the open data.
func setPublicCache(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(publicCache.Seconds())))
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// publicService answers /performance/{slug}, {slug}.json and {slug}.csv
// for a public service that is not archived, and 404 for any other: the
// KPIs over the last 12 whole months, by month.
func (h *Handler) publicService(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	slug, ext, dot := strings.Cut(file, ".")
	switch {
	case !dot, ext == "json", ext == "csv":
	default:
		return web.NotFound("page")
	}
	s, err := h.kpi.cat.BySlug(r.Context(), slug)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!s.Public || s.Archived()) {
		return web.NotFound("page")
	}
	if err != nil {
		return err
	}
	from, to := DefaultPeriod(h.today(s))
	rep, err := h.kpi.Report(r.Context(), s, from, to, Monthly)
	if err != nil {
		return err
	}
	setPublicCache(w)
	switch ext {
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		out := rep.toJSON()
		// Notes are for the team ("choose the main funnel…", "13 answers
		// in the last 7 days"): open data says where figures come from and
		// how old they are, not what to do about them.
		for i := range out.Inputs.Freshness {
			out.Inputs.Freshness[i].Note = nil
		}
		if err := enc.Encode(out); err != nil {
			slog.Debug("write open data", "err", err)
		}
		return nil
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-performance-%s-%s.csv"`, s.Slug, rep.From(), rep.To()))
		return rep.writeCSV(w)
	}
	r, lang, err := h.present(r, s)
	if err != nil {
		return err
	}
	d := publicPageData{Service: s, View: newReportView(rep, audience{lang: lang}), LastUpdated: rep.lastUpdatedText(lang), LangQuery: langQuery(r), Name: s.Name}
	if p := web.PublicFrom(r.Context()); p != nil && p.ServiceName != "" {
		d.Name = p.ServiceName
	}
	return h.pages.Render(w, r, http.StatusOK, "kpi/performance", d, nil)
}

type publicPageData struct {
	Name        string // the service's public name, in the page's language
	Service     *catalog.Service
	View        *reportView
	LastUpdated string
	LangQuery   string // see publicIndexData
}

// publicColumn is one sortable column of the list of public services.
type publicColumn struct {
	Key, Label, Link string
	Sort             string // ascending, descending or "" for aria-sort
	Next             string // "(sort ascending)": what the link does, for screen readers
}

// publicRow is one service in the list.
type publicRow struct {
	Service  *catalog.Service
	Name     string // its public name in the page's language
	Cells    []string
	values   []Measure
	currency string
}

type publicIndexData struct {
	Columns  []publicColumn
	Rows     []publicRow
	From, To string // the period, written for the page
	// LangQuery keeps the language the reader chose on the links to the
	// other public pages: "?lang=cy", or "" when the page is in its default.
	LangQuery string

	au audience
}

// T translates msg into the page's language, for the templates.
func (d *publicIndexData) T(msg string, args ...any) string { return d.au.t(msg, args...) }

// langQuery is r's ?lang= when it names a language, for links that keep it.
func langQuery(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return "?lang=" + l
	}
	return ""
}

// sortKeys are the columns the list sorts by, as ?sort names them.
var sortKeys = append([]string{"name"}, string(CompletionRate), string(DigitalTakeUp), string(UserSatisfaction), string(CostPerTransaction))

// publicIndex answers GET /performance: every public service that is not
// archived, with its four KPIs over the last 12 whole months, sorted by
// ?sort (name or a KPI) in ?order (asc or desc), services without a
// figure last. The column headings are the links that sort.
func (h *Handler) publicIndex(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	key, order := cmp.Or(q.Get("sort"), "name"), cmp.Or(q.Get("order"), "asc")
	col := slices.Index(sortKeys, key)
	if col < 0 {
		return web.BadRequest("sort", "The list cannot be sorted by “%s”: choose a column heading", clip(key))
	}
	if order != "asc" && order != "desc" {
		return web.BadRequest("order", "The order must be asc or desc, not “%s”", clip(order))
	}
	list, err := h.kpi.cat.List(r.Context(), catalog.ListOptions{})
	if err != nil {
		return err
	}
	r, lang, err := h.present(r, nil)
	if err != nil {
		return err
	}
	au := audience{lang: lang}
	d := &publicIndexData{LangQuery: langQuery(r), au: au}
	for _, s := range list {
		if !s.Public {
			continue
		}
		from, to := DefaultPeriod(h.today(s))
		// By year: the list needs only the totals, and the fewest points.
		rep, err := h.kpi.Report(r.Context(), s, from, to, Yearly)
		if err != nil {
			return err
		}
		d.From, d.To = au.date(rep.period.First), au.date(rep.period.Last)
		row := publicRow{Service: s, currency: rep.Settings.Currency}
		if row.Name, err = h.publicName(r.Context(), s, lang); err != nil {
			return err
		}
		for _, n := range Headline {
			m := rep.KPIs.Get(n)
			row.values = append(row.values, m)
			cell := au.t("No figure")
			if m.Known {
				cell = formatMeasure(n, m.Value, rep.Settings.Currency)
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Rows = append(d.Rows, row)
	}
	slices.SortStableFunc(d.Rows, func(a, b publicRow) int {
		if col == 0 {
			c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
			if order == "desc" {
				c = -c
			}
			return c
		}
		va, vb := a.values[col-1], b.values[col-1]
		if Headline[col-1] == CostPerTransaction && a.currency != b.currency && va.Known && vb.Known {
			// Pounds and yen do not compare: each currency's services
			// together, in the order asked for within it.
			return cmp.Compare(a.currency, b.currency)
		}
		switch {
		case va.Known != vb.Known: // no figure last, whichever the order
			if va.Known {
				return -1
			}
			return 1
		case !va.Known || va.Value == vb.Value:
			return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case order == "desc":
			return cmp.Compare(vb.Value, va.Value)
		}
		return cmp.Compare(va.Value, vb.Value)
	})
	labels := append([]string{"Service"}, Headline[0].Label(), Headline[1].Label(), Headline[2].Label(), Headline[3].Label())
	for i, k := range sortKeys {
		c := publicColumn{Key: k, Label: au.t(labels[i]), Next: au.t("(sort ascending)")}
		next := "asc"
		if k == key {
			c.Sort = map[string]string{"asc": "ascending", "desc": "descending"}[order]
			if order == "asc" {
				next, c.Next = "desc", au.t("(sort descending)")
			}
		}
		q := url.Values{"sort": {k}, "order": {next}}
		if d.LangQuery != "" {
			q.Set("lang", lang)
		}
		c.Link = "/performance?" + q.Encode()
		d.Columns = append(d.Columns, c)
	}
	setPublicCache(w)
	return h.pages.Render(w, r, http.StatusOK, "kpi/performance-index", d, nil)
}
