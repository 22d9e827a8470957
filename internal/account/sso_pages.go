package account

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// ssoCookie ties the provider's answer to the browser that asked.
const ssoCookie = "liveops_sso"

// EnableSSO turns on single sign-on with cfg's provider. The provider is
// found by discovery at the first sign-in, so a provider that is down
// when liveops starts does not stop it.
func (h *Handler) EnableSSO(cfg SSOConfig) {
	if cfg.Name == "" {
		cfg.Name = "single sign-on"
	}
	h.sso = &ssoClient{cfg: cfg}
}

// errSSOGone sends someone whose answer from the provider cannot be
// matched to a request back to the start.
var errSSOGone = &web.Error{Status: http.StatusBadRequest,
	Message: "This sign-in took more than 10 minutes, or was started in another browser. Go back to the sign-in page and try again."}

func ssoRefused(msg string) error {
	return &web.Error{Status: http.StatusForbidden, Message: msg}
}

func (h *Handler) ssoRedirect(r *http.Request) string { return web.Origin(r) + "/login/sso/callback" }

// ssoStart answers GET /login/sso: the browser goes to the provider with
// a state, a nonce and a PKCE challenge.
func (h *Handler) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if h.sso == nil {
		return web.NotFound("page")
	}
	if err := h.sso.discover(r.Context()); err != nil {
		slog.Error("single sign-on", "err", err)
		return &web.Error{Status: http.StatusServiceUnavailable, Message: "The sign-in service (" + h.sso.cfg.Name + ") is not answering just now. Try again in a minute."}
	}
	secret, req, err := h.acc.newSSORequest(r.Context(), safeNext(r.URL.Query().Get("next")))
	if err != nil {
		return err
	}
	// Lax, not Strict: the provider's answer is a navigation from its site.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: secret, Path: "/login/sso", MaxAge: int(ssoRequestLifetime.Seconds()),
		HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	url := h.sso.oauth(h.ssoRedirect(r)).AuthCodeURL(req.state, oidc.Nonce(req.nonce), oauth2.S256ChallengeOption(req.verifier))
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// ssoCallback answers the provider's redirect back: the code is exchanged
// (with the PKCE verifier), the ID token checked (signature, audience,
// expiry, nonce), and the verified email address matched to a user, who
// is created when the configuration says so.
func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if h.sso == nil {
		return web.NotFound("page")
	}
	ctx := r.Context()
	audit.SignIn(ctx, 0, "")
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return ssoRefused(fmt.Sprintf("%s did not sign you in (%s). Go back to the sign-in page and try again.", h.sso.cfg.Name, web.CleanText(e, 100)))
	}
	c, err := r.Cookie(ssoCookie)
	if err != nil {
		return errSSOGone
	}
	req, err := h.acc.takeSSORequest(ctx, c.Value, q.Get("state"))
	if errors.Is(err, store.ErrNotFound) {
		return errSSOGone
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/login/sso", MaxAge: -1, HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteLaxMode})
	if err := h.sso.discover(ctx); err != nil {
		return err
	}
	unconfirmed := func(what string, err error) error {
		slog.Warn("single sign-on: "+what, "err", err)
		return ssoRefused("Your sign-in with " + h.sso.cfg.Name + " could not be confirmed. Go back to the sign-in page and try again.")
	}
	oc := h.sso.oauth(h.ssoRedirect(r))
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(req.verifier))
	if err != nil {
		return unconfirmed("exchange the code", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := h.sso.verifier.Verify(ctx, raw)
	if err != nil {
		return unconfirmed("verify the ID token", err)
	}
	if idt.Nonce != req.nonce {
		return unconfirmed("nonce", errors.New("the ID token's nonce is not the request's"))
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return unconfirmed("read the ID token", err)
	}
	if ui, err := h.sso.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
		more := map[string]any{}
		if ui.Claims(&more) == nil {
			for k, v := range more {
				claims[k] = v
			}
		}
	}
	email, _ := claims["email"].(string)
	if verified, _ := claims["email_verified"].(bool); email == "" || !verified {
		return ssoRefused(h.sso.cfg.Name + " did not give liveops a verified email address for you, so it cannot tell which account is yours. Ask your administrator.")
	}
	u, err := h.acc.UserByEmail(ctx, email)
	access, mapped := h.sso.accessFor(claims)
	switch {
	case errors.Is(err, store.ErrNotFound) && !h.sso.cfg.CreateUsers:
		return ssoRefused("There is no liveops account for " + email + ". Ask an administrator to add you.")
	case errors.Is(err, store.ErrNotFound):
		role := h.sso.cfg.DefaultRole
		if mapped {
			role = access.Role
		}
		nu := NewUser{Email: email, Role: role}
		if nu.AllServices, nu.ServiceIDs, err = h.serviceIDs(r, access, mapped); err != nil {
			return err
		}
		if u, err = h.acc.CreateUser(ctx, nu); err != nil {
			return err
		}
		slog.Info("single sign-on: created an account at first sign-in", "role", role)
	case err != nil:
		return err
	case mapped:
		all, ids, err := h.serviceIDs(r, access, true)
		if err != nil {
			return err
		}
		if err := h.acc.SetAccess(ctx, u.ID, Access{Role: access.Role, AllServices: all, ServiceIDs: ids}); err != nil {
			// The last admin keeps their role; the sign-in goes on.
			slog.Warn("single sign-on: apply the mapped access", "err", err)
		}
		if u, err = h.acc.UserByID(ctx, u.ID); err != nil {
			return err
		}
	}
	audit.SignIn(ctx, u.ID, u.Email)
	if u.DisabledAt != nil {
		return &web.Error{Status: http.StatusUnauthorized, Message: "Your liveops account is disabled. Ask an administrator."}
	}
	device, err := h.knownDevice(r, u)
	if err != nil {
		return err
	}
	if err := h.startSession(w, r, u, device); err != nil {
		return err
	}
	return web.Redirect(w, r, req.next)
}

// serviceIDs are the ids of the services access names: every service
// when it names none or nothing was mapped and the role is admin.
func (h *Handler) serviceIDs(r *http.Request, access SSOAccess, mapped bool) (all bool, ids []int64, err error) {
	if !mapped || len(access.Services) == 0 {
		return mapped, nil, nil
	}
	list, err := h.services(r.Context())
	if err != nil {
		return false, nil, err
	}
	for _, s := range list {
		if slices.Contains(access.Services, s.Slug) {
			ids = append(ids, s.ID)
		}
	}
	return false, ids, nil
}
