package account

import (
	"net/http"
	"time"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Owner      string     `json:"owner"`
	Scope      string     `json:"scope"`
	Service    string     `json:"service,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// apiTokens lists the caller's tokens (an admin's token sees everyone's).
func (h *Handler) apiTokens(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if !p.HasScope(auth.ScopeRead) {
		return web.Forbidden("listing tokens needs a token with read, write or admin scope")
	}
	owner := p.UserID
	if p.IsAdmin() {
		owner = 0
	}
	tokens, err := h.acc.Tokens(r.Context(), owner)
	if err != nil {
		return err
	}
	slugs, err := h.serviceSlugs(r)
	if err != nil {
		return err
	}
	out := []apiToken{}
	for _, t := range tokens {
		out = append(out, apiToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Owner: t.UserEmail, Scope: string(t.Scope),
			Service: slugs[t.ServiceID], CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

type apiUser struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	AllServices bool       `json:"all_services"`
	Services    []string   `json:"services"`
	Disabled    bool       `json:"disabled"`
	LastLoginAt *time.Time `json:"last_login_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

// apiUsers lists the users, for admins.
func (h *Handler) apiUsers(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).IsAdmin() {
		return web.Forbidden("listing users needs a token with admin scope")
	}
	users, err := h.acc.Users(r.Context())
	if err != nil {
		return err
	}
	slugs, err := h.serviceSlugs(r)
	if err != nil {
		return err
	}
	out := []apiUser{}
	for _, u := range users {
		au := apiUser{ID: u.ID, Email: u.Email, Role: string(u.Role), AllServices: u.AllServices, Services: []string{},
			Disabled: u.DisabledAt != nil, LastLoginAt: u.LastLoginAt, CreatedAt: u.CreatedAt}
		for _, id := range u.ServiceIDs {
			au.Services = append(au.Services, slugs[id])
		}
		out = append(out, au)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

// serviceSlugs maps service ids to slugs, which the API names services by.
func (h *Handler) serviceSlugs(r *http.Request) (map[int64]string, error) {
	all, err := h.services(r.Context())
	if err != nil {
		return nil, err
	}
	slugs := make(map[int64]string, len(all))
	for _, s := range all {
		slugs[s.ID] = s.Slug
	}
	return slugs, nil
}
