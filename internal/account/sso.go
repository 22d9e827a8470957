package account

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/store"
)

// SSOConfig is single sign-on with an OpenID Connect provider: Microsoft
// Entra ID, Google Workspace, Okta, Keycloak, GOV.UK One Login.
type SSOConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name is the provider as the sign-in button names it.
	Name string
	// CreateUsers creates an account for someone the provider signs in
	// and liveops does not know yet, with DefaultRole (and no service
	// unless a mapping gives some). Otherwise only existing users, matched
	// by verified email address, may sign in.
	CreateUsers bool
	DefaultRole auth.Role
	// RoleClaim names a claim (a string or a list, such as "groups") whose
	// values RoleMap turns into a role and services, applied at every sign-in.
	RoleClaim string
	RoleMap   map[string]SSOAccess
	// NoPasswords switches local passwords off: everyone signs in with the
	// provider (the command line still adds users and tokens).
	NoPasswords bool
}

// SSOAccess is what a claim value gives: a role, and every service or some.
type SSOAccess struct {
	Role     auth.Role
	Services []string // slugs; empty means every service
}

// ParseRoleMap reads "value=role" or "value=role:slug+slug" pairs,
// separated by commas: "liveops-admins=admin,permits-team=editor:parking-permits".
func ParseRoleMap(s string) (map[string]SSOAccess, error) {
	m := map[string]SSOAccess{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		value, access, ok := strings.Cut(pair, "=")
		if !ok || value == "" {
			return nil, fmt.Errorf("%q: write value=role, such as liveops-admins=admin", pair)
		}
		role, services, _ := strings.Cut(access, ":")
		r, err := auth.ParseRole(role)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", pair, err)
		}
		a := SSOAccess{Role: r}
		for _, slug := range strings.Split(services, "+") {
			if slug = strings.TrimSpace(slug); slug != "" {
				a.Services = append(a.Services, slug)
			}
		}
		m[value] = a
	}
	return m, nil
}

// ssoClient is the configured provider, found by discovery on first use.
type ssoClient struct {
	cfg      SSOConfig
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// ssoRequestLifetime is how long the provider may take to answer.
const ssoRequestLifetime = 10 * time.Minute

func (c *ssoClient) oauth(redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: c.provider.Endpoint(),
		RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// discover reads the provider's discovery document.
func (c *ssoClient) discover(ctx context.Context) error {
	if c.provider != nil {
		return nil
	}
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("single sign-on: read the provider's discovery document: %w", err)
	}
	c.provider, c.verifier = p, p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID})
	return nil
}

// ssoRequest is a sign-in sent to the provider.
type ssoRequest struct {
	state, nonce, verifier, next string
}

func (a *Accounts) newSSORequest(ctx context.Context, next string) (secret string, req ssoRequest, err error) {
	secret = newSecret()
	req = ssoRequest{state: newSecret(), nonce: newSecret(), verifier: oauth2.GenerateVerifier(), next: next}
	now := a.now()
	err = a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_requests WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sso_requests (secret_hash, state, nonce, verifier, next, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, hashSecret(secret), req.state, req.nonce, req.verifier, next, now.Add(ssoRequestLifetime))
		return err
	})
	if err != nil {
		return "", ssoRequest{}, fmt.Errorf("single sign-on: keep the request: %w", err)
	}
	return secret, req, nil
}

// takeSSORequest finds and ends the request the browser's secret names, if
// state is its state.
func (a *Accounts) takeSSORequest(ctx context.Context, secret, state string) (ssoRequest, error) {
	var req ssoRequest
	err := a.db.QueryRowContext(ctx, `SELECT state, nonce, verifier, next FROM sso_requests WHERE secret_hash = $1 AND expires_at > $2`,
		hashSecret(secret), a.now()).Scan(&req.state, &req.nonce, &req.verifier, &req.next)
	if errors.Is(err, sql.ErrNoRows) {
		return req, store.ErrNotFound
	}
	if err != nil {
		return req, fmt.Errorf("single sign-on: find the request: %w", err)
	}
	if _, err := a.db.ExecContext(ctx, `DELETE FROM sso_requests WHERE secret_hash = $1`, hashSecret(secret)); err != nil {
		return req, fmt.Errorf("single sign-on: end the request: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(req.state), []byte(state)) != 1 {
		return req, store.ErrNotFound
	}
	return req, nil
}

// claimValues are the string values of a claim that is a string or a list.
func claimValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// accessFor is the access the claims give, and whether the mapping said
// anything: the highest role of the values that map, and the union of
// their services (every service when any of them gives every one).
func (c *ssoClient) accessFor(claims map[string]any) (SSOAccess, bool) {
	if c.cfg.RoleClaim == "" {
		return SSOAccess{}, false
	}
	rank := map[auth.Role]int{auth.Viewer: 1, auth.Editor: 2, auth.Admin: 3}
	var best SSOAccess
	found, all := false, false
	for _, v := range claimValues(claims[c.cfg.RoleClaim]) {
		a, ok := c.cfg.RoleMap[v]
		if !ok {
			continue
		}
		found = true
		if rank[a.Role] > rank[best.Role] {
			best.Role = a.Role
		}
		all = all || len(a.Services) == 0
		best.Services = append(best.Services, a.Services...)
	}
	if all {
		best.Services = nil
	}
	return best, found
}
