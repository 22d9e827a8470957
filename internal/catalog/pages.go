package catalog

import (
	"net/http"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

// tile is one service on the home page, with the figures other areas add.
type tile struct {
	*Service
	Figures []TileFigure
}

type homeData struct {
	Tiles     []tile
	CanCreate bool
	Archived  int // readable archived services, for the link to them
}

// home lists the services the principal may read as tiles.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	list, err := h.readableList(r.Context(), ListOptions{IncludeArchived: true})
	if err != nil {
		return err
	}
	d := homeData{CanCreate: auth.From(r.Context()).CanCreateServices()}
	for _, s := range list {
		if s.Archived() {
			d.Archived++
			continue
		}
		t := tile{Service: s}
		for _, src := range h.tiles {
			t.Figures = append(t.Figures, src(r.Context(), s)...)
		}
		d.Tiles = append(d.Tiles, t)
	}
	return h.pages.Render(w, r, http.StatusOK, "catalog/home", d, nil)
}

type archivedData struct {
	Services []*Service
	Writable map[int64]bool // the services the principal may restore
}

// archivedPage lists the archived services the principal may read.
func (h *Handler) archivedPage(w http.ResponseWriter, r *http.Request) error {
	list, err := h.readableList(r.Context(), ListOptions{IncludeArchived: true})
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	d := archivedData{Writable: map[int64]bool{}}
	for _, s := range list {
		if s.Archived() {
			d.Services = append(d.Services, s)
			d.Writable[s.ID] = p.CanWrite(s.ID)
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "catalog/archived", d, nil)
}

type serviceData struct {
	*Service
	CanWrite bool
	Links    []ServiceLink
	Figures  []TileFigure // the areas' headline figures, as on the home page's tile
}

// servicePage is a service's overview.
func (h *Handler) servicePage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	d := serviceData{Service: s, CanWrite: auth.From(r.Context()).CanWrite(s.ID), Links: h.links}
	if !s.Archived() {
		for _, src := range h.tiles {
			d.Figures = append(d.Figures, src(r.Context(), s)...)
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "catalog/service", d, nil)
}

// archive archives a service from its page.
func (h *Handler) archive(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	if err := h.cat.Archive(r.Context(), s.Slug); err != nil {
		return err
	}
	web.SetFlash(w, r, s.Name+" is archived. Its data is kept, and you can restore it at any time.")
	return web.Redirect(w, r, "/services/"+s.Slug)
}

// restore brings an archived service back.
func (h *Handler) restore(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	if err := h.cat.Restore(r.Context(), s.Slug); err != nil {
		return err
	}
	web.SetFlash(w, r, s.Name+" is restored.")
	return web.Redirect(w, r, "/services/"+s.Slug)
}
