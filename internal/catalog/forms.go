package catalog

import (
	"errors"
	"net/http"
	"strings"

	"github.com/liveops/liveops/internal/web"
)

// form is the add or edit form as the user filled it in, kept as typed so
// that a form with errors comes back with the user's own values.
type form struct {
	Service     *Service // the service being edited; nil when adding one
	Name        string
	Slug        string
	Domains     string // one hostname per line
	Description string
	Owner       string
	Timezone    string
	Phase       Phase
	Public      bool
}

func formFor(s *Service) form {
	return form{
		Service: s, Name: s.Name, Slug: s.Slug, Domains: strings.Join(s.Domains, "\n"),
		Description: s.Description, Owner: s.Owner, Timezone: s.Timezone, Phase: s.Phase, Public: s.Public,
	}
}

func readForm(r *http.Request) form {
	return form{
		Name:        r.PostFormValue("name"),
		Slug:        r.PostFormValue("slug"),
		Domains:     r.PostFormValue("domains"),
		Description: r.PostFormValue("description"),
		Owner:       r.PostFormValue("owner"),
		Timezone:    r.PostFormValue("timezone"),
		Phase:       Phase(r.PostFormValue("phase")),
		Public:      r.PostFormValue("public") == "yes",
	}
}

// domains splits the textarea into hostnames: one a line, and commas
// too, since a pasted list often has them and no hostname does.
func (f form) domains() []string {
	return strings.FieldsFunc(f.Domains, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' })
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request) error {
	if err := mayCreate(r); err != nil {
		return err
	}
	f := form{Timezone: "UTC", Phase: PhaseLive}
	return h.pages.Render(w, r, http.StatusOK, "catalog/new", f, nil)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) error {
	if err := mayCreate(r); err != nil {
		return err
	}
	f := readForm(r)
	s, err := h.cat.Create(r.Context(), Input{
		Name: f.Name, Slug: f.Slug, Domains: f.domains(), Description: f.Description,
		Owner: f.Owner, Timezone: f.Timezone, Phase: f.Phase, Public: f.Public,
	})
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.pages.Render(w, r, ie.Status, "catalog/new", f, ie.Errors)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, s.Name+" is added to your services.")
	return web.Redirect(w, r, "/services/"+s.Slug)
}

func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "catalog/edit", formFor(s), nil)
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	f := readForm(r)
	f.Service, f.Slug = s, s.Slug
	domains := f.domains()
	u, err := h.cat.Update(r.Context(), s.Slug, Patch{
		Name: &f.Name, Domains: &domains, Description: &f.Description, Owner: &f.Owner,
		Timezone: &f.Timezone, Phase: &f.Phase, Public: &f.Public,
	})
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		return h.pages.Render(w, r, ie.Status, "catalog/edit", f, ie.Errors)
	}
	if err != nil {
		return err
	}
	web.SetFlash(w, r, "Your changes to "+u.Name+" are saved.")
	return web.Redirect(w, r, "/services/"+s.Slug)
}
