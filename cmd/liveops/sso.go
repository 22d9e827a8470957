package main

import (
	"net/url"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
)

// ssoOptions are serve's single sign-on flags.
type ssoOptions struct {
	issuer, clientID, secret, name, defaultRole, roleClaim, roleMap *string
	createUsers, passwords                                          *bool
}

func ssoFlags(c *command) ssoOptions {
	return ssoOptions{
		issuer:      c.fs.String("oidc-issuer", "", "single sign-on: the OpenID Connect provider's issuer URL (its discovery document is under /.well-known/openid-configuration)"),
		clientID:    c.fs.String("oidc-client-id", "", "single sign-on: liveops's client id at the provider"),
		secret:      c.fs.String("oidc-client-secret", "", "single sign-on: the client secret (prefer LIVEOPS_OIDC_CLIENT_SECRET_FILE)"),
		name:        c.fs.String("oidc-name", "single sign-on", "single sign-on: the provider's name on the sign-in button, such as \"Microsoft Entra ID\""),
		createUsers: c.fs.Bool("oidc-create-users", false, "single sign-on: create an account at the first sign-in of someone liveops does not know"),
		defaultRole: c.fs.String("oidc-default-role", "viewer", "single sign-on: the role of accounts created at first sign-in, unless --oidc-role-map gives one"),
		roleClaim:   c.fs.String("oidc-role-claim", "", "single sign-on: a claim (such as groups) whose values --oidc-role-map turns into roles"),
		roleMap:     c.fs.String("oidc-role-map", "", "single sign-on: value=role[:service+service],… such as liveops-admins=admin,permits=editor:parking-permits"),
		passwords:   c.fs.Bool("password-sign-in", true, "allow signing in with a password; false leaves single sign-on only"),
	}
}

// config is the single sign-on configuration, nil without --oidc-issuer.
func (o ssoOptions) config() (*account.SSOConfig, error) {
	if *o.issuer == "" {
		if !*o.passwords {
			return nil, usageError{"serve: --password-sign-in=false needs single sign-on (--oidc-issuer): nobody could sign in"}
		}
		return nil, nil
	}
	if u, err := url.Parse(*o.issuer); err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" {
		return nil, usageError{"serve: --oidc-issuer must be the provider's https:// issuer URL, such as https://login.microsoftonline.com/<tenant>/v2.0"}
	}
	if *o.clientID == "" || *o.secret == "" {
		return nil, usageError{"serve: single sign-on needs --oidc-client-id and the client secret (LIVEOPS_OIDC_CLIENT_SECRET_FILE)"}
	}
	role, err := auth.ParseRole(*o.defaultRole)
	if err != nil {
		return nil, usageError{"serve: --oidc-default-role: " + err.Error()}
	}
	m, err := account.ParseRoleMap(*o.roleMap)
	if err != nil {
		return nil, usageError{"serve: --oidc-role-map: " + err.Error()}
	}
	if len(m) > 0 && *o.roleClaim == "" {
		return nil, usageError{"serve: --oidc-role-map needs --oidc-role-claim, the claim its values are read from"}
	}
	return &account.SSOConfig{Issuer: *o.issuer, ClientID: *o.clientID, ClientSecret: *o.secret, Name: *o.name,
		CreateUsers: *o.createUsers, DefaultRole: role, RoleClaim: *o.roleClaim, RoleMap: m, NoPasswords: !*o.passwords}, nil
}
