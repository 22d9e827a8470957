// Package auth says who is asking and what they may do. A Principal is a
// signed-in person (browser session) or an API token acting for one; every
// area asks the Principal before it reads or changes a service's data.
package auth

import (
	"context"
	"fmt"
)

// Role is what a person may do across liveops.
type Role string

// The roles, from most to least powerful.
const (
	Admin  Role = "admin"  // everything, including users and every service
	Editor Role = "editor" // read, and change the data of their services
	Viewer Role = "viewer" // read their services
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Editor, Viewer:
		return r, nil
	}
	return "", fmt.Errorf("role must be admin, editor or viewer, not %q", s)
}

// Scope is what an API token may do, within its owner's role.
type Scope string

// The token scopes.
const (
	ScopeAdmin  Scope = "admin"  // everything the owner may do
	ScopeRead   Scope = "read"   // read data
	ScopeWrite  Scope = "write"  // read and change data
	ScopeIngest Scope = "ingest" // only send data (events, feedback, figures) for one service
)

// ParseScope validates a scope name.
func ParseScope(s string) (Scope, error) {
	switch sc := Scope(s); sc {
	case ScopeAdmin, ScopeRead, ScopeWrite, ScopeIngest:
		return sc, nil
	}
	return "", fmt.Errorf("scope must be admin, read, write or ingest, not %q", s)
}

// Allows reports whether a person with role r may hold a token of scope s:
// a token never gives more than its owner has.
func (r Role) Allows(s Scope) bool {
	switch s {
	case ScopeRead:
		return true
	case ScopeWrite, ScopeIngest:
		return r == Admin || r == Editor
	case ScopeAdmin:
		return r == Admin
	}
	return false
}

// Principal is the person, or the token acting for them, behind a request.
type Principal struct {
	UserID int64
	Email  string
	Role   Role
	// AllServices is true when the person may see every service; otherwise
	// Services lists the ids they may see.
	AllServices bool
	Services    map[int64]bool

	// Token fields are zero for a browser session.
	TokenID      int64
	Scope        Scope
	TokenService int64 // the one service the token is limited to, or 0
}

// IsToken reports whether the request came with an API token.
func (p *Principal) IsToken() bool { return p != nil && p.TokenID != 0 }

// HasScope reports whether p's token (if any) allows want; a browser
// session has every scope its role allows.
func (p *Principal) HasScope(want Scope) bool { return p != nil && p.scopeAllows(want) }

func (p *Principal) scopeAllows(want Scope) bool {
	if !p.IsToken() {
		return true
	}
	switch want {
	case ScopeRead:
		return p.Scope == ScopeRead || p.Scope == ScopeWrite || p.Scope == ScopeAdmin
	case ScopeWrite:
		return p.Scope == ScopeWrite || p.Scope == ScopeAdmin
	case ScopeIngest:
		return p.Scope == ScopeIngest || p.Scope == ScopeWrite || p.Scope == ScopeAdmin
	case ScopeAdmin:
		return p.Scope == ScopeAdmin
	}
	return false
}

func (p *Principal) reaches(serviceID int64) bool {
	if p.TokenService != 0 && p.TokenService != serviceID {
		return false
	}
	return p.AllServices || p.Role == Admin || p.Services[serviceID]
}

// IsAdmin reports whether p may manage users and every service.
func (p *Principal) IsAdmin() bool {
	return p != nil && p.Role == Admin && p.scopeAllows(ScopeAdmin) && p.TokenService == 0
}

// CanRead reports whether p may see the service's data.
func (p *Principal) CanRead(serviceID int64) bool {
	return p != nil && p.scopeAllows(ScopeRead) && p.reaches(serviceID)
}

// CanWrite reports whether p may change the service and its data.
func (p *Principal) CanWrite(serviceID int64) bool {
	return p != nil && (p.Role == Admin || p.Role == Editor) && p.scopeAllows(ScopeWrite) && p.reaches(serviceID)
}

// CanIngest reports whether p may send data (events, feedback, figures) for the service.
func (p *Principal) CanIngest(serviceID int64) bool {
	return p != nil && (p.Role == Admin || p.Role == Editor) && p.scopeAllows(ScopeIngest) && p.reaches(serviceID)
}

// CanCreateServices reports whether p may add services to the catalog:
// admins, and editors who may see every service (an editor limited to some
// services works within them).
func (p *Principal) CanCreateServices() bool {
	if p == nil || !p.scopeAllows(ScopeWrite) || p.TokenService != 0 {
		return false
	}
	return p.Role == Admin || (p.Role == Editor && p.AllServices)
}

type principalKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the request's principal, or nil when nobody is signed in.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
