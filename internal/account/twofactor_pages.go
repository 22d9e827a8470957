package account

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/pquerna/otp"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// challengeCookie carries a half-done sign-in to its second step.
const challengeCookie = "liveops_signin"

func (h *Handler) setChallengeCookie(w http.ResponseWriter, r *http.Request, secret string, life time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: secret, Path: "/login", MaxAge: int(life.Seconds()),
		HttpOnly: true, Secure: web.Secure(r), SameSite: http.SameSiteStrictMode})
}

// knownDevice is the browser's device cookie when it is u's, else "".
func (h *Handler) knownDevice(r *http.Request, u *User) (string, error) {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return "", nil
	}
	known, err := h.acc.KnownDevice(r.Context(), u.ID, c.Value)
	if err != nil || !known {
		return "", err
	}
	return c.Value, nil
}

// errChallengeGone sends someone whose second step expired back to the start.
var errChallengeGone = &web.Error{Status: http.StatusBadRequest,
	Message: "Your sign-in took more than 5 minutes, or had too many wrong codes. Sign in again with your email address and password."}

// pendingSignIn is the sign-in the request's cookie carries, with its user.
func (h *Handler) pendingSignIn(r *http.Request) (*challenge, *User, string, error) {
	c, err := r.Cookie(challengeCookie)
	if err != nil {
		return nil, nil, "", errChallengeGone
	}
	ch, err := h.acc.challenge(r.Context(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, "", errChallengeGone
	}
	if err != nil {
		return nil, nil, "", err
	}
	u, err := h.acc.UserByID(r.Context(), ch.userID)
	if errors.Is(err, store.ErrNotFound) || err == nil && u.DisabledAt != nil {
		return nil, nil, "", errChallengeGone
	}
	return ch, u, c.Value, err
}

// finishSignIn ends the sign-in's second step and signs u in.
func (h *Handler) finishSignIn(w http.ResponseWriter, r *http.Request, u *User, challengeSecret string) error {
	if err := h.acc.endChallenge(r.Context(), challengeSecret); err != nil {
		return err
	}
	h.setChallengeCookie(w, r, "", -time.Second)
	device, err := h.knownDevice(r, u)
	if err != nil {
		return err
	}
	return h.startSession(w, r, u, device)
}

type codeData struct {
	Email          string
	TOTP, Passkeys bool
}

// codePage is the second step's page for u.
func (h *Handler) codePage(r *http.Request, u *User) (codeData, error) {
	d := codeData{Email: u.Email}
	var err error
	if d.TOTP, err = h.acc.HasTOTP(r.Context(), u.ID); err != nil {
		return d, err
	}
	list, err := h.acc.Passkeys(r.Context(), u.ID)
	d.Passkeys = len(list) > 0
	return d, err
}

func (h *Handler) codeForm(w http.ResponseWriter, r *http.Request) error {
	_, u, _, err := h.pendingSignIn(r)
	if err != nil {
		return err
	}
	d, err := h.codePage(r, u)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "account/login-code", d, nil)
}

// codeSubmit answers the second step of signing in: a code from the
// authenticator app, or a recovery code.
func (h *Handler) codeSubmit(w http.ResponseWriter, r *http.Request) error {
	ch, u, secret, err := h.pendingSignIn(r)
	if err != nil {
		return err
	}
	audit.SignIn(r.Context(), u.ID, u.Email)
	ok, err := h.acc.CheckSecondFactor(r.Context(), u.ID, r.PostFormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		if err := h.acc.challengeFailed(r.Context(), secret); err != nil {
			return err
		}
		var errs web.FormErrors
		errs.Add("code", "Enter the 6-digit code your authenticator app shows now (each code works once), or one of your recovery codes")
		d, err := h.codePage(r, u)
		if err != nil {
			return err
		}
		return h.pages.Render(w, r, http.StatusUnauthorized, "account/login-code", d, errs)
	}
	if err := h.finishSignIn(w, r, u, secret); err != nil {
		return err
	}
	if left, err := h.acc.RecoveryCodesLeft(r.Context(), u.ID); err == nil && left <= 2 {
		web.SetFlash(w, r, fmt.Sprintf("You have %d recovery %s left: make new ones on Your account.", left, plural(left, "code", "codes")))
	}
	return web.Redirect(w, r, ch.next)
}

// setupData is the page that sets up an authenticator app.
type setupTOTPData struct {
	Action string // where the code is sent
	QR     template.URL
	Secret string
	SignIn bool // set up while signing in, as an administrator requires
}

// totpKey is the pending secret as the authenticator app reads it.
func totpKey(email, secret string) (*otp.Key, error) {
	v := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(totpIssuer+":"+email) + "?" + v.Encode())
}

// setupTOTP shows the QR code and secret of u's pending authenticator
// secret, making one if there is none.
func (h *Handler) setupTOTP(w http.ResponseWriter, r *http.Request, u *User, d setupTOTPData, status int, errs web.FormErrors) error {
	secret, err := h.acc.PendingTOTP(r.Context(), u.ID)
	if err != nil {
		return err
	}
	var key *otp.Key
	if secret == "" {
		key, err = h.acc.StartTOTP(r.Context(), u)
	} else {
		key, err = totpKey(u.Email, secret)
	}
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return fmt.Errorf("draw the QR code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("draw the QR code: %w", err)
	}
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))
	d.Secret = key.Secret()
	return h.pages.Render(w, r, status, "account/two-factor", d, errs)
}

