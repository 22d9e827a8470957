package catalog

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// TileFigure is one headline figure on a service's tile on the home page,
// such as "Visitors today: 1,204 (+8% on last week)".
type TileFigure struct {
	Label, Value, Note string
	// Link, when set, is where to look further or act (a figure with no
	// data yet links to the page that says what to do).
	Link string
}

// TileSource gives the figures another area shows on a service's tile. It
// should be quick, and return nil when it has nothing to show.
type TileSource func(ctx context.Context, s *Service) []TileFigure

// ServiceLink is an area's entry on a service's page: a link to
// /services/{slug}/{Path} reading Label, with " {Hidden} {service name}"
// for screen readers ("View analytics for Apply for a permit").
type ServiceLink struct {
	Label, Path, Hidden string
}

// Handler serves the catalog's pages and API.
type Handler struct {
	cat   *Catalog
	site  *web.Site
	pages *web.Pages
	tiles []TileSource
	links []ServiceLink
}

// NewHandler parses the catalog's page templates.
func NewHandler(c *Catalog, site *web.Site) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("catalog pages: %w", err)
	}
	return &Handler{cat: c, site: site, pages: pages}, nil
}

// AddTileSource adds figures to every service tile on the home page, in
// the order sources were added. Call it while wiring the app, before
// serving: the list is not guarded for concurrent change.
func (h *Handler) AddTileSource(src func(ctx context.Context, s *Service) []TileFigure) {
	h.tiles = append(h.tiles, src)
}

// AddServiceLinks adds areas' entries to every service's page, in order.
// Call it while wiring the app, before serving.
func (h *Handler) AddServiceLinks(links ...ServiceLink) {
	h.links = append(h.links, links...)
}

// Routes registers the home page, the service pages and the services API.
func (h *Handler) Routes(rt *web.Router) {
	rt.Page("GET /{$}", h.home)
	rt.Page("GET /services/archived", h.archivedPage)
	rt.Page("GET /services/new", h.newForm)
	rt.Page("POST /services/new", h.create)
	rt.Page("GET /services/{slug}", h.servicePage)
	rt.Page("GET /services/{slug}/edit", h.editForm)
	rt.Page("POST /services/{slug}/edit", h.update)
	rt.Page("POST /services/{slug}/archive", h.archive)
	rt.Page("POST /services/{slug}/restore", h.restore)

	rt.API("GET /api/v1/services", h.apiList)
	rt.API("POST /api/v1/services", h.apiCreate)
	rt.API("GET /api/v1/services/{slug}", h.apiGet)
	rt.API("PATCH /api/v1/services/{slug}", h.apiPatch)
	rt.API("DELETE /api/v1/services/{slug}", h.apiDelete)
}

// readable is the service in the path, or a 404 (see Catalog.Readable).
func (h *Handler) readable(r *http.Request) (*Service, error) { return h.cat.Readable(r) }

// writable is readable, and a 403 when the principal may only read.
func (h *Handler) writable(r *http.Request) (*Service, error) {
	return h.cat.Writable(r, "You can see this service but not change it.")
}

// mayCreate is a 403 for a principal who may not add services.
func mayCreate(r *http.Request) error {
	if !auth.From(r.Context()).CanCreateServices() {
		return fault.Forbiddenf("You cannot add services. Administrators, and editors who can see every service, can add them.")
	}
	return nil
}

// readableList is the services the principal may read.
func (h *Handler) readableList(ctx context.Context, opt ListOptions) ([]*Service, error) {
	all, err := h.cat.List(ctx, opt)
	if err != nil {
		return nil, err
	}
	p := auth.From(ctx)
	out := make([]*Service, 0, len(all))
	for _, s := range all {
		if p.CanRead(s.ID) {
			out = append(out, s)
		}
	}
	return out, nil
}
