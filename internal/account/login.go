package account

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

type loginData struct {
	Email string
	Next  string
	// SSO names the single sign-on provider, "" without one; Passwords is
	// false when local passwords are switched off.
	SSO       string
	Passwords bool
}

// loginPage is the sign-in page's data for d's email and next.
func (h *Handler) loginPage(d loginData) loginData {
	d.Passwords = h.sso == nil || !h.sso.cfg.NoPasswords
	if h.sso != nil {
		d.SSO = h.sso.cfg.Name
	}
	return d
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	if auth.From(r.Context()) != nil {
		return web.Redirect(w, r, safeNext(r.URL.Query().Get("next")))
	}
	return h.pages.Render(w, r, http.StatusOK, "account/login", h.loginPage(loginData{Next: r.URL.Query().Get("next")}), nil)
}

// dummyHash is verified against when the email is unknown, so that a
// wrong address takes as long as a wrong password. It is a constant (with
// the current parameters) because hashing at start-up would cost memory
// that an idle server would then hold.
const dummyHash = "$argon2id$v=19$m=7168,t=5,p=1$bGl2ZW9wcy1kdW1teS1zYWx0$cg/7xxNYBri34UrQnWCXc+yz8thO2Y0nhNXEkidulcY"

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	d := h.loginPage(loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")})
	if !d.Passwords {
		return &web.Error{Status: http.StatusForbidden, Message: "Passwords are switched off here: sign in with " + d.SSO + "."}
	}
	password := r.PostFormValue("password")
	var errs web.FormErrors
	if d.Email == "" {
		errs.Add("email", "Enter your email address")
	}
	if password == "" {
		errs.Add("password", "Enter your password")
	}
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "account/login", d, errs)
	}
	// Recorded in the audit log whatever the outcome; as the account's
	// once it is known to be one.
	audit.SignIn(r.Context(), 0, "")
	email := strings.ToLower(d.Email)
	pairKey, ipKey := clientKey(web.ClientIP(r.Context()))+" "+email, clientKey(web.ClientIP(r.Context()))
	tooMany := func(wait time.Duration, format string) error {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		errs.Add("email", fmt.Sprintf(format, waitText(wait)))
		return h.pages.Render(w, r, http.StatusTooManyRequests, "account/login", d, errs)
	}
	if ok, wait := h.byPair.take(pairKey); !ok {
		return tooMany(wait, "Too many wrong passwords for this account from here. Wait %s and try again, or ask an administrator for a set-up link.")
	}
	if ok, wait := h.byIP.take(ipKey); !ok {
		h.byPair.forgive(pairKey)
		return tooMany(wait, "Too many failed sign-in attempts from here. Wait %s and try again.")
	}
	counted := []func(){func() { h.byPair.forgive(pairKey) }, func() { h.byIP.forgive(ipKey) }}
	// notCounted takes back the attempts counted so far: the failure is
	// ours (the store is down), not a wrong password.
	notCounted := func(err error) error {
		for _, f := range counted {
			f()
		}
		return err
	}

	u, err := h.acc.UserByEmail(r.Context(), d.Email)
	hash := dummyHash
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return notCounted(err)
	case u.passwordHash != "":
		hash = u.passwordHash
	}
	if u != nil {
		audit.SignIn(r.Context(), u.ID, u.Email)
	}
	device := ""
	if c, err := r.Cookie(DeviceCookie); err == nil && u != nil {
		known, err := h.acc.KnownDevice(r.Context(), u.ID, c.Value)
		if err != nil {
			return notCounted(err)
		}
		if known {
			device = c.Value
		}
	}
	if device == "" {
		// Only a browser the user has signed in with before is spared
		// the account's own throttle.
		if ok, wait := h.byAccount.take(email); !ok {
			notCounted(nil)
			return tooMany(wait, "This account has had many wrong passwords from elsewhere, so sign-ins to it are slowed. Wait %s and try again; a browser you have signed in with before is not slowed.")
		}
		counted = append(counted, func() { h.byAccount.forgive(email) })
	}
	match, err := h.acc.verify(r.Context(), hash, password)
	if err != nil {
		return notCounted(fmt.Errorf("verify password: %w", err))
	}
	if hash == dummyHash || !match || u.DisabledAt != nil {
		errs.Add("email", "Enter a correct email address and password")
		return h.pages.Render(w, r, http.StatusUnauthorized, "account/login", d, errs)
	}
	h.byPair.reset(pairKey)
	notCounted(nil)
	required, err := h.acc.TwoFactorRequired(r.Context())
	if err != nil {
		return err
	}
	if u.TwoFactor || required {
		// The sign-in is recorded at its second step, when it is one.
		audit.NotAChange(r.Context())
		secret, err := h.acc.newChallenge(r.Context(), u.ID, safeNext(d.Next))
		if err != nil {
			return err
		}
		h.setChallengeCookie(w, r, secret, challengeLifetime)
		if !u.TwoFactor {
			return web.Redirect(w, r, "/login/two-factor/setup")
		}
		return web.Redirect(w, r, "/login/two-factor")
	}
	if err := h.startSession(w, r, u, device); err != nil {
		return err
	}
	return web.Redirect(w, r, safeNext(d.Next))
}

