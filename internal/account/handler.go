package account

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/liveops/liveops/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// ServiceRef names a service in the access and token forms.
type ServiceRef struct {
	ID       int64
	Slug     string
	Name     string
	Archived bool
}

// Label is the service's name, marked when it is archived.
func (s ServiceRef) Label() string {
	if s.Archived {
		return s.Name + " (archived)"
	}
	return s.Name
}

// ServiceLister lists every service, archived ones included, so that
// access to and tokens for an archived service are still shown as such.
type ServiceLister func(ctx context.Context) ([]ServiceRef, error)

// Sign-in limits, after OWASP's guidance that a lock-out must not be
// usable against the person locked out:
//   - per client address and account: 5 wrong passwords, then each attempt
//     waits twice as long as the last, up to 15 minutes;
//   - per client address, over all accounts (one client spraying many): 50
//     in 15 minutes;
//   - per account, over all addresses (a guessing attack spread over many):
//     soft, after 20 the attempts wait up to 30 seconds each, and a browser
//     the user has signed in with before (DeviceCookie) does not wait.
//
// Failures of ours (the store down) are not counted.
const (
	freePerPair       = 5
	maxPairWait       = 15 * time.Minute
	maxFailuresPerIP  = 50
	failureWindow     = 15 * time.Minute
	freePerAccount    = 20
	maxAccountWait    = 30 * time.Second
	backoffQuietAfter = time.Hour
)

// Handler serves the sign-in, set-up, account, users and tokens pages, and
// the middleware that authenticates requests.
type Handler struct {
	acc       *Accounts
	site      *web.Site
	pages     *web.Pages
	services  ServiceLister
	byPair    *backoff
	byIP      *failureLimiter
	byAccount *backoff
	// sso is single sign-on's provider, nil when there is none.
	sso *ssoClient
}

// NewHandler parses the account pages.
func NewHandler(acc *Accounts, site *web.Site, services ServiceLister) (*Handler, error) {
	pages, err := site.Pages(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("account pages: %w", err)
	}
	return &Handler{
		acc: acc, site: site, pages: pages, services: services,
		byPair:    newBackoff(freePerPair, time.Second, maxPairWait, backoffQuietAfter),
		byIP:      newFailureLimiter(maxFailuresPerIP, failureWindow),
		byAccount: newBackoff(freePerAccount, time.Second, maxAccountWait, failureWindow),
	}, nil
}

// Routes registers the account pages.
func (h *Handler) Routes(rt *web.Router) {
	rt.PublicPage("GET /login", h.loginForm)
	rt.PublicPage("POST /login", h.login)
	rt.PublicPage("GET /login/sso", h.ssoStart)
	rt.PublicPage("GET /login/sso/callback", h.ssoCallback)
	rt.PublicPage("GET /login/two-factor", h.codeForm)
	rt.PublicPage("POST /login/two-factor", h.codeSubmit)
	rt.PublicPage("POST /login/two-factor/passkey/begin", h.beginPasskeySignIn)
	rt.PublicPage("POST /login/two-factor/passkey", h.passkeySignIn)
	rt.PublicPage("GET /login/two-factor/setup", h.signInSetupForm)
	rt.PublicPage("POST /login/two-factor/setup", h.signInSetup)
	rt.PublicPage("POST /logout", h.logout)
	rt.PublicPage("GET /setup/{secret}", h.setupForm)
	rt.PublicPage("POST /setup/{secret}", h.setup)

	rt.Page("GET /account", h.accountPage)
	rt.Page("POST /account/password", h.changePassword)
	rt.Page("GET /account/two-factor", h.accountTOTPForm)
	rt.Page("POST /account/two-factor", h.accountTOTP)
	rt.Page("POST /account/two-factor/recovery", h.accountRecoveryCodes)
	rt.Page("POST /account/two-factor/disable", h.accountDisableTOTP)
	rt.Page("POST /account/passkeys/begin", h.beginAddPasskey)
	rt.Page("POST /account/passkeys", h.addPasskey)
	rt.Page("POST /account/passkeys/{id}/delete", h.removePasskey)
	rt.Page("POST /account/sessions/revoke", h.revokeOwnSession)

	rt.Page("GET /users", h.usersPage)
	rt.Page("GET /users/new", h.newUserForm)
	rt.Page("POST /users/new", h.createUser)
	rt.Page("POST /users/two-factor", h.requireTwoFactor)
	rt.Page("GET /users/{id}", h.userPage)
	rt.Page("POST /users/{id}", h.updateUser)
	rt.Page("POST /users/{id}/link", h.userSetupLink)
	rt.Page("POST /users/{id}/revoke-sessions", h.revokeUserSessions)
	rt.Page("POST /users/{id}/disable", h.disableUser)
	rt.Page("POST /users/{id}/enable", h.enableUser)
	rt.Page("POST /users/{id}/delete", h.deleteUser)
	rt.Page("POST /users/{id}/two-factor/reset", h.resetTwoFactor)

	rt.Page("GET /tokens", h.tokensPage)
	rt.Page("POST /tokens", h.createToken)
	rt.Page("POST /tokens/{id}/revoke", h.revokeToken)

	rt.API("GET /api/v1/tokens", h.apiTokens)
	rt.API("GET /api/v1/users", h.apiUsers)
}
