package catalog

import (
	"net/http"
	"strconv"
	"time"

	"github.com/liveops/liveops/internal/web"
)

// apiService is a service as the JSON API shows it. It is its own type so
// that the API stays the same when Service grows.
type apiService struct {
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Domains     []string  `json:"domains"`
	Timezone    string    `json:"timezone"`
	Phase       Phase     `json:"phase"`
	Public      bool      `json:"public"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Archived    bool      `json:"archived"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toAPI(s *Service) apiService {
	domains := s.Domains
	if domains == nil {
		domains = []string{}
	}
	return apiService{
		Slug: s.Slug, Name: s.Name, Domains: domains, Timezone: s.Timezone, Phase: s.Phase,
		Public: s.Public, Description: s.Description, Owner: s.Owner, Archived: s.Archived(),
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// apiList answers GET /api/v1/services: the services the token may read,
// with the archived ones when ?archived=true.
func (h *Handler) apiList(w http.ResponseWriter, r *http.Request) error {
	var opt ListOptions
	if v := r.URL.Query().Get("archived"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return web.BadRequest("archived", "archived must be true or false, not %q", v)
		}
		opt.IncludeArchived = b
	}
	list, err := h.readableList(r.Context(), opt)
	if err != nil {
		return err
	}
	out := make([]apiService, len(list))
	for i, s := range list {
		out[i] = toAPI(s)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"services": out})
	return nil
}

// apiCreate answers POST /api/v1/services with the new service (201).
func (h *Handler) apiCreate(w http.ResponseWriter, r *http.Request) error {
	if err := mayCreate(r); err != nil {
		return err
	}
	var in Input
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &in); err != nil {
		return err
	}
	s, err := h.cat.Create(r.Context(), in)
	if err != nil {
		return err // an *InputError unwraps to the 400 or 409 naming its field
	}
	w.Header().Set("Location", "/api/v1/services/"+s.Slug)
	web.WriteJSON(w, http.StatusCreated, toAPI(s))
	return nil
}

// apiGet answers GET /api/v1/services/{slug}.
func (h *Handler) apiGet(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toAPI(s))
	return nil
}

// apiPatch answers PATCH /api/v1/services/{slug}: fields left out stay as
// they are, and "archived" archives or restores.
func (h *Handler) apiPatch(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var p Patch
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &p); err != nil {
		return err
	}
	s, err = h.cat.Update(r.Context(), s.Slug, p)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toAPI(s))
	return nil
}

// apiDelete answers DELETE /api/v1/services/{slug} by archiving the
// service: its data is kept, and PATCH {"archived": false} restores it.
func (h *Handler) apiDelete(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	if err := h.cat.Archive(r.Context(), s.Slug); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
