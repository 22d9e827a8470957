package account

import (
	"errors"
	"net/http"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/web"
)

type accountData struct {
	User              *User
	Services          []ServiceRef
	Sessions          []sessionRow
	RecoveryLeft      int
	TwoFactorRequired bool
	HasTOTP           bool
	Passkeys          []Passkey
}

type sessionRow struct {
	Session
	Current bool
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAccount(w, r, http.StatusOK, nil)
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, errs web.FormErrors) error {
	p := auth.From(r.Context())
	u, err := h.acc.UserByID(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	sessions, err := h.acc.Sessions(r.Context(), u.ID)
	if err != nil {
		return err
	}
	d := accountData{User: u}
	if d.RecoveryLeft, err = h.acc.RecoveryCodesLeft(r.Context(), u.ID); err != nil {
		return err
	}
	if d.TwoFactorRequired, err = h.acc.TwoFactorRequired(r.Context()); err != nil {
		return err
	}
	if d.HasTOTP, err = h.acc.HasTOTP(r.Context(), u.ID); err != nil {
		return err
	}
	if d.Passkeys, err = h.acc.Passkeys(r.Context(), u.ID); err != nil {
		return err
	}
	current := currentSession(r.Context())
	for _, s := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{s, s.ID == current})
	}
	if !u.AllServices {
		if d.Services, err = h.servicesByID(r, u.ServiceIDs); err != nil {
			return err
		}
	}
	return h.pages.Render(w, r, status, "account/account", d, errs)
}

func (h *Handler) servicesByID(r *http.Request, ids []int64) ([]ServiceRef, error) {
	all, err := h.services(r.Context())
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []ServiceRef
	for _, s := range all {
		if want[s.ID] {
			out = append(out, s)
		}
	}
	return out, nil
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	u, err := h.acc.UserByID(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	current, pw, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	var errs web.FormErrors
	ok, err := h.acc.verify(r.Context(), u.passwordHash, current)
	if err != nil && !errors.Is(err, errBadHash) {
		return err
	}
	if !ok {
		errs.Add("current", "Your current password is not correct")
	}
	if msg := CheckPassword(pw); msg != "" {
		errs.Add("password", msg)
	} else if pw != confirm {
		errs.Add("confirm", "The new passwords do not match")
	}
	if len(errs) > 0 {
		return h.renderAccount(w, r, http.StatusBadRequest, errs)
	}
	if err := h.acc.SetPassword(r.Context(), u.ID, pw); err != nil {
		return err
	}
	// SetPassword signed every session out; keep this browser signed in.
	secret, err := h.acc.CreateSession(r.Context(), u.ID, r.UserAgent())
	if err != nil {
		return err
	}
	h.setSessionCookie(w, r, secret)
	web.SetFlash(w, r, "Your password has been changed and your other sessions signed out.")
	return web.Redirect(w, r, "/account")
}

// revokeOwnSession signs out one session, or with session=others every
// session but this one.
func (h *Handler) revokeOwnSession(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PostFormValue("session")
	if id == "others" {
		if err := h.acc.RevokeOtherSessions(r.Context(), p.UserID, currentSession(r.Context())); err != nil {
			return err
		}
		web.SetFlash(w, r, "Your other sessions have been signed out.")
		return web.Redirect(w, r, "/account")
	}
	if err := h.acc.RevokeSession(r.Context(), p.UserID, id); err != nil {
		return err
	}
	if id == currentSession(r.Context()) {
		h.clearSessionCookie(w, r)
		return web.Redirect(w, r, "/login")
	}
	web.SetFlash(w, r, "The session has been signed out.")
	return web.Redirect(w, r, "/account")
}