// startSession signs u in on this browser: a session, and the device
// cookie that marks the browser as theirs (device is its secret when it
// has a known one already).
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u *User, device string) error {
	secret, err := h.acc.CreateSession(r.Context(), u.ID, r.UserAgent())
	if err != nil {
		return err
	}
	if device != "" {
		err = h.acc.TouchDevice(r.Context(), device)
	} else if device, err = h.acc.RememberDevice(r.Context(), u.ID); err == nil {
		h.setDeviceCookie(w, r, device)
	}
	if err != nil {
		// The session is made: a browser not remembered only loses the
		// shortcut past the account's throttle.
		slog.Warn("sign-in: remember the browser", "err", err)
	}
	h.setSessionCookie(w, r, secret)
	return nil
}

// waitText says how long to wait in words: "30 seconds", "4 minutes".
func waitText(d time.Duration) string {
	if d < time.Minute {
		s := max(1, int(math.Ceil(d.Seconds())))
		return fmt.Sprintf("%d %s", s, plural(s, "second", "seconds"))
	}
	m := int(math.Ceil(d.Minutes()))
	return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := h.acc.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	h.clearSessionCookie(w, r)
	web.SetFlash(w, r, "You have signed out.")
	return web.Redirect(w, r, "/login")
}

type setupData struct {
	FirstAdmin bool
	Email      string
}

func (h *Handler) setupTarget(r *http.Request) (*SetupTarget, error) {
	t, err := h.acc.CheckSetupLink(r.Context(), r.PathValue("secret"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, &web.Error{Status: http.StatusNotFound,
			Message: "This set-up link has expired or has already been used. Ask an administrator for a new one."}
	}
	return t, err
}

func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) error {
	t, err := h.setupTarget(r)
	if err != nil {
		return err
	}
	d := setupData{FirstAdmin: t.FirstAdmin}
	if t.User != nil {
		d.Email = t.User.Email
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the URL holds the secret
	return h.pages.Render(w, r, http.StatusOK, "account/setup", d, nil)
}

func (h *Handler) setup(w http.ResponseWriter, r *http.Request) error {
	t, err := h.setupTarget(r)
	if err != nil {
		return err
	}
	d := setupData{FirstAdmin: t.FirstAdmin, Email: strings.TrimSpace(r.PostFormValue("email"))}
	if t.User != nil {
		d.Email = t.User.Email
	}
	pw, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	var errs web.FormErrors
	if t.FirstAdmin {
		if _, err := NormalizeEmail(d.Email); err != nil {
			errs.Add("email", err.Error())
		}
	}
	if msg := CheckPassword(pw); msg != "" {
		errs.Add("password", msg)
	} else if pw != confirm {
		errs.Add("confirm", "The passwords do not match")
	}
	if len(errs) > 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "account/setup", d, errs)
	}
	u, err := h.acc.UseSetupLink(r.Context(), r.PathValue("secret"), d.Email, pw)
	if err != nil {
		return err
	}
	secret, err := h.acc.CreateSession(r.Context(), u.ID, r.UserAgent())
	if err != nil {
		return err
	}
	h.setSessionCookie(w, r, secret)
	web.SetFlash(w, r, "Your password is set and you are signed in.")
	return web.Redirect(w, r, "/")
}

// clientKey is what failed sign-ins are counted by: the address, or for
// IPv6 its /64, which one client typically holds whole.
func clientKey(ip netip.Addr) string {
	if ip.Is6() && !ip.Is4In6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
