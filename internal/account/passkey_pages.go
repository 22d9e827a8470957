package account

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// The passkey ceremonies are run by static/passkey.js: a form marked
// data-passkey fetches the options from its data-begin address, asks the
// browser for the credential, and posts it to the form's action. Both
// answer JSON: the options, or {"next": address}, or {"error": message}.

// errNoDomain: a passkey belongs to a domain name, and browsers refuse
// one for an address.
const errNoDomain = "Passkeys need liveops to be reached at a domain name (its --public-url), not an IP address."

func passkeyError(w http.ResponseWriter, status int, msg string) error {
	web.WriteJSON(w, status, map[string]string{"error": msg})
	return nil
}

// beginAddPasskey answers POST /account/passkeys/begin.
func (h *Handler) beginAddPasskey(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	rp, err := relyingParty(web.Origin(r))
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errNoDomain)
	}
	wu, err := h.acc.webauthnUser(r.Context(), u)
	if err != nil {
		return err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range wu.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, session, err := rp.BeginRegistration(wu, webauthn.WithExclusions(exclude))
	if err != nil {
		return fmt.Errorf("begin adding a passkey: %w", err)
	}
	if err := h.acc.saveCeremony(r.Context(), fmt.Sprintf("register:%d", u.ID), u.ID, session); err != nil {
		return err
	}
	audit.NotAChange(r.Context())
	web.WriteJSON(w, http.StatusOK, opts)
	return nil
}

// addPasskey answers POST /account/passkeys: the new credential.
func (h *Handler) addPasskey(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(web.CleanText(r.PostFormValue("passkey-name"), 200))
	if name == "" {
		name = "Passkey"
	}
	rp, err := relyingParty(web.Origin(r))
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errNoDomain)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(strings.NewReader(r.PostFormValue("credential")))
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, "The browser's answer could not be read. Try again.")
	}
	session, err := h.acc.takeCeremony(r.Context(), fmt.Sprintf("register:%d", u.ID), u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return passkeyError(w, http.StatusBadRequest, "Adding the passkey took more than 5 minutes. Try again.")
	}
	if err != nil {
		return err
	}
	wu, err := h.acc.webauthnUser(r.Context(), u)
	if err != nil {
		return err
	}
	cred, err := rp.CreateCredential(wu, session, parsed)
	if err != nil {
		slog.Warn("passkey: registration refused", "err", err)
		return passkeyError(w, http.StatusBadRequest, "The passkey could not be checked, so it was not added. Try again.")
	}
	if err := h.acc.addPasskey(r.Context(), u.ID, name, cred); err != nil {
		return passkeyError(w, http.StatusBadRequest, "The passkey was not added: you may have at most 20.")
	}
	audit.Changed(r.Context(), nil, map[string]string{"passkey": name})
	msg := "The passkey " + name + " is added: liveops asks for it after your password."
	if left, err := h.acc.RecoveryCodesLeft(r.Context(), u.ID); err == nil && left == 0 {
		msg += " Make recovery codes below, in case you lose the device."
	}
	web.SetFlash(w, r, msg)
	web.WriteJSON(w, http.StatusOK, map[string]string{"next": "/account#passkeys"})
	return nil
}

// removePasskey answers POST /account/passkeys/{id}/delete.
func (h *Handler) removePasskey(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	id, err := web.PathID(r, "passkey")
	if err != nil {
		return err
	}
	if err := h.acc.RemovePasskey(r.Context(), u.ID, id); err != nil {
		return web.NotFoundAs(err, "passkey")
	}
	web.SetFlash(w, r, "The passkey is removed.")
	return web.Redirect(w, r, "/account#passkeys")
}

// beginPasskeySignIn answers POST /login/two-factor/passkey/begin.
func (h *Handler) beginPasskeySignIn(w http.ResponseWriter, r *http.Request) error {
	_, u, secret, err := h.pendingSignIn(r)
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errChallengeGone.Message)
	}
	rp, err := relyingParty(web.Origin(r))
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errNoDomain)
	}
	wu, err := h.acc.webauthnUser(r.Context(), u)
	if err != nil {
		return err
	}
	if len(wu.creds) == 0 {
		return passkeyError(w, http.StatusBadRequest, "You have no passkey: enter a code instead.")
	}
	opts, session, err := rp.BeginLogin(wu)
	if err != nil {
		return fmt.Errorf("begin signing in with a passkey: %w", err)
	}
	if err := h.acc.saveCeremony(r.Context(), "login:"+secret, u.ID, session); err != nil {
		return err
	}
	audit.NotAChange(r.Context())
	web.WriteJSON(w, http.StatusOK, opts)
	return nil
}

// passkeySignIn answers POST /login/two-factor/passkey: the second step
// of signing in, with a passkey.
func (h *Handler) passkeySignIn(w http.ResponseWriter, r *http.Request) error {
	ch, u, secret, err := h.pendingSignIn(r)
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errChallengeGone.Message)
	}
	audit.SignIn(r.Context(), u.ID, u.Email)
	refuse := func() error {
		if err := h.acc.challengeFailed(r.Context(), secret); err != nil {
			return err
		}
		return passkeyError(w, http.StatusUnauthorized, "The passkey was not accepted. Try again, or enter a code.")
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(strings.NewReader(r.PostFormValue("credential")))
	if err != nil {
		return refuse()
	}
	session, err := h.acc.takeCeremony(r.Context(), "login:"+secret, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return refuse()
	}
	if err != nil {
		return err
	}
	rp, err := relyingParty(web.Origin(r))
	if err != nil {
		return passkeyError(w, http.StatusBadRequest, errNoDomain)
	}
	wu, err := h.acc.webauthnUser(r.Context(), u)
	if err != nil {
		return err
	}
	cred, err := rp.ValidateLogin(wu, session, parsed)
	if err != nil {
		slog.Warn("passkey: sign-in refused", "err", err)
		return refuse()
	}
	if err := h.acc.usedPasskey(r.Context(), u.ID, cred); err != nil {
		return err
	}
	if err := h.finishSignIn(w, r, u, secret); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"next": ch.next})
	return nil
}
