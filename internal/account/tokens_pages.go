package account

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

type tokensData struct {
	Tokens   []Token
	Services []ServiceRef
	Names    map[int64]string
	Scopes   []scopeOption
	IsAdmin  bool
	Form     tokenForm
	Created  *createdToken
}

type tokenForm struct {
	Name    string
	Scope   string
	Service int64
}

type createdToken struct {
	Token  *Token
	Secret string
	Origin string
}

type scopeOption struct {
	Scope auth.Scope
	Label string
	Hint  string
}

var scopeOptions = []scopeOption{
	{auth.ScopeRead, "Read", "Read figures and settings, for dashboards and reports."},
	{auth.ScopeWrite, "Write", "Read, and change data and settings of services."},
	{auth.ScopeIngest, "Ingest", "Only send data (events, feedback, transaction figures) for one service."},
	{auth.ScopeAdmin, "Admin", "Everything you can do, including managing users."},
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderTokens(w, r, http.StatusOK, tokenForm{Scope: string(auth.ScopeRead)}, nil, nil)
}

func (h *Handler) renderTokens(w http.ResponseWriter, r *http.Request, status int, f tokenForm, created *createdToken, errs web.FormErrors) error {
	p := auth.From(r.Context())
	d := tokensData{Form: f, Created: created, IsAdmin: p.IsAdmin(), Names: map[int64]string{}}
	owner := p.UserID
	if d.IsAdmin {
		owner = 0
	}
	var err error
	if d.Tokens, err = h.acc.Tokens(r.Context(), owner); err != nil {
		return err
	}
	all, err := h.services(r.Context())
	if err != nil {
		return err
	}
	for _, s := range all {
		d.Names[s.ID] = s.Label()
		if p.CanRead(s.ID) && !s.Archived {
			d.Services = append(d.Services, s)
		}
	}
	for _, o := range scopeOptions {
		if p.Role.Allows(o.Scope) {
			d.Scopes = append(d.Scopes, o)
		}
	}
	if created != nil {
		w.Header().Set("Cache-Control", "no-store") // the page shows a secret
	}
	return h.pages.Render(w, r, status, "account/tokens", d, errs)
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")), Scope: r.PostFormValue("scope")}
	if v := r.PostFormValue("service"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			err = h.checkService(r, id)
		}
		if err != nil {
			return h.renderTokens(w, r, http.StatusBadRequest, f, nil, web.FormErrors{{Field: "service", Message: "Choose a service from the list"}})
		}
		f.Service = id
	}
	u, err := h.acc.UserByID(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	secret, t, err := h.acc.CreateToken(r.Context(), u, NewToken{Name: f.Name, Scope: auth.Scope(f.Scope), ServiceID: f.Service})
	if e, ok := web.AsError(err); ok {
		return h.renderTokens(w, r, e.Status, f, nil, web.FormErrors{{Field: e.Field, Message: e.Message}})
	}
	if err != nil {
		return err
	}
	created := &createdToken{Token: t, Secret: secret, Origin: absoluteURL(r, "")}
	return h.renderTokens(w, r, http.StatusCreated, tokenForm{Scope: string(auth.ScopeRead)}, created, nil)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return web.NotFound("token")
	}
	owner := p.UserID
	if p.IsAdmin() {
		owner = 0
	}
	if err := h.acc.RevokeToken(r.Context(), id, owner); err != nil {
		return err
	}
	web.SetFlash(w, r, "The token has been revoked: requests that use it are now refused.")
	return web.Redirect(w, r, "/tokens")
}

// checkService makes sure a posted service id names a live service.
func (h *Handler) checkService(r *http.Request, id int64) error {
	all, err := h.services(r.Context())
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.ID == id && !s.Archived {
			return nil
		}
	}
	return store.ErrNotFound
}
