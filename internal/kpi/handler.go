package kpi

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Handler serves the KPI pages, the public performance pages and the API.
type Handler struct {
	kpi   *KPI
	site  *web.Site
	pages *web.Pages
	// Public, when set, presents the performance pages in the
	// organisation's and the service's name and in the reader's language
	// (s is nil for the list), returning the page's language.
	Public func(r *http.Request, s *catalog.Service) (*http.Request, string, error)
	// Name, when set, is a service's public name in a language, for the list.
	Name func(ctx context.Context, s *catalog.Service, lang string) (string, error)
}

// present readies a public page of s (nil for the organisation's list),
// and says its language: English without Public.
func (h *Handler) present(r *http.Request, s *catalog.Service) (*http.Request, string, error) {
	if h.Public == nil {
		return r, i18n.English, nil
	}
	return h.Public(r, s)
}

// publicName is s's name on a public page in lang.
func (h *Handler) publicName(ctx context.Context, s *catalog.Service, lang string) (string, error) {
	if h.Name == nil {
		return s.Name, nil
	}
	return h.Name(ctx, s, lang)
}

// NewHandler parses the pages' templates.
func NewHandler(k *KPI, site *web.Site) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("kpi pages: %w", err)
	}
	return &Handler{kpi: k, site: site, pages: pages}, nil
}

// Routes registers the pages, the API and the public pages. The public
// ones are open (no session, no CSRF cookie): they are the same for
// everybody, so shared caches may keep them.
func (h *Handler) Routes(rt *web.Router) {
	rt.Page("GET /services/{slug}/kpis", h.kpiPage)
	rt.Page("GET /services/{slug}/kpis/export.csv", h.exportCSV)
	rt.Page("GET /services/{slug}/kpis/settings", h.settingsPage)
	rt.Page("POST /services/{slug}/kpis/settings", h.saveSettings)
	for _, u := range []upload{transactionsUpload, costsUpload} {
		rt.Page("GET /services/{slug}/kpis/"+u.Path, h.uploadPage(u))
		rt.Page("POST /services/{slug}/kpis/"+u.Path+"/preview", h.previewUpload(u))
		rt.Page("POST /services/{slug}/kpis/"+u.Path, h.saveUpload(u))
		rt.Page("POST /services/{slug}/kpis/"+u.Path+"/delete", h.deletePage(u))
	}

	rt.API("GET /api/v1/services/{slug}/kpis", h.apiKPIs)
	rt.API("GET /api/v1/services/{slug}/kpis/settings", h.apiSettings)
	rt.API("PATCH /api/v1/services/{slug}/kpis/settings", h.apiPatchSettings)
	rt.API("POST /api/v1/services/{slug}/transactions", h.apiUpload(transactionsUpload))
	rt.API("POST /api/v1/services/{slug}/costs", h.apiUpload(costsUpload))
	rt.API("DELETE /api/v1/services/{slug}/transactions", h.apiDelete(false))
	rt.API("DELETE /api/v1/services/{slug}/costs", h.apiDelete(true))

	rt.Open("GET /performance", h.site.Handle(h.publicIndex))
	rt.Open("GET /performance/{file}", h.site.Handle(h.publicService))
}

// readable is the service in the path, or a 404 (see catalog.Readable).
func (h *Handler) readable(r *http.Request) (*catalog.Service, error) { return h.kpi.cat.Readable(r) }

// writable is readable, and a 403 when the principal may only read.
func (h *Handler) writable(r *http.Request) (*catalog.Service, error) {
	return h.kpi.cat.Writable(r, "You can see this service’s KPIs but not change them.")
}

// ingestible returns the service a token may send figures for: one with
// the write or ingest scope. A token that may read it but not send is a
// 403; one that may do neither, a 404.
func (h *Handler) ingestible(r *http.Request) (*catalog.Service, error) {
	s, err := h.kpi.cat.BySlug(r.Context(), r.PathValue("slug"))
	p := auth.From(r.Context())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, fault.NotFoundf("service")
	case err != nil:
		return nil, err
	case p.CanIngest(s.ID):
		return s, nil
	case p.CanRead(s.ID) && (p.Role == auth.Admin || p.Role == auth.Editor):
		return nil, fault.Forbiddenf("This token may read the service’s figures but not send them: use a token with the write or ingest scope.")
	case p.CanRead(s.ID):
		return nil, fault.Forbiddenf("You can see this service’s figures but not send them. Ask an administrator for editor access to the service.")
	}
	return nil, fault.NotFoundf("service")
}

// today is the current date in the service's zone.
func (h *Handler) today(s *catalog.Service) statsquery.Date {
	return dayAt(h.kpi.Now(), s.Location()).date()
}

// periodQuery is a report's period and interval as the query string gives
// them, kept as typed for the page's form.
type periodQuery struct {
	From, To, Interval string
}

// readPeriod reads ?from, ?to (YYYY-MM-DD, both included; both or neither,
// the last 12 whole months when neither) and ?interval (month when absent).
// Its errors are Invalid faults naming the parameter.
func (h *Handler) readPeriod(r *http.Request, s *catalog.Service) (q periodQuery, from, to statsquery.Date, iv Interval, err error) {
	v := r.URL.Query()
	q = periodQuery{From: v.Get("from"), To: v.Get("to"), Interval: v.Get("interval")}
	if q.Interval == "" {
		q.Interval = string(Monthly)
	}
	iv = Interval(q.Interval)
	if !validInterval(q.Interval) {
		return q, from, to, iv, fault.Invalidf("interval", "interval must be day, week, month, quarter or year, not “%s”", clip(q.Interval))
	}
	switch {
	case q.From == "" && q.To == "":
		from, to = DefaultPeriod(h.today(s))
		q.From, q.To = from.String(), to.String()
		return q, from, to, iv, nil
	case q.From == "":
		return q, from, to, iv, fault.Invalidf("from", "from is missing: give from and to as dates such as 2026-01-31")
	case q.To == "":
		return q, from, to, iv, fault.Invalidf("to", "to is missing: give from and to as dates such as 2026-01-31")
	}
	f, ok := parseDay(q.From)
	if !ok {
		return q, from, to, iv, fault.Invalidf("from", "from must be a date such as 2026-01-31, not “%s”", clip(q.From))
	}
	t, ok := parseDay(q.To)
	if !ok {
		return q, from, to, iv, fault.Invalidf("to", "to must be a date such as 2026-01-31, not “%s”", clip(q.To))
	}
	return q, f.date(), t.date(), iv, nil
}

// publicCache is how long browsers and shared caches may keep the public
// pages and open data.
const publicCache = 5 * time.Minute
