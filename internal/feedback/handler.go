package feedback

import (
	"context"
	"embed"
	"fmt"
	"github.com/liveops/liveops/internal/i18n"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Options are the hooks the app gives the handler.
type Options struct {
	// VisitorKey returns the analytics visitor hash of whoever sent r to
	// the service (daily-rotating and salted: no address is kept), which
	// the per-visitor rate limit and the duplicate check key on. Nil turns
	// both off.
	VisitorKey func(ctx context.Context, service *catalog.Service, r *http.Request) (int64, error)
	// Snippets lists the HTML a service pastes into its pages to collect
	// feedback, shown on its feedback settings page; base is liveops's own
	// address as the browser reached it, such as https://liveops.example.gov.
	// style is one of SnippetStyles. Nil shows DefaultSnippets.
	Snippets func(base string, s *catalog.Service, style string) []Snippet
	// Public, when set, presents the public pages (survey, thank-you
	// pages) in the organisation's and the service's name (s may be nil)
	// and picks their language (brand.Brand.Public). Nil: plain English.
	Public func(r *http.Request, s *catalog.Service) (*http.Request, string, error)
}

// present readies a public page of s: the request to render it with, and
// its language.
func (h *Handler) present(r *http.Request, s *catalog.Service) (*http.Request, string, error) {
	if h.opt.Public == nil {
		return r, i18n.English, nil
	}
	return h.opt.Public(r, s)
}

// Handler serves the feedback area: the public endpoints and survey, the
// inbox, summaries and settings pages, and the API.
type Handler struct {
	fb    *Feedback
	cat   *catalog.Catalog
	site  *web.Site
	pages *web.Pages
	opt   Options
	// networks judges public submissions by where they came from.
	networks *networkLimits
	// Now is the clock that default periods are counted from; tests set it.
	Now func() time.Time
}

// NewHandler parses the area's templates.
func NewHandler(fb *Feedback, cat *catalog.Catalog, site *web.Site, opt Options) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("feedback pages: %w", err)
	}
	if opt.Snippets == nil {
		opt.Snippets = DefaultSnippets
	}
	return &Handler{fb: fb, cat: cat, site: site, pages: pages, opt: opt, networks: newNetworkLimits(), Now: time.Now}, nil
}

// Routes registers the public endpoints (no sign-in, no cookies), the
// pages and the API.
func (h *Handler) Routes(rt *web.Router) {
	rt.Open("POST /api/feedback", h.site.Handle(h.publicJSON))
	rt.Open("OPTIONS /api/feedback", http.HandlerFunc(h.preflight))
	rt.Open("POST /feedback", h.site.Handle(h.publicForm))
	rt.Open("GET /feedback/thanks", h.site.Handle(h.thanksPage))
	rt.Open("GET /survey/{slug}", h.site.Handle(h.surveyPage))
	rt.Open("POST /survey/{slug}", h.site.Handle(h.surveySubmit))
	rt.Open("GET /survey/{slug}/thanks", h.site.Handle(h.surveyThanks))

	rt.Page("GET /feedback/inbox", h.allInbox)
	rt.Page("GET /feedback/inbox/export.csv", h.allCSV)
	rt.Page("POST /feedback/inbox/bulk", h.allBulk)
	rt.Page("GET /services/{slug}/feedback", h.inbox)
	rt.Page("GET /services/{slug}/feedback/export.csv", h.inboxCSV)
	rt.Page("POST /services/{slug}/feedback/bulk", h.bulk)
	rt.Page("GET /services/{slug}/feedback/{id}", h.itemPage)
	rt.Page("POST /services/{slug}/feedback/{id}", h.updateItem)
	rt.Page("POST /services/{slug}/feedback/{id}/count", h.countItem)
	rt.Page("GET /services/{slug}/feedback/new", h.newPage)
	rt.Page("POST /services/{slug}/feedback", h.create)
	rt.Page("GET /services/{slug}/feedback/summary", h.summaryPage)
	rt.Page("GET /services/{slug}/feedback/settings", h.settingsPage)
	rt.Page("POST /services/{slug}/feedback/settings/rules", h.addRule)
	rt.Page("POST /services/{slug}/feedback/settings/retention", h.saveRetention)
	rt.Page("POST /services/{slug}/feedback/settings/rules/{id}/delete", h.deleteRule)

	rt.API("GET /api/v1/services/{slug}/feedback", h.apiList)
	rt.API("POST /api/v1/services/{slug}/feedback", h.apiCreate)
	rt.API("GET /api/v1/feedback/{id}", h.apiGet)
	rt.API("PATCH /api/v1/feedback/{id}", h.apiPatch)
	rt.API("GET /api/v1/services/{slug}/feedback/rules", h.apiRules)
	rt.API("POST /api/v1/services/{slug}/feedback/rules", h.apiAddRule)
	rt.API("DELETE /api/v1/services/{slug}/feedback/rules/{id}", h.apiDeleteRule)
}

// readable is the service in the path, or a 404 (see catalog.Readable).
func (h *Handler) readable(r *http.Request) (*catalog.Service, error) { return h.cat.Readable(r) }

// writable is readable, and a 403 when the principal may only read.
func (h *Handler) writable(r *http.Request) (*catalog.Service, error) {
	return h.cat.Writable(r, "You can see this service’s feedback but not change it.")
}

// readableServices lists the services the principal may read, archived
// ones included (their feedback stays readable), by id.
func (h *Handler) readableServices(r *http.Request) ([]*catalog.Service, map[int64]*catalog.Service, error) {
	all, err := h.cat.List(r.Context(), catalog.ListOptions{IncludeArchived: true})
	if err != nil {
		return nil, nil, err
	}
	p := auth.From(r.Context())
	var list []*catalog.Service
	byID := map[int64]*catalog.Service{}
	for _, s := range all {
		if p.CanRead(s.ID) {
			list = append(list, s)
			byID[s.ID] = s
		}
	}
	return list, byID, nil
}
