package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mileusna/useragent"

	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// SessionLifetime is how long a browser session lasts without use; every
// use extends it.
const SessionLifetime = 14 * 24 * time.Hour

// touchEvery limits how often a session's last-seen time is written, so that
// reading pages does not mean writing the database on every request.
const touchEvery = 5 * time.Minute

// Session is one signed-in browser.
type Session struct {
	ID         string // the stored hash of the cookie, never the cookie itself
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// Browser names the session's browser as a person would ("Firefox 128 on
// Windows"), for the list of sessions: the raw user agent says little to
// most people, and "" when it tells nothing.
func (s Session) Browser() string {
	if strings.TrimSpace(s.UserAgent) == "" {
		return ""
	}
	ua := useragent.Parse(s.UserAgent)
	name := ua.Name
	if name == "" || name == ua.String {
		return ""
	}
	if v, _, _ := strings.Cut(ua.Version, "."); v != "" {
		name += " " + v
	}
	switch {
	case ua.OS != "" && ua.Device != "":
		name += " on " + ua.OS + " (" + ua.Device + ")"
	case ua.OS != "":
		name += " on " + ua.OS
	}
	return name
}

// CreateSession signs a user in and returns the secret for the cookie.
func (a *Accounts) CreateSession(ctx context.Context, userID int64, userAgent string) (string, error) {
	secret := newSecret()
	now := a.now()
	userAgent = web.CleanText(userAgent, 200)
	err := a.db.Tx(ctx, func(tx store.Querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, user_agent, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $4, $5)`, hashSecret(secret), userID, userAgent, now, now.Add(SessionLifetime)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, now, userID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return secret, nil
}

// SessionUser returns the user signed in with the cookie secret and the
// session's id, or store.ErrNotFound when the session is unknown, expired,
// or its user disabled.
func (a *Accounts) SessionUser(ctx context.Context, secret string) (*User, string, error) {
	id := hashSecret(secret)
	var userID int64
	var lastSeen, expires time.Time
	err := a.db.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`, id).
		Scan(&userID, &lastSeen, &expires)
	if err != nil {
		return nil, "", notFound(err, "load session")
	}
	now := a.now()
	if now.After(expires) {
		return nil, "", store.ErrNotFound
	}
	u, err := a.UserByID(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	if u.DisabledAt != nil {
		return nil, "", store.ErrNotFound
	}
	if now.Sub(lastSeen) > touchEvery {
		if _, err := a.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3`,
			now, now.Add(SessionLifetime), id); err != nil {
			return nil, "", fmt.Errorf("touch session: %w", err)
		}
	}
	return u, id, nil
}

// Sessions lists a user's live sessions, most recently used first.
func (a *Accounts) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT id_hash, user_agent, created_at, last_seen_at, expires_at
		FROM sessions WHERE user_id = $1 AND expires_at >= $2 ORDER BY last_seen_at DESC`, userID, a.now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.UserAgent, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RevokeSession signs one of the user's sessions out.
func (a *Accounts) RevokeSession(ctx context.Context, userID int64, sessionID string) error {
	res, err := a.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2`, userID, sessionID)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// RevokeSessions signs the user out everywhere.
func (a *Accounts) RevokeSessions(ctx context.Context, userID int64) error {
	if _, err := a.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// RevokeOtherSessions signs the user out everywhere but in session keep.
func (a *Accounts) RevokeOtherSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := a.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keep); err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	return nil
}

// EndSession signs out the session with this cookie secret.
func (a *Accounts) EndSession(ctx context.Context, secret string) error {
	_, err := a.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashSecret(secret))
	return err
}

// notFound maps "no rows" to store.ErrNotFound and wraps anything else.
func notFound(err error, doing string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return fmt.Errorf("%s: %w", doing, err)
}