type recoveryData struct {
	Codes []string
	Next  string // where Continue goes
}

// signInSetupForm and signInSetup set up an authenticator app during
// sign-in, when an administrator requires one and the user has none.
func (h *Handler) signInSetupForm(w http.ResponseWriter, r *http.Request) error {
	_, u, _, err := h.pendingSignIn(r)
	if err != nil {
		return err
	}
	return h.setupTOTP(w, r, u, setupTOTPData{Action: "/login/two-factor/setup", SignIn: true}, http.StatusOK, nil)
}

func (h *Handler) signInSetup(w http.ResponseWriter, r *http.Request) error {
	ch, u, secret, err := h.pendingSignIn(r)
	if err != nil {
		return err
	}
	audit.SignIn(r.Context(), u.ID, u.Email)
	codes, ok, err := h.acc.ConfirmTOTP(r.Context(), u.ID, r.PostFormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		if err := h.acc.challengeFailed(r.Context(), secret); err != nil {
			return err
		}
		var errs web.FormErrors
		errs.Add("code", "Enter the 6-digit code your authenticator app shows now for liveops")
		return h.setupTOTP(w, r, u, setupTOTPData{Action: "/login/two-factor/setup", SignIn: true}, http.StatusUnauthorized, errs)
	}
	if err := h.finishSignIn(w, r, u, secret); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "account/recovery-codes", recoveryData{Codes: codes, Next: ch.next}, nil)
}

// The account's own two-factor pages.

func (h *Handler) me(r *http.Request) (*User, error) {
	return h.acc.UserByID(r.Context(), auth.From(r.Context()).UserID)
}

func (h *Handler) accountTOTPForm(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	if u.TwoFactor {
		return web.Redirect(w, r, "/account")
	}
	return h.setupTOTP(w, r, u, setupTOTPData{Action: "/account/two-factor"}, http.StatusOK, nil)
}

func (h *Handler) accountTOTP(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	codes, ok, err := h.acc.ConfirmTOTP(r.Context(), u.ID, r.PostFormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		var errs web.FormErrors
		errs.Add("code", "Enter the 6-digit code your authenticator app shows now for liveops")
		return h.setupTOTP(w, r, u, setupTOTPData{Action: "/account/two-factor"}, http.StatusBadRequest, errs)
	}
	return h.pages.Render(w, r, http.StatusOK, "account/recovery-codes", recoveryData{Codes: codes, Next: "/account"}, nil)
}

// checkPassword is nil when the form's current password is u's.
func (h *Handler) checkPassword(r *http.Request, u *User) (web.FormErrors, error) {
	ok, err := h.acc.verify(r.Context(), u.passwordHash, r.PostFormValue("current"))
	if err != nil && !errors.Is(err, errBadHash) {
		return nil, err
	}
	var errs web.FormErrors
	if !ok {
		errs.Add("current", "Your current password is not correct")
	}
	return errs, nil
}

func (h *Handler) accountRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	errs, err := h.checkPassword(r, u)
	if err != nil {
		return err
	}
	if len(errs) > 0 || !u.TwoFactor {
		return h.renderAccount(w, r, http.StatusBadRequest, errs)
	}
	codes, err := h.acc.NewRecoveryCodes(r.Context(), u.ID)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "account/recovery-codes", recoveryData{Codes: codes, Next: "/account"}, nil)
}

func (h *Handler) accountDisableTOTP(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	errs, err := h.checkPassword(r, u)
	if err != nil {
		return err
	}
	required, err := h.acc.TwoFactorRequired(r.Context())
	if err != nil {
		return err
	}
	if required {
		errs.Add("current", "An administrator requires two-factor sign-in for everyone, so the authenticator app cannot be removed")
	}
	if len(errs) > 0 {
		return h.renderAccount(w, r, http.StatusBadRequest, errs)
	}
	if err := h.acc.DisableTOTP(r.Context(), u.ID); err != nil {
		return err
	}
	web.SetFlash(w, r, "The authenticator app is removed.")
	return web.Redirect(w, r, "/account")
}

// requireTwoFactor answers the users page's form: whether everyone must
// sign in with two factors.
func (h *Handler) requireTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	required := r.PostFormValue("required") == "yes"
	before, err := h.acc.TwoFactorRequired(r.Context())
	if err != nil {
		return err
	}
	if err := h.acc.SetTwoFactorRequired(r.Context(), required); err != nil {
		return err
	}
	audit.Changed(r.Context(), map[string]bool{"two_factor_required": before}, map[string]bool{"two_factor_required": required})
	msg := "Two-factor sign-in is now optional."
	if required {
		msg = "Everyone must now sign in with two factors: those without an authenticator app set one up at their next sign-in."
	}
	web.SetFlash(w, r, msg)
	return web.Redirect(w, r, "/users")
}

// resetTwoFactor turns two-factor sign-in off for a user who lost their
// authenticator; they set it up again at their next sign-in if required.
func (h *Handler) resetTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := h.loadUser(r)
	if err != nil {
		return err
	}
	if err := h.acc.RemoveSecondFactors(r.Context(), u.ID); err != nil {
		return err
	}
	web.SetFlash(w, r, "Two-factor sign-in is off for "+u.Email+": their authenticator app, passkeys and recovery codes are removed.")
	return web.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10))
}
