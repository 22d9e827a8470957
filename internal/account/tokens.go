package account

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/fault"
	"github.com/liveops/liveops/internal/store"
)

// tokenMark starts every API token, so that secret scanners (and people)
// can recognise one in a log or a repository.
const tokenMark = "lo_"

// lastUsedEvery limits how often a token's last-used time is written.
const lastUsedEvery = time.Minute

// Token is an API token as listed: never the secret itself.
type Token struct {
	ID         int64
	UserID     int64
	UserEmail  string
	Name       string
	Prefix     string // the first characters of the secret, to recognise it
	Scope      auth.Scope
	ServiceID  int64 // 0 when the token may reach every service its owner can
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// NewToken is what it takes to create a token.
type NewToken struct {
	Name      string
	Scope     auth.Scope
	ServiceID int64
}

// CreateToken creates a token for the user and returns its secret, which is
// shown once and stored only as a hash. A token never gives more than its
// owner's role allows; an ingest token must name its one service.
func (a *Accounts) CreateToken(ctx context.Context, u *User, nt NewToken) (string, *Token, error) {
	nt.Name = strings.TrimSpace(nt.Name)
	switch {
	case nt.Name == "":
		return "", nil, fault.Invalidf("name", "Enter a name for the token, such as where it will be used")
	case utf8.RuneCountInString(nt.Name) > 100:
		return "", nil, fault.Invalidf("name", "Name must be 100 characters or fewer")
	}
	if _, err := auth.ParseScope(string(nt.Scope)); err != nil {
		return "", nil, fault.Invalidf("scope", "Choose a scope: read, write, ingest or admin")
	}
	if !u.Role.Allows(nt.Scope) {
		return "", nil, fault.Invalidf("scope", "As %s %s you cannot create a token with %s scope", article(string(u.Role)), u.Role, nt.Scope)
	}
	if nt.Scope == auth.ScopeIngest && nt.ServiceID == 0 {
		return "", nil, fault.Invalidf("service", "An ingest token sends data for one service: choose the service")
	}
	if nt.ServiceID != 0 && !u.Principal().CanRead(nt.ServiceID) {
		return "", nil, fault.Invalidf("service", "You do not have access to this service")
	}
	secret := tokenMark + newSecret()
	t := &Token{UserID: u.ID, UserEmail: u.Email, Name: nt.Name, Prefix: secret[:10], Scope: nt.Scope,
		ServiceID: nt.ServiceID, CreatedAt: a.now()}
	var service any
	if nt.ServiceID != 0 {
		service = nt.ServiceID
	}
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, scope, service_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.ID, t.Name, t.Prefix, hashSecret(secret), string(t.Scope), service, t.CreatedAt).Scan(&t.ID)
	})
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

func article(word string) string {
	if strings.ContainsAny(word[:1], "aeiou") {
		return "an"
	}
	return "a"
}

// TokenPrincipal authenticates an API token secret. It returns
// store.ErrNotFound for an unknown or revoked token or a disabled owner.
func (a *Accounts) TokenPrincipal(ctx context.Context, secret string) (*auth.Principal, error) {
	if !strings.HasPrefix(secret, tokenMark) || len(secret) > 100 {
		return nil, store.ErrNotFound
	}
	var id, userID int64
	var scope string
	var service sql.NullInt64
	var revoked, lastUsed sql.NullTime
	err := a.db.QueryRowContext(ctx, `SELECT id, user_id, scope, service_id, revoked_at, last_used_at
		FROM api_tokens WHERE token_hash = $1`, hashSecret(secret)).Scan(&id, &userID, &scope, &service, &revoked, &lastUsed)
	if err != nil {
		return nil, notFound(err, "load token")
	}
	if revoked.Valid {
		return nil, store.ErrNotFound
	}
	u, err := a.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, store.ErrNotFound
	}
	now := a.now()
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > lastUsedEvery {
		if _, err := a.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return nil, fmt.Errorf("record token use: %w", err)
		}
	}
	p := u.Principal()
	p.TokenID, p.Scope, p.TokenService = id, auth.Scope(scope), service.Int64
	return p, nil
}

// Tokens lists the user's tokens, or everyone's when userID is 0, newest
// first, revoked ones included.
func (a *Accounts) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	q := `SELECT t.id, t.user_id, u.email, t.name, t.prefix, t.scope, t.service_id, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id`
	args := []any{}
	if userID != 0 {
		q += ` WHERE t.user_id = $1`
		args = append(args, userID)
	}
	rows, err := a.db.QueryContext(ctx, q+` ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var scope string
		var service sql.NullInt64
		var lastUsed, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.UserEmail, &t.Name, &t.Prefix, &scope, &service, &t.CreatedAt, &lastUsed, &revoked); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.Scope, t.ServiceID = auth.Scope(scope), service.Int64
		if lastUsed.Valid {
			t.LastUsedAt = &lastUsed.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops a token from working. Only its owner or an admin
// (ownerID 0) may revoke it; anyone else gets store.ErrNotFound.
func (a *Accounts) RevokeToken(ctx context.Context, tokenID, ownerID int64) error {
	q := `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`
	args := []any{a.now(), tokenID}
	if ownerID != 0 {
		q += ` AND user_id = $3`
		args = append(args, ownerID)
	}
	res, err := a.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
