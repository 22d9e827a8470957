package goals

import (
	"embed"
	"fmt"
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/statsquery"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Handler serves the goals and funnels pages and API.
type Handler struct {
	goals *Goals
	cat   *catalog.Catalog
	pages *web.Pages
	// Now is the clock that periods are counted from; tests set it.
	Now func() time.Time
}

// NewHandler parses the pages' templates.
func NewHandler(g *Goals, cat *catalog.Catalog, site *web.Site) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("goals pages: %w", err)
	}
	return &Handler{goals: g, cat: cat, pages: pages, Now: time.Now}, nil
}

// Routes registers the pages and the API.
func (h *Handler) Routes(rt *web.Router) {
	rt.Page("GET /services/{slug}/goals", h.indexPage)
	rt.Page("POST /services/{slug}/goals", h.createGoal)
	rt.Page("POST /services/{slug}/goals/{id}/delete", h.deleteGoal)
	rt.Page("GET /services/{slug}/goals/{id}/edit", h.editGoalPage)
	rt.Page("POST /services/{slug}/goals/{id}/edit", h.updateGoal)
	rt.Page("POST /services/{slug}/funnels", h.createFunnel)
	rt.Page("GET /services/{slug}/funnels/{id}", h.funnelPage)
	rt.Page("GET /services/{slug}/funnels/{id}/export.csv", h.funnelCSV)
	rt.Page("GET /services/{slug}/funnels/{id}/edit", h.editFunnelPage)
	rt.Page("POST /services/{slug}/funnels/{id}/edit", h.updateFunnel)
	rt.Page("POST /services/{slug}/funnels/{id}/delete", h.deleteFunnel)

	rt.API("GET /api/v1/services/{slug}/goals", h.apiListGoals)
	rt.API("POST /api/v1/services/{slug}/goals", h.apiCreateGoal)
	rt.API("PATCH /api/v1/services/{slug}/goals/{id}", h.apiUpdateGoal)
	rt.API("DELETE /api/v1/services/{slug}/goals/{id}", h.apiDeleteGoal)
	rt.API("GET /api/v1/services/{slug}/funnels", h.apiListFunnels)
	rt.API("POST /api/v1/services/{slug}/funnels", h.apiCreateFunnel)
	rt.API("GET /api/v1/services/{slug}/funnels/{id}", h.apiFunnelReport)
	rt.API("PATCH /api/v1/services/{slug}/funnels/{id}", h.apiUpdateFunnel)
	rt.API("DELETE /api/v1/services/{slug}/funnels/{id}", h.apiDeleteFunnel)
}

// readable is the service in the path, or a 404 (see catalog.Readable).
func (h *Handler) readable(r *http.Request) (*catalog.Service, error) { return h.cat.Readable(r) }

// writable is readable, and a 403 when the principal may only read.
func (h *Handler) writable(r *http.Request) (*catalog.Service, error) {
	return h.cat.Writable(r, "You can see this service’s goals but not change them.")
}

// writableID is writable, with the {id} of the goal or funnel in the path.
func (h *Handler) writableID(r *http.Request, what string) (*catalog.Service, int64, error) {
	s, err := h.writable(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := web.PathID(r, what)
	return s, id, err
}

// today is the current date in the service's zone.
func (h *Handler) today(s *catalog.Service) statsquery.Date {
	return dateOf(h.Now(), s.Location())
}

// MaxReportDays bounds the period of one funnel report, which reads every
// event of the service in it.
const MaxReportDays = 366
